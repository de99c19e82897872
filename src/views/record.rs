//! A child's record as officers read it: one page, in sections, each a function.
use std::collections::HashMap;

use chrono::NaiveDate;
use maud::{html, Markup};

use super::components::*;
use crate::clock::{fmt_date, today};
use crate::domain::identifiers::format_nhs_number;
use crate::domain::register::*;
use crate::domain::safeguarding::{FLAG_KINDS, HOUSEHOLD_KNOWN};
use crate::domain::school_age::{self, SchoolAgeStatus};
use crate::mail::EmailStatus;
use crate::store::attendance::Case;
use crate::store::children::ChildRecord;
use crate::store::information_requests::InformationRequest;
use crate::store::matches::{FlagRow, Link};
use crate::store::parent_reports::Report;
use crate::store::tasks::{Task, TaskKind};

/// Everything the record page shows, read in one go (and audited) by
/// `services::register::open_record`.
pub struct RecordPage {
    pub rec: ChildRecord,
    /// Each parent's s.572 decisions (kind, agreed, when), by parent id.
    pub consents: HashMap<String, Vec<(String, bool, chrono::NaiveDateTime)>>,
    pub tasks: Vec<(Task, Option<String>)>,
    pub reports: Vec<Report>,
    pub requests: Vec<InformationRequest>,
    pub flags: Vec<(FlagRow, String)>,
    pub links: Vec<(Link, String)>,
    pub attendance: Vec<Case>,
    /// People who say they are a parent, with what became of each.
    pub claims: Vec<crate::store::parent_claims::ParentClaim>,
    /// The legal hold in force, with the name of who placed it.
    pub hold: Option<(crate::store::retention::LegalHold, String)>,
    /// The s.436C(2) information held.
    pub prescribed: crate::domain::prescribed::Prescribed,
    /// Records sent to, or received from, other councils (s.436F).
    pub transfers: Vec<crate::store::transfers::Transfer>,
    /// What was shared with partners under s.436F, with who recorded it.
    pub disclosures: Vec<(crate::store::disclosures::Disclosure, String)>,
}

/// The page and how it is being shown.
pub struct RecordView<'a> {
    pub page: &'a RecordPage,
    pub base: String,
    pub csrf: &'a str,
    pub today: NaiveDate,
    /// What the officer just did (`?done=`), for the banner.
    pub done: Option<&'a str>,
    /// After a refused request for information: the first day one may go (s.436D(3)(b)).
    pub next_request_from: Option<NaiveDate>,
    /// Why parents cannot be required to give information yet (ss.436B–436G not in force).
    pub register_not_in_force: Option<String>,
    /// Where "Back" goes: the search results the officer came from, or the register.
    pub back: String,
    /// The council's retention periods, to say how long a closed entry is kept.
    pub retention: crate::domain::retention::Policy,
    /// The officer is a manager (may release a legal hold).
    pub manager: bool,
}

/// A tag for a child outside compulsory school age (s.8) today, or whose date of birth is not
/// known; nothing inside it.
pub fn age_tag(dob: Option<NaiveDate>) -> Markup {
    let Some(dob) = dob else {
        return tag("Date of birth not known", "orange");
    };
    match school_age::status_on(dob, today()) {
        SchoolAgeStatus::CompulsorySchoolAge => html! {},
        s => tag(s.label(), "orange"),
    }
}

/// The whole record, section by section.
pub fn record(v: &RecordView) -> Markup {
    html! {
        (header(v))
        (child_details(v))
        (social_care(v))
        (education(v))
        (other_information(v))
        (addresses(v))
        (parents(v))
        (providers(v))
        (casework(v))
        (from_parents(v))
        (entry(v))
        (emails(v))
        (history(v))
    }
}

/// The name, its tags and warnings (social care, school age), and what just happened.
fn header(v: &RecordView) -> Markup {
    let ch = &v.page.rec.child;
    let base = v.base.as_str();
    let t = v.today;
    let done = v.done;
    // Not known: the incomplete-entry warning already asks for it.
    let status = ch
        .date_of_birth
        .map(|dob| school_age::status_on(dob, t))
        .unwrap_or(SchoolAgeStatus::CompulsorySchoolAge);
    let active = |household: bool| -> Vec<&str> {
        v.page
            .flags
            .iter()
            .filter(|(f, _)| f.ended_at.is_none() && (f.kind == HOUSEHOLD_KNOWN) == household)
            .map(|(f, _)| label(FLAG_KINDS, &f.kind))
            .collect()
    };
    let (active_flags, household_flags) = (active(false), active(true));
    html! {
        (back_link(&v.back))
        @match done {
            Some("saved") => (success_banner("Changes saved")),
            Some("added") => (success_banner("Child added to the register")),
            Some("closed") => (success_banner("Entry closed")),
            Some("reopened") => (success_banner("Entry reopened")),
            Some("enquiry") => (success_banner("How the enquiry ended is recorded")),
            Some("reviewed") => (success_banner("Entry marked as reviewed")),
            Some("hold") => (success_banner("Legal hold placed: this record will be kept until the hold is released")),
            Some("released") => (success_banner("Legal hold released")),
            Some("received") => (success_banner("Record taken in from another council: review the entry and the task it raised")),
            Some("part") => (success_banner("Record updated")),
            Some("request") => (success_banner("Request for information sent")),
            Some("match") | Some("claim") => (success_banner("Decision saved")),
            _ => {}
        }
        @if done == Some("too-soon") {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "The request was not sent" }
                    div class="govuk-error-summary__body" {
                        p class="govuk-body" { "The law allows a request for information no more than once every three months (Education Act 1996, section 436D(3)). The next one can go on "
                            (v.next_request_from.map(fmt_date).unwrap_or_default()) "." }
                    }
                }
            }
        }
        span class="govuk-caption-l" { (ch.reference) }
        h1 class="govuk-heading-l" {
            @if ch.given_names.is_empty() && ch.family_name.is_empty() { "Name not known" }
            @else { (ch.given_names) " " (ch.family_name) }
        }
        p class="govuk-body" {
            @if ch.status == EntryStatus::Closed { (tag("Closed", "grey")) " " } @else { (tag("Open", "green")) " " }
            @if !ch.reviewed { (tag("Not yet reviewed", "yellow")) " " }
            @if ch.missing.is_some() { (tag("Incomplete", "orange")) " " }
            (age_tag(ch.date_of_birth))
        }
        @if let Some(missing) = &ch.missing {
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" {
                    span class="govuk-visually-hidden" { "Warning" }
                    "This entry is incomplete: the legacy register had no " (missing) ". Find them and complete the entry with the Change links below."
                }
            }
        }
        @if !active_flags.is_empty() {
            (warning_text(&format!("Known to children's social care: {}.", active_flags.join("; ")), ("#social-care", "See the details")))
        }
        @if !household_flags.is_empty() {
            (warning_text("Household known to children's social care: another child at this address has an open section 47 enquiry or child protection plan.", ("#social-care", "See the details")))
        }
        @if v.page.claims.iter().any(|c| c.status == crate::domain::parents::ClaimStatus::Awaiting) {
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" {
                    span class="govuk-visually-hidden" { "Warning" }
                    "Someone says they are a parent of this child and is waiting to be checked. "
                    a class="govuk-link" href="#parents" { "Check them" }
                }
            }
        }
        @if status != SchoolAgeStatus::CompulsorySchoolAge && ch.status == EntryStatus::Open {
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (status.label()) ": this child does not meet condition B of s.436B today. Check the date of birth or close the entry." }
            }
        }
        @if !ch.reviewed && ch.status == EntryStatus::Open {
            form method="post" action={ (base) "/reviewed" } {
                (csrf_field(v.csrf))
                input type="hidden" name="version" value=(ch.version);
                (secondary_button("Mark as reviewed"))
            }
        }
    }
}

/// The child (s.436C(1)(a)) and compulsory school age (s.8).
fn child_details(v: &RecordView) -> Markup {
    let ch = &v.page.rec.child;
    let base = v.base.as_str();
    let t = v.today;
    html! {
        h2 class="govuk-heading-m" { "Child" }
        dl class="govuk-summary-list" {
            (summary_row("Name", html! {
                @if ch.given_names.is_empty() && ch.family_name.is_empty() { "Not known" }
                @else { (ch.given_names) " " (ch.family_name) }
            }, Some((&format!("{base}/edit#given_names"), "name"))))
            (summary_row("Date of birth", match ch.date_of_birth {
                Some(dob) => html! { (fmt_date(dob)) " (age " (school_age::age_on(dob, t)) ")" },
                None => or_not_given(None),
            }, Some((&format!("{base}/edit#date_of_birth"), "date of birth"))))
            @if let Some(dob) = ch.date_of_birth {
                (summary_row("Compulsory school age", html! {
                    (fmt_date(school_age::csa_start(dob))) " to " (fmt_date(school_age::csa_end(dob)))
                    br; span class="govuk-hint" { "Education Act 1996 s.8: from the prescribed day (31 December, 31 March or 31 August) on or after the 5th birthday, to the last Friday in June of the school year in which the child turns 16." }
                }, None))
            }
            (summary_row("Sex", html! { (label(SEXES, &ch.sex)) }, Some((&format!("{base}/edit#sex"), "sex"))))
            (summary_row("UPN", or_not_given(ch.upn.as_deref()), Some((&format!("{base}/edit#upn"), "UPN"))))
            (summary_row("NHS number", or_not_given(ch.nhs_number.as_deref().map(format_nhs_number).as_deref()), Some((&format!("{base}/edit#nhs_number"), "NHS number"))))
            (summary_row("Council's own reference", or_not_given(ch.la_reference.as_deref()), Some((&format!("{base}/edit#la_reference"), "council reference"))))
            (summary_row("Source", html! { (label(SOURCES, &ch.source)) }, None))
        }
    }
}

/// Flags and links from the nightly cross-check with children's social care.
fn social_care(v: &RecordView) -> Markup {
    let pg = v.page;
    html! {
        h2 class="govuk-heading-m" id="social-care" { "Children's social care" }
        @if pg.flags.is_empty() && pg.links.is_empty() { p class="govuk-body" { "The cross-check has found no social care record for this child." } }
        @if !pg.flags.is_empty() {
            div class="cnis-table-scroll" role="region" aria-label="Flags from linked social care records" tabindex="0" { table class="govuk-table" {
                (table_head("Flags from linked social care records", &["Flag", "Dates", "Record", "Raised"]))
                tbody class="govuk-table__body" {
                    @for (f, source) in &pg.flags {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                (label(crate::domain::safeguarding::FLAG_KINDS, &f.kind))
                                @if let Some(e) = f.ended_at { br; (tag("Ended", "grey")) span class="govuk-hint cnis-inline-hint" { " " (fmt_date(e.date())) } } @else { br; (tag("Active", "red")) }
                                @if f.ended_at.is_none() && f.kind == crate::domain::safeguarding::S47_OUTCOME_UNKNOWN { br; a class="govuk-link" href={ "/officers/children/" (f.child_id) "/enquiry-outcomes" } { "Record how it ended" } }
                            }
                            td class="govuk-table__cell" { (f.start_date.map(fmt_date).unwrap_or_else(|| "Start not known".into())) " to " (f.end_date.map(fmt_date).unwrap_or_else(|| "now".into())) }
                            td class="govuk-table__cell" { (source) }
                            td class="govuk-table__cell" { (crate::clock::fmt_day(f.raised_at)) }
                        }
                    }
                }
            } }
        }
        @if !pg.links.is_empty() {
            div class="cnis-table-scroll" role="region" aria-label="Social care records linked or possibly linked" tabindex="0" { table class="govuk-table" {
                (table_head("Social care records linked or possibly linked", &["Record", "Decision", "Match probability", ""]))
                tbody class="govuk-table__body" {
                    @for (l, source) in &pg.links {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (source) }
                            td class="govuk-table__cell" { (l.decision.label()) }
                            td class="govuk-table__cell" { @if l.decision.is_household() { "Not the same child" } @else { (crate::views::components::match_probability(l)) } }
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/matches/" (l.child_id) "/" (l.record_id) } { "Compare" span class="govuk-visually-hidden" { " with record " (source) } } }
                        }
                    }
                }
            } }
        }
    }
}

/// How the child is educated (s.436C(1)(c)–(e)).
fn education(v: &RecordView) -> Markup {
    let ch = &v.page.rec.child;
    let base = v.base.as_str();
    let hours = |h: Option<f64>| h.map(|h| format!("{h} hours a week (estimate)"));
    html! {
        h2 class="govuk-heading-m" { "Education" }
        dl class="govuk-summary-list" {
            (summary_row("Arrangement", html! { (label(ARRANGEMENTS, &ch.arrangement)) }, Some((&format!("{base}/edit#arrangement"), "arrangement"))))
            (summary_row("Why the child is eligible", html! { (label(ELIGIBILITY_CONDITIONS, &ch.eligibility_condition)) }, Some((&format!("{base}/edit#eligibility_condition"), "eligibility"))))
            (summary_row("Eligible from", or_not_given(ch.eligible_from.map(fmt_date).as_deref()), Some((&format!("{base}/edit#eligible_from"), "date eligible"))))
            (summary_row("Reason not in school", html! { (label(REASONS, &ch.reason)) @if let Some(d) = &ch.reason_detail { br; (d) } }, Some((&format!("{base}/edit#reason"), "reason"))))
            (summary_row("Special educational needs", html! { (label(SEN_STATUSES, &ch.sen_status)) }, Some((&format!("{base}/edit#sen_status"), "special educational needs"))))
            (summary_row("Time educated by parents", or_not_given(hours(ch.parent_hours_per_week).as_deref()), Some((&format!("{base}/edit#parent_hours_per_week"), "time educated by parents"))))
            (summary_row("Time educated by others", or_not_given(hours(ch.other_hours_per_week).as_deref()), Some((&format!("{base}/edit#other_hours_per_week"), "time educated by others"))))
        }
    }
}

/// The s.436C(2) information, to the extent the council has it.
fn other_information(v: &RecordView) -> Markup {
    let p = &v.page.prescribed;
    let change = format!("{}/other-information", v.base);
    let row = |label: &str, value: Markup, anchor: &str, what: &str| {
        summary_row(label, value, Some((&format!("{change}#{anchor}"), what)))
    };
    html! {
        h2 class="govuk-heading-m" id="other-information" { "Other information" }
        p class="govuk-hint" { "What the law asks the council to hold where it has it (Education Act 1996, section 436C(2)). Parents need not give it." }
        dl class="govuk-summary-list" {
            (row("Ethnic group", html! { (p.ethnicity.label()) }, "ethnicity", "ethnic group"))
            (row("Disability", html! { (p.disability.label()) }, "disability", "disability"))
            (row("Young carer", html! { (p.young_carer.label()) }, "young_carer", "young carer"))
            (row("Looked after", html! { (p.looked_after.label()) }, "looked_after", "looked after"))
            (row("Schools attended", or_not_given(p.schools_attended.as_deref()), "schools_attended", "schools attended"))
            (row("Identified as missing education", or_not_given(p.missing_education_from.map(fmt_date).as_deref()), "missing_education_from", "missing education"))
        }
    }
}

/// Home, additional and previous addresses (s.436C(1)(a)).
fn addresses(v: &RecordView) -> Markup {
    let base = v.base.as_str();
    let rec = &v.page.rec;
    html! {
        h2 class="govuk-heading-m" { "Addresses" }
        @if rec.addresses.is_empty() { p class="govuk-body" { "No address recorded." } }
        dl class="govuk-summary-list" {
            @for a in &rec.addresses {
                @let change = format!("{base}/addresses/{}/change", a.id);
                @let remove = format!("{base}/addresses/{}/remove", a.id);
                @let hidden = format!("{} ({})", a.one_line(), a.kind.label());
                (summary_row_actions(a.kind.label(), html! { (a.one_line()) @if let Some(d) = a.moved_in_on { br; span class="govuk-hint" { "Since " (fmt_date(d)) } } }, &[(&change, "Change", &hidden), (&remove, "Remove", &hidden)]))
            }
        }
        p class="govuk-body" { a class="govuk-link" href={ (base) "/addresses/new" } { "Add an address" } }
    }
}

/// Each parent (s.436C(1)(b)), with how documents may be served on them (s.572).
fn parents(v: &RecordView) -> Markup {
    let pg = v.page;
    let base = v.base.as_str();
    let rec = &v.page.rec;
    html! {
        h2 class="govuk-heading-m" id="parents" { "Parents" }
        (parent_claims(v))
        @if rec.parents.is_empty() { p class="govuk-body" { "No parent recorded." } }
        @for p in &rec.parents {
            @let change = format!("{base}/parents/{}/change", p.id);
            @let remove = format!("{base}/parents/{}/remove", p.id);
            @let name = p.name();
            (summary_card(&format!("{} ({})", name, label(RELATIONSHIPS, &p.relationship)), &[(&change, "Change", &name), (&remove, "Remove", &name)], html! {
                (summary_row("Parental responsibility", html! { @if p.parental_responsibility { "Yes" } @else { "No" } }, None))
                (summary_row("Lives with the child", html! { @if p.lives_with_child { "Yes" } @else { "No" } }, None))
                (summary_row("Educating the child", html! { @if p.educating { "Yes" } @else { "No" } }, None))
                (summary_row("Address", or_not_given([p.address_line_1.as_deref(), p.address_town.as_deref(), p.address_postcode.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ").as_str().into()), None))
                (summary_row("Email", or_not_given(p.email.as_deref()), None))
                (summary_row("Phone", or_not_given(p.phone.as_deref()), None))
                (summary_row("Documents by email (s.572)", html! {
                    @let decisions = pg.consents.get(&p.id).cloned().unwrap_or_default();
                    @let agreed: Vec<(&str, chrono::NaiveDateTime)> = crate::domain::service::DOCUMENT_KINDS.iter().filter_map(|(k, l)| match crate::store::parent_access::consent_in_force(&decisions, k) { Some((true, at)) => Some((*l, at)), _ => None }).collect();
                    @if agreed.is_empty() { "None: serve every document by post" } @else {
                        ul class="govuk-list" { @for (l, at) in &agreed { li { (l) ", agreed " (fmt_date(at.date())) } } }
                        span class="govuk-hint" { "Anything else by post." }
                    }
                }, None))
            }))
        }
        p class="govuk-body" { a class="govuk-link" href={ (base) "/parents/new" } { "Add a parent" } }
    }
}

/// People waiting for an officer to confirm they are a parent: until then they see nothing of
/// the record and get no notices.
fn parent_claims(v: &RecordView) -> Markup {
    let base = v.base.as_str();
    let waiting: Vec<_> = v
        .page
        .claims
        .iter()
        .filter(|c| c.status == crate::domain::parents::ClaimStatus::Awaiting)
        .collect();
    html! {
        @if !waiting.is_empty() {
            div class="govuk-inset-text" {
                p class="govuk-body" { strong { (waiting.len()) " " @if waiting.len() == 1 { "person says they are" } @else { "people say they are" } " a parent of this child." } " They cannot see this record or get notices until you confirm them." }
                ul class="govuk-list" {
                    @for c in &waiting {
                        li { a class="govuk-link" href={ (base) "/parent-claims/" (c.id) } { "Check " (c.given_names) " " (c.family_name) } " (" (c.source) ", " (crate::clock::fmt_day(c.created_at)) ")" }
                    }
                }
            }
        }
    }
}

/// Other providers of education (s.436C(1)(f)).
fn providers(v: &RecordView) -> Markup {
    let base = v.base.as_str();
    let rec = &v.page.rec;
    html! {
        h2 class="govuk-heading-m" { "Other education providers" }
        @if rec.providers.is_empty() { p class="govuk-body" { "None recorded." } }
        @for p in &rec.providers {
            @let change = format!("{base}/providers/{}/change", p.id);
            @let remove = format!("{base}/providers/{}/remove", p.id);
            (summary_card(&p.name, &[(&change, "Change", &p.name), (&remove, "Remove", &p.name)], html! {
                (summary_row("Type", html! { (label(PROVIDER_TYPES, &p.provider_type)) }, None))
                (summary_row("Where", or_not_given(p.address.as_deref().or(p.website.as_deref())), None))
                (summary_row("Estimated hours a week", html! { (p.hours_per_week) }, None))
                (summary_row("Hours with no parent present", html! { (p.hours_without_parent) }, None))
            }))
        }
        p class="govuk-body" { a class="govuk-link" href={ (base) "/providers/new" } { "Add a provider" } }
    }
}

/// Tasks, school attendance cases and support provided (s.436C(2)(k)).
fn casework(v: &RecordView) -> Markup {
    let pg = v.page;
    let ch = &v.page.rec.child;
    let base = v.base.as_str();
    let support: Vec<&(Task, Option<String>)> = v
        .page
        .tasks
        .iter()
        .filter(|(t, _)| t.kind == TaskKind::SupportRequest && t.completed_at.is_some())
        .collect();
    html! {
        h2 class="govuk-heading-m" { "Tasks" }
        @if pg.tasks.is_empty() { p class="govuk-body" { "None." } } @else {
            ul class="govuk-list" {
                @for (t, who) in &pg.tasks {
                    li {
                        a class="govuk-link" href={ "/officers/tasks/" (t.id) } { (t.kind.label()) }
                        " " @if t.completed_at.is_some() { (tag("Done", "green")) span class="govuk-hint cnis-inline-hint" { " by " (who.as_deref().unwrap_or("")) } } @else { (tag("Open", "blue")) }
                    }
                }
            }
        }
        h2 class="govuk-heading-m" { "School attendance" }
        @if pg.attendance.is_empty() { p class="govuk-body" { "No school attendance case." } } @else {
            ul class="govuk-list" {
                @for c in &pg.attendance {
                    li { a class="govuk-link" href={ "/officers/attendance/" (c.id) } { (c.reference) } " " (tag(crate::domain::attendance::stage_label(c.regime(), c.stage), if c.closed_on.is_some() { "grey" } else { "blue" })) }
                }
            }
        }
        @if ch.status == EntryStatus::Open && !pg.attendance.iter().any(|c| c.closed_on.is_none()) {
            p class="govuk-body" { a class="govuk-link" href={ (base) "/attendance" } { "Open a school attendance case" } }
        }
        h2 class="govuk-heading-m" { "Support provided (s.436C(2)(k))" }
        @if support.is_empty() { p class="govuk-body" { "None recorded." } } @else {
            dl class="govuk-summary-list" {
                @for (t, _) in &support {
                    (summary_row(&fmt_date(t.completed_at.map(|d| d.date()).unwrap_or_default()), html! { (t.outcome.as_deref().unwrap_or("")) }, None))
                }
            }
        }
    }
}

/// Reports from parents and requests for information (s.436D).
fn from_parents(v: &RecordView) -> Markup {
    let pg = v.page;
    let ch = &v.page.rec.child;
    let base = v.base.as_str();
    let t = v.today;
    html! {
        h2 class="govuk-heading-m" { "From parents" }
        @if pg.reports.is_empty() { p class="govuk-body" { "Nothing reported since the entry was made." } }
        @for r in &pg.reports {
            h3 class="govuk-heading-s" { (label(crate::store::parent_reports::REPORT_KINDS, &r.kind)) ", " (crate::clock::fmt_day(r.submitted_at)) }
            dl class="govuk-summary-list" {
                @if let Some(d) = r.happened_on { (summary_row("Date it happened", html! { (fmt_date(d)) }, None)) }
                @for (question, answer) in r.answers() { (summary_row(&question, html! { (answer) }, None)) }
            }
        }
        h2 class="govuk-heading-m" { "Requests for information (s.436D(2)(c))" }
        @if pg.requests.is_empty() { p class="govuk-body" { "None sent." } } @else {
            div class="cnis-table-scroll" role="region" aria-label="Requests for information" tabindex="0" { table class="govuk-table" {
                (table_head("Requests for information", &["Sent", "Asking for", "How", "Answer due", "Answered"]))
                tbody class="govuk-table__body" {
                    @for r in &pg.requests {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (crate::clock::fmt_day(r.sent_at)) }
                            td class="govuk-table__cell" { @match &r.asked { Some(a) => { "Details (s.436D(2)(a)): " (a) }, None => "Any changes (s.436D(2)(c))" } }
                            td class="govuk-table__cell" { @if r.method == "email" { "Email" } @else { "Post" } }
                            td class="govuk-table__cell" { (fmt_date(r.due_on)) }
                            td class="govuk-table__cell" {
                                @match r.responded_at { Some(at) => (fmt_date(at.date())), None => @if r.due_on < t { (tag("Overdue", "red")) } @else { "Not yet" } }
                            }
                        }
                    }
                }
            } }
        }
        @if let Some(why) = &v.register_not_in_force {
            div class="govuk-inset-text" { (why) " Requests for information can be sent from then." }
        } @else if ch.status == EntryStatus::Open {
            form method="post" action={ (base) "/information-requests" } {
                (csrf_field(v.csrf))
                (secondary_button("Send a request for information now"))
            }
            p class="govuk-body" { a class="govuk-link" href={ (base) "/details-request" } { "Ask the parents for missing details (s.436D(2)(a))" } }
        }
    }
}

/// Whether the entry is open, and closing or reopening it.
fn entry(v: &RecordView) -> Markup {
    let ch = &v.page.rec.child;
    let base = v.base.as_str();
    html! {
        h2 class="govuk-heading-m" { "Register entry" }
        @if ch.status == EntryStatus::Closed {
            dl class="govuk-summary-list" {
                (summary_row("Closed", html! { (ch.closed_on.map(fmt_date).unwrap_or_default()) }, None))
                (summary_row("Reason", html! { (ch.closed_reason.as_deref().map(|r| label(CLOSURE_REASONS, r)).unwrap_or("")) @if let Some(n) = &ch.closed_note { br; (n) } }, None))
            }
            p class="govuk-body" { a class="govuk-link" href={ (base) "/reopen" } { "Reopen this entry" } }
        } @else {
            p class="govuk-body" { a class="govuk-link" href={ (base) "/close" } { "Close this entry" } }
            p class="govuk-body" { a class="govuk-link" href={ (base) "/transfer" } { "Send the record to another council" } " (the child is moving out of the area)" }
        }
        @if !v.page.transfers.is_empty() {
            h3 class="govuk-heading-s" { "Moves between councils" }
            ul class="govuk-list" {
                @for t in &v.page.transfers {
                    li { a class="govuk-link" href={ "/officers/transfers/" (t.id) } {
                        @if t.direction == crate::store::transfers::Direction::Sent { "Sent to " } @else { "Received from " }
                        (t.council_name)
                    } ", moved " (fmt_date(t.moved_on)) }
                }
            }
        }
        h3 class="govuk-heading-s" id="disclosures" { "Information shared with partners" }
        @if v.page.disclosures.is_empty() {
            p class="govuk-body" { "None recorded." }
        } @else {
            @for (d, by) in &v.page.disclosures {
                dl class="govuk-summary-list" {
                    (summary_row("Shared", html! { (fmt_date(d.disclosed_on)) " with " (d.partner) }, None))
                    (summary_row("Gateway", html! { (d.gateway.label()) }, None))
                    (summary_row("Asked by", html! { (d.requested_by) }, None))
                    (summary_row("Why", html! { (d.purpose) }, None))
                    (summary_row("What was sent", html! { (d.information) }, None))
                    (summary_row("Recorded by", html! { (by) ", " (crate::clock::fmt_time(d.recorded_at)) }, None))
                }
            }
        }
        p class="govuk-body" { a class="govuk-link" href={ (base) "/shared-with-partner" } { "Record information shared with a partner" } " (section 436F)" }
        (keeping(v))
        p class="govuk-body" { a class="govuk-link" href={ (base) "/subject-access" } { "Answer a subject access request" } " (everything held about this child, as one file)" }
    }
}

/// How long the record is kept (law.md §7.4), and any legal hold that keeps it longer.
fn keeping(v: &RecordView) -> Markup {
    let ch = &v.page.rec.child;
    let base = v.base.as_str();
    let until = ch
        .closed_on
        .filter(|_| ch.status == EntryStatus::Closed)
        .map(|on| {
            crate::domain::retention::register_entry_kept_until(ch.date_of_birth, on, &v.retention)
        });
    html! {
        h3 class="govuk-heading-s" id="keeping" { "How long this record is kept" }
        @match (&v.page.hold, until) {
            (Some((h, by)), _) => {
                p class="govuk-body" { (tag("Legal hold", "purple")) " Kept until the hold is released, whatever the retention policy says." }
                dl class="govuk-summary-list" {
                    (summary_row("Reason", html! { (h.reason) }, None))
                    (summary_row("Placed", html! { (crate::clock::fmt_time(h.placed_at)) " by " (by) }, None))
                }
                @if v.manager {
                    p class="govuk-body" { a class="govuk-link" href={ (base) "/legal-hold/release" } { "Release the legal hold" } }
                } @else {
                    p class="govuk-body" { "Only a manager can release it." }
                }
            }
            (None, Some(until)) => {
                p class="govuk-body" { "Kept until " (fmt_date(until)) ", then erased with its history, cases and emails, unless a legal hold is placed on it." }
                p class="govuk-body" { a class="govuk-link" href={ (base) "/legal-hold" } { "Place a legal hold" } }
            }
            (None, None) => {
                p class="govuk-body" { "Kept while the entry is open. Once closed, it is kept for " (v.retention.register_years) " years after the later of its closing and the end of compulsory school age." }
                p class="govuk-body" { a class="govuk-link" href={ (base) "/legal-hold" } { "Place a legal hold" } }
            }
        }
    }
}

/// Emails about the child and their status.
fn emails(v: &RecordView) -> Markup {
    let rec = &v.page.rec;
    html! {
        h2 class="govuk-heading-m" { "Emails about this child" }
    @if rec.emails.is_empty() { p class="govuk-body" { "None sent." } } @else {
        div class="cnis-table-scroll" role="region" aria-label="Emails about this child" tabindex="0" { table class="govuk-table" {
            (table_head("Emails about this child", &["Written", "To", "Email", "Status"]))
            tbody class="govuk-table__body" {
                @for e in &rec.emails {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (crate::clock::fmt_time(e.created_at)) }
                        td class="govuk-table__cell" { (e.to_address) }
                        td class="govuk-table__cell" { (e.subject) br; span class="govuk-hint" { (e.template_version) } }
                        td class="govuk-table__cell" {
                            (tag(e.status.label(), match e.status { EmailStatus::Delivered => "green", EmailStatus::PermanentFailure => "red", _ => "yellow" }))
                            @if let Some(err) = &e.last_error { br; span class="govuk-hint" { (err) } }
                        }
                    }
                }
            }
        } }
    }
    }
}

/// Every change to the record: who, when, what and why.
fn history(v: &RecordView) -> Markup {
    let rec = &v.page.rec;
    html! {
    h2 class="govuk-heading-m" { "History" }
        div class="cnis-table-scroll" role="region" aria-label="Changes to this record" tabindex="0" { table class="govuk-table" {
            (table_head("Changes to this record", &["When", "Who", "What changed", "Why"]))
            tbody class="govuk-table__body" {
                @for (c, who) in &rec.history {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (crate::clock::fmt_time(c.at)) }
                        td class="govuk-table__cell" { (who.as_deref().unwrap_or("System")) }
                        td class="govuk-table__cell" { (c.field) ": " (c.old_value.as_deref().unwrap_or("–")) " → " (c.new_value.as_deref().unwrap_or("–")) }
                        td class="govuk-table__cell" { (c.reason) }
                    }
                }
            }
        } }
    }
}
