//! The retention job (law.md §7.4): finds what is past its date under `domain::retention`,
//! keeps what is on legal hold, and erases the rest in batches, each batch in one transaction.
//! What it erases is logged by id and reference only.
use std::collections::HashSet;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{
    addresses, attendance_cases, attendance_events, audit_events, child_changes, child_flags,
    child_name_pairs, child_name_parts, child_prescribed, children, consent_applications,
    information_requests, legal_holds, match_links, outbox, parent_claims, parent_reports, parents,
    providers, read_audit_events, school_notices, section47_outcomes, served_documents,
    social_care_episodes, social_care_records, tasks,
};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::attendance::Stage;
use crate::domain::consent::ApplicationStatus;
use crate::domain::register::EntryStatus;
use crate::domain::retention::{self, HoldSubject, Policy};
use crate::domain::service::EmailStatus;

/// Records erased in one transaction.
const BATCH: usize = 200;

/// A legal hold, placed or released.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = legal_holds)]
pub struct LegalHold {
    pub id: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub reason: String,
    pub placed_by: String,
    pub placed_at: chrono::NaiveDateTime,
    pub released_at: Option<chrono::NaiveDateTime>,
    pub released_by: Option<String>,
}

/// The hold in force on a subject, if any.
pub fn hold_on(
    conn: &mut AnyConnection,
    kind: HoldSubject,
    subject_id: &str,
) -> QueryResult<Option<LegalHold>> {
    legal_holds::table
        .filter(legal_holds::subject_kind.eq(kind.as_str()))
        .filter(legal_holds::subject_id.eq(subject_id))
        .filter(legal_holds::released_at.is_null())
        .select(LegalHold::as_select())
        .first(conn)
        .optional()
}

/// The hold in force on a subject, with the name of the officer who placed it.
pub fn hold_with_name(
    conn: &mut AnyConnection,
    kind: HoldSubject,
    subject_id: &str,
) -> QueryResult<Option<(LegalHold, String)>> {
    use crate::db::schema::users;
    let Some(h) = hold_on(conn, kind, subject_id)? else {
        return Ok(None);
    };
    let name: Option<String> = users::table
        .find(&h.placed_by)
        .select(users::name)
        .first(conn)
        .optional()?;
    Ok(Some((h, name.unwrap_or_default())))
}

/// Places a hold; a subject already on hold keeps the first one (returns false).
pub fn place_hold(
    conn: &mut AnyConnection,
    kind: HoldSubject,
    subject_id: &str,
    reason: &str,
    user_id: &str,
) -> QueryResult<bool> {
    if hold_on(conn, kind, subject_id)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(legal_holds::table)
        .values((
            legal_holds::id.eq(new_id()),
            legal_holds::subject_kind.eq(kind.as_str()),
            legal_holds::subject_id.eq(subject_id),
            legal_holds::reason.eq(reason),
            legal_holds::placed_by.eq(user_id),
            legal_holds::placed_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Releases the hold in force on a subject; false when there was none.
pub fn release_hold(
    conn: &mut AnyConnection,
    kind: HoldSubject,
    subject_id: &str,
    user_id: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        legal_holds::table
            .filter(legal_holds::subject_kind.eq(kind.as_str()))
            .filter(legal_holds::subject_id.eq(subject_id))
            .filter(legal_holds::released_at.is_null()),
    )
    .set((
        legal_holds::released_at.eq(Some(now())),
        legal_holds::released_by.eq(Some(user_id)),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

fn held(conn: &mut AnyConnection, kind: HoldSubject) -> QueryResult<HashSet<String>> {
    Ok(legal_holds::table
        .filter(legal_holds::subject_kind.eq(kind.as_str()))
        .filter(legal_holds::released_at.is_null())
        .select(legal_holds::subject_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// One record past its date: its id, the reference officers know it by, and the last day it
/// was to be kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub id: String,
    pub reference: String,
    pub kept_until: NaiveDate,
}

/// What the job would erase today, and what it keeps only because of a legal hold.
#[derive(Debug, Default)]
pub struct Plan {
    pub register_entries: Vec<Due>,
    pub attendance_cases: Vec<Due>,
    pub consent_applications: Vec<Due>,
    /// Records past their date kept on legal hold: (what, reference).
    pub held: Vec<(&'static str, String)>,
    pub audit_events: i64,
    pub emails: i64,
    pub audit_before: NaiveDate,
    pub emails_before: NaiveDate,
    /// Social-care records no import has brought since `social_care_before`, linked to no child.
    pub social_care_records: i64,
    pub social_care_before: NaiveDate,
    /// Children on legal hold: their emails and audit rows are kept too.
    pub held_children: Vec<String>,
}

/// A case: id, reference, child, stage, closing day, the child's date of birth.
type CaseRow = (
    String,
    String,
    String,
    Stage,
    Option<NaiveDate>,
    Option<NaiveDate>,
);
/// An application: id, reference, date of birth, decided, withdrawn.
type ApplicationRow = (
    String,
    String,
    NaiveDate,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
);

/// What is past its date on `today` under `policy`.
pub fn plan(conn: &mut AnyConnection, today: NaiveDate, policy: &Policy) -> QueryResult<Plan> {
    let held_children = held(conn, HoldSubject::Child)?;
    let held_applications = held(conn, HoldSubject::ConsentApplication)?;
    let mut out = Plan {
        audit_before: retention::audit_cutoff(today, policy),
        emails_before: retention::email_cutoff(today, policy),
        social_care_before: retention::social_care_cutoff(today, policy),
        held_children: held_children.iter().cloned().collect(),
        ..Plan::default()
    };

    // Attendance cases: closed ones past their date; a case still open keeps its child.
    let prosecuted: HashSet<String> = attendance_events::table
        .filter(attendance_events::kind.eq(super::attendance::REFERRED))
        .select(attendance_events::case_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let cases: Vec<CaseRow> = attendance_cases::table
        .inner_join(children::table)
        .select((
            attendance_cases::id,
            attendance_cases::reference,
            attendance_cases::child_id,
            attendance_cases::stage,
            attendance_cases::closed_on,
            children::date_of_birth,
        ))
        .load(conn)?;
    let mut child_keeps_case: HashSet<String> = HashSet::new();
    for (id, reference, child_id, stage, closed_on, dob) in cases {
        let closed = closed_on.filter(|_| !stage.is_open());
        let Some(closed) = closed else {
            child_keeps_case.insert(child_id);
            continue;
        };
        let until =
            retention::attendance_case_kept_until(dob, closed, prosecuted.contains(&id), policy);
        let on_hold = held_children.contains(&child_id);
        if retention::due(until, today, on_hold) {
            out.attendance_cases.push(Due {
                id,
                reference,
                kept_until: until,
            });
        } else {
            if on_hold && retention::due(until, today, false) {
                out.held.push(("attendance case", reference));
            }
            child_keeps_case.insert(child_id);
        }
    }

    let closed: Vec<(String, String, Option<NaiveDate>, Option<NaiveDate>)> = children::table
        .filter(children::status.eq(EntryStatus::Closed))
        .select((
            children::id,
            children::reference,
            children::date_of_birth,
            children::closed_on,
        ))
        .load(conn)?;
    for (id, reference, dob, closed_on) in closed {
        let Some(closed_on) = closed_on else { continue };
        let until = retention::register_entry_kept_until(dob, closed_on, policy);
        if !retention::due(until, today, false) || child_keeps_case.contains(&id) {
            continue;
        }
        if held_children.contains(&id) {
            out.held.push(("register entry", reference));
        } else {
            out.register_entries.push(Due {
                id,
                reference,
                kept_until: until,
            });
        }
    }

    let finished: Vec<ApplicationRow> = consent_applications::table
        .filter(consent_applications::status.eq_any([
            ApplicationStatus::Granted,
            ApplicationStatus::Refused,
            ApplicationStatus::Withdrawn,
        ]))
        .select((
            consent_applications::id,
            consent_applications::reference,
            consent_applications::date_of_birth,
            consent_applications::decided_at,
            consent_applications::withdrawn_at,
        ))
        .load(conn)?;
    for (id, reference, dob, decided_at, withdrawn_at) in finished {
        let Some(finished_on) = decided_at.or(withdrawn_at).map(|t| t.date()) else {
            continue;
        };
        let until = retention::consent_application_kept_until(dob, finished_on, policy);
        if !retention::due(until, today, false) {
            continue;
        }
        if held_applications.contains(&id) {
            out.held.push(("application for consent", reference));
        } else {
            out.consent_applications.push(Due {
                id,
                reference,
                kept_until: until,
            });
        }
    }

    out.audit_events = old_audit!(audit_events, out.audit_before, &out.held_children)
        .count()
        .get_result::<i64>(conn)?
        + old_audit!(read_audit_events, out.audit_before, &out.held_children)
            .count()
            .get_result::<i64>(conn)?;
    out.emails = old_emails(out.emails_before, &out.held_children)
        .count()
        .get_result::<i64>(conn)?;
    out.social_care_records = stale_social_care(out.social_care_before)
        .count()
        .get_result::<i64>(conn)?;
    Ok(out)
}

/// Social-care records last imported before `before` that no child is linked to, by a match,
/// a household link or a flag: a record a child on the register is linked to is never erased
/// here, whatever its age, so no child protection flag is lost.
fn stale_social_care(
    before: NaiveDate,
) -> social_care_records::BoxedQuery<'static, crate::db::MultiBackend> {
    social_care_records::table
        .filter(social_care_records::imported_at.lt(before.and_time(chrono::NaiveTime::MIN)))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            match_links::table.filter(match_links::record_id.eq(social_care_records::id)),
        )))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            child_flags::table.filter(child_flags::record_id.eq(social_care_records::id)),
        )))
        .into_boxed()
}

/// Audit rows written before `before`, except those about a child on legal hold.
macro_rules! old_audit {
    ($table:ident, $before:expr, $held:expr) => {{
        let mut q = $table::table
            .filter($table::at.lt($before.and_time(chrono::NaiveTime::MIN)))
            .into_boxed();
        let held: &[String] = $held;
        if !held.is_empty() {
            q = q.filter(
                $table::child_id
                    .is_null()
                    .or(diesel::dsl::not($table::child_id.eq_any(held.to_vec()))),
            );
        }
        q
    }};
}
use old_audit;

/// Emails sent or given up on before `before`, except those about a child on legal hold.
fn old_emails(
    before: NaiveDate,
    held: &[String],
) -> outbox::BoxedQuery<'static, crate::db::MultiBackend> {
    let before = before.and_time(chrono::NaiveTime::MIN);
    let mut q = outbox::table
        .filter(outbox::status.eq_any([EmailStatus::Delivered, EmailStatus::PermanentFailure]))
        .filter(outbox::created_at.lt(before))
        .into_boxed();
    if !held.is_empty() {
        q = q.filter(
            outbox::child_id
                .is_null()
                .or(diesel::dsl::not(outbox::child_id.eq_any(held.to_vec()))),
        );
    }
    q
}

/// What one run erased.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub register_entries: usize,
    pub attendance_cases: usize,
    pub consent_applications: usize,
    pub audit_events: usize,
    pub emails: usize,
    pub social_care_records: usize,
}

/// Erases what `plan` found, in batches; each erasure is written to the audit log by id.
pub fn apply(conn: &mut AnyConnection, plan: &Plan) -> anyhow::Result<Erased> {
    let mut out = Erased::default();
    for batch in plan.attendance_cases.chunks(BATCH) {
        let ids: Vec<String> = batch.iter().map(|d| d.id.clone()).collect();
        out.attendance_cases += crate::db::write::<_, anyhow::Error, _>(conn, |c| {
            erase_cases(c, &ids)?;
            for d in batch {
                record(c, "retention_erased_attendance_case", None, &d.reference)?;
            }
            Ok(ids.len())
        })?;
    }
    for batch in plan.register_entries.chunks(BATCH) {
        let planned: Vec<String> = batch.iter().map(|d| d.id.clone()).collect();
        out.register_entries += crate::db::write::<_, anyhow::Error, _>(conn, |c| {
            // Checked again in the transaction: an entry reopened, held or given a case since
            // the plan was made stays.
            let ids = still_erasable(c, &planned)?;
            erase_children(c, &ids)?;
            for d in batch.iter().filter(|d| ids.contains(&d.id)) {
                record(
                    c,
                    "retention_erased_register_entry",
                    Some(&d.id),
                    &d.reference,
                )?;
            }
            Ok(ids.len())
        })?;
    }
    for batch in plan.consent_applications.chunks(BATCH) {
        let ids: Vec<String> = batch.iter().map(|d| d.id.clone()).collect();
        out.consent_applications += crate::db::write::<_, anyhow::Error, _>(conn, |c| {
            erase_applications(c, &ids)?;
            for d in batch {
                record(
                    c,
                    "retention_erased_consent_application",
                    None,
                    &d.reference,
                )?;
            }
            Ok(ids.len())
        })?;
    }
    let held = plan.held_children.as_slice();
    loop {
        let n = crate::db::write::<_, anyhow::Error, _>(conn, |c| {
            let ids: Vec<String> = old_audit!(audit_events, plan.audit_before, held)
                .select(audit_events::id)
                .limit(5000)
                .load(c)?;
            Ok(
                diesel::delete(audit_events::table.filter(audit_events::id.eq_any(ids)))
                    .execute(c)?,
            )
        })?;
        out.audit_events += n;
        if n == 0 {
            break;
        }
    }
    loop {
        let ids: Vec<String> = old_audit!(read_audit_events, plan.audit_before, held)
            .select(read_audit_events::id)
            .limit(5000)
            .load(conn)?;
        let n = diesel::delete(read_audit_events::table.filter(read_audit_events::id.eq_any(ids)))
            .execute(conn)?;
        out.audit_events += n;
        if n == 0 {
            break;
        }
    }
    out.emails = crate::db::write::<_, anyhow::Error, _>(conn, |c| {
        let ids: Vec<String> = old_emails(plan.emails_before, held)
            .select(outbox::id)
            .load(c)?;
        let mut n = 0;
        for chunk in ids.chunks(500) {
            // A served notice keeps its own copy; the link to the email goes with the email.
            diesel::update(
                served_documents::table.filter(served_documents::outbox_id.eq_any(chunk)),
            )
            .set(served_documents::outbox_id.eq(None::<String>))
            .execute(c)?;
            n += diesel::delete(outbox::table.filter(outbox::id.eq_any(chunk))).execute(c)?;
        }
        Ok(n)
    })?;
    loop {
        let n = crate::db::write::<_, anyhow::Error, _>(conn, |c| {
            // Chosen again in the transaction, so a record linked since the plan stays.
            let ids: Vec<String> = stale_social_care(plan.social_care_before)
                .select(social_care_records::id)
                .limit(i64::try_from(BATCH).unwrap_or(200))
                .load(c)?;
            if ids.is_empty() {
                return Ok(0);
            }
            diesel::delete(
                social_care_episodes::table.filter(social_care_episodes::record_id.eq_any(&ids)),
            )
            .execute(c)?;
            diesel::delete(
                section47_outcomes::table.filter(section47_outcomes::record_id.eq_any(&ids)),
            )
            .execute(c)?;
            let n = diesel::delete(
                social_care_records::table.filter(social_care_records::id.eq_any(&ids)),
            )
            .execute(c)?;
            super::audit::record(
                c,
                None,
                "retention_erased_social_care_records",
                None,
                &format!(
                    "retention policy: {n} social care records not imported since {} and linked to no child",
                    plan.social_care_before
                ),
            )?;
            Ok(n)
        })?;
        out.social_care_records += n;
        if n == 0 {
            break;
        }
    }
    if out != Erased::default() {
        log::info!("retention: erased {out:?}");
    }
    Ok(out)
}

/// Of `ids`, the entries still closed, not on legal hold and with no school attendance case.
fn still_erasable(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<Vec<String>> {
    let held_now = held(conn, HoldSubject::Child)?;
    let with_cases: HashSet<String> = attendance_cases::table
        .filter(attendance_cases::child_id.eq_any(ids))
        .select(attendance_cases::child_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    Ok(children::table
        .filter(children::id.eq_any(ids))
        .filter(children::status.eq(EntryStatus::Closed))
        .select(children::id)
        .load::<String>(conn)?
        .into_iter()
        .filter(|id| !held_now.contains(id) && !with_cases.contains(id))
        .collect())
}

fn record(
    conn: &mut AnyConnection,
    action: &str,
    child_id: Option<&str>,
    reference: &str,
) -> QueryResult<()> {
    super::audit::record(
        conn,
        None,
        action,
        child_id,
        &format!("retention policy: {reference} past its date"),
    )
}

/// Served notices about `subjects` and the emails that carried them.
fn erase_documents(conn: &mut AnyConnection, subjects: &[String]) -> QueryResult<()> {
    let docs: Vec<String> = served_documents::table
        .filter(served_documents::subject_id.eq_any(subjects))
        .select(served_documents::id)
        .load(conn)?;
    diesel::delete(outbox::table.filter(outbox::document_id.eq_any(&docs))).execute(conn)?;
    diesel::delete(served_documents::table.filter(served_documents::id.eq_any(&docs)))
        .execute(conn)?;
    Ok(())
}

fn erase_cases(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<()> {
    erase_documents(conn, ids)?;
    diesel::delete(tasks::table.filter(tasks::source_id.eq_any(ids))).execute(conn)?;
    diesel::delete(attendance_events::table.filter(attendance_events::case_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(attendance_cases::table.filter(attendance_cases::id.eq_any(ids)))
        .execute(conn)?;
    Ok(())
}

/// A child's whole record: the entry, its history, its people and places, its tasks, reports,
/// requests, links to social care records (the records themselves are social care's), the
/// schools' notices about the child and the emails about them.
fn erase_children(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<()> {
    let requests: Vec<String> = information_requests::table
        .filter(information_requests::child_id.eq_any(ids))
        .select(information_requests::id)
        .load(conn)?;
    erase_documents(conn, &requests)?;
    diesel::delete(outbox::table.filter(outbox::child_id.eq_any(ids))).execute(conn)?;
    diesel::delete(tasks::table.filter(tasks::child_id.eq_any(ids))).execute(conn)?;
    diesel::delete(parent_reports::table.filter(parent_reports::child_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(information_requests::table.filter(information_requests::child_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(match_links::table.filter(match_links::child_id.eq_any(ids))).execute(conn)?;
    diesel::delete(child_flags::table.filter(child_flags::child_id.eq_any(ids))).execute(conn)?;
    diesel::delete(school_notices::table.filter(school_notices::child_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(parent_claims::table.filter(parent_claims::child_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(child_name_parts::table.filter(child_name_parts::child_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(child_name_pairs::table.filter(child_name_pairs::child_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(
        crate::db::schema::transfers::table
            .filter(crate::db::schema::transfers::child_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::delete(
        crate::db::schema::disclosures::table
            .filter(crate::db::schema::disclosures::child_id.eq_any(ids)),
    )
    .execute(conn)?;
    diesel::delete(child_prescribed::table.filter(child_prescribed::child_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(addresses::table.filter(addresses::child_id.eq_any(ids))).execute(conn)?;
    diesel::delete(parents::table.filter(parents::child_id.eq_any(ids))).execute(conn)?;
    diesel::delete(providers::table.filter(providers::child_id.eq_any(ids))).execute(conn)?;
    diesel::delete(child_changes::table.filter(child_changes::child_id.eq_any(ids)))
        .execute(conn)?;
    erase_released_holds(conn, HoldSubject::Child, ids)?;
    diesel::delete(children::table.filter(children::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// The released legal holds on what is erased (a hold still in force keeps its record, so none
/// is left): their reasons may name the child.
fn erase_released_holds(
    conn: &mut AnyConnection,
    kind: HoldSubject,
    ids: &[String],
) -> QueryResult<usize> {
    diesel::delete(
        legal_holds::table
            .filter(legal_holds::subject_kind.eq(kind.as_str()))
            .filter(legal_holds::subject_id.eq_any(ids))
            .filter(legal_holds::released_at.is_not_null()),
    )
    .execute(conn)
}

fn erase_applications(conn: &mut AnyConnection, ids: &[String]) -> QueryResult<()> {
    use crate::db::schema::application_drafts;
    erase_documents(conn, ids)?;
    erase_released_holds(conn, HoldSubject::ConsentApplication, ids)?;
    diesel::delete(tasks::table.filter(tasks::source_id.eq_any(ids))).execute(conn)?;
    diesel::delete(
        application_drafts::table.filter(application_drafts::application_id.eq_any(ids)),
    )
    .execute(conn)?;
    // A school's notice about the child goes with the application, unless it is also on a
    // register entry (kept with that entry).
    diesel::delete(
        school_notices::table
            .filter(school_notices::application_id.eq_any(ids))
            .filter(school_notices::child_id.is_null()),
    )
    .execute(conn)?;
    diesel::update(school_notices::table.filter(school_notices::application_id.eq_any(ids)))
        .set(school_notices::application_id.eq(None::<String>))
        .execute(conn)?;
    diesel::delete(consent_applications::table.filter(consent_applications::id.eq_any(ids)))
        .execute(conn)?;
    Ok(())
}
