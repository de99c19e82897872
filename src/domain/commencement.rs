//! When the Children's Wellbeing and Schools Act 2026's provisions this service runs come into
//! force. Each commences on its own day by regulations; until a day is set the provision is not
//! in force (the law on 1 December 2026). A duty or bar that is not in force never bites.
use chrono::NaiveDate;

crate::text_enum! {
    /// The provisions with their own commencement.
    pub enum Provision {
        /// s.434A: consent to home educate a relevant child, and the s.434A(9) bar on deleting
        /// the pupil's name first.
        Consent = "consent" => "Consent to home educate a relevant child (s.434A)",
        /// ss.436B–436G: the register, and the parents' duties to give information (s.436D).
        Register = "register" => "The register of children not in school, and parents' duties to give information (ss.436B–436G)",
        /// ss.436H–436Q: the new school attendance order process.
        SchoolAttendanceOrders = "school_attendance_orders" => "The new school attendance order process (ss.436H–436Q)",
    }
}

/// The commencement day of each provision; None: not yet in force.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Commencement {
    pub consent_from: Option<NaiveDate>,
    pub register_from: Option<NaiveDate>,
    pub new_sao_from: Option<NaiveDate>,
}

impl Commencement {
    /// The demo: every provision in force from a year before `today`, so each can be tried.
    pub fn demo(today: NaiveDate) -> Commencement {
        let from = today.checked_sub_months(chrono::Months::new(12));
        Commencement {
            consent_from: from,
            register_from: from,
            new_sao_from: from,
        }
    }

    pub fn from(&self, p: Provision) -> Option<NaiveDate> {
        match p {
            Provision::Consent => self.consent_from,
            Provision::Register => self.register_from,
            Provision::SchoolAttendanceOrders => self.new_sao_from,
        }
    }

    /// Whether `p` is in force on `on`: from its commencement day, inclusive.
    pub fn in_force(&self, p: Provision, on: NaiveDate) -> bool {
        self.from(p).is_some_and(|d| on >= d)
    }

    /// Why `p` does not apply on `on`, in words for a page or an API answer; None when in force.
    pub fn not_in_force(&self, p: Provision, on: NaiveDate) -> Option<String> {
        if self.in_force(p, on) {
            return None;
        }
        let (what, section) = match p {
            Provision::Consent => ("Consent to home educate", "Section 434A"),
            Provision::Register => ("The register duties", "Sections 436B to 436G"),
            Provision::SchoolAttendanceOrders => ("The new process", "Sections 436H to 436Q"),
        };
        Some(match self.from(p) {
            Some(d) => format!(
                "{section} of the Education Act 1996 come into force on {}. {what} does not apply before then.",
                crate::clock::fmt_date(d)
            ),
            None => format!(
                "{section} of the Education Act 1996 are not in force yet. {what} does not apply until they are."
            ),
        })
    }

    /// What each provision switches on in this service, for the administrators' page.
    pub fn switches(p: Provision) -> &'static [&'static str] {
        match p {
            Provision::Consent => &[
                "Schools are told to wait for consent before deleting a relevant child's name, and a deletion return under ground (f) for one without consent is refused (s.434A(9)).",
                "The nightly cross-check flags a child who may have needed consent to leave school and has none on record.",
                "Schools' intention notices and the API answer whether the pupil is a relevant child.",
            ],
            Provision::Register => &[
                "Requests for information to parents carry the s.436D duty to answer within the period, and are sent on the 3-month cycle.",
                "A request left unanswered can support condition D of a school attendance case.",
            ],
            Provision::SchoolAttendanceOrders => &[
                "School attendance cases opened from this day follow ss.436H–436Q; earlier cases keep ss.437–443.",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn s434a_commencement_in_force_from_its_day_and_not_before() {
        let c = Commencement {
            consent_from: Some(d(2027, 9, 1)),
            ..Default::default()
        };
        assert!(!c.in_force(Provision::Consent, d(2027, 8, 31)));
        assert!(c.in_force(Provision::Consent, d(2027, 9, 1)));
        assert!(c.in_force(Provision::Consent, d(2027, 9, 2)));
        assert!(c
            .not_in_force(Provision::Consent, d(2027, 8, 31))
            .is_some_and(|m| m.contains("1 September 2027")));
        assert_eq!(c.not_in_force(Provision::Consent, d(2027, 9, 1)), None);
    }

    #[test]
    fn s436b_unset_means_not_in_force() {
        let c = Commencement::default();
        for p in Provision::ALL {
            assert!(!c.in_force(*p, d(2030, 1, 1)));
            assert!(c
                .not_in_force(*p, d(2030, 1, 1))
                .is_some_and(|m| m.contains("not in force yet")));
        }
    }
}
