//! Applying for consent to home educate (EA 1996 s.434A): a parent at /parents/apply, or a school
//! on the parent's behalf and with their agreement at /schools/apply (s.434A(7)). The parent
//! follows the application at /parents/applications/{id}, at every step.
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use crate::clock::fmt_date;
use crate::domain::consent::ApplicationStatus;
use crate::error::{AppError, AppResult};
use crate::store::consent::{self, Application, OtherParent};
use crate::store::schools::School;
use crate::store::{audit, parent_access};
use crate::views::consent::{decision_notices, status_tag};
use crate::views::*;
use crate::web::auth::SchoolStaff;
use crate::web::forms::*;
use crate::web::parents::session::{page, parent_session, ParentSession};
use crate::web::schools::notices::{parse_pupil, pupil_fields};
use crate::web::{csrf_for, render, see_other, AppState, PageArgs};

/// Who is applying: a parent (signed in with their email) or a school.
pub(super) enum Applicant<'a> {
    Parent(&'a str),
    School(&'a School),
}

pub(super) fn school_choices(schools: &[School]) -> Vec<(String, String)> {
    schools
        .iter()
        .map(|s| (s.id.clone(), format!("{} (URN {})", s.name, s.urn)))
        .collect()
}

/// The school's application on a parent's behalf (s.434A(7)): one form, for staff who know the
/// pupil's details. A parent answers the same questions one per page (`apply`).
fn school_form_body(csrf: &str, school: &School, form: &FormData, errors: &Errors) -> maud::Markup {
    html! {
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Apply for consent on a parent's behalf" }
            p class="govuk-body" { "A school may apply for the council's consent for a parent, when the parent asks it to and agrees (Education Act 1996, section 434A(7)). Consent is needed only for a pupil the council placed at a special school, or who is or was recently the subject of child protection enquiries. The council must decide without undue delay, and must consent unless it considers that school is in the pupil's best interests or that suitable arrangements have not been made." }
            form method="post" action="/schools/apply" novalidate {
                (csrf_field(csrf))
                (OnceToken::for_form(form).field())
                h2 class="govuk-heading-m" { "The pupil" }
                (pupil_fields(form, errors, "Pupil's"))
                p class="govuk-body" { "School: " strong { (school.name) } }
                h2 class="govuk-heading-m" { "The parent the school is applying for" }
                (Input::new("parent_name", "Full name", form.get("parent_name")).autocomplete("off").error(errors.get("parent_name")).render())
                (Input::new("parent_email", "Parent's email address", form.get("parent_email")).kind("email").autocomplete("off").no_spellcheck().hint("The parent signs in with this address to follow the application").error(errors.get("parent_email")).render())
                (Input::new("parent_phone", "Telephone number (optional)", form.get("parent_phone")).kind("tel").autocomplete("off").width("20").error(errors.get("parent_phone")).render())
                (Input::new("parent_address", "Postal address for the council's decision", form.get("parent_address")).autocomplete("off").error(errors.get("parent_address")).render())
                h2 class="govuk-heading-m" { "The pupil's other parent" }
                p class="govuk-body" { "The council must send its decision to every parent whose contact details it knows. Leave this blank if there is no other parent or the school does not know their details." }
                (Input::new("other_name", "Full name", form.get("other_name")).autocomplete("off").error(errors.get("other_name")).render())
                (Input::new("other_address", "Postal address", form.get("other_address")).autocomplete("off").error(errors.get("other_address")).render())
                (Input::new("other_email", "Email address", form.get("other_email")).kind("email").autocomplete("off").no_spellcheck().error(errors.get("other_email")).render())
                h2 class="govuk-heading-m" { "The education the parent plans" }
                (Input::new("educated_by", "Who will educate the pupil?", form.get("educated_by")).hint("For example, both parents, with a maths tutor twice a week").error(errors.get("educated_by")).render())
                (textarea("education_plan", "How will the pupil be educated?", form.get("education_plan"), Some("What they will learn and how: subjects, approach, a typical week"), errors.get("education_plan")))
                (Input::new("hours_per_week", "Hours of education a week", form.get("hours_per_week")).width("4").hint("About how many, for example 20").error(errors.get("hours_per_week")).render())
                (textarea("resources", "What resources will the parent use?", form.get("resources"), Some("Books, courses, online learning, clubs, libraries"), errors.get("resources")))
                h2 class="govuk-heading-m" { "Reasons and needs" }
                (textarea("reasons", "Why does the parent want to educate the pupil at home?", form.get("reasons"), None, errors.get("reasons")))
                (textarea("needs", "The pupil's needs", form.get("needs"), Some("Including any special educational needs or health needs, and how they will be met. Write 'none' if there are none."), errors.get("needs")))
                (checkbox("parent_agreed", "The parent asked the school to make this application for them and agreed to it (section 434A(7))", form.checked("parent_agreed")))
                @if let Some(e) = errors.get("parent_agreed") { p id="parent_agreed-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
                (button("Send the application"))
            }
        }}
    }
}

/// Checks the form; the application is returned with everything the applicant gave.
pub(super) fn parse(
    form: &FormData,
    who: &Applicant,
    schools: &[School],
) -> Result<Application, Errors> {
    let mut errs = Errors::default();
    let who_word = match who {
        Applicant::Parent(_) => "child",
        Applicant::School(_) => "pupil",
    };
    let pupil = parse_pupil(form, who_word, &mut errs);
    let (school_id, applicant, parent_email) = read_applicant(form, who, schools, &mut errs);
    let parent_name = text(
        form,
        "parent_name",
        "the parent's full name",
        200,
        &mut errs,
    );
    let parent_phone = phone(form, "parent_phone", &mut errs);
    let parent_address = text(form, "parent_address", "a postal address", 300, &mut errs);
    let others = read_other_parent(form, &mut errs);
    let plan = read_plan(form, &mut errs);
    let (Some(p), Some(parent_email), true) = (pupil, parent_email, errs.is_empty()) else {
        return Err(errs);
    };
    Ok(Application {
        parent_email,
        parent_name: parent_name.trim().into(),
        parent_phone,
        parent_address: parent_address.trim().into(),
        parent_email_consent: matches!(who, Applicant::Parent(_)) && form.checked("email_consent"),
        other_parents: serde_json::to_string(&others).unwrap_or_else(|_| "[]".into()),
        given_names: p.given_names,
        family_name: p.family_name,
        date_of_birth: p.date_of_birth,
        sex: p.sex,
        upn: p.upn,
        address_line_1: p.address_line_1,
        town: p.town,
        postcode: p.postcode,
        education_plan: plan.education_plan,
        educated_by: plan.educated_by,
        hours_per_week: plan.hours,
        resources: plan.resources,
        reasons: plan.reasons,
        needs: plan.needs,
        ..Application::received(&school_id, applicant, crate::db::now())
    })
}

/// Who applies: a parent names the school; a school names the parent and confirms they asked.
fn read_applicant(
    form: &FormData,
    who: &Applicant,
    schools: &[School],
    errs: &mut Errors,
) -> (String, &'static str, Option<String>) {
    match who {
        Applicant::Parent(email) => {
            let id = form.get("school_id");
            if !schools.iter().any(|s| s.id == id) {
                errs.add("school_id", "Select the child's school");
            }
            (id.to_string(), "parent", Some(email.to_string()))
        }
        Applicant::School(s) => {
            let e = email(form, "parent_email", errs);
            if e.is_none() {
                errs.add("parent_email", "Enter the parent's email address");
            }
            if !form.checked("parent_agreed") {
                errs.add(
                    "parent_agreed",
                    "Confirm that the parent asked the school to apply and agreed to it",
                );
            }
            (s.id.clone(), "school", e)
        }
    }
}

/// The other parent, if named: a name and at least one way to reach them (s.434A(8)).
fn read_other_parent(form: &FormData, errs: &mut Errors) -> Vec<OtherParent> {
    let other_name = opt_text(form, "other_name", "the other parent's name", 200, errs);
    let other_address = opt_text(
        form,
        "other_address",
        "the other parent's address",
        300,
        errs,
    );
    let other_email = email(form, "other_email", errs);
    let mut others = vec![];
    match (&other_name, &other_address, &other_email) {
        (Some(n), a, e) => {
            if a.is_none() && e.is_none() {
                errs.add(
                    "other_address",
                    "Enter the other parent's postal address or email address",
                );
            }
            others.push(OtherParent {
                name: n.clone(),
                address: a.clone().unwrap_or_default(),
                email: e.clone(),
                phone: None,
            });
        }
        (None, Some(_), _) | (None, _, Some(_)) => {
            errs.add("other_name", "Enter the other parent's name")
        }
        _ => {}
    }
    others
}

/// The plan for the child's education (s.434A(6)(b)).
struct Plan {
    educated_by: String,
    education_plan: String,
    hours: Option<f64>,
    resources: String,
    reasons: String,
    needs: String,
}

fn read_plan(form: &FormData, errs: &mut Errors) -> Plan {
    let educated_by = text(form, "educated_by", "who will educate the child", 300, errs);
    let education_plan = text(
        form,
        "education_plan",
        "how the child will be educated",
        8000,
        errs,
    );
    let hours = parse_hours(
        form,
        "hours_per_week",
        "hours of education a week",
        true,
        errs,
    );
    let resources = text(form, "resources", "the resources you will use", 4000, errs);
    let reasons = text(form, "reasons", "your reasons", 4000, errs);
    let needs = text(form, "needs", "the child's needs, or 'none'", 4000, errs);
    Plan {
        educated_by,
        education_plan,
        hours,
        resources,
        reasons,
        needs,
    }
}

/// Stores an application once per form (a double submit goes where the first went): `to` says
/// where the applicant goes next.
pub(super) async fn store(
    state: &AppState,
    app: Application,
    actor_user: Option<String>,
    actor: String,
    token: Option<OnceToken>,
    to: fn(&Application) -> String,
) -> AppResult<String> {
    let templates = state.templates.clone();
    let base = state.config.public_url.clone();
    let council = state.config.council_name.clone();
    let team = state.config.team_email.clone();
    let escalation_days = state.config.consent_escalation_days;
    state
        .db(move |c| {
            crate::services::once(c, token.as_ref(), &actor, |c| {
                let alert = team.as_deref().map(|to| crate::store::tasks::TeamAlert {
                    templates: &templates,
                    to,
                    base_url: &base,
                    council_name: &council,
                });
                let app = consent::submit(
                    c,
                    app,
                    &templates,
                    &base,
                    &council,
                    alert.as_ref(),
                    escalation_days,
                )?;
                audit::record(
                    c,
                    actor_user.as_deref(),
                    "consent_application_received",
                    None,
                    &format!("application {} from {actor}", app.reference),
                )?;
                Ok(to(&app))
            })
        })
        .await
}

pub(super) fn sign_in_first(state: &AppState) -> HttpResponse {
    let mut resp = see_other("/parents/sign-in");
    let _ = resp.add_cookie(&crate::web::cookie(
        state,
        crate::web::parents::session::NEXT_COOKIE,
        "apply".into(),
    ));
    resp
}

async fn school_form(
    state: web::Data<AppState>,
    SchoolStaff(o): SchoolStaff,
) -> AppResult<HttpResponse> {
    let school = crate::web::auth::school_of(&state, &o).await?;
    Ok(render(
        &state,
        PageArgs {
            title: "Apply for consent on a parent's behalf",
            nav: Some(o.nav("school")),
            csrf: &o.csrf,
            errors: false,
        },
        html! { (back_link("/schools/")) (school_form_body(&o.csrf, &school, &FormData::default(), &Errors::default())) },
    ))
}

async fn school_submit(
    state: web::Data<AppState>,
    Post(SchoolStaff(o), form): Post<SchoolStaff>,
) -> AppResult<HttpResponse> {
    let school = crate::web::auth::school_of(&state, &o).await?;
    let app = match parse(&form, &Applicant::School(&school), &[]) {
        Ok(a) => a,
        Err(errors) => {
            return Ok(render(
                &state,
                PageArgs {
                    title: "Apply for consent on a parent's behalf",
                    nav: Some(o.nav("school")),
                    csrf: &o.csrf,
                    errors: true,
                },
                html! { (back_link("/schools/")) (school_form_body(&o.csrf, &school, &form, &errors)) },
            ));
        }
    };
    let token = OnceToken::posted(&form);
    let to = store(
        &state,
        app,
        Some(o.user.id.clone()),
        format!("school {}", school.urn),
        token,
        |_| "/schools/?done=applied".into(),
    )
    .await?;
    Ok(see_other(&to))
}

async fn my_applications(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(sign_in_first(&state));
    };
    let e = email.clone();
    let apps = state
        .db(move |c| {
            audit::record(
                c,
                None,
                "parent_list_applications",
                None,
                &parent_access::actor(&e),
            )?;
            Ok(consent::for_parent(c, &e)?)
        })
        .await?;
    Ok(page(
        &state,
        &req,
        "Your applications for consent",
        &Errors::default(),
        html! {
            (back_link("/parents/children"))
            h1 class="govuk-heading-l" { "Your applications for consent to home educate" }
            @if apps.is_empty() { p class="govuk-body" { "You have not applied." } } @else {
                ul class="govuk-list" {
                    @for a in &apps {
                        li { a class="govuk-link" href={ "/parents/applications/" (a.id) } { (a.child_name()) ", " (a.reference) } " " (status_tag(a.status))
                        " " span class="govuk-hint cnis-inline-hint" { "received " (fmt_date(a.received_on)) ", " (crate::domain::consent::days_open(a.received_on, a.decided_at.map(|t| t.date()).unwrap_or_else(crate::clock::today))) " days" @if a.decided_at.is_some() { " to a decision" } @else { " so far" } } }
                    }
                }
            }
            a href="/parents/apply" role="button" draggable="false" class="govuk-button" data-module="govuk-button" { "Apply for consent" }
        },
    ))
}

/// The parent's own application, or a 404 that looks the same for anyone else's (and is audited).
async fn own(
    state: &AppState,
    email: String,
    id: String,
) -> AppResult<(Application, Vec<crate::store::served::LogRow>, String)> {
    state
        .db(move |c| {
            let actor = parent_access::actor(&email);
            match consent::find(c, &id)? {
                Some(a) if a.parent_email == email => {
                    audit::record(
                        c,
                        None,
                        "parent_view_application",
                        None,
                        &format!("application {} by {actor}", a.reference),
                    )?;
                    let log = crate::store::served::log_for(c, &a.id)?;
                    let school = crate::store::schools::find(c, &a.school_id)?
                        .map(|s| s.name)
                        .unwrap_or_default();
                    Ok((a, log, school))
                }
                _ => {
                    audit::record(
                        c,
                        None,
                        "parent_denied",
                        None,
                        &format!("application {id} by {actor}"),
                    )?;
                    Err(AppError::NotFound)
                }
            }
        })
        .await
}

async fn my_application(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(sign_in_first(&state));
    };
    let id = crate::web::parse_id(&path.into_inner())?;
    let (a, log, school) = own(&state, email, id).await?;
    let open = a.status.is_open();
    let step = |done: bool, current: bool, text: &str| {
        html! {
            li { @if done { (tag("Done", "green")) " " } @else if current { (tag("Now", "blue")) " " } @else { (tag("To come", "grey")) " " } (text) }
        }
    };
    Ok(page(
        &state,
        &req,
        "Your application",
        &Errors::default(),
        html! {
            (back_link("/parents/applications"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                @match q.get("done").map(String::as_str) {
                    Some("sent") => (success_banner("Your application has been sent. We have emailed you a confirmation.")),
                    Some("withdrawn") => (success_banner("Your application has been withdrawn")),
                    _ => {}
                }
                span class="govuk-caption-l" { (a.reference) }
                h1 class="govuk-heading-l" { "Application for consent for " (a.child_name()) }
                p class="govuk-body" { "Status: " (status_tag(a.status)) }
                ol class="govuk-list cnis-steps" {
                    (step(true, false, &format!("Received on {}", fmt_date(a.received_on))))
                    (step(a.assessed_at.is_some(), a.status == ApplicationStatus::Received, "An officer looks at the child's education, needs and the plan you gave"))
                    (step(a.decided_at.is_some(), a.status == ApplicationStatus::UnderAssessment, "A manager decides, and the council sends its decision to you, any other parent and the school"))
                }
                @if a.repeat_of.is_some() && open {
                    div class="govuk-inset-text" { "The council refused an application for this child less than 6 months before this one. The law says it does not have to decide again until 6 months have passed since that application (section 434A(12))." }
                }
                @match a.status {
                    ApplicationStatus::Granted => { p class="govuk-body" { "The council has consented. The school may now remove your child from its roll. The council will enter your child on its register of children not in school." } },
                    ApplicationStatus::Refused => { p class="govuk-body" { "The council has refused. Your child stays on the school's roll and must keep attending." } },
                    ApplicationStatus::Withdrawn => { p class="govuk-body" { "This application was withdrawn." } },
                    ApplicationStatus::Received | ApplicationStatus::UnderAssessment => { p class="govuk-body" { "Your child stays on the school's roll and must keep attending until the council has decided." } },
                }
                @let to_you: Vec<_> = log.iter().filter(|r| r.recipient_role == crate::store::served::ROLE_APPLICANT_PARENT).collect();
                (decision_notices(&to_you.iter().map(|r| (r.id.clone(), notice_sent_words(r))).collect::<Vec<_>>(), &format!("/parents/applications/{}", a.id), "Download the decision notice (PDF)"))
                @if matches!(a.status, ApplicationStatus::Granted | ApplicationStatus::Refused) {
                    h2 class="govuk-heading-m" { "If you disagree with the decision" }
                    p class="govuk-body" { "A parent who disagrees may ask the Secretary of State for Education to look at it again (Education Act 1996, section 434A(10)). Write to:" }
                    p class="govuk-body" { "Secretary of State for Education" br; "Department for Education" br; "Sanctuary Buildings" br; "20 Great Smith Street" br; "London SW1P 3BT" }
                    p class="govuk-body" { "Quote the reference " (a.reference) " and say why you disagree. The home education team can tell you more: their details are at the bottom of this page." }
                }
                dl class="govuk-summary-list" {
                    (summary_row("School", html! { (school) }, None))
                    (summary_row("Who will educate", html! { (a.educated_by) }, None))
                    (summary_row("Hours a week", html! { (a.hours_per_week.map(|h| h.to_string()).unwrap_or_default()) }, None))
                    (summary_row("Decision by email", html! { (if a.parent_email_consent { "Yes" } else { "No, by post" }) }, None))
                }
                @if open {
                    p class="govuk-body" { a class="govuk-link" href={ "/parents/applications/" (a.id) "/withdraw" } { "Withdraw this application" } }
                }
            }}
        },
    ))
}

/// How the notice reached the parent, in plain words. A posted notice counts as given some
/// working days after posting (s.572; Interpretation Act 1978 s.7), so that day may be ahead.
pub(crate) fn notice_sent_words(r: &crate::store::served::LogRow) -> String {
    use crate::domain::service::ServiceStatus;
    let how = match r.status {
        ServiceStatus::Emailed => "by email",
        ServiceStatus::QueuedForPost | ServiceStatus::Posted => "by post",
        ServiceStatus::DeliveredByHand => "by hand",
        ServiceStatus::LeftAtAddress => "at your address",
        ServiceStatus::ServedOther => "by the council",
    };
    match (r.status, r.served_on) {
        (ServiceStatus::QueuedForPost, _) => "The council is posting it to you.".into(),
        (ServiceStatus::Posted, Some(d)) if d > crate::clock::today() => format!(
            "Posted to you. The law treats it as given to you on {}.",
            fmt_date(d)
        ),
        (_, Some(d)) => format!("Given to you {how} on {}.", fmt_date(d)),
        (_, None) => format!("Sent to you {how}."),
    }
}

/// The decision notice as it was served on this parent, and only on them.
async fn notice_pdf(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(sign_in_first(&state));
    };
    let (id, doc) = path.into_inner();
    let (id, doc) = (crate::web::parse_id(&id)?, crate::web::parse_id(&doc)?);
    let (a, log, _) = own(&state, email.clone(), id).await?;
    if !log
        .iter()
        .any(|r| r.id == doc && r.recipient_role == crate::store::served::ROLE_APPLICANT_PARENT)
    {
        return Err(AppError::NotFound);
    }
    let d = state
        .db(move |c| {
            let d = crate::store::served::find(c, &doc)?.ok_or(AppError::NotFound)?;
            audit::record(
                c,
                None,
                "parent_view_notice",
                None,
                &format!(
                    "notice {} for application {} by {}",
                    d.id,
                    a.reference,
                    parent_access::actor(&email)
                ),
            )?;
            Ok(d)
        })
        .await?;
    Ok(crate::web::pdf_download(&d.kind, d.pdf))
}

/// Withdrawing cannot be undone, so it is asked once more on a page of its own.
async fn confirm_withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(sign_in_first(&state));
    };
    let id = crate::web::parse_id(&path.into_inner())?;
    let (a, _, school) = own(&state, email, id).await?;
    if !a.status.is_open() {
        return Ok(see_other(&format!("/parents/applications/{}", a.id)));
    }
    let csrf = csrf_for(&req, &state);
    Ok(page(
        &state,
        &req,
        "Withdraw your application",
        &Errors::default(),
        html! {
            (back_link(&format!("/parents/applications/{}", a.id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                span class="govuk-caption-l" { (a.reference) }
                h1 class="govuk-heading-l" { "Are you sure you want to withdraw your application for " (a.child_name()) "?" }
                p class="govuk-body" { "The council will stop considering it. " (a.child_name()) " stays on the roll of " (school) " and must keep attending." }
                p class="govuk-body" { "You can apply again later if you want to." }
                form method="post" action={ "/parents/applications/" (a.id) "/withdraw" } novalidate {
                    (csrf_field(&csrf))
                    div class="govuk-button-group" {
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "Yes, withdraw the application" }
                        a class="govuk-link" href={ "/parents/applications/" (a.id) } { "No, keep it" }
                    }
                }
            }}
        },
    ))
}

async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm,
) -> AppResult<HttpResponse> {
    let ParentSession::Live(email) = parent_session(&req, &state).await? else {
        return Ok(sign_in_first(&state));
    };
    let id = crate::web::parse_id(&path.into_inner())?;
    let (a, _, _) = own(&state, email.clone(), id).await?;
    let aid = a.id.clone();
    let outcome = state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                consent::withdraw(c, &a)?;
                let purpose = format!(
                    "application {} by {}",
                    a.reference,
                    parent_access::actor(&email)
                );
                audit::record(c, None, "consent_application_withdrawn", None, &purpose)?;
                Ok(())
            })
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/parents/applications/{aid}?done=withdrawn"
        ))),
        Err(AppError::Refused(m) | AppError::Conflict(m)) => Err(AppError::BadRequest(m)),
        Err(e) => Err(e),
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/parents/applications", web::get().to(my_applications))
        .route("/parents/applications/{id}", web::get().to(my_application))
        .route(
            "/parents/applications/{id}/withdraw",
            web::get().to(confirm_withdraw),
        )
        .route(
            "/parents/applications/{id}/withdraw",
            web::post().to(withdraw),
        )
        .route(
            "/parents/applications/{id}/notices/{doc}",
            web::get().to(notice_pdf),
        )
        .route("/schools/apply", web::get().to(school_form))
        .route("/schools/apply", web::post().to(school_submit));
}
