//! Consent to home educate (EA 1996 s.434A, inserted by CWSA 2026 s.37) and the deletion rules
//! schools follow (Pupil Registration Regulations 2024). Pure functions: the facts come in, the
//! answer and its reasons go out. law.md §4.
use chrono::{Months, NaiveDate};

use super::school_age::{status_on, SchoolAgeStatus};

/// School kinds as the council records them; condition A turns on the first two.
pub const SCHOOL_KINDS: &[(&str, &str)] = &[
    ("mainstream", "Mainstream school or academy"),
    ("special", "Special school (s.337)"),
    (
        "independent_special",
        "Independent school organised for pupils with special educational needs",
    ),
    ("independent", "Other independent school"),
];

/// Grounds for deleting a pupil's name, Pupil Registration Regulations 2024 reg 9(1).
pub const DELETION_GROUNDS: &[(&str, &str)] = &[
    (
        "a",
        "(a) Registered at another school, and this is not a dual registration",
    ),
    ("b", "(b) Dual registration ended at the other school"),
    ("c", "(c) Dual registration ended at this school"),
    ("d", "(d) A school attendance order naming another school"),
    (
        "e",
        "(e) The school attendance order naming this school was revoked",
    ),
    (
        "f",
        "(f) To be educated otherwise than at school (home education)",
    ),
    ("g", "(g) Ceased to attend this boarding school"),
    (
        "h",
        "(h) Certified medically unfit to attend until after compulsory school age",
    ),
    (
        "i",
        "(i) Detained under a court order for at least four months",
    ),
    ("j", "(j) Died"),
    ("k", "(k) Will stop attending after compulsory school age"),
    ("l", "(l) Sixth form pupil who has stopped attending"),
    ("m", "(m) Permanently excluded"),
    (
        "n",
        "(n) Admitted to the nursery class and has not transferred",
    ),
    (
        "o",
        "(o) Not returned after leave and cannot be found after enquiries",
    ),
];

/// What the social care records say about the child, each with whether the link to the child is
/// certain (a shared identifier or the same name and date of birth) or only possible.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialCareEvidence {
    /// s47_open | cp_plan_active | cp_or_s47_last_5_years | s47_outcome_unknown
    pub flag: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub certain: bool,
}

/// The facts s.434A(2)–(4) turns on.
#[derive(Debug, Clone, Default)]
pub struct ConsentFacts {
    pub date_of_birth: Option<NaiveDate>,
    /// The application (or school notice) date: the 5-year look-back ends on it (s.434A(4)).
    pub on: Option<NaiveDate>,
    pub registered_pupil: bool,
    pub school_kind: String,
    /// Placed at the school under arrangements made by a council (s.434A(3)); None: not known.
    pub placed_by_council: Option<bool>,
    pub social_care: Vec<SocialCareEvidence>,
    /// s.47 enquiries or s.47(8) action by another council, as an officer recorded it.
    pub other_council_s47: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relevance {
    /// s.434A(2) holds: consent is needed, and the school must not delete the name first.
    Relevant,
    /// It may hold: a possible social care match or an unknown placement. Treated as relevant
    /// (the school must wait) until an officer settles it.
    Possible,
    NotRelevant,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelevanceAnswer {
    pub relevance: Relevance,
    pub reasons: Vec<String>,
}

impl RelevanceAnswer {
    /// Before s.434A commences no child is a relevant child: the school may delete the name
    /// (issue 15, 9). `why` says when it commences.
    pub fn before_commencement(why: String) -> RelevanceAnswer {
        RelevanceAnswer {
            relevance: Relevance::NotRelevant,
            reasons: vec![why],
        }
    }

    /// The school must not delete the pupil's name before consent (s.434A(9)(a)).
    pub fn school_must_wait(&self) -> bool {
        self.relevance != Relevance::NotRelevant
    }
}

/// s.434A(2): a relevant child is of compulsory school age, a registered pupil, and meets
/// condition A (s.434A(3): placed by a council at a special school or an independent school
/// organised for SEN) or condition B (s.434A(4): s.47 enquiries, or s.47(8) action now or in the
/// 5 years ending on the application date, by any council). Uncertain facts give `Possible`.
pub fn relevant_child(f: &ConsentFacts) -> RelevanceAnswer {
    let mut reasons = vec![];
    let on = f.on;
    if let (Some(dob), Some(on)) = (f.date_of_birth, on) {
        if status_on(dob, on) != SchoolAgeStatus::CompulsorySchoolAge {
            reasons.push(
                "Not of compulsory school age on the application date (s.434A(2)(a)).".into(),
            );
            return RelevanceAnswer {
                relevance: Relevance::NotRelevant,
                reasons,
            };
        }
    }
    if !f.registered_pupil {
        reasons.push("Not a registered pupil at a school (s.434A(2)(b)).".into());
        return RelevanceAnswer {
            relevance: Relevance::NotRelevant,
            reasons,
        };
    }
    let special = matches!(f.school_kind.as_str(), "special" | "independent_special");
    let mut relevant = false;
    let mut possible = false;
    match (special, f.placed_by_council) {
        (true, Some(true)) => {
            relevant = true;
            reasons.push("Condition A (s.434A(3)): placed by a council at a special school or an independent school for pupils with SEN.".into());
        }
        (true, None) => {
            possible = true;
            reasons.push("Condition A (s.434A(3)) may apply: the school is a special or SEN independent school, and whether a council placed the child there is not recorded yet.".into());
        }
        _ => {}
    }
    let look_back_from = on.map(crate::domain::safeguarding::five_years_ending_with);
    for e in &f.social_care {
        let within_look_back = match (look_back_from, e.end) {
            (Some(from), Some(end)) => end >= from,
            _ => true,
        };
        let what = match e.flag.as_str() {
            "s47_open" => "a Section 47 enquiry is open",
            "cp_plan_active" => "a child protection plan is active (s.47(8) action)",
            "cp_or_s47_last_5_years" => {
                "a Section 47 enquiry or action under s.47(8) (such as a child protection plan) within the 5 years ending on the application date"
            }
            "s47_outcome_unknown" => {
                "a Section 47 enquiry that ended within the 5 years ending on the application date, without saying whether it led to action under s.47(8)"
            }
            _ => continue,
        };
        if !within_look_back {
            continue;
        }
        if e.flag == "s47_outcome_unknown" {
            // Never decided either way here: an enquiry that ended with no further action is not
            // condition B, one that led to action is.
            possible = true;
            reasons.push(format!("Condition B (s.434A(4)) may apply: social care records show {what}. An officer must record how it ended."));
        } else if e.certain {
            relevant = true;
            reasons.push(format!(
                "Condition B (s.434A(4)): social care records show {what}."
            ));
        } else {
            possible = true;
            reasons.push(format!("Condition B (s.434A(4)) may apply: a social care record that may be this child shows {what}. An officer must check it."));
        }
    }
    if let Some(note) = f
        .other_council_s47
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        relevant = true;
        reasons.push(format!(
            "Condition B (s.434A(4)) by another council: {note}"
        ));
    }
    let relevance = if relevant {
        Relevance::Relevant
    } else if possible {
        Relevance::Possible
    } else {
        reasons.push(
            "Neither condition A nor condition B is met on what the council holds (s.434A(2)(c))."
                .into(),
        );
        Relevance::NotRelevant
    };
    RelevanceAnswer { relevance, reasons }
}

/// An officer's finding on limb (a) of s.434A(6): is regular attendance at school in the
/// child's best interests?
pub const BEST_INTERESTS: &[(&str, &str)] = &[
    (
        "school_in_best_interests",
        "Regular attendance at school is in the child's best interests",
    ),
    (
        "not_shown",
        "It is not shown that regular attendance at school is in the child's best interests",
    ),
];

/// Limb (b) of s.434A(6): have suitable arrangements been made?
pub const ARRANGEMENTS: &[(&str, &str)] = &[
    (
        "suitable",
        "Suitable arrangements have been made for education otherwise than at school",
    ),
    ("not_suitable", "No suitable arrangements have been made"),
];

/// s.434A(6): the council must refuse if it considers that regular attendance at school is in
/// the child's best interests, or that no suitable arrangements have been made; otherwise it
/// must grant. Returns the decision the findings require, with the limb that requires it.
pub fn required_decision(
    best_interests: &str,
    arrangements: &str,
) -> (ApplicationStatus, &'static str) {
    if best_interests == "school_in_best_interests" {
        (
            ApplicationStatus::Refused,
            "s.434A(6)(a): regular attendance at school is in the child's best interests",
        )
    } else if arrangements == "not_suitable" {
        (
            ApplicationStatus::Refused,
            "s.434A(6)(b): no suitable arrangements have been made",
        )
    } else {
        (
            ApplicationStatus::Granted,
            "s.434A(6): neither ground for refusal applies, so consent must be granted",
        )
    }
}

/// s.434A(12): once an application for the child has been refused, the council need not decide
/// a new one until 6 months have passed since *the previous application*: the latest one before
/// it, whatever became of it (granted, refused, withdrawn). Calendar months, ending on the
/// corresponding date (or the month's last day when there is none), as UK courts count them
/// (Dodds v Walker); an application on that date is still inside. `earlier` is each earlier
/// application's (date received, refused). Returns the previous application's date when the new
/// one falls inside the window.
pub fn within_repeat_window(
    earlier: &[(NaiveDate, bool)],
    received_on: NaiveDate,
) -> Option<NaiveDate> {
    let before: Vec<&(NaiveDate, bool)> =
        earlier.iter().filter(|(d, _)| *d <= received_on).collect();
    if !before.iter().any(|(_, refused)| *refused) {
        return None;
    }
    let previous = before.iter().map(|(d, _)| *d).max()?;
    previous
        .checked_add_months(Months::new(6))
        .is_some_and(|six| received_on <= six)
        .then_some(previous)
}

crate::text_enum! {
    /// What a school tells the council: a parent's intention to home educate (s.434A(5)), or a
    /// deletion return (reg 13(4) of the Pupil Registration Regulations).
    pub enum NoticeKind {
        Intention = "intention" => "Intention to home educate",
        Deletion = "deletion" => "Deletion return",
    }
}

// Application states (law.md §4.4) and the actions each allows.
crate::text_enum! {
    /// Where an application for consent to home educate stands (s.434A).
    pub enum ApplicationStatus {
        Received = "received" => "Received",
        UnderAssessment = "under_assessment" => "Being assessed",
        Granted = "granted" => "Consent granted",
        Refused = "refused" => "Consent refused",
        Withdrawn = "withdrawn" => "Withdrawn",
    }
}

crate::text_enum! {
    /// Where an application stands, as officers and managers see it: once an officer has assessed
    /// it, it waits for a manager's decision (s.434A(6)), which is its own state in the lists.
    pub enum Progress {
        Received = "received" => "Received",
        BeingAssessed = "being_assessed" => "Being assessed",
        AwaitingDecision = "awaiting_decision" => "Assessed — waiting for a manager",
        Granted = "granted" => "Consent granted",
        Refused = "refused" => "Consent refused",
        Withdrawn = "withdrawn" => "Withdrawn",
    }
}

/// s.434A(6): an application's progress from its status and whether it has been assessed.
pub fn progress(status: ApplicationStatus, assessed: bool) -> Progress {
    match status {
        ApplicationStatus::Received => Progress::Received,
        ApplicationStatus::UnderAssessment if assessed => Progress::AwaitingDecision,
        ApplicationStatus::UnderAssessment => Progress::BeingAssessed,
        ApplicationStatus::Granted => Progress::Granted,
        ApplicationStatus::Refused => Progress::Refused,
        ApplicationStatus::Withdrawn => Progress::Withdrawn,
    }
}

impl ApplicationStatus {
    /// Still waiting for a decision.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Received | ApplicationStatus::UnderAssessment
        )
    }
}

pub const STATUSES: &[(&str, &str)] = ApplicationStatus::CHOICES;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Assess,
    Decide,
    Withdraw,
    Refer,
}

/// Whether `action` may be taken on an application in `status`; the message says why not.
pub fn may(status: ApplicationStatus, action: Action) -> Result<(), &'static str> {
    use ApplicationStatus::*;
    match (status, action) {
        (Received | UnderAssessment, Action::Assess | Action::Withdraw) => Ok(()),
        (UnderAssessment, Action::Decide) => Ok(()),
        (Received, Action::Decide) => {
            Err("The application has not been assessed yet. Record both limbs of s.434A(6) first.")
        }
        (Granted | Refused, Action::Refer) => Ok(()),
        (Granted | Refused, _) => Err("A decision has already been made on this application. A parent who disagrees may refer it to the Secretary of State (s.434A(10)).") ,
        (Withdrawn, _) => Err("The application was withdrawn. Nothing more can be decided on it."),
        (Received | UnderAssessment, Action::Refer) => Err("Only a decision can be referred to the Secretary of State (s.434A(10)).") ,
    }
}

/// The manager who decides an application is not the one who assessed it, so every decision on
/// consent (s.434A(6)) has two people behind it: the assessment and the decision are separate
/// steps (law.md §4.4).
pub fn may_decide_as(assessed_by: Option<&str>, decider: &str) -> Result<(), &'static str> {
    if assessed_by == Some(decider) {
        Err("You assessed this application, so another manager decides it.")
    } else {
        Ok(())
    }
}

/// Outcomes of a referral to the Secretary of State (s.434A(10)–(11)).
pub const REFERRAL_OUTCOMES: &[(&str, &str)] = &[
    ("pending", "Waiting for the Secretary of State"),
    ("upheld", "Decision upheld"),
    (
        "directed",
        "The Secretary of State directed the council to consent",
    ),
    (
        "referred_back",
        "Referred back to the council to decide again",
    ),
];

/// s.434A(10)–(11): what the Secretary of State's answer does to the application. A direction to
/// consent grants it, so the school may delete the pupil's name; a referral back reopens it for
/// the council to decide again; an upheld decision, or none yet, changes nothing.
pub fn status_after_referral(status: ApplicationStatus, outcome: &str) -> ApplicationStatus {
    match outcome {
        "directed" => ApplicationStatus::Granted,
        "referred_back" => ApplicationStatus::UnderAssessment,
        _ => status,
    }
}

/// Days an application has been open, counting the day it arrived as day 0 ("without undue
/// delay", s.434A(6): the Act sets no number, so the council watches the days).
pub fn days_open(received_on: NaiveDate, until: NaiveDate) -> i64 {
    (until - received_on).num_days().max(0)
}

/// s.434A(6): the day by which the council aims to decide an application. The Act says "without
/// undue delay" and sets no number; the council's own standard (CNIS_CONSENT_ESCALATION_DAYS) is
/// the day its managers are told, so the assessment task is due then.
pub fn decide_by(received_on: NaiveDate, after_days: i64) -> NaiveDate {
    received_on + chrono::Duration::days(after_days.max(0))
}

/// Whether an open application should be escalated to managers.
pub fn needs_escalation(
    status: ApplicationStatus,
    received_on: NaiveDate,
    today: NaiveDate,
    after_days: i64,
) -> bool {
    status.is_open() && days_open(received_on, today) >= after_days
}

/// Reg 9(1) with s.434A(9)(a): may the school delete this pupil's name on this ground now?
/// A relevant child may not be deleted to home educate before the council consents; a deletion
/// return may not be backdated (reg 13(4): made when the ground is met, no later than the
/// deletion date).
/// Reg 13(4) of the Pupil Registration Regulations 2024: a deletion return reaches the council no
/// later than the day the name is deleted. A late one is still a return: it is kept, marked with
/// how late it was, so the council sees the child (issue 15, 11). None when in time.
pub fn deletion_return_days_late(deletion_date: NaiveDate, received_on: NaiveDate) -> Option<i32> {
    let late = (received_on - deletion_date).num_days();
    (late > 0).then(|| i32::try_from(late).unwrap_or(i32::MAX))
}

pub fn deletion_allowed(
    ground: &str,
    relevance: &RelevanceAnswer,
    consent_granted: bool,
) -> Result<(), String> {
    if !DELETION_GROUNDS.iter().any(|(g, _)| *g == ground) {
        return Err("Choose the ground under regulation 9(1) the school relies on".into());
    }
    if ground == "f" && relevance.school_must_wait() && !consent_granted {
        return Err("This pupil is a relevant child (s.434A(2)) or may be one. The school must not delete the name to home educate until the council has consented (s.434A(9)(a)).".into());
    }
    Ok(())
}

/// s.434A(2) and (4), looking back: was condition B met, or may it have been, on the day the
/// child left school? An enquiry being made that day, or s.47(8) action then or in the 5 years
/// ending with it, counts; so does an enquiry in those years whose outcome is not known, for an
/// officer to check. A child on the register for whom this holds and who has no consent on
/// record is flagged for an officer.
pub fn consent_was_needed(
    episodes: &[crate::domain::safeguarding::Episode],
    left_school_on: NaiveDate,
) -> bool {
    episodes
        .iter()
        .any(|e| crate::domain::safeguarding::condition_b(e, left_school_on).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn facts() -> ConsentFacts {
        ConsentFacts {
            date_of_birth: Some(d(2015, 5, 1)),
            on: Some(d(2026, 11, 24)),
            registered_pupil: true,
            school_kind: "mainstream".into(),
            ..Default::default()
        }
    }

    fn evidence(flag: &str, end: Option<NaiveDate>, certain: bool) -> SocialCareEvidence {
        SocialCareEvidence {
            flag: flag.into(),
            start: Some(d(2020, 1, 1)),
            end,
            certain,
        }
    }

    #[test]
    fn s434a_6_an_assessed_application_waits_for_a_manager() {
        use ApplicationStatus::*;
        assert_eq!(progress(UnderAssessment, true), Progress::AwaitingDecision);
        assert_eq!(progress(UnderAssessment, false), Progress::BeingAssessed);
        assert_eq!(progress(Received, false), Progress::Received);
        assert_eq!(progress(Granted, true), Progress::Granted);
    }

    #[test]
    fn s434a_6_the_assessment_is_due_on_the_councils_escalation_day() {
        assert_eq!(decide_by(d(2027, 1, 4), 20), d(2027, 1, 24));
        assert_eq!(decide_by(d(2027, 1, 4), -3), d(2027, 1, 4));
    }

    #[test]
    fn s434a_2_a_mainstream_pupil_unknown_to_social_care_is_not_a_relevant_child() {
        let a = relevant_child(&facts());
        assert_eq!(a.relevance, Relevance::NotRelevant);
        assert!(!a.school_must_wait());
    }

    #[test]
    fn s434a_3_condition_a_placed_by_the_council_at_a_special_school() {
        let mut f = facts();
        f.school_kind = "special".into();
        f.placed_by_council = Some(true);
        assert_eq!(relevant_child(&f).relevance, Relevance::Relevant);
        f.placed_by_council = None;
        assert_eq!(
            relevant_child(&f).relevance,
            Relevance::Possible,
            "unknown placement waits"
        );
        f.placed_by_council = Some(false);
        assert_eq!(
            relevant_child(&f).relevance,
            Relevance::NotRelevant,
            "placed by the parents"
        );
        f.school_kind = "independent_special".into();
        f.placed_by_council = Some(true);
        assert_eq!(relevant_child(&f).relevance, Relevance::Relevant);
        f.school_kind = "mainstream".into();
        assert_eq!(
            relevant_child(&f).relevance,
            Relevance::NotRelevant,
            "an EHC plan at a mainstream school is not condition A"
        );
    }

    #[test]
    fn s434a_4_condition_b_s47_now_or_in_the_five_years_ending_on_the_application_date() {
        let mut f = facts();
        f.social_care = vec![evidence("s47_open", None, true)];
        assert_eq!(relevant_child(&f).relevance, Relevance::Relevant);
        // A plan that ended 4 years 11 months before the application still counts...
        f.social_care = vec![evidence(
            "cp_or_s47_last_5_years",
            Some(d(2021, 12, 24)),
            true,
        )];
        assert_eq!(relevant_child(&f).relevance, Relevance::Relevant);
        // ...one that ended more than 5 years before does not.
        f.social_care = vec![evidence(
            "cp_or_s47_last_5_years",
            Some(d(2021, 11, 23)),
            true,
        )];
        assert_eq!(relevant_child(&f).relevance, Relevance::NotRelevant);
        // The boundary (issue 15, 2): the five years ending with 24 Nov 2026 start on 25 Nov
        // 2021, so a plan that ended on 24 Nov 2021 is outside and one that ended a day later
        // is inside.
        f.on = Some(d(2026, 11, 24));
        for (ended, relevance) in [
            (d(2021, 11, 24), Relevance::NotRelevant),
            (d(2021, 11, 25), Relevance::Relevant),
        ] {
            f.social_care = vec![evidence("cp_or_s47_last_5_years", Some(ended), true)];
            assert_eq!(relevant_child(&f).relevance, relevance, "ended {ended}");
        }
        // A possible match is not ignored: the school waits until an officer checks.
        f.social_care = vec![evidence("cp_plan_active", None, false)];
        let a = relevant_child(&f);
        assert_eq!(a.relevance, Relevance::Possible);
        assert!(a.school_must_wait());
        // Any council's enquiries count (s.434A(4)).
        f.social_care.clear();
        f.other_council_s47 = Some("Section 47 enquiry by Borsetshire, 2025".into());
        assert_eq!(relevant_child(&f).relevance, Relevance::Relevant);
    }

    #[test]
    fn s434a_2_only_children_of_compulsory_school_age_on_a_school_roll() {
        let mut f = facts();
        f.social_care = vec![evidence("s47_open", None, true)];
        f.date_of_birth = Some(d(2008, 1, 1));
        assert_eq!(relevant_child(&f).relevance, Relevance::NotRelevant);
        f.date_of_birth = Some(d(2015, 5, 1));
        f.registered_pupil = false;
        assert_eq!(relevant_child(&f).relevance, Relevance::NotRelevant);
    }

    #[test]
    fn s434a_6_the_assessor_does_not_decide() {
        assert!(may_decide_as(Some("u1"), "u1").is_err());
        assert!(may_decide_as(Some("u1"), "u2").is_ok());
        assert!(may_decide_as(None, "u2").is_ok());
    }

    #[test]
    fn s434a_6_either_limb_requires_refusal_otherwise_grant() {
        assert_eq!(
            required_decision("school_in_best_interests", "suitable").0,
            ApplicationStatus::Refused
        );
        assert_eq!(
            required_decision("not_shown", "not_suitable").0,
            ApplicationStatus::Refused
        );
        assert_eq!(
            required_decision("not_shown", "suitable").0,
            ApplicationStatus::Granted
        );
        assert!(required_decision("not_shown", "not_suitable")
            .1
            .contains("(6)(b)"));
    }

    #[test]
    fn s434a_12_no_new_decision_needed_within_six_months_of_a_refused_application() {
        let refused = [(d(2026, 5, 31), true)];
        assert_eq!(
            within_repeat_window(&refused, d(2026, 11, 30)),
            Some(d(2026, 5, 31))
        );
        assert_eq!(
            within_repeat_window(&refused, d(2026, 12, 1)),
            None,
            "six months have passed"
        );
        assert_eq!(within_repeat_window(&[], d(2026, 12, 1)), None);
        // Leap year month end: 31 Aug + 6 months is 29 Feb 2028.
        let aug = [(d(2027, 8, 31), true)];
        assert_eq!(
            within_repeat_window(&aug, d(2028, 2, 29)),
            Some(d(2027, 8, 31))
        );
        assert_eq!(within_repeat_window(&aug, d(2028, 3, 1)), None);
        // No refusal yet: every application is decided.
        assert_eq!(
            within_repeat_window(&[(d(2026, 11, 1), false)], d(2026, 11, 30)),
            None
        );
    }

    #[test]
    fn s434a_12_the_six_months_run_from_the_previous_application_whatever_its_outcome() {
        // Refused 1 Jan 2027, a withdrawn application 1 Aug, a new one 1 Sep: within 6 months of
        // the previous application (1 Aug), so no decision is required.
        let earlier = [(d(2027, 1, 1), true), (d(2027, 8, 1), false)];
        assert_eq!(
            within_repeat_window(&earlier, d(2027, 9, 1)),
            Some(d(2027, 8, 1))
        );
        // The boundary: 1 Feb 2028 is inside, 2 Feb outside.
        assert_eq!(
            within_repeat_window(&earlier, d(2028, 2, 1)),
            Some(d(2027, 8, 1))
        );
        assert_eq!(within_repeat_window(&earlier, d(2028, 2, 2)), None);
    }

    #[test]
    fn s434a_6_one_decision_per_application_and_none_on_a_withdrawn_one() {
        assert!(may(ApplicationStatus::Received, Action::Decide).is_err());
        assert!(may(ApplicationStatus::UnderAssessment, Action::Decide).is_ok());
        assert!(may(ApplicationStatus::Granted, Action::Decide).is_err());
        assert!(may(ApplicationStatus::Withdrawn, Action::Decide)
            .unwrap_err()
            .contains("withdrawn"));
        assert!(may(ApplicationStatus::Refused, Action::Refer).is_ok());
        assert!(may(ApplicationStatus::Received, Action::Refer).is_err());
    }

    #[test]
    fn s434a_6_undue_delay_is_watched_in_days() {
        assert_eq!(days_open(d(2026, 11, 1), d(2026, 11, 24)), 23);
        assert!(needs_escalation(
            ApplicationStatus::Received,
            d(2026, 11, 1),
            d(2026, 11, 24),
            20
        ));
        assert!(!needs_escalation(
            ApplicationStatus::Granted,
            d(2026, 11, 1),
            d(2026, 11, 24),
            20
        ));
        assert!(!needs_escalation(
            ApplicationStatus::Received,
            d(2026, 11, 10),
            d(2026, 11, 24),
            20
        ));
    }

    #[test]
    fn s434a_9_a_relevant_child_is_not_deleted_to_home_educate_before_consent() {
        let today = d(2026, 11, 24);
        let mut f = facts();
        f.social_care = vec![evidence("s47_open", None, true)];
        let relevant = relevant_child(&f);
        assert!(deletion_allowed("f", &relevant, false).is_err());
        assert!(deletion_allowed("f", &relevant, true).is_ok());
        // Other grounds are not held back by s.434A.
        assert!(deletion_allowed("a", &relevant, false).is_ok());
        let not = relevant_child(&facts());
        assert!(deletion_allowed("f", &not, false).is_ok());
        assert!(deletion_allowed("z", &not, false).is_err());
        let _ = today;
    }

    #[test]
    fn reg_13_4_a_late_deletion_return_is_kept_and_marked_late() {
        let deleted = d(2026, 11, 20);
        assert_eq!(
            deletion_return_days_late(deleted, d(2026, 11, 19)),
            None,
            "in advance"
        );
        assert_eq!(
            deletion_return_days_late(deleted, d(2026, 11, 20)),
            None,
            "on the day"
        );
        assert_eq!(deletion_return_days_late(deleted, d(2026, 11, 21)), Some(1));
        assert_eq!(deletion_return_days_late(deleted, d(2026, 12, 1)), Some(11));
    }

    #[test]
    fn s434a_10_11_the_secretary_of_states_answer_drives_the_application() {
        use ApplicationStatus::*;
        assert_eq!(status_after_referral(Refused, "directed"), Granted);
        assert_eq!(
            status_after_referral(Refused, "referred_back"),
            UnderAssessment
        );
        assert_eq!(status_after_referral(Refused, "upheld"), Refused);
        assert_eq!(status_after_referral(Refused, "pending"), Refused);
        // Referred back: the council may decide again.
        assert!(may(
            status_after_referral(Refused, "referred_back"),
            Action::Decide
        )
        .is_ok());
    }

    #[test]
    fn s434a_4_condition_b_on_the_day_the_child_left_school() {
        use crate::domain::safeguarding::{Episode, EpisodeKind};
        let ep = |k: &str, s: Option<NaiveDate>, e: Option<NaiveDate>| {
            Episode::new(
                EpisodeKind::parse(k).unwrap_or(EpisodeKind::ChildInNeed),
                s,
                e,
            )
        };
        let left = d(2026, 10, 1);
        assert!(consent_was_needed(
            &[ep("cp_plan", Some(d(2025, 1, 1)), None)],
            left
        ));
        assert!(
            consent_was_needed(
                &[ep("s47", Some(d(2020, 1, 1)), Some(d(2021, 10, 2)))],
                left
            ),
            "ended within 5 years, outcome not known: may have needed consent"
        );
        let nfa = Episode {
            nfa: Some(true),
            ..ep("s47", Some(d(2020, 1, 1)), Some(d(2021, 10, 2)))
        };
        assert!(
            !consent_was_needed(&[nfa], left),
            "ended with no further action"
        );
        assert!(
            !consent_was_needed(
                &[ep("s47", Some(d(2020, 1, 1)), Some(d(2021, 9, 30)))],
                left
            ),
            "ended more than 5 years before"
        );
        assert!(
            !consent_was_needed(&[ep("cp_plan", Some(d(2026, 10, 2)), None)], left),
            "began after the child left"
        );
        assert!(
            !consent_was_needed(&[ep("cin", Some(d(2025, 1, 1)), None)], left),
            "child in need is not condition B"
        );
    }
}
