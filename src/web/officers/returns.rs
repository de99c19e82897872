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
    [y, y - 1]
        .iter()
        .flat_map(|y| returns::default_census_dates(*y))
        .filter(|(_, d)| *d <= t)
        .map(|(term, d)| (format!("{term} {}", returns::academic_year_words(d)), d))
        .collect()
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

/// The return in the DfE's column layout; `published` rounds and withholds small counts.
fn return_csv(state: &AppState, r: &Return, published: bool) -> AppResult<Vec<u8>> {
    let c = &state.config;
    let count = |n: usize| {
        if published {
            returns::publishable(n)
        } else {
            n.to_string()
        }
    };
    let mut w = csv::Writer::from_writer(vec![]);
    let csv_err = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record([
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
    ])
    .map_err(csv_err)?;
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
    for (topic, breakdown, n) in r
        .lines
        .iter()
        .map(|l| (l.topic, l.breakdown.clone(), l.children.len()))
        .chain(std::iter::once(previous))
    {
        let mut row: Vec<String> = fixed.to_vec();
        row.extend([topic.to_string(), breakdown, count(n)]);
        w.write_record(&row).map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

async fn download(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    q: &HashMap<String, String>,
    published: bool,
) -> AppResult<HttpResponse> {
    let on = match census_date(q) {
        Ok(Some(on)) => on,
        _ => return Err(AppError::BadRequest("Choose a census date".into())),
    };
    let r = work_out(state, on).await?;
    let body = return_csv(state, &r, published)?;
    let (uid, what) = (
        o.user.id.clone(),
        format!(
            "census date {on}, {}",
            if published {
                "for publication"
            } else {
                "exact, for the DfE"
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
                &what,
            )?)
        })
        .await?;
    let name = if published {
        "ehe-published"
    } else {
        "ehe-return"
    };
    Ok(csv_download(&format!("{name}-{on}.csv"), body))
}

async fn exact_csv(
    state: web::Data<AppState>,
    Manager(o): Manager,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    download(&state, &o, &q, false).await
}

async fn published_csv(
    state: web::Data<AppState>,
    Manager(o): Manager,
    q: Query<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    download(&state, &o, &q, true).await
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
        );
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
