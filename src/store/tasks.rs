//! Officers' tasks: reviews of parents' notifications, parents' reports, support requests
//! (s.436G) and overdue answers to information requests (s.436H(6)–(7), conditions C and D).
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{children, tasks, users};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::register::Choices;
use crate::mail::templates::Templates;

crate::text_enum! {
    /// What an officer is asked to do.
    pub enum TaskKind {
        ReviewNotification = "review_notification" => "Review a parent's notification",
        PossibleMatch = "possible_match" => "Check a possible duplicate entry",
        ConfirmParent = "confirm_parent" => "Check someone who says they are a parent",
        ChangeReported = "change_reported" => "Apply a change a parent reported",
        NoLongerInScope = "no_longer_in_scope" => "Parent says the child is no longer in scope",
        SupportRequest = "support_request" => "Support requested (s.436G)",
        InformationResponse = "information_response" => "Read a parent's answer to an information request",
        InformationOverdue = "information_overdue" => "Information request not answered (condition D, s.436H(7))",
        PostInformationRequest = "post_information_request" => "Post an information request",
        FlagRaised = "flag_raised" => "Social care flag raised",
        FlagEnded = "flag_ended" => "Social care flag ended",
        FlagsFirstRun = "flags_first_run" => "First cross-check: flags raised",
        ConsentApplication = "consent_application" => "Assess an application for consent to home educate (s.434A)",
        ConsentEscalation = "consent_escalation" => "Application for consent open too long (s.434A(6))",
        SchoolNotice = "school_notice" => "A school's notice of intention to home educate",
        SchoolNoticeVolume = "school_notice_volume" => "A school sent an unusual number of notices",
        PostNotice = "post_notice" => "Post a notice that cannot go by email",
        MatchReview = "match_review" => "Check a possible social care match",
        AttendanceConditionB = "attendance_condition_b" => "Condition B may be met: consider a preliminary notice (s.436H)",
        AttendanceRevocation = "attendance_revocation" => "Revoke a school attendance order (s.436P(2))",
        AttendanceConditionC = "attendance_condition_c" => "Condition C may be met: no parent told the council (s.436H(6))",
        ConsiderHome = "consider_home" => "Consider where a newly entered child lives (s.436B(8))",
        ConsiderSettings = "consider_settings" => "Consider a child's education settings (s.436B(10))",
        EsoDirection = "eso_direction" => "The court directed an education supervision order application (s.447(2))",
    }
}

pub const TASK_KINDS: Choices = TaskKind::CHOICES;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = tasks)]
pub struct Task {
    pub id: String,
    pub child_id: Option<String>,
    pub kind: TaskKind,
    pub summary: String,
    pub source_id: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub completed_by: Option<String>,
    pub outcome: Option<String>,
}

/// Where task alerts go. The email holds a link only: nothing about the child.
pub struct TeamAlert<'a> {
    pub templates: &'a Templates,
    pub to: &'a str,
    pub base_url: &'a str,
    pub council_name: &'a str,
}

/// Creates a task, and an alert to the team mailbox in the same transaction. `summary` is shown to
/// officers only; it never goes in the alert.
pub fn create(
    conn: &mut AnyConnection,
    alert: Option<&TeamAlert>,
    child_id: Option<&str>,
    kind: TaskKind,
    summary: &str,
    source_id: Option<&str>,
    due_on: Option<NaiveDate>,
) -> anyhow::Result<String> {
    let id = new_id();
    diesel::insert_into(tasks::table)
        .values(&Task {
            id: id.clone(),
            child_id: child_id.map(str::to_string),
            kind,
            summary: summary.into(),
            source_id: source_id.map(str::to_string),
            due_on,
            created_at: now(),
            completed_at: None,
            completed_by: None,
            outcome: None,
        })
        .execute(conn)?;
    if let Some(a) = alert {
        let link = format!("{}/officers/tasks/{id}", a.base_url.trim_end_matches('/'));
        crate::mail::enqueue(
            conn,
            a.templates,
            "team-alert",
            a.to,
            &[
                ("task_kind", kind.label()),
                ("link", &link),
                ("council_name", a.council_name),
            ],
            None,
        )?;
    }
    Ok(id)
}

/// A task with a statutory deadline and no alert to the team mailbox (routine duties that come
/// with every entry), in the caller's transaction.
pub fn create_due(
    conn: &mut AnyConnection,
    child_id: &str,
    kind: TaskKind,
    summary: &str,
    due: &crate::domain::attendance::Deadline,
) -> QueryResult<String> {
    let id = new_id();
    diesel::insert_into(tasks::table)
        .values(&Task {
            id: id.clone(),
            child_id: Some(child_id.to_string()),
            kind,
            summary: format!(
                "{summary} Due {} ({}).",
                crate::clock::fmt_date(due.on),
                due.rule
            ),
            source_id: None,
            due_on: Some(due.on),
            created_at: now(),
            completed_at: None,
            completed_by: None,
            outcome: None,
        })
        .execute(conn)?;
    Ok(id)
}

/// s.436B(10): a provider's details were recorded today; the council considers the settings.
pub fn consider_settings(conn: &mut AnyConnection, child_id: &str) -> QueryResult<String> {
    create_due(
        conn,
        child_id,
        TaskKind::ConsiderSettings,
        "Consider the settings where the child is educated, from the provider's details.",
        &crate::domain::duties::consider_settings_by(crate::clock::today()),
    )
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Task>> {
    tasks::table
        .find(id)
        .select(Task::as_select())
        .first(conn)
        .optional()
}

/// An open task row for the list: the task and the child's name and reference, if any.
pub type TaskRow = (Task, Option<(String, String, String)>);

/// Open tasks, soonest due first (no due date last), then oldest first.
pub fn open(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<TaskRow>> {
    let rows: Vec<TaskRow> = tasks::table
        .left_join(children::table)
        .filter(tasks::completed_at.is_null())
        .order((
            tasks::due_on.is_null(),
            tasks::due_on.asc(),
            tasks::created_at.asc(),
        ))
        .select((
            Task::as_select(),
            (
                children::given_names,
                children::family_name,
                children::reference,
            )
                .nullable(),
        ))
        .limit(limit)
        .load(conn)?;
    Ok(rows)
}

pub fn count_open(conn: &mut AnyConnection) -> QueryResult<i64> {
    tasks::table
        .filter(tasks::completed_at.is_null())
        .count()
        .get_result(conn)
}

/// Every task about one child, newest first, with who completed it.
pub fn for_child(
    conn: &mut AnyConnection,
    child_id: &str,
) -> QueryResult<Vec<(Task, Option<String>)>> {
    tasks::table
        .left_join(users::table.on(tasks::completed_by.eq(users::id.nullable())))
        .filter(tasks::child_id.eq(child_id))
        .order(tasks::created_at.desc())
        .select((Task::as_select(), users::name.nullable()))
        .load(conn)
}

/// Completes an open task with what was done. False if it was already completed.
pub fn complete(
    conn: &mut AnyConnection,
    id: &str,
    user_id: &str,
    outcome: &str,
) -> QueryResult<bool> {
    let n = diesel::update(tasks::table.find(id).filter(tasks::completed_at.is_null()))
        .set((
            tasks::completed_at.eq(now()),
            tasks::completed_by.eq(user_id),
            tasks::outcome.eq(outcome),
        ))
        .execute(conn)?;
    Ok(n == 1)
}
