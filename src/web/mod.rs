//! HTTP: routes by audience, security headers, CSRF, sessions.
pub mod api;
pub mod auth;
pub mod fields;
pub mod forms;
pub mod officers;
pub mod parents;
pub mod password;
pub mod schools;

use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{middleware, web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};
use maud::Markup;

use crate::error::{AppError, AppResult};
use crate::views::{layout, Audience, Nav, Page};

pub const SESSION_COOKIE: &str = "cnis_session";
pub const CSRF_COOKIE: &str = "cnis_csrf";

pub use crate::app::AppState;

/// The CSRF cookie value for this request (set by the middleware when the browser had none).
#[derive(Clone)]
struct CsrfSeed(String);

pub fn csrf_for(req: &HttpRequest, state: &AppState) -> String {
    let seed = req
        .extensions()
        .get::<CsrfSeed>()
        .map(|s| s.0.clone())
        .or_else(|| read_cookie(req, state, CSRF_COOKIE))
        .unwrap_or_default();
    state.csrf_token(&seed)
}

/// Opens a child's record for a form, recording the read in the audit log.
pub(crate) async fn load_child(
    state: &AppState,
    id: String,
    uid: String,
    purpose: &'static str,
) -> AppResult<crate::store::children::Child> {
    state
        .db(move |c| {
            let ch = crate::store::children::find(c, &id)?.ok_or(AppError::NotFound)?;
            crate::store::audit::record(c, Some(&uid), "open_form", Some(&ch.id), purpose)?;
            Ok(ch)
        })
        .await
}

/// Every form posts `csrf_token`; a missing or wrong token is refused before anything is saved.
pub fn check_csrf(req: &HttpRequest, state: &AppState, submitted: &str) -> AppResult<()> {
    let Some(cookie) = read_cookie(req, state, CSRF_COOKIE) else {
        return Err(AppError::BadRequest("Your session has expired or cookies are switched off. Go back, reload the page and try again.".into()));
    };
    let expected = state.csrf_token(&cookie);
    let ok: bool = expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if ok {
        Ok(())
    } else {
        Err(AppError::BadRequest(
            "This form was out of date. Go back, reload the page and try again.".into(),
        ))
    }
}

/// The client's address: behind a trusted proxy (CNIS_TRUSTED_PROXIES), the one it saw.
pub fn client_address(req: &HttpRequest, state: &AppState) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr()?.ip();
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    Some(crate::domain::network::client_address(
        peer,
        forwarded,
        &state.config.trusted_proxies,
    ))
}

/// Every sign-in step (officers' password and code, parents' email and code) is within the
/// per-address rate limit. (Its form's CSRF token was checked by `CsrfForm`.)
pub fn guard_sign_in_rate(req: &HttpRequest, state: &AppState) -> AppResult<()> {
    if !state.allow_sign_in_attempt(client_address(req, state)) {
        return Err(AppError::TooManyRequests);
    }
    Ok(())
}

/// Sends the browser a cookie that deletes `name`.
pub fn remove_cookie(resp: &mut HttpResponse, state: &AppState, name: &str) {
    let mut gone = cookie(state, name, String::new());
    gone.make_removal();
    let _ = resp.add_cookie(&gone);
}

/// A cookie's name on the wire: with the `__Host-` prefix whenever cookies are Secure, so the
/// browser keeps it to this exact host, path `/`, over https only.
pub fn cookie_name(state: &AppState, name: &str) -> String {
    if state.config.cookie_secure {
        format!("__Host-{name}")
    } else {
        name.to_string()
    }
}

/// The value of one of our cookies on this request. Every cookie is read through here, so the
/// name on the wire is always the prefixed one.
pub fn read_cookie(req: &HttpRequest, state: &AppState, name: &str) -> Option<String> {
    req.cookie(&cookie_name(state, name))
        .map(|c| c.value().to_string())
}

pub fn cookie(state: &AppState, name: &str, value: String) -> Cookie<'static> {
    Cookie::build(cookie_name(state, name), value)
        .path("/")
        .http_only(true)
        .secure(state.config.cookie_secure)
        .same_site(if name == CSRF_COOKIE {
            SameSite::Strict
        } else {
            SameSite::Lax
        })
        .finish()
}

/// Record ids in paths are UUIDs; anything else is a page that does not exist (and never
/// reaches the database, where PostgreSQL would reject bytes such as NUL).
pub fn parse_id(s: &str) -> AppResult<String> {
    uuid::Uuid::parse_str(s)
        .map(|u| u.to_string())
        .map_err(|_| AppError::NotFound)
}

pub fn html(markup: Markup) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// A file to download; never cached, since it holds children's records or the audit log.
pub fn file_download(filename: &str, content_type: &str, body: impl Into<Vec<u8>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body.into())
}

/// A CSV file to download.
pub fn csv_download(filename: &str, body: Vec<u8>) -> HttpResponse {
    file_download(filename, "text/csv; charset=utf-8", body)
}

/// A PDF to download (a notice as served, a case file); never cached.
pub fn pdf_download(filename: &str, pdf: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}.pdf\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(pdf)
}

pub fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// Renders a page in the layout; `status` lets form errors come back as 422 (or 200).
pub struct PageArgs<'a> {
    pub title: &'a str,
    pub nav: Option<Nav>,
    pub csrf: &'a str,
    pub errors: bool,
}

/// An officers' page holding one form: the back link, the error summary, the caption (a
/// reference) and the heading in the two-thirds column, then `body`.
pub struct FormPage<'a> {
    pub title: &'a str,
    pub section: &'static str,
    pub back: &'a str,
    pub caption: Option<&'a str>,
}

pub fn form_page(
    state: &AppState,
    o: &auth::CurrentOfficer,
    p: FormPage,
    errors: &crate::views::Errors,
    body: Markup,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: p.title,
            nav: Some(o.nav(p.section)),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        maud::html! {
            (crate::views::back_link(p.back))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (crate::views::error_summary(errors))
                @if let Some(c) = p.caption { span class="govuk-caption-l" { (c) } }
                h1 class="govuk-heading-l" { (p.title) }
                (body)
            }}
        },
    )
}

pub fn render(state: &AppState, args: PageArgs, content: Markup) -> HttpResponse {
    let audience = match &args.nav {
        Some(n) if n.role == crate::domain::roles::Role::School => Audience::Schools,
        _ => Audience::Officers,
    };
    render_for(state, args, audience, content)
}

/// A page for `audience`: parents' and schools' pages carry the team's contact details.
pub fn render_for(
    state: &AppState,
    args: PageArgs,
    audience: Audience,
    content: Markup,
) -> HttpResponse {
    let contact = state.config.team_contact();
    let page = Page {
        title: args.title,
        council: &state.config.council_name,
        branded: state.config.branding.colour.is_some(),
        logo: state.config.branding.logo.is_some(),
        nav: args.nav.as_ref(),
        csrf: args.csrf,
        has_errors: args.errors,
        audience,
        contact: (audience != Audience::Officers).then_some(&contact),
    };
    let body = layout(&page, content).into_string();
    let mut resp = if args.errors {
        HttpResponse::UnprocessableEntity()
    } else {
        HttpResponse::Ok()
    };
    resp.content_type("text/html; charset=utf-8").body(body)
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

async fn healthz(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    state
        .db(|c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute("SELECT 1")?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok().content_type("text/plain").body("ok"))
}

/// Ready for traffic: the database answers and has every migration this binary knows.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ready = state
        .db(|c| Ok(!crate::db::has_pending_migrations(c)?))
        .await;
    match ready {
        Ok(true) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Ok(false) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("migrations pending"),
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable"),
    }
}

/// GOV.UK Frontend, pinned in package.json and compiled from its Sass into the binary by build.rs.
async fn govuk_asset(path: web::Path<String>) -> HttpResponse {
    let (body, ctype): (&'static [u8], &str) = match path.as_str() {
        "govuk-frontend.css" => (
            include_bytes!(concat!(env!("OUT_DIR"), "/govuk-frontend.css")),
            "text/css",
        ),
        "govuk-frontend.min.js" => (
            include_bytes!(concat!(env!("OUT_DIR"), "/govuk-frontend.min.js")),
            "text/javascript",
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    HttpResponse::Ok()
        .content_type(ctype)
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(body)
}

/// The service's front door: parents one way, council and school staff the other.
async fn root(state: web::Data<AppState>) -> HttpResponse {
    render_for(
        &state,
        PageArgs {
            title: "Children not in school",
            nav: None,
            csrf: "",
            errors: false,
        },
        Audience::Anyone,
        maud::html! {
            h1 class="govuk-heading-l" { "Children not in school" }
            p class="govuk-body" { "The council keeps a register of children who live in its area, are of compulsory school age and are not in school, so that every child gets a suitable education." }
            h2 class="govuk-heading-m" { "Parents and carers" }
            p class="govuk-body" { "Tell the council that your child is educated at home or otherwise than at school, ask for consent to take a child out of school, or see what you have told the council." }
            a class="govuk-button govuk-button--start" href="/parents/" draggable="false" role="button" data-module="govuk-button" {
                "Start"
                svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false" {
                    path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" {}
                }
            }
            h2 class="govuk-heading-m" { "Council and school staff" }
            p class="govuk-body" { a class="govuk-link" href="/officers/" { "Sign in as council or school staff" } }
        },
    )
}

async fn static_file(path: web::Path<String>) -> HttpResponse {
    let (body, ctype) = match path.as_str() {
        "app.css" => (include_str!("../../static/app.css"), "text/css"),
        "init.js" => (include_str!("../../static/init.js"), "text/javascript"),
        "init-body.js" => (include_str!("../../static/init-body.js"), "text/javascript"),
        _ => return HttpResponse::NotFound().finish(),
    };
    HttpResponse::Ok()
        .content_type(ctype)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

/// The council's brand colour, through GOV.UK Frontend's custom property (CNIS_BRAND_COLOUR).
async fn brand_css(state: web::Data<AppState>) -> HttpResponse {
    let body = match &state.config.branding.colour {
        Some(c) => format!(":root{{--govuk-brand-colour:{c}}}\n"),
        None => String::new(),
    };
    HttpResponse::Ok()
        .content_type("text/css")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

/// The council's logo for the header (CNIS_COUNCIL_LOGO).
async fn council_logo(state: web::Data<AppState>) -> HttpResponse {
    match &state.config.branding.logo {
        Some((bytes, ctype)) => HttpResponse::Ok()
            .content_type(*ctype)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            // An SVG opened on its own runs no script.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ))
            .body(bytes.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn not_found() -> AppResult<HttpResponse> {
    Err(AppError::NotFound)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(root))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/assets/{file}", web::get().to(govuk_asset))
        .route("/static/brand.css", web::get().to(brand_css))
        .route("/static/council-logo", web::get().to(council_logo))
        .route("/static/{file}", web::get().to(static_file));
    auth::configure(cfg);
    password::configure(cfg);
    officers::configure(cfg);
    parents::configure(cfg);
    schools::configure(cfg);
    api::configure(cfg);
    cfg.default_service(web::to(not_found));
}

/// Builds the app with its middleware; used by `serve` and by the tests.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let st = state.clone();
    App::new()
        .app_data(state.clone())
        .app_data(web::QueryConfig::default().error_handler(|_err, _req| {
            AppError::BadRequest("The address has a value that is not allowed.".into()).into()
        }))
        .app_data(web::PathConfig::default().error_handler(|_err, _req| AppError::NotFound.into()))
        .wrap_fn(move |req, srv| {
            // Give every browser a CSRF cookie before it sees its first form.
            let new_seed = if req.cookie(&cookie_name(&st, CSRF_COOKIE)).is_none() {
                let seed = uuid::Uuid::new_v4().simple().to_string();
                req.extensions_mut().insert(CsrfSeed(seed.clone()));
                Some(seed)
            } else {
                None
            };
            let st = st.clone();
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                if let Some(seed) = new_seed {
                    let c = cookie(&st, CSRF_COOKIE, seed);
                    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
                        res.headers_mut().append(header::SET_COOKIE, v);
                    }
                }
                // Pages, API answers, PDFs and exports hold children's personal data: nothing is
                // cached but the public stylesheets and scripts, which say so themselves.
                let public = res
                    .headers()
                    .get(header::CACHE_CONTROL)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("public"));
                if !public {
                    res.headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                }
                if st.config.cookie_secure {
                    // Served over https: browsers keep to https for a year.
                    res.headers_mut().insert(
                        header::STRICT_TRANSPORT_SECURITY,
                        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
                    );
                }
                Ok(res)
            }
        })
        .wrap(
            middleware::DefaultHeaders::new()
                .add((header::CONTENT_SECURITY_POLICY, CSP))
                .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .add((header::X_FRAME_OPTIONS, "DENY"))
                .add((header::REFERRER_POLICY, "no-referrer"))
                .add((
                    "Permissions-Policy",
                    "camera=(), microphone=(), geolocation=()",
                ))
                .add(("Cross-Origin-Opener-Policy", "same-origin")),
        )
        // Logs method, path and status only: paths carry ids, never names.
        .wrap(middleware::Logger::new("%s %r %Dms").exclude("/healthz"))
        .configure(configure)
}

pub async fn serve(state: Arc<AppState>, listener: std::net::TcpListener) -> std::io::Result<()> {
    let data = web::Data::from(state);
    HttpServer::new(move || build_app(data.clone()))
        .listen(listener)?
        .run()
        .await
}
