//! A signed-in parent, about one of their own children: report a change (s.436D(2)(b)), say the
//! child is no longer in scope (s.436D(2)(d)), answer a request for information (s.436D(2)(c)), or
//! ask for support (s.436G). Each is kept on the record and becomes an officer's task.
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use crate::clock::{fmt_date, fmt_day, today};
use crate::domain::register::{label, PROVIDER_TYPES, RELATIONSHIPS};
use crate::error::{AppError, AppResult};
use crate::store::children::{self, Child};
use crate::store::information_requests::{self as requests, InformationRequest};
use crate::store::parent_reports::Proposal;
use crate::store::tasks::TaskKind;
use crate::store::{audit, parent_access, parent_reports, tasks};
use crate::views::*;
use crate::web::fields::{address_inputs, read_address};
use crate::web::forms::*;
use crate::web::parents::session::{page, parent_email};
use crate::web::{csrf_for, see_other, AppState};

/// The kinds of report, each with its page.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Change,
    Left,
    Support,
    Answer,
}

impl Kind {
    fn from_path(s: &str) -> AppResult<Kind> {
        Ok(match s {
            "change" => Kind::Change,
            "no-longer-in-scope" => Kind::Left,
            "support" => Kind::Support,
            "information-request" => Kind::Answer,
            _ => return Err(AppError::NotFound),
        })
    }
    fn path(self) -> &'static str {
        match self {
            Kind::Change => "change",
            Kind::Left => "no-longer-in-scope",
            Kind::Support => "support",
            Kind::Answer => "information-request",
        }
    }
    /// What the parent sent, in their words (the confirmation page and email).
    fn what(self) -> &'static str {
        match self {
            Kind::Change => "a change to your child's details",
            Kind::Left => "that your child is no longer educated at home in the council's area",
            Kind::Support => "a request for advice or support",
            Kind::Answer => "your answer to the council's request for information",
        }
    }
    /// How the parent's list of what they sent names each kind.
    fn sent_what(self) -> &'static str {
        match self {
            Kind::Change => "You reported a change",
            Kind::Left => "You told us your child is no longer educated at home here",
            Kind::Support => "You asked for support",
            Kind::Answer => "You answered the council's request",
        }
    }
    fn sent_title(self) -> &'static str {
        match self {
            Kind::Change => "Change sent",
            Kind::Left => "Message sent",
            Kind::Support => "Request sent",
            Kind::Answer => "Answer sent",
        }
    }
    /// What happens next, as the confirmation page and email say it.
    fn next(self) -> &'static str {
        match self {
            Kind::Change => "The home education team will check the change and update the council's register. They may contact you if they need to know more.",
            Kind::Left => "The home education team will check with the school or the new council, then take your child off the council's register. If you moved, they send the register's information to your new council (Education Act 1996, section 436F).",
            Kind::Support => "The home education team aims to reply within 14 days with advice and information, or to tell you who can help.",
            Kind::Answer => "The home education team will read your answer and update the council's register if anything has changed.",
        }
    }
    fn of_report(kind: &str) -> Option<Kind> {
        [Kind::Change, Kind::Left, Kind::Support, Kind::Answer]
            .into_iter()
            .find(|k| k.report_kind() == kind)
    }
    fn report_kind(self) -> &'static str {
        match self {
            Kind::Change => "change",
            Kind::Left => "no_longer_in_scope",
            Kind::Support => "support",
            Kind::Answer => "information_response",
        }
    }
    /// The officers' task a report makes: an answer with nothing changed needs none.
    fn task(self, changed: bool) -> Option<(TaskKind, &'static str)> {
        match self {
            Kind::Change => Some((TaskKind::ChangeReported, "A parent reported a change (s.436D(2)(b)). Check it and update the entry.")),
            Kind::Left => Some((TaskKind::NoLongerInScope, "A parent says the child is no longer in scope (s.436D(2)(d)). Check, then close the entry; if they moved, send the register information to the new council (s.436F).")),
            Kind::Support => Some((TaskKind::SupportRequest, "A parent asked for support (s.436G). Provide advice and information, and record what was given.")),
            Kind::Answer if changed => Some((TaskKind::InformationResponse, "A parent answered a request for information with changes (s.436D(2)(c)). Update the entry.")),
            Kind::Answer => None,
        }
    }
}

const CHANGES: &[(&str, &str)] = &[
    (
        "address",
        "An address: the child has moved, or now also lives somewhere else",
    ),
    (
        "parents",
        "A parent: someone has become or stopped being a parent or carer",
    ),
    ("education", "Who educates the child"),
];
const PARENT_CHANGES: &[(&str, &str)] = &[
    ("joined", "Someone has become a parent or carer"),
    ("left", "Someone has stopped being a parent or carer"),
];
const LEFT: &[(&str, &str)] = &[
    ("moved_away", "We have moved out of the council's area"),
    ("joined_school", "My child has joined a school roll"),
];
const SUPPORT: &[(&str, &str)] = &[
    (
        "advice",
        "Advice and information about my child's education",
    ),
    ("exams", "Access to exams, such as GCSEs"),
    ("other", "Something else"),
];
const CHANGED: &[(&str, &str)] = &[
    ("no", "No, nothing has changed"),
    ("yes", "Yes, something has changed"),
];

/// The parent's own child, or 404 (audited) for anyone else's.
async fn own_child(
    req: &HttpRequest,
    state: &AppState,
    id: String,
) -> AppResult<(String, Child, Option<InformationRequest>)> {
    let email = parent_email(req, state).await?;
    let id = crate::web::parse_id(&id)?;
    let e = email.clone();
    let (child, open) = state
        .db(move |c| {
            let actor = parent_access::actor(&e);
            if !parent_access::children_of(c, &e)?.contains(&id) {
                audit::record(c, None, "parent_denied", Some(&id), &actor)?;
                return Err(AppError::NotFound);
            }
            let ch = children::find(c, &id)?.ok_or(AppError::NotFound)?;
            Ok((ch, requests::open_for_child(c, &id)?))
        })
        .await?;
    Ok((email, child, open))
}

/// Radios, then the follow-up questions for some answers, always shown and labelled by the answer
/// they belong to. (GOV.UK Frontend's conditional reveal puts aria-expanded on radios, which is
/// not valid ARIA: govuk-frontend issue 979.)
fn radios_revealing(
    id: &str,
    legend: &str,
    choices: &[(&'static str, &'static str)],
    selected: &str,
    error: Option<&str>,
    follow_ups: &[(&str, Markup)],
) -> Markup {
    html! {
        (radios(id, legend, choices, selected, None, error))
        @for (heading, m) in follow_ups {
            div class="govuk-inset-text" {
                h3 class="govuk-heading-s" { (heading) }
                (m)
            }
        }
    }
}

fn when(f: &FormData, errors: &Errors, legend: &str) -> Markup {
    let d = f.date_parts("happened_on");
    date_input(
        "happened_on",
        legend,
        (&d.0, &d.1, &d.2),
        Some("For example, 3 11 2026"),
        errors.get("happened_on"),
    )
}

fn hours(h: Option<f64>) -> String {
    h.map(|h| format!("{h} hours a week"))
        .unwrap_or_else(|| "Not given".into())
}

/// What changed, with the follow-up questions for each answer in the record's own fields.
fn change_questions(f: &FormData, errors: &Errors) -> Markup {
    html! {
                (radios_revealing("what", "What has changed?", CHANGES, f.get("what"), errors.get("what"), &[
                    ("If an address changed: the new address", address_inputs(f, errors)),
                    ("If a parent changed", html! {
                        (radios("parent_change", "Has someone become or stopped being a parent or carer?", PARENT_CHANGES, f.get("parent_change"), None, errors.get("parent_change")))
                        (Input::new("parent_given_names", "Their first names", f.get("parent_given_names")).autocomplete("off").no_spellcheck().error(errors.get("parent_given_names")).render())
                        (Input::new("parent_family_name", "Their last name", f.get("parent_family_name")).autocomplete("off").no_spellcheck().error(errors.get("parent_family_name")).render())
                        (select("parent_relationship", "Their relationship to your child", RELATIONSHIPS, f.get("parent_relationship"), Some("Only if they have become a parent or carer"), errors.get("parent_relationship")))
                        (textarea("parents_detail", "Anything else the council should know (optional)", f.get("parents_detail"), Some("For example, their address if it is not your child's"), errors.get("parents_detail")))
                    }),
                    ("If who educates changed", html! {
                        (Input::new("educator_name", "Who educates your child now?", f.get("educator_name")).hint("The name of the tutor, school, course or setting").error(errors.get("educator_name")).render())
                        (select("educator_type", "What kind of education is it?", PROVIDER_TYPES, f.get("educator_type"), None, errors.get("educator_type")))
                        (Input::new("educator_place", "Where is it? An address, or a website if it is online", f.get("educator_place")).error(errors.get("educator_place")).render())
                        (Input::new("educator_hours", "About how many hours a week?", f.get("educator_hours")).width("4").error(errors.get("educator_hours")).render())
                        (textarea("education_detail", "Anything else the council should know (optional)", f.get("education_detail"), None, errors.get("education_detail")))
                    }),
                ]))
    }
}

fn form_body(
    kind: Kind,
    ch: &Child,
    open: Option<&InformationRequest>,
    f: &FormData,
    errors: &Errors,
) -> (String, Markup) {
    let name = &ch.given_names;
    match kind {
        Kind::Change => (
            "Report a change".into(),
            html! {
                h1 class="govuk-heading-l" { "Report a change for " (name) }
                p class="govuk-body" { "The law asks you to tell the council within 15 days of finding out about a change of address, parents or who educates your child (Education Act 1996, section 436D(2)(b))." }
                (change_questions(f, errors))
                (when(f, errors, "When did it change?"))
            },
        ),
        Kind::Left => (
            "Tell us your child is no longer in scope".into(),
            html! {
                h1 class="govuk-heading-l" { "Tell us " (name) " no longer needs to be on the register" }
                p class="govuk-body" { "Tell the council within 15 days if you move out of the area or your child joins a school roll (Education Act 1996, section 436D(2)(d))." }
                (radios_revealing("why", "What has happened?", LEFT, f.get("why"), errors.get("why"), &[
                    ("If you moved away", html! { (Input::new("new_area", "Which council area or country have you moved to? (optional)", f.get("new_area")).error(errors.get("new_area")).render()) }),
                    ("If your child joined a school", html! { (Input::new("school", "Name of the school", f.get("school")).error(errors.get("school")).render()) }),
                ]))
                (when(f, errors, "When did this happen?"))
            },
        ),
        Kind::Support => (
            "Ask for support".into(),
            html! {
                h1 class="govuk-heading-l" { "Ask for support with " (name) "'s education" }
                p class="govuk-body" { "The council must give you advice and information about your child's education if you ask, including about access to exams (Education Act 1996, section 436G)." }
                (radios("support", "What would you like help with?", SUPPORT, f.get("support"), None, errors.get("support")))
                (textarea("details", "Tell us more", f.get("details"), Some("For example, which exams and when"), errors.get("details")))
            },
        ),
        Kind::Answer => {
            let due = open.map(|r| fmt_date(r.due_on)).unwrap_or_default();
            let sent = open.map(|r| fmt_day(r.sent_at)).unwrap_or_default();
            if let Some(asked) = open.and_then(|r| r.asked.as_deref()) {
                return (
                    "Answer the council's request".into(),
                    html! {
                        h1 class="govuk-heading-l" { "The council needs some details about " (name) }
                        p class="govuk-body" { "The council asked on " (sent) " for these details (Education Act 1996, section 436D(2)(a)). Please answer by " (due) "." }
                        div class="govuk-inset-text" { (asked) }
                        (textarea("answer", "Your answer", f.get("answer"), None, errors.get("answer")))
                    },
                );
            }
            (
                "Answer the council's request".into(),
                html! {
                    h1 class="govuk-heading-l" { "Has anything changed about how " (name) " is educated?" }
                    p class="govuk-body" { "The council asked on " (sent) " whether anything has changed (Education Act 1996, section 436D(2)(c)). Please answer by " (due) ", even if nothing has changed." }
                    h2 class="govuk-heading-m" { "What the council has now" }
                    dl class="govuk-summary-list" {
                        (summary_row("Time taught by parents", html! { (hours(ch.parent_hours_per_week)) }, None))
                        (summary_row("Time taught by others", html! { (hours(ch.other_hours_per_week)) }, None))
                    }
                    (radios_revealing("changed", "Has any of this changed, or who else educates them?", CHANGED, f.get("changed"), errors.get("changed"), &[
                        ("If something changed", html! {
                            (Input::new("parent_hours", "Hours a week taught by parents now", f.get("parent_hours")).width("4").error(errors.get("parent_hours")).render())
                            (Input::new("other_hours", "Hours a week taught by others now", f.get("other_hours")).width("4").error(errors.get("other_hours")).render())
                            (textarea("providers_detail", "Who else educates them now? Give each one's name, type, address or website, and hours (optional)", f.get("providers_detail"), None, errors.get("providers_detail")))
                        }),
                    ]))
                },
            )
        }
    }
}

fn report_page(
    state: &AppState,
    req: &HttpRequest,
    kind: Kind,
    ch: &Child,
    open: Option<&InformationRequest>,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let (title, body) = form_body(kind, ch, open, f, errors);
    let csrf = csrf_for(req, state);
    page(
        state,
        req,
        &title,
        errors,
        html! {
            (back_link(&format!("/parents/children/{}", ch.id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                form method="post" novalidate {
                    (csrf_field(&csrf))
                    (OnceToken::for_form(f).field())
                    (body)
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Continue" }
                }
            }}
        },
    )
}

fn happened_on(f: &FormData, e: &mut Errors) -> Option<NaiveDate> {
    let d = parse_date(f, "happened_on", "the date", true, e)?;
    if d > today() {
        e.add("happened_on", "The date must be today or in the past");
        return None;
    }
    Some(d)
}

/// A report as checked: (question, answer) pairs as the parent saw them, the day it happened, and
/// a change the officer can apply.
struct Read {
    answers: Vec<(String, String)>,
    on: Option<NaiveDate>,
    proposal: Option<Proposal>,
}

impl Read {
    fn answers(answers: Vec<(String, String)>) -> Read {
        Read {
            answers,
            on: None,
            proposal: None,
        }
    }
}

/// Checks a report.
fn read(kind: Kind, open: Option<&InformationRequest>, f: &FormData, e: &mut Errors) -> Read {
    match kind {
        Kind::Change => read_change(f, e),
        Kind::Left => {
            let (answers, on) = read_left(f, e);
            Read {
                answers,
                on,
                proposal: None,
            }
        }
        Kind::Support => Read::answers(read_support(f, e)),
        Kind::Answer => Read::answers(match open.and_then(|r| r.asked.clone()) {
            Some(asked) => read_details_answer(&asked, f, e),
            None => read_updates_answer(f, e),
        }),
    }
}

/// A change of address, parents or who educates (s.436D(2)(b)), with the change in the record's
/// own fields for the officer to apply.
fn read_change(f: &FormData, e: &mut Errors) -> Read {
    let mut out: Vec<(String, String)> = vec![];
    let mut put = |q: &str, a: String| out.push((q.to_string(), a));
    let what = choice(f, "what", CHANGES, "Select what has changed", e);
    put("What changed", label(CHANGES, &what).to_string());
    let proposal = match what.as_str() {
        "address" => read_address(f, e).map(|a| {
            let p = Proposal::NewHome {
                line_1: a.line_1,
                line_2: a.line_2,
                town: a.town,
                postcode: a.postcode,
            };
            put("New address", p.one_line());
            p
        }),
        "parents" => read_parent_change(f, e).inspect(|p| {
            put("Parents", p.one_line());
            if let Some(d) = opt_text(f, "parents_detail", "anything else", 4000, e) {
                put("Anything else", d);
            }
        }),
        "education" => read_educator(f, e).inspect(|p| {
            put("Who educates", p.one_line());
            if let Some(d) = opt_text(f, "education_detail", "anything else", 4000, e) {
                put("Anything else", d);
            }
        }),
        _ => None,
    };
    let on = happened_on(f, e);
    Read {
        answers: out,
        on,
        proposal,
    }
}

fn read_parent_change(f: &FormData, e: &mut Errors) -> Option<Proposal> {
    let change = choice(
        f,
        "parent_change",
        PARENT_CHANGES,
        "Select whether someone has become or stopped being a parent",
        e,
    );
    let given_names = text(f, "parent_given_names", "their first names", 100, e);
    let family_name = text(f, "parent_family_name", "their last name", 100, e);
    match change.as_str() {
        "joined" => {
            let relationship = choice(
                f,
                "parent_relationship",
                RELATIONSHIPS,
                "Select their relationship to your child",
                e,
            );
            Some(Proposal::ParentJoined {
                given_names,
                family_name,
                relationship,
            })
        }
        "left" => Some(Proposal::ParentLeft {
            given_names,
            family_name,
        }),
        _ => None,
    }
}

fn read_educator(f: &FormData, e: &mut Errors) -> Option<Proposal> {
    let name = text(f, "educator_name", "who educates your child now", 200, e);
    let provider_type = choice(
        f,
        "educator_type",
        PROVIDER_TYPES,
        "Select what kind of education it is",
        e,
    );
    let place = text(
        f,
        "educator_place",
        "where it is: an address, or a website if it is online",
        300,
        e,
    );
    let hours = parse_hours(f, "educator_hours", "about how many hours a week", true, e);
    Some(Proposal::Educator {
        name,
        provider_type,
        place,
        hours_per_week: hours?,
    })
}

/// The child has joined a school roll or moved away (s.436D(2)(d)).
fn read_left(f: &FormData, e: &mut Errors) -> (Vec<(String, String)>, Option<NaiveDate>) {
    let mut out: Vec<(String, String)> = vec![];
    let mut put = |q: &str, a: String| out.push((q.to_string(), a));
    let why = choice(f, "why", LEFT, "Select what has happened", e);
    put("What happened", label(LEFT, &why).to_string());
    match why.as_str() {
        "moved_away" => {
            if let Some(a) = opt_text(f, "new_area", "the area", 200, e) {
                put("New area", a);
            }
        }
        "joined_school" => put(
            "School",
            text(f, "school", "the name of the school", 200, e),
        ),
        _ => {}
    }
    let on = happened_on(f, e);
    (out, on)
}

/// A request for advice or support (s.436G).
fn read_support(f: &FormData, e: &mut Errors) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    let mut put = |q: &str, a: String| out.push((q.to_string(), a));
    let s = choice(
        f,
        "support",
        SUPPORT,
        "Select what you would like help with",
        e,
    );
    put("Help with", label(SUPPORT, &s).to_string());
    put(
        "Details",
        text(f, "details", "more about what you need", 4000, e),
    );
    out
}

/// An answer to a request for named details (s.436D(2)(a)).
fn read_details_answer(asked: &str, f: &FormData, e: &mut Errors) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    let mut put = |q: &str, a: String| out.push((q.to_string(), a));
    put("Council asked for", asked.to_string());
    put("Anything changed", "Yes, details given".into());
    put("Answer", text(f, "answer", "your answer", 4000, e));
    out
}

/// An answer to "has anything changed?" (s.436D(2)(c)).
fn read_updates_answer(f: &FormData, e: &mut Errors) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![];
    let mut put = |q: &str, a: String| out.push((q.to_string(), a));
    let changed = choice(
        f,
        "changed",
        CHANGED,
        "Select whether anything has changed",
        e,
    );
    put("Anything changed", label(CHANGED, &changed).to_string());
    if changed == "yes" {
        if let Some(h) = parse_hours(f, "parent_hours", "the hours taught by parents", true, e) {
            put("Hours a week taught by parents", h.to_string());
        }
        if let Some(h) = parse_hours(f, "other_hours", "the hours taught by others", true, e) {
            put("Hours a week taught by others", h.to_string());
        }
        if let Some(p) = opt_text(f, "providers_detail", "who else educates them", 4000, e) {
            put("Who else educates them", p);
        }
    }
    out
}

async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, k) = path.into_inner();
    let kind = Kind::from_path(&k)?;
    let (_, ch, open) = own_child(&req, &state, id).await?;
    if kind == Kind::Answer && open.is_none() {
        return Ok(see_other(&format!("/parents/children/{}", ch.id)));
    }
    Ok(report_page(
        &state,
        &req,
        kind,
        &ch,
        open.as_ref(),
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    f: CsrfForm,
) -> AppResult<HttpResponse> {
    let (id, k) = path.into_inner();
    let kind = Kind::from_path(&k)?;
    let (email, ch, open) = own_child(&req, &state, id).await?;
    if kind == Kind::Answer && open.is_none() {
        return Ok(see_other(&format!("/parents/children/{}?done=sent", ch.id)));
    }
    let mut errors = Errors::default();
    let Read {
        answers,
        on,
        proposal,
    } = read(kind, open.as_ref(), &f, &mut errors);
    if !errors.is_empty() || f.get("step") == "change" {
        let errors = if f.get("step") == "change" {
            Errors::default()
        } else {
            errors
        };
        return Ok(report_page(
            &state,
            &req,
            kind,
            &ch,
            open.as_ref(),
            &f,
            &errors,
        ));
    }
    if f.get("step") != "send" {
        return Ok(check_page(&state, &req, kind, &ch, &f, &answers, on));
    }
    let report = Sent {
        kind,
        child_id: ch.id.clone(),
        email,
        request_id: open.map(|r| r.id).filter(|_| kind == Kind::Answer),
        answers,
        on,
        proposal,
    };
    let (st, token) = (state.clone(), OnceToken::posted(&f));
    // Sent once however often it is posted.
    let to = state
        .db(move |c| {
            let actor = parent_access::actor(&report.email);
            crate::services::once(c, token.as_ref(), &actor, |c| keep_report(c, &st, &report))
        })
        .await?;
    Ok(see_other(&to))
}

/// A report the parent has checked and sent.
struct Sent {
    kind: Kind,
    child_id: String,
    email: String,
    request_id: Option<String>,
    answers: Vec<(String, String)>,
    on: Option<NaiveDate>,
    proposal: Option<Proposal>,
}

/// Keeps the report, answers the request it replies to, gives the officers a task, audits it and
/// emails the parent a confirmation; returns where its confirmation page is.
fn keep_report(c: &mut crate::db::AnyConnection, st: &AppState, s: &Sent) -> AppResult<String> {
    let (kind, cid) = (s.kind, s.child_id.as_str());
    let r = parent_reports::create(
        c,
        &parent_reports::NewReport {
            child_id: cid,
            email: &s.email,
            kind: kind.report_kind(),
            answers: &s.answers,
            happened_on: s.on,
            information_request_id: s.request_id.as_deref(),
            proposal: s.proposal.as_ref(),
        },
    )?;
    if let Some(rid) = &s.request_id {
        requests::mark_answered(c, rid)?;
    }
    let changed = s
        .answers
        .iter()
        .any(|(q, a)| q == "Anything changed" && a.starts_with("Yes"));
    if let Some((task_kind, summary)) = kind.task(changed) {
        let due = Some(today() + chrono::Days::new(14));
        tasks::create(
            c,
            st.team_alert().as_ref(),
            Some(cid),
            task_kind,
            summary,
            Some(&r.id),
            due,
        )?;
    }
    let actor = parent_access::actor(&s.email);
    audit::record(
        c,
        None,
        &format!("parent_report_{}", kind.report_kind()),
        Some(cid),
        &actor,
    )?;
    let base = st.config.public_url.trim_end_matches('/');
    crate::mail::enqueue(
        c,
        &st.templates,
        "report-received",
        &s.email,
        &[
            ("what", kind.what()),
            ("reference", &r.reference()),
            ("next", kind.next()),
            ("link", &format!("{base}/parents/children/{cid}")),
            ("council_name", &st.config.council_name),
        ],
        None,
    )?;
    Ok(format!("/parents/children/{cid}/reports/{}", r.id))
}

/// The parent's answers before they send them: every answer as it will be kept, then send, or go
/// back to change them with nothing lost (the answers travel as hidden fields).
fn check_page(
    state: &AppState,
    req: &HttpRequest,
    kind: Kind,
    ch: &Child,
    f: &FormData,
    answers: &[(String, String)],
    on: Option<NaiveDate>,
) -> HttpResponse {
    let csrf = csrf_for(req, state);
    let kept: Vec<(&String, &String)> = {
        let mut v: Vec<_> =
            f.0.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "csrf_token" | "step" | ONCE_FIELD))
                .collect();
        v.sort();
        v
    };
    page(
        state,
        req,
        "Check your answers before sending",
        &Errors::default(),
        html! {
            (back_link(&format!("/parents/children/{}/{}", ch.id, kind.path())))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                span class="govuk-caption-l" { (ch.given_names) " " (ch.family_name) }
                h1 class="govuk-heading-l" { "Check your answers before sending" }
                dl class="govuk-summary-list" {
                    @for (q, a) in answers { (summary_row(q, html! { (a) }, None)) }
                    @if let Some(d) = on { (summary_row("Date it happened", html! { (fmt_date(d)) }, None)) }
                }
                form method="post" novalidate {
                    (csrf_field(&csrf))
                    (OnceToken::for_form(f).field())
                    @for (k, v) in &kept { input type="hidden" name=(k) value=(v); }
                    h2 class="govuk-heading-m" { "Now send it" }
                    p class="govuk-body" { "By sending this you confirm that, to the best of your knowledge, what you have told the council is correct." }
                    div class="govuk-button-group" {
                        button type="submit" name="step" value="send" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true" { "Accept and send" }
                        button type="submit" name="step" value="change" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Change your answers" }
                    }
                }
            }}
        },
    )
}

/// The confirmation of one report the parent sent, with its reference: where "Accept and send"
/// leads, and where a second press or Back and send again lands.
async fn sent_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, report_id) = path.into_inner();
    let (email, ch, _) = own_child(&req, &state, id).await?;
    let report_id = crate::web::parse_id(&report_id)?;
    let (e, cid) = (email.clone(), ch.id.clone());
    let report = state
        .db(move |c| {
            let actor = parent_access::actor(&e);
            let r = parent_reports::find(c, &report_id)?
                .filter(|r| r.child_id == cid && r.email == e)
                .ok_or(AppError::NotFound)?;
            audit::record(c, None, "parent_view_report", Some(&cid), &actor)?;
            Ok(r)
        })
        .await?;
    let kind = Kind::of_report(&report.kind).ok_or(AppError::NotFound)?;
    Ok(page(
        &state,
        &req,
        kind.sent_title(),
        &Errors::default(),
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                div class="govuk-panel govuk-panel--confirmation" {
                    h1 class="govuk-panel__title" { (kind.sent_title()) }
                    div class="govuk-panel__body" { "Your reference number" br; strong { (report.reference()) } }
                }
                p class="govuk-body" { "We have sent a confirmation email to " (crate::domain::parents::masked_email(&email)) "." }
                h2 class="govuk-heading-m" { "What happens next" }
                p class="govuk-body" { (kind.next()) }
                h2 class="govuk-heading-m" { "What you told us on " (fmt_day(report.submitted_at)) }
                dl class="govuk-summary-list" {
                    @for (q, a) in report.answers() { (summary_row(&q, html! { (a) }, None)) }
                    @if let Some(d) = report.happened_on { (summary_row("Date it happened", html! { (fmt_date(d)) }, None)) }
                }
                p class="govuk-body" { a class="govuk-link" href={ "/parents/children/" (ch.id) } { "Back to " (ch.given_names) "'s details" } }
            }}
        },
    ))
}

/// What this parent has told the council about the child, and where each has got to.
pub fn told_us(
    child_id: &str,
    sent: &[(parent_reports::Report, parent_reports::Progress)],
) -> Markup {
    use parent_reports::Progress;
    html! {
        @if !sent.is_empty() {
            h2 class="govuk-heading-m" { "What you have told the council" }
            ul class="govuk-list govuk-list--spaced" {
                @for (r, progress) in sent {
                    @let what = Kind::of_report(&r.kind).map_or("A message", Kind::sent_what);
                    li {
                        a class="govuk-link" href={ "/parents/children/" (child_id) "/reports/" (r.id) } {
                            (what) " on " (fmt_day(r.submitted_at))
                        }
                        " (reference " (r.reference()) "): "
                        @match progress {
                            Progress::BeingReviewed => "the council is reviewing it.",
                            Progress::DealtWith(d) => { "the council dealt with it on " (fmt_date(*d)) "." }
                            Progress::Kept => "the council has it on your child's record.",
                        }
                    }
                }
            }
        }
    }
}

/// Links shown on the parent's view of their child.
pub fn actions(ch: &Child, open: Option<&InformationRequest>) -> Markup {
    let base = format!("/parents/children/{}", ch.id);
    html! {
        @if let Some(r) = open {
            div class="govuk-inset-text" {
                @if r.asked.is_some() { "The council has asked you for some details. " } @else { "The council has asked whether anything has changed. " }
                "Please answer by " (fmt_date(r.due_on)) ". "
                a class="govuk-link" href={ (base) "/" (Kind::Answer.path()) } { "Answer the request" }
            }
        }
        h2 class="govuk-heading-m" { "Tell the council" }
        ul class="govuk-list" {
            li { a class="govuk-link" href={ (base) "/" (Kind::Change.path()) } { "Report a change of address, parents or who educates " (ch.given_names) } }
            li { a class="govuk-link" href={ (base) "/" (Kind::Left.path()) } { "Tell us " (ch.given_names) " has joined a school or you have moved away" } }
            li { a class="govuk-link" href={ (base) "/" (Kind::Support.path()) } { "Ask for advice or support, including access to exams" } }
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/parents/children/{id}/reports/{report}",
        web::get().to(sent_report),
    )
    .route("/parents/children/{id}/{kind}", web::get().to(form))
    .route("/parents/children/{id}/{kind}", web::post().to(send));
}
