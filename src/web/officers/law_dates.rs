//! `/officers/admin/law-dates`: the days the law this service applies came into force, what
//! each switches on, and the England and Wales bank holidays deemed service by post skips
//! (s.572). Administrators add a one-off holiday, or import GOV.UK's `bank-holidays.json`.
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::domain::commencement::{Commencement, Provision};
use crate::domain::service::{gov_uk_bank_holidays, overrides_from, BankHolidays};
use crate::error::{AppError, AppResult};
use crate::store::{audit, bank_holidays};
use crate::views::*;
use crate::web::auth::{Administrator, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

/// The setting that holds each provision's day.
fn setting(p: Provision) -> &'static str {
    match p {
        Provision::Consent => "CNIS_CONSENT_FROM",
        Provision::Register => "CNIS_REGISTER_FROM",
        Provision::SchoolAttendanceOrders => "CNIS_NEW_SAO_FROM",
    }
}

fn commencement(c: &Commencement, t: NaiveDate) -> Markup {
    html! {
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
    }
}

struct Holidays {
    rules: BankHolidays,
    changes: Vec<(NaiveDate, bool, String, String)>,
}

fn holidays_section(o: &CurrentOfficer, h: &Holidays, f: &FormData, errors: &Errors) -> Markup {
    let t = today();
    let year_on = t.checked_add_months(chrono::Months::new(12)).unwrap_or(t);
    let (d, m, y) = f.date_parts("day");
    html! {
        h2 class="govuk-heading-m" id="bank-holidays" { "Bank holidays in England and Wales" }
        p class="govuk-body" { "A posted notice is served after the working days of post (s.572): weekends and these days do not count. The service knows the usual holidays; add a one-off holiday here, or import GOV.UK's list, which decides every day of the years it covers." }
        div class="cnis-table-scroll" role="region" aria-label="The next 12 months" tabindex="0" { table class="govuk-table" {
            (table_head("The next 12 months", &["Date"]))
            tbody class="govuk-table__body" {
                @for day in h.rules.between(t, year_on) {
                    tr class="govuk-table__row" { td class="govuk-table__cell" { (day.format("%A ")) (fmt_date(day)) } }
                }
            }
        } }
        @if !h.changes.is_empty() {
            div class="cnis-table-scroll" role="region" aria-label="Days the council has changed" tabindex="0" { table class="govuk-table" {
                (table_head("Days the council has changed", &["Date", "Bank holiday", "Why", "From"]))
                tbody class="govuk-table__body" {
                    @for (day, is, title, source) in &h.changes {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (fmt_date(*day)) }
                            td class="govuk-table__cell" { @if *is { "Yes" } @else { "No" } }
                            td class="govuk-table__cell" { (title) }
                            td class="govuk-table__cell" { (source) }
                        }
                    }
                }
            } }
        }
        h3 class="govuk-heading-s" { "Add a bank holiday" }
        form method="post" action="/officers/admin/law-dates/bank-holidays" novalidate {
            (csrf_field(&o.csrf))
            (date_input("day", "Date", (&d, &m, &y), Some("For example, 14 6 2030"), errors.get("day")))
            (Input::new("title", "Name", f.get("title")).hint("For example, the proclamation that made it").error(errors.get("title")).render())
            (secondary_button("Add the bank holiday"))
        }
        h3 class="govuk-heading-s" { "Import GOV.UK's list" }
        form method="post" action="/officers/admin/law-dates/bank-holidays/import" novalidate {
            (csrf_field(&o.csrf))
            (textarea("json", "The contents of bank-holidays.json", f.get("json"), Some("Open https://www.gov.uk/bank-holidays.json and paste all of it here. Only the England and Wales days are used."), errors.get("json")))
            (secondary_button("Import the list"))
        }
    }
}

async fn load(state: &AppState) -> AppResult<Holidays> {
    state
        .db(|c| {
            Ok(Holidays {
                rules: bank_holidays::load(c)?,
                changes: bank_holidays::changes(c)?,
            })
        })
        .await
}

fn page(
    state: &AppState,
    o: &CurrentOfficer,
    h: &Holidays,
    f: &FormData,
    errors: &Errors,
    done: Option<&str>,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "When the law applies",
            nav: Some(o.nav("law")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (error_summary(errors))
            @if let Some(d) = done { (success_banner(d)) }
            h1 class="govuk-heading-l" { "When the law applies" }
            p class="govuk-body" { "The Children's Wellbeing and Schools Act 2026 brings each part into force on its own day, set by regulations. Until a day is set here, that part is not in force and none of its duties or bars apply. The days are settings: change them in the service's environment and restart it." }
            (commencement(&state.config.commencement(), today()))
            (holidays_section(o, h, f, errors))
        },
    )
}

async fn view(
    state: web::Data<AppState>,
    Administrator(o): Administrator,
    q: Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let h = load(&state).await?;
    let done = match q.get("done").map(String::as_str) {
        Some("added") => Some("The bank holiday is added"),
        Some("imported") => Some("GOV.UK's list is imported"),
        _ => None,
    };
    Ok(page(
        &state,
        &o,
        &h,
        &FormData::default(),
        &Errors::default(),
        done,
    ))
}

/// Stores the days and audits it; then back to the page.
async fn save(
    state: &AppState,
    o: &CurrentOfficer,
    days: Vec<(NaiveDate, bool, String)>,
    source: &'static str,
) -> AppResult<()> {
    let uid = o.user.id.clone();
    state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                let n = bank_holidays::set(c, &days, source, Some(&uid))?;
                audit::record(
                    c,
                    Some(&uid),
                    "bank_holidays_changed",
                    None,
                    &format!("administrator changed {n} bank holiday days ({source})"),
                )?;
                Ok(())
            })
        })
        .await
}

async fn add(
    state: web::Data<AppState>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let mut errors = Errors::default();
    let day = parse_date(&f, "day", "the date", true, &mut errors);
    let title = text(&f, "title", "the name of the holiday", 200, &mut errors);
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        let h = load(&state).await?;
        return Ok(page(&state, &o, &h, &f, &errors, None));
    };
    save(
        &state,
        &o,
        vec![(day, true, title)],
        "added by an administrator",
    )
    .await?;
    Ok(see_other(
        "/officers/admin/law-dates?done=added#bank-holidays",
    ))
}

async fn import(
    state: web::Data<AppState>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let mut errors = Errors::default();
    let json = f.get("json").trim();
    let days = if json.is_empty() {
        errors.add("json", "Paste the contents of bank-holidays.json");
        None
    } else {
        gov_uk_bank_holidays(json)
            .map_err(|e| errors.add("json", e))
            .ok()
    };
    let Some(days) = days else {
        let h = load(&state).await?;
        return Ok(page(&state, &o, &h, &f, &errors, None));
    };
    save(
        &state,
        &o,
        overrides_from(&days),
        "GOV.UK bank-holidays.json",
    )
    .await?;
    Ok(see_other(
        "/officers/admin/law-dates?done=imported#bank-holidays",
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/admin/law-dates", web::get().to(view))
        .route(
            "/officers/admin/law-dates/bank-holidays",
            web::post().to(add),
        )
        .route(
            "/officers/admin/law-dates/bank-holidays/import",
            web::post().to(import),
        );
}
