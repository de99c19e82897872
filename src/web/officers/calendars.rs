//! Term calendars (s.579: a school day is a day the school holds a session), which the 10-school-
//! day window of s.436N(5) counts. The council keeps a default; a school with its own dates uses
//! those instead. Entered one at a time or imported as CSV.
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::html;

use crate::clock::fmt_date;
use crate::db::{new_id, now};
use crate::domain::register::label;
use crate::error::{AppError, AppResult};
use crate::store::attendance::{self as cases, TermDate, TERM_KINDS};
use crate::store::audit;
use crate::store::schools::School;
use crate::views::*;
use crate::web::auth::{Administrator, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

/// "council" is the default calendar; anything else a school's id.
fn which(key: &str) -> AppResult<Option<String>> {
    if key == "council" {
        Ok(None)
    } else {
        crate::web::parse_id(key).map(Some)
    }
}

struct Loaded {
    school: Option<School>,
    rows: Vec<TermDate>,
    schools: Vec<School>,
}

async fn load(state: &AppState, school: Option<String>) -> AppResult<Loaded> {
    state
        .db(move |c| {
            let s = match &school {
                Some(id) => Some(crate::store::schools::find(c, id)?.ok_or(AppError::NotFound)?),
                None => None,
            };
            Ok(Loaded {
                rows: cases::term_dates(c, school.as_deref())?,
                school: s,
                schools: crate::store::schools::all(c)?,
            })
        })
        .await
}

fn page(
    state: &AppState,
    o: &CurrentOfficer,
    l: &Loaded,
    f: &FormData,
    errors: &Errors,
    done: Option<&str>,
) -> HttpResponse {
    let key = l
        .school
        .as_ref()
        .map(|s| s.id.clone())
        .unwrap_or_else(|| "council".into());
    let base = format!("/officers/admin/calendars/{key}");
    let (sd, sm, sy) = f.date_parts("starts_on");
    let (ed, em, ey) = f.date_parts("ends_on");
    render(
        state,
        PageArgs {
            title: "Term calendars",
            nav: Some(o.nav("calendars")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (error_summary(errors))
            @if let Some(d) = done { (success_banner(d)) }
            h1 class="govuk-heading-l" { "Term calendars" }
            p class="govuk-body" { "School days are weekdays inside a term and not in a closure. They count the 10 school days a school has to object to being named in a school attendance order (s.436N(5)). A school with its own dates uses them; every other school uses the council's." }
            nav aria-label="Calendars" {
                ul class="govuk-list" {
                    li { @if l.school.is_none() { strong { "Council default" } } @else { a class="govuk-link" href="/officers/admin/calendars/council" { "Council default" } } }
                    @for s in &l.schools {
                        li { @if l.school.as_ref().is_some_and(|x| x.id == s.id) { strong { (s.name) } } @else { a class="govuk-link" href={ "/officers/admin/calendars/" (s.id) } { (s.name) } } }
                    }
                }
            }
            h2 class="govuk-heading-m" { (l.school.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| "Council default".into())) }
            @if l.rows.is_empty() {
                p class="govuk-body" { @if l.school.is_some() { "No dates of its own: this school uses the council's calendar." } @else { "No dates yet: until there are, every weekday counts as a school day." } }
            } @else {
                div class="cnis-table-scroll" role="region" aria-label="Term dates" tabindex="0" { table class="govuk-table" {
                    (table_head("Term dates", &["Name", "Kind", "From", "To", ""]))
                    tbody class="govuk-table__body" {
                        @for r in &l.rows {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (r.name) }
                                td class="govuk-table__cell" { (label(TERM_KINDS, &r.kind)) }
                                td class="govuk-table__cell" { (fmt_date(r.starts_on)) }
                                td class="govuk-table__cell" { (fmt_date(r.ends_on)) }
                                td class="govuk-table__cell" {
                                    form method="post" action={ (base) "/remove" } class="cnis-inline-form" {
                                        (csrf_field(&o.csrf))
                                        input type="hidden" name="id" value=(r.id);
                                        button type="submit" class="govuk-button govuk-button--secondary cnis-button--small" data-module="govuk-button" { "Remove" span class="govuk-visually-hidden" { " " (r.name) } }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
            h2 class="govuk-heading-m" { "Add dates" }
            form method="post" action={ (base) "/add" } novalidate {
                (csrf_field(&o.csrf))
                (radios("kind", "Kind", TERM_KINDS, f.get("kind"), None, errors.get("kind")))
                (Input::new("name", "Name", f.get("name")).hint("For example, Autumn term 2026 or October half term").error(errors.get("name")).render())
                (date_input("starts_on", "First day", (&sd, &sm, &sy), None, errors.get("starts_on")))
                (date_input("ends_on", "Last day", (&ed, &em, &ey), None, errors.get("ends_on")))
                (button("Add the dates"))
            }
            h2 class="govuk-heading-m" { "Import from CSV" }
            form method="post" action={ (base) "/import" } novalidate {
                (csrf_field(&o.csrf))
                (textarea("csv", "CSV", f.get("csv"), Some("Columns: school_urn,kind,starts_on,ends_on,name. Leave school_urn empty for the council default; kind is term or closed; dates as 2026-09-03. Nothing is imported unless every line is right."), errors.get("csv")))
                (secondary_button("Import"))
            }
        },
    )
}

async fn index() -> HttpResponse {
    see_other("/officers/admin/calendars/council")
}

async fn view(
    state: web::Data<AppState>,
    Administrator(o): Administrator,
    path: web::Path<String>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let l = load(&state, which(&path.into_inner())?).await?;
    let done = q.get("done").map(|d| match d.as_str() {
        "added" => "The dates are added",
        "removed" => "The dates are removed",
        "imported" => "The CSV is imported",
        _ => "Saved",
    });
    Ok(page(
        &state,
        &o,
        &l,
        &FormData::default(),
        &Errors::default(),
        done,
    ))
}

fn read_range(f: &FormData, errors: &mut Errors) -> Option<(NaiveDate, NaiveDate)> {
    let s = parse_date(f, "starts_on", "the first day", true, errors);
    let e = parse_date(f, "ends_on", "the last day", true, errors);
    match (s, e) {
        (Some(s), Some(e)) if e < s => {
            errors.add(
                "ends_on",
                "The last day must be the same as or after the first day",
            );
            None
        }
        (Some(s), Some(e)) => Some((s, e)),
        _ => None,
    }
}

async fn add(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let school = which(&path.into_inner())?;
    let f = form.into_inner();
    let l = load(&state, school.clone()).await?;
    let mut errors = Errors::default();
    let kind = choice(
        &f,
        "kind",
        TERM_KINDS,
        "Select whether these are term dates or a closure",
        &mut errors,
    );
    let name = text(&f, "name", "a name", 100, &mut errors);
    let range = read_range(&f, &mut errors);
    let Some((s, e)) = range.filter(|_| errors.is_empty()) else {
        return Ok(page(&state, &o, &l, &f, &errors, None));
    };
    let uid = o.user.id.clone();
    let key = school.clone().unwrap_or_else(|| "council".into());
    state
        .db(move |c| {
            cases::add_term_date(
                c,
                &TermDate {
                    id: new_id(),
                    school_id: school,
                    kind,
                    starts_on: s,
                    ends_on: e,
                    name,
                    created_at: now(),
                },
            )?;
            audit::record(
                c,
                Some(&uid),
                "term_dates_added",
                None,
                "term calendar changed",
            )?;
            Ok(())
        })
        .await?;
    Ok(see_other(&format!(
        "/officers/admin/calendars/{key}?done=added"
    )))
}

async fn remove(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let school = which(&path.into_inner())?;
    let id = crate::web::parse_id(form.get("id"))?;
    let uid = o.user.id.clone();
    let key = school.clone().unwrap_or_else(|| "council".into());
    state
        .db(move |c| {
            let ours = cases::term_dates(c, school.as_deref())?
                .iter()
                .any(|t| t.id == id);
            if !ours {
                return Err(AppError::NotFound);
            }
            cases::remove_term_date(c, &id)?;
            audit::record(
                c,
                Some(&uid),
                "term_dates_removed",
                None,
                "term calendar changed",
            )?;
            Ok(())
        })
        .await?;
    Ok(see_other(&format!(
        "/officers/admin/calendars/{key}?done=removed"
    )))
}

/// Reads the pasted CSV into rows, or every problem with its line number.
pub fn parse_csv(text: &str, schools: &[School]) -> Result<Vec<TermDate>, Vec<String>> {
    let mut out = vec![];
    let mut problems = vec![];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let date = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
            .ok()
    };
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(_) => {
                problems.push(format!("Line {line}: could not be read as CSV"));
                continue;
            }
        };
        let get = |k: usize| rec.get(k).unwrap_or("").to_string();
        if rec.len() < 5 {
            problems.push(format!(
                "Line {line}: needs 5 columns (school_urn, kind, starts_on, ends_on, name)"
            ));
            continue;
        }
        let urn = get(0);
        let school_id = if urn.is_empty() {
            None
        } else {
            match schools.iter().find(|s| s.urn == urn) {
                Some(s) => Some(s.id.clone()),
                None => {
                    problems.push(format!("Line {line}: no school with URN {urn}"));
                    continue;
                }
            }
        };
        let kind = get(1).to_lowercase();
        if !TERM_KINDS.iter().any(|(k, _)| *k == kind) {
            problems.push(format!("Line {line}: kind must be term or closed"));
            continue;
        }
        let (Some(s), Some(e)) = (date(&get(2)), date(&get(3))) else {
            problems.push(format!(
                "Line {line}: dates must be real dates like 2026-09-03"
            ));
            continue;
        };
        if e < s {
            problems.push(format!("Line {line}: the last day is before the first"));
            continue;
        }
        let name = get(4);
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(format!("Line {line}: the name must be 1 to 100 characters"));
            continue;
        }
        out.push(TermDate {
            id: new_id(),
            school_id,
            kind,
            starts_on: s,
            ends_on: e,
            name,
            created_at: now(),
        });
    }
    if out.is_empty() && problems.is_empty() {
        problems.push("The CSV has no rows under its header line".into());
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

async fn import(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Administrator(o), form): Post<Administrator>,
) -> AppResult<HttpResponse> {
    let school = which(&path.into_inner())?;
    let f = form.into_inner();
    let l = load(&state, school.clone()).await?;
    let mut errors = Errors::default();
    let text_ = f.get("csv");
    let rows = if text_.is_empty() {
        errors.add("csv", "Paste the CSV to import");
        vec![]
    } else if text_.len() > 400_000 {
        errors.add(
            "csv",
            "The CSV must be 400,000 characters or fewer: import it in parts",
        );
        vec![]
    } else {
        match parse_csv(text_, &l.schools) {
            Ok(r) => r,
            Err(p) => {
                let shown: Vec<String> = p.iter().take(5).cloned().collect();
                errors.add(
                    "csv",
                    format!(
                        "{}{}",
                        shown.join("; "),
                        if p.len() > 5 {
                            format!(" (and {} more)", p.len() - 5)
                        } else {
                            String::new()
                        }
                    ),
                );
                vec![]
            }
        }
    };
    if !errors.is_empty() {
        return Ok(page(&state, &o, &l, &f, &errors, None));
    }
    let uid = o.user.id.clone();
    let key = school.unwrap_or_else(|| "council".into());
    state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                for r in &rows {
                    cases::add_term_date(c, r)?;
                }
                audit::record(
                    c,
                    Some(&uid),
                    "term_dates_imported",
                    None,
                    &format!("{} term calendar rows imported", rows.len()),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(see_other(&format!(
        "/officers/admin/calendars/{key}?done=imported"
    )))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/admin/calendars", web::get().to(index))
        .route("/officers/admin/calendars/{key}", web::get().to(view))
        .route("/officers/admin/calendars/{key}/add", web::post().to(add))
        .route(
            "/officers/admin/calendars/{key}/remove",
            web::post().to(remove),
        )
        .service(
            // A whole council's calendars in one paste: more than the usual form limit.
            web::resource("/officers/admin/calendars/{key}/import")
                .app_data(crate::web::forms::FormLimit(512 * 1024))
                .app_data(web::PayloadConfig::new(512 * 1024))
                .route(web::post().to(import)),
        );
}
