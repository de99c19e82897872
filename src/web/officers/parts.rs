//! Parts of a record that come in lists: addresses (s.436C(1)(a)–(b)), parents (s.436C(1)(c)–(d))
//! and other education providers (s.436C(1)(g)). Each is added, changed in place or removed on its
//! own page, and each change is kept in the history. A change a parent reported (s.436D(2)(b)) opens
//! the same pages filled in from the report, for the officer to check and save.
use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::clock::{fmt_day, today};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::register::*;
use crate::domain::service::ServiceStatus;
use crate::error::{AppError, AppResult};
use crate::services::register::{self as services, ChangeBy, NewPart, PartKind};
use crate::store::audit;
use crate::store::children::{self, Address, Parent, Provider};
use crate::store::parent_reports::{self, Proposal, Report};
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::fields::*;
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

/// Which list a sub-form adds to, changes or removes from.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Address,
    Parent,
    Provider,
}

impl Part {
    fn from_path(s: &str) -> AppResult<Part> {
        match s {
            "addresses" => Ok(Part::Address),
            "parents" => Ok(Part::Parent),
            "providers" => Ok(Part::Provider),
            _ => Err(AppError::NotFound),
        }
    }
    fn path(self) -> &'static str {
        match self {
            Part::Address => "addresses",
            Part::Parent => "parents",
            Part::Provider => "providers",
        }
    }
    fn kind(self) -> PartKind {
        match self {
            Part::Address => PartKind::Address,
            Part::Parent => PartKind::Parent,
            Part::Provider => PartKind::Provider,
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Part::Address => "an address",
            Part::Parent => "a parent",
            Part::Provider => "an education provider",
        }
    }
    fn the(self) -> &'static str {
        match self {
            Part::Address => "the address",
            Part::Parent => "the parent",
            Part::Provider => "the education provider",
        }
    }
}

/// Adding a new one, or changing one already on the record.
#[derive(Clone, Copy, PartialEq)]
enum Action<'a> {
    Add,
    Change(&'a str),
}

/// What a part's page needs: whose record, which list, and the report it applies, if any.
struct Form<'a> {
    child_id: &'a str,
    reference: &'a str,
    part: Part,
    action: Action<'a>,
    report: Option<&'a Report>,
}

impl Form<'_> {
    fn action_path(&self) -> String {
        let base = format!("/officers/children/{}/{}", self.child_id, self.part.path());
        match self.action {
            Action::Add => format!("{base}/new"),
            Action::Change(pid) => format!("{base}/{pid}/change"),
        }
    }
    fn title(&self) -> String {
        match self.action {
            Action::Add => format!("Add {}", self.part.noun()),
            Action::Change(_) => format!("Change {}", self.part.the()),
        }
    }
}

fn part_page(
    state: &AppState,
    o: &CurrentOfficer,
    page: &Form,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let title = page.title();
    render(
        state,
        PageArgs {
            title: &title,
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("/officers/children/{}", page.child_id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                span class="govuk-caption-l" { (page.reference) }
                h1 class="govuk-heading-l" { (title) }
                @if let Some(r) = page.report { (reported(r)) }
                form method="post" action=(page.action_path()) novalidate {
                    (csrf_field(&o.csrf))
                    @if let Some(r) = page.report { input type="hidden" name="report" value=(r.id); }
                    @match page.part {
                        Part::Address => {
                            (radios("kind", "Type of address", ADDRESS_KINDS, f.get("kind"), Some("A new home address moves the current one to previous"), errors.get("kind")))
                            (address_fields(f, errors))
                        }
                        Part::Parent => (parent_fields(f, errors, "")),
                        Part::Provider => (provider_fields(f, errors)),
                    }
                    (textarea("change_reason", "Why are you making this change?", f.get("change_reason"), None, errors.get("change_reason")))
                    (button(if page.report.is_some() { "Save the change" } else { "Save" }))
                }
            }}
        },
    )
}

/// What the parent reported, above the form it fills in.
fn reported(r: &Report) -> Markup {
    html! {
        div class="govuk-inset-text" {
            p class="govuk-body" { "A parent reported this change on " (fmt_day(r.submitted_at)) ". Check it, add anything the parent could not know, and save: that completes the task." }
            dl class="govuk-summary-list govuk-!-margin-bottom-0" {
                @for (q, a) in r.answers() { (summary_row(&q, html! { (a) }, None)) }
            }
        }
    }
}

fn ids(path: (String, String)) -> AppResult<(String, Part)> {
    Ok((crate::web::parse_id(&path.0)?, Part::from_path(&path.1)?))
}

fn ids3(path: (String, String, String)) -> AppResult<(String, Part, String)> {
    Ok((
        crate::web::parse_id(&path.0)?,
        Part::from_path(&path.1)?,
        crate::web::parse_id(&path.2)?,
    ))
}

/// What a part's form opens on: the record's reference, the item's fields when changing one, and
/// the report being applied. Audited as a read of the record.
struct Opened {
    reference: String,
    form: FormData,
    report: Option<Report>,
}

/// Loads what a part's page shows. A report must be a change reported about this child, and an
/// item must be this child's: otherwise 404.
async fn open(
    state: &AppState,
    o: &CurrentOfficer,
    child_id: &str,
    part: Part,
    item: Option<&str>,
    report_id: Option<String>,
    purpose: &'static str,
) -> AppResult<Opened> {
    let (cid, uid) = (child_id.to_string(), o.user.id.clone());
    let item = item.map(str::to_string);
    state
        .db(move |c| {
            let child = children::find(c, &cid)?.ok_or(AppError::NotFound)?;
            let report = match report_id {
                Some(rid) => Some(reported_change(c, &cid, &rid)?),
                None => None,
            };
            let form = match &item {
                Some(pid) => form_from_item(c, &cid, part, pid)?.ok_or(AppError::NotFound)?,
                None => report
                    .as_ref()
                    .and_then(|r| form_from_report(r, part))
                    .unwrap_or_default(),
            };
            audit::record(c, Some(&uid), "open_form", Some(&cid), purpose)?;
            Ok(Opened {
                reference: child.reference,
                form,
                report,
            })
        })
        .await
}

/// A parent's report of a change about this child, or 404.
fn reported_change(c: &mut AnyConnection, child_id: &str, id: &str) -> AppResult<Report> {
    let id = crate::web::parse_id(id)?;
    parent_reports::find(c, &id)?
        // Only a change report carries a proposal: anything else has nothing to apply.
        .filter(|r| r.child_id == child_id && r.proposal().is_some())
        .ok_or(AppError::NotFound)
}

fn fields(pairs: Vec<(&str, String)>) -> FormData {
    FormData(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<HashMap<_, _>>(),
    )
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "" }.to_string()
}

/// The form as the item is now, to change it in place.
fn form_from_item(
    c: &mut AnyConnection,
    child_id: &str,
    part: Part,
    id: &str,
) -> AppResult<Option<FormData>> {
    Ok(match part {
        Part::Address => children::find_address(c, child_id, id)?.map(|a| {
            let (d, m, y) = date_strings(a.moved_in_on);
            fields(vec![
                ("kind", a.kind.as_str().to_string()),
                ("line_1", a.line_1),
                ("line_2", a.line_2.unwrap_or_default()),
                ("town", a.town),
                ("postcode", a.postcode),
                ("moved_in_on-day", d),
                ("moved_in_on-month", m),
                ("moved_in_on-year", y),
            ])
        }),
        Part::Parent => children::find_parent(c, child_id, id)?.map(|p| {
            fields(vec![
                ("given_names", p.given_names),
                ("family_name", p.family_name),
                ("relationship", p.relationship),
                ("parental_responsibility", yes(p.parental_responsibility)),
                ("lives_with_child", yes(p.lives_with_child)),
                ("educating", yes(p.educating)),
                ("address_line_1", p.address_line_1.unwrap_or_default()),
                ("address_town", p.address_town.unwrap_or_default()),
                ("address_postcode", p.address_postcode.unwrap_or_default()),
                ("email", p.email.unwrap_or_default()),
                ("phone", p.phone.unwrap_or_default()),
            ])
        }),
        Part::Provider => children::find_provider(c, child_id, id)?.map(|p| {
            fields(vec![
                ("name", p.name),
                ("provider_type", p.provider_type),
                ("address", p.address.unwrap_or_default()),
                ("website", p.website.unwrap_or_default()),
                ("hours_per_week", p.hours_per_week.to_string()),
                ("hours_without_parent", p.hours_without_parent.to_string()),
            ])
        }),
    })
}

/// The form filled in from what a parent reported, when the report is a change of this kind.
/// What the parent could not know (parental responsibility, hours without a parent) is left for
/// the officer.
fn form_from_report(r: &Report, part: Part) -> Option<FormData> {
    let reason = (
        "change_reason",
        format!(
            "A parent reported this change on {}",
            fmt_day(r.submitted_at)
        ),
    );
    let mut form = match (r.proposal()?, part) {
        (
            Proposal::NewHome {
                line_1,
                line_2,
                town,
                postcode,
            },
            Part::Address,
        ) => {
            let (d, m, y) = date_strings(r.happened_on);
            vec![
                ("kind", AddressKind::Current.as_str().to_string()),
                ("line_1", line_1),
                ("line_2", line_2.unwrap_or_default()),
                ("town", town),
                ("postcode", postcode),
                ("moved_in_on-day", d),
                ("moved_in_on-month", m),
                ("moved_in_on-year", y),
            ]
        }
        (
            Proposal::ParentJoined {
                given_names,
                family_name,
                relationship,
            },
            Part::Parent,
        ) => vec![
            ("given_names", given_names),
            ("family_name", family_name),
            ("relationship", relationship),
        ],
        (
            Proposal::Educator {
                name,
                provider_type,
                place,
                hours_per_week,
            },
            Part::Provider,
        ) => {
            let online = place.contains('@') || place.starts_with("http") || !place.contains(' ');
            vec![
                ("name", name),
                ("provider_type", provider_type),
                (if online { "website" } else { "address" }, place),
                ("hours_per_week", hours_per_week.to_string()),
            ]
        }
        _ => return None,
    };
    form.push(reason);
    Some(fields(form))
}

/// Where an officer applies a reported change: the form it fills in, or the removal of the parent
/// it names. None when there is nothing to apply (or no parent of that name on the record).
pub fn apply_link(child_id: &str, r: &Report, parents: &[Parent]) -> Option<String> {
    let base = format!("/officers/children/{child_id}");
    let fill = |part: Part| format!("{base}/{}/new?report={}", part.path(), r.id);
    Some(match r.proposal()? {
        Proposal::NewHome { .. } => fill(Part::Address),
        Proposal::ParentJoined { .. } => fill(Part::Parent),
        Proposal::Educator { .. } => fill(Part::Provider),
        Proposal::ParentLeft {
            given_names,
            family_name,
        } => {
            let folded = |s: &str| s.trim().to_lowercase();
            let p = parents.iter().find(|p| {
                folded(&p.family_name) == folded(&family_name)
                    && folded(&p.given_names) == folded(&given_names)
            })?;
            format!("{base}/parents/{}/remove?report={}", p.id, r.id)
        }
    })
}

/// The `report` a form carries, if any.
fn report_of(q: &HashMap<String, String>) -> Option<String> {
    q.get("report").filter(|s| !s.is_empty()).cloned()
}

/// The add or change form, opened on what the record holds or what a report asks.
async fn show_form(
    state: &AppState,
    o: &CurrentOfficer,
    (id, part): (&str, Part),
    action: Action<'_>,
    report_id: Option<String>,
) -> AppResult<HttpResponse> {
    let (item, purpose) = match action {
        Action::Add => (None, "officer opened a form to add to the record"),
        Action::Change(pid) => (Some(pid), "officer opened a form to change the record"),
    };
    let opened = open(state, o, id, part, item, report_id, purpose).await?;
    let page = Form {
        child_id: id,
        reference: &opened.reference,
        part,
        action,
        report: opened.report.as_ref(),
    };
    Ok(part_page(state, o, &page, &opened.form, &Errors::default()))
}

async fn add_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<(String, String)>,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let (id, part) = ids(path.into_inner())?;
    show_form(&state, &o, (&id, part), Action::Add, report_of(&q)).await
}

async fn change_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, part, pid) = ids3(path.into_inner())?;
    show_form(&state, &o, (&id, part), Action::Change(&pid), None).await
}

async fn add(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, part) = ids(path.into_inner())?;
    save(state, o, id, part, Action::Add, form.into_inner()).await
}

async fn change(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, part, pid) = ids3(path.into_inner())?;
    save(state, o, id, part, Action::Change(&pid), form.into_inner()).await
}

/// Checks and saves an added or changed part; shows the form again with what was wrong.
async fn save(
    state: web::Data<AppState>,
    o: CurrentOfficer,
    id: String,
    part: Part,
    action: Action<'_>,
    f: FormData,
) -> AppResult<HttpResponse> {
    let opened = open(
        &state,
        &o,
        &id,
        part,
        match action {
            Action::Add => None,
            Action::Change(pid) => Some(pid),
        },
        f.opt("report"),
        "officer submitted a form to change the record",
    )
    .await?;
    let mut errors = Errors::default();
    let item_id = match action {
        Action::Add => new_id(),
        Action::Change(pid) => pid.to_string(),
    };
    let item = read_part(part, &f, &id, &item_id, &mut errors);
    let reason = text(
        &f,
        "change_reason",
        "why you are making this change",
        1000,
        &mut errors,
    );
    let (Some(item), true) = (item, errors.is_empty()) else {
        let page = Form {
            child_id: &id,
            reference: &opened.reference,
            part,
            action,
            report: opened.report.as_ref(),
        };
        return Ok(part_page(&state, &o, &page, &f, &errors));
    };
    let (uid, cid) = (o.user.id.clone(), id.clone());
    let report_id = opened.report.map(|r| r.id);
    let adding = action == Action::Add;
    state
        .db(move |c| {
            let by = ChangeBy {
                user_id: &uid,
                report_id: report_id.as_deref(),
            };
            if adding {
                services::add_part(c, &cid, by, item, &reason)
            } else {
                services::change_part(c, &cid, by, item, &reason)
            }
        })
        .await?;
    Ok(see_other(&format!("/officers/children/{id}?done=part")))
}

/// Reads the form for an address, parent or provider of this child, new or changed.
fn read_part(
    part: Part,
    f: &FormData,
    child_id: &str,
    id: &str,
    errors: &mut Errors,
) -> Option<NewPart> {
    let t = now();
    match part {
        Part::Address => {
            let kind = AddressKind::parse(&choice(
                f,
                "kind",
                ADDRESS_KINDS,
                "Select the type of address",
                errors,
            ))
            // An unknown kind has its error on the page already, and nothing is saved.
            .unwrap_or(AddressKind::Current);
            read_address(f, errors).map(|a| {
                NewPart::Address(Address {
                    id: id.to_string(),
                    child_id: child_id.to_string(),
                    kind,
                    line_1: a.line_1,
                    line_2: a.line_2,
                    town: a.town,
                    postcode: a.postcode,
                    moved_in_on: a.moved_in_on,
                    created_at: t,
                })
            })
        }
        Part::Parent => read_parent(f, "", errors).map(|p| {
            NewPart::Parent(Parent {
                id: id.to_string(),
                child_id: child_id.to_string(),
                ..p
            })
        }),
        Part::Provider => read_provider(f, errors).map(|p| {
            NewPart::Provider(Provider {
                id: id.to_string(),
                child_id: child_id.to_string(),
                ..p
            })
        }),
    }
}

/// The confirmation page before anything is removed.
struct Removal<'a> {
    child_id: &'a str,
    part: Part,
    pid: &'a str,
    what: &'a str,
    report: Option<&'a Report>,
}

fn remove_page(
    state: &AppState,
    o: &CurrentOfficer,
    r: &Removal,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Remove from the record",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("/officers/children/{}", r.child_id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Remove " (r.what) "?" }
                @if let Some(rep) = r.report { (reported(rep)) }
                p class="govuk-body" { "It stays in the record's history. To correct it instead, "
                    a class="govuk-link" href={ "/officers/children/" (r.child_id) "/" (r.part.path()) "/" (r.pid) "/change" } { "change " (r.part.the()) }
                    "." }
                form method="post" action={ "/officers/children/" (r.child_id) "/" (r.part.path()) "/" (r.pid) "/remove" } novalidate {
                    (csrf_field(&o.csrf))
                    @if let Some(rep) = r.report { input type="hidden" name="report" value=(rep.id); }
                    (textarea("change_reason", "Why are you removing it?", f.get("change_reason"), None, errors.get("change_reason")))
                    div class="govuk-button-group" {
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Remove" }
                        a class="govuk-link" href={ "/officers/children/" (r.child_id) } { "Cancel" }
                    }
                }
            }}
        },
    )
}

/// What is about to be removed, and the report asking for it, for the confirmation page.
async fn removal(
    state: &AppState,
    o: &CurrentOfficer,
    (id, part, pid): (&str, Part, &str),
    report_id: Option<String>,
    purpose: &'static str,
) -> AppResult<(String, Option<Report>)> {
    let (id, pid, uid) = (id.to_string(), pid.to_string(), o.user.id.clone());
    state
        .db(move |c| {
            let what =
                services::describe_part(c, &id, part.kind(), &pid)?.ok_or(AppError::NotFound)?;
            let report = match report_id {
                Some(rid) => Some(reported_change(c, &id, &rid)?),
                None => None,
            };
            audit::record(c, Some(&uid), "open_form", Some(&id), purpose)?;
            Ok((what, report))
        })
        .await
}

async fn remove_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<(String, String, String)>,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let (id, part, pid) = ids3(path.into_inner())?;
    let (what, report) = removal(
        &state,
        &o,
        (&id, part, &pid),
        report_of(&q),
        "officer opened a form to remove from the record",
    )
    .await?;
    let form = match &report {
        Some(r) => fields(vec![(
            "change_reason",
            format!(
                "A parent reported this change on {}",
                fmt_day(r.submitted_at)
            ),
        )]),
        None => FormData::default(),
    };
    let r = Removal {
        child_id: &id,
        part,
        pid: &pid,
        what: &what,
        report: report.as_ref(),
    };
    Ok(remove_page(&state, &o, &r, &form, &Errors::default()))
}

async fn remove(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, part, pid) = ids3(path.into_inner())?;
    let f = form.into_inner();
    let (what, report) = removal(
        &state,
        &o,
        (&id, part, &pid),
        f.opt("report"),
        "officer submitted a form to remove from the record",
    )
    .await?;
    let mut errors = Errors::default();
    let reason = text(
        &f,
        "change_reason",
        "why you are removing it",
        1000,
        &mut errors,
    );
    if !errors.is_empty() {
        let r = Removal {
            child_id: &id,
            part,
            pid: &pid,
            what: &what,
            report: report.as_ref(),
        };
        return Ok(remove_page(&state, &o, &r, &f, &errors));
    }
    let (cid, uid) = (id.clone(), o.user.id.clone());
    let report_id = report.map(|r| r.id);
    state
        .db(move |c| {
            let by = ChangeBy {
                user_id: &uid,
                report_id: report_id.as_deref(),
            };
            services::remove_part(c, &cid, by, part.kind(), &pid, &reason)
        })
        .await?;
    Ok(see_other(&format!("/officers/children/{id}?done=part")))
}

/// The service log of a case or application (s.572) and, while any notice waits, the form to
/// record how it was served. `methods` are the ways the law allows for these notices.
pub fn service_log(
    log: &[crate::store::served::LogRow],
    csrf: &str,
    action: &str,
    heading: &str,
    methods: &[(&'static str, &'static str)],
    form: &FormData,
    errors: &Errors,
) -> Markup {
    use crate::store::served;
    let queued: Vec<&served::LogRow> = log
        .iter()
        .filter(|r| r.status == ServiceStatus::QueuedForPost)
        .collect();
    let (sd, sm, sy) = form.date_parts("served_date");
    html! {
        @if !log.is_empty() {
            h2 class="govuk-heading-m" { (heading) }
            div class="cnis-table-scroll" role="region" aria-label="Service log" tabindex="0" { table class="govuk-table" {
                (table_head("Service log", &["Recipient", "How", "Sent to", "Status", "Served on", ""]))
                tbody class="govuk-table__body" {
                    @for r in log {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (r.recipient_name) br; span class="govuk-hint" { (label(served::RECIPIENT_ROLES, &r.recipient_role)) } }
                            td class="govuk-table__cell" { (r.method) }
                            td class="govuk-table__cell" { (r.sent_to) }
                            td class="govuk-table__cell" { (r.status.label()) @if let Some(n) = &r.note { br; span class="govuk-hint" { (n) } } }
                            td class="govuk-table__cell" { (r.served_on.map(crate::clock::fmt_date).unwrap_or_default()) }
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/documents/" (r.id) } { "PDF" span class="govuk-visually-hidden" { " of the notice to " (r.recipient_name) } } }
                        }
                    }
                }
            } }
            (correction_form(log, csrf, action, form, errors))
            @if !queued.is_empty() {
                h3 class="govuk-heading-s" { "Record how a notice was served" }
                form method="post" action=(action) novalidate {
                    (csrf_field(csrf))
                    div class={ "govuk-form-group" @if errors.get("document_id").is_some() { " govuk-form-group--error" } } {
                        label class="govuk-label" for="document_id" { "Notice" }
                        @if let Some(e) = errors.get("document_id") { p id="document_id-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
                        select class="govuk-select" id="document_id" name="document_id" {
                            @for r in &queued { option value=(r.id) selected[form.get("document_id") == r.id] { "To " (r.recipient_name) } }
                        }
                    }
                    (radios("method", "How", methods, form.get("method"), None, errors.get("method")))
                    (date_input("served_date", "Date posted, delivered or left", (&sd, &sm, &sy), Some("A posted notice counts as served after the working days of post the council has set; the others on the day"), errors.get("served_date")))
                    (Input::new("service_note", "Evidence of service", form.get("service_note")).hint("For example, the post room reference, who delivered it, or the proof another method worked").error(errors.get("service_note")).render())
                    (secondary_button("Record the service"))
                }
            }
        }
    }
}

/// Correcting a date of service (the post took longer, a holiday the service did not know): the
/// clocks that run from it move with it (s.572). Posts to `{action}-correction`.
fn correction_form(
    log: &[crate::store::served::LogRow],
    csrf: &str,
    action: &str,
    form: &FormData,
    errors: &Errors,
) -> Markup {
    let served: Vec<&crate::store::served::LogRow> =
        log.iter().filter(|r| r.served_on.is_some()).collect();
    let (d, m, y) = form.date_parts("corrected_date");
    html! {
        @if !served.is_empty() {
            details class="govuk-details" open[errors.get("corrected_date").is_some() || errors.get("correction_reason").is_some()] {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Correct a date of service" } }
                div class="govuk-details__text" {
                    form method="post" action={ (action) "-correction" } novalidate {
                        (csrf_field(csrf))
                        div class="govuk-form-group" {
                            label class="govuk-label" for="corrected_id" { "Notice" }
                            select class="govuk-select" id="corrected_id" name="corrected_id" {
                                @for r in &served { option value=(r.id) selected[form.get("corrected_id") == r.id] { "To " (r.recipient_name) ", served " (r.served_on.map(crate::clock::fmt_date).unwrap_or_default()) } }
                            }
                        }
                        (date_input("corrected_date", "The day it was served", (&d, &m, &y), Some("Every date that runs from the service moves with it"), errors.get("corrected_date")))
                        (textarea("correction_reason", "Why the date was different", form.get("correction_reason"), Some("For example, the parent says the letter arrived on this day, or the post was delayed. Kept in the service log."), errors.get("correction_reason")))
                        (secondary_button("Correct the date"))
                    }
                }
            }
        }
    }
}

/// Reads the correction form against the log: a served notice, a day not before it was made nor
/// in the future, and why.
pub fn read_correction(
    f: &FormData,
    log: &[crate::store::served::LogRow],
    errors: &mut Errors,
) -> Option<crate::store::served::ServiceCorrection> {
    let document_id = f.get("corrected_id").to_string();
    let row = log
        .iter()
        .find(|r| r.id == document_id && r.served_on.is_some());
    if row.is_none() {
        errors.add("corrected_id", "Choose a notice that has been served");
    }
    let on = parse_date(f, "corrected_date", "the day it was served", true, errors);
    if let (Some(on), Some(r)) = (on, row) {
        if on > today() {
            errors.add(
                "corrected_date",
                "The day it was served must be today or in the past",
            );
        } else if on < crate::clock::local_date(r.made_at) {
            errors.add(
                "corrected_date",
                format!(
                    "The notice was made on {}: it cannot have been served before that",
                    crate::clock::fmt_day(r.made_at)
                ),
            );
        }
    }
    let reason = text(
        f,
        "correction_reason",
        "why the date was different",
        1000,
        errors,
    );
    Some(crate::store::served::ServiceCorrection {
        document_id,
        served_on: on?,
        reason,
    })
    .filter(|_| errors.is_empty())
}

/// Reads the service form against the log: a notice still waiting, an allowed method, a date that
/// is neither in the future nor before the notice was made, and the evidence.
pub fn read_service(
    f: &FormData,
    log: &[crate::store::served::LogRow],
    methods: &[(&'static str, &'static str)],
    errors: &mut Errors,
) -> Option<crate::store::served::ServiceRecord> {
    let document_id = f.get("document_id").to_string();
    let made = log
        .iter()
        .find(|r| r.id == document_id && r.status == ServiceStatus::QueuedForPost)
        .map(|r| crate::clock::local_date(r.made_at));
    if made.is_none() {
        errors.add(
            "document_id",
            "Choose a notice that is waiting to be served",
        );
    }
    let method = choice(
        f,
        "method",
        methods,
        "Select how the notice was served",
        errors,
    );
    let what = "date it was posted, delivered or left";
    let on = parse_date(f, "served_date", what, true, errors);
    if on.is_some_and(|d| d > today()) {
        errors.add(
            "served_date",
            format!("The {what} must be today or in the past"),
        );
    } else if let (Some(on), Some(made)) = (on, made) {
        if on < made {
            errors.add(
                "served_date",
                format!(
                    "The notice was made on {}: it cannot have been served before that",
                    crate::clock::fmt_date(made)
                ),
            );
        }
    }
    let note = text(f, "service_note", "the evidence of service", 500, errors);
    Some(crate::store::served::ServiceRecord {
        document_id,
        method,
        on: on?,
        note,
    })
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/officers/children/{id}/{part}/new",
        web::get().to(add_form),
    )
    .route("/officers/children/{id}/{part}/new", web::post().to(add))
    .route(
        "/officers/children/{id}/{part}/{pid}/change",
        web::get().to(change_form),
    )
    .route(
        "/officers/children/{id}/{part}/{pid}/change",
        web::post().to(change),
    )
    .route(
        "/officers/children/{id}/{part}/{pid}/remove",
        web::get().to(remove_form),
    )
    .route(
        "/officers/children/{id}/{part}/{pid}/remove",
        web::post().to(remove),
    );
}
