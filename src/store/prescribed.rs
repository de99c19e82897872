//! A child's s.436C(2) information (`domain::prescribed`): read, and saved with one history line
//! for each field that changed, as the entry's own fields are.
use diesel::prelude::*;

use crate::db::schema::child_prescribed;
use crate::db::{now, AnyConnection};
use crate::domain::prescribed::{Answer, Ethnicity, LookedAfter, Prescribed};

type Row = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<chrono::NaiveDate>,
);

/// What the council holds for the child; "not known" throughout when nothing has been given.
pub fn of(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Prescribed> {
    let row: Option<Row> = child_prescribed::table
        .find(child_id)
        .select((
            child_prescribed::ethnicity,
            child_prescribed::disability,
            child_prescribed::young_carer,
            child_prescribed::looked_after,
            child_prescribed::schools_attended,
            child_prescribed::missing_education_from,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => Prescribed::default(),
        Some((e, d, y, l, s, m)) => Prescribed {
            ethnicity: Ethnicity::parse(&e).unwrap_or(Ethnicity::NotKnown),
            disability: Answer::parse(&d).unwrap_or(Answer::NotKnown),
            young_carer: Answer::parse(&y).unwrap_or(Answer::NotKnown),
            looked_after: LookedAfter::parse(&l).unwrap_or(LookedAfter::NotKnown),
            schools_attended: s,
            missing_education_from: m,
        },
    })
}

/// Saves `new` over what is held, with a history line for each change; returns how many fields
/// changed. Call inside the transaction that audits the change.
pub fn save(
    conn: &mut AnyConnection,
    child_id: &str,
    new: &Prescribed,
    user_id: Option<&str>,
    reason: &str,
) -> QueryResult<usize> {
    let old = of(conn, child_id)?;
    if &old == new {
        return Ok(0);
    }
    let mut changed = 0;
    for ((field, was), (_, now_is)) in old.fields().into_iter().zip(new.fields()) {
        if was != now_is {
            changed += 1;
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
            super::children::record_change(
                conn,
                child_id,
                user_id,
                field,
                opt(&was).as_deref(),
                opt(&now_is).as_deref(),
                reason,
            )?;
        }
    }
    let values = (
        child_prescribed::ethnicity.eq(new.ethnicity.as_str()),
        child_prescribed::disability.eq(new.disability.as_str()),
        child_prescribed::young_carer.eq(new.young_carer.as_str()),
        child_prescribed::looked_after.eq(new.looked_after.as_str()),
        child_prescribed::schools_attended.eq(new.schools_attended.as_deref()),
        child_prescribed::missing_education_from.eq(new.missing_education_from),
        child_prescribed::updated_at.eq(now()),
    );
    let updated = diesel::update(child_prescribed::table.find(child_id))
        .set(values)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(child_prescribed::table)
            .values((child_prescribed::child_id.eq(child_id), values))
            .execute(conn)?;
    }
    Ok(changed)
}
