//! The audit log, for managers and administrators: search and CSV export.
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use crate::domain::export::spreadsheet_safe;
use crate::error::{AppError, AppResult};
use crate::services;
use crate::store::audit::{self, AuditFilter};
use crate::views::*;
use crate::web::auth::Auditor;
use crate::web::forms::FormData;
use crate::web::{render, AppState, PageArgs};

#[derive(serde::Deserialize, Default, Clone)]
struct AuditQuery {
    reference: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
}

/// Turns the query into a filter; the child is named by register reference (not personal data).
async fn to_filter(
    state: &AppState,
    q: &AuditQuery,
    errors: &mut Errors,
) -> AppResult<AuditFilter> {
    let mut f = AuditFilter {
        action: q.action.clone().filter(|a| !a.trim().is_empty()),
        ..Default::default()
    };
    for (field, v) in [("action", &q.action), ("reference", &q.reference)] {
        if v.as_deref().is_some_and(|v| {
            crate::domain::register::has_disallowed_chars(v, false) || v.len() > 100
        }) {
            errors.add(field, "Search for letters, numbers and dashes only");
        }
    }
    if !errors.is_empty() {
        return Ok(f);
    }
    let parse = |s: &Option<String>| {
        s.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
    };
    match parse(&q.from) {
        Some(Ok(d)) => f.from = d.and_hms_opt(0, 0, 0),
        Some(Err(_)) => errors.add(
            "from",
            "Enter the from date as year-month-day, like 2026-11-01",
        ),
        None => {}
    }
    match parse(&q.to) {
        Some(Ok(d)) => f.to = d.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)),
        Some(Err(_)) => errors.add("to", "Enter the to date as year-month-day, like 2026-11-30"),
        None => {}
    }
    if let Some(r) = q.reference.clone().filter(|r| !r.trim().is_empty()) {
        let found = state
            .db(move |c| {
                use crate::db::schema::children::dsl as ch;
                use diesel::prelude::*;
                let r = r.trim().to_uppercase();
                Ok(ch::children
                    .filter(ch::reference.eq(r))
                    .select(ch::id)
                    .first::<String>(c)
                    .optional()?)
            })
            .await?;
        match found {
            Some(id) => f.child_id = Some(id),
            None => errors.add("reference", "No register entry has that reference"),
        }
    }
    Ok(f)
}

async fn page(
    state: web::Data<AppState>,
    Auditor(o): Auditor,
    q: crate::web::forms::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let mut errors = Errors::default();
    let filter = to_filter(&state, &q, &mut errors).await?;
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let uid = o.user.id.clone();
    let f2 = filter.clone();
    let ok = errors.is_empty();
    let rows = state
        .db(move |c| services::audit::search(c, &uid, ok.then_some(&f2), page))
        .await?;
    let f = FormData(
        [
            ("reference", q.reference.clone()),
            ("action", q.action.clone()),
            ("from", q.from.clone()),
            ("to", q.to.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.unwrap_or_default()))
        .collect(),
    );
    let export = serde_urlencoded::to_string([
        ("reference", f.get("reference")),
        ("action", f.get("action")),
        ("from", f.get("from")),
        ("to", f.get("to")),
    ])
    .unwrap_or_default();
    Ok(render(
        &state,
        PageArgs {
            title: "Audit log",
            nav: Some(o.nav("audit")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (error_summary(&errors))
            h1 class="govuk-heading-l" { "Audit log" }
            p class="govuk-body" { "Every view and change of a child's record, every sign-in and every search, newest first." }
            form method="get" action="/officers/audit" novalidate {
                div class="govuk-grid-row" {
                    div class="govuk-grid-column-one-quarter" { (Input::new("reference", "Register reference", f.get("reference")).no_spellcheck().error(errors.get("reference")).render()) }
                    div class="govuk-grid-column-one-quarter" { (Input::new("action", "Action", f.get("action")).hint("For example view_record").no_spellcheck().render()) }
                    div class="govuk-grid-column-one-quarter" { (Input::new("from", "From (YYYY-MM-DD)", f.get("from")).error(errors.get("from")).render()) }
                    div class="govuk-grid-column-one-quarter" { (Input::new("to", "To (YYYY-MM-DD)", f.get("to")).error(errors.get("to")).render()) }
                }
                (secondary_button("Search the audit log"))
            }
            p class="govuk-body" { a class="govuk-link" href={ "/officers/audit.csv?" (export) } { "Download these events as CSV" } }
            (events_table(&rows, &export, page))
        },
    ))
}

/// One page of events, with a link to the next, older page when it is full.
fn events_table(rows: &[services::audit::Row], export: &str, page: i64) -> Markup {
    html! {
        div class="cnis-table-scroll" role="region" aria-label="Audit events" tabindex="0" { table class="govuk-table" {
            (table_head("Audit events", &["When (UK time)", "Who", "Action", "Record", "Why"]))
            tbody class="govuk-table__body" {
                @for (e, who, reference) in rows {
                    tr class="govuk-table__row" {
                        td class="govuk-table__cell" { (crate::clock::fmt_time(e.at)) }
                        td class="govuk-table__cell" { (who.as_deref().unwrap_or("System")) }
                        td class="govuk-table__cell" { (e.action) }
                        td class="govuk-table__cell" { @if let (Some(r), Some(id)) = (reference, &e.child_id) { a class="govuk-link" href={ "/officers/audit?reference=" (r) } { (r) } span class="govuk-visually-hidden" { " " (id) } } }
                        td class="govuk-table__cell" { (e.purpose) }
                    }
                }
            }
        } }
        @if rows.len() == 100 { p class="govuk-body" { a class="govuk-link" href={ "/officers/audit?" (export) "&page=" (page + 1) } { "Older events" } } }
    }
}

async fn export_csv(
    state: web::Data<AppState>,
    Auditor(o): Auditor,
    q: crate::web::forms::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let mut errors = Errors::default();
    let filter = to_filter(&state, &q, &mut errors).await?;
    if let Some((_, m)) = errors.0.first() {
        return Err(AppError::BadRequest(m.clone()));
    }
    let uid = o.user.id.clone();
    let body = state
        .db(move |c| {
            audit::record(
                c,
                Some(&uid),
                "export_audit_log",
                None,
                "officer exported the audit log as CSV",
            )?;
            let rows = audit::search(c, &filter, 0, 1_000_000)?;
            let mut w = csv::Writer::from_writer(vec![]);
            w.write_record([
                "at_utc",
                "user_id",
                "user_name",
                "action",
                "child_id",
                "purpose",
            ])
            .map_err(|e| AppError::Internal(e.to_string()))?;
            for (e, who) in rows {
                let row = [
                    e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
                    e.user_id.unwrap_or_default(),
                    who.unwrap_or_default(),
                    e.action,
                    e.child_id.unwrap_or_default(),
                    e.purpose,
                ];
                w.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()))
                    .map_err(|e| AppError::Internal(e.to_string()))?;
            }
            w.into_inner()
                .map_err(|e| AppError::Internal(e.to_string()))
        })
        .await?;
    Ok(crate::web::csv_download("audit-log.csv", body))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/audit", web::get().to(page))
        .route("/officers/audit.csv", web::get().to(export_csv));
}
