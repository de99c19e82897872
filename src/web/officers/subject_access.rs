//! An officer answers a subject access request about a child: says who asked, confirms what
//! to redact, and downloads the bundle (`services::subject_access`).
use actix_web::{web, HttpResponse};
use maud::html;

use crate::error::AppResult;
use crate::services::subject_access::{self as services, Request};
use crate::store::children::{self, ChildRecord};
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::forms::*;
use crate::web::AppState;

fn page(
    state: &AppState,
    o: &CurrentOfficer,
    rec: &ChildRecord,
    f: &FormData,
    errors: &Errors,
    first: bool,
) -> HttpResponse {
    let ch = &rec.child;
    let mut who: Vec<(String, String)> = vec![(
        "child".into(),
        "The child, or someone acting for them".into(),
    )];
    who.extend(
        rec.parents
            .iter()
            .map(|p| (p.id.clone(), format!("{} ({})", p.name(), p.relationship))),
    );
    let checked = |k: &str| first || f.checked(k);
    crate::web::form_page(
        state,
        o,
        crate::web::FormPage {
            title: "Subject access request",
            section: "register",
            back: &format!("/officers/children/{}", ch.id),
            caption: Some(&ch.reference),
        },
        errors,
        html! {
                p class="govuk-body" { "Download everything the service holds about this child as one ZIP file: a readable summary (PDF), the full record (JSON), and each notice as it was served (PDF)." }
                p class="govuk-body" { "It holds the entry and its history, addresses, parents, other educators, other information, tasks, children's social care flags with the record each came from, school attendance cases, requests for information, notices, emails, moves between councils, and who read or changed the record." }
                form method="post" action={ "/officers/children/" (ch.id) "/subject-access" } novalidate {
                    (csrf_field(&o.csrf))
                    @let who_refs: Vec<(&str, &str)> = who.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                    (radios_dyn("requester", "Who asked?", &who_refs, f.get("requester"), errors.get("requester")))
                    fieldset class="govuk-fieldset" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Before you send it, take out other people's details" }
                        div class="govuk-hint" { "The law does not allow giving someone else's personal data without their consent (UK GDPR article 15(4)). Check the bundle before you send it." }
                        (checkbox("redact_other_parents", "Remove other parents' contact details, and the emails and notices sent to them", checked("redact_other_parents")))
                        (checkbox("redact_officers", "Show officers as \"An officer\" instead of by name", checked("redact_officers")))
                    }
                    (button("Download the bundle"))
                }
                p class="govuk-body" { "A parent asking for what the council holds about them? " a class="govuk-link" href="/officers/subject-access" { "Find everything held about a parent by their email address" } }
        },
    )
}

/// Radios whose choices are built at run time (the parents on record).
fn radios_dyn(
    id: &str,
    legend: &str,
    choices: &[(&str, &str)],
    selected: &str,
    error: Option<&str>,
) -> maud::Markup {
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[error.map(|_| format!("{id}-error"))] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @if let Some(e) = error { p id={ (id) "-error" } class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
                div class="govuk-radios govuk-radios--small" data-module="govuk-radios" {
                    @for (i, (value, label)) in choices.iter().enumerate() {
                        @let input_id = if i == 0 { id.to_string() } else { format!("{id}-{i}") };
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(input_id) name=(id) type="radio" value=(value) checked[*value == selected];
                            label class="govuk-label govuk-radios__label" for=(input_id) { (label) }
                        }
                    }
                }
            }
        }
    }
}

async fn load(state: &AppState, o: &CurrentOfficer, id: String) -> AppResult<ChildRecord> {
    let id = crate::web::parse_id(&id)?;
    let uid = o.user.id.clone();
    state
        .db(move |c| {
            let rec = children::load_record(c, &id)?.ok_or(crate::error::AppError::NotFound)?;
            crate::store::audit::record(
                c,
                Some(&uid),
                "view_child",
                Some(&id),
                "officer opened the subject access page",
            )?;
            Ok(rec)
        })
        .await
}

async fn form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let rec = load(&state, &o, path.into_inner()).await?;
    Ok(page(
        &state,
        &o,
        &rec,
        &FormData::default(),
        &Errors::default(),
        true,
    ))
}

async fn download(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let rec = load(&state, &o, path.into_inner()).await?;
    let requester = f.get("requester").to_string();
    let valid = requester == "child" || rec.parents.iter().any(|p| p.id == requester);
    if !valid {
        let mut errors = Errors::default();
        errors.add("requester", "Select who asked");
        return Ok(page(&state, &o, &rec, &f, &errors, false));
    }
    let req = Request {
        requester_parent: (requester != "child").then_some(requester),
        redact_other_parents: f.checked("redact_other_parents"),
        redact_officers: f.checked("redact_officers"),
    };
    let (id, uid, council) = (
        rec.child.id.clone(),
        o.user.id.clone(),
        state.config.council_name.clone(),
    );
    let (name, zip) = state
        .db(move |c| services::bundle(c, &id, &req, &council, &uid))
        .await?;
    Ok(crate::web::file_download(&name, "application/zip", zip))
}

fn parent_page(
    state: &AppState,
    o: &CurrentOfficer,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    crate::web::form_page(
        state,
        o,
        crate::web::FormPage {
            title: "Subject access request from a parent",
            section: "register",
            back: "/officers/register",
            caption: None,
        },
        errors,
        html! {
                p class="govuk-body" { "Download everything the service holds about a parent, found by their email address: the children they are recorded as a parent of, claims, notifications and applications they sent, changes they reported, their decisions on notices by email, and the emails sent to them." }
                p class="govuk-body" { "For what is held about a child, open the child's record and choose \"Answer a subject access request\"." }
                form method="post" novalidate {
                    (csrf_field(&o.csrf))
                    (Input::new("email", "The parent's email address", f.get("email")).kind("email").autocomplete("off").no_spellcheck().error(errors.get("email")).render())
                    (button("Download the bundle"))
                }
        },
    )
}

async fn parent_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
) -> AppResult<HttpResponse> {
    Ok(parent_page(
        &state,
        &o,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn parent_download(
    state: web::Data<AppState>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let mut errors = Errors::default();
    let Some(email) = email(&f, "email", &mut errors) else {
        errors.add("email", "Enter the parent's email address");
        return Ok(parent_page(&state, &o, &f, &errors));
    };
    if !errors.is_empty() {
        return Ok(parent_page(&state, &o, &f, &errors));
    }
    let (uid, council) = (o.user.id.clone(), state.config.council_name.clone());
    let found = state
        .db(move |c| services::parent_bundle(c, &email, &council, &uid))
        .await?;
    let Some((name, zip)) = found else {
        errors.add("email", "Nothing is held about this email address. Check it, or search the register by the parent's name");
        return Ok(parent_page(&state, &o, &f, &errors));
    };
    Ok(crate::web::file_download(&name, "application/zip", zip))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/subject-access", web::get().to(parent_form))
        .route("/officers/subject-access", web::post().to(parent_download))
        .route(
            "/officers/children/{id}/subject-access",
            web::get().to(form),
        )
        .route(
            "/officers/children/{id}/subject-access",
            web::post().to(download),
        );
}
