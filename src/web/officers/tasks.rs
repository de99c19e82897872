//! Officers' work list: tasks from parents' notifications and reports, support requests (s.436G)
//! and overdue answers; and requests for information (s.436D(2)(c)) with the s.436D(3) limits.
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::domain::register::EntryStatus;
use crate::error::{AppError, AppResult};
use crate::store::information_requests::{self as requests, Sent};
use crate::store::tasks;
use crate::store::tasks::TaskKind;
use crate::store::{audit, children, parent_reports};
use crate::views::*;
use crate::web::auth::Caseworker;
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

const TASKS_PER_PAGE: i64 = 50;

/// The tasks list's filters, from the query string (codes only: nothing personal).
struct ListQuery {
    kind: Option<TaskKind>,
    mine: bool,
    overdue: bool,
    page: i64,
}

impl ListQuery {
    fn from(q: &std::collections::HashMap<String, String>) -> ListQuery {
        let on = |k: &str| q.get(k).is_some_and(|v| !v.is_empty());
        ListQuery {
            kind: q.get("kind").and_then(|k| TaskKind::parse(k)),
            mine: on("mine"),
            overdue: on("overdue"),
            page: q
                .get("page")
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(1)
                .clamp(1, tasks::COUNT_UP_TO / TASKS_PER_PAGE),
        }
    }

    fn href(&self, page: i64) -> String {
        let mut parts = vec![];
        if let Some(k) = self.kind {
            parts.push(format!("kind={}", k.as_str()));
        }
        if self.mine {
            parts.push("mine=on".into());
        }
        if self.overdue {
            parts.push("overdue=on".into());
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/officers/tasks?{}", parts.join("&"))
    }
}

/// The list's filters: kind of task, assigned to me, overdue.
fn filter_form(query: &ListQuery) -> Markup {
    let kinds: Vec<(&str, &str)> = std::iter::once(("", "All kinds"))
        .chain(TaskKind::ALL.iter().map(|k| (k.as_str(), k.label())))
        .collect();
    let filtered = query.kind.is_some() || query.mine || query.overdue;
    html! {
        form method="get" action="/officers/tasks" class="cnis-filters" novalidate {
            (select("kind", "Kind of task", &kinds, query.kind.map(TaskKind::as_str).unwrap_or(""), None, None))
            div class="govuk-form-group" {
                div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                    div class="govuk-checkboxes__item" {
                        input class="govuk-checkboxes__input" id="mine" name="mine" type="checkbox" checked[query.mine];
                        label class="govuk-label govuk-checkboxes__label" for="mine" { "Assigned to me" }
                    }
                    div class="govuk-checkboxes__item" {
                        input class="govuk-checkboxes__input" id="overdue" name="overdue" type="checkbox" checked[query.overdue];
                        label class="govuk-label govuk-checkboxes__label" for="overdue" { "Overdue only" }
                    }
                }
            }
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show tasks" }
            @if filtered { " " a class="govuk-link govuk-body" href="/officers/tasks" { "Clear filters" } }
        }
    }
}

async fn list(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let uid = o.user.id.clone();
    let query = ListQuery::from(&q);
    let t = today();
    let filter = tasks::TaskFilter {
        kind: query.kind,
        assigned_to: query.mine.then(|| uid.clone()),
        due_before: query.overdue.then_some(t),
    };
    let page = query.page;
    let (rows, total) = state
        .db(move |c| {
            audit::record(c, Some(&uid), "list_tasks", None, "officer opened tasks")?;
            Ok(tasks::open(c, &filter, page - 1, TASKS_PER_PAGE)?)
        })
        .await?;
    let more = total > tasks::COUNT_UP_TO;
    let pages =
        ((total + TASKS_PER_PAGE - 1) / TASKS_PER_PAGE).min(tasks::COUNT_UP_TO / TASKS_PER_PAGE);
    let filtered = query.kind.is_some() || query.mine || query.overdue;
    Ok(render(
        &state,
        PageArgs {
            title: "Tasks",
            nav: Some(o.nav("tasks")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            @match q.get("done").map(String::as_str) {
                Some("done") => (success_banner("Task marked as done")),
                Some("assigned") => (success_banner("Task assigned")),
                _ => {}
            }
            h1 class="govuk-heading-l" { "Tasks" }
            (filter_form(&query))
            @if rows.is_empty() {
                p class="govuk-body" { @if filtered { "No open tasks match these filters." } @else { "There are no open tasks." } }
            } @else {
                p class="govuk-body" {
                    @if more { "More than " (tasks::COUNT_UP_TO) " open tasks" } @else { (total) " open " @if total == 1 { "task" } @else { "tasks" } }
                    @if pages > 1 { ". Page " (page) " of " (pages) } "."
                    @if more { " The first " (tasks::COUNT_UP_TO) " are listed, most urgent first: filter by kind, assignee or overdue to see others." }
                }
                div class="cnis-table-scroll" role="region" aria-label="Open tasks" tabindex="0" {
                table class="govuk-table" {
                    (table_head("Open tasks, soonest due first", &["Task", "Child", "Due", "Assigned to", "Raised"]))
                    tbody class="govuk-table__body" {
                        @for row in &rows {
                            @let task = &row.task;
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/tasks/" (task.id) } { (task.kind.label()) } }
                                td class="govuk-table__cell" { @if let Some((g, f, r)) = &row.about { (g) " " (f) br; span class="govuk-hint" { (r) } } }
                                td class="govuk-table__cell" {
                                    @if let Some(d) = task.due_on { (fmt_date(d)) @if d < t { " " (tag("Overdue", "red")) } } @else { "No date" }
                                }
                                td class="govuk-table__cell" { (row.assignee.as_deref().unwrap_or("The team")) }
                                td class="govuk-table__cell" { (crate::clock::fmt_day(task.created_at)) }
                            }
                        }
                    }
                }
                }
                (pagination(
                    (page > 1).then(|| query.href(page - 1)).as_deref(),
                    (page < pages).then(|| query.href(page + 1)).as_deref(),
                ))
            }
        },
    ))
}

fn task_page(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    loaded: &Loaded,
    form: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let Loaded {
        task,
        child,
        report,
        caseworkers,
        apply,
    } = loaded;
    let child = child.as_ref();
    render(
        state,
        PageArgs {
            title: "Task",
            nav: Some(o.nav("tasks")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link("/officers/tasks"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                span class="govuk-caption-l" { "Task" }
                h1 class="govuk-heading-l" { (task.kind.label()) }
                dl class="govuk-summary-list" {
                    @if let Some(ch) = child {
                        (summary_row("Child", html! { a class="govuk-link" href={ "/officers/children/" (ch.id) } { (ch.given_names) " " (ch.family_name) } " (" (ch.reference) ")" }, None))
                    }
                    (summary_row("What to do", html! { (task.summary) }, None))
                    @if let (true, Some(src), Some(ch)) = (task.kind == TaskKind::ConfirmParent, &task.source_id, child) {
                        (summary_row("Who", html! { a class="govuk-link" href={ "/officers/children/" (ch.id) "/parent-claims/" (src) } { "Check what they gave beside the record" } }, None))
                    }
                    @if let (true, Some(src)) = (matches!(task.kind, TaskKind::AttendanceRevocation | TaskKind::AttendanceResponse), &task.source_id) {
                        (summary_row("Case", html! { a class="govuk-link" href={ "/officers/attendance/" (src) } { "Open the school attendance case" } }, None))
                    }
                    @if task.kind == TaskKind::FlagsFirstRun {
                        (summary_row("Children", html! {
                            ul class="govuk-list" {
                                @for (kind, text) in children::social_care_filters() {
                                    li { a class="govuk-link" href={ "/officers/register?social_care=" (kind) } { (text) } }
                                }
                            }
                        }, None))
                    }
                    @if let (true, Some(src)) = (matches!(task.kind, TaskKind::ConsentApplication | TaskKind::ConsentEscalation), &task.source_id) {
                        (summary_row("Application", html! { a class="govuk-link" href={ "/officers/consent/" (src) } { "Open the application for consent" } }, None))
                    }
                    (summary_row("Raised", html! { (crate::clock::fmt_day(task.created_at)) }, None))
                    (summary_row("Due", html! { @if let Some(d) = task.due_on { (fmt_date(d)) } @else { "No date" } }, None))
                }
                @if task.completed_at.is_none() { (assign_form(&o.csrf, task, caseworkers, errors)) }
                @if let Some(r) = report {
                    h2 class="govuk-heading-m" { "What the parent told us" }
                    dl class="govuk-summary-list" {
                        (summary_row("Sent", html! { (crate::clock::fmt_time(r.submitted_at)) }, None))
                        @if let Some(d) = r.happened_on { (summary_row("Date it happened", html! { (fmt_date(d)) }, None)) }
                        @for (q, a) in r.answers() { (summary_row(&q, html! { (a) }, None)) }
                    }
                    @if let Some(href) = apply {
                        p class="govuk-body" { "Check the change on the record's own form and save it: that completes this task." }
                        a class="govuk-button" data-module="govuk-button" href=(href) { "Apply this change" }
                    }
                }
                (finish_section(&o.csrf, task, apply.is_some(), form, errors))
            }}
        },
    )
}

/// Assigning the task to an officer or manager, or back to the team.
fn assign_form(
    csrf: &str,
    task: &tasks::Task,
    caseworkers: &[(String, String)],
    errors: &Errors,
) -> Markup {
    let assignees: Vec<(&str, &str)> = std::iter::once(("", "The team (nobody yet)"))
        .chain(
            caseworkers
                .iter()
                .map(|(id, name)| (id.as_str(), name.as_str())),
        )
        .collect();
    html! {
        form method="post" action={ "/officers/tasks/" (task.id) "/assign" } novalidate class="cnis-assign" {
            (csrf_field(csrf))
            (select("assigned_to", "Assigned to", &assignees, task.assigned_to.as_deref().unwrap_or(""), None, errors.get("assigned_to")))
            (secondary_button("Assign"))
        }
    }
}

/// What was done, or the form to say so.
/// `applying`: the page offers to apply a reported change, so marking done is the other way out.
fn finish_section(
    csrf: &str,
    task: &tasks::Task,
    applying: bool,
    form: &FormData,
    errors: &Errors,
) -> Markup {
    let is_support = task.kind == TaskKind::SupportRequest;
    html! {
        @if let Some(done) = task.completed_at {
            h2 class="govuk-heading-m" { "Done" }
            p class="govuk-body" { "Completed on " (crate::clock::fmt_day(done)) "." }
            @if let Some(out) = &task.outcome { p class="govuk-body" { (out) } }
        } @else if task.kind == TaskKind::ConfirmParent {
            p class="govuk-body" { "This task is done when you confirm or reject the person on the check page." }
        } @else {
            @if task.kind == TaskKind::PostInformationRequest {
                p class="govuk-body" { "Mark this done on the day you post the request. The parent's time to answer then runs from the day the post is deemed to arrive (Education Act 1996, sections 436D and 572)." }
            }
            @if task.kind == TaskKind::ReviewNotification {
                p class="govuk-body" { "Marking this done also marks the entry as reviewed." }
            }
            @if applying {
                h2 class="govuk-heading-m" { "If the record needs no change" }
            }
            form method="post" novalidate {
                (csrf_field(csrf))
                (textarea("outcome", if is_support { "What support was provided? (recorded on the register, s.436C(2)(k))" } else { "What was done" }, form.get("outcome"), Some("This is kept on the child's record"), errors.get("outcome")))
                @if applying { (secondary_button("Mark as done")) } @else { (button("Mark as done")) }
            }
        }
    }
}

/// A task with what its page shows beside it.
struct Loaded {
    task: tasks::Task,
    child: Option<children::Child>,
    report: Option<parent_reports::Report>,
    /// Officers and managers it can be assigned to: (id, name).
    caseworkers: Vec<(String, String)>,
    /// Where the officer applies the change a parent reported, when it is one the form can take.
    apply: Option<String>,
}

async fn load(state: &AppState, id: String, uid: String) -> AppResult<Loaded> {
    state
        .db(move |c| {
            let task = tasks::find(c, &id)?.ok_or(AppError::NotFound)?;
            let child = match &task.child_id {
                Some(cid) => children::find(c, cid)?,
                None => None,
            };
            let report = match &task.source_id {
                Some(s) => parent_reports::find(c, s)?,
                None => None,
            };
            audit::record(
                c,
                Some(&uid),
                "view_task",
                task.child_id.as_deref(),
                "officer opened a task",
            )?;
            let caseworkers = crate::store::users::caseworkers(c)?;
            let apply = match (&report, &task.child_id, task.completed_at) {
                (Some(r), Some(cid), None) if task.kind == TaskKind::ChangeReported => {
                    let parents = children::parents_of(c, cid)?;
                    crate::web::officers::parts::apply_link(cid, r, &parents)
                }
                _ => None,
            };
            Ok(Loaded {
                task,
                child,
                report,
                caseworkers,
                apply,
            })
        })
        .await
}

async fn view(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let loaded = load(&state, id, o.user.id.clone()).await?;
    Ok(task_page(
        &state,
        &o,
        &loaded,
        &FormData::default(),
        &Errors::default(),
    ))
}

/// A request for information posted today: its period runs from the deemed day of service
/// (s.436D(5)(d), s.572), and the history says so.
fn record_posting(
    c: &mut crate::db::AnyConnection,
    task: &tasks::Task,
    uid: &str,
    postal_days: u32,
    response_days: i64,
) -> AppResult<()> {
    let (TaskKind::PostInformationRequest, Some(rid), Some(cid)) =
        (task.kind, &task.source_id, &task.child_id)
    else {
        return Ok(());
    };
    if let Some(due) = requests::posted(c, rid, today(), postal_days, response_days)? {
        children::record_change(
            c,
            cid,
            Some(uid),
            "information request (s.436D(2)(c))",
            None,
            Some(&format!("posted, answer due {}", fmt_date(due))),
            "posted by an officer",
        )?;
    }
    Ok(())
}

async fn complete(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let loaded = load(&state, id.clone(), o.user.id.clone()).await?;
    let mut errors = Errors::default();
    if loaded.task.kind == TaskKind::ConfirmParent {
        return Err(AppError::Refused(
            "Confirm or reject the person on the check page: that completes this task.".into(),
        ));
    }
    let outcome = text(&form, "outcome", "what was done", 4000, &mut errors);
    if !errors.is_empty() {
        return Ok(task_page(&state, &o, &loaded, &form, &errors));
    }
    let task = loaded.task;
    let uid = o.user.id.clone();
    let (postal_days, response_days) = (
        state.config.postal_service_days,
        state.config.information_response_days,
    );
    state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                if tasks::complete(c, &id, &uid, &outcome)? {
                    record_posting(c, &task, &uid, postal_days, response_days)?;
                    if let (TaskKind::ReviewNotification, Some(cid)) = (task.kind, &task.child_id) {
                        crate::services::register::review_entry(c, cid, &uid, &outcome)?;
                    }
                    if let Some(cid) = &task.child_id {
                        let field = if task.kind == TaskKind::SupportRequest {
                            "support provided (s.436G)"
                        } else {
                            "task done"
                        };
                        children::record_change(
                            c,
                            cid,
                            Some(&uid),
                            field,
                            None,
                            Some(&outcome),
                            task.kind.label(),
                        )?;
                    }
                    audit::record(
                        c,
                        Some(&uid),
                        "complete_task",
                        task.child_id.as_deref(),
                        "officer completed a task",
                    )?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(see_other("/officers/tasks?done=done"))
}

/// Assigns a task to an officer or manager, or back to the team.
async fn assign(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let loaded = load(&state, id.clone(), o.user.id.clone()).await?;
    let to = form.get("assigned_to").trim().to_string();
    let mut errors = Errors::default();
    if !to.is_empty() && !loaded.caseworkers.iter().any(|(u, _)| *u == to) {
        errors.add("assigned_to", "Choose an officer or manager from the list");
    }
    if loaded.task.completed_at.is_some() {
        errors.add(
            "assigned_to",
            "This task is done: it can no longer be assigned",
        );
    }
    if !errors.is_empty() {
        return Ok(task_page(&state, &o, &loaded, &form, &errors));
    }
    let uid = o.user.id.clone();
    let child = loaded.task.child_id.clone();
    let before = loaded
        .task
        .assigned_to
        .clone()
        .unwrap_or_else(|| "the team".into());
    let assigned = state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                let new = (!to.is_empty()).then_some(to.as_str());
                if !tasks::assign(c, &id, new)? {
                    return Ok(false);
                }
                audit::record(
                    c,
                    Some(&uid),
                    "assign_task",
                    child.as_deref(),
                    &format!(
                        "officer assigned task {id} from {before} to {}",
                        new.unwrap_or("the team")
                    ),
                )?;
                Ok(true)
            })
        })
        .await?;
    if !assigned {
        // Completed by someone else meanwhile.
        return Err(AppError::Refused(
            "This task was completed meanwhile: it can no longer be assigned.".into(),
        ));
    }
    Ok(see_other("/officers/tasks?done=assigned"))
}

async fn requests_page(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let uid = o.user.id.clone();
    let t = today();
    let (due, waiting) = state
        .db(move |c| {
            audit::record(
                c,
                Some(&uid),
                "list_information_requests",
                None,
                "officer opened information requests",
            )?;
            Ok((requests::due(c, t, 500)?, requests::waiting(c, 500)?))
        })
        .await?;
    let sent = q.get("sent").and_then(|n| n.parse::<usize>().ok());
    Ok(render(
        &state,
        PageArgs {
            title: "Information requests",
            nav: Some(o.nav("requests")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            @if let Some(n) = sent { (success_banner(&format!("{n} requests sent"))) }
            h1 class="govuk-heading-l" { "Requests for information" }
            p class="govuk-body" { "Once a year at least, and no more than once every three months, the council must ask parents whether the time their child spends being educated, or who educates them, has changed (Education Act 1996, section 436D(2)(c) and (3)). Parents have " (state.config.information_response_days) " days to answer; the law's minimum is 15." }
            @if state.config.scheduler { p class="govuk-body" { "The scheduler is on: due requests are sent automatically every day." } }
            h2 class="govuk-heading-m" { "Due in the next 30 days or overdue (" (due.len()) ")" }
            @if due.is_empty() { p class="govuk-body" { "No child is due a request." } } @else {
                form method="post" action="/officers/information-requests/send-due" {
                    (csrf_field(&o.csrf))
                    (button(&format!("Send all {} due requests", due.len())))
                }
                div class="cnis-table-scroll" role="region" aria-label="Children due a request" tabindex="0" { table class="govuk-table" {
                    (table_head("Children due a request", &["Child", "Last request", "Must be sent by"]))
                    tbody class="govuk-table__body" {
                        @for r in &due {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/children/" (r.child_id) } { (r.name) } br; span class="govuk-hint" { (r.reference) } }
                                td class="govuk-table__cell" { @match r.last_sent { Some(d) => (fmt_date(d)), None => "Never" } }
                                td class="govuk-table__cell" { (fmt_date(r.latest_next)) @if r.latest_next < t { " " (tag("Late", "red")) } }
                            }
                        }
                    }
                } }
            }
            h2 class="govuk-heading-m" { "Waiting for an answer (" (waiting.len()) ")" }
            @if waiting.is_empty() { p class="govuk-body" { "None." } } @else {
                div class="cnis-table-scroll" role="region" aria-label="Requests waiting for an answer" tabindex="0" { table class="govuk-table" {
                    (table_head("Requests waiting for an answer", &["Child", "Sent", "How", "Answer due"]))
                    tbody class="govuk-table__body" {
                        @for (r, reference, g, f) in &waiting {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/children/" (r.child_id) } { (g) " " (f) } br; span class="govuk-hint" { (reference) } }
                                td class="govuk-table__cell" { (crate::clock::fmt_day(r.sent_at)) }
                                td class="govuk-table__cell" { @if r.method == "email" { "Email" } @else { "Post" } }
                                td class="govuk-table__cell" { (fmt_date(r.due_on)) @if r.due_on < t { " " (tag("Overdue", "red")) } }
                            }
                        }
                    }
                } }
            }
        },
    ))
}

async fn send_due(
    state: web::Data<AppState>,
    Post(Caseworker(o), _form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let st = state.clone();
    let uid = o.user.id.clone();
    let t = today();
    let n = state
        .db(move |c| {
            let s = st.information_request_sender();
            let mut n = 0;
            for row in requests::due(c, t, usize::MAX)? {
                let sent = crate::db::write::<_, AppError, _>(c, |c| {
                    let r = requests::send(c, &s, &row.child_id, None, Some(&uid), t)?;
                    audit::record(
                        c,
                        Some(&uid),
                        "send_information_request",
                        Some(&row.child_id),
                        "officer sent due requests",
                    )?;
                    Ok(r)
                })?;
                if matches!(sent, Sent::Sent { .. }) {
                    n += 1;
                }
            }
            Ok(n)
        })
        .await?;
    Ok(see_other(&format!(
        "/officers/information-requests?sent={n}"
    )))
}

/// POST /officers/children/{id}/information-requests: one request, now, if s.436D(3) allows.
async fn send_one(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), _form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    send_request(&state, &o, id, None).await
}

fn details_page(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    ch: &children::Child,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Ask the parents for details",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("/officers/children/{}", ch.id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                span class="govuk-caption-l" { (ch.given_names) " " (ch.family_name) }
                h1 class="govuk-heading-l" { "Ask the parents for details" }
                p class="govuk-body" { "Parents must give the register details of s.436C(1) that the council asks for, within the period the request sets (Education Act 1996, section 436D(2)(a)). They will have " (state.config.information_response_days) " days. If they do not answer, condition D of s.436H(7) may be met." }
                form method="post" novalidate {
                    (csrf_field(&o.csrf))
                    (textarea("asked", "What details do you need?", f.get("asked"), Some("The parents see this exactly as you write it. For example: the address where the tutor teaches, and the hours each week."), errors.get("asked")))
                    (button("Send the request"))
                }
            }}
        },
    )
}

async fn details_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let ch = crate::web::load_child(&state, id, o.user.id.clone(), "request for details").await?;
    Ok(details_page(
        &state,
        &o,
        &ch,
        &FormData::default(),
        &Errors::default(),
    ))
}

/// POST /officers/children/{id}/details-request: a s.436D(2)(a) request for named details.
async fn send_details(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let ch = crate::web::load_child(&state, id, o.user.id.clone(), "request for details").await?;
    let mut errors = Errors::default();
    let asked = text(&form, "asked", "what details you need", 2000, &mut errors);
    if !errors.is_empty() {
        return Ok(details_page(&state, &o, &ch, &form, &errors));
    }
    send_request(&state, &o, ch.id, Some(asked)).await
}

async fn send_request(
    state: &web::Data<AppState>,
    o: &crate::web::auth::CurrentOfficer,
    id: String,
    asked: Option<String>,
) -> AppResult<HttpResponse> {
    let st = state.clone();
    let uid = o.user.id.clone();
    let cid = id.clone();
    let sent = state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                let ch = children::find(c, &cid)?.ok_or(AppError::NotFound)?;
                if ch.status != EntryStatus::Open {
                    return Err(AppError::BadRequest(
                        "Requests go only to children with an open entry.".into(),
                    ));
                }
                let r = requests::send(
                    c,
                    &st.information_request_sender(),
                    &cid,
                    asked.as_deref(),
                    Some(&uid),
                    today(),
                )?;
                audit::record(
                    c,
                    Some(&uid),
                    "send_information_request",
                    Some(&cid),
                    "officer sent a request",
                )?;
                Ok(r)
            })
        })
        .await?;
    Ok(match sent {
        Sent::Sent { .. } => see_other(&format!("/officers/children/{id}?done=request")),
        Sent::TooSoon(d) => see_other(&format!("/officers/children/{id}?done=too-soon&from={d}")),
        // The record says why, in place of the button.
        Sent::NotInForce(_) => see_other(&format!("/officers/children/{id}#requests")),
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/tasks", web::get().to(list))
        .route("/officers/tasks/{id}", web::get().to(view))
        .route("/officers/tasks/{id}", web::post().to(complete))
        .route("/officers/tasks/{id}/assign", web::post().to(assign))
        .route(
            "/officers/information-requests",
            web::get().to(requests_page),
        )
        .route(
            "/officers/information-requests/send-due",
            web::post().to(send_due),
        )
        .route(
            "/officers/children/{id}/details-request",
            web::get().to(details_form),
        )
        .route(
            "/officers/children/{id}/details-request",
            web::post().to(send_details),
        )
        .route(
            "/officers/children/{id}/information-requests",
            web::post().to(send_one),
        );
}
