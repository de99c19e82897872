//! The register as it stood on a date, read from the entries and their change history
//! (`domain::returns::as_at`), for the DfE's termly return.
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{child_changes, child_prescribed, children};
use crate::db::AnyConnection;
use crate::domain::register::EntryStatus;
use crate::domain::returns::{self, Change, EntryState};

/// The history fields the return reads.
const FIELDS: &[&str] = &[
    "entry",
    "status",
    "arrangement",
    "reason",
    "sex",
    "date of birth",
    "young carer",
    "identified as missing education",
];

fn end_of(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::days(1)
}

/// Every entry now, with the changes to it made from `since` on.
fn entries_and_changes_from(
    conn: &mut AnyConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<(EntryState, Vec<Change>)>> {
    type Row = (
        String,
        EntryStatus,
        String,
        String,
        String,
        Option<NaiveDate>,
        Option<String>,
        Option<NaiveDate>,
    );
    let rows: Vec<Row> = children::table
        .left_join(child_prescribed::table)
        .select((
            children::id,
            children::status,
            children::arrangement,
            children::reason,
            children::sex,
            children::date_of_birth,
            child_prescribed::young_carer.nullable(),
            // The row may be missing (None) or hold no date (None): the same to the return.
            child_prescribed::missing_education_from
                .nullable()
                .assume_not_null()
                .nullable(),
        ))
        .load(conn)?;
    let mut later: HashMap<String, Vec<Change>> = HashMap::new();
    type ChangeRow = (
        String,
        NaiveDateTime,
        String,
        Option<String>,
        Option<String>,
    );
    let changes: Vec<ChangeRow> = child_changes::table
        .filter(child_changes::at.ge(since))
        .filter(child_changes::field.eq_any(FIELDS))
        .select((
            child_changes::child_id,
            child_changes::at,
            child_changes::field,
            child_changes::old_value,
            child_changes::new_value,
        ))
        .load(conn)?;
    for (child, at, field, old_value, new_value) in changes {
        later.entry(child).or_default().push(Change {
            at,
            field,
            old_value,
            new_value,
        });
    }
    Ok(rows
        .into_iter()
        .map(|(id, status, arrangement, reason, sex, dob, carer, cme)| {
            let changes = later.remove(&id).unwrap_or_default();
            (
                EntryState {
                    child_id: id,
                    exists: true,
                    open: status == EntryStatus::Open,
                    arrangement,
                    reason,
                    sex,
                    date_of_birth: dob,
                    young_carer: carer.unwrap_or_else(|| "not_known".into()),
                    missing_education_from: cme,
                },
                changes,
            )
        })
        .collect())
}

/// Every entry as it stood at the end of `on`: entries made later are there with `exists`
/// false, and every later edit is undone.
pub fn register_as_at(conn: &mut AnyConnection, on: NaiveDate) -> QueryResult<Vec<EntryState>> {
    Ok(entries_and_changes_from(conn, end_of(on))?
        .iter()
        .map(|(now, later)| returns::as_at(now, later))
        .filter(|e| e.exists)
        .collect())
}

/// The children in elective home education at any point from `from` to `to`.
pub fn home_educated_between(
    conn: &mut AnyConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<String>> {
    let since = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(entries_and_changes_from(conn, since)?
        .into_iter()
        .filter(|(now, later)| returns::home_educated_between(now, later, from, to))
        .map(|(now, _)| now.child_id)
        .collect())
}
