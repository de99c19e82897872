//! The managers' dashboard: the register over time and what is in progress, as charts drawn on
//! the server (SVG, no script) each beside its figures as a table. Counts only, and audited.
use actix_web::{web, HttpResponse};
use maud::html;

use crate::clock::{fmt_date, today};
use crate::domain::register::{label, ARRANGEMENTS, REASONS};
use crate::error::AppResult;
use crate::store::{audit, dashboard};
use crate::views::charts::{bars, figure, line, paired_columns};
use crate::web::auth::Manager;
use crate::web::{render, AppState, PageArgs};

fn children(n: i64) -> String {
    if n == 1 {
        "1 child".into()
    } else {
        format!("{n} children")
    }
}

fn table_rows(rows: &[(String, i64)]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|(l, n)| vec![l.clone(), n.to_string()])
        .collect()
}

async fn page(state: web::Data<AppState>, Manager(o): Manager) -> AppResult<HttpResponse> {
    let on = today();
    let uid = o.user.id.clone();
    let (f, flags, failed) = state
        .db(move |c| {
            audit::record(
                c,
                Some(&uid),
                "dashboard_viewed",
                None,
                "managers' dashboard",
            )?;
            Ok((
                dashboard::figures(c, on)?,
                crate::store::children::social_care_counts(c)?,
                crate::mail::count_permanent_failures(c)?,
            ))
        })
        .await?;
    Ok(render(
        &state,
        PageArgs {
            title: "Dashboard",
            nav: Some(o.nav("dashboard")),
            csrf: &o.csrf,
            errors: false,
        },
        charts(on, &f, &flags, failed),
    ))
}

/// The charts, each beside its figures.
fn charts(
    on: chrono::NaiveDate,
    f: &dashboard::Figures,
    flags: &[(&'static str, i64)],
    failed: i64,
) -> maud::Markup {
    let size: Vec<(String, i64)> = f
        .weekly_size
        .iter()
        .map(|(d, n)| (d.format("%-d %b %Y").to_string(), *n))
        .collect();
    let size_now = size.last().map_or(0, |(_, n)| *n);
    let size_then = size.first().map_or(0, |(_, n)| *n);
    let moves: Vec<(String, i64, i64)> = f
        .monthly_moves
        .iter()
        .map(|(d, a, b)| (d.format("%b %Y").to_string(), *a, *b))
        .collect();
    let arrangements: Vec<(String, i64)> = f
        .arrangements
        .iter()
        .map(|(c, n)| (label(ARRANGEMENTS, c).to_string(), *n))
        .collect();
    let reasons: Vec<(String, i64)> = f
        .reasons
        .iter()
        .map(|(c, n)| (label(REASONS, c).to_string(), *n))
        .collect();
    let ages: Vec<(String, i64)> = f
        .ages
        .iter()
        .map(|(a, n)| (format!("{a} years"), *n))
        .collect();
    let flags: Vec<(String, i64)> = flags
        .iter()
        .map(|(k, n)| {
            let filters = crate::store::children::social_care_filters();
            (label(&filters, k).to_string(), *n)
        })
        .collect();
    let applications: Vec<(String, i64)> = f
        .applications
        .iter()
        .map(|(s, n)| (s.label().to_string(), *n))
        .collect();
    let cases: Vec<(String, i64)> = f
        .cases
        .iter()
        .map(|(s, n)| (s.label().to_string(), *n))
        .collect();
    let total = |rows: &[(String, i64)]| rows.iter().map(|(_, n)| n).sum::<i64>();
    html! {
        span class="govuk-caption-l" { "On " (fmt_date(on)) }
        h1 class="govuk-heading-l" { "Dashboard" }
        p class="govuk-body" { "Counts for the council's own use. Figures shared outside the council must go through the DfE return's publication rounding (Education Act 1996, section 436C(5))." }
        @if failed > 0 {
            div class="govuk-warning-text" { span class="govuk-warning-text__icon" aria-hidden="true" { "!" } strong class="govuk-warning-text__text" { span class="govuk-visually-hidden" { "Warning" } (failed) " emails could not be delivered. " a class="govuk-link" href="/officers/" { "See them on the home page" } } }
        }
        (figure("size", "Children on the register", &format!("{} on the register now, {} a year ago, counted at the end of each week from the register's history.", children(size_now), children(size_then)),
            line("size", &size), &["Week ending", "Children"], &table_rows(&size)))
        (figure("moves", "Joined and left", &format!("In the last 12 months {} entries were made or reopened and {} closed.", moves.iter().map(|m| m.1).sum::<i64>(), moves.iter().map(|m| m.2).sum::<i64>()),
            paired_columns("moves", &moves, ("Joined", "Left")), &["Month", "Joined", "Left"],
            &moves.iter().map(|(m, a, b)| vec![m.clone(), a.to_string(), b.to_string()]).collect::<Vec<_>>()))
        (figure("arrangements", "How children are educated", &format!("{} children on the register, by arrangement.", total(&arrangements)),
            bars("arrangements", &arrangements), &["Arrangement", "Children"], &table_rows(&arrangements)))
        (figure("reasons", "Reasons given", "The primary reason recorded for each child on the register, in the DfE's categories.",
            bars("reasons", &reasons), &["Reason", "Children"], &table_rows(&reasons)))
        (figure("ages", "Ages", "Children on the register by age today.",
            bars("ages", &ages), &["Age", "Children"], &table_rows(&ages)))
        (figure("flags", "Known to children's social care", "Children on the register with each social care flag now.",
            bars("flags", &flags), &["Flag", "Children"], &table_rows(&flags)))
        (figure("applications", "Applications for consent", &format!("{} applications for consent to home educate, by where they stand.", total(&applications)),
            bars("applications", &applications), &["Stage", "Applications"], &table_rows(&applications)))
        (figure("cases", "School attendance cases", &format!("{} open school attendance cases, by stage.", total(&cases)),
            bars("cases", &cases), &["Stage", "Cases"], &table_rows(&cases)))
        (waiting(f, failed))
        h2 class="govuk-heading-m" { "Sharing these figures" }
        p class="govuk-body" { a class="govuk-link" href="/officers/dashboard/shareable" { "Figures you can share outside the council" } ", rounded and with small numbers withheld." }
    }
}

/// What waits on parents and the mail server: requests for information and undelivered emails.
fn waiting(f: &dashboard::Figures, failed: i64) -> maud::Markup {
    let requests = vec![
        ("Waiting, not yet due".to_string(), f.requests.0),
        ("Overdue".to_string(), f.requests.1),
    ];
    let emails = vec![("Could not be delivered".to_string(), failed)];
    html! {
        (figure("requests", "Requests for information", &format!("{} requests for information (section 436D(2)) waiting for an answer, {} of them past the date the parent was given.", f.requests.0 + f.requests.1, f.requests.1),
            bars("requests", &requests), &["Requests", "Number"], &table_rows(&requests)))
        (figure("emails", "Emails", "Emails the mail server refused, so a letter may be needed.",
            bars("emails", &emails), &["Emails", "Number"], &table_rows(&emails)))
    }
}

/// The figures that may leave the council (s.436C(5)): each rounded as the DfE publishes,
/// counts of 1 to 4 withheld, and nothing about social care or emails.
fn shareable(on: chrono::NaiveDate, f: &dashboard::Figures) -> maud::Markup {
    use crate::domain::returns::publishable;
    let table = |caption: &str, head: &str, rows: Vec<(String, i64)>| {
        html! {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { (caption) }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { (head) }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Children" }
                } }
                tbody class="govuk-table__body" {
                    @for (l, n) in &rows {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header govuk-!-font-weight-regular" { (l) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (publishable(usize::try_from(*n).unwrap_or(0))) }
                        }
                    }
                }
            }
        }
    };
    let size = f.weekly_size.last().map_or(0, |(_, n)| *n);
    html! {
        (crate::views::back_link("/officers/dashboard"))
        span class="govuk-caption-l" { "On " (fmt_date(on)) }
        h1 class="govuk-heading-l" { "Figures you can share" }
        p class="govuk-body" { "For councillors, the public and Freedom of Information answers. Nothing published may identify a child (Education Act 1996, section 436C(5)), so each figure is rounded to the nearest 10 and a figure of 1 to 4 is shown as \"low\". Counts about children's social care are not shared." }
        (table("Children on the register", "Figure", vec![("On the register".into(), size)]))
        (table("How children are educated", "Arrangement", f.arrangements.iter().map(|(c, n)| (label(ARRANGEMENTS, c).to_string(), *n)).collect()))
        (table("Reasons given", "Reason", f.reasons.iter().map(|(c, n)| (label(REASONS, c).to_string(), *n)).collect()))
        (table("Ages", "Age", f.ages.iter().map(|(a, n)| (format!("{a} years"), *n)).collect()))
    }
}

async fn shareable_page(
    state: web::Data<AppState>,
    Manager(o): Manager,
) -> AppResult<HttpResponse> {
    let on = today();
    let uid = o.user.id.clone();
    let f = state
        .db(move |c| {
            audit::record(c, Some(&uid), "dashboard_viewed", None, "shareable figures")?;
            Ok(dashboard::figures(c, on)?)
        })
        .await?;
    Ok(render(
        &state,
        PageArgs {
            title: "Figures you can share",
            nav: Some(o.nav("dashboard")),
            csrf: &o.csrf,
            errors: false,
        },
        shareable(on, &f),
    ))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/dashboard", web::get().to(page)).route(
        "/officers/dashboard/shareable",
        web::get().to(shareable_page),
    );
}
