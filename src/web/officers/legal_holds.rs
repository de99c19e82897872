//! Placing and releasing a legal hold (law.md §7.4) on a child's record or an application for
//! consent: officers place one with a reason; only a manager may release it, each on a page of
//! its own.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::domain::retention::HoldSubject;
use crate::error::AppResult;
use crate::services::retention::{self as services, Subject};
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer, Manager};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

/// The subject's own page, without its anchor, for the banner query.
fn with_done(s: &Subject, done: &str) -> String {
    match s.page.split_once('#') {
        Some((path, anchor)) => format!("{path}?done={done}#{anchor}"),
        None => format!("{}?done={done}", s.page),
    }
}

fn what(kind: HoldSubject) -> &'static str {
    match kind {
        HoldSubject::Child => "this child's whole record — the entry, its history, school attendance cases, notices and emails —",
        HoldSubject::ConsentApplication => "this application for consent, with its notices,",
    }
}

fn place_page(
    state: &AppState,
    o: &CurrentOfficer,
    s: &Subject,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    crate::web::form_page(
        state,
        o,
        crate::web::FormPage {
            title: "Place a legal hold",
            section: "register",
            back: &s.page,
            caption: Some(&s.reference),
        },
        errors,
        html! {
                p class="govuk-body" { "A legal hold keeps " (what(s.kind)) " past the end of its retention period, until a manager releases it." }
                p class="govuk-body" { "Place one when it may be needed for a complaint, a claim, a court case, an inquiry or a subject access request still being answered." }
                form method="post" novalidate {
                    (csrf_field(&o.csrf))
                    (textarea("reason", "Why must it be kept?", f.get("reason"), Some("For example, the complaint or case reference. Officers and managers will read this."), errors.get("reason")))
                    (button("Place the legal hold"))
                }
        },
    )
}

async fn load(
    state: &AppState,
    o: &CurrentOfficer,
    kind: HoldSubject,
    id: String,
    purpose: &'static str,
) -> AppResult<Subject> {
    let id = crate::web::parse_id(&id)?;
    let uid = o.user.id.clone();
    state
        .db(move |c| services::subject(c, kind, &id, &uid, purpose))
        .await
}

async fn place_form(
    state: &AppState,
    o: &CurrentOfficer,
    kind: HoldSubject,
    id: String,
) -> AppResult<HttpResponse> {
    let s = load(state, o, kind, id, "officer opened the legal hold form").await?;
    if s.hold.is_some() {
        return Ok(see_other(&s.page));
    }
    Ok(place_page(
        state,
        o,
        &s,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn place(
    state: &AppState,
    o: &CurrentOfficer,
    kind: HoldSubject,
    id: String,
    f: FormData,
) -> AppResult<HttpResponse> {
    let s = load(state, o, kind, id, "officer placed a legal hold").await?;
    if s.hold.is_some() {
        return Ok(see_other(&s.page));
    }
    let mut errors = Errors::default();
    let reason = text(&f, "reason", "why it must be kept", 2000, &mut errors);
    if !errors.is_empty() {
        return Ok(place_page(state, o, &s, &f, &errors));
    }
    let (sid, uid) = (s.id.clone(), o.user.id.clone());
    state
        .db(move |c| services::place_hold(c, kind, &sid, &reason, &uid))
        .await?;
    Ok(see_other(&with_done(&s, "hold")))
}

async fn release_form(
    state: &AppState,
    o: &CurrentOfficer,
    kind: HoldSubject,
    id: String,
) -> AppResult<HttpResponse> {
    let s = load(
        state,
        o,
        kind,
        id,
        "manager opened the release of a legal hold",
    )
    .await?;
    let Some((h, by)) = &s.hold else {
        return Ok(see_other(&s.page));
    };
    Ok(render(
        state,
        PageArgs {
            title: "Release the legal hold",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            (back_link(&s.page))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                span class="govuk-caption-l" { (s.reference) }
                h1 class="govuk-heading-l" { "Release the legal hold?" }
                dl class="govuk-summary-list" {
                    (summary_row("Reason", html! { (h.reason) }, None))
                    (summary_row("Placed", html! { (crate::clock::fmt_time(h.placed_at)) " by " (by) }, None))
                }
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" {
                        span class="govuk-visually-hidden" { "Warning" }
                        "Once released, the retention policy applies again: a record past its date is erased the next night, and cannot be brought back."
                    }
                }
                form method="post" {
                    (csrf_field(&o.csrf))
                    div class="govuk-button-group" {
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" data-prevent-double-click="true" { "Release the legal hold" }
                        a class="govuk-link" href=(s.page) { "Keep the hold" }
                    }
                }
            }}
        },
    ))
}

async fn release(
    state: &AppState,
    o: &CurrentOfficer,
    kind: HoldSubject,
    id: String,
) -> AppResult<HttpResponse> {
    let s = load(state, o, kind, id, "manager released a legal hold").await?;
    let (sid, uid) = (s.id.clone(), o.user.id.clone());
    state
        .db(move |c| services::release_hold(c, kind, &sid, &uid))
        .await?;
    Ok(see_other(&with_done(&s, "released")))
}

/// What a route's legal hold is on.
pub trait Kind {
    const KIND: HoldSubject;
}
pub struct OnChild;
impl Kind for OnChild {
    const KIND: HoldSubject = HoldSubject::Child;
}
pub struct OnApplication;
impl Kind for OnApplication {
    const KIND: HoldSubject = HoldSubject::ConsentApplication;
}

async fn get_place<K: Kind>(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    place_form(&state, &o, K::KIND, path.into_inner()).await
}

async fn post_place<K: Kind>(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    place(&state, &o, K::KIND, path.into_inner(), form.into_inner()).await
}

async fn get_release<K: Kind>(
    state: web::Data<AppState>,
    Manager(o): Manager,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    release_form(&state, &o, K::KIND, path.into_inner()).await
}

async fn post_release<K: Kind>(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Manager(o), _form): Post<Manager>,
) -> AppResult<HttpResponse> {
    release(&state, &o, K::KIND, path.into_inner()).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/officers/children/{id}/legal-hold",
        web::get().to(get_place::<OnChild>),
    )
    .route(
        "/officers/children/{id}/legal-hold",
        web::post().to(post_place::<OnChild>),
    )
    .route(
        "/officers/children/{id}/legal-hold/release",
        web::get().to(get_release::<OnChild>),
    )
    .route(
        "/officers/children/{id}/legal-hold/release",
        web::post().to(post_release::<OnChild>),
    )
    .route(
        "/officers/consent/{id}/legal-hold",
        web::get().to(get_place::<OnApplication>),
    )
    .route(
        "/officers/consent/{id}/legal-hold",
        web::post().to(post_place::<OnApplication>),
    )
    .route(
        "/officers/consent/{id}/legal-hold/release",
        web::get().to(get_release::<OnApplication>),
    )
    .route(
        "/officers/consent/{id}/legal-hold/release",
        web::post().to(post_release::<OnApplication>),
    );
}
