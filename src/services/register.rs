//! The register: reading a child's record for an officer.
use std::collections::HashMap;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
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
