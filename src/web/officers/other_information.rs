//! The s.436C(2) information on a child's entry (law.md §2.2): an officer records what the
//! council has — ethnic group, disability, young carer, looked after, schools attended, and the
//! day the child was identified as missing education.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::clock::today;
use crate::domain::prescribed::{Answer, Ethnicity, LookedAfter, Prescribed};
use crate::error::AppResult;
use crate::services::register as services;
use crate::store::children::Child;
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{see_other, AppState};

/// The form's fields from what is held.
fn as_form(p: &Prescribed) -> FormData {
    let (d, m, y) = date_strings(p.missing_education_from);
    let pairs = [
        ("ethnicity", p.ethnicity.as_str().to_string()),
        ("disability", p.disability.as_str().to_string()),
        ("young_carer", p.young_carer.as_str().to_string()),
        ("looked_after", p.looked_after.as_str().to_string()),
        (
            "schools_attended",
            p.schools_attended.clone().unwrap_or_default(),
        ),
        ("missing_education_from-day", d),
        ("missing_education_from-month", m),
        ("missing_education_from-year", y),
    ];
    FormData(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The posted form, checked: every choice one of its own, the date real and not in the future.
pub fn read(f: &FormData, errors: &mut Errors) -> Prescribed {
    let pick = |id: &str, what: &str, errors: &mut Errors| {
        let choices: &[(&str, &str)] = match id {
            "ethnicity" => Ethnicity::CHOICES,
            "looked_after" => LookedAfter::CHOICES,
            _ => Answer::CHOICES,
        };
        choice(
            f,
            id,
            choices,
            &format!("Select {what}, or \"Not known\""),
            errors,
        )
    };
    let ethnicity = Ethnicity::parse(&pick("ethnicity", "the child's ethnic group", errors));
    let disability = Answer::parse(&pick(
        "disability",
        "whether the child has a disability",
        errors,
    ));
    let young_carer = Answer::parse(&pick(
        "young_carer",
        "whether the child is a young carer",
        errors,
    ));
    let looked_after = LookedAfter::parse(&pick(
        "looked_after",
        "whether the child is or was looked after",
        errors,
    ));
    let schools_attended = opt_text(f, "schools_attended", "the schools attended", 2000, errors);
    let missing_education_from = parse_date(f, "missing_education_from", "the date", false, errors);
    if missing_education_from.is_some_and(|d| d > today()) {
        errors.add(
            "missing_education_from",
            "The date the child was identified as missing education must be today or in the past",
        );
    }
    Prescribed {
        ethnicity: ethnicity.unwrap_or(Ethnicity::NotKnown),
        disability: disability.unwrap_or(Answer::NotKnown),
        young_carer: young_carer.unwrap_or(Answer::NotKnown),
        looked_after: looked_after.unwrap_or(LookedAfter::NotKnown),
        schools_attended,
        missing_education_from,
    }
}

fn page(
    state: &AppState,
    o: &CurrentOfficer,
    ch: &Child,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let (d, m, y) = f.date_parts("missing_education_from");
    crate::web::form_page(
        state,
        o,
        crate::web::FormPage {
            title: "Other information",
            section: "register",
            back: &format!("/officers/children/{}#other-information", ch.id),
            caption: Some(&ch.reference),
        },
        errors,
        html! {
                p class="govuk-body" { "What the law asks the council to hold where it has the information or can reasonably get it (Education Act 1996, section 436C(2)). Parents need not give it: record \"Prefer not to say\" when a parent declined, and \"Not known\" when nobody has asked." }
                form method="post" action={ "/officers/children/" (ch.id) "/other-information" } novalidate {
                    (csrf_field(&o.csrf))
                    (radios("ethnicity", "Ethnic group", Ethnicity::CHOICES, f.get("ethnicity"), Some("The Department for Education's main groups"), errors.get("ethnicity")))
                    (radios("disability", "Does the child have a disability?", Answer::CHOICES, f.get("disability"), Some("As the Equality Act 2010 defines it"), errors.get("disability")))
                    (radios("young_carer", "Is the child a young carer?", Answer::CHOICES, f.get("young_carer"), Some("A child who cares for a family member who is ill, disabled, or has a mental health or substance misuse problem"), errors.get("young_carer")))
                    (radios("looked_after", "Is the child looked after, or have they ever been?", LookedAfter::CHOICES, f.get("looked_after"), Some("In the care of a local authority (Children Act 1989, section 22). Check with children's social care."), errors.get("looked_after")))
                    (textarea("schools_attended", "Schools attended (optional)", f.get("schools_attended"), Some("Schools or other institutions the child goes to or went to, with dates where known"), errors.get("schools_attended")))
                    (date_input("missing_education_from", "Date identified as missing education (optional)", (&d, &m, &y), Some("Under section 436A. Leave blank if the child has not been. For example, 27 3 2026"), errors.get("missing_education_from")))
                    (button("Save"))
                }
        },
    )
}

async fn form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let (ch, p) = state
        .db(move |c| services::prescribed_of(c, &id, &uid))
        .await?;
    Ok(page(&state, &o, &ch, &as_form(&p), &Errors::default()))
}

async fn save(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let id = crate::web::parse_id(&path.into_inner())?;
    let mut errors = Errors::default();
    let new = read(&f, &mut errors);
    let uid = o.user.id.clone();
    if !errors.is_empty() {
        let (ch, _) = state
            .db(move |c| services::prescribed_of(c, &id, &uid))
            .await?;
        return Ok(page(&state, &o, &ch, &f, &errors));
    }
    let to = format!("/officers/children/{id}?done=saved#other-information");
    state
        .db(move |c| services::save_prescribed(c, &id, &new, &uid))
        .await?;
    Ok(see_other(&to))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/officers/children/{id}/other-information",
        web::get().to(form),
    )
    .route(
        "/officers/children/{id}/other-information",
        web::post().to(save),
    );
}
