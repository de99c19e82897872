//! The register: reading a child's record for an officer.
use std::collections::HashMap;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};

use crate::domain::register::AddressKind;
use crate::domain::retention::HoldSubject;
use chrono::NaiveDate;

use crate::store::children::{Address, Child, Parent, Provider, SaveOutcome};
use crate::store::parent_claims::{self, ParentClaim};
use crate::store::{self, audit, children};
use crate::views::record::RecordPage;

/// Brings the database up to date: the migrations, then the name-part search index. Returns how
/// many migrations were applied.
pub fn prepare_database(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let applied = crate::db::migrate(conn)?;
    reindex_names(conn)?;
    Ok(applied)
}

/// The name index's lease: instances starting together index once, not against each other.
const NAME_INDEX_LEASE: &str = "name_index";

/// Indexes names the index is missing or has stale, under a lease; at start-up and each day, so
/// entries an older release made or renamed during a rolling deploy are found by search. None when
/// another instance is doing it.
pub fn reindex_names(conn: &mut AnyConnection) -> anyhow::Result<Option<usize>> {
    use crate::db::lease;
    let holder = lease::holder_name();
    if !lease::acquire(conn, NAME_INDEX_LEASE, &holder, 30)? {
        log::info!("name index: another instance is bringing it up to date");
        return Ok(None);
    }
    let indexed = children::reindex_names(conn);
    lease::release(conn, NAME_INDEX_LEASE, &holder)?;
    let indexed = indexed?;
    if indexed > 0 {
        log::info!("indexed the names of {indexed} register entries for search");
    }
    Ok(Some(indexed))
}

/// `read()` where `present`, else the empty value: a section `record_sections` found empty.
fn when<T: Default>(
    present: bool,
    read: impl FnOnce() -> diesel::QueryResult<T>,
) -> diesel::QueryResult<T> {
    if present {
        read()
    } else {
        Ok(T::default())
    }
}

/// Everything the record page shows, with the read recorded in the audit log.
pub fn open_record(c: &mut AnyConnection, child_id: &str, user_id: &str) -> AppResult<RecordPage> {
    let page = crate::db::read(c, |c| -> AppResult<RecordPage> {
        let rec = children::load_record(c, child_id)?.ok_or(AppError::NotFound)?;
        // Each parent's s.572 decisions, so officers know how notices may be served.
        let mut consents = HashMap::new();
        for p in &rec.parents {
            if let Some(e) = &p.email {
                consents.insert(p.id.clone(), store::parent_access::consent_decisions(c, e)?);
            }
        }
        let id = rec.child.id.clone();
        let has = children::record_sections(c, &id)?;
        Ok(RecordPage {
            consents,
            tasks: when(has.tasks, || store::tasks::for_child(c, &id))?,
            reports: when(has.reports, || store::parent_reports::for_child(c, &id))?,
            requests: when(has.requests, || {
                store::information_requests::for_child(c, &id)
            })?,
            flags: store::matches::flags_for_child(c, &id)?,
            links: store::matches::links_for_child(c, &id)?,
            attendance: when(has.attendance, || store::attendance::for_child(c, &id))?,
            claims: when(has.claims, || store::parent_claims::for_child(c, &id))?,
            hold: when(has.hold, || {
                store::retention::hold_with_name(c, HoldSubject::Child, &id)
            })?,
            prescribed: when(has.prescribed, || store::prescribed::of(c, &id))?,
            transfers: when(has.transfers, || store::transfers::for_child(c, &id))?,
            disclosures: when(has.disclosures, || store::disclosures::for_child(c, &id))?,
            rec,
        })
    })?;
    // Written before the page is shown: no read of a record goes unaudited.
    audit::record(
        c,
        Some(user_id),
        "view_record",
        Some(&page.rec.child.id),
        "officer opened the record",
    )?;
    Ok(page)
}

/// A stored search, run again so its results are current, with the read audited.
pub struct SearchResults {
    pub q: String,
    pub parsed: children::Query,
    /// The first `limit` entries, open entries first.
    pub rows: Vec<children::ListRow>,
    /// More entries match than are shown.
    pub more: bool,
    pub tags: HashMap<String, Vec<String>>,
}

/// The results of an officer's own stored search; None for another officer's search or one
/// that has expired (the officer then searches again).
pub fn saved_search_results(
    c: &mut AnyConnection,
    search_id: &str,
    user_id: &str,
    limit: i64,
) -> AppResult<Option<SearchResults>> {
    let found = crate::db::read(c, |c| -> AppResult<_> {
        let Some(q) = store::saved_searches::find(c, search_id, user_id)? else {
            return Ok(None);
        };
        let Some(parsed) = children::parse_query(&q) else {
            return Ok(None);
        };
        // One more than is shown, to know whether there are more.
        let mut rows = children::search(c, &parsed, limit + 1)?;
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let tags = children::social_care_tags(c, &ids)?;
        Ok(Some((q, parsed, rows, more, tags)))
    })?;
    let Some((q, parsed, rows, more, tags)) = found else {
        return Ok(None);
    };
    audit::record(
        c,
        Some(user_id),
        "register_search",
        None,
        &format!("search returned {} entries", rows.len()),
    )?;
    Ok(Some(SearchResults {
        q,
        parsed,
        rows,
        more,
        tags,
    }))
}

/// A claim to be a child's parent beside the record it is about, with the read audited.
pub fn open_parent_claim(
    c: &mut AnyConnection,
    child_id: &str,
    claim_id: &str,
    user_id: &str,
) -> AppResult<(children::ChildRecord, ParentClaim)> {
    let rec = children::load_record(c, child_id)?.ok_or(AppError::NotFound)?;
    let claim = parent_claims::find(c, child_id, claim_id)?.ok_or(AppError::NotFound)?;
    audit::record(
        c,
        Some(user_id),
        "view_parent_claim",
        Some(child_id),
        "officer opened a claim to be a parent",
    )?;
    Ok((rec, claim))
}

/// An officer confirms or rejects someone who says they are a parent (see `domain::parents`).
/// The reason goes in the claim and the record's history; the audit log says only what was done.
pub fn decide_parent_claim(
    c: &mut AnyConnection,
    child_id: &str,
    claim_id: &str,
    user_id: &str,
    decision: parent_claims::Decision,
    reason: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        let claim = parent_claims::find(c, child_id, claim_id)?.ok_or(AppError::NotFound)?;
        let action = match decision {
            parent_claims::Decision::Confirm => "confirm_parent",
            parent_claims::Decision::Reject => "reject_parent",
        };
        if !parent_claims::decide(c, &claim, user_id, decision, reason)? {
            return Err(AppError::Conflict(
                "Another officer has already decided about this person. Reload the record to see what they decided.".into(),
            ));
        }
        audit::record(
            c,
            Some(user_id),
            action,
            Some(child_id),
            "officer decided a claim to be a parent",
        )?;
        Ok(())
    })
}

/// One review of a new entry (s.436B(8)): marks it reviewed, and completes the task that asked
/// for the review, from whichever page the officer did it. Idempotent.
pub fn review_entry(
    c: &mut AnyConnection,
    child_id: &str,
    user_id: &str,
    outcome: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        let child = children::find(c, child_id)?.ok_or(AppError::NotFound)?;
        if !child.reviewed {
            children::mark_reviewed(c, child_id, user_id)?;
            audit::record(
                c,
                Some(user_id),
                "review_record",
                Some(child_id),
                "officer reviewed a new entry",
            )?;
        }
        let done = crate::store::tasks::complete_all(
            c,
            crate::store::tasks::TaskKind::ReviewNotification,
            crate::store::tasks::Raised::About(child_id),
            user_id,
            outcome,
        )?;
        if done > 0 {
            audit::record(
                c,
                Some(user_id),
                "complete_task",
                Some(child_id),
                "officer completed the review of a new entry",
            )?;
        }
        Ok(())
    })
}

/// Something added to a child's record from its own form.
pub enum NewPart {
    Address(Address),
    Parent(Parent),
    Provider(Provider),
}

impl NewPart {
    /// The history's name for it.
    fn field(&self) -> String {
        match self {
            NewPart::Address(a) => format!("address ({})", a.kind),
            NewPart::Parent(_) => "parent".into(),
            NewPart::Provider(_) => "provider".into(),
        }
    }

    fn one_line(&self) -> String {
        match self {
            NewPart::Address(a) => a.one_line(),
            NewPart::Parent(p) => p.one_line(),
            NewPart::Provider(p) => p.one_line(),
        }
    }
}

/// Who asked for a change to a part of the record: the officer alone, or a parent's report of a
/// change (s.436D(2)(b)) that the officer applied. Applying a report completes its task.
#[derive(Clone, Copy)]
pub struct ChangeBy<'a> {
    pub user_id: &'a str,
    pub report_id: Option<&'a str>,
}

/// Adds an address, parent or provider, with its history line and audit record, in one
/// transaction. A new home address makes the old one the previous address.
pub fn add_part(
    c: &mut AnyConnection,
    child_id: &str,
    by: ChangeBy,
    item: NewPart,
    reason: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        let (field, line) = (item.field(), item.one_line());
        match item {
            NewPart::Address(a) => {
                if a.kind == AddressKind::Current {
                    children::demote_current_address(c, child_id, &a.id)?;
                    children::set_postcode_key(c, child_id, &a.postcode)?;
                }
                children::add_address(c, &a)?;
            }
            NewPart::Parent(p) => children::add_parent(c, &p)?,
            NewPart::Provider(p) => {
                children::add_provider(c, &p)?;
                crate::store::tasks::consider_settings(c, child_id)?;
            }
        }
        record_part(c, child_id, by.user_id, &field, None, Some(&line), reason)?;
        complete_report(c, child_id, by, &format!("Added to the record: {field}"))
    })
}

/// Changes an address, parent or provider in place, keeping its id (so a parent keeps their
/// access and their s.572 decisions), with a history line from old to new. NotFound when it is
/// not this child's.
pub fn change_part(
    c: &mut AnyConnection,
    child_id: &str,
    by: ChangeBy,
    item: NewPart,
    reason: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        let field = item.field();
        let (old, new) = match item {
            NewPart::Address(a) => {
                let old = children::find_address(c, child_id, &a.id)?.ok_or(AppError::NotFound)?;
                let a = Address {
                    child_id: old.child_id.clone(),
                    created_at: old.created_at,
                    ..a
                };
                if a.kind == AddressKind::Current {
                    if old.kind != AddressKind::Current {
                        children::demote_current_address(c, child_id, &a.id)?;
                    }
                    children::set_postcode_key(c, child_id, &a.postcode)?;
                }
                children::change_address(c, &a)?;
                (old.one_line(), a.one_line())
            }
            NewPart::Parent(p) => {
                let old = children::find_parent(c, child_id, &p.id)?.ok_or(AppError::NotFound)?;
                let p = Parent {
                    child_id: old.child_id.clone(),
                    created_at: old.created_at,
                    ..p
                };
                children::change_parent(c, &p)?;
                (old.one_line(), p.one_line())
            }
            NewPart::Provider(p) => {
                let old = children::find_provider(c, child_id, &p.id)?.ok_or(AppError::NotFound)?;
                let p = Provider {
                    child_id: old.child_id.clone(),
                    created_at: old.created_at,
                    ..p
                };
                children::change_provider(c, &p)?;
                crate::store::tasks::consider_settings(c, child_id)?;
                (old.one_line(), p.one_line())
            }
        };
        if old != new {
            record_part(
                c,
                child_id,
                by.user_id,
                &field,
                Some(&old),
                Some(&new),
                reason,
            )?;
        }
        complete_report(c, child_id, by, &format!("Changed on the record: {field}"))
    })
}

/// What can be removed from a record.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum PartKind {
    Address,
    Parent,
    Provider,
}

/// The item as the history names it, or None when it is not this child's.
pub fn describe_part(
    c: &mut AnyConnection,
    child_id: &str,
    kind: PartKind,
    id: &str,
) -> AppResult<Option<String>> {
    Ok(match kind {
        PartKind::Address => children::find_address(c, child_id, id)?.map(|a| a.one_line()),
        PartKind::Parent => children::find_parent(c, child_id, id)?.map(|p| p.name()),
        PartKind::Provider => children::find_provider(c, child_id, id)?.map(|p| p.name),
    })
}

/// Removes an address, parent or provider; it stays in the history. NotFound when it is not this
/// child's.
pub fn remove_part(
    c: &mut AnyConnection,
    child_id: &str,
    by: ChangeBy,
    kind: PartKind,
    id: &str,
    reason: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        let what = describe_part(c, child_id, kind, id)?.ok_or(AppError::NotFound)?;
        let field = match kind {
            PartKind::Address => {
                children::remove_address(c, id)?;
                "address"
            }
            PartKind::Parent => {
                children::remove_parent(c, id)?;
                "parent"
            }
            PartKind::Provider => {
                children::remove_provider(c, id)?;
                "provider"
            }
        };
        record_part(c, child_id, by.user_id, field, Some(&what), None, reason)?;
        complete_report(
            c,
            child_id,
            by,
            &format!("Removed from the record: {field}"),
        )
    })
}

/// Completes the task a parent's report of a change raised, once the officer applies it.
fn complete_report(
    c: &mut AnyConnection,
    child_id: &str,
    by: ChangeBy,
    outcome: &str,
) -> AppResult<()> {
    let Some(report_id) = by.report_id else {
        return Ok(());
    };
    let done = crate::store::tasks::complete_all(
        c,
        crate::store::tasks::TaskKind::ChangeReported,
        crate::store::tasks::Raised::By(report_id),
        by.user_id,
        outcome,
    )?;
    if done > 0 {
        children::record_change(
            c,
            child_id,
            Some(by.user_id),
            "task done",
            None,
            Some(outcome),
            crate::store::tasks::TaskKind::ChangeReported.label(),
        )?;
        audit::record(
            c,
            Some(by.user_id),
            "complete_task",
            Some(child_id),
            "officer applied a change a parent reported",
        )?;
    }
    Ok(())
}

/// A change to a part of the record: its history line, the record touched, and the audit record.
pub fn record_part(
    c: &mut AnyConnection,
    child_id: &str,
    user_id: &str,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    reason: &str,
) -> AppResult<()> {
    children::record_change(c, child_id, Some(user_id), field, old, new, reason)?;
    children::touch(c, child_id)?;
    // The officer's reason is free text: it stays in the history, out of the audit log.
    audit::record(
        c,
        Some(user_id),
        "change_record",
        Some(child_id),
        &format!("officer changed the record ({field})"),
    )?;
    Ok(())
}

/// The child's own fields as typed, checked against s.436C and the identifier rules.
#[derive(Default)]
pub struct CoreForm {
    pub given_names: String,
    pub family_name: String,
    pub dob: Option<NaiveDate>,
    pub sex: String,
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    pub la_reference: Option<String>,
    pub arrangement: String,
    pub eligibility_condition: String,
    pub eligible_from: Option<NaiveDate>,
    pub reason: String,
    pub reason_detail: Option<String>,
    pub sen_status: String,
    pub parent_hours: Option<f64>,
    pub other_hours: Option<f64>,
}

/// Saves an officer's change to the child's own fields, if anything changed: one history line a
/// field, the audit record, and the version check that refuses a stale form.
pub fn update_child(
    c: &mut AnyConnection,
    child_id: &str,
    core: CoreForm,
    dob: NaiveDate,
    version: i32,
    user_id: &str,
    reason: &str,
) -> AppResult<SaveOutcome> {
    crate::db::write::<_, AppError, _>(c, |c| {
        let before = children::find(c, child_id)?.ok_or(AppError::NotFound)?;
        let mut after = before.clone();
        after.given_names = core.given_names;
        after.family_name = core.family_name;
        after.date_of_birth = Some(dob);
        after.sex = core.sex;
        after.upn = core.upn;
        after.nhs_number = core.nhs_number;
        after.la_reference = core.la_reference;
        after.arrangement = core.arrangement;
        after.eligibility_condition = core.eligibility_condition;
        after.eligible_from = core.eligible_from;
        after.reason = core.reason;
        after.reason_detail = core.reason_detail;
        after.sen_status = core.sen_status;
        after.parent_hours_per_week = core.parent_hours;
        after.other_hours_per_week = core.other_hours;
        children::refresh_keys(&mut after, None);
        let changed = changes(&before, &after);
        if changed.is_empty() {
            return Ok(SaveOutcome::Saved);
        }
        let out = children::update_core(c, &before, &after, version, user_id, reason, &changed)?;
        if out == SaveOutcome::Saved {
            audit::record(
                c,
                Some(user_id),
                "change_record",
                Some(&before.id),
                "officer changed the child's details",
            )?;
        }
        Ok(out)
    })
}

/// Each field that differs: (name, before, after), as the history shows them.
fn changes(before: &Child, after: &Child) -> Vec<(&'static str, Option<String>, Option<String>)> {
    let mut changed: Vec<(&'static str, Option<String>, Option<String>)> = vec![];
    macro_rules! diff {
        ($field:ident, $name:expr, $conv:expr) => {
            if before.$field != after.$field {
                changed.push(($name, $conv(&before.$field), $conv(&after.$field)));
            }
        };
    }
    let s = |v: &String| Some(v.clone());
    diff!(given_names, "given names", s);
    diff!(family_name, "family name", s);
    diff!(date_of_birth, "date of birth", |d: &Option<NaiveDate>| d
        .map(|d| d.to_string()));
    diff!(sex, "sex", s);
    diff!(upn, "UPN", opt_s);
    diff!(nhs_number, "NHS number", opt_s);
    diff!(la_reference, "council reference", opt_s);
    diff!(arrangement, "arrangement", s);
    diff!(eligibility_condition, "eligibility condition", s);
    diff!(eligible_from, "eligible from", opt_s);
    diff!(reason, "reason", s);
    diff!(reason_detail, "reason detail", opt_s);
    diff!(sen_status, "special educational needs", s);
    diff!(parent_hours_per_week, "hours educated by parents", opt_s);
    diff!(other_hours_per_week, "hours educated by others", opt_s);
    changed
}

fn opt_s<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(|x| x.to_string())
}

/// Adds a child to the register with a home address and a parent, audited.
pub fn add_child(
    c: &mut AnyConnection,
    child: &mut Child,
    address: Address,
    parent: Parent,
    user_id: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        children::insert(
            c,
            child,
            &[address],
            &[parent],
            &[],
            Some(user_id),
            "Added by an officer",
        )?;
        audit::record(
            c,
            Some(user_id),
            "create_record",
            Some(&child.id),
            "officer added a child to the register",
        )?;
        Ok(())
    })
}

/// Saves an officer's change to the child's s.436C(2) information, with a history line for each
/// field that changed and the audit record. Returns how many fields changed.
pub fn save_prescribed(
    c: &mut AnyConnection,
    child_id: &str,
    new: &crate::domain::prescribed::Prescribed,
    user_id: &str,
) -> AppResult<usize> {
    crate::db::write::<_, AppError, _>(c, |c| {
        children::find(c, child_id)?.ok_or(AppError::NotFound)?;
        let n = store::prescribed::save(
            c,
            child_id,
            new,
            Some(user_id),
            "Officer updated the other information (s.436C(2))",
        )?;
        audit::record(
            c,
            Some(user_id),
            "update_prescribed_information",
            Some(child_id),
            "officer changed the s.436C(2) information",
        )?;
        Ok(n)
    })
}

/// A child's entry and its s.436C(2) information, for the officers' form; the read is audited.
pub fn prescribed_of(
    c: &mut AnyConnection,
    child_id: &str,
    user_id: &str,
) -> AppResult<(Child, crate::domain::prescribed::Prescribed)> {
    let child = children::find(c, child_id)?.ok_or(AppError::NotFound)?;
    let p = store::prescribed::of(c, child_id)?;
    audit::record(
        c,
        Some(user_id),
        "view_child",
        Some(child_id),
        "officer opened the other information form",
    )?;
    Ok((child, p))
}
