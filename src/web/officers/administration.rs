//! Administrators' pages: API tokens for the social care push (issue 4). A token is shown once,
//! on the page that issued it, never in a URL; only its digest is kept.
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use maud::html;

use crate::error::{AppError, AppResult};
use crate::store::{api_tokens, audit};
use crate::views::*;
use crate::web::auth::Administrator;
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

use crate::clock::fmt_time as when;

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
                div class="cnis-table-scroll" role="region" aria-label="Tokens" tabindex="0" { table class="govuk-table" {
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
                } }
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
    state: web::Data<AppState>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let mut errors = Errors::default();
    let name = text(&form, "name", "the name of the system", 100, &mut errors);
    if !errors.is_empty() {
        return tokens_page(&state, &o, &form, &errors, None).await;
    }
    let uid = o.user.id.clone();
    let (id, token) = state
        .db(move |c| {
            let (id, token) = api_tokens::issue(c, &name)?;
            audit::record(
                c,
                Some(&uid),
                "api_token_issued",
                None,
                &format!("token {id}"),
            )?;
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
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Administrator(o), _form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let uid = o.user.id.clone();
    let n = state
        .db(move |c| {
            let n = api_tokens::revoke(c, &id)?;
            if n > 0 {
                audit::record(
                    c,
                    Some(&uid),
                    "api_token_revoked",
                    None,
                    &format!("token {id}"),
                )?;
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
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let notice = q
        .get("done")
        .filter(|d| *d == "revoked")
        .map(|_| "The token has been revoked. Requests that present it are now refused.");
    tokens_page(&state, &o, &FormData::default(), &Errors::default(), notice).await
}

fn schools_page(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    rows: &[(crate::store::schools::School, i64)],
    form: &FormData,
    errors: &Errors,
) -> HttpResponse {
    use crate::domain::consent::SCHOOL_KINDS;
    render(
        state,
        PageArgs {
            title: "Schools",
            nav: Some(o.nav("schools")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Schools" }
            p class="govuk-body" { "Each school's staff sign in to tell the council when a parent intends to home educate a pupil and to send deletion returns. A school's system can do the same through the API with the school's own token." }
            @if rows.is_empty() { p class="govuk-body" { "No schools yet." } } @else {
                div class="cnis-table-scroll" role="region" aria-label="Schools" tabindex="0" { table class="govuk-table" {
                    (table_head("Schools", &["School", "URN", "Kind", "Staff accounts"]))
                    tbody class="govuk-table__body" {
                        @for (s, n) in rows {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/admin/schools/" (s.id) } { (s.name) } }
                                td class="govuk-table__cell" { (s.urn) }
                                td class="govuk-table__cell" { (crate::domain::register::label(SCHOOL_KINDS, &s.kind)) }
                                td class="govuk-table__cell" { (n) }
                            }
                        }
                    }
                } }
            }
            h2 class="govuk-heading-m" { "Add a school" }
            form method="post" action="/officers/admin/schools" novalidate {
                (csrf_field(&o.csrf))
                (Input::new("urn", "Unique reference number (URN)", form.get("urn")).width("10").hint("6 or 7 digits, from Get Information about Schools").error(errors.get("urn")).render())
                (Input::new("name", "Name", form.get("name")).error(errors.get("name")).render())
                (radios("kind", "Kind of school", SCHOOL_KINDS, form.get("kind"), Some("Condition A of section 434A(3) turns on special schools and independent schools for pupils with special educational needs"), errors.get("kind")))
                (Input::new("address", "Address for notices to the proprietor", form.get("address")).error(errors.get("address")).render())
                (Input::new("email", "Email address for notices (optional)", form.get("email")).kind("email").no_spellcheck().hint("Decision notices go here as a PDF; without one they are posted").error(errors.get("email")).render())
                (button("Add the school"))
            }
        },
    )
}

async fn schools_list(
    state: web::Data<AppState>,
    Administrator(o): Administrator,
) -> AppResult<HttpResponse> {
    let rows = state.db(|c| Ok(school_rows(c)?)).await?;
    Ok(schools_page(
        &state,
        &o,
        &rows,
        &FormData::default(),
        &Errors::default(),
    ))
}

fn school_rows(
    c: &mut crate::db::AnyConnection,
) -> diesel::QueryResult<Vec<(crate::store::schools::School, i64)>> {
    crate::store::schools::with_staff_counts(c)
}

async fn add_school(
    state: web::Data<AppState>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    use crate::domain::consent::SCHOOL_KINDS;
    let mut errors = Errors::default();
    let urn = form.get("urn").to_string();
    if !(6..=7).contains(&urn.len()) || !urn.chars().all(|c| c.is_ascii_digit()) {
        errors.add("urn", "Enter the URN: 6 or 7 digits");
    }
    let name = text(&form, "name", "the school's name", 200, &mut errors);
    let kind = choice(
        &form,
        "kind",
        SCHOOL_KINDS,
        "Select the kind of school",
        &mut errors,
    );
    let address = text(
        &form,
        "address",
        "the address for notices",
        300,
        &mut errors,
    );
    let email = email(&form, "email", &mut errors);
    if !errors.is_empty() {
        let rows = state.db(|c| Ok(school_rows(c)?)).await?;
        return Ok(schools_page(&state, &o, &rows, &form, &errors));
    }
    let school = crate::store::schools::School {
        id: crate::db::new_id(),
        urn,
        name: name.trim().into(),
        kind,
        address: address.trim().into(),
        email,
        created_at: crate::db::now(),
    };
    let uid = o.user.id.clone();
    let sid = school.id.clone();
    let added = state
        .db(move |c| {
            let ok = crate::store::schools::create(c, &school)?;
            if ok {
                audit::record(
                    c,
                    Some(&uid),
                    "school_added",
                    None,
                    &format!("school {}", school.urn),
                )?;
            }
            Ok(ok)
        })
        .await?;
    if !added {
        errors.add("urn", "A school with this URN is already set up");
        let rows = state.db(|c| Ok(school_rows(c)?)).await?;
        return Ok(schools_page(&state, &o, &rows, &form, &errors));
    }
    Ok(see_other(&format!("/officers/admin/schools/{sid}")))
}

async fn school_page(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    id: String,
    form: &FormData,
    errors: &Errors,
    shown_once: Option<(&str, &str)>,
) -> AppResult<HttpResponse> {
    use crate::db::schema::{api_tokens as t, users};
    use diesel::prelude::*;
    let (school, staff, tokens) = state
        .db(move |c| {
            let s = crate::store::schools::find(c, &id)?.ok_or(AppError::NotFound)?;
            let staff: Vec<(String, String, bool)> = users::table
                .filter(users::school_id.eq(&s.id))
                .order(users::name.asc())
                .select((users::name, users::email, users::active))
                .load(c)?;
            let tokens: Vec<(String, String, Option<chrono::NaiveDateTime>)> = t::table
                .filter(t::school_id.eq(&s.id))
                .select((t::id, t::name, t::revoked_at))
                .load(c)?;
            Ok((s, staff, tokens))
        })
        .await?;
    let mut resp = render(
        state,
        PageArgs {
            title: "School",
            nav: Some(o.nav("schools")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link("/officers/admin/schools"))
            (error_summary(errors))
            @if let Some((what, secret)) = shown_once {
                div class="govuk-warning-text" {
                    span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                    strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (what) " Copy it now: it will not be shown again." }
                }
                pre class="cnis-token" id="secret" { code { (secret) } }
            }
            span class="govuk-caption-l" { "URN " (school.urn) }
            h1 class="govuk-heading-l" { (school.name) }
            dl class="govuk-summary-list" {
                (summary_row("Kind", html! { (crate::domain::register::label(crate::domain::consent::SCHOOL_KINDS, &school.kind)) }, None))
                (summary_row("Address for notices", html! { (school.address) }, None))
                (summary_row("Email for notices", or_not_given(school.email.as_deref()), None))
            }
            h2 class="govuk-heading-m" { "Staff accounts" }
            @if staff.is_empty() { p class="govuk-body" { "None yet." } } @else {
                ul class="govuk-list" { @for (n, e, active) in &staff { li { (n) ", " (e) @if !active { " (disabled)" } } } }
            }
            form method="post" action={ "/officers/admin/schools/" (school.id) "/staff" } novalidate {
                (csrf_field(&o.csrf))
                (Input::new("staff_name", "Name", form.get("staff_name")).error(errors.get("staff_name")).render())
                (Input::new("staff_email", "Email address", form.get("staff_email")).kind("email").no_spellcheck().error(errors.get("staff_email")).render())
                (secondary_button("Add a staff account"))
            }
            h2 class="govuk-heading-m" { "API tokens for the school's system" }
            @if !tokens.is_empty() {
                ul class="govuk-list" { @for (_, n, revoked) in &tokens { li { (n) " " @if revoked.is_some() { (tag("Revoked", "grey")) } @else { (tag("Live", "green")) } } } }
                p class="govuk-body" { "Revoke tokens on the " a class="govuk-link" href="/officers/admin/api-tokens" { "API tokens" } " page." }
            }
            form method="post" action={ "/officers/admin/schools/" (school.id) "/tokens" } novalidate {
                (csrf_field(&o.csrf))
                (Input::new("token_name", "Name of the school's system", form.get("token_name")).error(errors.get("token_name")).render())
                (secondary_button("Issue a token for this school"))
            }
        },
    );
    if shown_once.is_some() {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(resp)
}

async fn school(
    state: web::Data<AppState>,
    Administrator(o): Administrator,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    school_page(
        &state,
        &o,
        id,
        &FormData::default(),
        &Errors::default(),
        None,
    )
    .await
}

async fn add_staff(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let mut errors = Errors::default();
    let name = text(&form, "staff_name", "the person's name", 200, &mut errors);
    let address = email(&form, "staff_email", &mut errors);
    if address.is_none() {
        errors.add("staff_email", "Enter the person's email address");
    }
    let Some(address) = address.filter(|_| errors.is_empty()) else {
        return school_page(&state, &o, id, &form, &errors, None).await;
    };
    let password = crate::store::users::generate_password();
    let (uid, sid, pw) = (o.user.id.clone(), id.clone(), password.clone());
    let created = state
        .db(move |c| {
            crate::store::schools::find(c, &sid)?.ok_or(AppError::NotFound)?;
            if crate::store::users::find_by_email(c, &address)?.is_some() {
                return Ok(false);
            }
            let u = crate::store::users::create_school_user(c, &address, &name, &pw, &sid)?;
            crate::store::users::require_password_change(c, &u.id)?;
            audit::record(
                c,
                Some(&uid),
                "school_user_created",
                None,
                &format!("user {} for school {sid}", u.id),
            )?;
            Ok(true)
        })
        .await?;
    if !created {
        errors.add(
            "staff_email",
            "An account with this email address already exists",
        );
        return school_page(&state, &o, id, &form, &errors, None).await;
    }
    school_page(&state, &o, id, &FormData::default(), &Errors::default(),
        Some(("The account is made. Give this first password to the person by a secure route; they set up their authenticator app when they first sign in.", &password))).await
}

async fn school_token(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let mut errors = Errors::default();
    let name = text(
        &form,
        "token_name",
        "the name of the school's system",
        100,
        &mut errors,
    );
    if !errors.is_empty() {
        return school_page(&state, &o, id, &form, &errors, None).await;
    }
    let (uid, sid) = (o.user.id.clone(), id.clone());
    let token = state
        .db(move |c| {
            crate::store::schools::find(c, &sid)?.ok_or(AppError::NotFound)?;
            let (tid, token) = api_tokens::issue_for_school(c, &name, &sid)?;
            audit::record(
                c,
                Some(&uid),
                "api_token_issued",
                None,
                &format!("token {tid} for school {sid}"),
            )?;
            Ok(token)
        })
        .await?;
    school_page(&state, &o, id, &FormData::default(), &Errors::default(),
        Some(("Token issued. The school's system sends it as Authorization: Bearer <token> to /api/v1/school-notices.", &token))).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/admin/schools", web::get().to(schools_list))
        .route("/officers/admin/schools", web::post().to(add_school))
        .route("/officers/admin/schools/{id}", web::get().to(school))
        .route(
            "/officers/admin/schools/{id}/staff",
            web::post().to(add_staff),
        )
        .route(
            "/officers/admin/schools/{id}/tokens",
            web::post().to(school_token),
        );
    cfg.route("/officers/admin/api-tokens", web::get().to(list))
        .route("/officers/admin/api-tokens", web::post().to(issue))
        .route(
            "/officers/admin/api-tokens/{id}/revoke",
            web::post().to(revoke),
        );
}
