//! Recording what was shared from the register with a partner under s.436F: who asked, through
//! which gateway, why, and what was sent.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::clock::today;
use crate::domain::transfer::Gateway;
use crate::error::AppResult;
use crate::services::transfers as services;
use crate::store::children::Child;
use crate::store::disclosures::NewDisclosure;
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{see_other, AppState};

fn page(
    state: &AppState,
    o: &CurrentOfficer,
    ch: &Child,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let d = f.date_parts("disclosed_on");
    crate::web::form_page(
        state,
        o,
        crate::web::FormPage {
            title: "Record information shared with a partner",
            section: "register",
            back: &format!("/officers/children/{}#disclosures", ch.id),
            caption: Some(&ch.reference),
        },
        errors,
        html! {
                p class="govuk-body" { "The council may share a child's register information with these partners where it is appropriate for promoting or safeguarding the education or welfare of that child or another child (Education Act 1996, section 436F). Record each time it does." }
                form method="post" action={ "/officers/children/" (ch.id) "/shared-with-partner" } novalidate {
                    (csrf_field(&o.csrf))
                    (radios("gateway", "Who was it shared with?", Gateway::CHOICES, f.get("gateway"), None, errors.get("gateway")))
                    (Input::new("partner", "Name of the organisation", f.get("partner")).error(errors.get("partner")).render())
                    (Input::new("requested_by", "Who asked for it?", f.get("requested_by")).hint("Their name and role, or \"the council offered it\"").error(errors.get("requested_by")).render())
                    (textarea("purpose", "Why was it appropriate to share?", f.get("purpose"), Some("How it promotes or safeguards the education or welfare of this child or another child"), errors.get("purpose")))
                    (textarea("information", "What was sent?", f.get("information"), Some("For example, the child's name, date of birth, address and how they are educated"), errors.get("information")))
                    (date_input("disclosed_on", "When was it sent?", (&d.0, &d.1, &d.2), Some("For example, 27 11 2026"), errors.get("disclosed_on")))
                    (button("Save"))
                }
        },
    )
}

async fn form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let ch = crate::web::load_child(
        &state,
        crate::web::parse_id(&path.into_inner())?,
        o.user.id.clone(),
        "officer opened the partner sharing form",
    )
    .await?;
    Ok(page(
        &state,
        &o,
        &ch,
        &FormData::default(),
        &Errors::default(),
    ))
}

/// The form, checked.
fn read(f: &FormData, errors: &mut Errors) -> Option<NewDisclosure> {
    let gateway = Gateway::parse(f.get("gateway"));
    if gateway.is_none() {
        errors.add("gateway", "Select who it was shared with");
    }
    let partner = text(f, "partner", "the name of the organisation", 200, errors);
    let requested_by = text(f, "requested_by", "who asked for it", 200, errors);
    let purpose = text(
        f,
        "purpose",
        "why it was appropriate to share",
        2000,
        errors,
    );
    let information = text(f, "information", "what was sent", 2000, errors);
    let disclosed_on = parse_date(f, "disclosed_on", "the date it was sent", true, errors);
    if disclosed_on.is_some_and(|d| d > today()) {
        errors.add(
            "disclosed_on",
            "The date it was sent must be today or in the past",
        );
    }
    Some(NewDisclosure {
        gateway: gateway?,
        partner,
        requested_by,
        purpose,
        information,
        disclosed_on: disclosed_on?,
    })
    .filter(|_| errors.is_empty())
}

async fn save(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let ch = crate::web::load_child(
        &state,
        crate::web::parse_id(&path.into_inner())?,
        o.user.id.clone(),
        "officer sent the partner sharing form",
    )
    .await?;
    let mut errors = Errors::default();
    let Some(d) = read(&f, &mut errors) else {
        return Ok(page(&state, &o, &ch, &f, &errors));
    };
    let (id, uid) = (ch.id.clone(), o.user.id.clone());
    state
        .db(move |c| services::record_disclosure(c, &id, &d, &uid))
        .await?;
    Ok(see_other(&format!(
        "/officers/children/{}?done=part#disclosures",
        ch.id
    )))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/officers/children/{id}/shared-with-partner",
        web::get().to(form),
    )
    .route(
        "/officers/children/{id}/shared-with-partner",
        web::post().to(save),
    );
}
