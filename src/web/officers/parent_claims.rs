//! Someone says they are a parent of a child on the register: an officer sets what they gave
//! beside the record, then confirms or rejects them with a reason (see `domain::parents`).
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::clock::fmt_date;
use crate::domain::parents::ClaimStatus;
use crate::domain::register::{label, AddressKind, RELATIONSHIPS};
use crate::error::AppResult;
use crate::services::register as services;
use crate::store::children::ChildRecord;
use crate::store::parent_claims::{Decision, ParentClaim};
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

const DECISIONS: &[(&str, &str)] = &[
    (
        "confirm",
        "Yes, they are this child's parent: add them to the record",
    ),
    ("reject", "No, or I cannot tell: do not add them"),
];

fn joined(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the claimant gave, beside what the record holds: two columns on a wide screen, one
/// after the other on a phone.
fn side_by_side(claim: &ParentClaim, rec: &ChildRecord) -> Markup {
    let ch = &rec.child;
    let home = rec
        .addresses
        .iter()
        .find(|a| a.kind == AddressKind::Current)
        .map(|a| a.one_line());
    let claim_address = joined(&[
        claim.address_line_1.as_deref(),
        claim.address_town.as_deref(),
        claim.address_postcode.as_deref(),
    ]);
    html! {
        div class="govuk-grid-row" {
            div class="govuk-grid-column-one-half" {
                h2 class="govuk-heading-m" { "They told us" }
                dl class="govuk-summary-list" {
                    (summary_row("Child's name", html! { (claim.child_given_names) " " (claim.child_family_name) }, None))
                    (summary_row("Date of birth", html! { (fmt_date(claim.child_date_of_birth)) }, None))
                    (summary_row("Child's home address", or_not_given(claim.child_address.as_deref()), None))
                    (summary_row("Parent", html! { (claim.given_names) " " (claim.family_name) " (" (label(RELATIONSHIPS, &claim.relationship)) ")" }, None))
                    (summary_row("Parent's address", or_not_given(Some(claim_address.as_str()).filter(|a| !a.is_empty())), None))
                    (summary_row("Email", or_not_given(claim.email.as_deref()), None))
                    (summary_row("Phone", or_not_given(claim.phone.as_deref()), None))
                }
            }
            div class="govuk-grid-column-one-half" {
                h2 class="govuk-heading-m" { "On the record" }
                dl class="govuk-summary-list" {
                    (summary_row("Child's name", html! { (ch.given_names) " " (ch.family_name) }, None))
                    (summary_row("Date of birth", html! { (crate::clock::fmt_date_or_not_known(ch.date_of_birth)) }, None))
                    (summary_row("Child's home address", or_not_given(home.as_deref()), None))
                }
                @if rec.parents.is_empty() { p class="govuk-body" { "No parent recorded." } }
                @for p in &rec.parents {
                    h3 class="govuk-heading-s" { (p.given_names) " " (p.family_name) " (" (label(RELATIONSHIPS, &p.relationship)) ")" }
                    dl class="govuk-summary-list" {
                        (summary_row("Address", or_not_given(Some(joined(&[p.address_line_1.as_deref(), p.address_town.as_deref(), p.address_postcode.as_deref()])).as_deref().filter(|a| !a.is_empty())), None))
                        (summary_row("Email", or_not_given(p.email.as_deref()), None))
                        (summary_row("Phone", or_not_given(p.phone.as_deref()), None))
                    }
                }
            }
        }
    }
}

fn claim_page(
    state: &AppState,
    o: &CurrentOfficer,
    rec: &ChildRecord,
    claim: &ParentClaim,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    let base = format!("/officers/children/{}", rec.child.id);
    render(
        state,
        PageArgs {
            title: "Check someone who says they are a parent",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("{base}#parents")))
            (error_summary(errors))
            span class="govuk-caption-l" { (rec.child.reference) }
            h1 class="govuk-heading-l" { "Check someone who says they are a parent" }
            p class="govuk-body" { "This came in a " (claim.source) " on " (crate::clock::fmt_day(claim.created_at)) ". Until you confirm them, this person cannot see the record and gets no notices or requests. If the child may be hidden from them, do not confirm them without speaking to social care." }
            (side_by_side(claim, rec))
            @match claim.status {
                ClaimStatus::Awaiting => {
                    form method="post" novalidate {
                        (csrf_field(&o.csrf))
                        (radios("decision", "Are they this child's parent?", DECISIONS, f.get("decision"), Some("Confirming lets them see the record and sends them the council's notices"), errors.get("decision")))
                        (textarea("reason", "How did you check?", f.get("reason"), Some("For example, who you spoke to or what you saw. This is kept on the child's record."), errors.get("reason")))
                        (button("Save the decision"))
                    }
                }
                status => {
                    h2 class="govuk-heading-m" { (status.label()) }
                    @if let Some(at) = claim.decided_at { p class="govuk-body" { "Decided on " (fmt_date(at.date())) "." } }
                    @if let Some(r) = &claim.reason { p class="govuk-body" { (r) } }
                }
            }
        },
    )
}

async fn view(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, claim_id) = path.into_inner();
    let (id, claim_id) = (crate::web::parse_id(&id)?, crate::web::parse_id(&claim_id)?);
    let uid = o.user.id.clone();
    let (rec, claim) = state
        .db(move |c| services::open_parent_claim(c, &id, &claim_id, &uid))
        .await?;
    Ok(claim_page(
        &state,
        &o,
        &rec,
        &claim,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn decide(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (id, claim_id) = path.into_inner();
    let (id, claim_id) = (crate::web::parse_id(&id)?, crate::web::parse_id(&claim_id)?);
    let f = form.into_inner();
    let mut errors = Errors::default();
    let decision = match f.get("decision") {
        "confirm" => Some(Decision::Confirm),
        "reject" => Some(Decision::Reject),
        _ => {
            errors.add("decision", "Select whether they are this child's parent");
            None
        }
    };
    let reason = text(&f, "reason", "how you checked", 2000, &mut errors);
    let Some(decision) = decision.filter(|_| errors.is_empty()) else {
        let uid = o.user.id.clone();
        let (rec, claim) = state
            .db(move |c| services::open_parent_claim(c, &id, &claim_id, &uid))
            .await?;
        return Ok(claim_page(&state, &o, &rec, &claim, &f, &errors));
    };
    let uid = o.user.id.clone();
    let child = id.clone();
    state
        .db(move |c| services::decide_parent_claim(c, &child, &claim_id, &uid, decision, &reason))
        .await?;
    Ok(see_other(&format!("/officers/children/{id}?done=claim")))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/officers/children/{id}/parent-claims/{claim}",
        web::get().to(view),
    )
    .route(
        "/officers/children/{id}/parent-claims/{claim}",
        web::post().to(decide),
    );
}
