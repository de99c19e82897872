//! Placing and releasing a legal hold on a child's record (law.md §7.4): officers place one with
//! a reason; only a manager may release it, each on a page of its own.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::error::AppResult;
use crate::services::retention as services;
use crate::store::children::Child;
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer, Manager};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

fn record_url(id: &str) -> String {
    format!("/officers/children/{id}")
}

fn place_page(
    state: &AppState,
    o: &CurrentOfficer,
    ch: &Child,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Place a legal hold",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&record_url(&ch.id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                span class="govuk-caption-l" { (ch.reference) }
                h1 class="govuk-heading-l" { "Place a legal hold" }
                p class="govuk-body" { "A legal hold keeps this child's whole record — the entry, its history, school attendance cases, notices and emails — past the end of its retention period, until a manager releases it." }
                p class="govuk-body" { "Place one when the record may be needed for a complaint, a claim, a court case, an inquiry or a subject access request still being answered." }
                form method="post" action={ (record_url(&ch.id)) "/legal-hold" } novalidate {
                    (csrf_field(&o.csrf))
                    (textarea("reason", "Why must the record be kept?", f.get("reason"), Some("For example, the complaint or case reference. Officers and managers will read this."), errors.get("reason")))
                    (button("Place the legal hold"))
                }
            }}
        },
    )
}

async fn place_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let (ch, hold) = state
        .db(move |c| services::child_and_hold(c, &id, &uid, "officer opened the legal hold form"))
        .await?;
    if hold.is_some() {
        return Ok(see_other(&format!("{}#keeping", record_url(&ch.id))));
    }
    Ok(place_page(
        &state,
        &o,
        &ch,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn place(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let id = crate::web::parse_id(&path.into_inner())?;
    let mut errors = Errors::default();
    let reason = text(
        &f,
        "reason",
        "why the record must be kept",
        2000,
        &mut errors,
    );
    let uid = o.user.id.clone();
    let (ch, hold) = {
        let id = id.clone();
        let uid = uid.clone();
        state
            .db(move |c| services::child_and_hold(c, &id, &uid, "officer placed a legal hold"))
            .await?
    };
    if hold.is_some() {
        return Ok(see_other(&format!("{}#keeping", record_url(&ch.id))));
    }
    if !errors.is_empty() {
        return Ok(place_page(&state, &o, &ch, &f, &errors));
    }
    state
        .db(move |c| services::place_hold_on_child(c, &id, &reason, &uid))
        .await?;
    Ok(see_other(&format!(
        "{}?done=hold#keeping",
        record_url(&ch.id)
    )))
}

async fn release_form(
    state: web::Data<AppState>,
    Manager(o): Manager,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let (ch, hold) = state
        .db(move |c| {
            services::child_and_hold(c, &id, &uid, "manager opened the release of a legal hold")
        })
        .await?;
    let Some((h, by)) = hold else {
        return Ok(see_other(&format!("{}#keeping", record_url(&ch.id))));
    };
    Ok(render(
        &state,
        PageArgs {
            title: "Release the legal hold",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            (back_link(&record_url(&ch.id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                span class="govuk-caption-l" { (ch.reference) }
                h1 class="govuk-heading-l" { "Release the legal hold?" }
                dl class="govuk-summary-list" {
                    (summary_row("Reason", html! { (h.reason) }, None))
                    (summary_row("Placed", html! { (crate::clock::fmt_time(h.placed_at)) " by " (by) }, None))
                }
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" {
                        span class="govuk-visually-hidden" { "Warning" }
                        "Once released, the retention policy applies again: a closed record past its date is erased the next night, and cannot be brought back."
                    }
                }
                form method="post" action={ (record_url(&ch.id)) "/legal-hold/release" } {
                    (csrf_field(&o.csrf))
                    div class="govuk-button-group" {
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" data-prevent-double-click="true" { "Release the legal hold" }
                        a class="govuk-link" href={ (record_url(&ch.id)) "#keeping" } { "Keep the hold" }
                    }
                }
            }}
        },
    ))
}

async fn release(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Manager(o), _form): Post<Manager>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let to = format!("{}?done=released#keeping", record_url(&id));
    state
        .db(move |c| services::release_hold_on_child(c, &id, &uid))
        .await?;
    Ok(see_other(&to))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/officers/children/{id}/legal-hold",
        web::get().to(place_form),
    )
    .route("/officers/children/{id}/legal-hold", web::post().to(place))
    .route(
        "/officers/children/{id}/legal-hold/release",
        web::get().to(release_form),
    )
    .route(
        "/officers/children/{id}/legal-hold/release",
        web::post().to(release),
    );
}
