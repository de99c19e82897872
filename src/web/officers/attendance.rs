//! Officers' side of school attendance orders (EA 1996 ss.436H–436Q, and today's ss.437–443):
//! the deadlines list, opening a case from a register entry, each step with its legal
//! preconditions, service of every notice (s.572), and the prosecution file.
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::domain::attendance::{self as rules, Deadline, Facts, Regime, Stage, Step, CONDITIONS};
use crate::domain::register::label;
use crate::domain::register::EntryStatus;
use crate::error::{AppError, AppResult};
use crate::services::attendance::{self as services, Command};
use crate::store::attendance::{self as cases, Case, Event, EVENT_KINDS};
use crate::store::schools::School;
use crate::store::served::ServiceContext;
use crate::store::served::{self, LogRow};
use crate::store::{audit, children, users};
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

/// The evaluation's choices open on this case (s.436I(2)(a)(ii) only where B was cited with
/// another condition).
fn outcomes(f: &rules::Facts) -> Vec<(&'static str, &'static str)> {
    rules::evaluations(f)
        .into_iter()
        .map(|e| (e.as_str(), e.label()))
        .collect()
}
const VISIT_ANSWERS: &[(&str, &str)] = &[
    ("accepted", "The parent agreed and the visit took place"),
    ("refused", "The parent refused"),
    ("no_answer", "No answer"),
];
const REVOCATION_GROUNDS: &[(&str, &str)] = &[
    (
        "on_request",
        "The parent asked, and suitable education is arranged otherwise than at school (s.436P; s.442)",
    ),
    (
        "condition_b_ended",
        "Condition B no longer met: the section 47 involvement has ended (s.436P(2), mandatory)",
    ),
];

fn service_methods(regime: Regime) -> &'static [(&'static str, &'static str)] {
    match regime {
        Regime::New => &[
            ("post", "Posted (prepaid letter to the last known address)"),
            ("hand", "Delivered to the person"),
            ("left", "Left at their usual or last known address"),
            (
                "other",
                "Another effective method (s.572(4)): describe it and the proof it worked",
            ),
        ],
        Regime::Current => &[
            ("post", "Posted (prepaid letter to the last known address)"),
            ("hand", "Delivered to the person"),
            ("left", "Left at their usual or last known address"),
        ],
    }
}

fn stage_tag(c: &Case) -> Markup {
    let colour = match c.stage {
        Stage::InForce => "red",
        Stage::Referred => "purple",
        Stage::Satisfied | Stage::NotExpedient | Stage::Revoked | Stage::Barred | Stage::Ended => {
            "grey"
        }
        Stage::Considering => "yellow",
        _ => "blue",
    };
    tag(rules::stage_label(c.regime(), c.stage), colour)
}

/// Overdue, due within the reminder days, or nothing.
fn due_tag(d: &Deadline, today: NaiveDate, soon: i64) -> Markup {
    let left = (d.on - today).num_days();
    html! {
        @if left < 0 { " " (tag("Overdue", "red")) }
        @else if left <= soon { " " (tag(&if left == 0 { "Due today".to_string() } else { format!("Due in {left} days") }, "orange")) }
    }
}

/// A case on the deadlines list: the case, the child, the officer, the next deadline.
use crate::services::attendance::ListRow;

async fn list(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let uid = o.user.id.clone();
    let today = today();
    let stage = q.get("stage").and_then(|s| Stage::parse(s));
    let rows = state
        .db(move |c| services::open_cases_by_deadline(c, &uid, today))
        .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| stage.is_none_or(|s| r.0.stage == s))
        .collect();
    let mine: Vec<_> = rows
        .iter()
        .filter(|r| r.0.assigned_to.as_deref() == Some(o.user.id.as_str()))
        .collect();
    let all: Vec<_> = rows.iter().collect();
    let soon = state.config.attendance_reminder_days;
    let overdue = rows
        .iter()
        .filter(|r| r.3.as_ref().is_some_and(|(_, d)| d.on < today))
        .count();
    Ok(render(
        &state,
        PageArgs {
            title: "School attendance orders",
            nav: Some(o.nav("attendance")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            h1 class="govuk-heading-l" { "School attendance orders" }
            p class="govuk-body" { "Open cases, soonest deadline first. "
                (state.config.new_sao_from.map(|d| format!("New cases follow sections 436H to 436Q from {}.", fmt_date(d))).unwrap_or_else(|| "New cases follow sections 437 to 443: the new process has no commencement date set.".to_string()))
                " Open a case from a child's register entry." }
            @if overdue > 0 { div class="govuk-inset-text" { strong { (overdue) } " open " (if overdue == 1 { "case has" } else { "cases have" }) " a deadline that has passed." } }
            @if let Some(s) = stage {
                p class="govuk-body" { "Showing open cases at one stage: " strong { (s.label()) } ". " a class="govuk-link" href="/officers/attendance" { "Show all open cases" } }
                (cases_table("Open cases at this stage", &all, today, soon))
            } @else {
                h2 class="govuk-heading-m" { "Your cases" }
                (cases_table("Your cases", &mine, today, soon))
                @if o.user.can_decide() {
                    h2 class="govuk-heading-m" { "All open cases" }
                    (cases_table("All open cases", &all, today, soon))
                }
            }
        },
    ))
}

/// Cases with their next deadline, and the notices waiting to be served.
fn cases_table(caption: &str, rows: &[&ListRow], today: NaiveDate, soon: i64) -> Markup {
    html! {
        @if rows.is_empty() { p class="govuk-body" { "None." } } @else {
            div class="cnis-table-scroll" role="region" aria-label=(caption) tabindex="0" { table class="govuk-table" {
                (table_head(caption, &["Case", "Child", "Stage", "Next", "By", "Officer"]))
                tbody class="govuk-table__body" {
                    @for (c, child, officer, next, waiting) in rows {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/attendance/" (c.id) } { (c.reference) } }
                            td class="govuk-table__cell" { (child) }
                            td class="govuk-table__cell" { (stage_tag(c)) }
                            td class="govuk-table__cell" {
                                @if *waiting > 0 { "Post or deliver " (waiting) (if *waiting == 1 { " notice" } else { " notices" }) " and record the service" @if next.is_some() { br; } }
                                @if let Some((w, _)) = next { (w) }
                            }
                            td class="govuk-table__cell" { @if let Some((_, d)) = next { (fmt_date(d.on)) (due_tag(d, today, soon)) br; span class="govuk-hint" { (d.rule) } } }
                            td class="govuk-table__cell" { (officer.as_deref().unwrap_or("Not assigned")) }
                        }
                    }
                }
            } }
        }
    }
}

fn parse_conditions(f: &FormData, regime: Regime, errors: &mut Errors) -> Vec<String> {
    let chosen: Vec<String> = CONDITIONS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| f.checked(&format!("condition_{k}")))
        .map(str::to_string)
        .collect();
    if chosen.is_empty() {
        errors.add("condition_A", "Select the conditions the notice relies on");
    } else if let Some(k) = chosen
        .iter()
        .find(|k| !rules::conditions_allowed(regime).contains(&k.as_str()))
    {
        errors.add("condition_A", format!("Condition {k} is not part of today's law: section 437 rests only on the child not receiving suitable education"));
    }
    chosen
}

fn school_select(
    id: &str,
    label_text: &str,
    schools: &[School],
    selected: &str,
    hint: Option<&str>,
    error: Option<&str>,
    none: Option<&str>,
) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for=(id) { (label_text) }
            @if let Some(h) = hint { div id=(hint_id) class="govuk-hint" { (h) } }
            @if let Some(e) = error { p id={ (id) "-error" } class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
            select class={ "govuk-select" @if error.is_some() { " govuk-select--error" } } id=(id) name=(id) aria-describedby=[describedby(id, hint, error)] {
                @if let Some(n) = none { option value="" { (n) } }
                @for s in schools { option value=(s.id) selected[selected == s.id] { (s.name) " (URN " (s.urn) ")" } }
            }
        }
    }
}

fn open_form(
    state: &AppState,
    o: &CurrentOfficer,
    child: &children::Child,
    schools: &[School],
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let regime = rules::regime_for(today(), state.config.new_sao_from);
    let (d, m, y) = if f.0.contains_key("requirements_met_on-day") {
        f.date_parts("requirements_met_on")
    } else {
        date_strings(Some(today()))
    };
    let days = if f.0.contains_key("response_days") {
        f.get("response_days").to_string()
    } else {
        "15".to_string()
    };
    let name = format!("{} {}", child.given_names, child.family_name);
    render(
        state,
        PageArgs {
            title: "Open a school attendance case",
            nav: Some(o.nav("attendance")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("/officers/children/{}", child.id)))
            (error_summary(errors))
            span class="govuk-caption-l" { (child.reference) }
            h1 class="govuk-heading-l" { "Open a school attendance case: " (name) }
            p class="govuk-body" { "This case will follow " strong { (regime.name()) } ". A case keeps the law it began under." }
            form method="post" novalidate {
                (csrf_field(&o.csrf))
                div class={ "govuk-form-group" @if errors.get("condition_A").is_some() { " govuk-form-group--error" } } {
                    fieldset class="govuk-fieldset" aria-describedby=[describedby("condition_A", Some("The preliminary notice must state which conditions it relies on (s.436H(3))"), errors.get("condition_A"))] {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Which conditions apply?" }
                        div id="condition_A-hint" class="govuk-hint" { "The preliminary notice must state which conditions it relies on (s.436H(3))" }
                        @if let Some(e) = errors.get("condition_A") { p id="condition_A-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
                        div class="govuk-checkboxes" data-module="govuk-checkboxes" {
                            @for (k, text) in CONDITIONS {
                                @if rules::conditions_allowed(regime).contains(k) {
                                    @let id = format!("condition_{k}");
                                    div class="govuk-checkboxes__item" {
                                        input class="govuk-checkboxes__input" id=(id) name=(id) type="checkbox" value="yes" checked[f.checked(&id)];
                                        label class="govuk-label govuk-checkboxes__label" for=(id) { (if regime == Regime::New { *text } else { rules::condition_label(regime, k) }) }
                                    }
                                }
                            }
                        }
                    }
                }
                (textarea("grounds", "Why it appears the conditions are met", f.get("grounds"), Some("This goes in the notice. Say what the council knows and how it knows it."), errors.get("grounds")))
                (date_input("requirements_met_on", "When did it first appear the requirements were met?", (&d, &m, &y), Some(if regime == Regime::New { "The preliminary notice is due within 5 days beginning with this day (s.436H(10)(b))" } else { "For the record: today's law sets no period to serve the notice" }), errors.get("requirements_met_on")))
                (Input::new("response_days", "Days the parent has to respond", &days).width("govuk-input--width-3").hint("At least 15, beginning with the day of service").kind("text").error(errors.get("response_days")).render())
                (school_select("ehc_plan_school_id", "School named in the child's EHC plan", schools, f.get("ehc_plan_school_id"), Some("If the plan names a school, the order must name it and there is no school selection (s.436J; s.441)"), errors.get("ehc_plan_school_id"), Some("No EHC plan naming a school")))
                div class="govuk-form-group" { div class="govuk-checkboxes" data-module="govuk-checkboxes" { div class="govuk-checkboxes__item" {
                    input class="govuk-checkboxes__input" id="ehc_plan_no_school" name="ehc_plan_no_school" type="checkbox" value="yes" checked[f.checked("ehc_plan_no_school")];
                    label class="govuk-label govuk-checkboxes__label" for="ehc_plan_no_school" { "The child has an EHC plan, and it names no school" }
                    div class="govuk-hint govuk-checkboxes__hint" { "No school nomination notice is served (s.436L(1)); the plan is amended to name a school (s.436J(3))" }
                } } }
                (button("Open the case"))
            }
        },
    )
}

async fn load_child(
    state: &AppState,
    id: String,
    uid: String,
) -> AppResult<(children::Child, Vec<School>, Option<String>)> {
    state
        .db(move |c| {
            let child = children::find(c, &id)?.ok_or(AppError::NotFound)?;
            audit::record(
                c,
                Some(&uid),
                "view_child",
                Some(&child.id),
                "officer opening a school attendance case",
            )?;
            let open = cases::for_child(c, &child.id)?
                .into_iter()
                .find(|k| k.closed_on.is_none())
                .map(|k| k.reference);
            Ok((child, crate::store::schools::all(c)?, open))
        })
        .await
}

async fn new_case(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let (child, schools, _) = load_child(&state, id, o.user.id.clone()).await?;
    Ok(open_form(
        &state,
        &o,
        &child,
        &schools,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn create_case(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let f = form.into_inner();
    let (child, schools, already) = load_child(&state, id, o.user.id.clone()).await?;
    let today = today();
    let regime = rules::regime_for(today, state.config.new_sao_from);
    let mut errors = Errors::default();
    let conditions = parse_conditions(&f, regime, &mut errors);
    let grounds = text(
        &f,
        "grounds",
        "why it appears the conditions are met",
        8000,
        &mut errors,
    );
    let met = parse_date(
        &f,
        "requirements_met_on",
        "when the requirements appeared met",
        true,
        &mut errors,
    );
    if met.is_some_and(|d| d > today) {
        errors.add(
            "requirements_met_on",
            "The date the requirements appeared met must be today or in the past",
        );
    }
    let days = response_days(&f, &mut errors);
    let ehc = f.opt("ehc_plan_school_id");
    if let Some(e) = &ehc {
        if !schools.iter().any(|s| &s.id == e) {
            errors.add("ehc_plan_school_id", "Choose a school from the list");
        }
    }
    let ehc_plan_no_school = f.checked("ehc_plan_no_school");
    if ehc.is_some() && ehc_plan_no_school {
        errors.add(
            "ehc_plan_school_id",
            "Choose the school the EHC plan names, or say it names none: not both",
        );
    }
    may_open_case(&child, already.as_deref(), today, &mut errors);
    let Some(met) = met.filter(|_| errors.is_empty()) else {
        return Ok(open_form(&state, &o, &child, &schools, &f, &errors));
    };
    let uid = o.user.id.clone();
    let child_id = child.id.clone();
    let case = state
        .db(move |c| {
            let new = cases::NewCase {
                child_id: &child_id,
                regime,
                conditions: &conditions,
                grounds: &grounds,
                requirements_met_on: met,
                response_days: days,
                ehc_plan_school_id: ehc.as_deref(),
                ehc_plan_no_school,
                user_id: &uid,
                today,
            };
            services::open_case(c, &new)
        })
        .await?;
    Ok(see_other(&format!(
        "/officers/attendance/{}?done=opened",
        case.id
    )))
}

/// The parent's period under the notice, in days: at least 15 (s.436H(10)(c); s.437(2)).
fn response_days(f: &FormData, errors: &mut Errors) -> i32 {
    match f.get("response_days").parse::<i32>() {
        Ok(d) if (15..=365).contains(&d) => d,
        Ok(d) if d < 15 => {
            errors.add(
                "response_days",
                "The parent must have at least 15 days (s.436H(10)(c); s.437(2))",
            );
            15
        }
        _ => {
            errors.add(
                "response_days",
                "Enter the number of days as a whole number from 15 to 365",
            );
            15
        }
    }
}

/// A case is opened only for an open register entry, a child of compulsory school age, and a
/// child with no other open case.
fn may_open_case(
    child: &children::Child,
    already: Option<&str>,
    today: NaiveDate,
    errors: &mut Errors,
) {
    match child.date_of_birth {
        None => errors.add("grounds", "The child's date of birth is not known: record it on the child's record first, so that compulsory school age can be checked (s.436H(1); s.437(1))"),
        Some(dob)
            if crate::domain::school_age::status_on(dob, today)
                != crate::domain::school_age::SchoolAgeStatus::CompulsorySchoolAge =>
        {
            errors.add("grounds", "The child is not of compulsory school age: an order can only be made for a child of compulsory school age (s.436H(1); s.437(1))")
        }
        Some(_) => {}
    }
    if let Some(r) = already {
        errors.add(
            "grounds",
            format!(
                "This child already has an open school attendance case, {r}: continue that one"
            ),
        );
    }
    if child.status != EntryStatus::Open {
        errors.add(
            "grounds",
            "The register entry is closed: reopen it before opening a case",
        );
    }
}

struct Loaded {
    case: Case,
    child: children::Child,
    facts: Facts,
    events: Vec<(Event, Option<String>)>,
    log: Vec<LogRow>,
    schools: Vec<School>,
    section47: Vec<rules::Section47>,
    /// Officers and managers a case can be assigned to: (id, name).
    caseworkers: Vec<(String, String)>,
}

async fn load(state: &AppState, id: String, uid: String, why: &'static str) -> AppResult<Loaded> {
    state
        .db(move |c| {
            let case = cases::find(c, &id)?.ok_or(AppError::NotFound)?;
            let child = children::find(c, &case.child_id)?.ok_or(AppError::NotFound)?;
            let facts = cases::facts(c, &case, today())?;
            let mut events = vec![];
            for e in cases::events(c, &case.id)? {
                let who = match &e.user_id {
                    Some(u) => users::find(c, u)?.map(|u| u.name),
                    None => None,
                };
                events.push((e, who));
            }
            let log = served::log_for(c, &case.id)?;
            let schools = crate::store::schools::all(c)?;
            let section47 = cases::section47_known(c, &case.child_id)?;
            let caseworkers = users::list(c)?
                .into_iter()
                .filter(|u| u.active && u.can_use_register())
                .map(|u| (u.id, u.name))
                .collect();
            audit::record(
                c,
                Some(&uid),
                "view_attendance_case",
                Some(&case.child_id),
                &format!("case {}: {why}", case.reference),
            )?;
            Ok(Loaded {
                case,
                child,
                facts,
                events,
                log,
                schools,
                section47,
                caseworkers,
            })
        })
        .await
}

fn school_name(schools: &[School], id: Option<&str>) -> String {
    id.and_then(|id| schools.iter().find(|s| s.id == id))
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

/// Every date the case has reached, with its rule.
/// A date on the case: what, when and by which rule, and for a notice the Act says to serve by
/// then, the day it was served (None: not yet).
type DateRow = (&'static str, Deadline, Option<Option<NaiveDate>>);

fn dates(f: &Facts, c: &Case) -> Vec<DateRow> {
    let r = f.regime;
    let mut out: Vec<DateRow> = vec![];
    if let Some(d) = rules::preliminary_notice_due(r, f.requirements_met_on) {
        out.push(("Preliminary notice due", d, Some(f.preliminary_served_on)));
    }
    if let Some(e) = f.response_end() {
        out.push((
            "Parent's period to satisfy the council ends",
            e.clone(),
            None,
        ));
        if c.ehc_plan_school_id.is_none() {
            if let Some(d) = rules::school_notice_due(r, e.on) {
                out.push((
                    "Notice to the school due",
                    d,
                    Some(f.school_notice_served_on),
                ));
            }
        }
    }
    if let Some(Ok(w)) = &f.objection_window {
        out.push((
            "School's window to apply to the Secretary of State ends",
            w.clone(),
            None,
        ));
        let after = f.direction_on.unwrap_or(w.on);
        if let Some(d) = rules::nomination_notice_due(r, after, f.direction_on.is_some()) {
            out.push((
                "School nomination notice due",
                d,
                Some(f.nomination_served_on),
            ));
        }
    }
    if let Some(s) = f.nomination_served_on {
        out.push((
            "Parent's window to choose a school ends",
            rules::parent_choice_end(r, s),
            None,
        ));
    }
    if let Some(d) = f.determined_on.and_then(|d| rules::order_due(r, d)) {
        out.push((
            "Order and notice to the school due",
            d,
            Some(f.order_served_on),
        ));
    }
    out
}

/// Whether a notice was served by its last day, as a tag (law.md §8 rows 15–22).
fn timing_tag(due: NaiveDate, served: Option<NaiveDate>) -> Markup {
    use rules::ServiceTiming::*;
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    match rules::service_timing(due, served, today()) {
        InTime => html! { "Served " (served.map(fmt_date).unwrap_or_default()) },
        Late(n) => {
            html! { "Served " (served.map(fmt_date).unwrap_or_default()) " " (tag(&format!("Served {n} day{} late", plural(n)), "red")) }
        }
        Overdue(n) => html! { (tag(&format!("Not served: {n} day{} overdue", plural(n)), "red")) },
        DueSoon(n) => html! { (tag(&format!("Not served: {n} day{} left", plural(n)), "orange")) },
        Waiting => html! { "Not served yet" },
    }
}

fn page(
    state: &AppState,
    o: &CurrentOfficer,
    l: &Loaded,
    form: &FormData,
    errors: &Errors,
    done: Option<&str>,
) -> HttpResponse {
    let p = CasePage {
        o,
        l,
        form,
        errors,
        base: format!("/officers/attendance/{}", l.case.id),
        today: today(),
        soon: state.config.attendance_reminder_days,
        alternatives: l.case.alternative_ids(),
    };
    render(
        state,
        PageArgs {
            title: "School attendance case",
            nav: Some(o.nav("attendance")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link("/officers/attendance"))
            (error_summary(errors))
            @if let Some(d) = done { (success_banner(d)) }
            (p.header())
            (p.dates_table())
            (p.considering())
            (p.home_visit())
            (p.preliminary())
            (p.school_selection())
            (p.school_notified())
            (p.direction())
            (p.nomination())
            (p.determined())
            (p.order())
            (p.service())
            (p.assignment())
            (p.chronology())
        },
    )
}

/// The case page and what it is shown with: each section is a method.
struct CasePage<'a> {
    o: &'a CurrentOfficer,
    l: &'a Loaded,
    form: &'a FormData,
    errors: &'a Errors,
    base: String,
    today: NaiveDate,
    soon: i64,
    alternatives: Vec<String>,
}

impl CasePage<'_> {
    fn may(&self, s: Step) -> bool {
        rules::may(&self.l.facts, s, self.today).is_ok()
    }

    fn date_field(&self, id: &str, label_text: &str, hint: Option<&str>) -> Markup {
        let (d, m, y) = self.form.date_parts(id);
        date_input(id, label_text, (&d, &m, &y), hint, self.errors.get(id))
    }

    /// The child, the stage, the next deadline and what the case rests on.
    fn header(&self) -> Markup {
        let l = self.l;
        let errors = self.errors;
        let c = &self.l.case;
        let f = &self.l.facts;
        let today = self.today;
        let soon = self.soon;
        let alternatives = &self.alternatives;
        html! {
            span class="govuk-caption-l" { (c.reference) }
            h1 class="govuk-heading-l" { "School attendance case: " (l.child.given_names) " " (l.child.family_name) }
            @if let Some(e) = errors.get("action") { p id="action" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
            p class="govuk-body" { (stage_tag(c)) }
            @if matches!(c.stage, Stage::PreliminaryNotice | Stage::Nomination) && f.next_deadline(today).is_none() {
                div class="govuk-inset-text" { "Waiting for every copy of the notice to be served: the parent's period begins on the day the last copy counts as served (s.572)." }
            }
            @if let Some((what, d)) = f.next_deadline(today) {
                div class="govuk-inset-text" { strong { (what) ": " (fmt_date(d.on)) } (due_tag(&d, today, soon)) br; (d.rule) }
            }
            dl class="govuk-summary-list" {
                (summary_row("Child", html! { a class="govuk-link" href={ "/officers/children/" (l.child.id) } { (l.child.given_names) " " (l.child.family_name) } ", born " (crate::clock::fmt_date_or_not_known(l.child.date_of_birth)) }, None))
                (summary_row("Law", html! { (c.regime().name()) }, None))
                (summary_row("Conditions", html! { ul class="govuk-list" { @for k in c.condition_list() { li { (rules::condition_label(c.regime(), &k)) } } }
                    @if !rules::duty_to_serve(&c.condition_list()) { p class="govuk-hint" { "Conditions C and D permit a notice; they do not oblige one (s.436H(1))." } } }, None))
                (summary_row("Why", html! { (c.grounds) }, None))
                (summary_row("Requirements appeared met", html! { (fmt_date(c.requirements_met_on)) }, None))
                (summary_row("Officer", html! { (l.caseworkers.iter().find(|(id, _)| Some(id) == c.assigned_to.as_ref()).map(|(_, n)| n.as_str()).unwrap_or("Not assigned")) }, None))
                @if let Some(e) = &c.ehc_plan_school_id { (summary_row("EHC plan names", html! { (school_name(&l.schools, Some(e))) " (s.436J)" }, None)) }
                @if c.school_id.is_some() { (summary_row("School to be named", html! { (school_name(&l.schools, c.school_id.as_deref())) }, None)) }
                @if !alternatives.is_empty() { (summary_row("Alternatives", html! { @for a in alternatives { (school_name(&l.schools, Some(a))) br; } }, None)) }
                @if c.condition_list().iter().any(|k| k == "B") {
                    (summary_row("Section 47 (condition B)", html! {
                        @if l.section47.is_empty() { "No section 47 enquiry or plan on the linked social care records." }
                        @for e in &l.section47 { (e.episode.describe()) br; }
                        @if matches!(f.stage, Stage::InForce | Stage::Referred | Stage::Revoked) {
                            @if f.section47_ended_since_order { strong { "Ended, with no other now or in the 5 years ending with the day the order was made: s.436P(2) applies." } }
                            @else if f.section47_ended { strong { "Ended, but another was known in the 5 years ending with the day the order was made, so s.436P(2) does not apply." } }
                        } @else if f.section47_ended { strong { "Ended, with no other now or in the last 5 years: s.436I(2) applies." } }
                    }, None))
                }
            }
        }
    }

    /// Every date the case has reached, with the rule that set it.
    fn dates_table(&self) -> Markup {
        let c = &self.l.case;
        let f = &self.l.facts;
        html! {
            @let ds = dates(f, c);
            @if !ds.is_empty() {
                h2 class="govuk-heading-m" { "Dates" }
                div class="cnis-table-scroll" role="region" aria-label="Dates and the rules that set them" tabindex="0" { table class="govuk-table" {
                    (table_head("Dates and the rules that set them", &["What", "Date", "Rule", "Served"]))
                    tbody class="govuk-table__body" {
                        @for (what, d, served) in &ds {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (what) }
                                td class="govuk-table__cell" { (fmt_date(d.on)) }
                                td class="govuk-table__cell" { (d.rule) }
                                td class="govuk-table__cell" { @if let Some(s) = served { (timing_tag(d.on, *s)) } }
                            }
                        }
                    }
                } }
            }
            @if let Some(Err(e)) = &f.objection_window { div class="govuk-warning-text" { span class="govuk-warning-text__icon" aria-hidden="true" { "!" } strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (e) } } }
        }
    }

    /// Serving the preliminary notice (s.436H; s.437(1)).
    fn considering(&self) -> Markup {
        let o = self.o;
        let c = &self.l.case;
        let base = self.base.as_str();
        html! {
            h2 class="govuk-heading-m" { "Next steps" }
            @if c.stage == Stage::Considering {
                form method="post" action={ (base) "/preliminary-notice" } novalidate {
                    (csrf_field(&o.csrf))
                    p class="govuk-body" { "The notice goes to each parent with parental responsibility on the register entry: by email only where they agreed in writing to school attendance notices by email (s.572), otherwise it waits here to be posted or delivered." }
                    (button(if c.regime() == Regime::New { "Serve the preliminary notice" } else { "Serve the notice under section 437(1)" }))
                }
            }
        }
    }

    /// A request to see the child at home (s.436H(8)–(9)).
    fn home_visit(&self) -> Markup {
        let o = self.o;
        let form = self.form;
        let errors = self.errors;
        let base = self.base.as_str();
        let may = |s: Step| self.may(s);
        let date_field = |id: &str, text: &str, hint: Option<&str>| self.date_field(id, text, hint);
        html! {
            @if may(Step::RecordHomeVisit) {
                details class="govuk-details" open[errors.get("visit_requested_on").is_some() || errors.get("visit_answer").is_some()] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record a request to see the child at home" } }
                    div class="govuk-details__text" {
                        form method="post" action={ (base) "/home-visit" } novalidate {
                            (csrf_field(&o.csrf))
                            p class="govuk-body" { "The council may ask; it has no power to enter. A refusal must be treated as a relevant factor (s.436H(8)–(9), s.436I(3)–(4))." }
                            (date_field("visit_requested_on", "Date asked", None))
                            (radios("visit_answer", "Answer", VISIT_ANSWERS, form.get("visit_answer"), None, errors.get("visit_answer")))
                            (textarea("visit_note", "What happened (optional)", form.get("visit_note"), None, errors.get("visit_note")))
                            (secondary_button("Record the home-visit request"))
                        }
                    }
                }
            }
        }
    }

    /// The parent's response, and the council's evaluation (s.436I(1)–(4); s.437(3)).
    fn preliminary(&self) -> Markup {
        let o = self.o;
        let form = self.form;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        let date_field = |id: &str, text: &str, hint: Option<&str>| self.date_field(id, text, hint);
        html! {
            @if c.stage == Stage::PreliminaryNotice {
                details class="govuk-details" open[errors.get("response_on").is_some() || errors.get("response").is_some()] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record the parent's response" } }
                    div class="govuk-details__text" {
                        form method="post" action={ (base) "/response" } novalidate {
                            (csrf_field(&o.csrf))
                            (date_field("response_on", "Date received", None))
                            (textarea("response", "What the parent said or sent", form.get("response"), None, errors.get("response")))
                            (secondary_button("Record the response"))
                        }
                    }
                }
                h3 class="govuk-heading-s" { "Has the parent satisfied the council? (s.436I(1)–(4); s.437(3))" }
                form method="post" action={ (base) "/evaluation" } novalidate {
                    (csrf_field(&o.csrf))
                    (radios("outcome", "Decision", &outcomes(&self.l.facts), form.get("outcome"), None, errors.get("outcome")))
                    (textarea("considerations", "What the council considered", form.get("considerations"), Some("The known education settings, where the child lives, and how the child is being educated and what they are learning (s.436I(3)); any refusal of a home visit (s.436I(4))"), errors.get("considerations")))
                    (textarea("reasons", "Reasons", form.get("reasons"), None, errors.get("reasons")))
                    (button("Record the decision"))
                }
            }
        }
    }

    /// Choosing and consulting the school (s.436M, s.436N(1); s.439).
    fn school_selection(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let form = self.form;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        let alternatives = &self.alternatives;
        let date_field = |id: &str, text: &str, hint: Option<&str>| self.date_field(id, text, hint);
        html! {
            @if c.stage == Stage::SchoolSelection {
                h3 class="govuk-heading-s" { "Choose and consult the school (s.436M, s.436N(1); s.439)" }
                form method="post" action={ (base) "/consultation" } novalidate {
                    (csrf_field(&o.csrf))
                    (school_select("school_id", "School to name", &l.schools, &if form.0.contains_key("school_id") { form.get("school_id").to_string() } else { c.school_id.clone().unwrap_or_default() }, None, errors.get("school_id"), Some("Choose a school")))
                    div class={ "govuk-form-group" @if errors.get("alternatives").is_some() { " govuk-form-group--error" } } {
                        fieldset class="govuk-fieldset" {
                            legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Alternative schools the parent may choose (optional)" }
                            @if let Some(e) = errors.get("alternatives") { p id="alternatives-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
                            div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                                @for s in &l.schools {
                                    @let id = format!("alt_{}", s.id);
                                    div class="govuk-checkboxes__item" {
                                        input class="govuk-checkboxes__input" id=(id) name=(id) type="checkbox" value="yes" checked[form.checked(&id) || alternatives.contains(&s.id)];
                                        label class="govuk-label govuk-checkboxes__label" for=(id) { (s.name) }
                                    }
                                }
                            }
                        }
                    }
                    (checkbox("not_excluded", "The child is not permanently excluded from this school (s.436M)", form.checked("not_excluded")))
                    (checkbox("class_size", "Admitting the child would not breach infant class-size limits in a way that prejudices efficient education (s.436M)", form.checked("class_size")))
                    (checkbox("admission_number", "Admission stays within the published admission number, or the council is the admission authority, or no other school is within reasonable distance (s.436M)", form.checked("admission_number")))
                    @if let Some(e) = errors.get("not_excluded") { p id="not_excluded-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
                    (date_field("consulted_on", "Date the governing body or proprietor was consulted", None))
                    (textarea("consultation", "What the school said", form.get("consultation"), None, errors.get("consultation")))
                    (secondary_button("Record the consultation"))
                }
                @if c.consulted_on.is_some() {
                    form method="post" action={ (base) "/school-notice" } novalidate {
                        (csrf_field(&o.csrf))
                        (button("Serve notice of the decision on the school"))
                    }
                }
            }
        }
    }

    /// The school's objection window, then the nomination notice (s.436N; s.438).
    fn school_notified(&self) -> Markup {
        let o = self.o;
        let form = self.form;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        let date_field = |id: &str, text: &str, hint: Option<&str>| self.date_field(id, text, hint);
        html! {
            @if c.stage == Stage::SchoolNotified {
                details class="govuk-details" open[errors.get("applied_on").is_some()] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "The school applied to the Secretary of State" } }
                    div class="govuk-details__text" {
                        form method="post" action={ (base) "/objection" } novalidate {
                            (csrf_field(&o.csrf))
                            (date_field("applied_on", "Date the school told the council it applied", None))
                            (textarea("objection", "Details", form.get("objection"), None, errors.get("objection")))
                            (secondary_button("Record the application"))
                        }
                    }
                }
                form method="post" action={ (base) "/nomination" } novalidate {
                    (csrf_field(&o.csrf))
                    (button(if c.regime() == Regime::New { "Serve the school nomination notice" } else { "Serve the notice of intention (s.438)" }))
                }
            }
        }
    }

    /// The Secretary of State's direction (s.436N(7)).
    fn direction(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let form = self.form;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        let date_field = |id: &str, text: &str, hint: Option<&str>| self.date_field(id, text, hint);
        html! {
            @if c.stage == Stage::DirectionPending {
                form method="post" action={ (base) "/direction" } novalidate {
                    (csrf_field(&o.csrf))
                    (date_field("direction_on", "Date of the Secretary of State's direction", None))
                    (school_select("school_id", "School the direction names", &l.schools, form.get("school_id"), None, errors.get("school_id"), Some("Choose a school")))
                    (textarea("direction", "Details", form.get("direction"), None, errors.get("direction")))
                    (button("Record the direction"))
                }
            }
        }
    }

    /// The parent's choice, then determining the school (s.436L).
    fn nomination(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let form = self.form;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        let date_field = |id: &str, text: &str, hint: Option<&str>| self.date_field(id, text, hint);
        html! {
            @if c.stage == Stage::Nomination {
                details class="govuk-details" open[errors.get("choice_on").is_some() || errors.get("school_id").is_some()] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "The parent chose a school or secured a place" } }
                    div class="govuk-details__text" {
                        form method="post" action={ (base) "/choice" } novalidate {
                            (csrf_field(&o.csrf))
                            (school_select("school_id", "School", &l.schools, form.get("school_id"), Some("If the school offered a place, the order must name it (s.436L(4)–(6); s.438(4)–(6))"), errors.get("school_id"), Some("Choose a school")))
                            (date_field("choice_on", "Date the parent applied to the school or chose it", Some("Within their 15 days. If the school offers a place later, the order must still name it (s.436L(4)–(6); s.438(4)–(6))")))
                            (textarea("choice", "Details", form.get("choice"), None, errors.get("choice")))
                            (secondary_button("Record the parent's choice"))
                        }
                    }
                }
                form method="post" action={ (base) "/determination" } novalidate {
                    (csrf_field(&o.csrf))
                    p class="govuk-body" { "School to name: " strong { (school_name(&l.schools, c.school_id.as_deref())) } }
                    (button("Determine the school to name"))
                }
            }
        }
    }

    /// Serving the order (s.436I(5); s.437(3)).
    fn determined(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let c = &self.l.case;
        let base = self.base.as_str();
        html! {
            @if c.stage == Stage::SchoolDetermined {
                @if o.user.can_decide() {
                    form method="post" action={ (base) "/order" } novalidate {
                        (csrf_field(&o.csrf))
                        p class="govuk-body" { "The order names " strong { (school_name(&l.schools, c.school_id.as_deref())) } ". The school is told at the same time and must admit the child (s.436I(8)–(9))." }
                        (button("Serve the school attendance order"))
                    }
                } @else { p class="govuk-body" { "A manager serves the order." } }
            }
        }
    }

    /// A parent's request to revoke, refused (s.436P(5); s.442(3)), and their referral of the
    /// refusal to the Secretary of State.
    fn revocation_requests(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let form = self.form;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        html! {
                @if matches!(c.stage, Stage::InForce | Stage::Referred) && !l.facts.ehc_plan_school {
                details class="govuk-details" open[errors.get("requested_on").is_some() || errors.get("refusal_reason").is_some()] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Refuse a parent's request to revoke the order (s.436P(5); s.442(3))" } }
                    div class="govuk-details__text" {
                        form method="post" action={ (base) "/revocation-refusal" } novalidate {
                            (csrf_field(&o.csrf))
                            (self.date_field("requested_on", "Date the parent asked", None))
                            (textarea("refusal_reason", "Why the arrangements are not as the law requires (these go in the notice)", form.get("refusal_reason"), None, errors.get("refusal_reason")))
                            (secondary_button("Refuse and serve notice"))
                        }
                    }
                }
                details class="govuk-details" open[errors.get("revocation_referral").is_some() || errors.get("revocation_referred_on").is_some()] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "The parent referred a refusal to the Secretary of State" } }
                    div class="govuk-details__text" {
                        form method="post" action={ (base) "/revocation-referral" } novalidate {
                            (csrf_field(&o.csrf))
                            (self.date_field("revocation_referred_on", "Date the parent referred it", None))
                            (radios("revocation_referral", "Answer", rules::RevocationReferral::CHOICES, form.get("revocation_referral"), Some("A direction to revoke revokes the order and tells the parents"), errors.get("revocation_referral")))
                            (secondary_button("Record the referral"))
                        }
                    }
                }
            }
        }
    }

    /// Amending, revoking and referring an order in force (s.436O–s.436Q; s.440–s.443).
    fn order(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let form = self.form;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        let may = |s: Step| self.may(s);
        html! {
            @if matches!(c.stage, Stage::InForce | Stage::Referred) {
                @if let (Stage::InForce, Some(why)) = (c.stage, crate::domain::attendance::order_ended(&l.facts, today())) {
                    div class="govuk-warning-text" { span class="govuk-warning-text__icon" aria-hidden="true" { "!" } strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (why) } }
                }
                @if matches!(c.stage, Stage::InForce | Stage::Referred) && !l.facts.ehc_plan_school && !l.facts.ehc_plan_no_school {
                    details class="govuk-details" open[errors.get("amend_school_id").is_some() || errors.get("amend_reason").is_some()] {
                        summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Amend the order to name another school (s.436O; s.440)" } }
                        div class="govuk-details__text" {
                            form method="post" action={ (base) "/amendment" } novalidate {
                                (csrf_field(&o.csrf))
                                (school_select("amend_school_id", "School that offered a place", &l.schools, form.get("amend_school_id"), None, errors.get("amend_school_id"), Some("Choose a school")))
                                (textarea("amend_reason", "Why", form.get("amend_reason"), None, errors.get("amend_reason")))
                                (secondary_button("Amend and serve the amended order"))
                            }
                        }
                    }
                }
                @if may(Step::RevokeMandatory) {
                    div class="govuk-warning-text" { span class="govuk-warning-text__icon" aria-hidden="true" { "!" } strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "Condition B is no longer met: the council must revoke this order (s.436P(2))." } }
                }
                details class="govuk-details" open[errors.get("ground").is_some() || errors.get("revoke_reason").is_some() || may(Step::RevokeMandatory)] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Revoke the order" } }
                    div class="govuk-details__text" {
                        form method="post" action={ (base) "/revocation" } novalidate {
                            (csrf_field(&o.csrf))
                            (radios("ground", "Ground", REVOCATION_GROUNDS, form.get("ground"), None, errors.get("ground")))
                            (textarea("revoke_reason", "Reasons (these go in the notice)", form.get("revoke_reason"), None, errors.get("revoke_reason")))
                            (secondary_button("Revoke and serve notice"))
                        }
                    }
                }
                (self.revocation_requests())
                @if c.stage == Stage::Referred {
                    h3 class="govuk-heading-s" { "What the court did (s.436Q; s.443; s.447)" }
                    form method="post" action={ (base) "/court" } novalidate {
                        (csrf_field(&o.csrf))
                        (radios("court_outcome", "Outcome", rules::ProsecutionOutcome::CHOICES, form.get("court_outcome"), None, errors.get("court_outcome")))
                        div class="govuk-form-group" { div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" { div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id="eso_directed" name="eso_directed" type="checkbox" value="yes" checked[form.checked("eso_directed")];
                            label class="govuk-label govuk-checkboxes__label" for="eso_directed" { "The court directed the council to apply for an education supervision order (s.447(2)): the council applies, or tells the court why not within 8 weeks" }
                        } } }
                        (self.date_field("court_on", "Date of the hearing or decision", None))
                        (textarea("court_details", "Details", form.get("court_details"), Some("For example, the court, the case number and any sentence or direction"), errors.get("court_details")))
                        (button("Record what the court did"))
                    }
                }
                @if c.stage == Stage::InForce && o.user.can_decide() {
                    h3 class="govuk-heading-s" { "Refer for prosecution (s.436Q; s.443)" }
                    form method="post" action={ (base) "/prosecution" } novalidate {
                        (csrf_field(&o.csrf))
                        (textarea("breach", "How the parent has failed to comply", form.get("breach"), Some("For example, the child was not registered at the named school by a date, or was taken off its roll"), errors.get("breach")))
                        (textarea("eso", "Education supervision order: what the council considered and why it is not applying", form.get("eso"), Some("The council must consider applying for an education supervision order before prosecuting (s.447(1))"), errors.get("eso")))
                        (button("Refer for prosecution"))
                    }
                }
            }
        }
    }

    /// The case file and the service log (s.572).
    fn service(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let form = self.form;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        html! {
            @if matches!(c.stage, Stage::InForce | Stage::Referred | Stage::Revoked) || !l.log.is_empty() {
                p class="govuk-body" { a class="govuk-link" href={ (base) "/bundle" } { "Download the case file as one PDF" } " (chronology, service evidence and every notice as served, for a prosecution)" }
            }

            (crate::web::officers::parts::service_log(&l.log, &o.csrf, &format!("{base}/service"), "Notices and service (s.572)", service_methods(c.regime()), form, errors))
        }
    }

    /// Giving the case to another officer.
    fn assignment(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let errors = self.errors;
        let c = &self.l.case;
        let base = self.base.as_str();
        html! {
            @if o.user.can_decide() && c.stage.is_open() {
                details class="govuk-details" open[errors.get("assigned_to").is_some()] {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Give the case to another officer" } }
                    div class="govuk-details__text" {
                        form method="post" action={ (base) "/assignment" } novalidate {
                            (csrf_field(&o.csrf))
                            div class={ "govuk-form-group" @if errors.get("assigned_to").is_some() { " govuk-form-group--error" } } {
                                label class="govuk-label" for="assigned_to" { "Officer" }
                                @if let Some(e) = errors.get("assigned_to") { p id="assigned_to-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
                                select class="govuk-select" id="assigned_to" name="assigned_to" {
                                    @for (id, name) in &l.caseworkers { option value=(id) selected[c.assigned_to.as_ref() == Some(id)] { (name) } }
                                }
                            }
                            (secondary_button("Give the case to this officer"))
                        }
                    }
                }
            }
        }
    }

    /// The chronology, and adding a note to it.
    fn chronology(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let form = self.form;
        let errors = self.errors;
        let base = self.base.as_str();
        html! {
            h2 class="govuk-heading-m" { "Chronology" }
            ol class="govuk-list" {
                @for (e, who) in &l.events {
                    li { strong { (fmt_date(e.on_date)) ": " (label(EVENT_KINDS, &e.kind)) } " — " (who.as_deref().unwrap_or("the system")) br;
                        @for line in e.details.lines() { (line) br; } }
                }
            }
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Add a note to the chronology" } }
                div class="govuk-details__text" {
                    form method="post" action={ (base) "/note" } novalidate {
                        (csrf_field(&o.csrf))
                        (textarea("note", "Note", form.get("note"), None, errors.get("note")))
                        (secondary_button("Add the note"))
                    }
                }
            }
        }
    }
}

async fn view(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let l = load(&state, id, o.user.id.clone(), "officer opened it").await?;
    let done = q.get("done").map(|d| match d.as_str() {
        "opened" => "The case is open",
        "preliminary-notice" => "The notice is served or waiting to be posted",
        "service" => "The service is recorded",
        "service-correction" => "The date of service is corrected",
        "evaluation" => "The decision is recorded",
        "consultation" => "The consultation is recorded",
        "school-notice" => "The notice to the school is served or waiting to be posted",
        "nomination" => "The notice to the parents is served or waiting to be posted",
        "order" => "The order is served or waiting to be posted, and the school is told",
        "revocation" => "The order is revoked and the notice is served or waiting to be posted",
        "prosecution" => "The case is referred for prosecution",
        "court" => "What the court did is recorded",
        "revocation-refusal" => "The refusal is recorded and its notice served",
        "revocation-referral" => "The referral is recorded",
        "assignment" => "The case has a new officer",
        _ => "Saved",
    });
    Ok(page(
        &state,
        &o,
        &l,
        &FormData::default(),
        &Errors::default(),
        done,
    ))
}

fn gate(f: &Facts, s: Step, today: NaiveDate, errors: &mut Errors) {
    if let Err(m) = rules::may(f, s, today) {
        errors.add("action", m);
    }
}

fn past_date(f: &FormData, id: &str, what: &str, errors: &mut Errors) -> Option<NaiveDate> {
    let d = parse_date(f, id, what, true, errors);
    if d.is_some_and(|d| d > today()) {
        errors.add(id, format!("The {what} must be today or in the past"));
    }
    d
}

fn chosen_school(f: &FormData, id: &str, schools: &[School], errors: &mut Errors) -> String {
    let s = f.get(id).to_string();
    if !schools.iter().any(|x| x.id == s) {
        errors.add(id, "Choose a school from the list");
    }
    s
}

/// One officer step on a case: the form read into a command (with the rule that allows it), then
/// the command applied by the service, in a transaction audited against the child.
async fn step(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, action) = path.into_inner();
    let id = crate::web::parse_id(&id)?;
    let f = form.into_inner();
    let l = load(&state, id, o.user.id.clone(), "officer acted on it").await?;
    let mut errors = Errors::default();
    let read = Read {
        f: &f,
        l: &l,
        user: &o.user,
        today: today(),
    };
    let command = read.command(&action, &mut errors)?;
    let Some(command) = command.filter(|_| errors.is_empty()) else {
        return Ok(page(&state, &o, &l, &f, &errors, None));
    };
    let (case, facts, uid) = (l.case.clone(), l.facts.clone(), o.user.id.clone());
    let audit_action = format!("attendance_{}", action.replace('-', "_"));
    let st = state.clone();
    let done = state
        .db(move |c| {
            let ctx = ServiceContext {
                templates: &st.templates,
                council: &st.config.council_name,
            };
            let actor = services::Actor {
                user_id: &uid,
                ctx: &ctx,
                today: today(),
                postal_days: st.config.postal_service_days,
            };
            Ok(services::apply(
                c,
                &case,
                &facts,
                command,
                &actor,
                &audit_action,
            ))
        })
        .await?;
    match done {
        Ok(()) => Ok(see_other(&format!(
            "/officers/attendance/{}?done={action}",
            l.case.id
        ))),
        Err(AppError::Refused(message) | AppError::Conflict(message)) => {
            let l = load(
                &state,
                l.case.id.clone(),
                o.user.id.clone(),
                "officer acted on it",
            )
            .await?;
            let mut errors = Errors::default();
            errors.add("action", message);
            Ok(page(&state, &o, &l, &f, &errors, None))
        }
        Err(e) => Err(e),
    }
}

/// Reads a step's form into a command, adding each problem to `errors`.
struct Read<'a> {
    f: &'a FormData,
    l: &'a Loaded,
    user: &'a users::User,
    today: NaiveDate,
}

impl Read<'_> {
    fn command(&self, action: &str, errors: &mut Errors) -> AppResult<Option<Command>> {
        Ok(match action {
            "preliminary-notice" => self.gated(
                Step::ServePreliminaryNotice,
                Command::ServePreliminaryNotice,
                errors,
            ),
            "home-visit" => self.home_visit(errors),
            "response" => self.response(errors),
            "evaluation" => self.evaluation(errors),
            "consultation" => self.consultation(errors),
            "school-notice" => {
                self.gated(Step::ServeSchoolNotice, Command::ServeSchoolNotice, errors)
            }
            "objection" => self.objection(errors),
            "direction" => self.direction(errors),
            "nomination" => self.gated(Step::ServeNomination, Command::ServeNomination, errors),
            "choice" => self.choice(errors),
            "determination" => self.gated(Step::DetermineSchool, Command::DetermineSchool, errors),
            "order" => {
                self.manager_only("serve a school attendance order", errors);
                self.gated(Step::ServeOrder, Command::ServeOrder, errors)
            }
            "amendment" => self.amendment(errors),
            "revocation" => self.revocation(errors),
            "prosecution" => self.prosecution(errors),
            "court" => self.court(errors),
            "revocation-refusal" => self.revocation_refusal(errors),
            "revocation-referral" => self.revocation_referral(errors),
            "assignment" => self.assignment(errors),
            "note" => Some(Command::Note {
                note: text(self.f, "note", "the note", 4000, errors),
            }),
            "service" => {
                let methods = service_methods(self.l.case.regime());
                crate::web::officers::parts::read_service(self.f, &self.l.log, methods, errors)
                    .map(Command::RecordService)
            }
            "service-correction" => {
                crate::web::officers::parts::read_correction(self.f, &self.l.log, errors)
                    .map(Command::CorrectService)
            }
            _ => return Err(AppError::NotFound),
        })
    }

    fn gate(&self, step: Step, errors: &mut Errors) {
        gate(&self.l.facts, step, self.today, errors);
    }

    fn gated(&self, step: Step, command: Command, errors: &mut Errors) -> Option<Command> {
        self.gate(step, errors);
        Some(command)
    }

    fn manager_only(&self, what: &str, errors: &mut Errors) {
        if !self.user.can_decide() {
            errors.add("action", format!("Only a manager can {what}."));
        }
    }

    fn home_visit(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::RecordHomeVisit, errors);
        let on = past_date(self.f, "visit_requested_on", "date asked", errors);
        let answer = choice(
            self.f,
            "visit_answer",
            VISIT_ANSWERS,
            "Select the parent's answer",
            errors,
        );
        let note =
            opt_text(self.f, "visit_note", "what happened", 4000, errors).unwrap_or_default();
        let answer_label = label(VISIT_ANSWERS, &answer).to_string();
        Some(Command::RecordHomeVisit {
            on: on?,
            answer,
            answer_label,
            note,
        })
    }

    fn response(&self, errors: &mut Errors) -> Option<Command> {
        if self.l.case.stage != Stage::PreliminaryNotice {
            errors.add(
                "action",
                "A response is recorded while the parent's period under the notice runs.",
            );
        }
        let on = past_date(self.f, "response_on", "date received", errors);
        let text = text(
            self.f,
            "response",
            "what the parent said or sent",
            8000,
            errors,
        );
        Some(Command::RecordResponse { on: on?, text })
    }

    fn evaluation(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::Evaluate, errors);
        let outcome = choice(
            self.f,
            "outcome",
            &outcomes(&self.l.facts),
            "Select whether the parent has satisfied the council",
            errors,
        );

        let considerations = text(
            self.f,
            "considerations",
            "what the council considered (s.436I(3))",
            8000,
            errors,
        );
        let reasons = text(self.f, "reasons", "the reasons", 8000, errors);
        let outcome = rules::Evaluation::parse(&outcome)?;
        Some(Command::Evaluate {
            outcome,
            considerations,
            reasons,
        })
    }

    fn consultation(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::RecordConsultation, errors);
        let f = self.f;
        let school_id = chosen_school(f, "school_id", &self.l.schools, errors);
        let alternatives: Vec<String> = self
            .l
            .schools
            .iter()
            .filter(|s| f.checked(&format!("alt_{}", s.id)) && s.id != school_id)
            .map(|s| s.id.clone())
            .collect();
        if !(f.checked("not_excluded") && f.checked("class_size") && f.checked("admission_number"))
        {
            errors.add("not_excluded", "Confirm the three restrictions of section 436M do not stop the council naming this school");
        }
        let on = past_date(f, "consulted_on", "date of the consultation", errors);
        let what = text(f, "consultation", "what the school said", 8000, errors);
        Some(Command::RecordConsultation {
            school_id,
            alternatives,
            on: on?,
            what,
        })
    }

    fn objection(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::RecordObjection, errors);
        let on = past_date(self.f, "applied_on", "date the school applied", errors);
        if let (Some(on), Some(Ok(w))) = (on, &self.l.facts.objection_window) {
            if on > w.on {
                errors.add("applied_on", format!("The school's window ended on {} ({}): an application after it does not stop the nomination notice", fmt_date(w.on), w.rule));
            }
        }
        let what = text(self.f, "objection", "the details", 4000, errors);
        Some(Command::RecordObjection { on: on?, what })
    }

    fn direction(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::RecordDirection, errors);
        let on = past_date(self.f, "direction_on", "date of the direction", errors);
        let school_id = chosen_school(self.f, "school_id", &self.l.schools, errors);
        let what = text(self.f, "direction", "the details", 4000, errors);
        Some(Command::RecordDirection {
            on: on?,
            school_id,
            what,
        })
    }

    fn choice(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::RecordParentChoice, errors);
        let school_id = chosen_school(self.f, "school_id", &self.l.schools, errors);
        let on = past_date(
            self.f,
            "choice_on",
            "date the parent applied to the school or chose it",
            errors,
        );
        if let (Some(on), Some(served)) = (on, self.l.facts.nomination_served_on) {
            if let Err(e) =
                crate::domain::attendance::choice_in_time(self.l.facts.regime, served, on)
            {
                errors.add("choice_on", e);
            }
        }
        let what = text(self.f, "choice", "the details", 4000, errors);
        Some(Command::RecordParentChoice {
            school_id,
            on: on?,
            what,
        })
    }

    fn amendment(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::Amend, errors);
        let school_id = chosen_school(self.f, "amend_school_id", &self.l.schools, errors);
        if self.l.case.school_id.as_deref() == Some(school_id.as_str()) {
            errors.add("amend_school_id", "The order already names this school");
        }
        let reason = text(
            self.f,
            "amend_reason",
            "why the order is amended",
            4000,
            errors,
        );
        Some(Command::Amend { school_id, reason })
    }

    fn revocation(&self, errors: &mut Errors) -> Option<Command> {
        let ground = choice(
            self.f,
            "ground",
            REVOCATION_GROUNDS,
            "Select the ground for revoking the order",
            errors,
        );
        let step = if ground == "condition_b_ended" {
            Step::RevokeMandatory
        } else {
            Step::RevokeOnRequest
        };
        self.gate(step, errors);
        let reason = text(self.f, "revoke_reason", "the reasons", 4000, errors);
        let reason = format!("{} {reason}", label(REVOCATION_GROUNDS, &ground));
        Some(Command::Revoke { reason })
    }

    fn prosecution(&self, errors: &mut Errors) -> Option<Command> {
        self.manager_only("refer a case for prosecution", errors);
        self.gate(Step::ReferForProsecution, errors);
        let breach = text(
            self.f,
            "breach",
            "how the parent has failed to comply",
            8000,
            errors,
        );
        let eso = text(
            self.f,
            "eso",
            "what the council considered about an education supervision order (s.447(1))",
            8000,
            errors,
        );
        Some(Command::ReferForProsecution { breach, eso })
    }

    fn revocation_refusal(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::RefuseRevocation, errors);
        let on = past_date(self.f, "requested_on", "date the parent asked", errors);
        let reason = text(
            self.f,
            "refusal_reason",
            "the reasons (these go in the notice)",
            4000,
            errors,
        );
        Some(Command::RefuseRevocation {
            requested_on: on?,
            reason,
        })
    }

    fn revocation_referral(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::RecordRevocationReferral, errors);
        let on = past_date(
            self.f,
            "revocation_referred_on",
            "date the parent referred it",
            errors,
        );
        let outcome = choice(
            self.f,
            "revocation_referral",
            rules::RevocationReferral::CHOICES,
            "Select the Secretary of State's answer, or waiting",
            errors,
        );
        Some(Command::RecordRevocationReferral {
            referred_on: on?,
            outcome: rules::RevocationReferral::parse(&outcome)?,
        })
    }

    fn court(&self, errors: &mut Errors) -> Option<Command> {
        self.gate(Step::RecordProsecutionOutcome, errors);
        let outcome = choice(
            self.f,
            "court_outcome",
            rules::ProsecutionOutcome::CHOICES,
            "Select what the court did",
            errors,
        );
        let on = past_date(
            self.f,
            "court_on",
            "date of the hearing or decision",
            errors,
        );
        let details = text(self.f, "court_details", "the details", 8000, errors);
        Some(Command::RecordProsecutionOutcome {
            eso_directed: self.f.checked("eso_directed"),
            outcome: rules::ProsecutionOutcome::parse(&outcome)?,
            on: on?,
            details,
        })
    }

    fn assignment(&self, errors: &mut Errors) -> Option<Command> {
        self.manager_only("give a case to another officer", errors);
        let to = self.f.get("assigned_to").to_string();
        let name = self
            .l
            .caseworkers
            .iter()
            .find(|(id, _)| *id == to)
            .map(|(_, n)| n.clone());
        if name.is_none() {
            errors.add("assigned_to", "Choose an officer from the list");
        }
        Some(Command::Assign { to, name: name? })
    }
}

/// The case file as one PDF, made when asked from what is recorded.
async fn bundle(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let council = state.config.council_name.clone();
    let (reference, text) = state
        .db(move |c| {
            let case = cases::find(c, &id)?.ok_or(AppError::NotFound)?;
            audit::record(
                c,
                Some(&uid),
                "attendance_bundle",
                Some(&case.child_id),
                &format!("case {}: prosecution file", case.reference),
            )?;
            Ok((
                case.reference.clone(),
                cases::bundle_text(c, &case, &council)?,
            ))
        })
        .await?;
    let pdf = crate::notices::render_pdf("School attendance order: case file", &text)?;
    Ok(crate::web::pdf_download(&reference, pdf))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/attendance", web::get().to(list))
        .route(
            "/officers/children/{id}/attendance",
            web::get().to(new_case),
        )
        .route(
            "/officers/children/{id}/attendance",
            web::post().to(create_case),
        )
        .route(
            "/officers/documents/{id}",
            web::get().to(crate::web::officers::consent::document),
        )
        .route("/officers/attendance/{id}", web::get().to(view))
        .route("/officers/attendance/{id}/bundle", web::get().to(bundle))
        .route("/officers/attendance/{id}/{action}", web::post().to(step));
}
