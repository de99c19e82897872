//! Legal holds (law.md §7.4): an officer keeps a child's record past its retention date, with a
//! reason; a manager releases it.
use crate::db::AnyConnection;
use crate::domain::retention::HoldSubject;
use crate::error::{AppError, AppResult};
use crate::store::{audit, retention};

/// Places a hold on a child's record. Refused when one is already in force.
pub fn place_hold_on_child(
    c: &mut AnyConnection,
    child_id: &str,
    reason: &str,
    user_id: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        if !retention::place_hold(c, HoldSubject::Child, child_id, reason, user_id)? {
            return Err(AppError::Refused(
                "This record is already on legal hold".into(),
            ));
        }
        audit::record(
            c,
            Some(user_id),
            "place_legal_hold",
            Some(child_id),
            "officer placed a legal hold on the record",
        )?;
        Ok(())
    })
}

/// Releases the hold on a child's record, so the retention policy applies again. Refused when
/// there is none.
pub fn release_hold_on_child(
    c: &mut AnyConnection,
    child_id: &str,
    user_id: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        if !retention::release_hold(c, HoldSubject::Child, child_id, user_id)? {
            return Err(AppError::Refused("This record is not on legal hold".into()));
        }
        audit::record(
            c,
            Some(user_id),
            "release_legal_hold",
            Some(child_id),
            "manager released the legal hold on the record",
        )?;
        Ok(())
    })
}

/// A child's entry and the hold in force on it, for the hold pages; the read is audited.
pub fn child_and_hold(
    c: &mut AnyConnection,
    child_id: &str,
    user_id: &str,
    purpose: &str,
) -> AppResult<(
    crate::store::children::Child,
    Option<(retention::LegalHold, String)>,
)> {
    let child = crate::store::children::find(c, child_id)?.ok_or(AppError::NotFound)?;
    let hold = retention::hold_with_name(c, HoldSubject::Child, child_id)?;
    audit::record(c, Some(user_id), "view_child", Some(child_id), purpose)?;
    Ok((child, hold))
}
