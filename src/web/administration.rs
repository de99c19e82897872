//! Administrators' pages: API tokens for the social care push (issue 4). A token is shown once,
//! on the page that issued it, never in a URL; only its digest is kept.
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use super::auth::Administrator;
use super::forms::*;
use super::{check_csrf, render, see_other, AppState, PageArgs};
use crate::error::{AppError, AppResult};
use crate::store::{api_tokens, audit};
use crate::views::*;

fn when(t: chrono::NaiveDateTime) -> String {
    t.format("%-d %b %Y %H:%M UTC").to_string()
}

async fn tokens_page(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    form: &FormData,
    errors: &Errors,
    notice: Option<&str>,
) -> AppResult<HttpResponse> {
    let rows = state.db(|c| Ok(api_tokens::list(c)?)).await?;
    Ok(render(
        state,
        PageArgs {
            title: "API tokens",
            nav: Some(o.nav("tokens")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (error_summary(errors))
            @if let Some(n) = notice { (success_banner(n)) }
            h1 class="govuk-heading-l" { "API tokens" }
            p class="govuk-body" { "A children's social care system sends its records to " code { "/api/v1/social-care-records" } " with one of these tokens. Issue one token for each system, so that each can be revoked on its own. " a class="govuk-link" href="/api/v1/openapi.json" { "API description (OpenAPI)" } "." }
            @if rows.is_empty() { p class="govuk-body" { "No tokens have been issued." } } @else {
                table class="govuk-table" {
                    (table_head("Tokens", &["System", "Issued", "Last used", "Status", ""]))
                    tbody class="govuk-table__body" {
                        @for (id, name, issued, revoked, used) in &rows {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (name) }
                                td class="govuk-table__cell" { (when(*issued)) }
                                td class="govuk-table__cell" { (used.map(when).unwrap_or_else(|| "Never".into())) }
                                td class="govuk-table__cell" {
                                    @match revoked { Some(r) => { (tag("Revoked", "grey")) br; span class="govuk-hint" { (when(*r)) } }, None => { (tag("Live", "green")) } }
                                }
                                td class="govuk-table__cell" {
                                    @if revoked.is_none() {
                                        form method="post" action={ "/officers/admin/api-tokens/" (id) "/revoke" } class="cnis-inline-form" {
                                            (csrf_field(&o.csrf))
                                            button type="submit" class="govuk-button govuk-button--warning cnis-button--small" data-module="govuk-button" { "Revoke" span class="govuk-visually-hidden" { " the token for " (name) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 class="govuk-heading-m" { "Issue a token" }
            form method="post" action="/officers/admin/api-tokens" novalidate {
                (csrf_field(&o.csrf))
                (Input::new("name", "Name of the system that will use it", form.get("name")).hint("For example, the social care case system's nightly export").error(errors.get("name")).width("30").render())
                (button("Issue a token"))
            }
        },
    ))
}

async fn issue(
    req: HttpRequest,
    state: web::Data<AppState>,
    Administrator(o): Administrator,
    form: web::Form<FormData>,
) -> AppResult<HttpResponse> {
    check_csrf(&req, &state, form.csrf())?;
    let mut errors = Errors::default();
    let name = text(&form, "name", "the name of the system", 100, &mut errors);
    if !errors.is_empty() {
        return tokens_page(&state, &o, &form, &errors, None).await;
    }
    let uid = o.user.id.clone();
    let (id, token) = state
        .db(move |c| {
            let (id, token) = api_tokens::issue(c, &name)?;
            audit::record(c, Some(&uid), "api_token_issued", None, &format!("token {id}"))?;
            Ok((id, token))
        })
        .await?;
    let mut resp = render(
        &state,
        PageArgs {
            title: "Token issued",
            nav: Some(o.nav("tokens")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            div class="govuk-panel govuk-panel--confirmation" {
                h1 class="govuk-panel__title" { "Token issued" }
            }
            div class="govuk-warning-text" {
                span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } "Copy the token now. It will not be shown again: the service keeps only a fingerprint of it." }
            }
            p class="govuk-body" { "Token:" }
            pre class="cnis-token" id="token" data-token-id=(id) { code { (token) } }
            p class="govuk-body" { "Give it to the system's administrator by a secure route. It is sent as " code { "Authorization: Bearer <token>" } "." }
            p class="govuk-body" { a class="govuk-link" href="/officers/admin/api-tokens" { "Back to API tokens" } }
        },
    );
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    Administrator(o): Administrator,
    path: web::Path<String>,
    form: web::Form<FormData>,
) -> AppResult<HttpResponse> {
    check_csrf(&req, &state, form.csrf())?;
    let id = path.into_inner();
    let uid = o.user.id.clone();
    let n = state
        .db(move |c| {
            let n = api_tokens::revoke(c, &id)?;
            if n > 0 {
                audit::record(c, Some(&uid), "api_token_revoked", None, &format!("token {id}"))?;
            }
            Ok(n)
        })
        .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(see_other("/officers/admin/api-tokens?done=revoked"))
}

async fn list(
    state: web::Data<AppState>,
    Administrator(o): Administrator,
    q: web::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let notice = q
        .get("done")
        .filter(|d| *d == "revoked")
        .map(|_| "The token has been revoked. Requests that present it are now refused.");
    tokens_page(&state, &o, &FormData::default(), &Errors::default(), notice).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/admin/api-tokens", web::get().to(list))
        .route("/officers/admin/api-tokens", web::post().to(issue))
        .route(
            "/officers/admin/api-tokens/{id}/revoke",
            web::post().to(revoke),
        );
}
