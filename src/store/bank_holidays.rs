//! England and Wales bank holidays the council has added or removed beside the rules
//! (`domain::service::BankHolidays`), for deemed service by post (s.572).
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::bank_holidays;
use crate::db::{now, AnyConnection};
use crate::domain::service::BankHolidays;

/// The rules with the council's changes.
pub fn load(conn: &mut AnyConnection) -> QueryResult<BankHolidays> {
    let rows: Vec<(NaiveDate, bool)> = bank_holidays::table
        .select((bank_holidays::day, bank_holidays::is_holiday))
        .load(conn)?;
    Ok(BankHolidays {
        overrides: rows.into_iter().collect(),
    })
}

/// Sets whether each day is a bank holiday, replacing what was said before about it.
pub fn set(
    conn: &mut AnyConnection,
    days: &[(NaiveDate, bool, String)],
    source: &str,
    user_id: Option<&str>,
) -> QueryResult<usize> {
    for (day, is_holiday, title) in days {
        diesel::delete(bank_holidays::table.find(day)).execute(conn)?;
        diesel::insert_into(bank_holidays::table)
            .values((
                bank_holidays::day.eq(day),
                bank_holidays::is_holiday.eq(is_holiday),
                bank_holidays::title.eq(title),
                bank_holidays::source.eq(source),
                bank_holidays::added_by.eq(user_id),
                bank_holidays::added_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(days.len())
}

/// The council's changes, latest day first: (day, is a holiday, title, source).
pub fn changes(conn: &mut AnyConnection) -> QueryResult<Vec<(NaiveDate, bool, String, String)>> {
    bank_holidays::table
        .order(bank_holidays::day.desc())
        .select((
            bank_holidays::day,
            bank_holidays::is_holiday,
            bank_holidays::title,
            bank_holidays::source,
        ))
        .load(conn)
}
