//! The safeguarding flags a register entry carries from linked social care records.
//! s.436C(2)(d) and (e) (s.47 enquiries; child in need); the five-year look-back of
//! ss.434A(4), 436H(5), 436I(2) and 436P(2) (condition B: s.47 enquiries being made, or s.47(8)
//! action now or in the 5 years).
use chrono::{Months, NaiveDate};

/// The flag an ended section 47 enquiry with no known outcome raises: an officer records how it
/// ended.
pub const S47_OUTCOME_UNKNOWN: &str = "s47_outcome_unknown";

pub const FLAG_KINDS: &[(&str, &str)] = &[
    ("s47_open", "Section 47 enquiry open"),
    ("cp_plan_active", "Child protection plan active"),
    (
        "cp_or_s47_last_5_years",
        "Section 47 enquiry or action (such as a child protection plan) now or in the last 5 years",
    ),
    (
        "s47_outcome_unknown",
        "Section 47 enquiry ended in the last 5 years: how it ended is not known",
    ),
    ("cin_open", "Child in need"),
    (
        "consent_missing",
        "May have needed the council's consent to leave school (section 434A), none on record",
    ),
    (
        HOUSEHOLD_KNOWN,
        "Household known to children's social care: another child at this address has an open section 47 enquiry or child protection plan",
    ),
];

/// The flag a brother, sister or twin at the same address raises (a household link, not a
/// link to the child's own record).
pub const HOUSEHOLD_KNOWN: &str = "household_known";

/// The household flag's dates, from the other child's record: when it shows a section 47
/// enquiry being made or a child protection plan in force today (the s.47 facts
/// s.436C(2)(d) records, seen in the household). None when it shows neither. The start is the
/// earliest known start; an end only when every such episode has one.
pub fn household_flag(
    episodes: &[Episode],
    today: NaiveDate,
) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    let live: Vec<Flag> = flags_for(episodes, today)
        .into_iter()
        .filter(|(k, _, _)| matches!(*k, "s47_open" | "cp_plan_active"))
        .collect();
    if live.is_empty() {
        return None;
    }
    let start = live.iter().filter_map(|f| f.1).min();
    let end = if live.iter().any(|f| f.2.is_none()) {
        None
    } else {
        live.iter().filter_map(|f| f.2).max()
    };
    Some((start, end))
}

/// The first day of "the period of five years ending with" `day` (ss.434A(4), 436H(5), 436I(2),
/// 436P(2)): the day after the same date five years before, so the period holds exactly five
/// years of days including `day` itself. (Five years before 29 February is 28 February.) law.md
/// wrote "within the last 5 years"; the Act's words decide the boundary.
pub fn five_years_ending_with(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(Months::new(60))
        .and_then(|d| d.succ_opt())
        .unwrap_or(NaiveDate::MIN)
}

/// Whether something that ended on `end` (None: not ended) falls in the five years ending with
/// `day`.
pub fn within_five_years_ending_with(end: Option<NaiveDate>, day: NaiveDate) -> bool {
    end.is_none_or(|e| e >= five_years_ending_with(day))
}

crate::text_enum! {
    /// What one period on a social care record is (s.436C(2)(d)–(e)).
    pub enum EpisodeKind {
        Section47 = "s47" => "Section 47 enquiry",
        ChildProtectionPlan = "cp_plan" => "Child protection plan",
        ChildInNeed = "cin" => "Child in need",
    }
}

/// One enquiry, plan or child-in-need period from a social care record. An empty end means
/// ongoing; an empty start means not known (and counts, so nothing is missed).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Episode {
    pub kind: EpisodeKind,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// A section 47 enquiry that ended: `Some(true)` with no further action, `Some(false)` with
    /// action under s.47(8); None when the source does not say.
    pub nfa: Option<bool>,
    /// A section 47 enquiry: the day the council decided to take action under s.47(8).
    pub action_date: Option<NaiveDate>,
}

impl Episode {
    pub fn new(kind: EpisodeKind, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Episode {
        Episode {
            kind,
            start,
            end,
            nfa: None,
            action_date: None,
        }
    }

    /// What a person reads: "Section 47 enquiry from 1 January 2024 to 15 February 2024: no
    /// further action".
    pub fn describe(&self) -> String {
        let date = |d: Option<NaiveDate>, none: &str| {
            d.map(crate::clock::fmt_date)
                .unwrap_or_else(|| none.to_string())
        };
        let mut out = format!(
            "{} from {} to {}",
            self.kind.label(),
            date(self.start, "an unknown date"),
            date(self.end, "now")
        );
        if self.kind == EpisodeKind::Section47 && self.end.is_some() {
            out.push_str(&match (self.nfa, self.action_date) {
                (_, Some(a)) => format!(
                    ": action under s.47(8) decided on {}",
                    crate::clock::fmt_date(a)
                ),
                (Some(true), None) => ": no further action".into(),
                (Some(false), None) => ": action under s.47(8)".into(),
                (None, None) => ": how it ended is not known".into(),
            });
        }
        out
    }

    /// A section 47 enquiry that has ended without the source saying how.
    pub fn outcome_unknown(&self) -> bool {
        self.kind == EpisodeKind::Section47
            && self.end.is_some()
            && self.nfa.is_none()
            && self.action_date.is_none()
    }
}

/// Why condition B holds on a day, from one episode (ss.434A(4), 436H(5), 436I(2), 436P(2)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionB {
    /// Enquiries under s.47 are being made on the day.
    EnquiriesBeingMade,
    /// Action under s.47(8) is being taken on the day (a child protection plan in force).
    ActionBeingTaken,
    /// Action under s.47(8) was taken in the five years ending with the day; the last day it is
    /// known to have been taken.
    ActionTaken(NaiveDate),
    /// An enquiry ended in those five years and nobody has said how: it may have led to action.
    /// Never decided either way here; an officer records the outcome.
    OutcomeNotKnown,
}

impl ConditionB {
    /// Whether it is met for certain (not waiting on an enquiry's outcome).
    pub fn met(self) -> bool {
        self != ConditionB::OutcomeNotKnown
    }
}

/// Condition B's social care side on `on`, from one episode: enquiries being made, or action
/// under s.47(8) being taken or taken in the five years ending with `on`. An enquiry that ended
/// with no further action does not count, however recent (the Act's words; law.md's summary
/// "s.47 enquiry in the last 5 years" is wider than the Act). A child protection plan is action
/// under s.47(8) for as long as it lasts. Child in need periods never count.
pub fn condition_b(e: &Episode, on: NaiveDate) -> Option<ConditionB> {
    if e.start.is_some_and(|s| s > on) {
        return None;
    }
    let from = five_years_ending_with(on);
    match e.kind {
        EpisodeKind::ChildInNeed => None,
        EpisodeKind::ChildProtectionPlan => match e.end {
            None => Some(ConditionB::ActionBeingTaken),
            Some(end) if end >= on => Some(ConditionB::ActionBeingTaken),
            Some(end) if end >= from => Some(ConditionB::ActionTaken(end)),
            Some(_) => None,
        },
        EpisodeKind::Section47 => {
            if let Some(a) = e.action_date.filter(|a| *a <= on && *a >= from) {
                return Some(ConditionB::ActionTaken(a));
            }
            match e.end {
                None => Some(ConditionB::EnquiriesBeingMade),
                Some(end) if end >= on => Some(ConditionB::EnquiriesBeingMade),
                Some(end) if end < from => None,
                Some(end) => match (e.nfa, e.action_date) {
                    // Action taken, on a day the source does not give: the enquiry's end.
                    (Some(false), None) => Some(ConditionB::ActionTaken(end)),
                    (None, None) => Some(ConditionB::OutcomeNotKnown),
                    // No further action; or action decided before the five years began.
                    _ => None,
                },
            }
        }
    }
}

/// s.47(8): a decision to take action follows the enquiry it concludes, and has happened. Why
/// not, for the officer recording it.
pub fn check_action_date(e: &Episode, action: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if action > today {
        return Err("The date of the decision must be today or in the past".into());
    }
    if let Some(start) = e.start.filter(|s| action < *s) {
        return Err(format!(
            "The date of the decision must be on or after the enquiry started on {}",
            crate::clock::fmt_date(start)
        ));
    }
    Ok(())
}

/// Whether a record's episodes may show condition B's social care side on `on` (EA 1996
/// s.436H(4), s.434A(3)): enquiries under s.47 being made, action under s.47(8) being taken or
/// taken in the last five years, or an enquiry in those years whose outcome nobody has recorded.
/// The cross-check puts such a record's possible matches before an officer at a lower
/// probability: missing one costs most.
pub fn may_show_condition_b(episodes: &[Episode], on: NaiveDate) -> bool {
    episodes.iter().any(|e| condition_b(e, on).is_some())
}

/// One flag as derived from a record's episodes: (kind, start, end).
pub type Flag = (&'static str, Option<NaiveDate>, Option<NaiveDate>);

/// The flags one record's episodes raise on `today`.
pub fn flags_for(episodes: &[Episode], today: NaiveDate) -> Vec<Flag> {
    let open = |end: Option<NaiveDate>| end.is_none_or(|e| e >= today);
    let mut out: Vec<Flag> = vec![];
    let mut add = |kind: &'static str, s: Option<NaiveDate>, e: Option<NaiveDate>| {
        // One flag per kind: the latest episode's dates.
        match out.iter_mut().find(|(k, _, _)| *k == kind) {
            Some(f) if s > f.1 => *f = (kind, s, e),
            Some(_) => {}
            None => out.push((kind, s, e)),
        }
    };
    for ep in episodes {
        let (s, e) = (ep.start, ep.end);
        match ep.kind {
            EpisodeKind::Section47 if e.is_none() => add("s47_open", s, e),
            EpisodeKind::ChildProtectionPlan if open(e) => add("cp_plan_active", s, e),
            EpisodeKind::ChildInNeed if open(e) => add("cin_open", s, e),
            _ => {}
        }
        match condition_b(ep, today) {
            Some(ConditionB::OutcomeNotKnown) => add(S47_OUTCOME_UNKNOWN, s, e),
            Some(ConditionB::ActionTaken(last)) => add("cp_or_s47_last_5_years", s, Some(last)),
            Some(_) => add("cp_or_s47_last_5_years", s, e),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn ep(kind: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Episode {
        let kind = EpisodeKind::parse(kind).unwrap_or(EpisodeKind::ChildInNeed);
        Episode::new(kind, start, end)
    }

    fn s47_ended(start: Option<NaiveDate>, end: Option<NaiveDate>, nfa: Option<bool>) -> Episode {
        Episode {
            nfa,
            ..ep("s47", start, end)
        }
    }

    #[test]
    fn s436c_2_d_a_household_flag_only_for_an_enquiry_being_made_or_a_plan_in_force() {
        let on = d(2026, 11, 24).unwrap_or_default();
        let open = ep("s47", d(2026, 10, 1), None);
        let plan = ep("cp_plan", d(2026, 6, 1), d(2027, 6, 1));
        let ended = s47_ended(d(2024, 1, 1), d(2024, 2, 15), Some(false));
        let cin = ep("cin", d(2025, 1, 1), None);
        assert_eq!(
            household_flag(std::slice::from_ref(&open), on),
            Some((d(2026, 10, 1), None))
        );
        assert_eq!(
            household_flag(&[plan.clone(), open], on),
            Some((d(2026, 6, 1), None)),
            "the earliest start; open while the enquiry is"
        );
        assert_eq!(
            household_flag(&[plan], on),
            Some((d(2026, 6, 1), d(2027, 6, 1)))
        );
        // Past involvement, or a child in need, is the other child's own history.
        assert_eq!(household_flag(&[ended, cin], on), None);
    }

    #[test]
    fn s434a_4_an_enquiry_that_ended_with_no_further_action_is_not_condition_b() {
        // Enquiry 1 Jan – 15 Feb 2024, no further action; application 24 Nov 2026.
        let on = d(2026, 11, 24).unwrap_or_default();
        let nfa = s47_ended(d(2024, 1, 1), d(2024, 2, 15), Some(true));
        assert_eq!(condition_b(&nfa, on), None);
        assert!(flags_for(std::slice::from_ref(&nfa), on).is_empty());
        // The same enquiry, still being made on the day it ended and the day before.
        assert_eq!(
            condition_b(&nfa, d(2024, 2, 15).unwrap_or_default()),
            Some(ConditionB::EnquiriesBeingMade)
        );
        assert_eq!(
            condition_b(&nfa, d(2024, 2, 14).unwrap_or_default()),
            Some(ConditionB::EnquiriesBeingMade)
        );
        // Not yet begun the day before it started.
        assert_eq!(condition_b(&nfa, d(2023, 12, 31).unwrap_or_default()), None);
    }

    #[test]
    fn s434a_4_an_enquiry_whose_outcome_is_not_known_is_possibly_condition_b() {
        let on = d(2026, 11, 24).unwrap_or_default();
        let unknown = s47_ended(d(2024, 1, 1), d(2024, 2, 15), None);
        assert_eq!(condition_b(&unknown, on), Some(ConditionB::OutcomeNotKnown));
        assert!(!ConditionB::OutcomeNotKnown.met());
        let kinds: Vec<&str> = flags_for(&[unknown], on).iter().map(|f| f.0).collect();
        assert_eq!(kinds, vec!["s47_outcome_unknown"]);
        // Ended on 24 Nov 2021, before the five years began on 25 Nov 2021: outside.
        let old = s47_ended(d(2021, 10, 1), d(2021, 11, 24), None);
        assert_eq!(condition_b(&old, on), None);
        let inside = s47_ended(d(2021, 10, 1), d(2021, 11, 25), None);
        assert_eq!(condition_b(&inside, on), Some(ConditionB::OutcomeNotKnown));
    }

    #[test]
    fn s434a_4_b_action_under_s47_8_now_or_in_the_five_years() {
        let on = d(2026, 11, 24).unwrap_or_default();
        // An enquiry that led to a decision to act on 20 Feb 2024.
        let acted = Episode {
            action_date: d(2024, 2, 20),
            ..s47_ended(d(2024, 1, 1), d(2024, 2, 15), None)
        };
        assert_eq!(
            condition_b(&acted, on),
            Some(ConditionB::ActionTaken(d(2024, 2, 20).unwrap_or_default()))
        );
        // The decision on 24 Nov 2021 is outside the five years; on 25 Nov 2021, inside.
        let decided = |y, m, day| Episode {
            action_date: d(y, m, day),
            nfa: Some(false),
            ..s47_ended(d(2021, 10, 1), d(2021, 11, 1), None)
        };
        assert_eq!(condition_b(&decided(2021, 11, 24), on), None);
        assert!(condition_b(&decided(2021, 11, 25), on).is_some_and(ConditionB::met));
        // Action known but not its day: the enquiry's end stands in for it.
        let action = s47_ended(d(2024, 1, 1), d(2024, 2, 15), Some(false));
        assert_eq!(
            condition_b(&action, on),
            Some(ConditionB::ActionTaken(d(2024, 2, 15).unwrap_or_default()))
        );
        // A child protection plan is action while it lasts, and for five years after.
        let plan = ep("cp_plan", d(2022, 1, 1), None);
        assert_eq!(condition_b(&plan, on), Some(ConditionB::ActionBeingTaken));
        let ended = ep("cp_plan", d(2019, 1, 1), d(2021, 11, 25));
        assert!(condition_b(&ended, on).is_some());
        let ended = ep("cp_plan", d(2019, 1, 1), d(2021, 11, 24));
        assert_eq!(condition_b(&ended, on), None);
        // Child in need is never condition B.
        assert_eq!(condition_b(&ep("cin", d(2026, 1, 1), None), on), None);
    }

    #[test]
    fn s434a_4_the_five_years_ending_with_the_application_date() {
        // Application 24 Nov 2026: the period starts 25 Nov 2021.
        let on = d(2026, 11, 24).unwrap_or_default();
        assert_eq!(Some(five_years_ending_with(on)), d(2021, 11, 25));
        assert!(
            !within_five_years_ending_with(d(2021, 11, 24), on),
            "ended 24 Nov 2021: outside"
        );
        assert!(
            within_five_years_ending_with(d(2021, 11, 25), on),
            "ended 25 Nov 2021: inside"
        );
        assert!(within_five_years_ending_with(d(2021, 11, 26), on));
        assert!(within_five_years_ending_with(None, on), "not ended");
        // Five years before a 29 February is 28 February; the period starts the day after.
        assert_eq!(
            Some(five_years_ending_with(d(2028, 2, 29).unwrap_or_default())),
            d(2023, 3, 1)
        );
    }

    #[test]
    fn s436h_4_a_record_may_show_condition_b_with_an_enquiry_or_recent_action_only() {
        let today = d(2026, 11, 24).unwrap_or_default();
        let shows = |e: Episode| may_show_condition_b(&[e], today);
        assert!(
            shows(ep("s47", d(2026, 10, 1), None)),
            "enquiries being made"
        );
        assert!(
            shows(ep("cp_plan", d(2019, 1, 1), d(2022, 1, 1))),
            "action in 5 years"
        );
        assert!(
            shows(s47_ended(d(2026, 1, 1), d(2026, 2, 1), None)),
            "outcome unknown"
        );
        assert!(
            !shows(s47_ended(d(2026, 1, 1), d(2026, 2, 1), Some(true))),
            "no further action"
        );
        assert!(
            !shows(ep("cp_plan", d(2015, 1, 1), d(2020, 1, 1))),
            "action over 5 years ago"
        );
        assert!(
            !shows(ep("cin", d(2026, 1, 1), None)),
            "child in need never counts"
        );
        assert!(!may_show_condition_b(&[], today));
    }

    #[test]
    fn s436h_5_flags_use_the_same_five_years() {
        let today = d(2026, 11, 24).unwrap_or_default();
        let ended = |y, m, day| vec![ep("cp_plan", d(2019, 1, 1), d(y, m, day))];
        assert!(flags_for(&ended(2021, 11, 24), today).is_empty());
        assert_eq!(flags_for(&ended(2021, 11, 25), today).len(), 1);
    }

    #[test]
    fn s436c_2_d_open_enquiries_and_active_plans_are_flagged() {
        let today = d(2026, 11, 24).unwrap();
        let eps = vec![
            ep("s47", d(2026, 10, 1), None),
            ep("cp_plan", d(2026, 10, 20), None),
            ep("cin", d(2025, 1, 1), d(2025, 6, 1)),
        ];
        let kinds: Vec<&str> = flags_for(&eps, today).iter().map(|f| f.0).collect();
        assert_eq!(
            kinds,
            vec!["s47_open", "cp_or_s47_last_5_years", "cp_plan_active"]
        );
    }

    #[test]
    fn s434a_4_the_five_year_look_back() {
        let today = d(2026, 11, 24).unwrap();
        let ended_four_years_ago = vec![ep("cp_plan", d(2021, 1, 1), d(2022, 11, 1))];
        let ended_six_years_ago = vec![ep("cp_plan", d(2019, 1, 1), d(2020, 11, 1))];
        assert_eq!(
            flags_for(&ended_four_years_ago, today)
                .iter()
                .map(|f| f.0)
                .collect::<Vec<_>>(),
            vec!["cp_or_s47_last_5_years"]
        );
        assert!(flags_for(&ended_six_years_ago, today).is_empty());
        // Not knowing when an enquiry started never hides it.
        let unknown = vec![ep("s47", None, None)];
        assert_eq!(flags_for(&unknown, today).len(), 2);
    }
}
