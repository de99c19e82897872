//! `/officers/admin/law-dates`: the days the law this service applies came into force, and what
//! each switches on. Administrators read it to check the deployment's settings.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::clock::{fmt_date, today};
use crate::domain::commencement::{Commencement, Provision};
use crate::error::AppResult;
use crate::views::*;
use crate::web::auth::Administrator;
use crate::web::{render, AppState, PageArgs};

/// The setting that holds each provision's day.
fn setting(p: Provision) -> &'static str {
    match p {
        Provision::Consent => "CNIS_CONSENT_FROM",
        Provision::Register => "CNIS_REGISTER_FROM",
        Provision::SchoolAttendanceOrders => "CNIS_NEW_SAO_FROM",
    }
}

async fn page(
    state: web::Data<AppState>,
    Administrator(o): Administrator,
) -> AppResult<HttpResponse> {
    let c = state.config.commencement();
    let t = today();
    Ok(render(
        &state,
        PageArgs {
            title: "Commencement",
            nav: Some(o.nav("law")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            h1 class="govuk-heading-l" { "When the law applies" }
            p class="govuk-body" { "The Children's Wellbeing and Schools Act 2026 brings each part into force on its own day, set by regulations. Until a day is set here, that part is not in force and none of its duties or bars apply. The days are settings: change them in the service's environment and restart it." }
            @for p in Provision::ALL {
                h2 class="govuk-heading-m" { (p.label()) }
                dl class="govuk-summary-list" {
                    (summary_row("In force", html! {
                        @match c.from(*p) {
                            Some(d) if c.in_force(*p, t) => { (tag("In force", "green")) " from " (fmt_date(d)) }
                            Some(d) => { (tag("Not yet", "yellow")) " from " (fmt_date(d)) }
                            None => { (tag("Not in force", "grey")) " no day set" }
                        }
                    }, None))
                    (summary_row("Setting", html! { code { (setting(*p)) } }, None))
                    (summary_row("What it switches on", html! {
                        ul class="govuk-list govuk-list--bullet" { @for s in Commencement::switches(*p) { li { (s) } } }
                    }, None))
                }
            }
        },
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/admin/law-dates", web::get().to(page));
}
