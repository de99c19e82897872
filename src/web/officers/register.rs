//! The register as officers use it: home, list, search, record, add, edit, close.
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use crate::clock::{fmt_date, today};
use crate::db::{new_id, now};
use crate::domain::commencement::Provision;
use crate::domain::identifiers::{format_nhs_number, normalise_nhs_number, normalise_upn};
use crate::domain::register::*;
use crate::domain::service::Unsent;
use crate::error::{AppError, AppResult};
use crate::services::register::{self as services, CoreForm};
use crate::store::audit;
use crate::store::children::{self, Address, Child, ListFilter, Parent, SaveOutcome};
use crate::views::record::age_tag;
use crate::views::*;
use crate::web::auth::{Caseworker, CurrentOfficer};
use crate::web::forms::*;
use crate::web::{render, see_other, AppState, PageArgs};

pub const PER_PAGE: i64 = 50;

async fn home(state: web::Data<AppState>, o: CurrentOfficer) -> AppResult<HttpResponse> {
    if o.user.is_school_staff() {
        return Ok(see_other("/schools/"));
    }
    let failed_emails = state
        .db(|c| Ok(crate::mail::count_permanent_failures(c)?))
        .await?;
    let counts = if o.user.can_use_register() {
        Some(
            state
                .db(|c| {
                    Ok((
                        children::home_counts(c, today())?,
                        crate::store::tasks::count_open(c)?,
                        crate::store::matches::count_reviews(c)?,
                        children::social_care_counts(c)?,
                    ))
                })
                .await?,
        )
    } else {
        None
    };
    let for_manager = if o.user.can_decide() {
        Some(state.db(|c| Ok(ManagerWaiting::count(c)?)).await?)
    } else {
        None
    };
    Ok(render(
        &state,
        PageArgs {
            title: "Home",
            nav: Some(o.nav("home")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            h1 class="govuk-heading-l" { "Children not in school" }
            @if let Some(w) = &for_manager { (w.render()) }
            @if let Some((c, open_tasks, reviews, social_care)) = counts {
                div class="cnis-counts" {
                    div class="cnis-count" { span class="cnis-count__number" { (c.open) } a class="govuk-link" href="/officers/register" { "children on the register" } }
                    div class="cnis-count" { span class="cnis-count__number" { (c.not_reviewed) } a class="govuk-link" href="/officers/register?flag=not_reviewed" { "new entries not yet reviewed" } }
                    div class="cnis-count" { span class="cnis-count__number" { (c.outside_csa) } a class="govuk-link" href="/officers/register?flag=outside_csa" { "outside compulsory school age" } }
                    div class="cnis-count" { span class="cnis-count__number" { (c.added_last_30_days) } span class="govuk-body" { "of them added in the last 30 days" } }
                }
                (social_care_table(&social_care))
                h2 class="govuk-heading-m govuk-!-margin-top-6" { "What needs attention" }
                ul class="govuk-list govuk-list--bullet" {
                    @if c.not_reviewed > 0 { li { a class="govuk-link" href="/officers/register?flag=not_reviewed" { "Review " (c.not_reviewed) " new entries" } } }
                    @if c.outside_csa > 0 { li { a class="govuk-link" href="/officers/register?flag=outside_csa" { "Check " (c.outside_csa) " entries outside compulsory school age (close them or correct the date of birth)" } } }
                    @if reviews > 0 { li { a class="govuk-link" href="/officers/matches" { "Decide " (reviews) " possible social care matches" } } }
                    @if open_tasks > 0 { li { a class="govuk-link" href="/officers/tasks" { (open_tasks) " open tasks" } } }
                    @if failed_emails > 0 { li { a class="govuk-link" href="/officers/emails" { (failed_emails) " emails could not be sent" } } }
                @if c.not_reviewed == 0 && c.outside_csa == 0 && failed_emails == 0 && open_tasks == 0 && reviews == 0 { li { "Nothing needs attention now." } }
                }
                p class="govuk-body" { a class="govuk-button" href="/officers/children/new" { "Add a child to the register" } }
            } @else {
                p class="govuk-body" { "Your role does not include children's records. " a class="govuk-link" href="/officers/audit" { "Read the audit log" } "." }
            }
        },
    ))
}

/// The home page's count of open entries with each social care flag, each a link to the list.
fn social_care_table(social_care: &[(&'static str, i64)]) -> Markup {
    html! {
        table class="govuk-table govuk-!-margin-top-6" {
            caption class="govuk-table__caption govuk-table__caption--m" { "Known to children's social care" }
            thead class="govuk-table__head" {
                tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "What social care holds" }
                    th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Children on the register" }
                }
            }
            tbody class="govuk-table__body" {
                @for (kind, n) in social_care {
                    tr class="govuk-table__row" {
                        th scope="row" class="govuk-table__header govuk-!-font-weight-regular" { (social_care_tag(kind)) }
                        td class="govuk-table__cell govuk-table__cell--numeric" {
                            a class="govuk-link" href={ "/officers/register?social_care=" (kind) } { (n) @if *n == 1 { " child" } @else { " children" } span class="govuk-visually-hidden" { ": " (crate::domain::register::label(&children::social_care_filters(), kind)) } }
                        }
                    }
                }
            }
        }
    }
}

/// What waits for a manager's decision: assessed applications, orders to serve and orders in
/// force (where a referral for prosecution is a manager's call).
struct ManagerWaiting {
    applications: i64,
    orders_to_serve: i64,
    orders_in_force: i64,
}

impl ManagerWaiting {
    fn count(c: &mut crate::db::AnyConnection) -> diesel::QueryResult<ManagerWaiting> {
        use crate::domain::attendance::Stage;
        Ok(ManagerWaiting {
            applications: crate::store::consent::count_awaiting_decision(c)?,
            orders_to_serve: crate::store::attendance::count_at(c, Stage::SchoolDetermined)?,
            orders_in_force: crate::store::attendance::count_at(c, Stage::InForce)?,
        })
    }

    fn render(&self) -> Markup {
        let rows: [(i64, &str, &str, &str); 3] = [
            (
                self.applications,
                "/officers/consent?progress=awaiting_decision",
                "application for consent assessed and waiting for your decision",
                "applications for consent assessed and waiting for your decision",
            ),
            (
                self.orders_to_serve,
                "/officers/attendance?stage=school_determined",
                "school attendance order to make and serve",
                "school attendance orders to make and serve",
            ),
            (
                self.orders_in_force,
                "/officers/attendance?stage=in_force",
                "order in force: refer for prosecution where it is not complied with",
                "orders in force: refer for prosecution where one is not complied with",
            ),
        ];
        html! {
            h2 class="govuk-heading-m" { "Waiting for a manager" }
            @if rows.iter().all(|r| r.0 == 0) {
                p class="govuk-body" { "Nothing is waiting for a manager's decision." }
            } @else {
                ul class="govuk-list govuk-list--bullet" {
                    @for (n, href, one, many) in rows {
                        @if n > 0 { li { a class="govuk-link" href=(href) { strong { (n) } " " (if n == 1 { one } else { many }) } } }
                    }
                }
            }
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    /// Which page this is, for "Page 2 of 40"; where it starts is `after` or `before`.
    page: Option<i64>,
    /// Keyset paging: the entry this page follows, or precedes (opaque ids).
    after: Option<String>,
    before: Option<String>,
    status: Option<String>,
    arrangement: Option<String>,
    flag: Option<String>,
    age_from: Option<String>,
    age_to: Option<String>,
    social_care: Option<String>,
}

/// A social care flag as a tag: red where condition B is met now, orange where an officer must
/// act, blue for child in need.
pub fn social_care_tag(kind: &str) -> Markup {
    let colour = match kind {
        "s47_open" | "cp_plan_active" | "cp_or_s47_last_5_years" => "red",
        "cin_open" => "blue",
        _ => "orange",
    };
    let text = match kind {
        "s47_open" => "S.47 enquiry open",
        "cp_plan_active" => "CP plan active",
        "cp_or_s47_last_5_years" => "S.47 action within 5 years",
        "s47_outcome_unknown" => "S.47 outcome not known",
        "cin_open" => "Child in need",
        "consent_missing" => "May have needed consent",
        crate::domain::safeguarding::HOUSEHOLD_KNOWN => "Household known to social care",
        _ => "Possible match waiting",
    };
    tag(text, colour)
}

/// Which column a search matched, so the results can mark it.
#[derive(Clone, Copy, PartialEq)]
enum Matched {
    Nothing,
    Name,
    DateOfBirth,
    Postcode,
    Reference,
    Upn,
    Nhs,
}

impl Matched {
    fn of(q: &children::Query) -> Matched {
        match q {
            children::Query::Name(_) => Matched::Name,
            children::Query::DateOfBirth(_) => Matched::DateOfBirth,
            children::Query::Postcode(_) | children::Query::District(_) => Matched::Postcode,
            children::Query::Reference(_) => Matched::Reference,
            children::Query::Upn(_) => Matched::Upn,
            children::Query::Nhs(_) => Matched::Nhs,
        }
    }
}

/// A cell's content, marked when the search matched on it.
fn marked(on: bool, content: Markup) -> Markup {
    html! { @if on { mark class="cnis-match" { (content) } } @else { (content) } }
}

fn results_table(
    rows: &[children::ListRow],
    tags: &std::collections::HashMap<String, Vec<String>>,
    matched: Matched,
    search: Option<&str>,
) -> Markup {
    html! {
        // On a phone the table scrolls inside its own region, not the page.
        div class="cnis-table-scroll" role="region" aria-label="Register entries" tabindex="0" {
            table class="govuk-table" {
                (table_head("Register entries", &["Name", "Date of birth", "Postcode", "Arrangement", "Reference", "Status"]))
                tbody class="govuk-table__body" {
                    @for r in rows {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/officers/children/" (r.id) @if let Some(sid) = search { "?search=" (sid) } } { (marked(matched == Matched::Name, html! { (r.list_name()) })) } }
                            td class="govuk-table__cell" { (marked(matched == Matched::DateOfBirth, html! { @if let Some(d) = r.date_of_birth { (fmt_date(d)) } })) " " (age_tag(r.date_of_birth)) }
                            td class="govuk-table__cell" { (marked(matched == Matched::Postcode, html! { (crate::domain::identifiers::format_postcode_key(&r.postcode_key)) })) }
                            td class="govuk-table__cell" { (label(ARRANGEMENTS, &r.arrangement)) }
                            td class="govuk-table__cell" {
                                (marked(matched == Matched::Reference, html! { (r.reference) }))
                                @if matched == Matched::Upn { br; mark class="cnis-match" { "Matched on UPN" } }
                                @if matched == Matched::Nhs { br; mark class="cnis-match" { "Matched on NHS number" } }
                            }
                            td class="govuk-table__cell" {
                                @if r.status == EntryStatus::Closed { (tag("Closed", "grey")) } @else { (tag("Open", "green")) }
                                @if !r.reviewed { " " (tag("Not yet reviewed", "yellow")) }
                                @for k in tags.get(&r.id).into_iter().flatten() { " " (social_care_tag(k)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn search_form(csrf: &str, q: &str, error: Option<&str>) -> Markup {
    html! {
        form method="post" action="/officers/register/search" novalidate {
            (csrf_field(csrf))
            (Input::new("q", "Search the register", q).hint("Name, date of birth (like 27/3/2015), postcode, UPN, NHS number or reference").no_spellcheck().error(error).render())
            (button("Search"))
        }
    }
}

async fn list(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    q: crate::web::forms::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let filter = q.filter();
    let cursor = q.cursor();
    let page = match cursor {
        children::Cursor::First => 1,
        _ => q.page.unwrap_or(1).clamp(1, 100_000),
    };
    let key = page_query(&filter);
    let cached = state.list_counts.as_ref().and_then(|c| c.get(&key));
    let f2 = filter.clone();
    let (listed, total, tags) = state
        .db(move |c| {
            let listed = children::list_page(c, &f2, today(), &cursor, PER_PAGE)?;
            let total = match cached {
                Some(n) => n,
                None => children::count_listed(c, &f2, today())?,
            };
            let ids: Vec<String> = listed.rows.iter().map(|r| r.id.clone()).collect();
            let tags = children::social_care_tags(c, &ids)?;
            Ok((listed, total, tags))
        })
        .await?;
    if let (Some(cache), None) = (&state.list_counts, cached) {
        cache.insert(key.clone(), total);
    }
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    // Nothing before this page: it is the first, whatever the address said.
    let page = if listed.has_prev {
        page.clamp(2, pages.max(2))
    } else {
        1
    };
    let prev = listed
        .rows
        .first()
        .filter(|_| listed.has_prev)
        .map(|r| format!("/officers/register?{key}&before={}&page={}", r.id, page - 1));
    let next = listed
        .rows
        .last()
        .filter(|_| listed.has_next)
        .map(|r| format!("/officers/register?{key}&after={}&page={}", r.id, page + 1));
    let rows = listed.rows;
    Ok(render(
        &state,
        PageArgs {
            title: "Register",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            h1 class="govuk-heading-l" { "Register of children not in school" }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-one-third" {
                    (filter_form(&o.csrf, &filter))
                }
                div class="govuk-grid-column-two-thirds" {
                    p class="govuk-body" { (total) " entries. Page " (page) " of " (pages) "." }
                    div class="govuk-button-group" {
                        a class="govuk-button" href="/officers/children/new" { "Add a child" }
                        a class="govuk-link" href={ "/officers/register/download?" (key) } { "Download these entries as CSV" }
                        a class="govuk-link" href="/officers/transfers/receive" { "Take in a record from another council" }
                    }
                    (results_table(&rows, &tags, Matched::Nothing, None))
                    (pagination(prev.as_deref(), next.as_deref()))
                }
            }
        },
    ))
}

impl ListQuery {
    /// Where the page starts; an id that is not one starts at the beginning.
    fn cursor(&self) -> children::Cursor {
        let id = |v: &Option<String>| {
            v.as_deref()
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
                .map(|u| u.to_string())
        };
        match (id(&self.after), id(&self.before)) {
            (Some(a), _) => children::Cursor::After(a),
            (None, Some(b)) => children::Cursor::Before(b),
            (None, None) => children::Cursor::First,
        }
    }

    /// The filter the address asks for; anything not allowed is dropped, not trusted.
    fn filter(&self) -> ListFilter {
        let parse_age = |v: &Option<String>| {
            v.as_deref()
                .and_then(|s| s.trim().parse::<i32>().ok())
                .filter(|a| (0..=25).contains(a))
        };
        ListFilter {
            status: self
                .status
                .clone()
                .filter(|st| ["open", "closed", "all"].contains(&st.as_str()))
                .unwrap_or_else(|| "open".into()),
            arrangement: self
                .arrangement
                .clone()
                .filter(|a| is_choice(ARRANGEMENTS, a))
                .unwrap_or_default(),
            flag: self
                .flag
                .clone()
                .filter(|f| {
                    ["not_reviewed", "incomplete", "outside_csa", "in_csa"].contains(&f.as_str())
                })
                .unwrap_or_default(),
            age_from: parse_age(&self.age_from),
            age_to: parse_age(&self.age_to),
            social_care: self
                .social_care
                .clone()
                .filter(|k| children::social_care_filters().iter().any(|(c, _)| c == k))
                .unwrap_or_default(),
        }
    }
}

/// The query string of the list under `filter`.
fn page_query(filter: &ListFilter) -> String {
    serde_urlencoded::to_string([
        ("status", filter.status.as_str()),
        ("arrangement", filter.arrangement.as_str()),
        ("flag", filter.flag.as_str()),
        ("social_care", filter.social_care.as_str()),
        (
            "age_from",
            &filter.age_from.map(|a| a.to_string()).unwrap_or_default(),
        ),
        (
            "age_to",
            &filter.age_to.map(|a| a.to_string()).unwrap_or_default(),
        ),
    ])
    .unwrap_or_default()
}

/// The search box and the filters beside the list.
fn filter_form(csrf: &str, filter: &ListFilter) -> Markup {
    const STATUSES: Choices = &[
        ("open", "Open entries"),
        ("closed", "Closed entries"),
        ("all", "All entries"),
    ];
    const FLAGS: Choices = &[
        ("", "Any"),
        ("not_reviewed", "Not yet reviewed"),
        ("incomplete", "Incomplete: details missing"),
        ("outside_csa", "Outside compulsory school age"),
        ("in_csa", "Of compulsory school age"),
    ];
    let arrangement_choices: Vec<(&'static str, &'static str)> =
        std::iter::once(("", "Any arrangement"))
            .chain(ARRANGEMENTS.iter().copied())
            .collect();
    html! {
        (search_form(csrf, "", None))
        h2 class="govuk-heading-m" { "Filter" }
        form method="get" action="/officers/register" {
            (select("status", "Status", STATUSES, &filter.status, None, None))
            (select("arrangement", "Education arrangement", &arrangement_choices, &filter.arrangement, None, None))
            (select("flag", "Flag", FLAGS, &filter.flag, None, None))
            @let sc: Vec<(&str, &str)> = std::iter::once(("", "Any")).chain(children::social_care_filters()).collect();
            (select("social_care", "Children's social care", &sc, &filter.social_care, None, None))
            (Input::new("age_from", "Age from", &filter.age_from.map(|a| a.to_string()).unwrap_or_default()).width("3").kind("number").render())
            (Input::new("age_to", "Age to", &filter.age_to.map(|a| a.to_string()).unwrap_or_default()).width("3").kind("number").render())
            (secondary_button("Apply filters"))
        }
    }
}

/// Search travels by POST so names, dates of birth and postcodes never sit in a URL or a log.
/// The most rows one download holds: more than any council's register.
const EXPORT_LIMIT: i64 = 500_000;

/// The filter as hidden fields, so the download form carries what the list showed.
fn filter_fields(filter: &ListFilter) -> Markup {
    let age = |a: Option<i32>| a.map(|a| a.to_string()).unwrap_or_default();
    html! {
        input type="hidden" name="status" value=(filter.status);
        input type="hidden" name="arrangement" value=(filter.arrangement);
        input type="hidden" name="flag" value=(filter.flag);
        input type="hidden" name="social_care" value=(filter.social_care);
        input type="hidden" name="age_from" value=(age(filter.age_from));
        input type="hidden" name="age_to" value=(age(filter.age_to));
    }
}

/// The download page: what will be downloaded, and why the officer needs it (kept in the audit
/// log with the download, as every read of children's records is).
fn download_page(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    filter: &ListFilter,
    form: &FormData,
    errors: &Errors,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Download the register",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("/officers/register?{}", page_query(filter))))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Download the register as CSV" }
                p class="govuk-body" { "The file holds the entries the list showed under its filters: reference, name, date of birth, postcode, arrangement, status and social care flags. Keep it on the council's systems and delete it when you are done." }
                form method="post" action="/officers/register.csv" novalidate {
                    (csrf_field(&o.csrf))
                    (filter_fields(filter))
                    (textarea("purpose", "Why do you need this download?", form.get("purpose"), Some("Kept in the audit log with the download. Do not include children's names."), errors.get("purpose")))
                    (button("Download CSV"))
                }
            }}
        },
    )
}

async fn download_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    q: crate::web::forms::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    Ok(download_page(
        &state,
        &o,
        &q.filter(),
        &FormData::default(),
        &Errors::default(),
    ))
}

/// The rows as CSV, every cell safe to open in a spreadsheet.
fn register_csv(
    rows: &[children::ListRow],
    tags: &std::collections::HashMap<String, Vec<String>>,
) -> AppResult<Vec<u8>> {
    use crate::domain::export::spreadsheet_safe;
    let mut w = csv::Writer::from_writer(vec![]);
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record([
        "reference",
        "family_name",
        "given_names",
        "date_of_birth",
        "postcode",
        "arrangement",
        "status",
        "reviewed",
        "social_care",
    ])
    .map_err(internal)?;
    for r in rows {
        let flags: Vec<&str> = tags
            .get(&r.id)
            .into_iter()
            .flatten()
            .map(|k| label(&children::social_care_filters(), k))
            .collect();
        let row = [
            r.reference.clone(),
            r.family_name.clone(),
            r.given_names.clone(),
            r.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            crate::domain::identifiers::format_postcode_key(&r.postcode_key),
            label(ARRANGEMENTS, &r.arrangement).to_string(),
            r.status.as_str().to_string(),
            if r.reviewed { "yes" } else { "no" }.to_string(),
            flags.join("; "),
        ];
        w.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()))
            .map_err(internal)?;
    }
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The register list under its filters, as CSV for the work officers do in spreadsheets.
/// Audited: who downloaded how many entries, under which filter, and why.
async fn export_csv(
    state: web::Data<AppState>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let query = ListQuery {
        status: form.opt("status"),
        arrangement: form.opt("arrangement"),
        flag: form.opt("flag"),
        social_care: form.opt("social_care"),
        age_from: form.opt("age_from"),
        age_to: form.opt("age_to"),
        ..Default::default()
    };
    let filter = query.filter();
    let mut errors = Errors::default();
    let purpose = text(
        &form,
        "purpose",
        "why you need this download",
        500,
        &mut errors,
    );
    if !errors.is_empty() {
        return Ok(download_page(&state, &o, &filter, &form, &errors));
    }
    let uid = o.user.id.clone();
    let described = page_query(&filter);
    let body = state
        .db(move |c| {
            let (rows, _) = children::list(c, &filter, today(), 1, EXPORT_LIMIT)?;
            let mut tags = std::collections::HashMap::new();
            for chunk in rows.chunks(5000) {
                let ids: Vec<String> = chunk.iter().map(|r| r.id.clone()).collect();
                tags.extend(children::social_care_tags(c, &ids)?);
            }
            audit::record(
                c,
                Some(&uid),
                "export_register",
                None,
                &format!(
                    "officer downloaded {} register entries as CSV ({described}): {purpose}",
                    rows.len()
                ),
            )?;
            register_csv(&rows, &tags)
        })
        .await?;
    Ok(crate::web::csv_download("register.csv", body))
}

/// As many as the register list shows on a page: more are for narrowing down, not reading.
const SEARCH_LIMIT: i64 = 50;

fn search_error(q: &str) -> Option<&'static str> {
    children::parse_query(q)
        .is_none()
        .then_some("Enter a name, date of birth, postcode, UPN, NHS number or reference")
}

/// The search box on its own page, for an officer who comes to the search's address directly.
async fn search_start(state: web::Data<AppState>, Caseworker(o): Caseworker) -> HttpResponse {
    search_page(&state, &o, "", &Errors::default(), None)
}

/// Post/Redirect/Get: the search is stored for this officer and the results shown at an address
/// with an opaque id, so Back and refresh work and nothing personal goes in the URL.
async fn search(
    state: web::Data<AppState>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let q = form.get("q").chars().take(200).collect::<String>();
    if let Some(e) = search_error(&q) {
        let mut errors = Errors::default();
        errors.add("q", e);
        return Ok(search_page(&state, &o, &q, &errors, None));
    }
    let uid = o.user.id.clone();
    let id = state
        .db(move |c| Ok(crate::store::saved_searches::save(c, &uid, &q)?))
        .await?;
    Ok(see_other(&format!("/officers/register/search/{id}")))
}

/// The results of a stored search, run again so they are current.
async fn search_results(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let sid = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let s2 = sid.clone();
    let found = state
        .db(move |c| crate::services::register::saved_search_results(c, &s2, &uid, SEARCH_LIMIT))
        .await?;
    // Another officer's search, or one older than a session: search again.
    let Some(found) = found else {
        return Ok(search_page(&state, &o, "", &Errors::default(), None));
    };
    Ok(search_page(
        &state,
        &o,
        &found.q,
        &Errors::default(),
        Some((&sid, Matched::of(&found.parsed), &found)),
    ))
}

type Results<'a> = (
    &'a str,
    Matched,
    &'a crate::services::register::SearchResults,
);

fn search_page(
    state: &AppState,
    o: &crate::web::auth::CurrentOfficer,
    q: &str,
    errors: &Errors,
    results: Option<Results>,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: if results.is_some() {
                "Search results"
            } else {
                "Search the register"
            },
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link("/officers/register"))
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Search the register" }
            (search_form(&o.csrf, q, errors.get("q")))
            @if let Some((sid, matched, found)) = results {
                @let rows = &found.rows;
                h2 class="govuk-heading-m" {
                    @if found.more { "More than " (rows.len()) " entries found" }
                    @else { (rows.len()) @if rows.len() == 1 { " entry found" } @else { " entries found" } }
                }
                @if found.more { p class="govuk-body" { "Showing the first " (rows.len()) ", open entries first. Add more to your search to narrow it down: a second name, or a date of birth on its own." } }
                @if rows.is_empty() { p class="govuk-body" { "Check the spelling, try the start of a name, or search by date of birth or postcode." } }
                @else { (results_table(rows, &found.tags, matched, Some(sid))) }
            }
        },
    )
}

async fn view(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
    q: crate::web::forms::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let uid = o.user.id.clone();
    let page = state
        .db(move |c| crate::services::register::open_record(c, &id, &uid))
        .await?;
    let view = crate::views::record::RecordView {
        base: format!("/officers/children/{}", page.rec.child.id),
        page: &page,
        csrf: &o.csrf,
        today: today(),
        done: q.get("done").map(String::as_str),
        next_request_from: q.get("from").and_then(|d| d.parse::<NaiveDate>().ok()),
        // Back to the search results the officer came from (an opaque id, checked as one).
        back: match q.get("search").and_then(|s| uuid::Uuid::parse_str(s).ok()) {
            Some(sid) => format!("/officers/register/search/{sid}"),
            None => "/officers/register".into(),
        },
        register_not_in_force: state
            .config
            .commencement()
            .not_in_force(Provision::Register, today()),
        retention: state.config.retention,
        manager: o.user.can_make_returns(),
    };
    Ok(render(
        &state,
        PageArgs {
            title: "Child's record",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: false,
        },
        crate::views::record::record(&view),
    ))
}

pub fn read_core(f: &FormData, errors: &mut Errors) -> CoreForm {
    let mut core = read_identity(f, errors);
    read_education(f, errors, &mut core);
    core
}

/// Who the child is: names, date of birth, sex and identifiers (s.436C(1)(a)); UPN and NHS
/// number checked.
fn read_identity(f: &FormData, errors: &mut Errors) -> CoreForm {
    let given_names = text(f, "given_names", "the child's first names", 100, errors);
    let family_name = text(f, "family_name", "the child's last name", 100, errors);
    let dob = parse_date(
        f,
        "date_of_birth",
        "the child's date of birth",
        true,
        errors,
    );
    if let Some(d) = dob {
        if d > today() {
            errors.add("date_of_birth", "Date of birth must be in the past");
        }
    }
    let sex = choice(
        f,
        "sex",
        SEXES,
        "Select the child's sex, or not known",
        errors,
    );
    let upn = f.opt("upn").and_then(|u| match normalise_upn(&u) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.add("upn", e);
            None
        }
    });
    let nhs_number = f
        .opt("nhs_number")
        .and_then(|n| match normalise_nhs_number(&n) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.add("nhs_number", e);
                None
            }
        });
    let la_reference = opt_text(f, "la_reference", "the council's own reference", 50, errors);
    CoreForm {
        given_names,
        family_name,
        dob,
        sex,
        upn,
        nhs_number,
        la_reference,
        ..CoreForm::default()
    }
}

/// How and why the child is educated out of school (s.436B, s.436C(1)(c)–(e), s.436C(2)).
fn read_education(f: &FormData, errors: &mut Errors, core: &mut CoreForm) {
    let arrangement = choice(
        f,
        "arrangement",
        ARRANGEMENTS,
        "Select how the child is educated",
        errors,
    );
    let eligibility_condition = choice(
        f,
        "eligibility_condition",
        ELIGIBILITY_CONDITIONS,
        "Select why the child is eligible for the register",
        errors,
    );
    let eligible_from = parse_date(
        f,
        "eligible_from",
        "the date the child became eligible",
        false,
        errors,
    );
    let reason = choice(
        f,
        "reason",
        REASONS,
        "Select the reason the child is not in school, or that the parent has not given one",
        errors,
    );
    let reason_detail = opt_text(f, "reason_detail", "more about the reason", 2000, errors);
    let sen_status = choice(
        f,
        "sen_status",
        SEN_STATUSES,
        "Select the child's special educational needs, or not known",
        errors,
    );
    let parent_hours = parse_hours(
        f,
        "parent_hours_per_week",
        "time educated by parents",
        false,
        errors,
    );
    let other_hours = parse_hours(
        f,
        "other_hours_per_week",
        "time educated by others",
        false,
        errors,
    );
    core.arrangement = arrangement;
    core.eligibility_condition = eligibility_condition;
    core.eligible_from = eligible_from;
    core.reason = reason;
    core.reason_detail = reason_detail;
    core.sen_status = sen_status;
    core.parent_hours = parent_hours;
    core.other_hours = other_hours;
}

fn core_fields(f: &FormData, errors: &Errors) -> Markup {
    html! {
        h2 class="govuk-heading-m" { "Child" }
        (Input::new("given_names", "First names", f.get("given_names")).autocomplete("off").no_spellcheck().error(errors.get("given_names")).render())
        (Input::new("family_name", "Last name", f.get("family_name")).autocomplete("off").no_spellcheck().error(errors.get("family_name")).render())
        (date_input("date_of_birth", "Date of birth", (f.date_parts("date_of_birth").0.as_str(), f.date_parts("date_of_birth").1.as_str(), f.date_parts("date_of_birth").2.as_str()), Some("For example, 27 3 2015"), errors.get("date_of_birth")))
        (radios("sex", "Sex", SEXES, f.get("sex"), None, errors.get("sex")))
        (Input::new("upn", "Unique pupil number (UPN) (optional)", f.get("upn")).width("20").no_spellcheck().hint("13 characters, starting with a letter. Leave blank if not known").error(errors.get("upn")).render())
        (Input::new("nhs_number", "NHS number (optional)", f.get("nhs_number")).width("10").no_spellcheck().hint("10 digits, like 943 476 5919").error(errors.get("nhs_number")).render())
        (Input::new("la_reference", "Council's own reference (optional)", f.get("la_reference")).width("20").no_spellcheck().error(errors.get("la_reference")).render())
        h2 class="govuk-heading-m" { "Education" }
        (select("arrangement", "How the child is educated", ARRANGEMENTS, f.get("arrangement"), None, errors.get("arrangement")))
        (radios("eligibility_condition", "Why the child is eligible for the register", ELIGIBILITY_CONDITIONS, f.get("eligibility_condition"), Some("Education Act 1996 s.436B condition C"), errors.get("eligibility_condition")))
        (date_input("eligible_from", "Date the child became eligible (optional)", (f.date_parts("eligible_from").0.as_str(), f.date_parts("eligible_from").1.as_str(), f.date_parts("eligible_from").2.as_str()), Some("For example, the day the school removed the child from its roll"), errors.get("eligible_from")))
        (select("reason", "Reason the child is not in school", REASONS, f.get("reason"), None, errors.get("reason")))
        (textarea("reason_detail", "More about the reason (optional)", f.get("reason_detail"), None, errors.get("reason_detail")))
        (select("sen_status", "Special educational needs", SEN_STATUSES, f.get("sen_status"), None, errors.get("sen_status")))
        (Input::new("parent_hours_per_week", "Estimated hours a week educated by parents (optional)", f.get("parent_hours_per_week")).width("4").hint("An estimate, like 15 or 7.5").error(errors.get("parent_hours_per_week")).render())
        (Input::new("other_hours_per_week", "Estimated hours a week educated by others (optional)", f.get("other_hours_per_week")).width("4").hint("Tutors, settings, online schools and colleges together").error(errors.get("other_hours_per_week")).render())
    }
}

fn new_child_page(
    state: &AppState,
    o: &CurrentOfficer,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Add a child to the register",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link("/officers/register"))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Add a child to the register" }
                form method="post" action="/officers/children/new" novalidate {
                    (csrf_field(&o.csrf))
                    (OnceToken::for_form(f).field())
                    (core_fields(f, errors))
                    h2 class="govuk-heading-m" { "Home address" }
                    (crate::web::fields::address_fields(f, errors))
                    h2 class="govuk-heading-m" { "A parent" }
                    p class="govuk-body" { "Add other parents from the child's record." }
                    (crate::web::fields::parent_fields(f, errors, "p_"))
                    (button("Add to the register"))
                }
            }}
        },
    )
}

async fn new_form(state: web::Data<AppState>, Caseworker(o): Caseworker) -> HttpResponse {
    new_child_page(&state, &o, &FormData::default(), &Errors::default())
}

async fn create(
    state: web::Data<AppState>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let mut errors = Errors::default();
    let core = read_core(&f, &mut errors);
    let addr = crate::web::fields::read_address(&f, &mut errors);
    let parent = crate::web::fields::read_parent(&f, "p_", &mut errors);
    if !errors.is_empty() {
        return Ok(new_child_page(&state, &o, &f, &errors));
    }
    let (Some(dob), Some(addr), Some(parent)) = (core.dob, addr, parent) else {
        return Ok(new_child_page(&state, &o, &f, &errors));
    };
    let (mut child, address, parent) = new_entry(core, dob, addr, parent);
    let uid = o.user.id.clone();
    let token = OnceToken::posted(&f);
    // A double submit is sent to the child the first post added.
    let to = state
        .db(move |c| {
            crate::services::once(c, token.as_ref(), &uid, |c| {
                services::add_child(c, &mut child, address, parent, &uid)?;
                Ok(format!("/officers/children/{}?done=added", child.id))
            })
        })
        .await?;
    Ok(see_other(&to))
}

/// A new register entry from the officers' form: the child, their home address and a parent.
fn new_entry(
    core: CoreForm,
    dob: NaiveDate,
    addr: crate::web::fields::AddressForm,
    parent: Parent,
) -> (Child, Address, Parent) {
    let t = now();
    let id = new_id();
    let mut child = Child {
        id: id.clone(),
        reference: children::new_reference(),
        given_names: core.given_names,
        family_name: core.family_name,
        date_of_birth: Some(dob),
        sex: core.sex,
        upn: core.upn,
        nhs_number: core.nhs_number,
        la_reference: core.la_reference,
        arrangement: core.arrangement,
        eligibility_condition: core.eligibility_condition,
        eligible_from: core.eligible_from,
        reason: core.reason,
        reason_detail: core.reason_detail,
        sen_status: core.sen_status,
        parent_hours_per_week: core.parent_hours,
        other_hours_per_week: core.other_hours,
        ..Child::open_entry("officer", t)
    };
    children::refresh_keys(&mut child, Some(&addr.postcode));
    let address = Address {
        id: new_id(),
        child_id: id.clone(),
        kind: AddressKind::Current,
        line_1: addr.line_1,
        line_2: addr.line_2,
        town: addr.town,
        postcode: addr.postcode,
        moved_in_on: addr.moved_in_on,
        created_at: t,
    };
    let parent = Parent {
        id: new_id(),
        child_id: id.clone(),
        created_at: t,
        ..parent
    };
    (child, address, parent)
}

fn form_from_child(c: &Child) -> FormData {
    let mut m = std::collections::HashMap::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), v);
    };
    put("given_names", c.given_names.clone());
    put("family_name", c.family_name.clone());
    let (d, mo, y) = date_strings(c.date_of_birth);
    put("date_of_birth-day", d);
    put("date_of_birth-month", mo);
    put("date_of_birth-year", y);
    put("sex", c.sex.clone());
    put("upn", c.upn.clone().unwrap_or_default());
    put(
        "nhs_number",
        c.nhs_number
            .as_deref()
            .map(format_nhs_number)
            .unwrap_or_default(),
    );
    put("la_reference", c.la_reference.clone().unwrap_or_default());
    put("arrangement", c.arrangement.clone());
    put("eligibility_condition", c.eligibility_condition.clone());
    let (d, mo, y) = date_strings(c.eligible_from);
    put("eligible_from-day", d);
    put("eligible_from-month", mo);
    put("eligible_from-year", y);
    put("reason", c.reason.clone());
    put("reason_detail", c.reason_detail.clone().unwrap_or_default());
    put("sen_status", c.sen_status.clone());
    put(
        "parent_hours_per_week",
        c.parent_hours_per_week
            .map(|h| h.to_string())
            .unwrap_or_default(),
    );
    put(
        "other_hours_per_week",
        c.other_hours_per_week
            .map(|h| h.to_string())
            .unwrap_or_default(),
    );
    put("version", c.version.to_string());
    FormData(m)
}

fn edit_page(
    state: &AppState,
    o: &CurrentOfficer,
    id: &str,
    f: &FormData,
    errors: &Errors,
    stale: bool,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Change the child's details",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty() || stale,
        },
        html! {
            (back_link(&format!("/officers/children/{id}")))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                @if stale {
                    div class="govuk-error-summary" data-module="govuk-error-summary" { div role="alert" {
                        h2 class="govuk-error-summary__title" { "Someone else changed this record while you were editing" }
                        div class="govuk-error-summary__body" { p class="govuk-body" { "Your changes are below and have not been saved. " a class="govuk-link" href={ "/officers/children/" (id) } { "Open the record in a new tab" } " to see the latest version, then save again." } }
                    }}
                }
                (error_summary(errors))
                h1 class="govuk-heading-l" { "Change the child's details" }
                form method="post" action={ "/officers/children/" (id) "/edit" } novalidate {
                    (csrf_field(&o.csrf))
                    input type="hidden" name="version" value=(f.get("version"));
                    (core_fields(f, errors))
                    h2 class="govuk-heading-m" { "Reason" }
                    (textarea("change_reason", "Why are you making this change?", f.get("change_reason"), Some("Kept in the record's history, for example \"Parent phoned with corrected date of birth\""), errors.get("change_reason")))
                    (button("Save changes"))
                }
            }}
        },
    )
}

async fn edit_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let id2 = id.clone();
    let uid = o.user.id.clone();
    let child = state
        .db(move |c| {
            let ch = children::find(c, &id2)?.ok_or(AppError::NotFound)?;
            audit::record(
                c,
                Some(&uid),
                "open_edit_form",
                Some(&ch.id),
                "officer opened the record to change it",
            )?;
            Ok(ch)
        })
        .await?;
    Ok(edit_page(
        &state,
        &o,
        &id,
        &form_from_child(&child),
        &Errors::default(),
        false,
    ))
}

async fn update(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let f = form.into_inner();
    let mut errors = Errors::default();
    let core = read_core(&f, &mut errors);
    let reason = text(
        &f,
        "change_reason",
        "why you are making this change",
        1000,
        &mut errors,
    );
    let Ok(version) = f.get("version").parse::<i32>() else {
        return Err(AppError::BadRequest(
            "The form was missing the record's version. Go back, reload the page and try again."
                .into(),
        ));
    };
    if !errors.is_empty() {
        return Ok(edit_page(&state, &o, &id, &f, &errors, false));
    }
    let Some(dob) = core.dob else {
        return Ok(edit_page(&state, &o, &id, &f, &errors, false));
    };
    let (id2, uid) = (id.clone(), o.user.id.clone());
    let outcome = state
        .db(move |c| services::update_child(c, &id2, core, dob, version, &uid, &reason))
        .await?;
    match outcome {
        SaveOutcome::Saved => Ok(see_other(&format!("/officers/children/{id}?done=saved"))),
        SaveOutcome::Stale => Ok(edit_page(&state, &o, &id, &f, &Errors::default(), true)),
    }
}

fn close_page(
    state: &AppState,
    o: &CurrentOfficer,
    ch: &Child,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Close this entry",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("/officers/children/{}", ch.id)))
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(errors))
                span class="govuk-caption-l" { (ch.reference) }
                h1 class="govuk-heading-l" { "Close this entry" }
                p class="govuk-body" { "The entry stays in the register's history; it leaves the list of open entries." }
                form method="post" action={ "/officers/children/" (ch.id) "/close" } novalidate {
                    (csrf_field(&o.csrf))
                    input type="hidden" name="version" value=(ch.version);
                    (radios("closed_reason", "Why is the child leaving the register?", CLOSURE_REASONS, f.get("closed_reason"), None, errors.get("closed_reason")))
                    (date_input("closed_on", "Date", (f.date_parts("closed_on").0.as_str(), f.date_parts("closed_on").1.as_str(), f.date_parts("closed_on").2.as_str()), Some("The date the child moved, joined the school roll, or left compulsory school age"), errors.get("closed_on")))
                    (textarea("closed_note", "Notes", f.get("closed_note"), Some("Required for \"Other reason\". For example, the new council or the school's name"), errors.get("closed_note")))
                    (button("Close entry"))
                }
            }}
        },
    )
}

async fn close_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let ch = crate::web::load_child(
        &state,
        crate::web::parse_id(&path.into_inner())?,
        o.user.id.clone(),
        "officer opened the close form",
    )
    .await?;
    Ok(close_page(
        &state,
        &o,
        &ch,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn close(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let ch = crate::web::load_child(
        &state,
        crate::web::parse_id(&path.into_inner())?,
        o.user.id.clone(),
        "officer submitted the close form",
    )
    .await?;
    let mut errors = Errors::default();
    let reason = choice(
        &f,
        "closed_reason",
        CLOSURE_REASONS,
        "Select why the child is leaving the register",
        &mut errors,
    );
    let on = parse_date(&f, "closed_on", "the date", true, &mut errors);
    if on.is_some_and(|d| d > today() + chrono::Duration::days(31)) {
        errors.add(
            "closed_on",
            "The date must be no more than a month from today",
        );
    }
    let note = opt_text(&f, "closed_note", "notes", 2000, &mut errors);
    if reason == "other" && note.is_none() {
        errors.add("closed_note", "Enter notes explaining the other reason");
    }
    if ch.status == EntryStatus::Closed {
        errors.add("closed_reason", "This entry is already closed");
    }
    let version: i32 = f.get("version").parse().unwrap_or(-1);
    if !errors.is_empty() || version != ch.version {
        if errors.is_empty() {
            errors.add("closed_reason", "Someone else changed this record while you had it open: check the record, then close it again");
        }
        return Ok(close_page(&state, &o, &ch, &f, &errors));
    }
    let Some(on) = on else {
        return Ok(close_page(&state, &o, &ch, &f, &errors));
    };
    let uid = o.user.id.clone();
    let id = ch.id.clone();
    let out = state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                let out = children::close(c, &ch, &reason, on, note.as_deref(), &uid)?;
                audit::record(
                    c,
                    Some(&uid),
                    "close_record",
                    Some(&ch.id),
                    &format!("officer closed the entry ({reason})"),
                )?;
                Ok(out)
            })
        })
        .await?;
    if out == SaveOutcome::Stale {
        return Ok(see_other(&format!("/officers/children/{id}/close")));
    }
    Ok(see_other(&format!("/officers/children/{id}?done=closed")))
}

fn reopen_page(
    state: &AppState,
    o: &CurrentOfficer,
    ch: &Child,
    f: &FormData,
    errors: &Errors,
) -> HttpResponse {
    render(
        state,
        PageArgs {
            title: "Reopen this entry",
            nav: Some(o.nav("register")),
            csrf: &o.csrf,
            errors: !errors.is_empty(),
        },
        html! {
            (back_link(&format!("/officers/children/{}", ch.id)))
            (error_summary(errors))
            h1 class="govuk-heading-l" { "Reopen this entry" }
            form method="post" action={ "/officers/children/" (ch.id) "/reopen" } novalidate {
                (csrf_field(&o.csrf))
                input type="hidden" name="version" value=(ch.version);
                (textarea("reopen_reason", "Why are you reopening it?", f.get("reopen_reason"), None, errors.get("reopen_reason")))
                (button("Reopen entry"))
            }
        },
    )
}

async fn reopen_form(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let ch = crate::web::load_child(
        &state,
        crate::web::parse_id(&path.into_inner())?,
        o.user.id.clone(),
        "officer opened the reopen form",
    )
    .await?;
    Ok(reopen_page(
        &state,
        &o,
        &ch,
        &FormData::default(),
        &Errors::default(),
    ))
}

async fn reopen(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let f = form.into_inner();
    let ch = crate::web::load_child(
        &state,
        crate::web::parse_id(&path.into_inner())?,
        o.user.id.clone(),
        "officer submitted the reopen form",
    )
    .await?;
    let mut errors = Errors::default();
    let reason = text(
        &f,
        "reopen_reason",
        "why you are reopening the entry",
        1000,
        &mut errors,
    );
    if ch.status != EntryStatus::Closed {
        errors.add("reopen_reason", "This entry is already open");
    }
    if !errors.is_empty() {
        return Ok(reopen_page(&state, &o, &ch, &f, &errors));
    }
    let uid = o.user.id.clone();
    let id = ch.id.clone();
    state
        .db(move |c| {
            crate::db::write::<_, AppError, _>(c, |c| {
                children::reopen(c, &ch, Some(&uid), &reason)?;
                audit::record(
                    c,
                    Some(&uid),
                    "reopen_record",
                    Some(&ch.id),
                    "officer reopened the entry",
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(see_other(&format!("/officers/children/{id}?done=reopened")))
}

async fn mark_reviewed(
    state: web::Data<AppState>,
    path: web::Path<String>,
    Post(Caseworker(o), _form): Post<Caseworker>,
) -> AppResult<HttpResponse> {
    let id = crate::web::parse_id(&path.into_inner())?;
    let id2 = id.clone();
    let uid = o.user.id.clone();
    state
        .db(move |c| {
            services::review_entry(c, &id2, &uid, "Entry marked as reviewed on the record")
        })
        .await?;
    Ok(see_other(&format!("/officers/children/{id}?done=reviewed")))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/", web::get().to(home))
        .route(
            "/officers",
            web::get().to(|| async { see_other("/officers/") }),
        )
        .route("/officers/register", web::get().to(list))
        .route("/officers/register/download", web::get().to(download_form))
        .route("/officers/register.csv", web::post().to(export_csv))
        .route("/officers/register/search", web::get().to(search_start))
        .route("/officers/register/search", web::post().to(search))
        .route(
            "/officers/register/search/{id}",
            web::get().to(search_results),
        )
        .route("/officers/children/new", web::get().to(new_form))
        .route("/officers/children/new", web::post().to(create))
        .route("/officers/children/{id}", web::get().to(view))
        .route("/officers/children/{id}/edit", web::get().to(edit_form))
        .route("/officers/children/{id}/edit", web::post().to(update))
        .route("/officers/children/{id}/close", web::get().to(close_form))
        .route("/officers/children/{id}/close", web::post().to(close))
        .route("/officers/children/{id}/reopen", web::get().to(reopen_form))
        .route("/officers/children/{id}/reopen", web::post().to(reopen))
        .route(
            "/officers/children/{id}/reviewed",
            web::post().to(mark_reviewed),
        );
}

/// Where an unsent email stands, in words an officer can act on.
fn unsent_status(state: Unsent, e: &crate::mail::OutboxEmail) -> maud::Markup {
    let (label, colour, hint) = match state {
        Unsent::Failed => ("Could not be sent", "red", e.last_error.clone()),
        Unsent::Retrying => ("Not sent yet, will retry", "yellow", e.last_error.clone()),
        Unsent::InFlight => ("Being sent now", "blue", Some(format!("Attempt {}", e.attempts))),
        Unsent::Interrupted => ("Sending was interrupted", "orange", Some(format!("Attempt {} stopped before the mail server answered. It will be sent again, so the recipient may get it twice.", e.attempts))),
        Unsent::Late => ("Waiting longer than it should", "orange", Some("The email worker has not picked it up: check the service is running and CNIS_EMAIL_URL.".into())),
    };
    html! { (tag(label, colour)) @if let Some(h) = hint { br; span class="govuk-hint" { (h) } } }
}

/// Emails that could not be sent, or are still being retried, so an officer can act (post a
/// letter, correct an address).
async fn emails_not_sent(
    state: web::Data<AppState>,
    Caseworker(o): Caseworker,
) -> AppResult<HttpResponse> {
    let uid = o.user.id.clone();
    let rows = state
        .db(move |c| {
            audit::record(
                c,
                Some(&uid),
                "read_failed_emails",
                None,
                "officer opened emails not sent",
            )?;
            Ok(crate::mail::not_sent(c, 500)?)
        })
        .await?;
    Ok(render(
        &state,
        PageArgs {
            title: "Emails not sent",
            nav: Some(o.nav("home")),
            csrf: &o.csrf,
            errors: false,
        },
        html! {
            (back_link("/officers/"))
            h1 class="govuk-heading-l" { "Emails not sent" }
            p class="govuk-body" { "Emails the mail server refused, emails still being retried (for up to 72 hours), emails being sent now, and emails whose sending was cut short. For a refused statutory notice, send it by post." }
            @if rows.is_empty() { p class="govuk-body" { "Every email has been accepted by the mail server." } } @else {
                div class="cnis-table-scroll" role="region" aria-label="Emails not sent" tabindex="0" { table class="govuk-table" {
                    (table_head("Emails not sent", &["Written", "To", "Email", "Status"]))
                    tbody class="govuk-table__body" {
                        @for (e, state) in &rows {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (crate::clock::fmt_time(e.created_at)) }
                                td class="govuk-table__cell" { (e.to_address) @if let Some(id) = &e.child_id { br; a class="govuk-link" href={ "/officers/children/" (id) } { "Child's record" } } }
                                td class="govuk-table__cell" { (e.subject) }
                                td class="govuk-table__cell" { (unsent_status(*state, e)) }
                            }
                        }
                    }
                } }
            }
        },
    ))
}

pub fn configure_emails(cfg: &mut web::ServiceConfig) {
    cfg.route("/officers/emails", web::get().to(emails_not_sent));
}
