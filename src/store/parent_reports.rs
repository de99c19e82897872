//! What a signed-in parent tells the council about one child: changes (s.436D(2)(b)), that the
//! child is no longer in scope (s.436D(2)(d)), answers to requests (s.436D(2)(a), (c)), and
//! requests for support (s.436G). Each becomes a task for an officer.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::parent_reports;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::register::Choices;

pub const REPORT_KINDS: Choices = &[
    (
        "change",
        "Change of address, parents or who educates (s.436D(2)(b))",
    ),
    ("no_longer_in_scope", "No longer in scope (s.436D(2)(d))"),
    ("support", "Request for support (s.436G)"),
    (
        "information_response",
        "Answer to a request for information (s.436D(2)(c))",
    ),
];

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = parent_reports)]
pub struct Report {
    pub id: String,
    pub child_id: String,
    pub email: String,
    pub kind: String,
    /// (question, answer) pairs as the parent saw them, as JSON.
    pub details: String,
    pub happened_on: Option<NaiveDate>,
    pub information_request_id: Option<String>,
    pub submitted_at: NaiveDateTime,
}

impl Report {
    pub fn answers(&self) -> Vec<(String, String)> {
        serde_json::from_str(&self.details).unwrap_or_default()
    }
}

pub fn create(
    conn: &mut AnyConnection,
    child_id: &str,
    email: &str,
    kind: &str,
    answers: &[(String, String)],
    happened_on: Option<NaiveDate>,
    information_request_id: Option<&str>,
) -> anyhow::Result<Report> {
    let r = Report {
        id: new_id(),
        child_id: child_id.into(),
        email: email.into(),
        kind: kind.into(),
        details: serde_json::to_string(answers)?,
        happened_on,
        information_request_id: information_request_id.map(str::to_string),
        submitted_at: now(),
    };
    diesel::insert_into(parent_reports::table)
        .values(&r)
        .execute(conn)?;
    Ok(r)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Report>> {
    parent_reports::table
        .find(id)
        .select(Report::as_select())
        .first(conn)
        .optional()
}

pub fn for_child(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Vec<Report>> {
    parent_reports::table
        .filter(parent_reports::child_id.eq(child_id))
        .order(parent_reports::submitted_at.desc())
        .select(Report::as_select())
        .load(conn)
}
