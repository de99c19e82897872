//! What an officer completes about a child's social care records: how a section 47 enquiry ended,
//! where the feed did not say (condition B turns on it: ss.434A(4), 436H(5), 436I(2), 436P(2)).
use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::store::children::{self, Child};
use crate::store::social_care::{self, Episode};
use crate::store::{audit, tasks::TeamAlert};

/// How an enquiry ended, as the officer found out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnquiryOutcome {
    NoFurtherAction,
    /// A decision to take action under s.47(8), on this day.
    Action(NaiveDate),
}

/// The child and the enquiries on their linked records whose outcome nobody has recorded, with
/// the read audited.
pub fn open_enquiries(
    c: &mut AnyConnection,
    child_id: &str,
    user_id: &str,
) -> AppResult<(Child, Vec<(Episode, String)>)> {
    let child = children::find(c, child_id)?.ok_or(AppError::NotFound)?;
    let enquiries = social_care::enquiries_without_outcome(c, child_id)?;
    audit::record(
        c,
        Some(user_id),
        "view_enquiry_outcomes",
        Some(child_id),
        "officer opened enquiries with no known outcome",
    )?;
    Ok((child, enquiries))
}

/// What the officer recorded about one enquiry.
pub struct Recorded<'a> {
    pub episode_id: &'a str,
    pub outcome: EnquiryOutcome,
    /// How they know: kept in the record's history, not the audit log.
    pub reason: &'a str,
}

/// Records how one of the child's enquiries ended, in the record's history and the audit log,
/// and brings the child's flags into line at once (a "may be a relevant child" answer can end).
pub fn record_enquiry_outcome(
    c: &mut AnyConnection,
    child_id: &str,
    user_id: &str,
    r: Recorded,
    alert: Option<&TeamAlert>,
    today: NaiveDate,
    commencement: &crate::domain::commencement::Commencement,
) -> AppResult<()> {
    let Recorded {
        episode_id,
        outcome,
        reason,
    } = r;
    crate::db::write::<_, AppError, _>(c, |c| {
        let mine = social_care::enquiries_without_outcome(c, child_id)?;
        if !mine.iter().any(|(e, _)| e.id == episode_id) {
            return Err(AppError::Conflict(
                "This enquiry's outcome is already recorded, or it is no longer on a record linked to this child. Go back to the record to see it.".into(),
            ));
        }
        let (nfa, action_date, said) = match outcome {
            EnquiryOutcome::NoFurtherAction => (true, None, "no further action".to_string()),
            EnquiryOutcome::Action(d) => (
                false,
                Some(d),
                format!(
                    "action under s.47(8) decided on {}",
                    crate::clock::fmt_date(d)
                ),
            ),
        };
        social_care::record_outcome(c, episode_id, nfa, action_date, reason, user_id)?;
        children::record_change(
            c,
            child_id,
            Some(user_id),
            "section 47 enquiry outcome",
            Some("not known"),
            Some(&said),
            reason,
        )?;
        audit::record(
            c,
            Some(user_id),
            "record_s47_outcome",
            Some(child_id),
            "officer recorded how a section 47 enquiry ended",
        )?;
        crate::jobs::cross_check::refresh_flags(
            c,
            alert,
            Some(child_id),
            today,
            true,
            commencement,
        )?;
        Ok(())
    })
}
