//! How long the council keeps each kind of record (law.md §7.4). The Act sets no period and
//! regulations under s.436C(4) may; until then the policy follows the nearest statutory pattern,
//! the six years schools keep admission and attendance registers (regs 5–7, School Attendance
//! (Pupil Registration) (England) Regulations 2024), counted from the end of compulsory school
//! age (EA 1996 s.8(3)) so a record outlives the child's schooling, and longer for files that
//! went to court. Every period is a setting; UK GDPR art.5(1)(e) forbids keeping them longer.
use chrono::{Duration, NaiveDate};

use super::school_age::{birthday, csa_end};

/// The periods, each a setting (README, CNIS_RETAIN_*).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// A closed register entry: years after the later of its closing and the end of the child's
    /// compulsory school age.
    pub register_years: i32,
    /// A decided or withdrawn application for consent (s.434A): the same reckoning, from its
    /// decision or withdrawal.
    pub consent_years: i32,
    /// A closed school attendance case that never went to court.
    pub attendance_years: i32,
    /// A case referred for prosecution (s.443, s.436Q): the file a court or an appeal may need.
    pub prosecution_years: i32,
    /// The audit log of reads and changes.
    pub audit_years: i32,
    /// Emails sent or given up on (the notices themselves are kept with their case).
    pub email_days: i64,
    /// A social-care record copied in for the cross-check that no import has brought for this
    /// long and that no child on the register is linked to: the source no longer holds it.
    pub social_care_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            register_years: 6,
            consent_years: 6,
            attendance_years: 6,
            prosecution_years: 15,
            audit_years: 7,
            email_days: 730,
            // Over a year, so a council that imports the annual CIN census does not lose its
            // records between two imports.
            social_care_days: 400,
        }
    }
}

/// The day after which a record may go: `years` after the later of `from` and the end of the
/// child's compulsory school age. A child with no date of birth on record is reckoned from
/// `from` alone, as if the child had already left school age.
fn after_school_age(dob: Option<NaiveDate>, from: NaiveDate, years: i32) -> NaiveDate {
    let start = dob.map_or(from, |d| csa_end(d).max(from));
    birthday(start, years)
}

/// A closed register entry is kept until this day (law.md §7.4).
pub fn register_entry_kept_until(
    dob: Option<NaiveDate>,
    closed_on: NaiveDate,
    p: &Policy,
) -> NaiveDate {
    after_school_age(dob, closed_on, p.register_years)
}

/// A decided or withdrawn application for consent (s.434A) is kept until this day.
pub fn consent_application_kept_until(
    dob: NaiveDate,
    finished_on: NaiveDate,
    p: &Policy,
) -> NaiveDate {
    after_school_age(Some(dob), finished_on, p.consent_years)
}

/// A closed school attendance case is kept until this day: longer when it was referred for
/// prosecution (ss.443, 436Q).
pub fn attendance_case_kept_until(
    dob: Option<NaiveDate>,
    closed_on: NaiveDate,
    prosecuted: bool,
    p: &Policy,
) -> NaiveDate {
    let years = if prosecuted {
        p.prosecution_years
    } else {
        p.attendance_years
    };
    after_school_age(dob, closed_on, years)
}

/// Audit rows written before this day may go.
pub fn audit_cutoff(today: NaiveDate, p: &Policy) -> NaiveDate {
    birthday(today, -p.audit_years)
}

/// Emails sent or given up on before this day may go.
pub fn email_cutoff(today: NaiveDate, p: &Policy) -> NaiveDate {
    today - Duration::days(p.email_days)
}

/// A social-care record last imported before this day, and linked to no child, may go.
pub fn social_care_cutoff(today: NaiveDate, p: &Policy) -> NaiveDate {
    today - Duration::days(p.social_care_days)
}

/// Whether a record kept until `until` is past its date on `today`, unless it is on legal hold.
pub fn due(until: NaiveDate, today: NaiveDate, on_legal_hold: bool) -> bool {
    !on_legal_hold && today > until
}

crate::text_enum! {
    /// What a legal hold keeps: a child's whole record (entry, cases, tasks, emails), or an
    /// application for consent.
    pub enum HoldSubject {
        Child = "child" => "Register entry",
        ConsentApplication = "consent_application" => "Application for consent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn law_7_4_a_closed_entry_is_kept_six_years_after_the_end_of_school_age() {
        let p = Policy::default();
        // Born 1 March 2012: compulsory school age ends on 26 June 2028.
        let dob = Some(d(2012, 3, 1));
        assert_eq!(csa_end(d(2012, 3, 1)), d(2028, 6, 30));
        assert_eq!(
            register_entry_kept_until(dob, d(2020, 1, 10), &p),
            d(2034, 6, 30)
        );
        // Closed after school age ended: six years from the closing.
        assert_eq!(
            register_entry_kept_until(dob, d(2029, 2, 1), &p),
            d(2035, 2, 1)
        );
        // No date of birth on record: from the closing.
        assert_eq!(
            register_entry_kept_until(None, d(2020, 1, 10), &p),
            d(2026, 1, 10)
        );
    }

    #[test]
    fn law_7_4_a_prosecution_file_is_kept_longer_than_a_case_that_closed() {
        let p = Policy::default();
        let dob = Some(d(2012, 3, 1));
        let closed = d(2025, 5, 1);
        assert_eq!(
            attendance_case_kept_until(dob, closed, false, &p),
            d(2034, 6, 30)
        );
        assert_eq!(
            attendance_case_kept_until(dob, closed, true, &p),
            d(2043, 6, 30)
        );
    }

    #[test]
    fn law_7_4_a_record_on_legal_hold_is_never_due() {
        let until = d(2026, 1, 1);
        assert!(!due(until, d(2026, 1, 1), false), "kept on its last day");
        assert!(due(until, d(2026, 1, 2), false));
        assert!(!due(until, d(2040, 1, 2), true));
    }

    #[test]
    fn law_7_4_audit_and_email_cutoffs_count_back_from_today() {
        let p = Policy::default();
        assert_eq!(audit_cutoff(d(2026, 12, 4), &p), d(2019, 12, 4));
        assert_eq!(email_cutoff(d(2026, 12, 4), &p), d(2024, 12, 4));
    }
}
