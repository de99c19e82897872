//! School attendance order cases (ss.436H–436Q; today's ss.437–443): the case, its chronology,
//! the notices served through the service log, and the term calendars that give school days.
//! The rules live in `domain::attendance`; this module loads the facts they need and records
//! what an officer did.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    attendance_cases, attendance_events, children, match_links, schools, served_documents,
    social_care_episodes, tasks, term_dates, users,
};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::attendance::{self as rules, Facts, Regime, SchoolCalendar, Section47, Stage};
use crate::domain::register::AddressKind;
use crate::domain::register::Choices;
use crate::domain::register::EntryStatus;
use crate::domain::safeguarding::EpisodeKind;
use crate::error::{AppError, AppResult};
use crate::store::children::{self as entries, ChildRecord};
use crate::store::schools::School;
use crate::store::served::ServiceContext;
use crate::store::served::{self, Recipient};
use crate::store::tasks::TaskKind;

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = attendance_cases)]
pub struct Case {
    pub id: String,
    pub reference: String,
    pub child_id: String,
    pub regime: String,
    pub conditions: String,
    pub grounds: String,
    pub stage: Stage,
    pub requirements_met_on: NaiveDate,
    pub response_days: i32,
    pub section47_relied_on: String,
    pub ehc_plan_school_id: Option<String>,
    pub school_id: Option<String>,
    pub alternatives: String,
    pub consulted_on: Option<NaiveDate>,
    pub objection_applied_on: Option<NaiveDate>,
    pub direction_on: Option<NaiveDate>,
    pub place_secured: bool,
    pub determined_on: Option<NaiveDate>,
    pub assigned_to: Option<String>,
    pub opened_by: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub reminded_for: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// s.436I(2)(a)(ii): the parent showed suitable education, not that it is in the child's
    /// best interests.
    pub suitable_education_shown: bool,
    /// s.436J(3): the child's EHC plan names no school.
    pub ehc_plan_no_school: bool,
}

impl Case {
    pub fn regime(&self) -> Regime {
        Regime::from_code(&self.regime)
    }
    pub fn condition_list(&self) -> Vec<String> {
        self.conditions
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    }
    pub fn alternative_ids(&self) -> Vec<String> {
        serde_json::from_str(&self.alternatives).unwrap_or_default()
    }
    fn relied_on(&self) -> Vec<String> {
        serde_json::from_str(&self.section47_relied_on).unwrap_or_default()
    }
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = attendance_events)]
pub struct Event {
    pub id: String,
    pub case_id: String,
    pub kind: String,
    pub on_date: NaiveDate,
    pub details: String,
    pub user_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The case event a parent's response to a preliminary notice is recorded as.
pub const PARENT_RESPONSE: &str = "parent_response";
/// The template (kind in the service log) of the preliminary notice.
pub const PRELIMINARY_NOTICE: &str = "attendance-preliminary-notice";
/// The term-date kind for days a school is open; every other kind is a closure.
pub const TERM: &str = "term";

pub const EVENT_KINDS: Choices = &[
    ("opened", "Case opened"),
    ("home_visit_requested", "Home visit requested"),
    ("home_visit_answer", "Answer to the home-visit request"),
    ("parent_response", "Parent's response"),
    ("evaluation", "Decision on the parent's response"),
    ("consultation", "School consulted"),
    (
        "objection_applied",
        "School applied to the Secretary of State",
    ),
    ("direction", "Secretary of State's direction"),
    ("parent_choice", "Parent's choice of school"),
    ("determined", "School determined"),
    ("amended", "Order amended"),
    ("revoked", "Order revoked"),
    ("revocation_refused", "Request to revoke the order refused"),
    (
        "revocation_referral",
        "Refusal to revoke referred to the Secretary of State",
    ),
    ("referred", "Referred for prosecution"),
    ("prosecution_outcome", "What the court did"),
    ("note", "Note"),
];

/// The event of a referral for prosecution (s.443, s.436Q): its file is kept longer.
pub const REFERRED: &str = "referred";

/// The notices of a case, by template (kind in the service log).
pub const DOCUMENTS: Choices = &[
    ("attendance-preliminary-notice", "Preliminary notice"),
    ("attendance-school-notice", "Notice to the school"),
    ("attendance-nomination", "School nomination notice"),
    ("attendance-order", "School attendance order"),
    ("attendance-order-school", "Order: notice to the school"),
    ("attendance-amendment", "Amended order"),
    ("attendance-revocation", "Revocation of the order"),
    (
        "attendance-revocation-refused",
        "Refusal of a request to revoke",
    ),
];

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = term_dates)]
pub struct TermDate {
    pub id: String,
    pub school_id: Option<String>,
    pub kind: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub name: String,
    pub created_at: NaiveDateTime,
}

pub const TERM_KINDS: Choices = &[
    ("term", "Term (school open on weekdays)"),
    ("closed", "Closed (holiday, training day, bank holiday)"),
];

pub fn term_dates(conn: &mut AnyConnection, school_id: Option<&str>) -> QueryResult<Vec<TermDate>> {
    let mut q = term_dates::table.into_boxed();
    q = match school_id {
        Some(s) => q.filter(term_dates::school_id.eq(s.to_string())),
        None => q.filter(term_dates::school_id.is_null()),
    };
    q.order((term_dates::starts_on.asc(), term_dates::id.asc()))
        .select(TermDate::as_select())
        .load(conn)
}

pub fn add_term_date(conn: &mut AnyConnection, t: &TermDate) -> QueryResult<usize> {
    diesel::insert_into(term_dates::table)
        .values(t)
        .execute(conn)
}

pub fn remove_term_date(conn: &mut AnyConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(term_dates::table.find(id)).execute(conn)
}

/// A school's own calendar where it has one, otherwise the council's default (s.579).
pub fn calendar_for(
    conn: &mut AnyConnection,
    school_id: Option<&str>,
) -> QueryResult<SchoolCalendar> {
    let mut rows = match school_id {
        Some(s) => term_dates(conn, Some(s))?,
        None => vec![],
    };
    if rows.is_empty() {
        rows = term_dates(conn, None)?;
    }
    let mut cal = SchoolCalendar::default();
    for r in rows {
        if r.kind == TERM {
            cal.terms.push((r.starts_on, r.ends_on));
        } else {
            cal.closures.push((r.starts_on, r.ends_on));
        }
    }
    Ok(cal)
}

/// The section 47 enquiries and plans on the child's linked social care records.
pub fn section47_known(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Vec<Section47>> {
    let rows: Vec<crate::store::social_care::Episode> = match_links::table
        .inner_join(
            social_care_episodes::table
                .on(social_care_episodes::record_id.eq(match_links::record_id)),
        )
        .filter(match_links::child_id.eq(child_id))
        .filter(match_links::decision.eq_any(["match", "confirmed"]))
        .filter(
            social_care_episodes::kind
                .eq_any([EpisodeKind::Section47, EpisodeKind::ChildProtectionPlan]),
        )
        .select(crate::store::social_care::Episode::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|e| Section47 {
            key: format!(
                "{}:{}:{}",
                e.record_id,
                e.kind,
                e.start_date.map(|d| d.to_string()).unwrap_or_default()
            ),
            episode: e.to_domain(),
        })
        .collect())
}

pub struct NewCase<'a> {
    pub child_id: &'a str,
    pub regime: Regime,
    pub conditions: &'a [String],
    pub grounds: &'a str,
    pub requirements_met_on: NaiveDate,
    pub response_days: i32,
    pub ehc_plan_school_id: Option<&'a str>,
    /// s.436J(3): the child has an EHC plan and it names no school.
    pub ehc_plan_no_school: bool,
    pub user_id: &'a str,
    pub today: NaiveDate,
}

/// Opens a case. For condition B it relies on the section 47 involvement that gives condition B
/// today: enquiries being made, or s.47(8) action now or in the last five years (s.436H(5)), so
/// a case resting on past action can still be barred (s.436I(2)) or revoked (s.436P(2)).
pub fn open(conn: &mut AnyConnection, n: &NewCase) -> anyhow::Result<Case> {
    let relied: Vec<String> = if n.conditions.iter().any(|c| c == "B") {
        section47_known(conn, n.child_id)?
            .into_iter()
            .filter(|e| e.condition_b_on(n.today))
            .map(|e| e.key)
            .collect()
    } else {
        vec![]
    };
    let id = new_id();
    let case = Case {
        id: id.clone(),
        reference: entries::new_reference().replacen("CN-", "SAO-", 1),
        child_id: n.child_id.into(),
        regime: n.regime.code().into(),
        conditions: n.conditions.join(","),
        grounds: n.grounds.into(),
        stage: Stage::Considering,
        requirements_met_on: n.requirements_met_on,
        response_days: n.response_days,
        section47_relied_on: serde_json::to_string(&relied)?,
        ehc_plan_school_id: n.ehc_plan_school_id.map(str::to_string),
        school_id: n.ehc_plan_school_id.map(str::to_string),
        alternatives: "[]".into(),
        consulted_on: None,
        objection_applied_on: None,
        direction_on: None,
        place_secured: false,
        suitable_education_shown: false,
        ehc_plan_no_school: n.ehc_plan_no_school,
        determined_on: None,
        assigned_to: Some(n.user_id.into()),
        opened_by: n.user_id.into(),
        opened_on: n.today,
        closed_on: None,
        reminded_for: None,
        created_at: now(),
        updated_at: now(),
    };
    diesel::insert_into(attendance_cases::table)
        .values(&case)
        .execute(conn)?;
    record_event(conn, &id, "opened", n.today, n.grounds, Some(n.user_id))?;
    Ok(case)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Case>> {
    attendance_cases::table
        .find(id)
        .select(Case::as_select())
        .first(conn)
        .optional()
}

pub fn for_child(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Vec<Case>> {
    attendance_cases::table
        .filter(attendance_cases::child_id.eq(child_id))
        .order(attendance_cases::created_at.desc())
        .select(Case::as_select())
        .load(conn)
}

/// A case about a parent's child as that parent sees it: the notices served on them and what
/// they sent back.
pub struct ParentCase {
    pub case: Case,
    pub notices: Vec<served::LogRow>,
    pub responses: Vec<Event>,
    /// The end of the period a preliminary notice served on them gives (s.436H(10)(c); s.437(2)).
    pub response_end: Option<rules::Deadline>,
}

impl ParentCase {
    /// A parent may answer a preliminary notice served on them while the case is open.
    pub fn may_respond(&self) -> bool {
        self.case.closed_on.is_none() && self.notices.iter().any(|n| n.kind == PRELIMINARY_NOTICE)
    }
}

/// The cases about a child that served a notice on the parent signed in with `email`: one
/// addressed to that email, or to the name the child's record gives the parent with it.
pub fn for_parent(
    conn: &mut AnyConnection,
    child_id: &str,
    email: &str,
) -> QueryResult<Vec<ParentCase>> {
    let names: Vec<String> = crate::store::children::parents_of(conn, child_id)?
        .into_iter()
        .filter(|p| {
            p.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
        .map(|p| p.name())
        .collect();
    let mut out = vec![];
    for case in for_child(conn, child_id)? {
        let notices: Vec<served::LogRow> = served::log_for(conn, &case.id)?
            .into_iter()
            .filter(|n| {
                n.recipient_role == "parent"
                    && (n.sent_to.eq_ignore_ascii_case(email) || names.contains(&n.recipient_name))
            })
            .collect();
        if notices.is_empty() {
            continue;
        }
        let response_end = notices
            .iter()
            .filter(|n| n.kind == PRELIMINARY_NOTICE)
            .filter_map(|n| n.served_on)
            .max()
            .map(|on| {
                rules::response_period_end(
                    case.regime(),
                    on,
                    u32::try_from(case.response_days).unwrap_or(rules::MIN_RESPONSE_DAYS),
                )
            });
        let responses = events(conn, &case.id)?
            .into_iter()
            .filter(|e| e.kind == PARENT_RESPONSE)
            .collect();
        out.push(ParentCase {
            case,
            notices,
            responses,
            response_end,
        });
    }
    Ok(out)
}

/// A case with the child's name and the officer's, for the deadlines list.
pub type CaseRow = (Case, String, Option<String>);

/// Open cases at one stage: what waits for a manager on the home page.
pub fn count_at(conn: &mut AnyConnection, stage: Stage) -> QueryResult<i64> {
    attendance_cases::table
        .filter(attendance_cases::closed_on.is_null())
        .filter(attendance_cases::stage.eq(stage))
        .count()
        .get_result(conn)
}

pub fn open_cases(conn: &mut AnyConnection) -> QueryResult<Vec<CaseRow>> {
    let rows: Vec<(Case, String, String)> = attendance_cases::table
        .inner_join(children::table)
        .filter(attendance_cases::closed_on.is_null())
        .order(attendance_cases::created_at.asc())
        .select((
            Case::as_select(),
            children::given_names,
            children::family_name,
        ))
        .load(conn)?;
    let names: Vec<(String, String)> = users::table.select((users::id, users::name)).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(c, g, f)| {
            let officer = c
                .assigned_to
                .as_ref()
                .and_then(|a| names.iter().find(|(id, _)| id == a).map(|(_, n)| n.clone()));
            (c, format!("{g} {f}"), officer)
        })
        .collect())
}

pub fn events(conn: &mut AnyConnection, case_id: &str) -> QueryResult<Vec<Event>> {
    attendance_events::table
        .filter(attendance_events::case_id.eq(case_id))
        .order((
            attendance_events::on_date.asc(),
            attendance_events::created_at.asc(),
        ))
        .select(Event::as_select())
        .load(conn)
}

pub fn record_event(
    conn: &mut AnyConnection,
    case_id: &str,
    kind: &str,
    on: NaiveDate,
    details: &str,
    user_id: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(attendance_events::table)
        .values(&Event {
            id: new_id(),
            case_id: case_id.into(),
            kind: kind.into(),
            on_date: on,
            details: details.into(),
            user_id: user_id.map(str::to_string),
            created_at: now(),
        })
        .execute(conn)?;
    diesel::update(attendance_cases::table.find(case_id))
        .set(attendance_cases::updated_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// The day a case's notice of one kind counts as served: the latest copy's, so every parent has
/// their full period. None while any copy waits to be posted, or none was made.
pub fn served_on(
    conn: &mut AnyConnection,
    case_id: &str,
    kind: &str,
) -> QueryResult<Option<NaiveDate>> {
    let dates: Vec<Option<NaiveDate>> = served_documents::table
        .filter(served_documents::subject_id.eq(case_id))
        .filter(served_documents::kind.eq(kind))
        .select(served_documents::served_on)
        .load(conn)?;
    if dates.is_empty() || dates.iter().any(Option::is_none) {
        return Ok(None);
    }
    Ok(dates.into_iter().flatten().max())
}

/// The day a case's document of this kind was first made (an order's date), if it was.
pub fn made_on(
    conn: &mut AnyConnection,
    case_id: &str,
    kind: &str,
) -> QueryResult<Option<NaiveDate>> {
    let made: Option<chrono::NaiveDateTime> = served_documents::table
        .filter(served_documents::subject_id.eq(case_id))
        .filter(served_documents::kind.eq(kind))
        .select(diesel::dsl::min(served_documents::created_at))
        .first(conn)?;
    Ok(made.map(crate::clock::local_date))
}

/// Notices of a case still waiting to be posted or delivered.
pub fn waiting_for_service(conn: &mut AnyConnection, case_id: &str) -> QueryResult<i64> {
    served_documents::table
        .filter(served_documents::subject_id.eq(case_id))
        .filter(served_documents::status.eq(crate::domain::service::ServiceStatus::QueuedForPost))
        .count()
        .get_result(conn)
}

/// Everything the rules need about a case on `today`.
pub fn facts(conn: &mut AnyConnection, c: &Case, today: NaiveDate) -> QueryResult<Facts> {
    let regime = c.regime();
    let school_notice_served_on = served_on(conn, &c.id, "attendance-school-notice")?;
    let objection_window = match school_notice_served_on {
        Some(s) => {
            let cal = calendar_for(conn, c.school_id.as_deref())?;
            Some(rules::objection_window_end(regime, s, &cal))
        }
        None => None,
    };
    let known = section47_known(conn, &c.child_id)?;
    Ok(Facts {
        regime,
        stage: c.stage,
        conditions: c.condition_list(),
        requirements_met_on: c.requirements_met_on,
        response_days: u32::try_from(c.response_days).unwrap_or(rules::MIN_RESPONSE_DAYS),
        preliminary_served_on: served_on(conn, &c.id, PRELIMINARY_NOTICE)?,
        consulted: c.consulted_on.is_some(),
        school_notice_served_on,
        objection_applied_on: c.objection_applied_on,
        direction_on: c.direction_on,
        nomination_served_on: served_on(conn, &c.id, "attendance-nomination")?,
        place_secured: c.place_secured,
        suitable_education_shown: c.suitable_education_shown,
        ehc_plan_no_school: c.ehc_plan_no_school,
        determined_on: c.determined_on,
        order_served_on: served_on(conn, &c.id, "attendance-order")?,
        ehc_plan_school: c.ehc_plan_school_id.is_some(),
        school_age_ends_on: crate::store::children::find(conn, &c.child_id)?
            .and_then(|ch| ch.date_of_birth)
            .map(crate::domain::school_age::csa_end),
        section47_ended: rules::section47_involvement_ended(&c.relied_on(), &known, today, today),
        section47_ended_since_order: rules::section47_involvement_ended(
            &c.relied_on(),
            &known,
            today,
            made_on(conn, &c.id, "attendance-order")?.unwrap_or(today),
        ),
        objection_window,
    })
}

/// An update that applies only at the expected stage changed no row: someone moved the case first.
fn changed(rows: usize) -> AppResult<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "The case changed while you were looking at it. Reload it and try again.".into(),
        ))
    }
}

/// After an update that only applies at the expected stage: the event recorded, or why nothing
/// changed.
fn then_record(
    conn: &mut AnyConnection,
    rows: usize,
    case_id: &str,
    kind: &str,
    on: NaiveDate,
    details: &str,
    user_id: &str,
) -> AppResult<()> {
    changed(rows)?;
    record_event(conn, case_id, kind, on, details, Some(user_id))?;
    Ok(())
}

/// Moves a case from `from` to `to`, only if nobody moved it meanwhile.
fn move_stage(conn: &mut AnyConnection, c: &Case, to: Stage, today: NaiveDate) -> AppResult<()> {
    let closed = (!rules::is_open(to)).then_some(today);
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::stage.eq(&c.stage)),
    )
    .set((
        attendance_cases::stage.eq(to),
        attendance_cases::closed_on.eq(closed),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    changed(rows)
}

/// The parents a notice goes to: those with parental responsibility (all known parents when
/// none is marked), at their own address or the child's.
pub fn parent_recipients(record: &ChildRecord) -> Vec<Recipient> {
    let home = record
        .addresses
        .iter()
        .find(|a| a.kind == AddressKind::Current)
        .map(|a| a.one_line())
        .unwrap_or_default();
    let with_pr: Vec<_> = record
        .parents
        .iter()
        .filter(|p| p.parental_responsibility)
        .collect();
    let chosen = if with_pr.is_empty() {
        record.parents.iter().collect()
    } else {
        with_pr
    };
    chosen
        .into_iter()
        .map(|p| {
            let own: Vec<&str> = [&p.address_line_1, &p.address_town, &p.address_postcode]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .filter(|s| !s.trim().is_empty())
                .collect();
            Recipient {
                role: "parent".into(),
                name: format!("{} {}", p.given_names, p.family_name),
                address: if own.is_empty() {
                    home.clone()
                } else {
                    own.join(", ")
                },
                email: p.email.clone(),
                is_parent: true,
            }
        })
        .collect()
}

pub fn school_recipient(s: &School) -> Recipient {
    Recipient {
        role: "school".into(),
        name: format!("The governing body or proprietor, {}", s.name),
        address: s.address.clone(),
        email: s.email.clone(),
        is_parent: false,
    }
}

/// Who serves and with what: the rendering context, the officer and the day.
pub struct Serving<'a> {
    pub ctx: &'a ServiceContext<'a>,
    pub user_id: &'a str,
    pub today: NaiveDate,
}

fn fmt(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn fmt_or_not_known(d: Option<NaiveDate>) -> String {
    d.map(fmt).unwrap_or_else(|| "not known".into())
}

/// Serves one notice on each recipient, with the case's common wording filled in.
fn serve_all(
    conn: &mut AnyConnection,
    s: &Serving,
    c: &Case,
    record: &ChildRecord,
    template: &str,
    extra: &[(&str, &str)],
    recipients: &[Recipient],
) -> anyhow::Result<usize> {
    let child = &record.child;
    let child_name = format!("{} {}", child.given_names, child.family_name);
    let dob = fmt_or_not_known(child.date_of_birth);
    let date = fmt(s.today);
    let law = c.regime().name();
    for r in recipients {
        let mut vars: Vec<(&str, &str)> = vec![
            ("council", s.ctx.council),
            ("date", &date),
            ("reference", &c.reference),
            ("recipient", &r.name),
            ("recipient_address", &r.address),
            ("child_name", &child_name),
            ("child_dob", &dob),
            ("law", law),
        ];
        vars.extend_from_slice(extra);
        served::serve(
            conn,
            s.ctx,
            &format!("notices/{template}"),
            &vars,
            r,
            &c.id,
            &c.reference,
            "attendance_notices",
            s.user_id,
        )?;
    }
    Ok(recipients.len())
}

fn no_parents() -> String {
    "The register entry has no parent to serve: add the parent and their address first (s.572)."
        .into()
}

/// Stage 1: the preliminary notice (s.436H(3), (10)) or today's s.437(1) notice.
pub fn serve_preliminary_notice(conn: &mut AnyConnection, s: &Serving, c: &Case) -> AppResult<()> {
    let Some(record) = entries::load_record(conn, &c.child_id)? else {
        return Err(AppError::Refused("The register entry is missing.".into()));
    };
    let parents = parent_recipients(&record);
    if parents.is_empty() {
        return Err(AppError::Refused(no_parents()));
    }
    let conditions: Vec<String> = c
        .condition_list()
        .iter()
        .map(|k| format!("- {}", rules::condition_label(c.regime(), k)))
        .collect();
    let requirement = if c.condition_list() == ["B"] {
        "that your child is receiving education that is in their best interests"
    } else if c.condition_list().iter().any(|k| k == "B") {
        "that your child is receiving suitable education and, for condition B, education that is in their best interests"
    } else {
        "that your child is receiving suitable education"
    };
    let section = match c.regime() {
        Regime::New => "section 436H",
        Regime::Current => "section 437(1)",
    };
    let days = c.response_days.to_string();
    // The home-visit rule is the new law's (s.436H(8)–(9), s.436I(4)); today's s.437 has none.
    let home_visit = match c.regime() {
        Regime::New => "\nThe council may ask to see your child in your home. You do not have to agree, but if you refuse the council must treat that as a relevant factor in deciding whether you have satisfied it.",
        Regime::Current => "",
    };
    move_stage(conn, c, Stage::PreliminaryNotice, s.today)?;
    serve_all(
        conn,
        s,
        c,
        &record,
        "attendance-preliminary-notice",
        &[
            ("section", section),
            ("conditions", &conditions.join("\n")),
            ("requirement", requirement),
            ("days", &days),
            ("grounds", &c.grounds),
            ("home_visit", home_visit),
        ],
        &parents,
    )?;
    Ok(())
}

/// The result of deciding on the parent's response (s.436I(1)–(4); s.437(3)).
pub struct Evaluation<'a> {
    pub outcome: rules::Evaluation,
    pub considerations: &'a str,
    pub reasons: &'a str,
}

pub fn evaluate(
    conn: &mut AnyConnection,
    c: &Case,
    f: &Facts,
    e: &Evaluation,
    user_id: &str,
    today: NaiveDate,
) -> AppResult<()> {
    let to = rules::after_evaluation(f, e.outcome);
    move_stage(conn, c, to, today)?;
    if e.outcome == rules::Evaluation::NotBestInterests {
        diesel::update(attendance_cases::table.find(&c.id))
            .set(attendance_cases::suitable_education_shown.eq(true))
            .execute(conn)?;
    }
    if to == Stage::SchoolDetermined {
        diesel::update(attendance_cases::table.find(&c.id))
            .set(attendance_cases::determined_on.eq(today))
            .execute(conn)?;
    }
    let outcome = match to {
        Stage::Satisfied => "The parent satisfied the council.",
        Stage::NotExpedient => "Not expedient that the child attend school.",
        Stage::Barred => "The parent did not satisfy the council, but an order is barred: condition B alone (or with suitable education shown), and the section 47 involvement has ended (s.436I(2)).",
        Stage::SchoolDetermined => "The parent did not satisfy the council. The child's EHC plan names the school (s.436J).",
        _ => "The parent did not satisfy the council, and it is expedient that the child attend school.",
    };
    record_event(
        conn,
        &c.id,
        "evaluation",
        today,
        &format!(
            "{outcome}\nConsidered (s.436I(3)): {}\nReasons: {}",
            e.considerations, e.reasons
        ),
        Some(user_id),
    )?;
    Ok(())
}

/// s.436N(1) / s.439(2): the school chosen, alternatives, and the consultation.
pub fn record_consultation(
    conn: &mut AnyConnection,
    c: &Case,
    school_id: &str,
    alternatives: &[String],
    on: NaiveDate,
    details: &str,
    user_id: &str,
) -> AppResult<()> {
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::stage.eq(Stage::SchoolSelection)),
    )
    .set((
        attendance_cases::school_id.eq(school_id),
        attendance_cases::alternatives.eq(serde_json::to_string(alternatives)?),
        attendance_cases::consulted_on.eq(on),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    then_record(conn, rows, &c.id, "consultation", on, details, user_id)
}

fn school(conn: &mut AnyConnection, id: Option<&str>) -> QueryResult<Option<School>> {
    match id {
        Some(id) => schools::table
            .find(id)
            .select(School::as_select())
            .first(conn)
            .optional(),
        None => Ok(None),
    }
}

fn school_names(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<String> {
    let mut out = vec![];
    for id in ids {
        if let Some(s) = school(conn, Some(id))? {
            out.push(format!("- {}, {}", s.name, s.address));
        }
    }
    Ok(if out.is_empty() {
        "None".into()
    } else {
        out.join("\n")
    })
}

/// s.436N(2) / s.439(4): notice to the school of the decision to name it.
pub fn serve_school_notice(conn: &mut AnyConnection, s: &Serving, c: &Case) -> AppResult<()> {
    let Some(sch) = school(conn, c.school_id.as_deref())? else {
        return Err(AppError::Refused(
            "Choose the school and record the consultation first (s.436N(1)).".into(),
        ));
    };
    let Some(record) = entries::load_record(conn, &c.child_id)? else {
        return Err(AppError::Refused("The register entry is missing.".into()));
    };
    let (section, window) = match c.regime() {
        Regime::New => ("section 436N(2)", "within 10 school days beginning with the day this notice is served (section 436N(4)–(5))"),
        Regime::Current => ("section 439(4)", "within 15 days beginning with the day you receive this notice (section 439(6)–(7))"),
    };
    move_stage(conn, c, Stage::SchoolNotified, s.today)?;
    serve_all(
        conn,
        s,
        c,
        &record,
        "attendance-school-notice",
        &[
            ("section", section),
            ("school_name", &sch.name),
            ("window", window),
        ],
        &[school_recipient(&sch)],
    )?;
    Ok(())
}

/// s.436N(4): the school applied to the Secretary of State for a direction.
pub fn record_objection(
    conn: &mut AnyConnection,
    c: &Case,
    on: NaiveDate,
    details: &str,
    user_id: &str,
) -> AppResult<()> {
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::stage.eq(Stage::SchoolNotified)),
    )
    .set((
        attendance_cases::stage.eq(Stage::DirectionPending),
        attendance_cases::objection_applied_on.eq(on),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    then_record(conn, rows, &c.id, "objection_applied", on, details, user_id)
}

/// s.436N(7): the Secretary of State's direction decides the school.
pub fn record_direction(
    conn: &mut AnyConnection,
    c: &Case,
    on: NaiveDate,
    school_id: &str,
    details: &str,
    user_id: &str,
) -> AppResult<()> {
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::stage.eq(Stage::DirectionPending)),
    )
    .set((
        attendance_cases::stage.eq(Stage::SchoolNotified),
        attendance_cases::direction_on.eq(on),
        attendance_cases::school_id.eq(school_id),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    then_record(conn, rows, &c.id, "direction", on, details, user_id)
}

/// s.436L(1)–(2) / s.438(2): the school nomination notice (notice of intention) to the parents.
pub fn serve_nomination(conn: &mut AnyConnection, s: &Serving, c: &Case) -> AppResult<()> {
    let Some(sch) = school(conn, c.school_id.as_deref())? else {
        return Err(AppError::Refused(
            "No school has been chosen for this case (s.436L(1)).".into(),
        ));
    };
    let Some(record) = entries::load_record(conn, &c.child_id)? else {
        return Err(AppError::Refused("The register entry is missing.".into()));
    };
    let parents = parent_recipients(&record);
    if parents.is_empty() {
        return Err(AppError::Refused(no_parents()));
    }
    let alternatives = school_names(conn, &c.alternative_ids())?;
    let section = match c.regime() {
        Regime::New => "section 436L",
        Regime::Current => "section 438",
    };
    let choice_end = fmt(rules::parent_choice_end(c.regime(), s.today).on);
    // A direction (s.436N(7)) returns the case to school_notified; nomination follows it.
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::stage.eq(&c.stage)),
    )
    .set((
        attendance_cases::stage.eq(Stage::Nomination),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    changed(rows)?;
    serve_all(
        conn,
        s,
        c,
        &record,
        "attendance-nomination",
        &[
            ("section", section),
            ("school_name", &sch.name),
            ("school_address", &sch.address),
            ("alternatives", &alternatives),
            ("choice_end_if_today", &choice_end),
        ],
        &parents,
    )?;
    Ok(())
}

/// s.436L(3)–(6): the parent chose a listed alternative or secured a place; that school must be
/// named.
pub fn record_parent_choice(
    conn: &mut AnyConnection,
    c: &Case,
    school_id: &str,
    on: NaiveDate,
    details: &str,
    user_id: &str,
) -> AppResult<()> {
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::stage.eq(Stage::Nomination)),
    )
    .set((
        attendance_cases::school_id.eq(school_id),
        attendance_cases::place_secured.eq(true),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    then_record(conn, rows, &c.id, "parent_choice", on, details, user_id)
}

/// A manager gives an open case to another officer; reminders follow the case.
pub fn assign(
    conn: &mut AnyConnection,
    c: &Case,
    to: &str,
    name: &str,
    user_id: &str,
    today: NaiveDate,
) -> AppResult<()> {
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::closed_on.is_null()),
    )
    .set((
        attendance_cases::assigned_to.eq(to),
        attendance_cases::reminded_for.eq(None::<String>),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    then_record(
        conn,
        rows,
        &c.id,
        "note",
        today,
        &format!("Case given to {name}."),
        user_id,
    )
}

/// The school to name is settled: the 5-day clock of s.436I(6) starts.
pub fn determine_school(
    conn: &mut AnyConnection,
    c: &Case,
    user_id: &str,
    today: NaiveDate,
) -> AppResult<()> {
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::stage.eq(Stage::Nomination)),
    )
    .set((
        attendance_cases::stage.eq(Stage::SchoolDetermined),
        attendance_cases::determined_on.eq(today),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    changed(rows)?;
    let name = school(conn, c.school_id.as_deref())?
        .map(|s| s.name)
        .unwrap_or_default();
    record_event(
        conn,
        &c.id,
        "determined",
        today,
        &format!("School to be named: {name}"),
        Some(user_id),
    )?;
    Ok(())
}

/// s.436I(5)–(9) / s.437(3): the order to the parents, and notice to the school, which must admit.
pub fn serve_order(
    conn: &mut AnyConnection,
    s: &Serving,
    c: &Case,
    template: &str,
    reason: &str,
) -> AppResult<()> {
    let Some(sch) = school(conn, c.school_id.as_deref())? else {
        return Err(AppError::Refused(
            "No school has been determined for this case.".into(),
        ));
    };
    let Some(record) = entries::load_record(conn, &c.child_id)? else {
        return Err(AppError::Refused("The register entry is missing.".into()));
    };
    let parents = parent_recipients(&record);
    if parents.is_empty() {
        return Err(AppError::Refused(no_parents()));
    }
    let (section, offence) = (
        match c.regime() {
            Regime::New => "section 436I",
            Regime::Current => "section 437(3)",
        },
        rules::offence(c.regime()),
    );
    let vars = [
        ("section", section),
        ("school_name", sch.name.as_str()),
        ("school_address", sch.address.as_str()),
        ("offence", offence),
        ("reason", reason),
    ];
    serve_all(conn, s, c, &record, template, &vars, &parents)?;
    if template == "attendance-order" {
        move_stage(conn, c, Stage::InForce, s.today)?;
        serve_all(
            conn,
            s,
            c,
            &record,
            "attendance-order-school",
            &vars,
            &[school_recipient(&sch)],
        )?;
    } else {
        // An amendment also goes to the newly named school.
        serve_all(
            conn,
            s,
            c,
            &record,
            "attendance-order-school",
            &vars,
            &[school_recipient(&sch)],
        )?;
    }
    Ok(())
}

/// s.436O / s.440: the parent secured a place elsewhere; the order names that school.
pub fn amend(
    conn: &mut AnyConnection,
    s: &Serving,
    c: &Case,
    school_id: &str,
    reason: &str,
) -> AppResult<()> {
    let rows = diesel::update(
        attendance_cases::table
            .find(&c.id)
            .filter(attendance_cases::stage.eq(Stage::InForce)),
    )
    .set((
        attendance_cases::school_id.eq(school_id),
        attendance_cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    changed(rows)?;
    let Some(updated) = find(conn, &c.id)? else {
        return Err(AppError::Refused("The case is missing.".into()));
    };
    serve_order(conn, s, &updated, "attendance-amendment", reason)?;
    record_event(conn, &c.id, "amended", s.today, reason, Some(s.user_id))?;
    Ok(())
}

/// s.436P / s.442: the order is revoked, with a notice to the parents.
pub fn revoke(conn: &mut AnyConnection, s: &Serving, c: &Case, reason: &str) -> AppResult<()> {
    let Some(record) = entries::load_record(conn, &c.child_id)? else {
        return Err(AppError::Refused("The register entry is missing.".into()));
    };
    move_stage(conn, c, Stage::Revoked, s.today)?;
    let parents = parent_recipients(&record);
    let section = match c.regime() {
        Regime::New => "section 436P",
        Regime::Current => "section 442",
    };
    serve_all(
        conn,
        s,
        c,
        &record,
        "attendance-revocation",
        &[("section", section), ("reason", reason)],
        &parents,
    )?;
    record_event(conn, &c.id, "revoked", s.today, reason, Some(s.user_id))?;
    Ok(())
}

/// s.436P(5) / s.442(3)–(4): the parent asked for the order to be revoked and the council
/// refuses: notice of the refusal, saying the parent may refer it to the Secretary of State.
pub fn refuse_revocation(
    conn: &mut AnyConnection,
    s: &Serving,
    c: &Case,
    requested_on: NaiveDate,
    reason: &str,
) -> AppResult<()> {
    let Some(record) = entries::load_record(conn, &c.child_id)? else {
        return Err(AppError::Refused("The register entry is missing.".into()));
    };
    let (section, referral) = match c.regime() {
        Regime::New => ("section 436P(5)", "section 436P(5)"),
        Regime::Current => ("section 442(3)", "section 442(4)"),
    };
    let asked = crate::clock::fmt_date(requested_on);
    serve_all(
        conn,
        s,
        c,
        &record,
        "attendance-revocation-refused",
        &[
            ("section", section),
            ("reason", reason),
            ("requested_on", &asked),
            ("referral_section", referral),
        ],
        &parent_recipients(&record),
    )?;
    record_event(
        conn,
        &c.id,
        "revocation_refused",
        s.today,
        &format!("The parent asked on {asked}. Refused: {reason}"),
        Some(s.user_id),
    )?;
    Ok(())
}

/// The parent referred the refusal to the Secretary of State (s.436P(5); s.442(4)); when the
/// answer is a direction to revoke, the order is revoked and the parents told.
pub fn record_revocation_referral(
    conn: &mut AnyConnection,
    s: &Serving,
    c: &Case,
    referred_on: NaiveDate,
    outcome: rules::RevocationReferral,
) -> AppResult<()> {
    record_event(
        conn,
        &c.id,
        "revocation_referral",
        referred_on,
        outcome.label(),
        Some(s.user_id),
    )?;
    if outcome == rules::RevocationReferral::DirectedRevocation {
        let section = match c.regime() {
            Regime::New => "s.436P(5)",
            Regime::Current => "s.442(4)",
        };
        revoke(
            conn,
            s,
            c,
            &format!(
                "The Secretary of State directed the council to revoke the order ({section})."
            ),
        )?;
    }
    Ok(())
}

/// s.436Q / s.443 with s.447(1): referral for prosecution, after considering an education
/// supervision order.
pub fn refer(
    conn: &mut AnyConnection,
    c: &Case,
    breach: &str,
    eso: &str,
    user_id: &str,
    today: NaiveDate,
) -> AppResult<()> {
    move_stage(conn, c, Stage::Referred, today)?;
    record_event(
        conn,
        &c.id,
        REFERRED,
        today,
        &format!(
            "Failure to comply: {breach}\nEducation supervision order considered (s.447(1)): {eso}"
        ),
        Some(user_id),
    )?;
    Ok(())
}

/// What the court did with a referral (s.436Q(5)–(6); s.443(2); s.447(5)), and whether it
/// directed an application for an education supervision order (s.447(2)).
pub fn record_prosecution_outcome(
    conn: &mut AnyConnection,
    c: &Case,
    outcome: (rules::ProsecutionOutcome, bool),
    on: NaiveDate,
    details: &str,
    user_id: &str,
    today: NaiveDate,
) -> AppResult<()> {
    move_stage(conn, c, rules::after_prosecution(outcome.0), today)?;
    let eso = if outcome.1 {
        let due = crate::domain::duties::eso_reasons_by(on);
        crate::store::tasks::create_due(
            conn,
            &c.child_id,
            crate::store::tasks::TaskKind::EsoDirection,
            &format!(
                "The court directed the council to apply for an education supervision order ({}). Apply, or, having consulted children's services, tell the court why not (s.447(3)–(4)).",
                c.reference
            ),
            &due,
        )?;
        format!(
            "\nThe court directed an application for an education supervision order (s.447(2)): apply, or give the court reasons by {}.",
            crate::clock::fmt_date(due.on)
        )
    } else {
        String::new()
    };
    record_event(
        conn,
        &c.id,
        "prosecution_outcome",
        on,
        &format!("{}{eso}\n{details}", outcome.0.label()),
        Some(user_id),
    )?;
    Ok(())
}

/// The prosecution file: one chronology of the notices, how each was served, the responses,
/// home-visit requests and refusals, and the considerations the statute requires, then each
/// notice as served.
pub fn bundle_text(conn: &mut AnyConnection, c: &Case, council: &str) -> QueryResult<String> {
    use std::fmt::Write;
    let child = entries::find(conn, &c.child_id)?;
    let events = events(conn, &c.id)?;
    let docs: Vec<served::ServedDocument> = served_documents::table
        .filter(served_documents::subject_id.eq(&c.id))
        .order(served_documents::created_at.asc())
        .select(served::ServedDocument::as_select())
        .load(conn)?;
    let names: Vec<(String, String)> = users::table.select((users::id, users::name)).load(conn)?;
    let who = |u: &Option<String>| {
        u.as_ref()
            .and_then(|u| names.iter().find(|(id, _)| id == u).map(|(_, n)| n.clone()))
            .unwrap_or_else(|| "the system".into())
    };
    let regime = c.regime();
    let mut out = String::new();
    let _ = writeln!(out, "{council}");
    let _ = writeln!(out, "Case {} under {}", c.reference, regime.name());
    if let Some(ch) = &child {
        let _ = writeln!(
            out,
            "Child: {} {}, born {}",
            ch.given_names,
            ch.family_name,
            fmt_or_not_known(ch.date_of_birth)
        );
    }
    let _ = writeln!(
        out,
        "Conditions relied on: {}",
        c.condition_list()
            .iter()
            .map(|k| crate::domain::register::label(rules::CONDITIONS, k))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let _ = writeln!(out, "Offence: {}", rules::offence(regime));
    let _ = writeln!(out, "Only the council may prosecute (s.446). Before prosecuting it must consider an education supervision order (s.447(1)).");
    let _ = writeln!(out);
    let _ = writeln!(out, "CHRONOLOGY");
    // Events and notices in date order; a notice sits on the day it was made.
    let mut lines: Vec<(NaiveDate, NaiveDateTime, String)> = vec![];
    for e in &events {
        lines.push((
            e.on_date,
            e.created_at,
            format!(
                "{}: {} (recorded by {})\n{}",
                fmt(e.on_date),
                crate::domain::register::label(EVENT_KINDS, &e.kind),
                who(&e.user_id),
                e.details
            ),
        ));
    }
    for d in &docs {
        let service = match (d.status, d.served_on) {
            (crate::domain::service::ServiceStatus::QueuedForPost, _) => {
                "NOT YET SERVED: waiting to be posted".to_string()
            }
            (_, Some(on)) => format!(
                "served on {} by {}{}",
                fmt(on),
                served::method_label(&d.method),
                d.service_note
                    .as_deref()
                    .map(|n| format!(" (evidence: {n})"))
                    .unwrap_or_default()
            ),
            _ => d.status.to_string(),
        };
        lines.push((
            d.created_at.date(),
            d.created_at,
            format!(
                "{}: {} to {} at {}; {}. Wording {}; SHA-256 of the PDF {}",
                fmt(d.created_at.date()),
                crate::domain::register::label(DOCUMENTS, &d.kind),
                d.recipient_name,
                d.sent_to,
                service,
                d.template_version,
                d.pdf_sha256
            ),
        ));
    }
    lines.sort_by_key(|a| (a.0, a.1));
    for (_, _, l) in &lines {
        let _ = writeln!(out, "{l}");
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "THE NOTICES AS SERVED");
    for d in &docs {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "--- {} to {} ---",
            crate::domain::register::label(DOCUMENTS, &d.kind),
            d.recipient_name
        );
        let _ = writeln!(out, "{}", d.body);
    }
    Ok(out)
}

/// How many condition-B tasks a night also email the team mailbox.
pub const MAX_ALERTS_A_NIGHT: usize = 10;

/// Nightly: s.436D(5)(a) and s.436H(6). A child on the register who came to the council from
/// someone other than a parent (a school, an officer, an import), eligible from a day on which
/// the register duties were in force, whose parents have not told the council within the 15
/// days beginning with that day: condition C may be met. One task a child, ever.
pub fn raise_condition_c(
    conn: &mut AnyConnection,
    today: NaiveDate,
    commencement: &crate::domain::commencement::Commencement,
) -> QueryResult<usize> {
    use crate::db::schema::parent_claims;
    use crate::domain::commencement::Provision;
    use crate::domain::duties::{parent_must_tell_by, ParentDuty};
    let Some(from) = commencement.from(Provision::Register) else {
        return Ok(0);
    };
    let candidates: Vec<(String, NaiveDate)> = children::table
        .filter(children::status.eq(EntryStatus::Open))
        .filter(children::source.ne("parent"))
        .filter(children::eligible_from.ge(from))
        .filter(children::eligible_from.le(today))
        .select((children::id, children::eligible_from.assume_not_null()))
        .load(conn)?;
    let mut raised = 0;
    for (child, eligible) in candidates {
        if !crate::domain::duties::condition_c_met(eligible, ParentDuty::Eligible, false, today) {
            continue;
        }
        let claims: i64 = parent_claims::table
            .filter(parent_claims::child_id.eq(&child))
            .count()
            .get_result(conn)?;
        let tasked: i64 = tasks::table
            .filter(tasks::child_id.eq(&child))
            .filter(tasks::kind.eq(TaskKind::AttendanceConditionC))
            .count()
            .get_result(conn)?;
        if claims > 0 || tasked > 0 {
            continue;
        }
        let due = parent_must_tell_by(eligible, ParentDuty::Eligible);
        crate::store::tasks::create_due(
            conn,
            &child,
            TaskKind::AttendanceConditionC,
            &format!(
                "No parent has told the council about this child, who became eligible for the register on {}: their 15 days ended on {} (s.436D(5)(a)). Condition C may be met; consider a preliminary notice (s.436H(6)).",
                crate::clock::fmt_date(eligible),
                crate::clock::fmt_date(due.on)
            ),
            &crate::domain::attendance::Deadline {
                on: today,
                rule: "condition C — s.436H(6)".into(),
            },
        )?;
        raised += 1;
    }
    Ok(raised)
}

/// Nightly: tasks for children the cross-check shows may meet condition B (s.436H(5)) and who
/// have no case and no open task for it, and for condition-B orders that must now be revoked
/// (s.436P(2)). Each is raised once while it stays open.
pub fn raise_tasks(
    conn: &mut AnyConnection,
    alert: Option<&crate::store::tasks::TeamAlert>,
    today: NaiveDate,
) -> anyhow::Result<(usize, usize)> {
    use crate::db::schema::child_flags;
    let flagged: Vec<String> = child_flags::table
        .inner_join(children::table)
        .filter(child_flags::ended_at.is_null())
        .filter(child_flags::kind.eq_any(["s47_open", "cp_plan_active"]))
        .filter(children::status.eq(EntryStatus::Open))
        .select(child_flags::child_id)
        .distinct()
        .load(conn)?;
    let open_task = |conn: &mut AnyConnection, child: &str, kind: &str| -> QueryResult<bool> {
        let n: i64 = tasks::table
            .filter(tasks::child_id.eq(child))
            .filter(tasks::kind.eq(kind))
            .filter(tasks::completed_at.is_null())
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    };
    let mut raised = 0;
    for child in flagged {
        let has_case = for_child(conn, &child)?
            .iter()
            .any(|c| c.closed_on.is_none());
        if has_case || open_task(conn, &child, "attendance_condition_b")? {
            continue;
        }
        // A first night may find many: the team mailbox hears of the first few, the task list
        // holds them all.
        crate::store::tasks::create(
            conn,
            alert.filter(|_| raised < MAX_ALERTS_A_NIGHT),
            Some(&child),
            TaskKind::AttendanceConditionB,
            "Social care shows a section 47 enquiry or child protection plan. If the child is not attending school regularly and school is in their best interests, condition B is met and a preliminary notice must be served within 5 days (s.436H(1), (5), (10)(b)).",
            None,
            Some(today),
        )?;
        raised += 1;
    }
    let mut revocations = 0;
    let in_force: Vec<Case> = attendance_cases::table
        .filter(attendance_cases::stage.eq_any([Stage::InForce, Stage::Referred]))
        .select(Case::as_select())
        .load(conn)?;
    for c in in_force {
        let f = facts(conn, &c, today)?;
        if rules::may(&f, rules::Step::RevokeMandatory, today).is_ok()
            && !open_task(conn, &c.child_id, "attendance_revocation")?
        {
            crate::store::tasks::create(
                conn,
                alert,
                Some(&c.child_id),
                TaskKind::AttendanceRevocation,
                "The section 47 involvement a condition-B school attendance order rested on has ended: the council must revoke the order (s.436P(2)).",
                Some(&c.id),
                Some(today),
            )?;
            revocations += 1;
        }
    }
    Ok((raised, revocations))
}

/// Reminders to the officer on a case, a set number of days before a deadline the council must
/// meet. The email holds a link only. Each deadline is reminded once.
pub fn send_reminders(
    conn: &mut AnyConnection,
    templates: &crate::mail::Templates,
    base_url: &str,
    council: &str,
    today: NaiveDate,
    days_before: i64,
) -> anyhow::Result<usize> {
    let cases: Vec<Case> = attendance_cases::table
        .filter(attendance_cases::closed_on.is_null())
        .select(Case::as_select())
        .load(conn)?;
    let mut sent = 0;
    for c in cases {
        let f = facts(conn, &c, today)?;
        let Some((what, d)) = f.next_deadline(today) else {
            continue;
        };
        let key = format!("{}:{}", c.stage, d.on);
        if c.reminded_for.as_deref() == Some(key.as_str())
            || (d.on - today).num_days() > days_before
        {
            continue;
        }
        let Some(to) = c
            .assigned_to
            .as_ref()
            .map(|u| {
                users::table
                    .find(u)
                    .select(users::email)
                    .first::<String>(conn)
            })
            .transpose()?
        else {
            continue;
        };
        let link = format!(
            "{}/officers/attendance/{}",
            base_url.trim_end_matches('/'),
            c.id
        );
        crate::mail::enqueue(
            conn,
            templates,
            "attendance-reminder",
            &to,
            &[
                ("what", what),
                ("due", &fmt(d.on)),
                ("rule", &d.rule),
                ("link", &link),
                ("council", council),
            ],
            None,
        )?;
        diesel::update(attendance_cases::table.find(&c.id))
            .set(attendance_cases::reminded_for.eq(&key))
            .execute(conn)?;
        sent += 1;
    }
    Ok(sent)
}
