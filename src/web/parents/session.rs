//! A parent's signed-in session (a code sent by email, no password) and the page frame of the
//! parents' pages. Shared by the parents' pages, their reports and the notification flow.
use actix_web::{HttpRequest, HttpResponse};

use crate::error::{AppError, AppResult};
use crate::store::parent_access;
use crate::views::Audience;
use crate::views::Errors;
use crate::web::{csrf_for, render_for, AppState, PageArgs};

pub(super) const PARENT_SESSION: &str = "cnis_parent";
/// Where to go after signing in, when it was not the children's page (a fixed word, never a URL).
pub(super) const NEXT_COOKIE: &str = "cnis_parent_next";

pub(super) fn page(
    state: &AppState,
    req: &HttpRequest,
    title: &str,
    errors: &Errors,
    content: maud::Markup,
) -> HttpResponse {
    let csrf = csrf_for(req, state);
    render_for(
        state,
        PageArgs {
            title,
            nav: None,
            csrf: &csrf,
            errors: !errors.is_empty(),
        },
        Audience::Parents,
        content,
    )
}

pub(super) enum ParentSession {
    Live(String),
    /// Signed out for being idle just now; what they post can still be kept for them.
    Lapsed(String),
    None,
}

pub(super) async fn parent_session(
    req: &HttpRequest,
    state: &AppState,
) -> AppResult<ParentSession> {
    let Some(token) = crate::web::read_cookie(req, state, PARENT_SESSION) else {
        return Ok(ParentSession::None);
    };
    let (idle, max) = (
        state.config.idle_timeout_minutes,
        state.config.session_max_hours,
    );
    Ok(
        match state
            .db(move |c| Ok(parent_access::session_state(c, &token, idle, max)?))
            .await?
        {
            parent_access::SessionState::Live(e) => ParentSession::Live(e),
            parent_access::SessionState::Lapsed(e) => ParentSession::Lapsed(e),
            parent_access::SessionState::None => ParentSession::None,
        },
    )
}

/// The signed-in parent's email, or a redirect to sign in.
pub(super) async fn parent_email(req: &HttpRequest, state: &AppState) -> AppResult<String> {
    let Some(token) = crate::web::read_cookie(req, state, PARENT_SESSION) else {
        return Err(AppError::Redirect("/parents/sign-in".into()));
    };
    let (idle, max) = (
        state.config.idle_timeout_minutes,
        state.config.session_max_hours,
    );
    state
        .db(move |c| Ok(parent_access::session_email(c, &token, idle, max)?))
        .await?
        .ok_or_else(|| AppError::Redirect("/parents/sign-in".into()))
}
