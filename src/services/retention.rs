//! Legal holds (law.md §7.4): an officer keeps a child's record, or an application for consent,
//! past its retention date, with a reason; a manager releases it.
use crate::db::AnyConnection;
use crate::domain::retention::HoldSubject;
use crate::error::{AppError, AppResult};
use crate::store::{audit, retention};

/// What a hold is on, as officers know it.
pub struct Subject {
    pub kind: HoldSubject,
    pub id: String,
    /// The register or application reference.
    pub reference: String,
    /// Where the subject's own page is.
    pub page: String,
    /// The hold in force, with the name of who placed it.
    pub hold: Option<(retention::LegalHold, String)>,
}

fn audit_child(kind: HoldSubject, id: &str) -> Option<&str> {
    (kind == HoldSubject::Child).then_some(id)
}

/// The subject and the hold on it, for the hold pages; the read is audited.
pub fn subject(
    c: &mut AnyConnection,
    kind: HoldSubject,
    id: &str,
    user_id: &str,
    purpose: &str,
) -> AppResult<Subject> {
    let (reference, page) = match kind {
        HoldSubject::Child => {
            let ch = crate::store::children::find(c, id)?.ok_or(AppError::NotFound)?;
            (ch.reference, format!("/officers/children/{id}#keeping"))
        }
        HoldSubject::ConsentApplication => {
            let a = crate::store::consent::find(c, id)?.ok_or(AppError::NotFound)?;
            (a.reference, format!("/officers/consent/{id}#keeping"))
        }
    };
    let hold = retention::hold_with_name(c, kind, id)?;
    let why = match kind {
        HoldSubject::Child => purpose.to_string(),
        HoldSubject::ConsentApplication => format!("{purpose}: application {reference}"),
    };
    audit::record(
        c,
        Some(user_id),
        "view_legal_hold",
        audit_child(kind, id),
        &why,
    )?;
    Ok(Subject {
        kind,
        id: id.to_string(),
        reference,
        page,
        hold,
    })
}

/// Places a hold. Refused when one is already in force.
pub fn place_hold(
    c: &mut AnyConnection,
    kind: HoldSubject,
    id: &str,
    reason: &str,
    user_id: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        if !retention::place_hold(c, kind, id, reason, user_id)? {
            return Err(AppError::Refused("This is already on legal hold".into()));
        }
        audit::record(
            c,
            Some(user_id),
            "place_legal_hold",
            audit_child(kind, id),
            &format!("officer placed a legal hold ({})", kind.as_str()),
        )?;
        Ok(())
    })
}

/// Releases the hold, so the retention policy applies again. Refused when there is none.
pub fn release_hold(
    c: &mut AnyConnection,
    kind: HoldSubject,
    id: &str,
    user_id: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        if !retention::release_hold(c, kind, id, user_id)? {
            return Err(AppError::Refused("This is not on legal hold".into()));
        }
        audit::record(
            c,
            Some(user_id),
            "release_legal_hold",
            audit_child(kind, id),
            &format!("manager released the legal hold ({})", kind.as_str()),
        )?;
        Ok(())
    })
}
