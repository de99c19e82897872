//! Officer sign-in: password (argon2id), then a TOTP second factor; server-side sessions with an
//! idle timeout; roles checked on every request by the extractors below.
use std::future::Future;
use std::pin::Pin;

use super::forms::{CsrfForm, Post};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use maud::html;

use super::{cookie, csrf_for, render, see_other, AppState, PageArgs, SESSION_COOKIE};
use crate::error::{AppError, AppResult};
use crate::store::{audit, sessions, sign_in_attempts, users};
use crate::views::*;

/// A signed-in officer who has passed the second factor.
pub struct CurrentOfficer {
    pub user: users::User,
    pub token: String,
    pub csrf: String,
}

impl CurrentOfficer {
    pub fn nav(&self, section: &'static str) -> Nav {
        Nav {
            name: self.user.name.clone(),
            role: self.user.role,
            section,
        }
    }
}

/// The school a member of its staff works for; anyone else, or a school no longer there, is
/// refused.
pub(crate) async fn school_of(
    state: &AppState,
    o: &CurrentOfficer,
) -> AppResult<crate::store::schools::School> {
    let sid = o.user.school_id.clone().ok_or(AppError::Forbidden)?;
    state
        .db(move |c| crate::store::schools::find(c, &sid)?.ok_or(AppError::Forbidden))
        .await
}

/// An officer or manager: may read and change the register.
pub struct Caseworker(pub CurrentOfficer);
/// A manager or administrator: may read the audit log.
pub struct Auditor(pub CurrentOfficer);
/// A manager: the DfE return and the council's figures.
pub struct Manager(pub CurrentOfficer);
/// An administrator: accounts, tokens, schools.
pub struct Administrator(pub CurrentOfficer);
/// A member of a school's staff, for that school's notices only.
pub struct SchoolStaff(pub CurrentOfficer);

struct PartlySignedIn {
    user: users::User,
    token: String,
}

async fn load_session(req: &HttpRequest) -> AppResult<Option<(users::User, String, bool)>> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(AppError::Internal("no app state".into()));
    };
    let Some(token) = crate::web::read_cookie(req, &state, SESSION_COOKIE) else {
        return Ok(None);
    };
    let (idle, max) = (
        state.config.idle_timeout_minutes,
        state.config.session_max_hours,
    );
    state
        .db(move |c| match sessions::touch(c, &token, idle, max)? {
            Some((s, u)) if u.active => Ok(Some((u, token, s.second_factor_passed))),
            _ => Ok(None),
        })
        .await
}

impl FromRequest for CurrentOfficer {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match load_session(&req).await? {
                Some((user, _, true))
                    if user.must_change_password && req.path() != PASSWORD_PAGE =>
                {
                    // A password someone else issued opens nothing until the user chooses their own.
                    Err(AppError::Redirect(PASSWORD_PAGE.into()))
                }
                Some((user, token, true)) => {
                    let state = req
                        .app_data::<web::Data<AppState>>()
                        .cloned()
                        .ok_or(AppError::Forbidden)?;
                    let csrf = csrf_for(&req, &state);
                    Ok(CurrentOfficer { user, token, csrf })
                }
                Some((_, _, false)) => Err(AppError::Redirect("/officers/two-factor".into())),
                None => Err(AppError::Redirect("/officers/sign-in".into())),
            }
        })
    }
}

macro_rules! role_extractor {
    ($name:ident, $check:ident) => {
        impl FromRequest for $name {
            type Error = AppError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;
            fn from_request(req: &HttpRequest, pl: &mut actix_web::dev::Payload) -> Self::Future {
                let fut = CurrentOfficer::from_request(req, pl);
                Box::pin(async move {
                    let o = fut.await?;
                    if o.user.$check() {
                        Ok($name(o))
                    } else {
                        Err(AppError::Forbidden)
                    }
                })
            }
        }
    };
}
role_extractor!(Caseworker, can_use_register);
role_extractor!(Auditor, can_read_audit);
role_extractor!(Administrator, can_administer);
role_extractor!(Manager, can_make_returns);
role_extractor!(SchoolStaff, is_school_staff);

/// Where a user chooses their own password.
pub const PASSWORD_PAGE: &str = "/officers/account/password";

/// Where a user lands after signing in.
pub fn home_for(user: &users::User) -> &'static str {
    if user.must_change_password {
        return PASSWORD_PAGE;
    }
    if user.role == crate::domain::roles::Role::School {
        "/schools/"
    } else {
        "/officers/"
    }
}

impl FromRequest for PartlySignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;
    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match load_session(&req).await? {
                Some((u, _, true)) => Err(AppError::Redirect(home_for(&u).into())),
                Some((user, token, false)) => Ok(PartlySignedIn { user, token }),
                None => Err(AppError::Redirect("/officers/sign-in".into())),
            }
        })
    }
}

fn sign_in_page(state: &AppState, csrf: &str, email: &str, errors: &Errors) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Sign in",
            nav: None,
            csrf,
            errors: !errors.is_empty(),
        },
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Sign in to the children not in school register" }
                p class="govuk-body" { "For council officers and school staff. Parents should use the " a class="govuk-link" href="/parents/" { "parents' service" } "." }
                form method="post" action="/officers/sign-in" novalidate {
                    (csrf_field(csrf))
                    (Input::new("email", "Email address", email).kind("email").autocomplete("username").no_spellcheck().error(errors.get("email")).render())
                    (Input::new("password", "Password", "").kind("password").autocomplete("current-password").error(errors.get("password")).render())
                    (button("Continue"))
                }
            }}
        },
    )
}

async fn sign_in_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> HttpResponse {
    let csrf = csrf_for(&req, &state);
    let mut errors = Errors::default();
    if q.contains_key("locked") {
        // Sent here from the second factor, after the password was right.
        errors.add(
            "email",
            format!(
                "This account is locked after {} wrong codes. Try again in {} minutes, or ask an administrator.",
                users::MAX_FAILED_ATTEMPTS,
                users::LOCKOUT_MINUTES
            ),
        );
    }
    sign_in_page(&state, &csrf, "", &errors)
}

async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm,
) -> AppResult<HttpResponse> {
    super::guard_sign_in_rate(&req, &state)?;
    let csrf = csrf_for(&req, &state);
    let email = form.get("email").to_string();
    let password = form.get("password").to_string();
    let mut errors = Errors::default();
    if email.is_empty() {
        errors.add("email", "Enter your email address");
    }
    if password.is_empty() {
        errors.add("password", "Enter your password");
    }
    if crate::domain::register::has_disallowed_chars(&email, false) || email.len() > 320 {
        // Nothing that cannot be an email address reaches the database.
        errors.add("email", "Enter a correct email address and password");
    }
    if !errors.is_empty() {
        return Ok(sign_in_page(&state, &csrf, &email, &errors));
    }
    let email2 = email.clone();
    let (secret, per_account) = (
        state.config.secret_key.clone(),
        state.config.sign_in_per_account,
    );
    // Verifying argon2 is deliberately slow: it runs on the blocking pool with the lookup.
    let outcome = state
        .db(move |c| {
            // Per account, across addresses and instances; unknown accounts count the same.
            if !sign_in_attempts::attempt(c, &secret, "officer", &email2, per_account)? {
                return Ok(Err("too_many"));
            }
            let Some(user) = users::find_by_email(c, &email2)? else {
                // Same work and the same answer whether or not the account exists.
                let _ = users::verify_password("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$2mBpsjxc9lGSb3JSrCC6IQ8UjJ6Mm1K2YXBYwVXh0CY", &password);
                return Ok(Err("bad"));
            };
            if !user.active {
                let _ = users::verify_password(&user.password_hash, &password);
                return Ok(Err("bad"));
            }
            if users::is_locked(&user, crate::db::now()) {
                // The same work as any attempt; only someone who knows the password learns
                // that the account exists and is locked.
                let right = users::verify_password(&user.password_hash, &password);
                audit::record(c, Some(&user.id), "sign_in_refused_locked", None, "account locked after failed attempts")?;
                return Ok(Err(if right { "locked" } else { "bad" }));
            }
            if !users::verify_password(&user.password_hash, &password) {
                users::record_failure(c, &user.id)?;
                audit::record(c, Some(&user.id), "sign_in_failed", None, "wrong password")?;
                return Ok(Err("bad"));
            }
            users::record_success(c, &user.id)?;
            let token = sessions::start(c, &user.id)?;
            audit::record(c, Some(&user.id), "password_accepted", None, "sign in, first factor")?;
            Ok(Ok(token))
        })
        .await?;
    Ok(password_step_answer(&state, &csrf, &email, outcome))
}

/// The page after the password step: on to the second factor, or the sign-in page with why not.
fn password_step_answer(
    state: &AppState,
    csrf: &str,
    email: &str,
    outcome: Result<String, &'static str>,
) -> HttpResponse {
    let mut errors = Errors::default();
    match outcome {
        Ok(token) => {
            let mut resp = see_other("/officers/two-factor");
            let _ = resp.add_cookie(&cookie(state, SESSION_COOKIE, token));
            resp
        }
        Err("too_many") => {
            errors.add("email", format!("Too many attempts to sign in to this account. Wait {} minutes, then try again.", sign_in_attempts::WINDOW_MINUTES));
            let mut r = sign_in_page(state, csrf, email, &errors);
            *r.status_mut() = actix_web::http::StatusCode::TOO_MANY_REQUESTS;
            r
        }
        Err("locked") => {
            errors.add("email", format!("This account is locked after {} wrong passwords. Try again in {} minutes, or ask an administrator.", users::MAX_FAILED_ATTEMPTS, users::LOCKOUT_MINUTES));
            sign_in_page(state, csrf, email, &errors)
        }
        Err(_) => {
            errors.add("email", "Enter a correct email address and password");
            sign_in_page(state, csrf, email, &errors)
        }
    }
}

/// The authenticator's setup link as a QR code: an SVG in a `data:` URI, so it needs no
/// JavaScript and no request of its own.
fn qr_code_data_uri(uri: &str) -> Option<String> {
    use base64::Engine;
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

fn two_factor_page(
    state: &AppState,
    csrf: &str,
    secret: Option<&str>,
    account: &str,
    errors: &Errors,
) -> HttpResponse {
    let grouped = secret.map(|s| {
        s.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    });
    let uri = secret
        .and_then(|s| users::totp_for(s, account).ok())
        .map(|t| t.get_url());
    let qr = uri.as_deref().and_then(qr_code_data_uri);
    render(
        state,
        PageArgs {
            title: if secret.is_some() {
                "Set up your authenticator app"
            } else {
                "Enter your security code"
            },
            nav: None,
            csrf,
            errors: !errors.is_empty(),
        },
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                @if let Some(g) = &grouped {
                    h1 class="govuk-heading-l" { "Set up your authenticator app" }
                    p class="govuk-body" { "You need an authenticator app (for example Microsoft Authenticator or Google Authenticator) on a phone the council issued you." }
                    ol class="govuk-list govuk-list--number" {
                        li { "In the app, choose to add an account." }
                        li {
                            @if let Some(q) = &qr {
                                "Scan this QR code with the app's camera"
                                img class="cnis-qr-code" src=(q) alt="QR code holding the setup key shown below" width="200" height="200";
                                "or choose to enter a setup key, and enter this key. It is time-based."
                            } @else {
                                "Choose to enter a setup key, and enter this key. It is time-based."
                            }
                            p class="cnis-secret" { (g) }
                        }
                        li { "Enter the 6-digit code the app shows." }
                    }
                    @if let Some(u) = &uri {
                        details class="govuk-details" { summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Setup link for apps that accept one" } }
                            div class="govuk-details__text" { code { (u) } } }
                    }
                } @else {
                    h1 class="govuk-heading-l" { "Enter your security code" }
                    p class="govuk-body" { "Open your authenticator app and enter the 6-digit code it shows for this service." }
                }
                form method="post" action="/officers/two-factor" novalidate {
                    (csrf_field(csrf))
                    (Input::new("code", "Security code", "").width("5").autocomplete("one-time-code").error(errors.get("code")).render())
                    (button("Continue"))
                }
            }}
        },
    )
}

async fn two_factor_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: PartlySignedIn,
) -> AppResult<HttpResponse> {
    let csrf = csrf_for(&req, &state);
    let user = who.user.clone();
    let secret = if user.totp_enrolled {
        None
    } else {
        // First sign-in (or after a reset): a fresh secret until the officer proves the app works.
        let opened = user
            .totp_secret
            .as_deref()
            .and_then(|s| users::open_totp(&state.totp_key, &user.id, s));
        let s = match opened {
            Some(s) => s,
            None => {
                let s = users::new_totp_secret();
                let (id, s2, key) = (user.id.clone(), s.clone(), state.totp_key);
                state
                    .db(move |c| Ok(users::set_totp_secret(c, &key, &id, &s2)?))
                    .await?;
                s
            }
        };
        Some(s)
    };
    Ok(two_factor_page(
        &state,
        &csrf,
        secret.as_deref(),
        &user.email,
        &Errors::default(),
    ))
}

/// How a second-factor code went.
enum SecondFactor {
    /// Signed in, with the session's new token.
    Passed(String),
    Wrong,
    /// Too many wrong codes, or the account was locked already: the half session is over.
    Locked,
}

/// The second factor in one go: a locked account is refused (and its half session ended), a wrong
/// code is counted towards the lock, a right one passes once and renews the session's token.
fn second_factor(
    c: &mut crate::db::AnyConnection,
    uid: &str,
    token: &str,
    step: Option<i64>,
) -> AppResult<SecondFactor> {
    // A locked account is refused here too, and a right code does not unlock it.
    let fresh = users::find(c, uid)?.ok_or(AppError::Forbidden)?;
    if users::is_locked(&fresh, crate::db::now()) {
        sessions::end(c, token)?;
        audit::record(
            c,
            Some(uid),
            "sign_in_refused_locked",
            None,
            "account locked at the second factor",
        )?;
        return Ok(SecondFactor::Locked);
    }
    let Some(step) = step else {
        let locked = users::record_failure(c, uid)?;
        audit::record(c, Some(uid), "second_factor_failed", None, "wrong code")?;
        if locked {
            sessions::end(c, token)?;
            return Ok(SecondFactor::Locked);
        }
        return Ok(SecondFactor::Wrong);
    };
    if !users::use_totp_step(c, uid, step)? {
        audit::record(
            c,
            Some(uid),
            "second_factor_failed",
            None,
            "code already used",
        )?;
        return Ok(SecondFactor::Wrong);
    }
    let fresh = sessions::pass_second_factor(c, token)?;
    users::record_success(c, uid)?;
    audit::record(c, Some(uid), "signed_in", None, "sign in, second factor")?;
    Ok(SecondFactor::Passed(fresh))
}

async fn two_factor(
    req: HttpRequest,
    state: web::Data<AppState>,
    Post(who, form): Post<PartlySignedIn>,
) -> AppResult<HttpResponse> {
    super::guard_sign_in_rate(&req, &state)?;
    let csrf = csrf_for(&req, &state);
    let code = form.get("code").to_string();
    let user = who.user.clone();
    let token = who.token.clone();
    let Some(secret) = user
        .totp_secret
        .as_deref()
        .and_then(|s| users::open_totp(&state.totp_key, &user.id, s))
    else {
        return Ok(see_other("/officers/two-factor"));
    };
    let unix = chrono::Utc::now().timestamp().max(0) as u64;
    let step = users::check_totp(&secret, &code, unix);
    let uid = user.id.clone();
    let outcome = state
        .db(move |c| second_factor(c, &uid, &token, step))
        .await?;
    match outcome {
        SecondFactor::Passed(fresh) => {
            let mut resp = see_other(home_for(&user));
            let _ = resp.add_cookie(&cookie(&state, SESSION_COOKIE, fresh));
            return Ok(resp);
        }
        SecondFactor::Locked => {
            let mut resp = see_other("/officers/sign-in?locked=1");
            super::remove_cookie(&mut resp, &state, SESSION_COOKIE);
            return Ok(resp);
        }
        SecondFactor::Wrong => {}
    }
    let mut errors = Errors::default();
    errors.add(
        "code",
        if code.is_empty() {
            "Enter the 6-digit code from your authenticator app"
        } else {
            "The code is not right or was used already: wait for a new code and enter it"
        },
    );
    let show_secret = if user.totp_enrolled {
        None
    } else {
        Some(secret.as_str())
    };
    Ok(two_factor_page(
        &state,
        &csrf,
        show_secret,
        &user.email,
        &errors,
    ))
}

async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    _form: CsrfForm,
) -> AppResult<HttpResponse> {
    if let Some(token) = crate::web::read_cookie(&req, &state, SESSION_COOKIE) {
        state.db(move |c| Ok(sessions::end(c, &token)?)).await?;
    }
    let mut resp = see_other("/officers/signed-out");
    super::remove_cookie(&mut resp, &state, SESSION_COOKIE);
    Ok(resp)
}

async fn signed_out(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let csrf = csrf_for(&req, &state);
    render(
        &state,
        PageArgs {
            title: "You have signed out",
            nav: None,
            csrf: &csrf,
            errors: false,
        },
        html! {
            h1 class="govuk-heading-l" { "You have signed out" }
            p class="govuk-body" { a class="govuk-link" href="/officers/sign-in" { "Sign in again" } }
        },
    )
}

async fn account(
    state: web::Data<AppState>,
    o: CurrentOfficer,
    q: super::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let changed = q.get("done").is_some_and(|d| d == "password");
    let uid = o.user.id.clone();
    let n = state.db(move |c| Ok(sessions::count_for(c, &uid)?)).await?;
    Ok(render(
        &state,
        PageArgs {
            title: "Your account",
            nav: Some(o.nav("account")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            @if changed { (success_banner("Your password has been changed. Any other sessions you had have ended.")) }
            h1 class="govuk-heading-l" { "Your account" }
            p class="govuk-body" { a class="govuk-link" href=(home_for(&o.user)) { "Go to your home page" } }
            dl class="govuk-summary-list" {
                (summary_row("Name", html! { (o.user.name) }, None))
                (summary_row("Email", html! { (o.user.email) }, None))
                (summary_row("Role", html! { (o.user.role.label()) }, None))
                (summary_row("Signed-in sessions", html! { (n) }, None))
                (summary_row("Password", html! { a class="govuk-link" href=(PASSWORD_PAGE) { "Change your password" } }, None))
            }
            h2 class="govuk-heading-m" { "Sign out everywhere" }
            p class="govuk-body" { "Ends every session you have, on every device, including this one. Use it if you left a computer signed in or lost a device." }
            form method="post" action="/officers/sign-out-everywhere" {
                (csrf_field(&o.csrf))
                (secondary_button("Sign out everywhere"))
            }
        },
    ))
}

async fn sign_out_everywhere(
    state: web::Data<AppState>,
    Post(o, _form): Post<CurrentOfficer>,
) -> AppResult<HttpResponse> {
    let uid = o.user.id.clone();
    state
        .db(move |c| {
            sessions::end_all(c, &uid)?;
            audit::record(
                c,
                Some(&uid),
                "signed_out_everywhere",
                None,
                "officer request",
            )?;
            Ok(())
        })
        .await?;
    let mut resp = see_other("/officers/signed-out");
    super::remove_cookie(&mut resp, &state, SESSION_COOKIE);
    Ok(resp)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/sign-in", web::get().to(sign_in_form))
        .route("/officers/sign-in", web::post().to(sign_in))
        .route("/officers/two-factor", web::get().to(two_factor_form))
        .route("/officers/two-factor", web::post().to(two_factor))
        .route("/officers/sign-out", web::post().to(sign_out))
        .route("/officers/signed-out", web::get().to(signed_out))
        .route("/officers/account", web::get().to(account))
        .route(
            "/officers/sign-out-everywhere",
            web::post().to(sign_out_everywhere),
        );
}
