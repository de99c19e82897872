//! How a section 47 enquiry ended, where social care's data did not say: an officer records it,
//! so condition B (ss.434A(4), 436H(5), 436I(2), 436P(2)) is decided on facts, not guessed.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::clock::today;
use crate::domain::safeguarding::check_action_date;
use crate::error::AppResult;
use crate::services::social_care::{self as services, EnquiryOutcome};
use crate::store::children::Child;
use crate::store::social_care::Episode;
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

const OUTCOMES: &[(&str, &str)] = &[
    ("nfa", "It ended with no further action"),
    (
        "action",
        "The council decided to take action under section 47(8), such as a child protection plan",
    ),
];

fn page_args<'a>(o: &'a CurrentOfficer, errors: bool) -> PageArgs<'a> {
    PageArgs {
        title: "Record how a section 47 enquiry ended",
        nav: Some(o.nav("register")),
        csrf: &o.csrf,
        errors,
    }
}

/// The enquiries whose outcome nobody has recorded, each linking to its own question.
fn list_page(
    state: &AppState,
    o: &CurrentOfficer,
    child: &Child,
    enquiries: &[(Episode, String)],
) -> HttpResponse {
    let base = format!("/officers/children/{}", child.id);
    render(
        state,
        page_args(o, false),
        html! {
            (back_link(&format!("{base}#social-care")))
            span class="govuk-caption-l" { (child.given_names) " " (child.family_name) ", " (child.reference) }
            h1 class="govuk-heading-l" { "Section 47 enquiries with no known outcome" }
            (why_it_matters())
            @if enquiries.is_empty() {
                p class="govuk-body" { "Every enquiry on this child's linked records has a known outcome." }
            } @else {
                ul class="govuk-list" {
                    @for (e, source) in enquiries {
                        li { a class="govuk-link" href={ (base) "/enquiry-outcomes/" (e.id) } { (e.to_domain().describe()) } " (social care record " (source) ")" }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(base) { "Back to the record" } }
        },
    )
}

fn why_it_matters() -> maud::Markup {
    html! {
        p class="govuk-body" { "Social care's records say these enquiries ended but not how. An enquiry that ended with no further action does not make the child a relevant child. A decision to take action under section 47(8) does, for 5 years (s.434A(4)). Until you record it, the council treats the child as possibly relevant, and schools are told to wait." }
    }
}

/// One enquiry's question.
fn form_page(
    state: &AppState,
    o: &CurrentOfficer,
    child: &Child,
    enquiry: &(Episode, String),
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let base = format!("/officers/children/{}", child.id);
    let (e, source) = enquiry;
    let (day, month, year) = f.date_parts("action_date");
    render(
        state,
        page_args(o, !errors.is_empty()),
        html! {
            (back_link(&format!("{base}/enquiry-outcomes")))
            (error_summary(errors))
            span class="govuk-caption-l" { (child.given_names) " " (child.family_name) ", " (child.reference) }
            h1 class="govuk-heading-l" { "Record how a section 47 enquiry ended" }
            dl class="govuk-summary-list" {
                (summary_row("Enquiry", html! { (e.to_domain().describe()) }, None))
                (summary_row("Social care record", html! { (source) }, None))
            }
            (why_it_matters())
            p class="govuk-body" { "Ask the social care team if you do not know." }
            form method="post" novalidate {
                (csrf_field(&o.csrf))
                (radios("outcome", "How did it end?", OUTCOMES, f.get("outcome"), None, errors.get("outcome")))
                (date_input("action_date", "If action was decided, on what date?", (&day, &month, &year), Some("For example, 20 2 2024. Leave empty if it ended with no further action."), errors.get("action_date")))
                (textarea("reason", "How do you know?", f.get("reason"), Some("For example, who in the social care team told you, and when. This is kept on the child's record."), errors.get("reason")))
                (button("Save how it ended"))
            }
        },
    )
}

async fn list(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let (child, enquiries) = state
        .db(move |c| services::open_enquiries(c, &id, &uid))
        .await?;
    Ok(list_page(&state, &o, &child, &enquiries))
}

/// The child and the one enquiry asked about, or 404 when it is not one of theirs still open.
async fn load(
    state: &AppState,
    o: &CurrentOfficer,
    id: &str,
    episode: &str,
) -> AppResult<(Child, (Episode, String))> {
    let (uid, id) = (o.user.id.clone(), id.to_string());
    let (child, enquiries) = state
        .db(move |c| services::open_enquiries(c, &id, &uid))
        .await?;
    let this = enquiries
        .into_iter()
        .find(|(e, _)| e.id == episode)
        .ok_or(crate::error::AppError::NotFound)?;
    Ok((child, this))
}

async fn question(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, episode) = path.into_inner();
    let (id, episode) = (crate::web::parse_id(&id)?, crate::web::parse_id(&episode)?);
    let (child, enquiry) = load(&state, &o, &id, &episode).await?;
    Ok(form_page(
        &state,
        &o,
        &child,
        &enquiry,
        &FormData::default(),
        &Errors::default(),
    ))
}

/// The outcome the form gives, or None with the errors said.
fn read_outcome(f: &FormData, e: &Episode, errors: &mut Errors) -> Option<EnquiryOutcome> {
    let outcome = choice(
        f,
        "outcome",
        OUTCOMES,
        "Select how the enquiry ended",
        errors,
    );
    let action = outcome == "action";
    let date = parse_date(f, "action_date", "the date of the decision", action, errors);
    match (action, date) {
        (true, Some(d)) => match check_action_date(&e.to_domain(), d, today()) {
            Ok(()) => Some(EnquiryOutcome::Action(d)),
            Err(why) => {
                errors.add("action_date", why);
                None
            }
        },
        (false, _) if outcome == "nfa" => Some(EnquiryOutcome::NoFurtherAction),
        _ => None,
    }
}

async fn record(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, episode) = path.into_inner();
    let (id, episode) = (crate::web::parse_id(&id)?, crate::web::parse_id(&episode)?);
    let f = form.into_inner();
    let (child, enquiry) = load(&state, &o, &id, &episode).await?;
    let mut errors = Errors::default();
    let outcome = read_outcome(&f, &enquiry.0, &mut errors);
    let reason = text(&f, "reason", "how you know", 2000, &mut errors);
    let Some(outcome) = outcome.filter(|_| errors.is_empty()) else {
        return Ok(form_page(&state, &o, &child, &enquiry, &f, &errors));
    };
    let uid = o.user.id.clone();
    let st = state.clone();
    let child_id = id.clone();
    state
        .db(move |c| {
            let recorded = services::Recorded {
                episode_id: &episode,
                outcome,
                reason: &reason,
            };
            services::record_enquiry_outcome(
                c,
                &child_id,
                &uid,
                recorded,
                st.team_alert().as_ref(),
                today(),
                &st.config.commencement(),
            )
        })
        .await?;
    Ok(see_other(&format!("/officers/children/{id}?done=enquiry")))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/officers/children/{id}/enquiry-outcomes",
        web::get().to(list),
    )
    .route(
        "/officers/children/{id}/enquiry-outcomes/{episode}",
        web::get().to(question),
    )
    .route(
        "/officers/children/{id}/enquiry-outcomes/{episode}",
        web::post().to(record),
    );
}
