//! Officers' side of consent to home educate (EA 1996 s.434A): the list with days open, whether
//! the child is a relevant child and why, the assessment of the two limbs of s.434A(6), a
//! manager's decision, the notices and their service log (s.434A(8), s.572), referrals to the
//! Secretary of State (s.434A(10)–(11)) and the s.434B pilot meeting.
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::domain::consent::{
    self as rules, Action, Relevance, RelevanceAnswer, ARRANGEMENTS, BEST_INTERESTS,
    REFERRAL_OUTCOMES,
};
use crate::domain::consent::{ApplicationStatus, Progress};
use crate::domain::register::label;
use crate::error::{AppError, AppResult};
use crate::store::consent::{self, Application, Candidate, SchoolNotice};
use crate::store::schools::School;
use crate::store::served::{self, LogRow};
use crate::store::{audit, users};
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

const DECISIONS: &[(&str, &str)] = &[("granted", "Grant consent"), ("refused", "Refuse consent")];
const MEETINGS: &[(&str, &str)] = &[
    ("held", "The meeting was held"),
    ("refused", "The parent refused to attend"),
];
const SERVICE_METHODS: &[(&str, &str)] = &[
    ("post", "Posted (prepaid letter to the last known address)"),
    ("hand", "Delivered by hand or left at the address"),
];

fn status_tag(progress: Progress) -> maud::Markup {
    let colour = match progress {
        Progress::Granted => "green",
        Progress::Refused => "red",
        Progress::Withdrawn => "grey",
        Progress::AwaitingDecision => "purple",
        Progress::BeingAssessed => "yellow",
        Progress::Received => "blue",
    };
    tag(progress.label(), colour)
}

fn relevance_tag(r: &Relevance) -> maud::Markup {
    match r {
        Relevance::Relevant => tag("Relevant child: consent needed", "red"),
        Relevance::Possible => tag("May be a relevant child: check", "orange"),
        Relevance::NotRelevant => tag("Not a relevant child", "green"),
    }
}

/// The latest notices from schools, and the answer each was given.
fn school_notices_table(notices: &[(SchoolNotice, String)]) -> maud::Markup {
    html! {
    h2 class="govuk-heading-m" { "Latest notices from schools" }
    @if notices.is_empty() { p class="govuk-body" { "None." } } @else {
        div class="cnis-table-scroll" role="region" aria-label="Notices from schools" tabindex="0" { table class="govuk-table" {
            (table_head("Notices from schools", &["Reference", "School", "Kind", "Pupil", "Received", "Answer given"]))
            tbody class="govuk-table__body" {
                @for (n, school) in notices {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (n.reference) }
                        td class="govuk-table__cell" { (school) }
                        td class="govuk-table__cell" { (n.kind.label()) @if let Some(g) = &n.ground { " (" (g) ")" } }
                        td class="govuk-table__cell" {
                            @match &n.child_id { Some(cid) => { a class="govuk-link" href={ "/officers/children/" (cid) } { (n.given_names) " " (n.family_name) } }, None => { (n.given_names) " " (n.family_name) } }
                        }
                        td class="govuk-table__cell" { (crate::clock::fmt_day(n.received_at)) }
                        td class="govuk-table__cell" { (label(consent::ANSWERS, &n.answer)) }
                    }
                }
            }
        } }
    }
    }
}

async fn list(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let uid = o.user.id.clone();
    let only = q.get("progress").and_then(|p| Progress::parse(p));
    let (apps, notices) = state
        .db(move |c| {
            audit::record(
                c,
                Some(&uid),
                "list_consent_applications",
                None,
                "officer opened the consent list",
            )?;
            Ok((consent::list(c, 500)?, consent::recent_notices(c, 50)?))
        })
        .await?;
    let apps: Vec<_> = apps
        .into_iter()
        .filter(|(a, _)| only.is_none_or(|p| a.progress() == p))
        .collect();
    let today = today();
    let after = state.config.consent_escalation_days;
    Ok(render(
        &state,
        PageArgs {
            title: "Consent to home educate",
            nav: Some(o.nav("consent")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            h1 class="govuk-heading-l" { "Consent to home educate" }
            p class="govuk-body" { "Section 434A: decide without undue delay. Open applications are shown first, oldest first; those open " (after) " days or more are escalated to managers." }
            @if let Some(p) = only {
                p class="govuk-body" { "Showing applications: " strong { (p.label()) } ". " a class="govuk-link" href="/officers/consent" { "Show all applications" } }
            }
            @if apps.is_empty() { p class="govuk-body" { "No applications." } } @else {
                div class="cnis-table-scroll" role="region" aria-label="Applications" tabindex="0" { table class="govuk-table" {
                    (table_head("Applications", &["Reference", "Child", "School", "Received", "Days open", "Status"]))
                    tbody class="govuk-table__body" {
                        @for (a, school) in &apps {
                            @let open = a.status.is_open();
                            @let days = rules::days_open(a.received_on, a.decided_at.map(|t| t.date()).or(a.withdrawn_at.map(|t| t.date())).unwrap_or(today));
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/consent/" (a.id) } { (a.reference) } }
                                td class="govuk-table__cell" { (a.child_name()) }
                                td class="govuk-table__cell" { (school) }
                                td class="govuk-table__cell" { (fmt_date(a.received_on)) }
                                td class="govuk-table__cell" { (days)
                                    @if open && rules::needs_escalation(a.status, a.received_on, today, after) { " " (tag("Overdue", "red")) } }
                                td class="govuk-table__cell" { (status_tag(a.progress()))
                                    @if a.repeat_of.is_some() { " " (tag("Repeat within 6 months", "grey")) } }
                            }
                        }
                    }
                } }
            }
            (school_notices_table(&notices))
        },
    ))
}

struct Loaded {
    app: Application,
    school: School,
    relevance: RelevanceAnswer,
    candidates: Vec<Candidate>,
    log: Vec<LogRow>,
    notices: Vec<SchoolNotice>,
    assessed_by: Option<String>,
    decided_by: Option<String>,
    /// The legal hold in force, with who placed it.
    hold: Option<(crate::store::retention::LegalHold, String)>,
}

async fn load(state: &AppState, id: String, uid: String, why: &'static str) -> AppResult<Loaded> {
    state
        .db(move |c| {
            let app = consent::find(c, &id)?.ok_or(AppError::NotFound)?;
            let school =
                crate::store::schools::find(c, &app.school_id)?.ok_or(AppError::NotFound)?;
            let (relevance, candidates) = consent::application_relevance(c, &app)?;
            let log = served::log_for(c, &app.id)?;
            let notices = consent::notices_for_school(c, &school.id)?
                .into_iter()
                .filter(|n| n.application_id.as_deref() == Some(app.id.as_str()))
                .collect();
            let name = |c: &mut crate::db::AnyConnection,
                        u: &Option<String>|
             -> AppResult<Option<String>> {
                Ok(match u {
                    Some(u) => users::find(c, u)?.map(|u| u.name),
                    None => None,
                })
            };
            let assessed_by = name(c, &app.assessed_by)?;
            let decided_by = name(c, &app.decided_by)?;
            let hold = crate::store::retention::hold_with_name(
                c,
                crate::domain::retention::HoldSubject::ConsentApplication,
                &app.id,
            )?;
            audit::record(
                c,
                Some(&uid),
                "view_consent_application",
                None,
                &format!("application {}: {why}", app.reference),
            )?;
            Ok(Loaded {
                app,
                school,
                relevance,
                candidates,
                log,
                notices,
                assessed_by,
                decided_by,
                hold,
            })
        })
        .await
}

fn detail_page(
    state: &AppState,
    o: &CurrentOfficer,
    l: &Loaded,
    form: &FormData,
    errors: &Errors,
    done: Option<&str>,
) -> HttpResponse {
    let a = &l.app;
    let today = today();
    let p = ApplicationPage {
        o,
        l,
        form,
        errors,
        base: format!("/officers/consent/{}", a.id),
        today,
        open: a.status.is_open(),
        days: rules::days_open(
            a.received_on,
            a.decided_at.map(|t| t.date()).unwrap_or(today),
        ),
        required: match (&a.best_interests, &a.arrangements) {
            (Some(b), Some(r)) => Some(rules::required_decision(b, r)),
            _ => None,
        },
        meetings: state.config.prewithdrawal_meetings,
        escalation_days: state.config.consent_escalation_days,
    };
    render(
        state,
        PageArgs {
            title: "Application for consent",
            nav: Some(o.nav("consent")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link("/officers/consent"))
            (error_summary(errors))
            @if let Some(d) = done { (success_banner(d)) }
            (p.header())
            (p.relevance())
            (p.application())
            (p.assessment())
            (p.decision())
            (p.service())
            (p.referral())
            (p.meeting())
            (p.withdrawal())
            (p.keeping(state))
        },
    )
}

/// The application's page and what it is shown with: each section is a method.
struct ApplicationPage<'a> {
    o: &'a CurrentOfficer,
    l: &'a Loaded,
    form: &'a FormData,
    errors: &'a Errors,
    base: String,
    today: NaiveDate,
    open: bool,
    days: i64,
    required: Option<(ApplicationStatus, &'static str)>,
    /// Whether the council runs s.434B pre-withdrawal meetings.
    meetings: bool,
    escalation_days: i64,
}

impl ApplicationPage<'_> {
    /// What the officer typed, if the form came back, else what is saved.
    fn typed_or_saved(&self, k: &str, saved: Option<&str>) -> String {
        if self.form.0.contains_key(k) {
            self.form.get(k).to_string()
        } else {
            saved.unwrap_or_default().to_string()
        }
    }

    /// The reference, the child, the status and how long the application has been open.
    fn header(&self) -> Markup {
        let a = &self.l.app;
        let errors = self.errors;
        let today = self.today;
        let open = self.open;
        let days = self.days;
        html! {
            span class="govuk-caption-l" { (a.reference) }
            h1 class="govuk-heading-l" { "Application for consent: " (a.child_name()) }
            @if let Some(e) = errors.get("action") { p id="action" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
            p class="govuk-body" { (status_tag(a.progress())) " " strong { (days) " days" } " since it was received on " (fmt_date(a.received_on)) "."
                @if open && rules::needs_escalation(a.status, a.received_on, today, self.escalation_days) { " " (tag("Overdue", "red")) } }
            @if a.repeat_of.is_some() {
                div class="govuk-warning-text" { span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "An application for this child was refused less than 6 months before this one. The council need not decide again until 6 months have passed since that application (s.434A(12))." @if let Some(r) = &a.repeat_of { " " a class="govuk-link" href={ "/officers/consent/" (r) } { "The earlier application" } } } }
            }
        }
    }

    /// Whether the child is a relevant child (s.434A(2)), from social care records and the facts officers record.
    fn relevance(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let a = &self.l.app;
        let errors = self.errors;
        let base = self.base.as_str();
        let v = |k: &str, saved: Option<&str>| self.typed_or_saved(k, saved);
        html! {
            h2 class="govuk-heading-m" { "Is this a relevant child? (s.434A(2))" }
            p class="govuk-body" { (relevance_tag(&l.relevance.relevance)) }
            ul class="govuk-list govuk-list--bullet" { @for r in &l.relevance.reasons { li { (r) } } }
            @if !l.candidates.is_empty() {
                div class="cnis-table-scroll" role="region" aria-label="Social care records" tabindex="0" { table class="govuk-table" {
                    (table_head("Social care records", &["Record", "Why it came up", "What it shows", "Link", ""]))
                    tbody class="govuk-table__body" {
                        @for cand in &l.candidates {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (cand.record.source) " " (cand.record.source_record_id) br;
                                    span class="govuk-hint" { (cand.record.given_names.as_deref().unwrap_or("")) " " (cand.record.family_name.as_deref().unwrap_or("")) @if let Some(d) = cand.record.date_of_birth { ", " (fmt_date(d)) } } }
                                td class="govuk-table__cell" { (cand.why) }
                                td class="govuk-table__cell" { @for e in &cand.evidence { (label(crate::domain::safeguarding::FLAG_KINDS, &e.flag)) br; } }
                                td class="govuk-table__cell" { @if cand.certain { (tag("Certain", "red")) } @else { (tag("Possible", "orange")) } }
                                td class="govuk-table__cell" {
                                    @if !cand.certain {
                                        form method="post" action={ (base) "/rule-out" } class="cnis-inline-form" {
                                            (csrf_field(&o.csrf))
                                            input type="hidden" name="record_id" value=(cand.record.id);
                                            button type="submit" class="govuk-button govuk-button--secondary cnis-button--small" data-module="govuk-button" { "Not this child" span class="govuk-visually-hidden" { ": record " (cand.record.source_record_id) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
            details class="govuk-details" open[errors.get("placed_by_council").is_some() || errors.get("other_council_s47").is_some() || errors.get("condition_a_note").is_some()] {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Record what the council found about conditions A and B" } }
                div class="govuk-details__text" {
                    form method="post" action={ (base) "/facts" } novalidate {
                        (csrf_field(&o.csrf))
                        p class="govuk-body" { "School: " (l.school.name) ", " (label(rules::SCHOOL_KINDS, &l.school.kind)) "." }
                        (radios("placed_by_council", "Was the child placed at this school under arrangements made by a council? (condition A, s.434A(3))", &[("yes", "Yes"), ("no", "No"), ("unknown", "Not known")],
                            &v("placed_by_council", Some(match a.placed_by_council { Some(true) => "yes", Some(false) => "no", None => "unknown" })), None, errors.get("placed_by_council")))
                        (textarea("condition_a_note", "Notes on the placement (optional)", &v("condition_a_note", a.condition_a_note.as_deref()), None, errors.get("condition_a_note")))
                        (textarea("other_council_s47", "Section 47 enquiries or s.47(8) action by another council in the last 5 years (optional)", &v("other_council_s47", a.other_council_s47.as_deref()), Some("Which council, what and when. Condition B counts any council's enquiries (s.434A(4))."), errors.get("other_council_s47")))
                        (secondary_button("Save the facts"))
                    }
                }
            }
        }
    }

    /// What the parent or school sent.
    fn application(&self) -> Markup {
        let l = self.l;
        let a = &self.l.app;
        html! {
            h2 class="govuk-heading-m" { "The application" }
            dl class="govuk-summary-list" {
                (summary_row("Child", html! { (a.child_name()) ", born " (fmt_date(a.date_of_birth)) @if let Some(u) = &a.upn { ", UPN " (u) } }, None))
                (summary_row("Home address", html! { (a.child_address()) }, None))
                (summary_row("School", html! { (l.school.name) " (URN " (l.school.urn) ")" }, None))
                (summary_row("Applied", html! { (if a.applicant == "school" { "By the school, on the parent's behalf (s.434A(7))" } else { "By the parent" }) }, None))
                (summary_row("Parent", html! { (a.parent_name) br; (a.parent_address) br; (a.parent_email) @if let Some(p) = &a.parent_phone { br; (p) } }, None))
                (summary_row("Decision by email", html! { (if a.parent_email_consent { "Yes, written consent given (s.572)" } else { "No: by post" }) }, None))
                @for p in a.other_parents() { (summary_row("Other parent", html! { (p.name) br; (p.address) @if let Some(e) = &p.email { br; (e) } }, None)) }
                (summary_row("Who will educate", html! { (a.educated_by) }, None))
                (summary_row("How", html! { (a.education_plan) }, None))
                (summary_row("Hours a week", html! { (a.hours_per_week.map(|h| h.to_string()).unwrap_or_default()) }, None))
                (summary_row("Resources", html! { (a.resources) }, None))
                (summary_row("Reasons", html! { (a.reasons) }, None))
                (summary_row("Child's needs", html! { (a.needs) }, None))
                @for n in &l.notices { (summary_row("School notice", html! { (n.reference) ": " (label(consent::ANSWERS, &n.answer)) " (" (crate::clock::fmt_day(n.received_at)) ")" }, None)) }
            }
        }
    }

    /// The assessment of both limbs of s.434A(6).
    fn assessment(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let a = &self.l.app;
        let errors = self.errors;
        let base = self.base.as_str();
        let v = |k: &str, saved: Option<&str>| self.typed_or_saved(k, saved);
        html! {
            h2 class="govuk-heading-m" { "Assessment (s.434A(6))" }
            @if let (Some(b), Some(r)) = (&a.best_interests, &a.arrangements) {
                dl class="govuk-summary-list" {
                    (summary_row("(a) Best interests", html! { (label(BEST_INTERESTS, b)) br; (a.best_interests_reasons.as_deref().unwrap_or("")) br; span class="govuk-hint" { "Evidence: " (a.best_interests_evidence.as_deref().unwrap_or("")) } }, None))
                    (summary_row("(b) Arrangements", html! { (label(ARRANGEMENTS, r)) br; (a.arrangements_reasons.as_deref().unwrap_or("")) br; span class="govuk-hint" { "Evidence: " (a.arrangements_evidence.as_deref().unwrap_or("")) } }, None))
                    (summary_row("Assessed by", html! { (l.assessed_by.as_deref().unwrap_or("")) @if let Some(t) = a.assessed_at { ", " (fmt_date(t.date())) } }, None))
                }
            }
            @if rules::may(a.status, Action::Assess).is_ok() {
                form method="post" action={ (base) "/assessment" } novalidate {
                    (csrf_field(&o.csrf))
                    (radios("best_interests", "(a) Is it in the child's best interests to be educated by regular attendance at school?", BEST_INTERESTS, &v("best_interests", a.best_interests.as_deref()), None, errors.get("best_interests")))
                    (textarea("best_interests_reasons", "Reasons for (a)", &v("best_interests_reasons", a.best_interests_reasons.as_deref()), None, errors.get("best_interests_reasons")))
                    (textarea("best_interests_evidence", "Evidence for (a)", &v("best_interests_evidence", a.best_interests_evidence.as_deref()), Some("What you relied on: the school's view, social care, the child's views, health"), errors.get("best_interests_evidence")))
                    (radios("arrangements", "(b) Have suitable arrangements been made for education otherwise than at school?", ARRANGEMENTS, &v("arrangements", a.arrangements.as_deref()), None, errors.get("arrangements")))
                    (textarea("arrangements_reasons", "Reasons for (b)", &v("arrangements_reasons", a.arrangements_reasons.as_deref()), None, errors.get("arrangements_reasons")))
                    (textarea("arrangements_evidence", "Evidence for (b)", &v("arrangements_evidence", a.arrangements_evidence.as_deref()), Some("What you relied on: the plan, a meeting, samples of work"), errors.get("arrangements_evidence")))
                    (button(if a.best_interests.is_some() { "Change the assessment" } else { "Save the assessment" }))
                }
            }
        }
    }

    /// The manager's decision, and what was decided.
    fn decision(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let a = &self.l.app;
        let form = self.form;
        let errors = self.errors;
        let base = self.base.as_str();
        let required = self.required;
        html! {
            @if a.status == ApplicationStatus::UnderAssessment || errors.get("decision").is_some() {
                h2 class="govuk-heading-m" { "Decision" }
                @if let Some((d, limb)) = required { div class="govuk-inset-text" { "The assessment requires: " strong { (label(DECISIONS, d.as_str())) } " (" (limb) ")." } }
                @if o.user.can_decide() {
                    form method="post" action={ (base) "/decision" } novalidate {
                        (csrf_field(&o.csrf))
                        (radios("decision", "Decision", DECISIONS, form.get("decision"), None, errors.get("decision")))
                        (textarea("decision_reasons", "Reasons (these go in the notice)", form.get("decision_reasons"), None, errors.get("decision_reasons")))
                        (textarea("exceptional_circumstances", "Exceptional circumstances for not serving a known parent (optional)", form.get("exceptional_circumstances"), Some("Only if there is a reason not to send the notice to the other parent, for example a risk to the family (s.434A(8)(b)). This is recorded."), errors.get("exceptional_circumstances")))
                        (button("Continue to check the notices"))
                    }
                } @else {
                    p class="govuk-body" { "A manager makes the decision." }
                }
            }
            @if let Some(d) = &a.decision {
                dl class="govuk-summary-list" {
                    (summary_row("Decision", html! { (status_tag(crate::domain::consent::progress(*d, true))) }, None))
                    (summary_row("Reasons", html! { (a.decision_reasons.as_deref().unwrap_or("")) }, None))
                    (summary_row("Decided by", html! { (l.decided_by.as_deref().unwrap_or("")) @if let Some(t) = a.decided_at { ", " (fmt_date(t.date())) } }, None))
                    @if let Some(e) = &a.exceptional_circumstances { (summary_row("Exceptional circumstances", html! { (e) }, None)) }
                }
            }
        }
    }

    /// The decision notices and their service (s.434A(8), s.572).
    fn service(&self) -> Markup {
        let o = self.o;
        let l = self.l;
        let form = self.form;
        let errors = self.errors;
        let base = self.base.as_str();
        html! {
            (crate::web::officers::parts::service_log(&l.log, &o.csrf, &format!("{base}/service"), "Notices and service (s.434A(8), s.572)", SERVICE_METHODS, form, errors))
        }
    }

    /// A referral to the Secretary of State (s.434A(10)–(11)).
    fn referral(&self) -> Markup {
        let o = self.o;
        let a = &self.l.app;
        let errors = self.errors;
        let base = self.base.as_str();
        let v = |k: &str, saved: Option<&str>| self.typed_or_saved(k, saved);
        let (rd, rm, ry) = self.form.date_parts("referred_on");
        let (od, om, oy) = self.form.date_parts("referral_outcome_on");
        html! {
            @if rules::may(a.status, Action::Refer).is_ok() {
                h2 class="govuk-heading-m" { "Referral to the Secretary of State (s.434A(10)–(11))" }
                @if let Some(r) = a.referred_on {
                    p class="govuk-body" { "Referred on " (fmt_date(r)) ": " (label(REFERRAL_OUTCOMES, a.referral_outcome.as_deref().unwrap_or("pending"))) @if let Some(d) = a.referral_outcome_on { " (" (fmt_date(d)) ")" } "." }
                }
                form method="post" action={ (base) "/referral" } novalidate {
                    (csrf_field(&o.csrf))
                    (date_input("referred_on", "Date the parent referred the decision", (&rd, &rm, &ry), None, errors.get("referred_on")))
                    (select("referral_outcome", "Outcome", REFERRAL_OUTCOMES, &v("referral_outcome", a.referral_outcome.as_deref()), None, errors.get("referral_outcome")))
                    (date_input("referral_outcome_on", "Date of the outcome (if known)", (&od, &om, &oy), None, errors.get("referral_outcome_on")))
                    (secondary_button("Record the referral"))
                }
            }
        }
    }

    /// The pre-withdrawal meeting (s.434B), where the council runs one.
    fn meeting(&self) -> Markup {
        let o = self.o;
        let a = &self.l.app;
        let errors = self.errors;
        let base = self.base.as_str();
        let v = |k: &str, saved: Option<&str>| self.typed_or_saved(k, saved);
        let (md, mm, my) = self.form.date_parts("meeting_on");
        html! {
            @if self.meetings {
                h2 class="govuk-heading-m" { "Pre-withdrawal meeting (s.434B pilot)" }
                @if let Some(m) = &a.meeting {
                    p class="govuk-body" { (label(MEETINGS, m)) @if let Some(d) = a.meeting_on { " on " (fmt_date(d)) } ": " (a.meeting_outcome.as_deref().unwrap_or("")) }
                }
                form method="post" action={ (base) "/meeting" } novalidate {
                    (csrf_field(&o.csrf))
                    (radios("meeting", "Meeting", MEETINGS, &v("meeting", a.meeting.as_deref()), None, errors.get("meeting")))
                    (date_input("meeting_on", "Date of the meeting", (&md, &mm, &my), Some("Leave blank if the parent refused"), errors.get("meeting_on")))
                    (textarea("meeting_outcome", "Outcome, or what the parent said when refusing", &v("meeting_outcome", a.meeting_outcome.as_deref()), Some("Cover the parent's plans and reasons, the child's needs, support the council offers, safeguarding (s.434B)"), errors.get("meeting_outcome")))
                    (secondary_button("Record the meeting"))
                }
            }
        }
    }

    /// How long the application is kept (law.md §7.4), and any legal hold on it.
    fn keeping(&self, state: &AppState) -> Markup {
        let a = &self.l.app;
        let base = self.base.as_str();
        let finished = a.decided_at.or(a.withdrawn_at).map(|t| t.date());
        let until = finished.map(|on| {
            crate::domain::retention::consent_application_kept_until(
                a.date_of_birth,
                on,
                &state.config.retention,
            )
        });
        html! {
            h2 class="govuk-heading-m" id="keeping" { "How long this application is kept" }
            @match (&self.l.hold, until) {
                (Some((h, by)), _) => {
                    p class="govuk-body" { (tag("Legal hold", "purple")) " Kept until the hold is released." }
                    dl class="govuk-summary-list" {
                        (summary_row("Reason", html! { (h.reason) }, None))
                        (summary_row("Placed", html! { (crate::clock::fmt_time(h.placed_at)) " by " (by) }, None))
                    }
                    @if self.o.user.can_make_returns() {
                        p class="govuk-body" { a class="govuk-link" href={ (base) "/legal-hold/release" } { "Release the legal hold" } }
                    } @else {
                        p class="govuk-body" { "Only a manager can release it." }
                    }
                }
                (None, Some(until)) => {
                    p class="govuk-body" { "Kept until " (fmt_date(until)) ", then erased with its notices, unless a legal hold is placed on it." }
                    p class="govuk-body" { a class="govuk-link" href={ (base) "/legal-hold" } { "Place a legal hold" } }
                }
                (None, None) => {
                    p class="govuk-body" { "Kept while it is open; once decided or withdrawn, for " (state.config.retention.consent_years) " years after the later of that and the end of the child's compulsory school age." }
                    p class="govuk-body" { a class="govuk-link" href={ (base) "/legal-hold" } { "Place a legal hold" } }
                }
            }
        }
    }

    /// Withdrawing the application.
    fn withdrawal(&self) -> Markup {
        let base = self.base.as_str();
        let open = self.open;
        html! {
            @if open {
                h2 class="govuk-heading-m" { "Withdrawn by the parent" }
                a class="govuk-button govuk-button--secondary" href={ (base) "/withdraw" } role="button" draggable="false" data-module="govuk-button" { "Record that the parent withdrew the application" }
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
        "facts" => "The facts are saved",
        "ruled_out" => "The record is marked as another child",
        "assessed" => "The assessment is saved",
        "decided" => "The decision is made and the notices are served or queued for post",
        "service" => "The service is recorded",
        "service-correction" => "The date of service is corrected",
        "referral" => "The referral is recorded",
        "meeting" => "The meeting is recorded",
        "withdrawn" => "The application is recorded as withdrawn",
        "hold" => "Legal hold placed: this application will be kept until the hold is released",
        "released" => "Legal hold released",
        _ => "Saved",
    });
    Ok(detail_page(
        &state,
        &o,
        &l,
        &FormData::default(),
        &Errors::default(),
        done,
    ))
}

/// One officer action: check the form, then change the application in a transaction, audited.
async fn act<F>(
    state: &AppState,
    o: &CurrentOfficer,
    id: String,
    form: &FormData,
    check: impl FnOnce(&Loaded, &mut Errors) -> Option<F>,
    audit_action: &'static str,
    done: &str,
) -> AppResult<HttpResponse>
where
    F: FnOnce(&mut crate::db::AnyConnection, &Application) -> AppResult<()> + Send + 'static,
{
    let l = load(state, id, o.user.id.clone(), "officer acted on it").await?;
    let mut errors = Errors::default();
    let change = check(&l, &mut errors);
    let Some(change) = change.filter(|_| errors.is_empty()) else {
        return Ok(detail_page(state, o, &l, form, &errors, None));
    };
    let (app, uid) = (l.app.clone(), o.user.id.clone());
    let outcome = state
        .db(move |c| {
            Ok(crate::db::write::<_, AppError, _>(c, |c| {
                change(c, &app)?;
                let purpose = format!("application {}", app.reference);
                audit::record(c, Some(&uid), audit_action, None, &purpose)?;
                Ok(())
            }))
        })
        .await?;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/officers/consent/{}?done={done}",
            l.app.id
        ))),
        Err(e) => {
            let (AppError::Refused(message) | AppError::Conflict(message)) = e else {
                return Err(e);
            };
            let l = load(
                state,
                l.app.id.clone(),
                o.user.id.clone(),
                "officer acted on it",
            )
            .await?;
            let mut errors = Errors::default();
            // A refused decision belongs to the decision form; anything else to the page.
            let field = if audit_action == "consent_decided" {
                "decision"
            } else {
                "action"
            };
            errors.add(field, message);
            Ok(detail_page(state, o, &l, form, &errors, None))
        }
    }
}

/// A checked post to one application: its id and the form.
fn posted(path: web::Path<String>, form: CsrfForm) -> AppResult<(String, FormData)> {
    Ok((crate::web::parse_id(&path.into_inner())?, form.into_inner()))
}

async fn facts(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, f) = posted(path, form)?;
    act(
        &state,
        &o,
        id,
        &f.clone(),
        |_, errors| {
            let placed = match choice(
                &f,
                "placed_by_council",
                &[("yes", ""), ("no", ""), ("unknown", "")],
                "Select whether a council placed the child at the school",
                errors,
            )
            .as_str()
            {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            let note = opt_text(
                &f,
                "condition_a_note",
                "the notes on the placement",
                2000,
                errors,
            );
            let other = opt_text(
                &f,
                "other_council_s47",
                "what another council did",
                2000,
                errors,
            );
            Some(move |c: &mut crate::db::AnyConnection, a: &Application| {
                consent::record_facts(c, &a.id, placed, note.as_deref(), other.as_deref())?;
                Ok(())
            })
        },
        "consent_facts_recorded",
        "facts",
    )
    .await
}

async fn rule_out(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, f) = posted(path, form)?;
    let record = f.get("record_id").to_string();
    act(&state, &o, id, &f, |l, errors| {
        if !l.candidates.iter().any(|c| c.record.id == record && !c.certain) {
            errors.add("action", "That record is not a possible match for this child, or the link is certain and cannot be ruled out here.");
        }
        Some(move |c: &mut crate::db::AnyConnection, a: &Application| {
            consent::rule_out(c, a, &record)?;
            Ok(())
        })
    }, "consent_record_ruled_out", "ruled_out").await
}

async fn assessment(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, f) = posted(path, form)?;
    let uid = o.user.id.clone();
    act(&state, &o, id, &f.clone(), |_, errors| {
        let a = consent::Assessment {
            best_interests: choice(&f, "best_interests", BEST_INTERESTS, "Select whether regular attendance at school is in the child's best interests (s.434A(6)(a))", errors),
            best_interests_reasons: text(&f, "best_interests_reasons", "the reasons for (a)", 8000, errors),
            best_interests_evidence: text(&f, "best_interests_evidence", "the evidence for (a)", 8000, errors),
            arrangements: choice(&f, "arrangements", ARRANGEMENTS, "Select whether suitable arrangements have been made (s.434A(6)(b))", errors),
            arrangements_reasons: text(&f, "arrangements_reasons", "the reasons for (b)", 8000, errors),
            arrangements_evidence: text(&f, "arrangements_evidence", "the evidence for (b)", 8000, errors),
        };
        Some(move |c: &mut crate::db::AnyConnection, app: &Application| consent::assess(c, app, &a, &uid))
    }, "consent_assessed", "assessed").await
}

async fn decision(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, f) = posted(path, form)?;
    let uid = o.user.id.clone();
    if f.get("step") != "serve" {
        return decision_preview(&state, &o, id, &f).await;
    }
    let templates = state.templates.clone();
    let council = state.config.council_name.clone();
    act(
        &state,
        &o,
        id,
        &f.clone(),
        |l, errors| {
            let (decision, reasons, exceptional) = read_decision(&o, l, &f, errors)?;
            Some(move |c: &mut crate::db::AnyConnection, a: &Application| {
                let ctx = crate::store::served::ServiceContext {
                    templates: &templates,
                    council: &council,
                };
                let Some(decision) = decision else {
                    return Err(AppError::Refused(
                        "Select whether to grant or refuse consent".into(),
                    ));
                };
                let d = consent::Decision {
                    decision,
                    reasons: &reasons,
                    exceptional_circumstances: exceptional.as_deref(),
                    user_id: &uid,
                    today: today(),
                };
                consent::decide(c, a, &d, &ctx).map(|_| ())
            })
        },
        "consent_decided",
        "decided",
    )
    .await
}

/// The decision form, checked: who may decide, and what was decided, with its reasons.
fn read_decision(
    o: &CurrentOfficer,
    l: &Loaded,
    f: &FormData,
    errors: &mut Errors,
) -> Option<(Option<ApplicationStatus>, String, Option<String>)> {
    if !o.user.can_decide() {
        errors.add("decision", "Only a manager can decide an application for consent. The officer who assesses it does not decide it.");
        return None;
    }
    if let Err(m) = rules::may(l.app.status, Action::Decide) {
        errors.add("decision", m);
        return None;
    }
    if let Err(m) = rules::may_decide_as(l.app.assessed_by.as_deref(), &o.user.id) {
        errors.add("decision", m);
        return None;
    }
    let decision = ApplicationStatus::parse(&choice(
        f,
        "decision",
        DECISIONS,
        "Select whether to grant or refuse consent",
        errors,
    ));
    let reasons = text(
        f,
        "decision_reasons",
        "the reasons for the decision",
        8000,
        errors,
    );
    let exceptional = opt_text(
        f,
        "exceptional_circumstances",
        "the exceptional circumstances",
        2000,
        errors,
    );
    Some((decision, reasons, exceptional))
}

/// Before the decision is made, the manager reads every notice it will serve, to whom and how,
/// then serves them or goes back to change the decision with nothing lost.
async fn decision_preview(
    state: &AppState,
    o: &CurrentOfficer,
    id: String,
    f: &FormData,
) -> AppResult<HttpResponse> {
    let l = load(state, id, o.user.id.clone(), "manager checked the notices").await?;
    let mut errors = Errors::default();
    let read = read_decision(o, &l, f, &mut errors);
    let (Some((Some(decision), reasons, exceptional)), true, false) =
        (read, errors.is_empty(), f.get("step") == "change")
    else {
        return Ok(detail_page(state, o, &l, f, &errors, None));
    };
    let (app, uid, st) = (
        l.app.clone(),
        o.user.id.clone(),
        state.config.council_name.clone(),
    );
    let templates = state.templates.clone();
    let previews = state
        .db(move |c| {
            let ctx = crate::store::served::ServiceContext {
                templates: &templates,
                council: &st,
            };
            let d = consent::Decision {
                decision,
                reasons: &reasons,
                exceptional_circumstances: exceptional.as_deref(),
                user_id: &uid,
                today: today(),
            };
            Ok(consent::preview_decision(c, &app, &d, &ctx))
        })
        .await?;
    let previews = match previews {
        Ok(p) => p,
        Err(AppError::Refused(m)) => {
            errors.add("decision", m);
            return Ok(detail_page(state, o, &l, f, &errors, None));
        }
        Err(e) => return Err(e),
    };
    let base = format!("/officers/consent/{}", l.app.id);
    Ok(render(
        state,
        PageArgs {
            title: "Check the notices before you serve them",
            nav: Some(o.nav("consent")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            (back_link(&base))
            span class="govuk-caption-l" { (l.app.reference) ": " (label(DECISIONS, decision.as_str())) }
            h1 class="govuk-heading-l" { "Check the notices before you serve them" }
            p class="govuk-body" { "Making the decision serves " (previews.len()) " notices (Education Act 1996, section 434A(8)). Each is shown below as it will be sent. Nothing is sent until you serve them." }
            (notice_previews(&previews))
            form method="post" action={ (base) "/decision" } novalidate {
                (csrf_field(&o.csrf))
                input type="hidden" name="decision" value=(f.get("decision"));
                input type="hidden" name="decision_reasons" value=(f.get("decision_reasons"));
                input type="hidden" name="exceptional_circumstances" value=(f.get("exceptional_circumstances"));
                div class="govuk-button-group" {
                    button type="submit" name="step" value="serve" class="govuk-button" data-module="govuk-button" data-prevent-double-click="true" { "Make the decision and serve the notices" }
                    button type="submit" name="step" value="change" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Change the decision" }
                }
            }
        },
    ))
}

/// Each notice a decision will serve, as it will be sent: to whom, how, and its text.
fn notice_previews(previews: &[consent::NoticePreview]) -> Markup {
    html! {
        @for (i, n) in previews.iter().enumerate() {
            h2 class="govuk-heading-m" { "Notice " (i + 1) ": " (label(served::RECIPIENT_ROLES, &n.recipient.role)) }
            dl class="govuk-summary-list" {
                (summary_row("To", html! { (n.recipient.name) }, None))
                (summary_row("How it goes", html! {
                    @match &n.by_email { Some(e) => { "By email to " (e) }, None => { "By post to " (n.recipient.address) " (an officer prints and posts it)" } }
                }, None))
            }
            div class="govuk-inset-text cnis-notice-preview" {
                h3 class="govuk-heading-s" { (n.title) }
                @for para in n.body.split("\n\n") { p class="govuk-body" { @for (j, line) in para.lines().enumerate() { @if j > 0 { br; } (line) } } }
            }
        }
    }
}

/// Recording a withdrawal ends the application for good, so it is asked once more on its own page.
async fn confirm_withdraw(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let l = load(
        &state,
        id,
        o.user.id.clone(),
        "officer opened the withdrawal",
    )
    .await?;
    let base = format!("/officers/consent/{}", l.app.id);
    if !l.app.status.is_open() {
        return Ok(see_other(&base));
    }
    Ok(render(
        &state,
        PageArgs {
            title: "Record that the parent withdrew the application",
            nav: Some(o.nav("consent")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            (back_link(&base))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                span class="govuk-caption-l" { (l.app.reference) }
                h1 class="govuk-heading-l" { "Has the parent withdrawn the application for " (l.app.child_name()) "?" }
                p class="govuk-body" { "Only record this if the parent has told the council they withdraw it. The application closes and cannot be decided. The child stays on the school's roll." }
                p class="govuk-body" { "A new application within 6 months is marked as a repeat (s.434A(12))." }
                form method="post" action={ (base) "/withdraw" } novalidate {
                    (csrf_field(&o.csrf))
                    div class="govuk-button-group" {
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" data-prevent-double-click="true" { "Yes, record it as withdrawn" }
                        a class="govuk-link" href=(base) { "No, go back to the application" }
                    }
                }
            }}
        },
    ))
}

async fn withdraw(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, f) = posted(path, form)?;
    act(
        &state,
        &o,
        id,
        &f,
        |_, _| Some(|c: &mut crate::db::AnyConnection, a: &Application| consent::withdraw(c, a)),
        "consent_application_withdrawn",
        "withdrawn",
    )
    .await
}

async fn referral(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, f) = posted(path, form)?;
    act(
        &state,
        &o,
        id,
        &f.clone(),
        |l, errors| {
            let on = parse_date(
                &f,
                "referred_on",
                "the date the parent referred the decision",
                true,
                errors,
            );
            let outcome = choice(
                &f,
                "referral_outcome",
                REFERRAL_OUTCOMES,
                "Select the outcome, or waiting",
                errors,
            );
            let outcome_on = parse_date(
                &f,
                "referral_outcome_on",
                "the date of the outcome",
                false,
                errors,
            );
            if let (Some(on), Some(decided)) = (on, l.app.decided_at) {
                if on < decided.date() {
                    errors.add(
                        "referred_on",
                        "The referral date must be on or after the decision",
                    );
                }
            }
            if outcome != "pending"
                && outcome_on.is_none()
                && errors.get("referral_outcome_on").is_none()
            {
                errors.add("referral_outcome_on", "Enter the date of the outcome");
            }
            let on = on?;
            Some(move |c: &mut crate::db::AnyConnection, a: &Application| {
                consent::record_referral(c, a, on, &outcome, outcome_on)
            })
        },
        "consent_referral_recorded",
        "referral",
    )
    .await
}

async fn meeting(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    if !state.config.prewithdrawal_meetings {
        return Err(AppError::NotFound);
    }
    let id = crate::web::parse_id(&path.into_inner())?;
    let f = form.into_inner();
    act(
        &state,
        &o,
        id,
        &f.clone(),
        |_, errors| {
            let m = choice(
                &f,
                "meeting",
                MEETINGS,
                "Select whether the meeting was held or refused",
                errors,
            );
            let on = parse_date(
                &f,
                "meeting_on",
                "the date of the meeting",
                m == "held",
                errors,
            );
            let outcome = text(&f, "meeting_outcome", "the outcome", 8000, errors);
            Some(move |c: &mut crate::db::AnyConnection, a: &Application| {
                consent::record_meeting(c, &a.id, &m, on, &outcome)?;
                Ok(())
            })
        },
        "consent_meeting_recorded",
        "meeting",
    )
    .await
}

async fn service(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, f) = posted(path, form)?;
    let days = state.config.postal_service_days;
    act(
        &state,
        &o,
        id,
        &f.clone(),
        |l, errors| {
            let r = crate::web::officers::parts::read_service(&f, &l.log, SERVICE_METHODS, errors)?;
            Some(move |c: &mut crate::db::AnyConnection, _: &Application| r.save(c, days))
        },
        "notice_service_recorded",
        "service",
    )
    .await
}

async fn service_correction(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, f) = posted(path, form)?;
    act(
        &state,
        &o,
        id,
        &f.clone(),
        |l, errors| {
            let r = crate::web::officers::parts::read_correction(&f, &l.log, errors)?;
            Some(move |c: &mut crate::db::AnyConnection, _: &Application| r.save(c).map(|_| ()))
        },
        "service_date_corrected",
        "service-correction",
    )
    .await
}

/// The PDF exactly as served.
pub async fn document(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let doc = state
        .db(move |c| {
            let d = served::find(c, &id)?.ok_or(AppError::NotFound)?;
            // A school attendance notice is about a child on the register; a consent notice is
            // about an application, whose child may not be on it.
            let child = crate::store::attendance::find(c, &d.subject_id)?.map(|k| k.child_id);
            let what = if child.is_some() {
                "case"
            } else {
                "application"
            };
            audit::record(
                c,
                Some(&uid),
                "view_served_notice",
                child.as_deref(),
                &format!("notice {} for {what} {}", d.id, d.subject_id),
            )?;
            Ok(d)
        })
        .await?;
    Ok(crate::web::pdf_download(&doc.kind, doc.pdf))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/consent", web::get().to(list))
        .route("/officers/consent/documents/{id}", web::get().to(document))
        .route("/officers/consent/{id}", web::get().to(view))
        .route("/officers/consent/{id}/facts", web::post().to(facts))
        .route("/officers/consent/{id}/rule-out", web::post().to(rule_out))
        .route(
            "/officers/consent/{id}/assessment",
            web::post().to(assessment),
        )
        .route("/officers/consent/{id}/decision", web::post().to(decision))
        .route(
            "/officers/consent/{id}/withdraw",
            web::get().to(confirm_withdraw),
        )
        .route("/officers/consent/{id}/withdraw", web::post().to(withdraw))
        .route("/officers/consent/{id}/referral", web::post().to(referral))
        .route("/officers/consent/{id}/meeting", web::post().to(meeting))
        .route("/officers/consent/{id}/service", web::post().to(service))
        .route(
            "/officers/consent/{id}/service-correction",
            web::post().to(service_correction),
        );
}
