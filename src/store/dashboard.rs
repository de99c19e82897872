//! The figures on the managers' dashboard: the register over time from its history, and what is
//! on it and in progress now. Counts only; no child is named.
use chrono::{Datelike, Duration, NaiveDate};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::schema::{attendance_cases, child_changes, children, consent_applications};
use crate::db::AnyConnection;
use crate::domain::attendance::Stage;
use crate::domain::consent::ApplicationStatus;
use crate::domain::register::EntryStatus;

/// What the dashboard shows.
pub struct Figures {
    /// Open entries at the end of each of the last 52 weeks, oldest first.
    pub weekly_size: Vec<(NaiveDate, i64)>,
    /// Entries made and entries closed in each of the last 12 months: (month start, joined, left).
    pub monthly_moves: Vec<(NaiveDate, i64, i64)>,
    pub arrangements: Vec<(String, i64)>,
    pub reasons: Vec<(String, i64)>,
    pub ages: Vec<(i32, i64)>,
    pub applications: Vec<(ApplicationStatus, i64)>,
    pub cases: Vec<(Stage, i64)>,
    /// Requests for information (s.436D(2)) not yet answered: (not yet due, overdue).
    pub requests: (i64, i64),
}

fn grouped(conn: &mut AnyConnection, by_reason: bool) -> QueryResult<Vec<(String, i64)>> {
    let open = children::table.filter(children::status.eq(EntryStatus::Open));
    let mut rows: Vec<(String, i64)> = if by_reason {
        open.group_by(children::reason)
            .select((children::reason, count_star()))
            .load(conn)?
    } else {
        open.group_by(children::arrangement)
            .select((children::arrangement, count_star()))
            .load(conn)?
    };
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(rows)
}

/// +1 for an entry made or reopened and -1 for one closed, on the day it happened, from the
/// history. Where the history does not end in the entry's state today (a row closed or reopened
/// without a recorded change), the difference is counted on the day the entry was closed, or
/// last changed.
fn moves(conn: &mut AnyConnection) -> QueryResult<Vec<(NaiveDate, i64)>> {
    type Entry = (
        String,
        EntryStatus,
        chrono::NaiveDateTime,
        Option<NaiveDate>,
        chrono::NaiveDateTime,
    );
    let entries: Vec<Entry> = children::table
        .select((
            children::id,
            children::status,
            children::created_at,
            children::closed_on,
            children::updated_at,
        ))
        .load(conn)?;
    let mut changes: std::collections::HashMap<String, Vec<(chrono::NaiveDateTime, bool)>> =
        Default::default();
    let rows: Vec<(String, chrono::NaiveDateTime, Option<String>)> = child_changes::table
        .filter(child_changes::field.eq("status"))
        .select((
            child_changes::child_id,
            child_changes::at,
            child_changes::new_value,
        ))
        .load(conn)?;
    for (child, at, new) in rows {
        changes
            .entry(child)
            .or_default()
            .push((at, new.as_deref() == Some("open")));
    }
    let mut out = vec![];
    for (id, status, created, closed_on, updated) in entries {
        out.push((created.date(), 1));
        let mut open = true;
        let mut mine = changes.remove(&id).unwrap_or_default();
        mine.sort();
        for (at, to_open) in mine {
            if to_open != open {
                out.push((at.date(), if to_open { 1 } else { -1 }));
                open = to_open;
            }
        }
        match (open, status == EntryStatus::Open) {
            (true, false) => out.push((closed_on.unwrap_or(updated.date()), -1)),
            (false, true) => out.push((updated.date(), 1)),
            _ => {}
        }
    }
    Ok(out)
}

pub fn figures(conn: &mut AnyConnection, today: NaiveDate) -> QueryResult<Figures> {
    let moves = moves(conn)?;
    let weekly_size = (0..52)
        .map(|i| {
            let end = today - Duration::weeks(51 - i);
            let size: i64 = moves
                .iter()
                .filter(|(d, _)| *d <= end)
                .map(|(_, m)| m)
                .sum();
            (end, size)
        })
        .collect();
    let month_start = |d: NaiveDate| d.with_day0(0).unwrap_or(d);
    let mut monthly_moves: Vec<(NaiveDate, i64, i64)> = vec![];
    let mut m = month_start(today);
    for _ in 0..12 {
        monthly_moves.push((m, 0, 0));
        m = month_start(m - Duration::days(1));
    }
    monthly_moves.reverse();
    let first_month = monthly_moves.first().map_or(today, |m| m.0);
    for (d, delta) in moves.iter().filter(|(d, _)| *d >= first_month) {
        if let Some(row) = monthly_moves
            .iter_mut()
            .rev()
            .find(|(start, _, _)| start <= d)
        {
            if *delta > 0 {
                row.1 += 1;
            } else {
                row.2 += 1;
            }
        }
    }
    let dobs: Vec<Option<NaiveDate>> = children::table
        .filter(children::status.eq(EntryStatus::Open))
        .select(children::date_of_birth)
        .load(conn)?;
    let mut ages = std::collections::BTreeMap::<i32, i64>::new();
    for d in dobs.into_iter().flatten() {
        *ages
            .entry(crate::domain::school_age::age_on(d, today))
            .or_default() += 1;
    }
    let mut applications: Vec<(ApplicationStatus, i64)> = consent_applications::table
        .group_by(consent_applications::status)
        .select((consent_applications::status, count_star()))
        .load(conn)?;
    applications.sort_by_key(|(s, _)| s.as_str());
    let mut cases: Vec<(Stage, i64)> = attendance_cases::table
        .filter(attendance_cases::closed_on.is_null())
        .group_by(attendance_cases::stage)
        .select((attendance_cases::stage, count_star()))
        .load(conn)?;
    cases.sort_by_key(|(s, _)| Stage::CHOICES.iter().position(|(c, _)| *c == s.as_str()));
    Ok(Figures {
        weekly_size,
        monthly_moves,
        arrangements: grouped(conn, false)?,
        reasons: grouped(conn, true)?,
        ages: ages.into_iter().collect(),
        applications,
        cases,
        requests: {
            use crate::db::schema::information_requests as r;
            let waiting = r::table.filter(r::responded_at.is_null());
            let overdue: i64 = waiting
                .filter(r::due_on.lt(today))
                .count()
                .get_result(conn)?;
            let all: i64 = waiting.count().get_result(conn)?;
            (all - overdue, overdue)
        },
    })
}
