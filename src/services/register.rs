//! The register: reading a child's record for an officer.
use std::collections::HashMap;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use diesel::Connection;

use crate::domain::register::AddressKind;
use crate::store::children::{Address, Parent, Provider};
use crate::store::{self, audit, children};
use crate::views::record::RecordPage;

/// Everything the record page shows, with the read recorded in the audit log.
pub fn open_record(c: &mut AnyConnection, child_id: &str, user_id: &str) -> AppResult<RecordPage> {
    let rec = children::load_record(c, child_id)?.ok_or(AppError::NotFound)?;
    audit::record(
        c,
        Some(user_id),
        "view_record",
        Some(&rec.child.id),
        "officer opened the record",
    )?;
    // Each parent's s.572 decisions, so officers know how notices may be served.
    let mut consents = HashMap::new();
    for p in &rec.parents {
        if let Some(e) = &p.email {
            consents.insert(p.id.clone(), store::parent_access::consent_decisions(c, e)?);
        }
    }
    let id = rec.child.id.clone();
    Ok(RecordPage {
        consents,
        tasks: store::tasks::for_child(c, &id)?,
        reports: store::parent_reports::for_child(c, &id)?,
        requests: store::information_requests::for_child(c, &id)?,
        flags: store::matches::flags_for_child(c, &id)?,
        links: store::matches::links_for_child(c, &id)?,
        attendance: store::attendance::for_child(c, &id)?,
        rec,
    })
}

/// Something added to a child's record from its own form.
pub enum NewPart {
    Address(Address),
    Parent(Parent),
    Provider(Provider),
}

/// Adds an address, parent or provider, with its history line and audit record, in one
/// transaction. A new home address makes the old one the previous address.
pub fn add_part(
    c: &mut AnyConnection,
    child_id: &str,
    user_id: &str,
    item: NewPart,
    reason: &str,
) -> AppResult<()> {
    c.transaction::<_, AppError, _>(|c| match item {
        NewPart::Address(a) => {
            if a.kind == AddressKind::Current {
                children::demote_current_address(c, child_id)?;
                children::set_postcode_key(c, child_id, &a.postcode)?;
            }
            children::add_address(c, &a)?;
            let what = format!("address ({})", a.kind);
            record_part(
                c,
                child_id,
                user_id,
                &what,
                None,
                Some(&a.one_line()),
                reason,
            )
        }
        NewPart::Parent(p) => {
            children::add_parent(c, &p)?;
            let name = format!("{} {}", p.given_names, p.family_name);
            record_part(c, child_id, user_id, "parent", None, Some(&name), reason)
        }
        NewPart::Provider(p) => {
            children::add_provider(c, &p)?;
            record_part(
                c,
                child_id,
                user_id,
                "provider",
                None,
                Some(&p.name),
                reason,
            )
        }
    })
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
    audit::record(c, Some(user_id), "change_record", Some(child_id), reason)?;
    Ok(())
}
