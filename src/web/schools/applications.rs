//! School staff follow an application for consent about one of their pupils (s.434A): where it
//! has got to, the decision notice served on the school's proprietor (s.434A(8)(c)), and after a
//! grant, a deletion return filled in from the application.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::clock::{fmt_date, today};
use crate::domain::consent::ApplicationStatus;
use crate::error::{AppError, AppResult};
use crate::store::consent::{self, Application};
use crate::store::served::{self, LogRow, ROLE_SCHOOL};
use crate::store::{audit, schools::School};
use crate::views::consent::{decision_notices, status_tag};
use crate::views::*;
use crate::web::auth::{school_of, CurrentOfficer, SchoolStaff};
use crate::web::forms::{date_strings, FormData};
use crate::web::{render, AppState, PageArgs};

/// The application, if it is about a pupil of the staff member's own school; anything else is
/// the same 404 as no application, and is audited.
pub(crate) async fn own_application(
    state: &AppState,
    o: &CurrentOfficer,
    id: String,
) -> AppResult<(School, Application, Vec<LogRow>)> {
    let school = school_of(state, o).await?;
    let uid = o.user.id.clone();
    state
        .db(move |c| match consent::find(c, &id)? {
            Some(a) if a.school_id == school.id => {
                audit::record(
                    c,
                    Some(&uid),
                    "school_view_application",
                    None,
                    &format!("application {}", a.reference),
                )?;
                let log = served::log_for(c, &a.id)?;
                Ok((school, a, log))
            }
            _ => {
                audit::record(
                    c,
                    Some(&uid),
                    "school_denied",
                    None,
                    &format!("application {id}"),
                )?;
                Err(AppError::NotFound)
            }
        })
        .await
}

/// When and where the notice went to the school.
fn sent_to_school(r: &LogRow) -> String {
    format!("Sent to {} on {}", r.sent_to, fmt_date(r.made_at.date()))
}

/// What the school does now, in words.
fn what_the_school_does(status: ApplicationStatus) -> &'static str {
    match status {
        ApplicationStatus::Received | ApplicationStatus::UnderAssessment => "Do not delete the pupil's name while the council decides. The pupil stays on roll: keep recording attendance.",
        ApplicationStatus::Granted => "The council has consented. The school may delete the pupil's name on ground (f) once the parent has told it in writing and the day they gave has passed. Send a deletion return no later than the day of deletion.",
        ApplicationStatus::Refused => "The council has refused consent. Do not delete the pupil's name: the pupil stays on roll and must keep attending.",
        ApplicationStatus::Withdrawn => "The application was withdrawn. Do not delete the pupil's name to home educate unless the council later consents.",
    }
}

async fn show(
    state: web::Data<AppState>,
    SchoolStaff(o): SchoolStaff,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let (school, a, log) = own_application(&state, &o, id).await?;
    let to_school: Vec<&LogRow> = log
        .iter()
        .filter(|r| r.recipient_role == ROLE_SCHOOL)
        .collect();
    let days = crate::domain::consent::days_open(
        a.received_on,
        a.decided_at.map(|t| t.date()).unwrap_or_else(today),
    );
    Ok(render(
        &state,
        PageArgs {
            title: "Application for consent",
            nav: Some(o.nav("school")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            (back_link("/schools/"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                span class="govuk-caption-l" { (school.name) ", " (a.reference) }
                h1 class="govuk-heading-l" { "Application for consent for " (a.child_name()) }
                p class="govuk-body" { (status_tag(a.status)) }
                div class="govuk-inset-text" { (what_the_school_does(a.status)) }
                dl class="govuk-summary-list" {
                    (summary_row("Pupil", html! { (a.child_name()) }, None))
                    (summary_row("Date of birth", html! { (fmt_date(a.date_of_birth)) }, None))
                    (summary_row("Parent", html! { (a.parent_name) }, None))
                    (summary_row("Applied", html! { @if a.applicant == "school" { "By the school, for the parent" } @else { "By the parent" } }, None))
                    (summary_row("Received", html! { (fmt_date(a.received_on)) }, None))
                    (summary_row(if a.decided_at.is_some() { "Days to a decision" } else { "Days open" }, html! { (days) }, None))
                    @if let Some(t) = a.decided_at { (summary_row("Decided", html! { (fmt_date(t.date())) }, None)) }
                }
                (decision_notices(&to_school.iter().map(|r| (r.id.clone(), sent_to_school(r))).collect::<Vec<_>>(), &format!("/schools/applications/{}", a.id), "Download the notice served on the school (PDF)"))
                @if a.status == ApplicationStatus::Granted {
                    a href={ "/schools/deletion?application=" (a.id) } role="button" draggable="false" class="govuk-button" data-module="govuk-button" { "Send a deletion return for this pupil" }
                }
            }}
        },
    ))
}

/// The decision notice as served on the school, and only that one.
async fn notice_pdf(
    state: web::Data<AppState>,
    SchoolStaff(o): SchoolStaff,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, doc) = path.into_inner();
    let (id, doc) = (crate::web::parse_id(&id)?, crate::web::parse_id(&doc)?);
    let (_, a, log) = own_application(&state, &o, id).await?;
    if !log
        .iter()
        .any(|r| r.id == doc && r.recipient_role == ROLE_SCHOOL)
    {
        return Err(AppError::NotFound);
    }
    let uid = o.user.id.clone();
    let d = state
        .db(move |c| {
            let d = served::find(c, &doc)?.ok_or(AppError::NotFound)?;
            audit::record(
                c,
                Some(&uid),
                "school_view_decision_notice",
                None,
                &format!("notice {} for application {}", d.id, a.reference),
            )?;
            Ok(d)
        })
        .await?;
    Ok(crate::web::pdf_download(&d.kind, d.pdf))
}

/// A deletion return filled in from a granted application: the pupil as the parent gave them,
/// the parent who applied and ground (f). The school checks it and adds the date.
pub(crate) fn deletion_from(a: &Application) -> FormData {
    let (d, m, y) = date_strings(Some(a.date_of_birth));
    let mut f = FormData::default();
    for (k, v) in [
        ("given_names", a.given_names.clone()),
        ("family_name", a.family_name.clone()),
        ("date_of_birth-day", d),
        ("date_of_birth-month", m),
        ("date_of_birth-year", y),
        ("sex", a.sex.clone()),
        ("upn", a.upn.clone().unwrap_or_default()),
        ("address_line_1", a.address_line_1.clone()),
        ("town", a.town.clone()),
        ("postcode", a.postcode.clone()),
        ("parent1_name", a.parent_name.clone()),
        ("parent1_address", a.parent_address.clone()),
        ("parent1_phone", a.parent_phone.clone().unwrap_or_default()),
        ("ground", "f".to_string()),
    ] {
        f.0.insert(k.to_string(), v);
    }
    f
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/schools/applications/{id}", web::get().to(show))
        .route(
            "/schools/applications/{id}/notices/{doc}",
            web::get().to(notice_pdf),
        );
}
