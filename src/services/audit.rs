//! The audit log as managers and administrators read it.
use crate::db::AnyConnection;
use crate::error::AppResult;
use crate::store::audit::{self, AuditEvent, AuditFilter};
use crate::store::children;

/// An event, who did it, and the register reference of the child it concerns.
pub type Row = (AuditEvent, Option<String>, Option<String>);

/// One page (100 events) of the log under `filter`, newest first; the search itself is audited.
/// No filter (the search form had errors) reads nothing.
pub fn search(
    c: &mut AnyConnection,
    user_id: &str,
    filter: Option<&AuditFilter>,
    page: i64,
) -> AppResult<Vec<Row>> {
    audit::record(
        c,
        Some(user_id),
        "read_audit_log",
        None,
        "officer searched the audit log",
    )?;
    let Some(filter) = filter else {
        return Ok(vec![]);
    };
    let rows = audit::search(c, filter, (page - 1) * 100, 100)?;
    // Show register references rather than internal ids.
    let mut out = Vec::with_capacity(rows.len());
    for (e, who) in rows {
        let reference = match &e.child_id {
            Some(id) => children::find(c, id)?.map(|ch| ch.reference),
            None => None,
        };
        out.push((e, who, reference));
    }
    Ok(out)
}
