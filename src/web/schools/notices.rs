//! The schools' area, under /schools/: a school's staff tell the council that a parent intends to
//! home educate a pupil (s.434A(5)) and send deletion returns (Pupil Registration Regulations 2024
//! reg 13(4)), and are told at once whether they must wait for the council's consent. A school
//! sees only what it sent and the applications made for its own pupils.
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::domain::consent::ApplicationStatus;
use crate::domain::consent::NoticeKind;
use crate::domain::consent::DELETION_GROUNDS;
use crate::domain::register::{label, SEXES};
use crate::error::{AppError, AppResult};
use crate::store::audit;
use crate::store::consent::{self, PupilParent, SchoolNotice, ANSWERS};
use crate::views::*;
use crate::web::auth::{school_of, SchoolStaff};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

/// A pupil as a school or parent gives them.
#[derive(Clone, Debug, Default)]
pub struct Pupil {
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: String,
    pub upn: Option<String>,
    pub address_line_1: String,
    pub town: String,
    pub postcode: String,
}

/// Reads and checks the pupil's details; the messages name the field (GOV.UK error messages) and
/// call them `who` ("pupil" to a school, "child" to a parent).
pub fn parse_pupil(form: &FormData, who: &str, errors: &mut Errors) -> Option<Pupil> {
    let given_names = text(
        form,
        "given_names",
        &format!("the {who}'s first name"),
        100,
        errors,
    );
    let family_name = text(
        form,
        "family_name",
        &format!("the {who}'s last name"),
        100,
        errors,
    );
    let dob = parse_date(
        form,
        "date_of_birth",
        &format!("the {who}'s date of birth"),
        true,
        errors,
    );
    if dob.is_some_and(|d| d > today()) {
        errors.add(
            "date_of_birth",
            format!("The {who}'s date of birth must be in the past"),
        );
    }
    let sex = form.get("sex").to_string();
    if !crate::domain::register::is_choice(SEXES, &sex) {
        errors.add("sex", format!("Select the {who}'s sex, or not known"));
    }
    let upn = match form.opt("upn") {
        Some(u) => match crate::domain::identifiers::normalise_upn(&u) {
            Ok(u) => Some(u),
            Err(e) => {
                errors.add("upn", e);
                None
            }
        },
        None => None,
    };
    let address_line_1 = text(
        form,
        "address_line_1",
        &format!("the first line of the {who}'s home address"),
        200,
        errors,
    );
    let town = text(form, "town", "the town or city", 100, errors);
    let postcode = match form.opt("postcode") {
        Some(p) => match crate::domain::identifiers::normalise_postcode(&p) {
            Ok(p) => p,
            Err(e) => {
                errors.add("postcode", e);
                String::new()
            }
        },
        None => {
            errors.add("postcode", "Enter the postcode");
            String::new()
        }
    };
    Some(Pupil {
        given_names: given_names.trim().to_string(),
        family_name: family_name.trim().to_string(),
        date_of_birth: dob?,
        sex,
        upn,
        address_line_1: address_line_1.trim().to_string(),
        town: town.trim().to_string(),
        postcode,
    })
    .filter(|_| errors.is_empty())
}

pub fn pupil_fields(form: &FormData, errors: &Errors, whose: &str) -> Markup {
    let (d, m, y) = form.date_parts("date_of_birth");
    html! {
        (Input::new("given_names", "First name", form.get("given_names")).autocomplete("off").no_spellcheck().error(errors.get("given_names")).render())
        (Input::new("family_name", "Last name", form.get("family_name")).autocomplete("off").no_spellcheck().error(errors.get("family_name")).render())
        (date_input("date_of_birth", "Date of birth", (&d, &m, &y), Some("For example, 27 3 2015"), errors.get("date_of_birth")))
        (radios("sex", "Sex", SEXES, form.get("sex"), None, errors.get("sex")))
        (Input::new("upn", "Unique pupil number (UPN), if known", form.get("upn")).width("20").no_spellcheck().hint("13 characters, starting with a letter").error(errors.get("upn")).render())
        h3 class="govuk-heading-s" { (whose) " home address" }
        (Input::new("address_line_1", "Address line 1", form.get("address_line_1")).autocomplete("off").error(errors.get("address_line_1")).render())
        (Input::new("town", "Town or city", form.get("town")).autocomplete("off").width("20").error(errors.get("town")).render())
        (Input::new("postcode", "Postcode", form.get("postcode")).autocomplete("off").width("10").error(errors.get("postcode")).render())
    }
}

/// The parents the pupil lives with, each with an emergency number (reg 13(4)).
fn parse_pupil_parents(form: &FormData, errors: &mut Errors) -> Vec<PupilParent> {
    let mut out = vec![];
    for i in 1..=2 {
        let name_id = format!("parent{i}_name");
        let addr_id = format!("parent{i}_address");
        let phone_id = format!("parent{i}_phone");
        let given = form.opt(&name_id).is_some() || form.opt(&phone_id).is_some();
        if i == 2 && !given {
            continue;
        }
        let which = if i == 1 {
            "the parent's"
        } else {
            "the second parent's"
        };
        let name = text(form, &name_id, &format!("{which} name"), 200, errors);
        let address =
            opt_text(form, &addr_id, &format!("{which} address"), 300, errors).unwrap_or_default();
        let phone = match phone(form, &phone_id, errors) {
            Some(p) => p,
            None => {
                errors.add(
                    &phone_id,
                    format!(
                        "Enter an emergency telephone number for {}",
                        which.trim_end_matches("'s")
                    ),
                );
                String::new()
            }
        };
        out.push(PupilParent {
            name: name.trim().into(),
            address,
            phone,
        });
    }
    out
}

fn parent_fields(form: &FormData, errors: &Errors) -> Markup {
    html! {
        @for (i, legend) in [(1, "Parent the pupil lives with"), (2, "Second parent the pupil lives with (if any)")] {
            fieldset class="govuk-fieldset govuk-!-margin-bottom-6" {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (legend) }
                @let (n, a, p) = (format!("parent{i}_name"), format!("parent{i}_address"), format!("parent{i}_phone"));
                (Input::new(&n, "Full name", form.get(&n)).autocomplete("off").error(errors.get(&n)).render())
                (Input::new(&a, "Address, if different from the pupil's", form.get(&a)).autocomplete("off").error(errors.get(&a)).render())
                (Input::new(&p, "Emergency telephone number", form.get(&p)).kind("tel").autocomplete("off").width("20").error(errors.get(&p)).render())
            }
        }
    }
}

fn answer_tag(answer: &str) -> Markup {
    match answer {
        "wait_for_consent" | "deletion_refused" => tag("Do not delete", "red"),
        "may_proceed" => tag("Consent not needed", "green"),
        _ => tag("Received", "blue"),
    }
}

async fn home(
    state: web::Data<AppState>,
    SchoolStaff(o): SchoolStaff,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let school = school_of(&state, &o).await?;
    let (sid, uid) = (school.id.clone(), o.user.id.clone());
    let (notices, apps) = state
        .db(move |c| {
            audit::record(
                c,
                Some(&uid),
                "school_view_notices",
                None,
                "school home page",
            )?;
            Ok((
                consent::notices_for_school(c, &sid)?,
                consent::for_school(c, &sid)?,
            ))
        })
        .await?;
    Ok(render(
        &state,
        PageArgs {
            title: "Your school",
            nav: Some(o.nav("school")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            @if q.get("done").is_some_and(|d| d == "applied") { (success_banner("The application has been sent to the council")) }
            span class="govuk-caption-l" { (school.name) " (URN " (school.urn) ")" }
            h1 class="govuk-heading-l" { "Tell the council about a pupil" }
            ul class="govuk-list" {
                li { a class="govuk-link govuk-!-font-weight-bold" href="/schools/intention" { "A parent intends to withdraw a pupil to home educate" } " (section 434A(5))" }
                li { a class="govuk-link govuk-!-font-weight-bold" href="/schools/deletion" { "Send a deletion return" } " (regulation 13(4))" }
                li { a class="govuk-link govuk-!-font-weight-bold" href="/schools/apply" { "Apply for consent on a parent's behalf" } " (section 434A(7))" }
            }
            (applications_for_your_pupils(&apps))
            (notices_sent(&notices))
        },
    ))
}

/// The school's applications for consent, with the next step for each granted one.
fn applications_for_your_pupils(apps: &[consent::Application]) -> Markup {
    html! {
        h2 class="govuk-heading-m" { "Applications for consent for your pupils" }
        @if apps.is_empty() { p class="govuk-body" { "None." } } @else {
            // The next step goes above the table, not in its last column: on a phone that
            // column is off the screen.
            @for a in apps.iter().filter(|a| a.status == ApplicationStatus::Granted) {
                div class="govuk-inset-text" {
                    "Consent granted for " (a.child_name()) " (" (a.reference) "). You may now delete the pupil's name on ground (f) and "
                    a class="govuk-link" href={ "/schools/deletion?application=" (a.id) } { "send a deletion return" span class="govuk-visually-hidden" { " for " (a.child_name()) } } "."
                }
            }
            (scrolling_table("Applications for consent", &["Reference", "Pupil", "Received", "Days open", "Status"], html! {
                @for a in apps {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { a class="govuk-link" href={ "/schools/applications/" (a.id) } { (a.reference) } }
                        td class="govuk-table__cell" { (a.child_name()) }
                        td class="govuk-table__cell" { (fmt_date(a.received_on)) }
                        td class="govuk-table__cell" { (crate::domain::consent::days_open(a.received_on, a.decided_at.map(|t| t.date()).unwrap_or_else(today))) }
                        td class="govuk-table__cell" { (a.status.label())
                            @if a.status == ApplicationStatus::Refused { br; span class="govuk-hint" { "The pupil stays on roll." } } }
                    }
                }
            }))
        }
    }
}

/// What the school has sent: its notices and their answers.
fn notices_sent(notices: &[SchoolNotice]) -> Markup {
    html! {
        h2 class="govuk-heading-m" { "What you have sent" }
        @if notices.is_empty() { p class="govuk-body" { "Nothing yet." } } @else {
            (scrolling_table("Notices sent", &["Reference", "Kind", "Pupil", "Sent", "Answer"], html! {
                @for n in notices {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { a class="govuk-link" href={ "/schools/notices/" (n.id) } { (n.reference) } }
                        td class="govuk-table__cell" { (n.kind.label()) }
                        td class="govuk-table__cell" { (n.given_names) " " (n.family_name) }
                        td class="govuk-table__cell" { (crate::clock::fmt_day(n.received_at)) }
                        td class="govuk-table__cell" { (answer_tag(&n.answer)) }
                    }
                }
            }))
        }
    }
}

fn notice_form(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    kind: NoticeKind,
    form: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let (title, action) = if kind == NoticeKind::Intention {
        (
            "A parent intends to home educate a pupil",
            "/schools/intention",
        )
    } else {
        ("Send a deletion return", "/schools/deletion")
    };
    let (d, m, y) = form.date_parts("on_date");
    render(
        state,
        PageArgs {
            title,
            nav: Some(o.nav("school")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link("/schools/"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                h1 class="govuk-heading-l" { (title) }
                @if kind == NoticeKind::Intention {
                    p class="govuk-body" { "The law asks the school to tell the council when a parent says they intend to withdraw a registered pupil to educate them otherwise than at school (Education Act 1996, section 434A(5)). You will be told at once whether the pupil is a child whose name you must not delete until the council consents." }
                } @else {
                    p class="govuk-body" { "Send this as soon as the ground for deletion is met, and no later than the day you delete the pupil's name (Pupil Registration Regulations 2024, regulation 13(4)). If you have deleted the name already, send it now: the council keeps it, marked late." }
                }
                form method="post" action=(action) novalidate {
                    (csrf_field(&o.csrf))
                    (OnceToken::for_form(form).field())
                    h2 class="govuk-heading-m" { "The pupil" }
                    (pupil_fields(form, errors, "Pupil's"))
                    h2 class="govuk-heading-m" { "Parents" }
                    (parent_fields(form, errors))
                    @if kind == NoticeKind::Deletion {
                        h2 class="govuk-heading-m" { "The deletion" }
                        (select("ground", "Ground for deletion (regulation 9(1))", DELETION_GROUNDS, form.get("ground"), None, errors.get("ground")))
                        (date_input("on_date", "Date the name is, or was, deleted", (&d, &m, &y), Some("For example, 27 3 2027"), errors.get("on_date")))
                        (Input::new("future_school", "New school or future address, if known", form.get("future_school")).autocomplete("off").error(errors.get("future_school")).render())
                    } @else {
                        (date_input("on_date", "Date the parent told the school", (&d, &m, &y), None, errors.get("on_date")))
                    }
                    (button("Send to the council"))
                }
            }}
        },
    )
}

async fn intention_form(
    state: web::Data<AppState>,
    SchoolStaff(o): SchoolStaff,
) -> AppResult<HttpResponse> {
    school_of(&state, &o).await?;
    Ok(notice_form(
        &state,
        &o,
        NoticeKind::Intention,
        &FormData::default(),
        &Errors::default(),
    ))
}

/// The deletion return; `?application=<id>` fills it in from that (granted) application.
async fn deletion_form(
    state: web::Data<AppState>,
    SchoolStaff(o): SchoolStaff,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    school_of(&state, &o).await?;
    let form = match q.get("application") {
        Some(id) => {
            let id = crate::web::parse_id(id)?;
            let (_, a, _) = super::applications::own_application(&state, &o, id).await?;
            super::applications::deletion_from(&a)
        }
        None => FormData::default(),
    };
    Ok(notice_form(
        &state,
        &o,
        NoticeKind::Deletion,
        &form,
        &Errors::default(),
    ))
}

/// Checks a notice from a form or the API; Err holds the field errors.
pub fn parse_notice(
    form: &FormData,
    school_id: &str,
    kind: NoticeKind,
) -> Result<SchoolNotice, Errors> {
    let mut errors = Errors::default();
    let pupil = parse_pupil(form, "pupil", &mut errors);
    let parents = parse_pupil_parents(form, &mut errors);
    let on_date = parse_date(
        form,
        "on_date",
        if kind == NoticeKind::Deletion {
            "the date the name is to be deleted"
        } else {
            "the date the parent told the school"
        },
        true,
        &mut errors,
    );
    if kind == NoticeKind::Intention && on_date.is_some_and(|d| d > today()) {
        errors.add(
            "on_date",
            "The date the parent told the school must be today or in the past",
        );
    }
    let mut ground = None;
    let mut future_school = None;
    if kind == NoticeKind::Deletion {
        ground = Some(choice(
            form,
            "ground",
            DELETION_GROUNDS,
            "Select the ground for deletion under regulation 9(1)",
            &mut errors,
        ));
        future_school = opt_text(
            form,
            "future_school",
            "the new school or future address",
            300,
            &mut errors,
        );
    }
    let (Some(p), Some(on), true) = (pupil, on_date, errors.is_empty()) else {
        return Err(errors);
    };
    Ok(SchoolNotice {
        given_names: p.given_names,
        family_name: p.family_name,
        date_of_birth: p.date_of_birth,
        sex: p.sex,
        upn: p.upn,
        address_line_1: p.address_line_1,
        town: p.town,
        postcode: p.postcode,
        parents: serde_json::to_string(&parents).unwrap_or_else(|_| "[]".into()),
        ground,
        on_date: on,
        future_school,
        ..SchoolNotice::new(school_id, kind, crate::db::now())
    })
}

/// Stores a checked notice and returns the outcome, in the caller's transaction.
fn store_notice(
    c: &mut crate::db::AnyConnection,
    state: &AppState,
    notice: SchoolNotice,
    user_id: Option<&str>,
    via: &str,
) -> AppResult<consent::NoticeOutcome> {
    crate::db::write::<_, AppError, _>(c, |c| {
        let alert = state.team_alert();
        let out = consent::receive_notice(
            c,
            notice,
            today(),
            alert.as_ref(),
            &state.config.commencement(),
        )?;
        if out.refused.is_none() || out.notice.answer == "deletion_refused" {
            audit::record(
                c,
                user_id,
                &format!("school_{}_received", out.notice.kind),
                out.notice.child_id.as_deref(),
                &format!("school notice {} via {via}", out.notice.reference),
            )?;
        }
        Ok(out)
    })
}

/// Whether the school is within its notices for the day (`consent::school_may_send_notice`),
/// checked (and the team told) in a transaction of its own, so the alert stands.
pub async fn within_daily_notices(state: &web::Data<AppState>, school_id: &str) -> AppResult<bool> {
    let st = state.clone();
    let sid = school_id.to_string();
    state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                let alert = st.team_alert();
                let per_day = st.config.school_notices_per_day;
                Ok(consent::school_may_send_notice(
                    c,
                    &sid,
                    per_day,
                    alert.as_ref(),
                )?)
            })
        })
        .await
}

/// What a school over its daily notices is told.
pub const TOO_MANY_NOTICES: &str = "Your school has sent more notices in the last 24 hours than the council expects, so this one was not sent. Contact the council's home education team, who have been told.";

/// Stores a checked notice and returns the outcome; used by the API.
pub async fn receive(
    state: &web::Data<AppState>,
    notice: SchoolNotice,
    user_id: Option<String>,
    via: &str,
) -> AppResult<consent::NoticeOutcome> {
    let st = state.clone();
    let via = via.to_string();
    state
        .db(move |c| store_notice(c, &st, notice, user_id.as_deref(), &via))
        .await
}

async fn submit(
    state: web::Data<AppState>,
    SchoolStaff(o): SchoolStaff,
    form: CsrfForm,
    kind: NoticeKind,
) -> AppResult<HttpResponse> {
    let school = school_of(&state, &o).await?;
    let notice = match parse_notice(&form, &school.id, kind) {
        Ok(n) => n,
        Err(errors) => return Ok(notice_form(&state, &o, kind, &form, &errors)),
    };
    if !within_daily_notices(&state, &school.id).await? {
        let mut errors = Errors::default();
        errors.add("given_names", TOO_MANY_NOTICES);
        let mut r = notice_form(&state, &o, kind, &form, &errors);
        *r.status_mut() = actix_web::http::StatusCode::TOO_MANY_REQUESTS;
        return Ok(r);
    }
    let token = OnceToken::posted(&form);
    let uid = o.user.id.clone();
    let st = state.clone();
    // Sent once however often it is posted; a repeat goes to the notice the first one made.
    let stored = state
        .db(move |c| {
            crate::services::once(c, token.as_ref(), &uid, |c| {
                let out = store_notice(c, &st, notice, Some(&uid), "the schools' pages")?;
                if out.notice.answer.is_empty() {
                    // Not stored (a backdated return): nothing is kept, the token included.
                    return Err(AppError::Refused(out.refused.unwrap_or_default()));
                }
                Ok(format!("/schools/notices/{}", out.notice.id))
            })
        })
        .await;
    match stored {
        Ok(to) => Ok(see_other(&to)),
        Err(AppError::Refused(why)) => {
            // Say why, and keep what was typed.
            let mut errors = Errors::default();
            errors.add("on_date", why);
            Ok(notice_form(&state, &o, kind, &form, &errors))
        }
        Err(e) => Err(e),
    }
}

async fn intention(
    state: web::Data<AppState>,
    Post(o, form): Post<SchoolStaff>,
) -> AppResult<HttpResponse> {
    submit(state, o, form, NoticeKind::Intention).await
}

async fn deletion(
    state: web::Data<AppState>,
    Post(o, form): Post<SchoolStaff>,
) -> AppResult<HttpResponse> {
    submit(state, o, form, NoticeKind::Deletion).await
}

/// What the school must do, in words, for a stored notice.
fn answer_words(n: &SchoolNotice) -> &'static str {
    match n.answer.as_str() {
        "wait_for_consent" => "This pupil is, or may be, a relevant child (Education Act 1996, section 434A(2)). Do not delete the pupil's name until the council tells you it has consented. The pupil stays on roll: keep recording attendance. The parent can apply for consent online, or the school can apply on their behalf with their agreement.",
        "may_proceed" => "On what the council holds, this pupil is not a relevant child, so the council's consent is not needed. When the parent has told you in writing and the day they gave has passed, delete the name on ground (f) and send a deletion return.",
        "deletion_refused" => "Do not delete this pupil's name. The pupil is, or may be, a relevant child (section 434A(2)) and the council has not consented (section 434A(9)(a)). The pupil stays on roll.",
        _ => "The council has the deletion return. Nothing more is needed from the school.",
    }
}

/// What the school must do, in words, with a late return's lateness (reg 13(4)).
pub fn answer_text(n: &SchoolNotice) -> String {
    let words = answer_words(n);
    match n.late_days {
        Some(days) => format!("{words} This return reached the council {days} day{} after the name was deleted: a deletion return must be sent no later than the day of deletion (Pupil Registration Regulations 2024, regulation 13(4)).", if days == 1 { "" } else { "s" }),
        None => words.to_string(),
    }
}

async fn notice(
    state: web::Data<AppState>,
    SchoolStaff(o): SchoolStaff,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let school = school_of(&state, &o).await?;
    let uid = o.user.id.clone();
    let n = state
        .db(move |c| {
            match consent::find_notice(c, &id)? {
                Some(n) if n.school_id == school.id => {
                    audit::record(
                        c,
                        Some(&uid),
                        "school_view_notice",
                        n.child_id.as_deref(),
                        &format!("school notice {}", n.reference),
                    )?;
                    Ok(n)
                }
                // Another school's notice: the same answer as no notice.
                _ => Err(AppError::NotFound),
            }
        })
        .await?;
    let wait = matches!(n.answer.as_str(), "wait_for_consent" | "deletion_refused");
    Ok(render(
        &state,
        PageArgs {
            title: "The council's answer",
            nav: Some(o.nav("school")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                div class={ "govuk-panel " @if wait { "cnis-panel--warning" } @else { "govuk-panel--confirmation" } } {
                    h1 class="govuk-panel__title" { (label(ANSWERS, &n.answer)) }
                    div class="govuk-panel__body" { "Reference" br; strong { (n.reference) } }
                }
                p class="govuk-body" { (answer_text(&n)) }
                dl class="govuk-summary-list" {
                    (summary_row("Pupil", html! { (n.given_names) " " (n.family_name) }, None))
                    (summary_row("Date of birth", html! { (fmt_date(n.date_of_birth)) }, None))
                    @if let Some(g) = &n.ground { (summary_row("Ground", html! { (label(DELETION_GROUNDS, g)) }, None)) }
                    (summary_row(if n.kind == NoticeKind::Deletion { "Deletion date" } else { "Parent told the school on" }, html! { (fmt_date(n.on_date)) }, None))
                }
                p class="govuk-body" { a class="govuk-link" href="/schools/" { "Back to your school's page" } }
            }}
        },
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/schools/", web::get().to(home))
        .route(
            "/schools",
            web::get().to(|| async { see_other("/schools/") }),
        )
        .route("/schools/intention", web::get().to(intention_form))
        .route("/schools/intention", web::post().to(intention))
        .route("/schools/deletion", web::get().to(deletion_form))
        .route("/schools/deletion", web::post().to(deletion))
        .route("/schools/notices/{id}", web::get().to(notice));
}
