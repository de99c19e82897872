//! The DfE's termly elective home education return (standards.md §2.2), for managers: counts as
//! the register stood on a census date, each count's children one click away, and the return as
//! CSV in the DfE's column layout, exact for the DfE and rounded for publication (s.436C(5)).
use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use maud::html;

use crate::clock::{fmt_date, today};
use crate::db::schema::children;
use crate::domain::register::{label, REASONS};
use crate::domain::returns::{self, Line};
use crate::error::{AppError, AppResult};
use crate::store::{audit, returns as store};
use crate::views::*;
use crate::web::auth::Manager;
use crate::web::forms::{parse_date, FormData, Query};
use crate::web::{csv_download, render, AppState, PageArgs};

/// The return for one census date, worked out once per request.
struct Return {
    on: NaiveDate,
    lines: Vec<Line>,
    /// Children home educated at any point in the academic year before the census date's.
    previous_year: Vec<String>,
}

/// The DfE's words for the register's codes: "Unknown" for sex not known, the DfE reason
/// categories including not known and not provided.
fn sex_word(code: &str) -> String {
    match code {
        "F" => "Female".into(),
        "M" => "Male".into(),
        _ => "Unknown".into(),
    }
}

fn reason_word(code: &str) -> String {
    label(REASONS, code).to_string()
}

async fn work_out(state: &AppState, on: NaiveDate) -> AppResult<Return> {
    let y = returns::academic_year(on) - 1;
    let (from, to) = (
        NaiveDate::from_ymd_opt(y, 9, 1).unwrap_or(on),
        NaiveDate::from_ymd_opt(y + 1, 8, 31).unwrap_or(on),
    );
    let (entries, previous_year) = state
        .db(move |c| {
            Ok((
                store::register_as_at(c, on)?,
                store::home_educated_between(c, from, to)?,
            ))
        })
        .await?;
    Ok(Return {
        on,
        lines: returns::breakdowns(&entries, on, sex_word, reason_word),
        previous_year,
    })
}

/// The census dates offered: this academic year's and last year's, as set or as usual.
fn census_dates(state: &AppState) -> Vec<(String, NaiveDate)> {
    let t = today();
    if !state.config.census_dates.is_empty() {
        return state
            .config
            .census_dates
            .iter()
            .filter(|d| **d <= t)
            .map(|d| (returns::term(*d).to_string(), *d))
            .collect();
    }
    let y = returns::academic_year(t);
    let mut dates: Vec<(String, NaiveDate)> = [y, y - 1]
        .iter()
        .flat_map(|y| returns::default_census_dates(*y))
        .filter(|(_, d)| *d <= t)
        .map(|(term, d)| (format!("{term} {}", returns::academic_year_words(d)), d))
        .collect();
    // The latest first: usually the one being sent.
    dates.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    dates
}

/// The census date asked for (`on`, or its day, month and year), or the errors.
fn census_date(q: &HashMap<String, String>) -> Result<Option<NaiveDate>, Errors> {
    let mut errors = Errors::default();
    let form = FormData(q.clone());
    let on = match q.get("on").map(String::as_str) {
        Some("other") | None if form.opt("on_date-year").is_some() => {
            parse_date(&form, "on_date", "the census date", true, &mut errors)
        }
        Some("other") => {
            errors.add("on_date", "Enter the census date");
            None
        }
        Some(d) => match d.parse::<NaiveDate>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.add("on", "Choose a census date");
                None
            }
        },
        None => return Ok(None),
    };
    if on.is_some_and(|d| d > today()) {
        errors.add("on_date", "The census date must be today or in the past");
    }
    if errors.is_empty() {
        Ok(on)
    } else {
        Err(errors)
    }
}

async fn page(
    state: web::Data<AppState>,
    Manager(o): Manager,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let (on, errors) = match census_date(&q) {
        Ok(on) => (on, Errors::default()),
        Err(e) => (None, e),
    };
    let ret = match on {
        Some(on) => Some(work_out(&state, on).await?),
        None => None,
    };
    if let Some(r) = &ret {
        let (uid, on) = (o.user.id.clone(), r.on);
        state
            .db(move |c| {
                Ok(audit::record(
                    c,
                    Some(&uid),
                    "dfe_return_viewed",
                    None,
                    &format!("census date {on}"),
                )?)
            })
            .await?;
    }
    let dates = census_dates(&state);
    let (d, m, y) = FormData(q.clone()).date_parts("on_date");
    Ok(render(
        &state,
        PageArgs {
            title: "The DfE return",
            nav: Some(o.nav("returns")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(&errors))
                h1 class="govuk-heading-l" { "Elective home education: the DfE return" }
                p class="govuk-body" { "Counts are taken as the register stood at the end of the census date: entries made later are left out, and changes made since are undone. Each count links to its children, for checking before you send it." }
                form method="get" action="/officers/returns" novalidate {
                    div class={ "govuk-form-group" @if !errors.is_empty() { " govuk-form-group--error" } } {
                        fieldset class="govuk-fieldset" {
                            legend class="govuk-fieldset__legend govuk-fieldset__legend--m" { "Census date" }
                            @if let Some(e) = errors.get("on") { p id="on-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error: " } (e) } }
                            div class="govuk-radios govuk-radios--small" data-module="govuk-radios" {
                                @for (i, (name, date)) in dates.iter().enumerate() {
                                    @let id = if i == 0 { "on".to_string() } else { format!("on-{i}") };
                                    div class="govuk-radios__item" {
                                        input class="govuk-radios__input" id=(id) name="on" type="radio" value=(date.to_string()) checked[ret.as_ref().is_some_and(|r| r.on == *date)];
                                        label class="govuk-label govuk-radios__label" for=(id) { (name) ": " (fmt_date(*date)) }
                                    }
                                }
                                div class="govuk-radios__item" {
                                    input class="govuk-radios__input" id="on-other" name="on" type="radio" value="other" checked[q.get("on").is_some_and(|v| v == "other")];
                                    label class="govuk-label govuk-radios__label" for="on-other" { "Another date" }
                                }
                            }
                        }
                    }
                    (date_input("on_date", "Another date", (&d, &m, &y), Some("If you chose another date. For example, 1 10 2026"), errors.get("on_date")))
                    (button("Show the return"))
                }
            }}
            @if let Some(r) = &ret { (return_tables(r)) }
        },
    ))
}

fn return_tables(r: &Return) -> maud::Markup {
    let on = r.on.to_string();
    html! {
        h2 class="govuk-heading-l" { (returns::term(r.on)) " " (returns::academic_year_words(r.on)) ": census date " (fmt_date(r.on)) }
        p class="govuk-body" {
            a class="govuk-link" href={ "/officers/returns/return.csv?on=" (on) } { "Download the return for the DfE (CSV, exact counts)" }
            br;
            a class="govuk-link" href={ "/officers/returns/published.csv?on=" (on) } { "Download figures for publication (CSV, rounded to the nearest 10, 1 to 4 shown as low)" }
            br;
            a class="govuk-link" href={ "/officers/returns/return.xlsx?on=" (on) } { "Download both as a spreadsheet (XLSX)" }
        }
        div class="cnis-table-scroll" role="region" aria-label="The return" tabindex="0" {
            table class="govuk-table" {
                (table_head("Children in elective home education on the census date", &["Breakdown", "Children", "For publication"]))
                tbody class="govuk-table__body" {
                    @for (i, l) in r.lines.iter().enumerate() {
                        @if i == 0 || r.lines[i - 1].topic != l.topic {
                            tr class="govuk-table__row" { th scope="rowgroup" colspan="3" class="govuk-table__header" { (l.topic) } }
                        }
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header govuk-!-font-weight-regular" { (l.breakdown) }
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/returns/children?on=" (on) "&line=" (i) } { (l.children.len()) span class="govuk-visually-hidden" { " children: " (l.topic) ", " (l.breakdown) } } }
                            td class="govuk-table__cell" { (returns::publishable(l.children.len())) }
                        }
                    }
                }
            }
        }
        p class="govuk-body" {
            "In elective home education at any point in " (returns::academic_year(r.on) - 1) " to " (returns::academic_year(r.on)) ": "
            strong { (r.previous_year.len()) }
            " (for publication: " (returns::publishable(r.previous_year.len())) ")."
        }
        p class="govuk-body" { "Children missing education are not counted here: the register does not yet record a child identified as missing education (s.436A)." }
    }
}

/// The children behind one count, to check before sending.
async fn children_of_line(
    state: web::Data<AppState>,
    Manager(o): Manager,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let on = match census_date(&q) {
        Ok(Some(on)) => on,
        _ => return Err(AppError::BadRequest("Choose a census date".into())),
    };
    let line: usize = q
        .get("line")
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| AppError::BadRequest("Choose a count from the return".into()))?;
    let r = work_out(&state, on).await?;
    let l = r.lines.get(line).cloned().ok_or(AppError::NotFound)?;
    let ids = l.children.clone();
    let uid = o.user.id.clone();
    let what = format!("census date {on}, {}: {}", l.topic, l.breakdown);
    let mut rows: Vec<(String, String, String, String)> = state
        .db(move |c| {
            audit::record(c, Some(&uid), "dfe_return_children_listed", None, &what)?;
            let mut rows = vec![];
            for chunk in ids.chunks(500) {
                rows.extend(
                    children::table
                        .filter(crate::db::one_of::one_of(children::id, chunk))
                        .select((
                            children::id,
                            children::reference,
                            children::family_name,
                            children::given_names,
                        ))
                        .load::<(String, String, String, String)>(c)?,
                );
            }
            Ok(rows)
        })
        .await?;
    rows.sort_by(|a, b| (&a.2, &a.3).cmp(&(&b.2, &b.3)));
    Ok(render(
        &state,
        PageArgs {
            title: "Children in the count",
            nav: Some(o.nav("returns")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            (back_link(&format!("/officers/returns?on={on}")))
            span class="govuk-caption-l" { "Census date " (fmt_date(on)) }
            h1 class="govuk-heading-l" { (l.topic) ": " (l.breakdown) }
            p class="govuk-body" { (rows.len()) " children." }
            ul class="govuk-list" {
                @for (id, reference, family, given) in &rows {
                    li { a class="govuk-link" href={ "/officers/children/" (id) } { (given) " " (family) } " " span class="govuk-hint cnis-inline-hint" { (reference) } }
                }
            }
        },
    ))
}

/// The DfE's columns for the return.
const COLUMNS: [&str; 12] = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "census_date",
    "breakdown_topic",
    "breakdown",
    "child_count",
];

/// The return's rows in the DfE's column layout, each with its exact count last.
fn return_rows(state: &AppState, r: &Return) -> Vec<(Vec<String>, usize)> {
    let c = &state.config;
    let fixed = [
        returns::time_period(r.on),
        returns::term(r.on).to_string(),
        "Local authority".to_string(),
        "E92000001".to_string(),
        "England".to_string(),
        c.la_code.clone().unwrap_or_default(),
        c.new_la_code.clone().unwrap_or_default(),
        c.council_name.clone(),
        r.on.to_string(),
    ];
    let previous = (
        "EHE at any point in the previous academic year",
        "Total".to_string(),
        r.previous_year.len(),
    );
    r.lines
        .iter()
        .map(|l| (l.topic, l.breakdown.clone(), l.children.len()))
        .chain(std::iter::once(previous))
        .map(|(topic, breakdown, n)| {
            let mut row = fixed.to_vec();
            row.extend([topic.to_string(), breakdown]);
            (row, n)
        })
        .collect()
}

/// A count as it leaves the service: exact for the DfE, or rounded for publication.
fn count(n: usize, published: bool) -> String {
    if published {
        returns::publishable(n)
    } else {
        n.to_string()
    }
}

/// The return as CSV; `published` rounds and withholds small counts.
fn return_csv(state: &AppState, r: &Return, published: bool) -> AppResult<Vec<u8>> {
    let csv_err = |e: csv::Error| AppError::Internal(e.to_string());
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(COLUMNS).map_err(csv_err)?;
    for (mut row, n) in return_rows(state, r) {
        row.push(count(n, published));
        w.write_record(&row).map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The return as a spreadsheet: a sheet for the DfE (exact counts, as numbers) and a sheet for
/// publication (rounded, 1 to 4 as "low").
fn return_xlsx(state: &AppState, r: &Return) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let rows = return_rows(state, r);
    for (name, published) in [("For the DfE", false), ("For publication", true)] {
        let sheet = book.add_worksheet().set_name(name).map_err(xl)?;
        for (col, title) in (0u16..).zip(COLUMNS) {
            sheet
                .write_string_with_format(0, col, title, &bold)
                .map_err(xl)?;
        }
        for (line, (row, n)) in (1u32..).zip(&rows) {
            for (col, v) in (0u16..).zip(row) {
                sheet.write_string(line, col, v).map_err(xl)?;
            }
            let last = COLUMNS.len() as u16 - 1;
            if published {
                sheet
                    .write_string(line, last, returns::publishable(*n))
                    .map_err(xl)?;
            } else {
                sheet.write_number(line, last, *n as f64).map_err(xl)?;
            }
        }
        sheet.autofit();
    }
    book.save_to_buffer().map_err(xl)
}

/// What a download holds.
#[derive(Clone, Copy, PartialEq)]
enum Download {
    ExactCsv,
    PublishedCsv,
    Spreadsheet,
}

async fn download(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    q: &HashMap<String, String>,
    what: Download,
) -> AppResult<HttpResponse> {
    let on = match census_date(q) {
        Ok(Some(on)) => on,
        _ => return Err(AppError::BadRequest("Choose a census date".into())),
    };
    let r = work_out(state, on).await?;
    let (uid, purpose) = (
        o.user.id.clone(),
        format!(
            "census date {on}, {}",
            match what {
                Download::ExactCsv => "CSV, exact, for the DfE",
                Download::PublishedCsv => "CSV, rounded, for publication",
                Download::Spreadsheet => "spreadsheet, exact and rounded",
            }
        ),
    );
    state
        .db(move |c| {
            Ok(audit::record(
                c,
                Some(&uid),
                "dfe_return_downloaded",
                None,
                &purpose,
            )?)
        })
        .await?;
    Ok(match what {
        Download::ExactCsv => csv_download(
            &format!("ehe-return-{on}.csv"),
            return_csv(state, &r, false)?,
        ),
        Download::PublishedCsv => csv_download(
            &format!("ehe-published-{on}.csv"),
            return_csv(state, &r, true)?,
        ),
        Download::Spreadsheet => HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ehe-return-{on}.xlsx\""),
            ))
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .body(return_xlsx(state, &r)?),
    })
}

async fn exact_csv(
    state: web::Data<AppState>,
    Manager(o): Manager,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    download(&state, &o, &q, Download::ExactCsv).await
}

async fn published_csv(
    state: web::Data<AppState>,
    Manager(o): Manager,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    download(&state, &o, &q, Download::PublishedCsv).await
}

async fn spreadsheet(
    state: web::Data<AppState>,
    Manager(o): Manager,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    download(&state, &o, &q, Download::Spreadsheet).await
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/returns", web::get().to(page))
        .route(
            "/officers/returns/children",
            web::get().to(children_of_line),
        )
        .route("/officers/returns/return.csv", web::get().to(exact_csv))
        .route(
            "/officers/returns/published.csv",
            web::get().to(published_csv),
        )
        .route("/officers/returns/return.xlsx", web::get().to(spreadsheet));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dfe_words_for_sex() {
        assert_eq!(
            ["F", "M", "U", ""].map(sex_word),
            ["Female", "Male", "Unknown", "Unknown"]
        );
    }
}
