//! Parts of a record that come in lists: addresses (s.436C(1)(a)–(b)), parents (s.436C(1)(c)–(d))
//! and other education providers (s.436C(1)(g)). Each add and remove is kept in the history.
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::clock::today;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::register::*;
use crate::domain::service::ServiceStatus;
use crate::error::{AppError, AppResult};
use crate::services::register::{self as services, NewPart};
use crate::store::audit;
use crate::store::children::{self, Address, Child, Parent, Provider};
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::fields::*;
use crate::web::forms::*;
use crate::web::load_child;
use crate::web::{render, see_other, AppState, PageArgs};

/// Which list a sub-form adds to or removes from.
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
    fn field(self) -> &'static str {
        match self {
            Part::Address => "address",
            Part::Parent => "parent",
            Part::Provider => "provider",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Part::Address => "an address",
            Part::Parent => "a parent",
            Part::Provider => "an education provider",
        }
    }
}

fn add_page(
    state: &AppState,
    o: &CurrentOfficer,
    ch: &Child,
    part: Part,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let title = format!("Add {}", part.noun());
    render(
        state,
        PageArgs {
            title: &title,
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("/officers/children/{}", ch.id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                span class="govuk-caption-l" { (ch.reference) }
                h1 class="govuk-heading-l" { (title) }
                form method="post" action={ "/officers/children/" (ch.id) "/" (part.path()) "/new" } novalidate {
                    (csrf_field(&o.csrf))
                    @match part {
                        Part::Address => {
                            (radios("kind", "Type of address", ADDRESS_KINDS, f.get("kind"), Some("A new home address moves the current one to previous"), errors.get("kind")))
                            (address_fields(f, errors))
                        }
                        Part::Parent => (parent_fields(f, errors, "")),
                        Part::Provider => (provider_fields(f, errors)),
                    }
                    (textarea("change_reason", "Why are you making this change?", f.get("change_reason"), None, errors.get("change_reason")))
                    (button("Save"))
                }
            }}
        },
    )
}

async fn add_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, part) = path.into_inner();
    let (id, part) = (crate::web::parse_id(&id)?, Part::from_path(&part)?);
    let ch = load_child(
        &state,
        id,
        o.user.id.clone(),
        "officer opened a form to add to the record",
    )
    .await?;
    Ok(add_page(
        &state,
        &o,
        &ch,
        part,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn add(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, part) = path.into_inner();
    let (id, part) = (crate::web::parse_id(&id)?, Part::from_path(&part)?);
    let f = form.into_inner();
    let ch = load_child(
        &state,
        id,
        o.user.id.clone(),
        "officer submitted a form to add to the record",
    )
    .await?;
    let mut errors = Errors::default();
    let item = read_part(part, &f, &ch.id, &mut errors);
    let reason = text(
        &f,
        "change_reason",
        "why you are making this change",
        1000,
        &mut errors,
    );
    let (Some(item), true) = (item, errors.is_empty()) else {
        return Ok(add_page(&state, &o, &ch, part, &f, &errors));
    };
    let uid = o.user.id.clone();
    let cid = ch.id.clone();
    state
        .db(move |c| services::add_part(c, &cid, &uid, item, &reason))
        .await?;
    Ok(see_other(&format!(
        "/officers/children/{}?done=part",
        ch.id
    )))
}

/// Reads the form for a new address, parent or provider of this child.
fn read_part(part: Part, f: &FormData, child_id: &str, errors: &mut Errors) -> Option<NewPart> {
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
                    id: new_id(),
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
                id: new_id(),
                child_id: child_id.to_string(),
                ..p
            })
        }),
        Part::Provider => read_provider(f, errors).map(|p| {
            NewPart::Provider(Provider {
                id: new_id(),
                child_id: child_id.to_string(),
                ..p
            })
        }),
    }
}

/// What is about to be removed, in words, or None when it is not this child's.
fn describe_part(
    c: &mut AnyConnection,
    child_id: &str,
    part: Part,
    pid: &str,
) -> AppResult<Option<String>> {
    Ok(match part {
        Part::Address => children::find_address(c, child_id, pid)?.map(|a| a.one_line()),
        Part::Parent => children::find_parent(c, child_id, pid)?
            .map(|p| format!("{} {}", p.given_names, p.family_name)),
        Part::Provider => children::find_provider(c, child_id, pid)?.map(|p| p.name),
    })
}

#[allow(clippy::too_many_arguments)] // one page, one call site: a struct would only rename them
fn remove_page(
    state: &AppState,
    o: &CurrentOfficer,
    child_id: &str,
    part: Part,
    pid: &str,
    what: &str,
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
            (back_link(&format!("/officers/children/{child_id}")))
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Remove " (what) "?" }
            p class="govuk-body" { "It stays in the record's history." }
            form method="post" action={ "/officers/children/" (child_id) "/" (part.path()) "/" (pid) "/remove" } novalidate {
                (csrf_field(&o.csrf))
                (textarea("change_reason", "Why are you removing it?", f.get("change_reason"), None, errors.get("change_reason")))
                button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Remove" }
            }
        },
    )
}

async fn remove_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, part, pid) = path.into_inner();
    let (id, part, pid) = (
        crate::web::parse_id(&id)?,
        Part::from_path(&part)?,
        crate::web::parse_id(&pid)?,
    );
    let (id2, pid2, uid) = (id.clone(), pid.clone(), o.user.id.clone());
    let what = state
        .db(move |c| {
            let what = describe_part(c, &id2, part, &pid2)?.ok_or(AppError::NotFound)?;
            audit::record(
                c,
                Some(&uid),
                "open_form",
                Some(&id2),
                "officer opened a form to remove from the record",
            )?;
            Ok(what)
        })
        .await?;
    Ok(remove_page(
        &state,
        &o,
        &id,
        part,
        &pid,
        &what,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn remove(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, part, pid) = path.into_inner();
    let (id, part, pid) = (
        crate::web::parse_id(&id)?,
        Part::from_path(&part)?,
        crate::web::parse_id(&pid)?,
    );
    let f = form.into_inner();
    let mut errors = Errors::default();
    let reason = text(
        &f,
        "change_reason",
        "why you are removing it",
        1000,
        &mut errors,
    );
    let (id2, pid2, uid) = (id.clone(), pid.clone(), o.user.id.clone());
    let has_errors = !errors.is_empty();
    let what = state
        .db(move |c| {
            crate::db::write::<String, AppError, _>(c, |c| {
                let what = describe_part(c, &id2, part, &pid2)?.ok_or(AppError::NotFound)?;
                if has_errors {
                    return Ok(what);
                }
                match part {
                    Part::Address => children::remove_address(c, &pid2)?,
                    Part::Parent => children::remove_parent(c, &pid2)?,
                    Part::Provider => children::remove_provider(c, &pid2)?,
                };
                services::record_part(c, &id2, &uid, part.field(), Some(&what), None, &reason)?;
                Ok(what)
            })
        })
        .await?;
    if has_errors {
        return Ok(remove_page(&state, &o, &id, part, &pid, &what, &f, &errors));
    }
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
            table class="govuk-table" {
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
            }
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
        "/officers/children/{id}/{part}/{pid}/remove",
        web::get().to(remove_form),
    )
    .route(
        "/officers/children/{id}/{part}/{pid}/remove",
        web::post().to(remove),
    );
}
