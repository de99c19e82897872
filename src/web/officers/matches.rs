//! Officers' side of the cross-check: the review queue, one pair side by side with how each field
//! compared and what it weighed, the decision (audited), and the runs.
use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::domain::matching::OfficersDecision;
use crate::domain::matching::RunStatus;
use crate::domain::register::AddressKind;
use crate::error::{AppError, AppResult};
use crate::store::matches::{self, Link};
use crate::store::social_care::{self, SocialCareRecord};
use crate::store::{audit, children};
use crate::views::*;
use crate::web::auth::Caseworker;
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

/// A match probability for people: never "100.0%" for a pair the cross-check was not sure of.
/// The reasons a pair waits for an officer, as a list.
fn held_back_list(link: &Link, t: crate::domain::matching::Thresholds) -> Markup {
    html! {
        ul class="govuk-list govuk-list--bullet cnis-held-back" {
            @for why in link.held_back(t) { li { (why.label()) } }
        }
    }
}

/// Pairs on one page of the review queue.
const QUEUE_PAGE: i64 = 100;

async fn queue(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let uid = o.user.id.clone();
    // A page number that is not one is the first page; one past the end is the last.
    let asked = q
        .get("page")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1);
    let (rows, total, page) = state
        .db(move |c| {
            audit::record(
                c,
                Some(&uid),
                "list_match_reviews",
                None,
                "officer opened the review queue",
            )?;
            let total = matches::count_reviews(c)?;
            let page = asked.clamp(1, ((total + QUEUE_PAGE - 1) / QUEUE_PAGE).max(1));
            let rows = matches::review_queue(c, QUEUE_PAGE, (page - 1) * QUEUE_PAGE)?;
            Ok((rows, total, page))
        })
        .await?;
    let pages = ((total + QUEUE_PAGE - 1) / QUEUE_PAGE).max(1);
    let href = |p: i64| format!("/officers/matches?page={p}");
    Ok(render(
        &state,
        PageArgs {
            title: "Possible social care matches",
            nav: Some(o.nav("matches")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            @if q.get("done").map(String::as_str) == Some("decided") { (success_banner("Decision saved. Nothing else is waiting for a decision.")) }
            h1 class="govuk-heading-l" { "Possible social care matches" }
            p class="govuk-body" { "The cross-check could not be sure whether these register entries and social care records are the same child. Decide each one: your decision stands on every later run, unless the data behind it changes. " a class="govuk-link" href="/officers/cross-check" { "See the cross-check runs" } "." }
            @if rows.is_empty() { p class="govuk-body" { "Nothing is waiting for a decision." } } @else {
                p class="govuk-body" { (showing(page, rows.len(), total)) " Select a child's name to compare the two records and decide." }
                (queue_table(&rows, state.config.match_thresholds))
                (pagination(
                    (page > 1).then(|| href(page - 1)).as_deref(),
                    (page < pages).then(|| href(page + 1)).as_deref(),
                ))
            }
        },
    ))
}

/// "Showing 101 to 200 of 1260 pairs waiting for a decision, most likely first."
fn showing(page: i64, on_page: usize, total: i64) -> String {
    let first = (page - 1) * QUEUE_PAGE + 1;
    let last = first + on_page as i64 - 1;
    let word = if total == 1 { "pair" } else { "pairs" };
    if total <= QUEUE_PAGE {
        format!("{total} {word} waiting for a decision, most likely first.")
    } else {
        format!(
            "Showing {} to {} of {} {word} waiting for a decision, most likely first.",
            first, last, total
        )
    }
}

fn queue_table(rows: &[matches::QueueRow], t: crate::domain::matching::Thresholds) -> Markup {
    html! {
                div class="cnis-table-scroll" role="region" aria-label="Pairs waiting for a decision" tabindex="0" {
                table class="govuk-table" {
                    (table_head("Pairs waiting for a decision, most likely first", &["Register entry", "Social care record", "Match probability", "Why it could not be sure"]))
                    tbody class="govuk-table__body" {
                        @for (l, g, f, reference, record) in rows {
                            tr class="govuk-table__row" {
                                // The link in the first column: on a phone the table scrolls sideways,
                                // and a last column of links was out of sight.
                                td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/matches/" (l.child_id) "/" (l.record_id) } { (g) " " (f) } br; span class="govuk-hint" { (reference) } }
                                td class="govuk-table__cell" { (record) }
                                td class="govuk-table__cell" { (match_probability(l)) }
                                td class="govuk-table__cell" { (held_back_list(l, t)) }
                            }
                        }
                    }
                }
                }
    }
}

type PairData = (
    Link,
    children::ChildRecord,
    SocialCareRecord,
    Vec<social_care::Episode>,
);

async fn load_pair(
    state: &AppState,
    child: String,
    record: String,
    uid: String,
) -> AppResult<PairData> {
    state
        .db(move |c| {
            let link = matches::find(c, &child, &record)?.ok_or(AppError::NotFound)?;
            let rec = children::load_record(c, &child)?.ok_or(AppError::NotFound)?;
            let sc = social_care::find(c, &record)?.ok_or(AppError::NotFound)?;
            let eps = social_care::episodes(c, &record)?;
            audit::record(
                c,
                Some(&uid),
                "view_match",
                Some(&child),
                "officer compared a social care record",
            )?;
            Ok((link, rec, sc, eps))
        })
        .await
}

fn or_none(v: Option<&str>) -> Markup {
    or_not_given(v)
}

/// The match probability and each field's weight, for the officer to weigh.
fn fields_compared(link: &Link) -> Markup {
    html! {
    h2 class="govuk-heading-m" { "How the fields compared" }
    @if let Some(id) = link.shared_identifier() {
        p class="govuk-body" { "Both records have the same " (id) ". A shared number links a pair unless the dates of birth disagree, so the match probability is not used. The fields below show how the rest compared." }
    } @else {
        p class="govuk-body" { "Match probability " strong { (match_probability(link)) } ". Each field adds weight for agreement and takes it away for disagreement, in proportion to how much that agreement says in this data." }
    }
    div class="cnis-table-scroll" role="region" aria-label="Field by field" tabindex="0" { table class="govuk-table" {
        (table_head("Field by field", &["Field", "Comparison", "Weight"]))
        tbody class="govuk-table__body" {
            @for (field, level, w) in link.explained() {
                tr class="govuk-table__row" {
                    td class="govuk-table__cell" { (field) }
                    td class="govuk-table__cell" { (level) }
                    td class="govuk-table__cell" { (format!("{w:+.1}")) }
                }
            }
        }
    } }
    }
}

/// The question the page asks, and why the cross-check asks it: the same child, or (for a
/// household link) another child of the same household.
fn pair_heading(link: &Link, why: &[crate::domain::matching::HeldBack]) -> Markup {
    let reasons =
        html! { ul class="govuk-list govuk-list--bullet" { @for w in why { li { (w.label()) } } } };
    html! {
        span class="govuk-caption-l" { (link.decision.label()) }
        @if link.decision.is_household() {
            h1 class="govuk-heading-l" { "Same household?" }
            div class="govuk-inset-text" {
                p class="govuk-body" { "The cross-check found this social care record for another child with the same family name at the same address: a brother, sister or twin. If that child has an open section 47 enquiry or child protection plan, the register entry carries a \"household known to children's social care\" flag." }
                @if !why.is_empty() {
                    p class="govuk-body" { "It is not taken for the same child because:" }
                    (reasons)
                }
            }
        } @else {
            h1 class="govuk-heading-l" { "Is this the same child?" }
            @if !why.is_empty() {
                div class="govuk-inset-text" {
                    p class="govuk-body" { "The cross-check could not be sure because:" }
                    (reasons)
                }
            }
        }
    }
}

fn pair_page(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    data: &PairData,
    f: &FormData,
    errors: &Errors,
    decided: bool,
) -> HttpResponse {
    let why = data.0.held_back(state.config.match_thresholds);
    let (link, rec, sc, eps) = data;
    let ch = &rec.child;
    let home = rec
        .addresses
        .iter()
        .find(|a| a.kind == AddressKind::Current);
    render(
        state,
        PageArgs {
            title: "Same child?",
            nav: Some(o.nav("matches")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link("/officers/matches"))
            @if decided { (success_banner("Decision saved. This is the next pair waiting for a decision.")) }
            (error_summary(errors))
            (pair_heading(link, &why))
            div class="cnis-table-scroll" role="region" aria-label="The register entry and the social care record side by side" tabindex="0" { table class="govuk-table" {
                (table_head("The register entry and the social care record side by side", &["", "Register entry", "Social care record"]))
                tbody class="govuk-table__body" {
                    @for (field, left, right) in [
                        ("Name", html! { (ch.given_names) " " (ch.family_name) }, html! { (or_none(sc.given_names.as_deref())) " " (sc.family_name.as_deref().unwrap_or("")) }),
                        ("Date of birth", html! { (crate::clock::fmt_date_or_not_known(ch.date_of_birth)) }, or_none(sc.date_of_birth.map(fmt_date).as_deref())),
                        ("Sex", html! { (ch.sex) }, html! { (sc.sex) }),
                        ("Address", or_none(home.map(|a| a.one_line()).as_deref()), or_none(Some([sc.address_line_1.as_deref(), sc.town.as_deref(), sc.postcode.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ")).as_deref().filter(|s| !s.is_empty()))),
                        ("UPN", or_none(ch.upn.as_deref()), or_none(sc.upn.as_deref().or(sc.former_upn.as_deref()))),
                        ("NHS number", or_none(ch.nhs_number.as_deref()), or_none(sc.nhs_number.as_deref())),
                        ("Reference", html! { (ch.reference) }, html! { (sc.source_record_id) }),
                    ] {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" { (field) }
                            td class="govuk-table__cell" { (left) }
                            td class="govuk-table__cell" { (right) }
                        }
                    }
                }
            } }
            (fields_compared(link))
            h2 class="govuk-heading-m" { "Social care involvement on this record" }
            @if eps.is_empty() { p class="govuk-body" { "None recorded." } } @else {
                ul class="govuk-list" {
                    @for e in eps {
                        li { (e.kind.label()) ": " (e.start_date.map(fmt_date).unwrap_or_else(|| "start not known".into())) " to " (e.end_date.map(fmt_date).unwrap_or_else(|| "now".into())) }
                    }
                }
            }
            @if let Some(r) = &link.reason { div class="govuk-inset-text" { "Decided: " (r) } }
            form method="post" novalidate {
                (csrf_field(&o.csrf))
                (radios("decision", "Your decision", OfficersDecision::CHOICES, f.get("decision"), None, errors.get("decision")))
                (textarea("reason", "Why?", f.get("reason"), Some("Kept with the decision and in the audit log. Do not repeat personal details that are already above."), errors.get("reason")))
                (button("Save decision"))
            }
        },
    )
}

async fn pair(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<(String, String)>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let (child, record) = path.into_inner();
    let (child, record) = (
        crate::web::parse_id(&child)?,
        crate::web::parse_id(&record)?,
    );
    let data = load_pair(&state, child, record, o.user.id.clone()).await?;
    Ok(pair_page(
        &state,
        &o,
        &data,
        &FormData::default(),
        &Errors::default(),
        q.get("done").map(String::as_str) == Some("decided"),
    ))
}

async fn decide(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let (child, record) = path.into_inner();
    let (child, record) = (
        crate::web::parse_id(&child)?,
        crate::web::parse_id(&record)?,
    );
    let mut errors = Errors::default();
    let decision = OfficersDecision::parse(form.get("decision"));
    if decision.is_none() {
        errors.add(
            "decision",
            "Select whether this is the same child, the same household, or neither",
        );
    }
    let reason = text(&form, "reason", "why you decided this", 2000, &mut errors);
    let Some(decision) = decision.filter(|_| errors.is_empty()) else {
        let data = load_pair(&state, child, record, o.user.id.clone()).await?;
        return Ok(pair_page(&state, &o, &data, &form, &errors, false));
    };
    let uid = o.user.id.clone();
    let st = state.clone();
    let cid = child;
    let next = state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                if matches::decide(c, &cid, &record, &uid, decision, &reason)? == 0 {
                    return Err(AppError::NotFound);
                }
                crate::jobs::cross_check::refresh_flags(
                    c,
                    st.team_alert().as_ref(),
                    Some(&cid),
                    today(),
                    true,
                    &st.config.commencement(),
                )?;
                audit::record(
                    c,
                    Some(&uid),
                    "decide_match",
                    Some(&cid),
                    &format!("officer decided a social care pair: {}", decision.as_str()),
                )?;
                Ok(matches::next_review(c)?)
            })
        })
        .await?;
    // On to the next pair, so an officer works through the queue without going back to it.
    Ok(see_other(&match next {
        Some((c, r)) => format!("/officers/matches/{c}/{r}?done=decided"),
        None => "/officers/matches?done=decided".into(),
    }))
}

async fn runs(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let rows = state.db(|c| Ok(matches::runs(c, 60)?)).await?;
    let when = crate::clock::fmt_time;
    Ok(render(
        &state,
        PageArgs {
            title: "Cross-check runs",
            nav: Some(o.nav("matches")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            @if q.get("done").is_some_and(|d| d == "started") { (success_banner("The cross-check has started. Refresh this page to see when it finishes.")) }
            h1 class="govuk-heading-l" { "Cross-check runs" }
            p class="govuk-body" { "Every night the register is checked against children's social care records. " @match state.config.cross_check_at { Some(t) => { "It runs at " (t.format("%H:%M")) " UK time." }, None => { "The nightly run is switched off on this server." } } }
            form method="post" action="/officers/cross-check" {
                (csrf_field(&o.csrf))
                (secondary_button("Run the cross-check now"))
            }
            @if rows.is_empty() { p class="govuk-body" { "It has not run yet." } } @else {
                div class="cnis-table-scroll" role="region" aria-label="Recent runs" tabindex="0" { table class="govuk-table" {
                    (table_head("Recent runs", &["Started", "Finished", "Outcome", "Entries × records", "Matches", "For review", "Flags raised / ended"]))
                    tbody class="govuk-table__body" {
                        @for r in &rows {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (when(r.started_at)) br; span class="govuk-hint" { (r.trigger) } }
                                td class="govuk-table__cell" { (r.finished_at.map(when).unwrap_or_default()) }
                                td class="govuk-table__cell" { (tag(r.status.label(), match r.status { RunStatus::Completed => "green", RunStatus::Running => "blue", RunStatus::Failed | RunStatus::Abandoned => "red" })) @if let Some(m) = &r.message { br; span class="govuk-hint" { (m) } } }
                                td class="govuk-table__cell" { (r.children) " × " (r.records) }
                                td class="govuk-table__cell" { (r.matches) }
                                td class="govuk-table__cell" { (r.reviews) }
                                td class="govuk-table__cell" { (r.flags_raised) " / " (r.flags_ended) }
                            }
                        }
                    }
                } }
            }
        },
    ))
}

async fn run_now(
    state: web::Data<AppState>,
    Post(Caseworker(o), _form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let uid = o.user.id.clone();
    state
        .db(move |c| {
            Ok(audit::record(
                c,
                Some(&uid),
                "start_cross_check",
                None,
                "officer started the cross-check",
            )?)
        })
        .await?;
    let st = state.clone();
    // In the background: a council-sized run takes a while; the runs page shows its progress.
    std::thread::spawn(move || {
        let r = st
            .pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut c| {
                crate::jobs::cross_check::run(
                    &mut c,
                    st.team_alert().as_ref(),
                    today(),
                    "officer",
                    st.config.match_thresholds,
                    &st.config.commencement(),
                )
            });
        if let Err(e) = r {
            log::error!("cross-check started by an officer failed: {e}");
        }
    });
    Ok(see_other("/officers/cross-check?done=started"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/matches", web::get().to(queue))
        .route("/officers/matches/{child}/{record}", web::get().to(pair))
        .route("/officers/matches/{child}/{record}", web::post().to(decide))
        .route("/officers/cross-check", web::get().to(runs))
        .route("/officers/cross-check", web::post().to(run_now));
}
