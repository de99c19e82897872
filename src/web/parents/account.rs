//! The parents' side, under /parents/: sign in with a code emailed to them (no passwords), then see
//! only the children on whose record they are a parent with that address.
use crate::web::forms::CsrfForm;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use crate::clock::fmt_date;
use crate::domain::register::{label, ARRANGEMENTS};
use crate::error::{AppError, AppResult};
use crate::store::parent_access::{self, CodeCheck, CodeIssued};
use crate::store::{audit, children};
use crate::views::*;
use crate::web::parents::session::{page, parent_email, NEXT_COOKIE, PARENT_SESSION};
use crate::web::{cookie, csrf_for, see_other, AppState};

const PENDING_CODE: &str = "cnis_parent_code";

async fn start(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let everywhere = req.query_string() == "signed_out=everywhere";
    page(
        &state,
        &req,
        "Children not in school: parents",
        &Errors::default(),
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                @if everywhere { (success_banner("You have been signed out on every device")) }
                h1 class="govuk-heading-l" { "Children educated otherwise than at school" }
                p class="govuk-body" { "If your child lives in " (state.config.council_name) "'s area, is of compulsory school age and is not in school full time, the law asks the council to keep their details on a register (Education Act 1996, section 436B)." }
                p class="govuk-body" { "Use this service to:" }
                ul class="govuk-list govuk-list--bullet" {
                    li { "tell the council that your child is being educated otherwise than at school" }
                    li { "tell the council about a change of address, parents or who educates your child" }
                    li { "answer the council's requests for information" }
                    li { "ask for advice and support, including access to exams" }
                    li { "apply for the council's consent to home educate a child who needs it (section 434A)" }
                }
                p class="govuk-body" { "First, we will email you a 6-digit code to prove your email address. You do not need an account or a password." }
                a href="/parents/sign-in" role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button" { "Start now" }
            }}
        },
    )
}

fn email_page(
    state: &AppState,
    req: &HttpRequest,
    email: &str,
    errors: &Errors,
    timed_out: bool,
) -> HttpResponse {
    let csrf = csrf_for(req, state);
    page(
        state,
        req,
        "What is your email address?",
        errors,
        html! {
            (back_link("/parents/"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                @if timed_out {
                    div class="govuk-notification-banner" role="region" aria-labelledby="timeout-title" data-module="govuk-notification-banner" {
                        div class="govuk-notification-banner__header" { h2 class="govuk-notification-banner__title" id="timeout-title" { "Important" } }
                        div class="govuk-notification-banner__content" {
                            p class="govuk-notification-banner__heading" { "You were signed out because you had not done anything for " (state.config.idle_timeout_minutes) " minutes. We have kept what you typed. Sign in again to carry on." }
                        }
                    }
                }
                form method="post" action="/parents/sign-in" novalidate {
                    (csrf_field(&csrf))
                    h1 class="govuk-heading-l" { label for="email" { "What is your email address?" } }
                    (Input::new("email", "Email address", email).kind("email").autocomplete("email").no_spellcheck().hint("We will send a 6-digit code to this address").error(errors.get("email")).render())
                    (button("Continue"))
                }
            }}
        },
    )
}

async fn email_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> HttpResponse {
    let timed_out = q.get("timeout").is_some_and(|t| t == "kept");
    email_page(&state, &req, "", &Errors::default(), timed_out)
}

async fn send_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm,
) -> AppResult<HttpResponse> {
    crate::web::guard_sign_in_rate(&req, &state)?;
    let mut errors = Errors::default();
    let typed = form.get("email").to_string();
    let email = crate::web::forms::email(&form, "email", &mut errors);
    if typed.is_empty() {
        errors.add("email", "Enter your email address");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Ok(email_page(&state, &req, &typed, &errors, false));
    };
    let council = state.config.council_name.clone();
    let st = state.clone();
    let issued = state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                // Counted before the code is made, so parallel requests each count.
                let per_account = st.config.sign_in_per_account;
                let key = &st.config.secret_key;
                if !crate::store::sign_in_attempts::attempt(c, key, "parent", &email, per_account)?
                {
                    return Ok(CodeIssued::TooMany);
                }
                let issued = parent_access::issue_code(c, &email)?;
                if let CodeIssued::Issued(_, code) = &issued {
                    // The code goes through the outbox, in the same transaction.
                    crate::mail::enqueue(
                        c,
                        &st.templates,
                        crate::mail::SIGN_IN_CODE,
                        &email,
                        &[("code", code), ("council_name", &council)],
                        None,
                    )?;
                    audit::record(
                        c,
                        None,
                        "parent_code_sent",
                        None,
                        &parent_access::actor(&email),
                    )?;
                }
                Ok(issued)
            })
        })
        .await?;
    match issued {
        CodeIssued::Issued(id, _) => {
            let mut resp = see_other("/parents/check-email");
            let _ = resp.add_cookie(&cookie(&state, PENDING_CODE, id));
            Ok(resp)
        }
        CodeIssued::TooMany => {
            errors.add("email", format!("We have sent {} codes to this address in the last {} minutes. Use the latest code, or wait and try again.", parent_access::MAX_CODES_PER_WINDOW, parent_access::CODE_MINUTES));
            Ok(email_page(&state, &req, &typed, &errors, false))
        }
    }
}

async fn code_page(state: &AppState, req: &HttpRequest, errors: &Errors) -> HttpResponse {
    let csrf = csrf_for(req, state);
    // Which address the code went to, partly hidden, so a parent who typed it wrong can tell.
    let sent_to = match crate::web::read_cookie(req, state, PENDING_CODE) {
        Some(id) => state
            .db(move |c| Ok(parent_access::code_email(c, &id)?))
            .await
            .ok()
            .flatten()
            .map(|e| crate::domain::parents::masked_email(&e)),
        None => None,
    };
    page(
        state,
        req,
        "Check your email",
        errors,
        html! {
            (back_link("/parents/sign-in"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Check your email" }
                p class="govuk-body" {
                    @if let Some(to) = &sent_to { "We have sent a 6-digit code to " strong { (to) } ". " }
                    @else { "We have sent you a 6-digit code. " }
                    "It works once, for " (parent_access::CODE_MINUTES) " minutes."
                }
                form method="post" action="/parents/check-email" novalidate {
                    (csrf_field(&csrf))
                    (Input::new("code", "Code", "").width("5").autocomplete("one-time-code").error(errors.get("code")).render())
                    (button("Continue"))
                }
                p class="govuk-body" { a class="govuk-link" href="/parents/sign-in" { "Not received an email, or used the wrong address? Send a new code" } }
            }}
        },
    )
}

async fn code_form(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if crate::web::read_cookie(&req, &state, PENDING_CODE).is_none() {
        return see_other("/parents/sign-in");
    }
    code_page(&state, &req, &Errors::default()).await
}

async fn check_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm,
) -> AppResult<HttpResponse> {
    crate::web::guard_sign_in_rate(&req, &state)?;
    let Some(code_id) = crate::web::read_cookie(&req, &state, PENDING_CODE) else {
        return Ok(see_other("/parents/sign-in"));
    };
    let code = form.get("code").to_string();
    let mut errors = Errors::default();
    if code.is_empty() {
        errors.add("code", "Enter the 6-digit code from the email");
        return Ok(code_page(&state, &req, &errors).await);
    }
    let checked = state
        .db(move |c| Ok(parent_access::check_code(c, &code_id, &code)?))
        .await?;
    match checked {
        CodeCheck::SignedIn(email, token) => {
            let actor = parent_access::actor(&email);
            let resumed = state
                .db(move |c| {
                    audit::record(c, None, "parent_signed_in", None, &actor)?;
                    crate::web::parents::notify::answers::resume_after_sign_in(c, &email)
                })
                .await?;
            let next = crate::web::read_cookie(&req, &state, NEXT_COOKIE);
            let to = match (resumed, next.as_deref()) {
                (Some(path), _) => path,
                (None, Some("notify")) => "/parents/notify".into(),
                (None, Some("apply")) => "/parents/apply".into(),
                (None, _) => "/parents/children".into(),
            };
            let mut resp = see_other(&to);
            crate::web::remove_cookie(&mut resp, &state, NEXT_COOKIE);
            let _ = resp.add_cookie(&cookie(&state, PARENT_SESSION, token));
            crate::web::remove_cookie(&mut resp, &state, PENDING_CODE);
            Ok(resp)
        }
        CodeCheck::Wrong => {
            errors.add(
                "code",
                "The code is not right. Check the email and enter the 6 digits",
            );
            Ok(code_page(&state, &req, &errors).await)
        }
        CodeCheck::Expired => {
            errors.add(
                "code",
                "That code has expired or was used already. Send a new code",
            );
            Ok(code_page(&state, &req, &errors).await)
        }
        CodeCheck::TooManyAttempts => {
            errors.add("code", "Too many wrong codes. Send a new code");
            Ok(code_page(&state, &req, &errors).await)
        }
    }
}

async fn my_children(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let email = parent_email(&req, &state).await?;
    let rows = state
        .db(move |c| {
            let ids = parent_access::children_of(c, &email)?;
            let claims = crate::store::parent_claims::for_email(c, &email)?;
            let mut rows = vec![];
            for id in &ids {
                if let Some(ch) = children::find(c, id)? {
                    audit::record(
                        c,
                        None,
                        "parent_list_children",
                        Some(id),
                        &parent_access::actor(&email),
                    )?;
                    rows.push(ch);
                }
            }
            Ok((rows, claims))
        })
        .await?;
    let (rows, claims) = rows;
    let csrf = csrf_for(&req, &state);
    Ok(page(
        &state,
        &req,
        "Your children",
        &Errors::default(),
        html! {
            h1 class="govuk-heading-l" { "Your children" }
            @if rows.is_empty() && claims.is_empty() {
                p class="govuk-body" { "The council's register has no child with you as a parent at this email address." }
            } @else {
                ul class="govuk-list" {
                    @for ch in &rows {
                        li { a class="govuk-link" href={ "/parents/children/" (ch.id) } { (ch.given_names) " " (ch.family_name) } " (born " (crate::clock::fmt_date_or_not_known(ch.date_of_birth)) ")" }
                    }
                }
            }
            @if !claims.is_empty() {
                h2 class="govuk-heading-m" { "Waiting for the council to check" }
                p class="govuk-body" { "The council already had these children on its register. Before it shows you a child's record or sends you its letters, an officer checks that you are the child's parent. They may contact you." }
                ul class="govuk-list" {
                    @for c in &claims {
                        li { (c.child_given_names) " " (c.child_family_name) " (born " (fmt_date(c.child_date_of_birth)) "), you told us on " (crate::clock::fmt_day(c.created_at)) ": "
                            @match c.status {
                                crate::domain::parents::ClaimStatus::Rejected => "the council could not confirm that you are a parent; contact the home education team",
                                _ => "the council is checking",
                            }
                        }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link govuk-!-font-weight-bold" href="/parents/notify" { "Tell the council about a child who is not in school" } }
            p class="govuk-body" { a class="govuk-link" href="/parents/applications" { "Apply for consent to home educate, or follow an application" } }
            p class="govuk-body" { a class="govuk-link" href="/parents/email-consent" { "Choose whether to get documents by email" } }
            div class="govuk-button-group" {
                form method="post" action="/parents/sign-out" {
                    (csrf_field(&csrf))
                    (secondary_button("Sign out"))
                }
                form method="post" action="/parents/sign-out-everywhere" {
                    (csrf_field(&csrf))
                    (secondary_button("Sign out on every device"))
                }
            }
        },
    ))
}

async fn my_child(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let email = parent_email(&req, &state).await?;
    let id = crate::web::parse_id(&path.into_inner())?;
    let rec = state
        .db(move |c| {
            let actor = parent_access::actor(&email);
            if !parent_access::children_of(c, &email)?.contains(&id) {
                // Another family's child, or no child: the same 404, and the attempt is audited.
                audit::record(c, None, "parent_denied", Some(&id), &actor)?;
                return Err(AppError::NotFound);
            }
            audit::record(c, None, "parent_view_record", Some(&id), &actor)?;
            let rec = children::load_record(c, &id)?.ok_or(AppError::NotFound)?;
            let open = crate::store::information_requests::open_for_child(c, &id)?;
            let attendance = crate::store::attendance::for_parent(c, &id, &email)?;
            let told = crate::store::parent_reports::sent_by(c, &id, &email)?;
            Ok((rec, open, attendance, told))
        })
        .await?;
    let (rec, open, attendance, told) = rec;
    let ch = &rec.child;
    Ok(page(
        &state,
        &req,
        "Your child's details",
        &Errors::default(),
        html! {
            (back_link("/parents/children"))
            @match q.get("done").map(String::as_str) {
                Some("sent") => (success_banner("Thank you. The council has what you sent.")),
                Some("response") => (success_banner("Thank you. The council has your response to the preliminary notice. An officer will read it and tell you what happens next.")),
                _ => {}
            }
            span class="govuk-caption-l" { (ch.reference) }
            h1 class="govuk-heading-l" { (ch.given_names) " " (ch.family_name) }
            p class="govuk-body" { "This is what the council's register holds. To correct anything, contact the home education team and quote the reference above." }
            dl class="govuk-summary-list" {
                (summary_row("Date of birth", html! { (crate::clock::fmt_date_or_not_known(ch.date_of_birth)) }, None))
                (summary_row("How your child is educated", html! { (label(ARRANGEMENTS, &ch.arrangement)) }, None))
                @for a in &rec.addresses { (summary_row(a.kind.label(), html! { (a.one_line()) }, None)) }
                @for p in &rec.parents { (summary_row("Parent", html! { (p.given_names) " " (p.family_name) }, None)) }
                @for p in &rec.providers { (summary_row("Other education", html! { (p.name) ", about " (p.hours_per_week) " hours a week" }, None)) }
            }
            (crate::web::parents::attendance::section(&ch.id, &attendance))
            (crate::web::parents::reports::told_us(&ch.id, &told))
            (crate::web::parents::reports::actions(ch, open.as_ref()))
        },
    ))
}

fn consent_page(
    state: &AppState,
    req: &HttpRequest,
    decisions: &[(String, bool, chrono::NaiveDateTime)],
    saved: bool,
) -> HttpResponse {
    let csrf = csrf_for(req, state);
    page(
        state,
        req,
        "Getting documents by email",
        &Errors::default(),
        html! {
            (back_link("/parents/children"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                @if saved { (success_banner("Your choices are saved")) }
                h1 class="govuk-heading-l" { "Getting documents by email" }
                p class="govuk-body" { "The law says the council must send formal documents by post unless you agree in writing to get them by email (Education Act 1996, section 572). You can agree for some kinds and not others, and change your mind at any time." }
                form method="post" action="/parents/email-consent" novalidate {
                    (csrf_field(&csrf))
                    div class="govuk-form-group" {
                        fieldset class="govuk-fieldset" aria-describedby="kinds-hint" {
                            legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { "Which documents do you agree to get by email?" }
                            div id="kinds-hint" class="govuk-hint" { "Select all that apply. Anything you do not select comes by post." }
                            div class="govuk-checkboxes" data-module="govuk-checkboxes" {
                                @for (kind, text) in crate::domain::service::DOCUMENT_KINDS {
                                    @let now_in_force = parent_access::consent_in_force(decisions, kind);
                                    div class="govuk-checkboxes__item" {
                                        input class="govuk-checkboxes__input" id=(kind) name=(kind) type="checkbox" value="yes" checked[now_in_force.is_some_and(|(c, _)| c)] aria-describedby={ (kind) "-item-hint" };
                                        label class="govuk-label govuk-checkboxes__label" for=(kind) { (text) }
                                        div id={ (kind) "-item-hint" } class="govuk-hint govuk-checkboxes__hint" {
                                            @match now_in_force {
                                                Some((true, at)) => { "You agreed on " (fmt_date(at.date())) }
                                                Some((false, at)) => { "You withdrew your agreement on " (fmt_date(at.date())) }
                                                None => { "By post" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    (button("Save my choices"))
                }
            }}
        },
    )
}

async fn consent_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let email = parent_email(&req, &state).await?;
    let decisions = state
        .db(move |c| Ok(parent_access::consent_decisions(c, &email)?))
        .await?;
    Ok(consent_page(
        &state,
        &req,
        &decisions,
        q.get("done").is_some_and(|d| d == "saved"),
    ))
}

async fn save_consent(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm,
) -> AppResult<HttpResponse> {
    let email = parent_email(&req, &state).await?;
    let wanted: Vec<(&'static str, bool)> = crate::domain::service::DOCUMENT_KINDS
        .iter()
        .map(|(k, _)| (*k, form.checked(k)))
        .collect();
    state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                let decisions = parent_access::consent_decisions(c, &email)?;
                for (kind, want) in wanted {
                    let current = parent_access::consent_in_force(&decisions, kind)
                        .is_some_and(|(given, _)| given);
                    // Only a change is a new decision, so the dates shown stay the dates decided.
                    if current != want {
                        parent_access::record_consent(c, &email, kind, want)?;
                        let action = if want {
                            "email_service_consent_given"
                        } else {
                            "email_service_consent_withdrawn"
                        };
                        audit::record(
                            c,
                            None,
                            action,
                            None,
                            &format!("{} {kind}", parent_access::actor(&email)),
                        )?;
                    }
                }
                Ok(())
            })
        })
        .await?;
    Ok(see_other("/parents/email-consent?done=saved"))
}

async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    _form: CsrfForm,
) -> AppResult<HttpResponse> {
    if let Some(token) = crate::web::read_cookie(&req, &state, PARENT_SESSION) {
        state
            .db(move |c| Ok(parent_access::end_session(c, &token)?))
            .await?;
    }
    let mut resp = see_other("/parents/");
    crate::web::remove_cookie(&mut resp, &state, PARENT_SESSION);
    Ok(resp)
}

/// Ends every session this parent has, on every device (a lost phone, a shared computer).
async fn sign_out_everywhere(
    req: HttpRequest,
    state: web::Data<AppState>,
    _form: CsrfForm,
) -> AppResult<HttpResponse> {
    use crate::web::parents::session::{parent_session, ParentSession};
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(see_other("/parents/sign-in"));
    };
    {
        state
            .db(move |c| {
                let n = parent_access::end_every_session(c, &email)?;
                audit::record(
                    c,
                    None,
                    "parent_signed_out_everywhere",
                    None,
                    &format!("{} ({n} sessions)", parent_access::actor(&email)),
                )?;
                Ok(())
            })
            .await?;
    }
    let mut resp = see_other("/parents/?signed_out=everywhere");
    crate::web::remove_cookie(&mut resp, &state, PARENT_SESSION);
    Ok(resp)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/parents/", web::get().to(start))
        .route(
            "/parents",
            web::get().to(|| async { see_other("/parents/") }),
        )
        .route("/parents/sign-in", web::get().to(email_form))
        .route("/parents/sign-in", web::post().to(send_code))
        .route("/parents/check-email", web::get().to(code_form))
        .route("/parents/check-email", web::post().to(check_code))
        .route("/parents/children", web::get().to(my_children))
        .route("/parents/children/{id}", web::get().to(my_child))
        .route("/parents/email-consent", web::get().to(consent_form))
        .route("/parents/email-consent", web::post().to(save_consent))
        .route("/parents/sign-out", web::post().to(sign_out))
        .route(
            "/parents/sign-out-everywhere",
            web::post().to(sign_out_everywhere),
        );
}
