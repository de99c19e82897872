//! A parent's side of school attendance (ss.436H–436Q; ss.437–443): each notice served on them,
//! as served, with its dates and what they can do, and their answer to a preliminary notice,
//! which lands on the case for the officer.
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::domain::register::label;
use crate::error::{AppError, AppResult};
use crate::store::attendance::{self as cases, ParentCase, DOCUMENTS};
use crate::store::tasks::{self, TaskKind};
use crate::store::{audit, parent_access};
use crate::views::*;
use crate::web::forms::{CsrfForm, FormData, OnceToken};
use crate::web::parents::session::{page, parent_email};
use crate::web::{csrf_for, see_other, AppState};

/// The longest answer kept: about ten pages of typing.
const MAX_RESPONSE: usize = 20_000;

/// The cases on the parent's child page, or nothing when no notice was served on them.
pub fn section(child_id: &str, cases: &[ParentCase]) -> Markup {
    html! {
        @for pc in cases {
            h2 class="govuk-heading-m" { "School attendance: " (pc.case.reference) }
            @if pc.case.closed_on.is_some() {
                p class="govuk-body" { "The council has closed this case." }
            }
            ul class="govuk-list" {
                @for n in &pc.notices {
                    li {
                        a class="govuk-link" href={ "/parents/children/" (child_id) "/notices/" (n.id) } { (label(DOCUMENTS, &n.kind)) " (PDF)" }
                        br;
                        span class="govuk-body-s" { (crate::web::parents::applications::notice_sent_words(n)) }
                    }
                }
            }
            @if let (true, Some(end)) = (pc.may_respond(), &pc.response_end) {
                div class="govuk-inset-text" {
                    "The council asks you to show that your child is getting a suitable education. You have until " strong { (fmt_date(end.on)) } " to reply. If you do not, the council may go on to serve a school attendance order."
                }
            }
            @for r in &pc.responses {
                p class="govuk-body" { "You sent your response on " (fmt_date(r.on_date)) ". The council is considering it." }
            }
            @if pc.may_respond() {
                p class="govuk-body" { a class="govuk-link govuk-!-font-weight-bold" href={ "/parents/children/" (child_id) "/attendance/" (pc.case.id) "/respond" } { "Respond to the preliminary notice" } }
            }
        }
    }
}

/// The child's cases as this parent sees them, or a 404 (audited) for anyone else's child.
async fn own(state: &AppState, email: String, child_id: String) -> AppResult<Vec<ParentCase>> {
    state
        .db(move |c| {
            let actor = parent_access::actor(&email);
            if !parent_access::children_of(c, &email)?.contains(&child_id) {
                audit::record(c, None, "parent_denied", Some(&child_id), &actor)?;
                return Err(AppError::NotFound);
            }
            Ok(cases::for_parent(c, &child_id, &email)?)
        })
        .await
}

/// A notice exactly as it was served on this parent.
async fn notice_pdf(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let email = parent_email(&req, &state).await?;
    let (child, doc) = path.into_inner();
    let (child, doc) = (crate::web::parse_id(&child)?, crate::web::parse_id(&doc)?);
    let mine = own(&state, email.clone(), child.clone()).await?;
    if !mine.iter().any(|pc| pc.notices.iter().any(|n| n.id == doc)) {
        return Err(AppError::NotFound);
    }
    let d = state
        .db(move |c| {
            let d = crate::store::served::find(c, &doc)?.ok_or(AppError::NotFound)?;
            let who = parent_access::actor(&email);
            let purpose = format!("notice {} by {who}", d.id);
            audit::record(c, None, "parent_view_notice", Some(&child), &purpose)?;
            Ok(d)
        })
        .await?;
    Ok(crate::web::pdf_download(&d.kind, d.pdf))
}

fn respond_page(
    state: &AppState,
    req: &HttpRequest,
    child_id: &str,
    pc: &ParentCase,
    typed: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let csrf = csrf_for(req, state);
    let action = format!(
        "/parents/children/{child_id}/attendance/{}/respond",
        pc.case.id
    );
    page(
        state,
        req,
        "Respond to the preliminary notice",
        errors,
        html! {
            (back_link(&format!("/parents/children/{child_id}")))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                span class="govuk-caption-l" { (pc.case.reference) }
                h1 class="govuk-heading-l" { "Respond to the preliminary notice" }
                @if let Some(end) = &pc.response_end {
                    p class="govuk-body" { "Please send this by " strong { (fmt_date(end.on)) } "." }
                }
                p class="govuk-body" { "Tell the council how your child is being educated. An officer reads everything you send before the council decides what to do next." }
                form method="post" action=(action) novalidate {
                    (csrf_field(&csrf))
                    (OnceToken::for_form(typed).field())
                    (textarea("response", "How is your child being educated?", typed.get("response"), Some("For example: who teaches them and when, what they are learning in each subject, how you plan and check their progress, and any examples of their work you can describe. You can also send work samples to the home education team, quoting the reference above."), errors.get("response")))
                    (button("Send your response"))
                }
            }}
        },
    )
}

async fn find_case(
    state: &AppState,
    email: String,
    child_id: &str,
    case_id: &str,
) -> AppResult<ParentCase> {
    own(state, email, child_id.to_string())
        .await?
        .into_iter()
        .find(|pc| pc.case.id == case_id && pc.may_respond())
        .ok_or(AppError::NotFound)
}

async fn respond_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let email = parent_email(&req, &state).await?;
    let (child, case) = path.into_inner();
    let (child, case) = (crate::web::parse_id(&child)?, crate::web::parse_id(&case)?);
    let pc = find_case(&state, email, &child, &case).await?;
    Ok(respond_page(
        &state,
        &req,
        &child,
        &pc,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn respond(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm,
) -> AppResult<HttpResponse> {
    let email = parent_email(&req, &state).await?;
    let (child, case) = path.into_inner();
    let (child, case) = (crate::web::parse_id(&child)?, crate::web::parse_id(&case)?);
    let pc = find_case(&state, email.clone(), &child, &case).await?;
    let text = form.get("response").trim().to_string();
    let mut errors = Errors::default();
    if text.is_empty() {
        errors.add(
            "response",
            "Tell the council how your child is being educated",
        );
    } else if text.chars().count() > MAX_RESPONSE {
        errors.add(
            "response",
            format!("Your response must be {MAX_RESPONSE} characters or fewer. Send anything longer to the home education team by email"),
        );
    }
    if !errors.is_empty() {
        return Ok(respond_page(&state, &req, &child, &pc, &form, &errors));
    }
    let st = state.clone();
    let to = format!("/parents/children/{child}?done=response");
    let due = pc.response_end.as_ref().map(|d| d.on).unwrap_or(today());
    let token = OnceToken::posted(&form);
    let actor = parent_access::actor(&email);
    // Sent once however often it is posted: a second press goes where the first went.
    let to = state
        .db(move |c| {
            crate::services::once(c, token.as_ref(), &actor, |c| {
                let details = format!("Sent online by the parent:\n{text}");
                cases::record_event(c, &case, cases::PARENT_RESPONSE, today(), &details, None)?;
                let alert = st.team_alert();
                tasks::create(
                    c,
                    alert.as_ref(),
                    Some(&child),
                    TaskKind::AttendanceResponse,
                    "A parent sent a response to the preliminary notice online: read it on the case and decide whether they have shown suitable education (s.436I; s.437(3))",
                    Some(&case),
                    Some(due),
                )
                .map_err(|e| AppError::Internal(e.to_string()))?;
                let who = parent_access::actor(&email);
                let purpose = format!("case {} by {who}", pc.case.reference);
                audit::record(c, None, "parent_attendance_response", Some(&child), &purpose)?;
                Ok(to)
            })
        })
        .await?;
    Ok(see_other(&to))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/parents/children/{id}/notices/{doc}",
        web::get().to(notice_pdf),
    )
    .route(
        "/parents/children/{id}/attendance/{case}/respond",
        web::get().to(respond_form),
    )
    .route(
        "/parents/children/{id}/attendance/{case}/respond",
        web::post().to(respond),
    );
}
