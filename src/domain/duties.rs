//! The 15-day duties around the register (ss.436B and 436D) and the court's 8 weeks (s.447(4)),
//! each a pure function of the day its clock starts. "Beginning with" counts that day as day 1.
use chrono::{Days, NaiveDate};

use crate::domain::attendance::{beginning_with, Deadline};

/// s.436B(8)–(9): within 15 days beginning with the day a child is entered on the register, the
/// council considers where the child lives and may ask to see them there.
pub fn consider_home_by(entered_on: NaiveDate) -> Deadline {
    Deadline {
        on: beginning_with(entered_on, 15),
        rule: "15 days beginning with the day the child was entered on the register — s.436B(8)"
            .into(),
    }
}

/// s.436B(10): within 15 days beginning with the day a provider's details (s.436C(1)(g)) are
/// recorded, the council considers the settings.
pub fn consider_settings_by(recorded_on: NaiveDate) -> Deadline {
    Deadline {
        on: beginning_with(recorded_on, 15),
        rule: "15 days beginning with the day the provider's details were recorded — s.436B(10)"
            .into(),
    }
}

/// s.436D(5)(a), (c) and (e): a parent gives the council the information within 15 days
/// beginning with the day the child became eligible for the register, the parent became aware
/// of a change, or the child stopped being eligible.
pub fn parent_must_tell_by(started_on: NaiveDate, why: ParentDuty) -> Deadline {
    Deadline {
        on: beginning_with(started_on, 15),
        rule: why.rule().into(),
    }
}

/// Which of the parent's duties under s.436D(5) a clock is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParentDuty {
    /// (a): the child became eligible for the register.
    Eligible,
    /// (c): a change to the details in s.436C(1)(a)–(d).
    Change,
    /// (e): the child stopped being eligible.
    Ceased,
}

impl ParentDuty {
    pub fn rule(self) -> &'static str {
        match self {
            ParentDuty::Eligible => "15 days beginning with the day the child became eligible for the register — s.436D(5)(a)",
            ParentDuty::Change => "15 days beginning with the day the parent became aware of the change — s.436D(5)(c)",
            ParentDuty::Ceased => "15 days beginning with the day the child stopped being eligible — s.436D(5)(e)",
        }
    }
}

/// s.436H(6): condition C is met when a parent who should have told the council has not, by the
/// end of their 15 days. True from the day after.
pub fn condition_c_met(
    duty_started: NaiveDate,
    why: ParentDuty,
    told: bool,
    today: NaiveDate,
) -> bool {
    !told && today > parent_must_tell_by(duty_started, why).on
}

/// s.447(4): where the court directed the council to apply for an education supervision order
/// and it decides not to, it tells the court why within 8 weeks beginning with the direction.
pub fn eso_reasons_by(direction_on: NaiveDate) -> Deadline {
    Deadline {
        on: direction_on
            .checked_add_days(Days::new(8 * 7 - 1))
            .unwrap_or(direction_on),
        rule: "8 weeks beginning with the day the court gave the direction — s.447(4)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn s436b_8_consider_where_the_child_lives_within_15_days_of_entry() {
        // Entered Monday 1 March 2027: day 15 is Monday 15 March.
        assert_eq!(consider_home_by(d(2027, 3, 1)).on, d(2027, 3, 15));
        assert_ne!(consider_home_by(d(2027, 3, 1)).on, d(2027, 3, 16));
        assert!(consider_home_by(d(2027, 3, 1)).rule.contains("s.436B(8)"));
    }

    #[test]
    fn s436b_10_consider_the_settings_within_15_days_of_recording_a_provider() {
        assert_eq!(consider_settings_by(d(2027, 2, 20)).on, d(2027, 3, 6));
        assert!(consider_settings_by(d(2027, 2, 20))
            .rule
            .contains("s.436B(10)"));
    }

    #[test]
    fn s436d_5_a_c_e_and_s436h_6_the_parents_15_days_then_condition_c() {
        let start = d(2027, 1, 4);
        for why in [ParentDuty::Eligible, ParentDuty::Change, ParentDuty::Ceased] {
            assert_eq!(parent_must_tell_by(start, why).on, d(2027, 1, 18));
            assert!(
                !condition_c_met(start, why, false, d(2027, 1, 18)),
                "the last day"
            );
            assert!(
                condition_c_met(start, why, false, d(2027, 1, 19)),
                "the day after"
            );
            assert!(!condition_c_met(start, why, true, d(2027, 2, 1)), "told");
        }
        assert!(ParentDuty::Change.rule().contains("s.436D(5)(c)"));
    }

    #[test]
    fn s447_4_reasons_to_the_court_within_8_weeks() {
        // Direction Wednesday 6 January 2027: 8 weeks beginning with it end Tuesday 2 March.
        assert_eq!(eso_reasons_by(d(2027, 1, 6)).on, d(2027, 3, 2));
        assert!(eso_reasons_by(d(2027, 1, 6)).rule.contains("s.447(4)"));
    }
}
