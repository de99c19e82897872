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
        CompleteEntry = "complete_entry" => "Complete an entry imported with details missing (s.436C(1))",
        AttendanceResponse = "attendance_response" => "Read a parent's response to a preliminary notice (s.436I; s.437(3))",
        TransferReceived = "transfer_received" => "A child's record arrived from another council (s.436F)",
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
    /// The officer the task is assigned to; None is the team's.
    pub assigned_to: Option<String>,
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
            assigned_to: None,
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
            assigned_to: None,
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

/// s.436C(1): an entry a legacy import brought in without some of what the register must hold;
/// due with the s.436B(8) consideration, which needs the address.
pub fn complete_entry(
    conn: &mut AnyConnection,
    child_id: &str,
    missing: &str,
) -> QueryResult<String> {
    create_due(
        conn,
        child_id,
        TaskKind::CompleteEntry,
        &format!("The legacy register had no {missing} for this child: find them and complete the entry."),
        &crate::domain::duties::consider_home_by(crate::clock::today()),
    )
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Task>> {
    tasks::table
        .find(id)
        .select(Task::as_select())
        .first(conn)
        .optional()
}

/// An open task in the list: the task, who or what it is about (a child's name and reference,
/// or the child named in an application for consent), and the officer it is assigned to.
#[derive(Clone, Debug)]
pub struct TaskRow {
    pub task: Task,
    pub about: Option<(String, String, String)>,
    pub assignee: Option<String>,
}

/// Which open tasks to list.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    pub kind: Option<TaskKind>,
    /// Only tasks assigned to this officer.
    pub assigned_to: Option<String>,
    /// Only tasks due before this day.
    pub due_before: Option<NaiveDate>,
}

/// How far the open tasks are counted, and so paged: past it, filters narrow the list.
pub const COUNT_UP_TO: i64 = 1000;

/// One page of open tasks matching `filter`, soonest due first (no due date last), then oldest
/// first; with how many match, up to `COUNT_UP_TO` (one more means "more than that").
pub fn open(
    conn: &mut AnyConnection,
    filter: &TaskFilter,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<TaskRow>, i64)> {
    use crate::db::schema::consent_applications as apps;
    let filtered = || {
        let mut q = tasks::table
            .filter(tasks::completed_at.is_null())
            .into_boxed();
        if let Some(k) = filter.kind {
            q = q.filter(tasks::kind.eq(k));
        }
        if let Some(u) = &filter.assigned_to {
            q = q.filter(tasks::assigned_to.eq(u));
        }
        if let Some(d) = filter.due_before {
            q = q.filter(tasks::due_on.lt(d));
        }
        q
    };
    // Dated tasks soonest first, then undated ones oldest first: two reads in index order
    // (tasks_open_order), since "undated last" as one ORDER BY would sort every open task.
    // Counted up to a point: past it the list says "more than", and counting every open task
    // would cost more than the page.
    let dated = filtered()
        .filter(tasks::due_on.is_not_null())
        .select(tasks::id)
        .limit(COUNT_UP_TO + 1)
        .load::<String>(conn)?
        .len() as i64;
    let undated = filtered()
        .filter(tasks::due_on.is_null())
        .select(tasks::id)
        .limit(COUNT_UP_TO + 1)
        .load::<String>(conn)?
        .len() as i64;
    let start = page.max(0) * per_page;
    let mut ids: Vec<String> = if start < dated {
        filtered()
            .filter(tasks::due_on.is_not_null())
            .order((
                tasks::due_on.asc(),
                tasks::created_at.asc(),
                tasks::id.asc(),
            ))
            .select(tasks::id)
            .offset(start)
            .limit(per_page)
            .load(conn)?
    } else {
        vec![]
    };
    let room = per_page - ids.len() as i64;
    if room > 0 {
        ids.extend(
            filtered()
                .filter(tasks::due_on.is_null())
                .order((tasks::created_at.asc(), tasks::id.asc()))
                .select(tasks::id)
                .offset((start - dated).max(0))
                .limit(room)
                .load::<String>(conn)?,
        );
    }
    let total = (dated + undated).min(COUNT_UP_TO + 1);
    type Joined = (
        Task,
        Option<(String, String, String)>,
        Option<(String, String, String)>,
        Option<String>,
    );
    let mut rows: Vec<Joined> = tasks::table
        .left_join(children::table)
        .left_join(apps::table.on(tasks::source_id.eq(apps::id.nullable())))
        .left_join(users::table.on(tasks::assigned_to.eq(users::id.nullable())))
        .filter(tasks::id.eq_any(&ids))
        .select((
            Task::as_select(),
            (
                children::given_names,
                children::family_name,
                children::reference,
            )
                .nullable(),
            (apps::given_names, apps::family_name, apps::reference).nullable(),
            users::name.nullable(),
        ))
        .load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.0.id));
    let rows = rows
        .into_iter()
        .map(|(task, child, application, assignee)| TaskRow {
            task,
            about: child.or(application),
            assignee,
        })
        .collect();
    Ok((rows, total))
}

/// Assigns an open task to an officer, or back to the team (None). False if it is not open.
pub fn assign(conn: &mut AnyConnection, id: &str, to: Option<&str>) -> QueryResult<bool> {
    let n = diesel::update(tasks::table.find(id).filter(tasks::completed_at.is_null()))
        .set(tasks::assigned_to.eq(to))
        .execute(conn)?;
    Ok(n == 1)
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
/// Which open tasks of a kind to complete together.
#[derive(Clone, Copy)]
pub enum Raised<'a> {
    /// Those raised by this source (a parent's report, say).
    By(&'a str),
    /// Those about this child.
    About(&'a str),
}

/// Completes the open tasks of this kind raised by or about something; how many.
pub fn complete_all(
    conn: &mut AnyConnection,
    kind: TaskKind,
    raised: Raised,
    user_id: &str,
    outcome: &str,
) -> QueryResult<usize> {
    let open = tasks::table
        .filter(tasks::kind.eq(kind))
        .filter(tasks::completed_at.is_null())
        .into_boxed();
    let open = match raised {
        Raised::By(source) => open.filter(tasks::source_id.eq(source)),
        Raised::About(child) => open.filter(tasks::child_id.eq(child)),
    };
    let ids: Vec<String> = open.select(tasks::id).load(conn)?;
    diesel::update(
        tasks::table
            .filter(tasks::id.eq_any(&ids))
            .filter(tasks::completed_at.is_null()),
    )
    .set((
        tasks::completed_at.eq(now()),
        tasks::completed_by.eq(user_id),
        tasks::outcome.eq(outcome),
    ))
    .execute(conn)
}

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
