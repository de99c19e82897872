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
    /// The change as fields an officer can apply: JSON of `Proposal`.
    pub proposal: Option<String>,
}

impl Report {
    pub fn answers(&self) -> Vec<(String, String)> {
        serde_json::from_str(&self.details).unwrap_or_default()
    }

    /// The reference the parent is given: the start of the report's id, so an officer finds
    /// the report from it without a column of its own.
    pub fn reference(&self) -> String {
        reference_of(&self.id)
    }

    /// What the parent asks the council to change, when the report is a change it can apply.
    pub fn proposal(&self) -> Option<Proposal> {
        serde_json::from_str(self.proposal.as_deref()?).ok()
    }
}

/// A change a parent reported (s.436D(2)(b)), in the record's own fields, so an officer confirms
/// it rather than retyping it.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Proposal {
    /// The child has moved: a new home address.
    NewHome {
        line_1: String,
        line_2: Option<String>,
        town: String,
        postcode: String,
    },
    /// Someone has become a parent or carer.
    ParentJoined {
        given_names: String,
        family_name: String,
        relationship: String,
    },
    /// Someone has stopped being a parent or carer.
    ParentLeft {
        given_names: String,
        family_name: String,
    },
    /// Someone else now educates the child.
    Educator {
        name: String,
        provider_type: String,
        /// An address or a website.
        place: String,
        hours_per_week: f64,
    },
}

/// A report as the parent sent it.
pub struct NewReport<'a> {
    pub child_id: &'a str,
    pub email: &'a str,
    pub kind: &'a str,
    pub answers: &'a [(String, String)],
    pub happened_on: Option<NaiveDate>,
    pub information_request_id: Option<&'a str>,
    pub proposal: Option<&'a Proposal>,
}

pub fn create(conn: &mut AnyConnection, new: &NewReport) -> anyhow::Result<Report> {
    let r = Report {
        id: new_id(),
        child_id: new.child_id.into(),
        email: new.email.into(),
        kind: new.kind.into(),
        details: serde_json::to_string(new.answers)?,
        happened_on: new.happened_on,
        information_request_id: new.information_request_id.map(str::to_string),
        submitted_at: now(),
        proposal: new.proposal.map(serde_json::to_string).transpose()?,
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

/// "PR-" and the first eight characters of a report's id, in capitals.
pub fn reference_of(id: &str) -> String {
    let hex: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_uppercase();
    let (a, b) = hex.split_at(hex.len().min(4));
    format!("PR-{a}-{b}")
}

/// Where a parent's report has got to, as the parent sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Progress {
    /// An officer has a task open for it.
    BeingReviewed,
    /// The officer finished the task on this day.
    DealtWith(NaiveDate),
    /// Nothing for an officer to do (an answer that nothing changed): kept on the record.
    Kept,
}

/// The reports this parent sent about this child, newest first, each with where it has got to.
pub fn sent_by(
    conn: &mut AnyConnection,
    child_id: &str,
    email: &str,
) -> QueryResult<Vec<(Report, Progress)>> {
    use crate::db::schema::tasks;
    let reports: Vec<Report> = parent_reports::table
        .filter(parent_reports::child_id.eq(child_id))
        .filter(parent_reports::email.eq(email))
        .order(parent_reports::submitted_at.desc())
        .select(Report::as_select())
        .load(conn)?;
    let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    let tasks: Vec<(Option<String>, Option<NaiveDateTime>)> = tasks::table
        .filter(tasks::source_id.eq_any(&ids))
        .select((tasks::source_id, tasks::completed_at))
        .load(conn)?;
    Ok(reports
        .into_iter()
        .map(|r| {
            let task = tasks
                .iter()
                .find(|(s, _)| s.as_deref() == Some(r.id.as_str()));
            let progress = match task {
                Some((_, None)) => Progress::BeingReviewed,
                Some((_, Some(at))) => Progress::DealtWith(at.date()),
                None => Progress::Kept,
            };
            (r, progress)
        })
        .collect())
}

impl Proposal {
    /// The change in words, as the parent and the officer see it.
    pub fn one_line(&self) -> String {
        use crate::domain::register::{label, PROVIDER_TYPES, RELATIONSHIPS};
        match self {
            Proposal::NewHome {
                line_1,
                line_2,
                town,
                postcode,
            } => [Some(line_1), line_2.as_ref(), Some(town), Some(postcode)]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            Proposal::ParentJoined {
                given_names,
                family_name,
                relationship,
            } => format!(
                "{given_names} {family_name} has become a parent or carer ({})",
                label(RELATIONSHIPS, relationship)
            ),
            Proposal::ParentLeft {
                given_names,
                family_name,
            } => format!("{given_names} {family_name} has stopped being a parent or carer"),
            Proposal::Educator {
                name,
                provider_type,
                place,
                hours_per_week,
            } => format!(
                "{name} ({}), {place}, about {hours_per_week} hours a week",
                label(PROVIDER_TYPES, provider_type)
            ),
        }
    }
}
