//! School attendance orders: the new process of EA 1996 ss.436H–436Q and, until it commences,
//! today's ss.437–443 (law.md §5). Every deadline is computed here with the rule it comes from,
//! and every step is allowed or refused here, naming the rule that blocks it.
//!
//! "N days beginning with day X" counts X as day 1, in calendar days (law.md §5, INFERRED);
//! school days are the days a school holds a session (s.579), from its term calendar.
use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::register::Choices;

/// Which law a case follows. A case keeps the regime it began in (law.md §0.2, INFERRED).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    /// ss.437–443, in force today.
    Current,
    /// ss.436H–436Q, inserted by the Children's Wellbeing and Schools Act 2026.
    New,
}

impl Regime {
    pub fn code(self) -> &'static str {
        match self {
            Regime::Current => "ss437",
            Regime::New => "ss436h",
        }
    }
    pub fn from_code(s: &str) -> Regime {
        if s == "ss436h" {
            Regime::New
        } else {
            Regime::Current
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Regime::Current => "Education Act 1996, sections 437 to 443",
            Regime::New => "Education Act 1996, sections 436H to 436Q",
        }
    }
}

/// CWSA 2026 s.78: the new process applies to cases opened on or after the day it commences;
/// with no commencement date set, every case follows ss.437–443.
pub fn regime_for(opened_on: NaiveDate, commencement: Option<NaiveDate>) -> Regime {
    match commencement {
        Some(c) if opened_on >= c => Regime::New,
        _ => Regime::Current,
    }
}

pub const CONDITIONS: Choices = &[
    (
        "A",
        "Condition A: the child is not receiving suitable education (s.436H(4))",
    ),
    (
        "B",
        "Condition B: section 47 enquiries now or s.47(8) action within 5 years, not attending school regularly, and school is in the child's best interests (s.436H(5))",
    ),
    (
        "C",
        "Condition C: a parent did not give information under s.436D (s.436H(6))",
    ),
    (
        "D",
        "Condition D: a parent did not answer a request for information in time (s.436H(7))",
    ),
];

/// The conditions a case may rely on. Today's s.437 has only "not receiving suitable education".
/// A condition as the case's own law words it: today's s.437(1) has one test and no letters.
pub fn condition_label(regime: Regime, k: &str) -> &'static str {
    match regime {
        Regime::Current => "It appears the child is not receiving suitable education, either by regular attendance at school or otherwise (s.437(1))",
        Regime::New => crate::domain::register::label(CONDITIONS, k),
    }
}

pub fn conditions_allowed(regime: Regime) -> &'static [&'static str] {
    match regime {
        Regime::Current => &["A"],
        Regime::New => &["A", "B", "C", "D"],
    }
}

/// s.436H(1) and (6)–(7): conditions A and B oblige the council to serve a preliminary notice;
/// C and D only permit it.
pub fn duty_to_serve(conditions: &[String]) -> bool {
    conditions.iter().any(|c| c == "A" || c == "B")
}

crate::text_enum! {
    /// Where a school attendance case stands (ss.436H–436Q; ss.437–443).
    pub enum Stage {
        Considering = "considering" => "Considering a preliminary notice",
        PreliminaryNotice = "preliminary_notice" => "Preliminary notice: waiting for the parent",
        SchoolSelection = "school_selection" => "Choosing and consulting the school",
        SchoolNotified = "school_notified" => "School notified: its objection window",
        DirectionPending = "direction_pending" => "Waiting for the Secretary of State's direction",
        Nomination = "nomination" => "School nomination notice: the parent's choice",
        SchoolDetermined = "school_determined" => "School determined: serve the order",
        InForce = "in_force" => "Order in force",
        Referred = "referred" => "Referred for prosecution",
        Satisfied = "satisfied" => "Closed: the parent satisfied the council",
        NotExpedient = "not_expedient" => "Closed: not expedient that the child attend school",
        Barred = "barred" => "Closed: an order is barred (s.436I(2))",
        Revoked = "revoked" => "Order revoked",
        Ended = "ended" => "Closed: the court ended the order",
    }
}

pub const STAGES: Choices = Stage::CHOICES;

/// The same stages in the words of today's law.
pub fn stage_label(regime: Regime, stage: Stage) -> &'static str {
    match (regime, stage) {
        (Regime::Current, Stage::PreliminaryNotice) => {
            "Notice under s.437(1): waiting for the parent"
        }
        (Regime::Current, Stage::SchoolNotified) => "Governing body notified (s.439)",
        (Regime::Current, Stage::Nomination) => "Notice of intention (s.438): the parent's choice",
        _ => stage.label(),
    }
}

impl Stage {
    /// A case still running; the closing stages end it.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Stage::Satisfied | Stage::NotExpedient | Stage::Barred | Stage::Revoked | Stage::Ended
        )
    }
}

pub fn is_open(stage: Stage) -> bool {
    stage.is_open()
}

/// A date the law sets, with the rule shown beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub on: NaiveDate,
    pub rule: String,
}

fn deadline(on: NaiveDate, rule: impl Into<String>) -> Deadline {
    Deadline {
        on,
        rule: rule.into(),
    }
}

/// The last day of `n` days beginning with `day` (day counts as the first).
pub fn beginning_with(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_add_days(Days::new(n.saturating_sub(1)))
        .unwrap_or(NaiveDate::MAX)
}

/// The floor on the period a preliminary notice (s.436H(10)(c)) or a s.437(1) notice (s.437(2))
/// gives the parent.
pub const MIN_RESPONSE_DAYS: u32 = 15;

/// s.436H(10)(b): serve the preliminary notice within 5 days beginning with the day it appears
/// the requirements are met. Today's s.437 sets no period.
pub fn preliminary_notice_due(regime: Regime, requirements_met: NaiveDate) -> Option<Deadline> {
    (regime == Regime::New).then(|| {
        deadline(
            beginning_with(requirements_met, 5),
            "5 days beginning with the day it appeared the requirements were met — s.436H(10)(b)",
        )
    })
}

/// s.436H(10)(c) / s.437(2): the parent's period, at least 15 days beginning with the day of
/// service.
pub fn response_period_end(regime: Regime, served_on: NaiveDate, days: u32) -> Deadline {
    let rule = match regime {
        Regime::New => "days beginning with the day of service — s.436H(10)(c)",
        Regime::Current => "days beginning with the day of service — s.437(2)",
    };
    deadline(
        beginning_with(served_on, days.into()),
        format!("{days} {rule}"),
    )
}

/// s.436N(3): notice of the decision to the school within 15 days beginning with the expiry of the
/// response period (the period's last day counted as day 1, the earlier reading). Today's s.439
/// sets no period.
pub fn school_notice_due(regime: Regime, response_end: NaiveDate) -> Option<Deadline> {
    (regime == Regime::New).then(|| {
        deadline(
            beginning_with(response_end, 15),
            "15 days beginning with the expiry of the preliminary notice's period — s.436N(3)",
        )
    })
}

/// The days a school holds sessions (s.579): weekdays in a term and not closed. With no terms
/// entered there are no known school days: a school-day period is refused, naming what to enter,
/// never guessed (issue 15, 7).
#[derive(Clone, Debug, Default)]
pub struct SchoolCalendar {
    pub terms: Vec<(NaiveDate, NaiveDate)>,
    pub closures: Vec<(NaiveDate, NaiveDate)>,
}

impl SchoolCalendar {
    pub fn is_school_day(&self, d: NaiveDate) -> bool {
        let within = |(s, e): &(NaiveDate, NaiveDate)| *s <= d && d <= *e;
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            && self.terms.iter().any(within)
            && !self.closures.iter().any(within)
    }

    /// The last of `n` school days beginning with `day`, or with the next school day when `day` is
    /// not one. None when the calendar runs out (no terms entered that far ahead).
    pub fn school_days_beginning_with(&self, day: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut d = day;
        let mut counted = 0;
        // Two years of days is far more than any holiday; beyond that the calendar is missing.
        for _ in 0..730 {
            if self.is_school_day(d) {
                counted += 1;
                if counted == n {
                    return Some(d);
                }
            }
            d = d.succ_opt()?;
        }
        None
    }
}

/// s.436N(4)–(5): the school (or admission authority) may apply to the Secretary of State within
/// 10 school days beginning with the day of service, or with the next school day if served on a
/// day that is not one. Today's s.439(7): 15 days beginning with the day the notice is received.
pub fn objection_window_end(
    regime: Regime,
    served_on: NaiveDate,
    calendar: &SchoolCalendar,
) -> Result<Deadline, String> {
    match regime {
        Regime::New if calendar.terms.is_empty() => Err("No term dates are entered for this school or for the council, so its 10 school days cannot be counted: enter the school's term calendar, or the council's, under Administration → Term calendars (s.436N(5), s.579)".to_string()),
        Regime::New => calendar
            .school_days_beginning_with(served_on, 10)
            .map(|on| {
                let rule = if calendar.is_school_day(served_on) {
                    "10 school days beginning with the day of service — s.436N(5)"
                } else {
                    "10 school days beginning with the next school day after service on a non-school day — s.436N(5)"
                };
                deadline(on, rule)
            })
            .ok_or_else(|| {
                "The school's term dates do not reach 10 school days after the notice: enter its term calendar (s.436N(5), s.579)".to_string()
            }),
        Regime::Current => Ok(deadline(
            beginning_with(served_on, 15),
            "15 days beginning with the day the governing body received the notice — s.439(7)",
        )),
    }
}

/// s.436N(6)–(7): the school nomination notice within 5 days beginning with the day after the
/// objection window ends, or after the Secretary of State's direction. Today's s.438 sets none.
pub fn nomination_notice_due(
    regime: Regime,
    after: NaiveDate,
    direction: bool,
) -> Option<Deadline> {
    (regime == Regime::New).then(|| {
        let start = after.succ_opt().unwrap_or(after);
        deadline(
            beginning_with(start, 5),
            if direction {
                "5 days beginning with the day after the Secretary of State's direction — s.436N(7)"
            } else {
                "5 days beginning with the day after the school's objection window ended — s.436N(6)"
            },
        )
    })
}

/// s.436L(3) / s.438(3)–(4): the parent's 15 days, beginning with the day of service, to choose a
/// listed alternative or secure a place elsewhere.
pub fn parent_choice_end(regime: Regime, served_on: NaiveDate) -> Deadline {
    deadline(
        beginning_with(served_on, 15),
        match regime {
            Regime::New => "15 days beginning with the day of service — s.436L(3)",
            Regime::Current => "15 days beginning with the day of service — s.438(3)",
        },
    )
}

/// Whether a notice the Act says to serve within a period was served in it (law.md §8 rows 15, 17,
/// 19, 20 and 22: ss.436H(10)(b), 436N(3), 436N(6), 436I(6)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceTiming {
    /// Served on or before the last day.
    InTime,
    /// Served this many days after the last day.
    Late(i64),
    /// Not served, and the last day has passed by this many days.
    Overdue(i64),
    /// Not served; this many days are left, the last day included (warned at 2 or fewer).
    DueSoon(i64),
    /// Not served, with more time than that.
    Waiting,
}

pub fn service_timing(
    due: NaiveDate,
    served_on: Option<NaiveDate>,
    today: NaiveDate,
) -> ServiceTiming {
    match served_on {
        Some(s) if s <= due => ServiceTiming::InTime,
        Some(s) => ServiceTiming::Late((s - due).num_days()),
        None if today > due => ServiceTiming::Overdue((today - due).num_days()),
        None if (due - today).num_days() < 2 => {
            ServiceTiming::DueSoon((due - today).num_days() + 1)
        }
        None => ServiceTiming::Waiting,
    }
}

/// s.436L(3)–(6) / s.438(3)–(6): a parent's choice counts when they applied to (or chose) the
/// school within their 15 days; the school's offer may come after the window has closed, and the
/// order must then name it.
pub fn choice_in_time(
    regime: Regime,
    nomination_served_on: NaiveDate,
    applied_on: NaiveDate,
) -> Result<(), String> {
    let end = parent_choice_end(regime, nomination_served_on);
    if applied_on > end.on {
        return Err(format!(
            "The parent applied after their window ended on {} ({}): the council may name the school it chose",
            fmt(end.on),
            end.rule
        ));
    }
    if applied_on < nomination_served_on {
        return Err(format!(
            "The parent's window began on {}, the day the school nomination notice was served: enter the date they applied within it",
            fmt(nomination_served_on)
        ));
    }
    Ok(())
}

/// s.436I(6), (8)–(9): serve the order, and tell the school, within 5 days beginning with the day
/// the council determines the school. Today's s.437(3) sets no period.
pub fn order_due(regime: Regime, determined_on: NaiveDate) -> Option<Deadline> {
    (regime == Regime::New).then(|| {
        deadline(
            beginning_with(determined_on, 5),
            "5 days beginning with the day the school was determined — s.436I(6)",
        )
    })
}

/// s.572: an email is served on the day it is sent, in England's local time. Dates, not
/// instants, carry the clocks, so the change to and from summer time moves nothing.
pub use crate::clock::local_date;

/// Condition B's social care side (s.436H(5), s.436I(2), s.436P(2)): one section 47 enquiry or
/// s.47(8) action (a child protection plan) as the cross-check knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section47 {
    /// Which record and episode: the same episode keeps its key across feeds.
    pub key: String,
    pub episode: crate::domain::safeguarding::Episode,
}

impl Section47 {
    /// Whether it gives condition B on `on`, or may (an outcome not known counts: nothing is
    /// decided against the child on a gap in the data).
    pub fn condition_b_on(&self, on: NaiveDate) -> bool {
        crate::domain::safeguarding::condition_b(&self.episode, on).is_some()
    }
}

/// s.436I(2) and s.436P(2): the enquiries or action the case relied on have all ended (by
/// `today`), and the council knows of no other enquiry or action now or in the five years ending
/// with `look_back_to`. For the bar on serving an order (s.436I(2)) that day is today; for the
/// mandatory revocation (s.436P(2)(c)) it is the day the order was made, so an unrelated plan
/// that ended within the five years before the order keeps it in force however long ago that is
/// now. Another enquiry that ended with no further action is not "other enquiries or action"
/// that keep condition B alive.
pub fn section47_involvement_ended(
    relied_on: &[String],
    known: &[Section47],
    today: NaiveDate,
    look_back_to: NaiveDate,
) -> bool {
    let relied_ended = relied_on.iter().all(|k| {
        known
            .iter()
            .find(|e| &e.key == k)
            // A record the feed no longer holds has nothing open on it.
            .is_none_or(|e| e.episode.end.is_some_and(|end| end <= today))
    });
    // "Not aware of" other enquiries or action (s.436I(2)(c), s.436P(2)(c)): only what is known
    // to be enquiries or action counts; an enquiry whose outcome is not known is not known action
    // (the case page shows it, for the officer to find out). Action after the order was made
    // counts only while it is still being taken.
    let other_recent = known
        .iter()
        .filter(|e| !relied_on.contains(&e.key))
        .any(|e| {
            use crate::domain::safeguarding::{condition_b, ConditionB};
            condition_b(&e.episode, look_back_to).is_some_and(ConditionB::met)
                || matches!(
                    condition_b(&e.episode, today),
                    Some(ConditionB::EnquiriesBeingMade | ConditionB::ActionBeingTaken)
                )
        });
    !relied_on.is_empty() && relied_ended && !other_recent
}

/// What a case has reached, as the steps below need it. Service dates are the days the notices
/// count as served (s.572): None while any copy waits to be posted.
#[derive(Clone, Debug)]
pub struct Facts {
    pub regime: Regime,
    pub stage: Stage,
    pub conditions: Vec<String>,
    pub requirements_met_on: NaiveDate,
    pub response_days: u32,
    pub preliminary_served_on: Option<NaiveDate>,
    pub consulted: bool,
    pub school_notice_served_on: Option<NaiveDate>,
    pub objection_applied_on: Option<NaiveDate>,
    pub direction_on: Option<NaiveDate>,
    pub nomination_served_on: Option<NaiveDate>,
    pub place_secured: bool,
    pub determined_on: Option<NaiveDate>,
    pub order_served_on: Option<NaiveDate>,
    /// s.436J: the child's EHC plan names a school, which replaces choosing one.
    pub ehc_plan_school: bool,
    /// s.436I(2) / s.436P(2), from the linked social care records.
    pub section47_ended: bool,
    /// The last day of the child's compulsory school age (s.8): an order lasts no longer
    /// (s.436I(7); s.437(4)).
    pub school_age_ends_on: Option<NaiveDate>,
    /// The same, with the five years ending on the day the order was made (s.436P(2)(c));
    /// `section47_ended` until an order is made.
    pub section47_ended_since_order: bool,
    /// s.436I(2)(a)(ii): found at the evaluation.
    pub suitable_education_shown: bool,
    /// s.436J(3): the child's EHC plan names no school.
    pub ehc_plan_no_school: bool,
    pub objection_window: Option<Result<Deadline, String>>,
}

impl Facts {
    pub fn condition_b_only(&self) -> bool {
        self.conditions.iter().all(|c| c == "B") && !self.conditions.is_empty()
    }

    /// Condition B cited together with another condition, under the new law.
    pub fn condition_b_with_another(&self) -> bool {
        self.regime == Regime::New
            && self.conditions.iter().any(|c| c == "B")
            && !self.condition_b_only()
    }

    /// s.436I(2): an order must not be served where (a)(i) condition B was the only condition
    /// cited, or (a)(ii) B with another and the parent showed suitable education; and (b)–(c) the
    /// section 47 involvement has ended with no other known now or in the last five years.
    /// `suitable_education_shown` as found at the evaluation.
    pub fn order_barred(&self, suitable_education_shown: bool) -> bool {
        self.regime == Regime::New
            && self.section47_ended
            && (self.condition_b_only()
                || (self.condition_b_with_another() && suitable_education_shown))
    }

    pub fn response_end(&self) -> Option<Deadline> {
        self.preliminary_served_on
            .map(|s| response_period_end(self.regime, s, self.response_days))
    }

    /// The next date the council must act by, or the parent's or school's window it waits on.
    pub fn next_deadline(&self, today: NaiveDate) -> Option<(&'static str, Deadline)> {
        self.open_clocks(today)
            .into_iter()
            .min_by_key(|(_, d)| d.on)
    }

    /// Every clock running on the case on `today` (law.md §8 rows 15–23; rows 25–27 under
    /// today's law), so the deadlines list and the reminders never go quiet.
    pub fn open_clocks(&self, today: NaiveDate) -> Vec<(&'static str, Deadline)> {
        let mut out: Vec<(&'static str, Deadline)> = self.stage_clock(today).into_iter().collect();
        if matches!(self.stage, Stage::InForce) {
            if let Some(end) = self.school_age_ends_on {
                out.push((
                    "The order ends with the child's compulsory school age",
                    deadline(
                        end,
                        match self.regime {
                            Regime::New => "the last day of compulsory school age — s.436I(7)",
                            Regime::Current => "the last day of compulsory school age — s.437(4)",
                        },
                    ),
                ));
            }
        }
        out
    }

    fn stage_clock(&self, today: NaiveDate) -> Option<(&'static str, Deadline)> {
        match self.stage {
            Stage::Considering => preliminary_notice_due(self.regime, self.requirements_met_on)
                .map(|d| ("Serve the preliminary notice", d)),
            Stage::PreliminaryNotice => self
                .response_end()
                .map(|d| ("The parent's period to satisfy the council ends", d)),
            Stage::SchoolSelection => self
                .response_end()
                .and_then(|e| school_notice_due(self.regime, e.on))
                .map(|d| ("Serve notice of the decision on the school", d)),
            Stage::SchoolNotified if self.direction_on.is_some() => self
                .direction_on
                .and_then(|d| nomination_notice_due(self.regime, d, true))
                .map(|d| ("Serve the school nomination notice", d)),
            Stage::SchoolNotified => match &self.objection_window {
                // s.436N(6): the window ended with no application: the nomination notice is due.
                Some(Ok(d)) if today > d.on && self.regime == Regime::New => {
                    nomination_notice_due(self.regime, d.on, false)
                        .map(|n| ("Serve the school nomination notice", n))
                }
                Some(Ok(d)) => Some((
                    "The school's window to apply to the Secretary of State ends",
                    d.clone(),
                )),
                _ => None,
            },
            Stage::Nomination => self.nomination_served_on.map(|s| {
                (
                    "The parent's 15 days to choose a school end",
                    parent_choice_end(self.regime, s),
                )
            }),
            Stage::SchoolDetermined => self
                .determined_on
                .and_then(|d| order_due(self.regime, d))
                .map(|d| ("Serve the order and tell the school", d)),
            _ => None,
        }
    }
}

/// The steps an officer takes on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    ServePreliminaryNotice,
    RecordHomeVisit,
    Evaluate,
    RecordConsultation,
    ServeSchoolNotice,
    RecordObjection,
    RecordDirection,
    ServeNomination,
    RecordParentChoice,
    DetermineSchool,
    ServeOrder,
    Amend,
    RevokeOnRequest,
    RevokeMandatory,
    ReferForProsecution,
    RecordProsecutionOutcome,
    RefuseRevocation,
    RecordRevocationReferral,
}

fn fmt(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn not_served(what: &str) -> String {
    format!("The {what} has no date of service yet: an email counts as served when the mail server accepts it, a posted or delivered one when you record its service. Its clock starts on the day it was served (s.572)")
}

/// Whether `step` may be taken on `today`, or the rule that blocks it.
pub fn may(f: &Facts, step: Step, today: NaiveDate) -> Result<(), String> {
    let at = |stages: &[Stage], what: &str| -> Result<(), String> {
        if stages.contains(&f.stage) {
            Ok(())
        } else {
            Err(format!(
                "{what} cannot be done now: the case is at \"{}\".",
                stage_label(f.regime, f.stage)
            ))
        }
    };
    match step {
        Step::ServePreliminaryNotice => {
            at(&[Stage::Considering], "Serving the preliminary notice")?;
            if f.conditions.is_empty() {
                return Err(
                    "Choose the conditions the notice relies on: it must state them (s.436H(3))."
                        .into(),
                );
            }
            if let Some(c) = f
                .conditions
                .iter()
                .find(|c| !conditions_allowed(f.regime).contains(&c.as_str()))
            {
                return Err(format!("Condition {c} is not part of {}: today's s.437(1) rests only on the child not receiving suitable education.", f.regime.name()));
            }
            Ok(())
        }
        Step::RecordHomeVisit => {
            if f.regime == Regime::Current {
                return Err("Today's law (ss.437–443) has no request to visit the child at home; record it as a note on the case. Sections 436H(8)(b) and 436I(3)(c) bring it in with the new process.".into());
            }
            at(
                &[Stage::Considering, Stage::PreliminaryNotice],
                "Recording a home-visit request",
            )
        }
        Step::Evaluate => {
            at(
                &[Stage::PreliminaryNotice],
                "Deciding whether the parent satisfied the council",
            )?;
            let end = f
                .response_end()
                .ok_or_else(|| not_served("preliminary notice"))?;
            if today <= end.on {
                return Err(format!(
                    "The parent has until {} to satisfy the council ({}). Decide after that day.",
                    fmt(end.on),
                    end.rule
                ));
            }
            Ok(())
        }
        Step::RecordConsultation => at(&[Stage::SchoolSelection], "Recording the consultation"),
        Step::ServeSchoolNotice => {
            at(&[Stage::SchoolSelection], "Serving notice on the school")?;
            if !f.consulted {
                return Err("Consult the school's governing body (or the Academy's proprietor), and the admission authority if it is another council, before deciding to name it (s.436N(1); s.439(2)).".into());
            }
            Ok(())
        }
        Step::RecordObjection => {
            at(
                &[Stage::SchoolNotified],
                "Recording an application to the Secretary of State",
            )?;
            f.school_notice_served_on
                .ok_or_else(|| not_served("notice to the school"))?;
            Ok(())
        }
        Step::RecordDirection => at(
            &[Stage::DirectionPending],
            "Recording the Secretary of State's direction",
        ),
        Step::ServeNomination => {
            at(
                &[Stage::SchoolNotified, Stage::DirectionPending],
                "Serving the school nomination notice",
            )?;
            if f.stage == Stage::DirectionPending {
                return Err("The school applied to the Secretary of State: record the direction first; the school it names is the one to nominate (s.436N(7)).".into());
            }
            if f.ehc_plan_no_school {
                return Err("The child's EHC plan names no school: no school nomination notice is served (s.436L(1)). The plan is amended to name a school, and the order names it (s.436J(3)); record the school in the case.".into());
            }
            f.school_notice_served_on
                .ok_or_else(|| not_served("notice to the school"))?;
            if f.direction_on.is_some() {
                // s.436N(7): the direction settles the school; the window no longer matters.
                return Ok(());
            }
            match &f.objection_window {
                Some(Ok(w)) if today <= w.on => Err(format!(
                    "The school has until {} to apply to the Secretary of State ({}). Serve the nomination notice after that day.",
                    fmt(w.on),
                    w.rule
                )),
                Some(Err(e)) => Err(e.clone()),
                _ => Ok(()),
            }
        }
        Step::RecordParentChoice => {
            // Whether the choice was in time turns on the day the parent applied, not on today
            // (`choice_in_time`): an offer may come after the 15 days.
            at(&[Stage::Nomination], "Recording the parent's choice")?;
            f.nomination_served_on
                .ok_or_else(|| not_served("school nomination notice"))?;
            Ok(())
        }
        Step::DetermineSchool => {
            at(&[Stage::Nomination], "Determining the school")?;
            let s = f
                .nomination_served_on
                .ok_or_else(|| not_served("school nomination notice"))?;
            let end = parent_choice_end(f.regime, s);
            if today <= end.on && !f.place_secured {
                return Err(format!(
                    "The parent has until {} to choose a school or secure a place ({}).",
                    fmt(end.on),
                    end.rule
                ));
            }
            Ok(())
        }
        Step::ServeOrder => {
            at(&[Stage::SchoolDetermined], "Serving the order")?;
            if let Some(end) = f.school_age_ends_on.filter(|e| today > *e) {
                return Err(format!(
                    "The child's compulsory school age ended on {}: no order can be served (s.436I(7); s.437(4)).",
                    fmt(end)
                ));
            }
            if f.order_barred(f.suitable_education_shown) {
                return Err("An order must not be served: condition B was the only condition (or the parent showed suitable education), and the section 47 enquiries or action have ended, with none other known in the last 5 years (s.436I(2)).".into());
            }
            Ok(())
        }
        Step::Amend => {
            // s.436O: "at any time" while the order is in force, a referral included.
            at(&[Stage::InForce, Stage::Referred], "Amending the order")?;
            if f.ehc_plan_school || f.ehc_plan_no_school {
                return Err("The child has an EHC plan: the order names the school the plan names, so it changes only when the plan does (s.436J), not on the parent's request (s.436O).".into());
            }
            f.order_served_on.ok_or_else(|| not_served("order"))?;
            Ok(())
        }
        Step::RevokeOnRequest => {
            at(&[Stage::InForce, Stage::Referred], "Revoking the order")?;
            if f.ehc_plan_school {
                return Err("The child's EHC plan names the school, so the order cannot be revoked on request (s.436P).".into());
            }
            Ok(())
        }
        Step::RevokeMandatory => {
            at(&[Stage::InForce, Stage::Referred], "Revoking the order")?;
            if !(f.regime == Regime::New && f.condition_b_only()) {
                return Err("Revocation is mandatory only for an order that followed a notice relying on condition B alone (s.436P(2)).".into());
            }
            if !f.section47_ended_since_order {
                return Err("The section 47 enquiries or action the case relied on have not ended, or another is known now or in the 5 years ending with the day the order was made (s.436P(2)).".into());
            }
            Ok(())
        }
        Step::RecordProsecutionOutcome => at(&[Stage::Referred], "Recording what the court did"),
        Step::RefuseRevocation | Step::RecordRevocationReferral => {
            at(
                &[Stage::InForce, Stage::Referred],
                "Answering a request to revoke the order",
            )?;
            if f.ehc_plan_school {
                return Err("The child's EHC plan names the school, so the order cannot be revoked on request (s.436P).".into());
            }
            Ok(())
        }
        Step::ReferForProsecution => {
            at(&[Stage::InForce], "Referring for prosecution")?;
            if let Some(end) = order_ended(f, today) {
                return Err(end);
            }
            f.order_served_on.ok_or_else(|| not_served("order"))?;
            if f.regime == Regime::New && f.condition_b_only() && f.section47_ended_since_order {
                return Err("Condition B is no longer met and the order must be revoked (s.436P(2)); it is also a defence (s.436Q).".into());
            }
            Ok(())
        }
    }
}

crate::text_enum! {
    /// What came of a referral for prosecution (s.436Q; s.443; s.447).
    pub enum ProsecutionOutcome {
        Convicted = "convicted" => "Convicted. The order stays in force; if the failure continues it can be referred again (s.436Q(5))",
        Acquitted = "acquitted" => "Acquitted. The court did not direct that the order ends: it stays in force",
        AcquittedOrderEnds = "acquitted_order_ends" => "Acquitted, and the court directed that the order ceases to be in force (s.436Q(6); s.443(2))",
        EsoOrderEnds = "eso_order_ends" => "The court could not make an education supervision order and directed that the order ceases to be in force (s.447(5))",
        Withdrawn = "withdrawn" => "The prosecution was withdrawn or not brought",
    }
}

crate::text_enum! {
    /// The Secretary of State's answer to a parent's referral of a refusal to revoke
    /// (s.436P(5); s.442(4)).
    pub enum RevocationReferral {
        Pending = "pending" => "Referred: waiting for the Secretary of State",
        Upheld = "upheld" => "The Secretary of State upheld the refusal: the order stays in force",
        DirectedRevocation = "directed_revocation" => "The Secretary of State directed the council to revoke the order",
    }
}

/// Where a case goes after the court (s.436Q(5)–(6); s.443(2); s.447(5)): an order the court
/// ended closes the case; otherwise it is in force again, and a continuing failure can be
/// referred afresh.
pub fn after_prosecution(outcome: ProsecutionOutcome) -> Stage {
    match outcome {
        ProsecutionOutcome::AcquittedOrderEnds | ProsecutionOutcome::EsoOrderEnds => Stage::Ended,
        _ => Stage::InForce,
    }
}

/// s.436I(7) / s.437(4): an order lasts while the child is of compulsory school age. After the
/// last day of it the order has ended: nothing can be referred under it. Why, or None while it
/// lasts.
pub fn order_ended(f: &Facts, today: NaiveDate) -> Option<String> {
    let end = f.school_age_ends_on?;
    (today > end).then(|| {
        format!(
            "The order ended on {}, the last day of the child's compulsory school age ({}): it can no longer be breached or referred for prosecution.",
            fmt(end),
            match f.regime {
                Regime::New => "s.436I(7)",
                Regime::Current => "s.437(4)",
            }
        )
    })
}

crate::text_enum! {
    /// The council's decision at the end of the parent's period (s.436I(1)–(4); s.437(3)).
    pub enum Evaluation {
        Failed = "failed" => "The parent has not satisfied the council, and it is expedient that the child attend school",
        /// s.436I(2)(a)(ii): suitable education shown, but not that it is in the child's best
        /// interests (condition B).
        NotBestInterests = "not_best_interests" => "The child is receiving suitable education, but the parent has not shown it is in the child's best interests (condition B), and it is expedient that the child attend school",
        Satisfied = "satisfied" => "The parent has satisfied the council",
        NotExpedient = "not_expedient" => "Not satisfied, but it is not expedient that the child attend school",
    }
}

/// The decisions open on this case: "suitable but not in the best interests" only where
/// condition B was cited with another under the new law.
pub fn evaluations(f: &Facts) -> Vec<Evaluation> {
    Evaluation::ALL
        .iter()
        .copied()
        .filter(|e| *e != Evaluation::NotBestInterests || f.condition_b_with_another())
        .collect()
}

/// Where an evaluation goes (s.436I(1)–(4); s.437(3)).
pub fn after_evaluation(f: &Facts, outcome: Evaluation) -> Stage {
    let shown = outcome == Evaluation::NotBestInterests;
    match outcome {
        Evaluation::Satisfied => Stage::Satisfied,
        Evaluation::NotExpedient => Stage::NotExpedient,
        _ if f.order_barred(shown) => Stage::Barred,
        _ if f.ehc_plan_school => Stage::SchoolDetermined,
        _ => Stage::SchoolSelection,
    }
}

/// The offence and its penalty, for the prosecution file.
pub fn offence(regime: Regime) -> &'static str {
    match regime {
        Regime::New => "Failure to comply with a school attendance order: EA 1996 s.436Q. Summary only; imprisonment up to the maximum term for summary offences, a fine up to level 4, or both. A continuing offence.",
        Regime::Current => "Failure to comply with a school attendance order: EA 1996 s.443. Summary only; a fine up to level 3.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(stage: &str) -> Facts {
        let stage = Stage::parse(stage).unwrap();
        Facts {
            regime: Regime::New,
            stage,
            conditions: vec!["A".into()],
            requirements_met_on: d(2027, 3, 1),
            response_days: 15,
            preliminary_served_on: None,
            consulted: false,
            school_notice_served_on: None,
            objection_applied_on: None,
            direction_on: None,
            nomination_served_on: None,
            place_secured: false,
            determined_on: None,
            order_served_on: None,
            ehc_plan_school: false,
            section47_ended: false,
            section47_ended_since_order: false,
            suitable_education_shown: false,
            ehc_plan_no_school: false,
            school_age_ends_on: None,
            objection_window: None,
        }
    }

    #[test]
    fn cwsa_s78_cases_follow_the_regime_in_force_when_opened() {
        let c = Some(d(2027, 9, 1));
        assert_eq!(regime_for(d(2027, 8, 31), c), Regime::Current);
        assert_eq!(regime_for(d(2027, 9, 1), c), Regime::New);
        assert_eq!(regime_for(d(2030, 1, 1), None), Regime::Current);
    }

    #[test]
    fn s436h_10_b_preliminary_notice_within_5_days_across_a_month_end() {
        let due = preliminary_notice_due(Regime::New, d(2027, 1, 29)).unwrap();
        assert_eq!(due.on, d(2027, 2, 2));
        assert!(due.rule.contains("s.436H(10)(b)"));
        assert_eq!(
            preliminary_notice_due(Regime::Current, d(2027, 1, 29)),
            None
        );
    }

    #[test]
    fn s436h_10_c_response_period_counts_the_day_of_service_in_a_leap_year() {
        // Served 15 February 2028 (a leap year): 15 days end on 29 February.
        let end = response_period_end(Regime::New, d(2028, 2, 15), 15);
        assert_eq!(end.on, d(2028, 2, 29));
        assert_eq!(
            end.rule,
            "15 days beginning with the day of service — s.436H(10)(c)"
        );
        // In 2027 the same service ends on 1 March.
        assert_eq!(
            response_period_end(Regime::New, d(2027, 2, 15), 15).on,
            d(2027, 3, 1)
        );
        assert!(response_period_end(Regime::Current, d(2027, 2, 15), 15)
            .rule
            .contains("s.437(2)"));
    }

    #[test]
    fn s436h_10_c_clock_changes_do_not_move_dates() {
        // Clocks go forward at 01:00 UTC on 28 March 2027 and back on 31 October 2027.
        let served = local_date(d(2027, 3, 27).and_hms_opt(23, 30, 0).unwrap());
        assert_eq!(served, d(2027, 3, 27), "still GMT");
        let served = local_date(d(2027, 3, 28).and_hms_opt(23, 30, 0).unwrap());
        assert_eq!(served, d(2027, 3, 29), "00:30 BST is the next day");
        let served = local_date(d(2027, 10, 30).and_hms_opt(23, 30, 0).unwrap());
        assert_eq!(
            served,
            d(2027, 10, 31),
            "00:30 BST on the day the clocks go back"
        );
        assert_eq!(
            response_period_end(Regime::New, d(2027, 3, 20), 15).on,
            d(2027, 4, 3)
        );
        assert_eq!(
            response_period_end(Regime::New, d(2027, 10, 25), 15).on,
            d(2027, 11, 8)
        );
    }

    #[test]
    fn s436n_3_school_notice_within_15_days_of_expiry() {
        let due = school_notice_due(Regime::New, d(2027, 12, 20)).unwrap();
        assert_eq!(due.on, d(2028, 1, 3));
        assert!(due.rule.contains("s.436N(3)"));
        assert_eq!(school_notice_due(Regime::Current, d(2027, 12, 20)), None);
    }

    fn calendar() -> SchoolCalendar {
        SchoolCalendar {
            terms: vec![
                (d(2027, 9, 1), d(2027, 12, 17)),
                (d(2028, 1, 4), d(2028, 3, 31)),
            ],
            closures: vec![(d(2027, 10, 25), d(2027, 10, 29))],
        }
    }

    #[test]
    fn s436n_5_ten_school_days_skip_weekends_and_half_term() {
        let cal = calendar();
        // Served Monday 18 October 2027: 18–22 Oct is 5 days, half term 25–29, then 1–5 Nov.
        let w = objection_window_end(Regime::New, d(2027, 10, 18), &cal).unwrap();
        assert_eq!(w.on, d(2027, 11, 5));
        assert!(w
            .rule
            .starts_with("10 school days beginning with the day of service"));
    }

    #[test]
    fn s436n_5_service_on_a_non_school_day_starts_with_the_next_school_day() {
        let cal = calendar();
        // Served Saturday 11 December: school days 13–17 Dec, then 4–8 Jan 2028.
        let w = objection_window_end(Regime::New, d(2027, 12, 11), &cal).unwrap();
        assert_eq!(w.on, d(2028, 1, 10));
        assert!(w.rule.contains("next school day"));
        // Served in the Christmas holiday: the window begins on 4 January.
        let w = objection_window_end(Regime::New, d(2027, 12, 24), &cal).unwrap();
        assert_eq!(w.on, d(2028, 1, 17));
    }

    #[test]
    fn s436n_5_a_calendar_that_runs_out_is_refused_not_guessed() {
        let cal = calendar();
        let e = objection_window_end(Regime::New, d(2028, 3, 27), &cal).unwrap_err();
        assert!(e.contains("term calendar"));
        // No terms at all: refused, naming what to enter, never every weekday (issue 15, 7).
        // Notice served 21 Dec 2026 with no calendar: before, a window ending 1 Jan 2027.
        let e = objection_window_end(Regime::New, d(2026, 12, 21), &SchoolCalendar::default())
            .unwrap_err();
        assert!(
            e.contains("No term dates are entered") && e.contains("s.579"),
            "{e}"
        );
        // Today's law counts calendar days, so it needs no calendar (s.439(7)).
        assert!(
            objection_window_end(Regime::Current, d(2026, 12, 21), &SchoolCalendar::default())
                .is_ok()
        );
    }

    #[test]
    fn s439_7_current_law_gives_the_governing_body_15_calendar_days() {
        let w = objection_window_end(Regime::Current, d(2027, 12, 24), &calendar()).unwrap();
        assert_eq!(w.on, d(2028, 1, 7));
        assert!(w.rule.contains("s.439(7)"));
    }

    #[test]
    fn s436n_6_and_7_nomination_within_5_days_from_the_next_day() {
        let n = nomination_notice_due(Regime::New, d(2027, 2, 26), false).unwrap();
        assert_eq!(n.on, d(2027, 3, 3));
        assert!(n.rule.contains("s.436N(6)"));
        let n = nomination_notice_due(Regime::New, d(2028, 2, 26), true).unwrap();
        assert_eq!(n.on, d(2028, 3, 2), "29 February 2028 counts");
        assert!(n.rule.contains("s.436N(7)"));
    }

    #[test]
    fn s436l_3_and_s436i_6_parent_choice_then_order() {
        assert_eq!(
            parent_choice_end(Regime::New, d(2027, 1, 20)).on,
            d(2027, 2, 3)
        );
        assert!(parent_choice_end(Regime::Current, d(2027, 1, 20))
            .rule
            .contains("s.438(3)"));
        assert_eq!(
            order_due(Regime::New, d(2027, 4, 28)).unwrap().on,
            d(2027, 5, 2)
        );
        assert_eq!(order_due(Regime::Current, d(2027, 4, 28)), None);
    }

    #[test]
    fn s436h_3_notice_must_state_conditions_and_s437_has_only_a() {
        let mut f = facts("considering");
        f.conditions.clear();
        assert!(may(&f, Step::ServePreliminaryNotice, d(2027, 3, 1))
            .unwrap_err()
            .contains("s.436H(3)"));
        f.conditions = vec!["D".into()];
        f.regime = Regime::Current;
        assert!(may(&f, Step::ServePreliminaryNotice, d(2027, 3, 1))
            .unwrap_err()
            .contains("s.437(1)"));
        f.regime = Regime::New;
        assert!(may(&f, Step::ServePreliminaryNotice, d(2027, 3, 1)).is_ok());
        assert!(!duty_to_serve(&f.conditions), "C and D permit, not oblige");
        assert!(duty_to_serve(&["B".to_string()]));
    }

    #[test]
    fn s436h_10_c_no_evaluation_before_service_or_inside_the_period() {
        let mut f = facts("preliminary_notice");
        let e = may(&f, Step::Evaluate, d(2027, 3, 10)).unwrap_err();
        assert!(e.contains("s.572"), "{e}");
        f.preliminary_served_on = Some(d(2027, 3, 2));
        let e = may(&f, Step::Evaluate, d(2027, 3, 16)).unwrap_err();
        assert!(
            e.contains("16 March 2027") && e.contains("s.436H(10)(c)"),
            "{e}"
        );
        assert!(may(&f, Step::Evaluate, d(2027, 3, 17)).is_ok());
        // Out of order: an order cannot be served at this stage.
        assert!(may(&f, Step::ServeOrder, d(2027, 3, 17))
            .unwrap_err()
            .contains("cannot be done now"));
    }

    #[test]
    fn s436n_1_consult_before_notifying_the_school() {
        let mut f = facts("school_selection");
        assert!(may(&f, Step::ServeSchoolNotice, d(2027, 4, 1))
            .unwrap_err()
            .contains("s.436N(1)"));
        f.consulted = true;
        assert!(may(&f, Step::ServeSchoolNotice, d(2027, 4, 1)).is_ok());
    }

    #[test]
    fn s436n_5_nomination_waits_for_the_objection_window() {
        let mut f = facts("school_notified");
        f.school_notice_served_on = Some(d(2027, 10, 18));
        f.objection_window = Some(objection_window_end(
            Regime::New,
            d(2027, 10, 18),
            &calendar(),
        ));
        let e = may(&f, Step::ServeNomination, d(2027, 11, 5)).unwrap_err();
        assert!(
            e.contains("5 November 2027") && e.contains("s.436N(5)"),
            "{e}"
        );
        assert!(may(&f, Step::ServeNomination, d(2027, 11, 6)).is_ok());
        f.stage = Stage::DirectionPending;
        assert!(may(&f, Step::ServeNomination, d(2027, 11, 6))
            .unwrap_err()
            .contains("s.436N(7)"));
        // Once the direction is given, the nomination notice may go at once.
        f.stage = Stage::SchoolNotified;
        f.direction_on = Some(d(2027, 10, 25));
        assert!(may(&f, Step::ServeNomination, d(2027, 10, 26)).is_ok());
    }

    #[test]
    fn s436l_3_choices_inside_the_window_and_determination_after_it() {
        let mut f = facts("nomination");
        f.nomination_served_on = Some(d(2027, 1, 20));
        assert!(may(&f, Step::RecordParentChoice, d(2027, 2, 3)).is_ok());
        // Recording a choice after the window is open: `choice_in_time` judges the day the
        // parent applied (issue 15, 8).
        assert!(may(&f, Step::RecordParentChoice, d(2027, 2, 4)).is_ok());
        assert!(may(&f, Step::DetermineSchool, d(2027, 2, 3))
            .unwrap_err()
            .contains("3 February 2027"));
        f.place_secured = true;
        assert!(
            may(&f, Step::DetermineSchool, d(2027, 2, 3)).is_ok(),
            "a place offered is named at once"
        );
    }

    /// An episode keyed as the store keys it ("record:kind:start").
    fn s47_episode(
        key: &str,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> crate::domain::safeguarding::Episode {
        use crate::domain::safeguarding::EpisodeKind;
        let kind = if key.contains(":cp_plan:") {
            EpisodeKind::ChildProtectionPlan
        } else {
            EpisodeKind::Section47
        };
        crate::domain::safeguarding::Episode::new(kind, start, end)
    }

    #[test]
    fn s436i_2_condition_b_alone_bars_an_order_once_s47_ends() {
        use Evaluation::*;
        let mut f = facts("preliminary_notice");
        f.conditions = vec!["B".into()];
        f.section47_ended = true;
        assert_eq!(after_evaluation(&f, Failed), Stage::Barred);
        f.conditions.push("A".into());
        assert_eq!(after_evaluation(&f, Failed), Stage::SchoolSelection);
        f.ehc_plan_school = true;
        assert_eq!(
            after_evaluation(&f, Failed),
            Stage::SchoolDetermined,
            "s.436J"
        );
        assert_eq!(after_evaluation(&f, Satisfied), Stage::Satisfied);
    }

    #[test]
    fn s436j_3_an_ehc_plan_naming_no_school_gets_no_nomination_notice() {
        let mut f = facts("school_notified");
        f.school_notice_served_on = Some(d(2027, 1, 4));
        f.direction_on = Some(d(2027, 1, 10));
        assert!(may(&f, Step::ServeNomination, d(2027, 1, 11)).is_ok());
        f.ehc_plan_no_school = true;
        let e = may(&f, Step::ServeNomination, d(2027, 1, 11)).unwrap_err();
        assert!(e.contains("s.436L(1)") && e.contains("s.436J(3)"), "{e}");
        // An order for a child with an EHC plan is not amended on request.
        let mut f = facts("in_force");
        f.order_served_on = Some(d(2027, 2, 1));
        assert!(may(&f, Step::Amend, d(2027, 2, 2)).is_ok());
        f.ehc_plan_school = true;
        assert!(may(&f, Step::Amend, d(2027, 2, 2))
            .unwrap_err()
            .contains("s.436J"));
    }

    #[test]
    fn s436n_6_after_the_window_the_nomination_notice_clock_runs() {
        // The school's window ends Friday 15 January 2027 with no application: the nomination
        // notice is due within 5 days beginning with Saturday 16th, so by Wednesday 20th.
        let mut f = facts("school_notified");
        f.objection_window = Some(Ok(Deadline {
            on: d(2027, 1, 15),
            rule: "10 school days — s.436N(5)".into(),
        }));
        let (what, w) = f.next_deadline(d(2027, 1, 15)).unwrap();
        assert!(what.contains("window"), "{what}");
        assert_eq!(w.on, d(2027, 1, 15));
        let (what, n) = f.next_deadline(d(2027, 1, 16)).unwrap();
        assert!(what.contains("nomination"), "{what}");
        assert_eq!(n.on, d(2027, 1, 20));
        assert!(n.rule.contains("s.436N(6)"));
        // An order in force: its clock is the end of compulsory school age (s.436I(7)).
        let mut f = facts("in_force");
        f.school_age_ends_on = Some(d(2027, 6, 25));
        let (_, e) = f.next_deadline(d(2027, 1, 1)).unwrap();
        assert_eq!(e.on, d(2027, 6, 25));
        assert!(e.rule.contains("s.436I(7)"));
        f.regime = Regime::Current;
        assert!(f
            .next_deadline(d(2027, 1, 1))
            .unwrap()
            .1
            .rule
            .contains("s.437(4)"));
    }

    #[test]
    fn s436q_5_6_s443_2_s447_5_the_court_outcome_decides_whether_the_order_lasts() {
        use ProsecutionOutcome::*;
        assert_eq!(after_prosecution(Convicted), Stage::InForce);
        assert_eq!(after_prosecution(Acquitted), Stage::InForce);
        assert_eq!(after_prosecution(Withdrawn), Stage::InForce);
        assert_eq!(after_prosecution(AcquittedOrderEnds), Stage::Ended);
        assert_eq!(after_prosecution(EsoOrderEnds), Stage::Ended);
        assert!(!Stage::Ended.is_open());
        let mut f = facts("referred");
        assert!(may(&f, Step::RecordProsecutionOutcome, d(2027, 6, 1)).is_ok());
        f.stage = Stage::InForce;
        assert!(may(&f, Step::RecordProsecutionOutcome, d(2027, 6, 1)).is_err());
    }

    #[test]
    fn s436i_2_a_ii_condition_b_with_another_and_suitable_education_shown_bars_an_order() {
        use Evaluation::*;
        let mut f = facts("preliminary_notice");
        f.conditions = vec!["A".into(), "B".into()];
        assert!(evaluations(&f).contains(&NotBestInterests));
        // Involvement not yet ended: an order may follow either way.
        assert_eq!(
            after_evaluation(&f, NotBestInterests),
            Stage::SchoolSelection
        );
        f.section47_ended = true;
        assert_eq!(after_evaluation(&f, NotBestInterests), Stage::Barred);
        // Suitable education not shown: (a)(ii) does not apply.
        assert_eq!(after_evaluation(&f, Failed), Stage::SchoolSelection);
        // Found at the evaluation, it bars serving the order later too.
        f.stage = Stage::SchoolDetermined;
        assert!(may(&f, Step::ServeOrder, d(2027, 6, 1)).is_ok());
        f.suitable_education_shown = true;
        assert!(may(&f, Step::ServeOrder, d(2027, 6, 1))
            .unwrap_err()
            .contains("s.436I(2)"));
        // Without condition B, or under today's law, the choice is not offered.
        f.conditions = vec!["A".into()];
        assert!(!evaluations(&f).contains(&NotBestInterests));
        f.conditions = vec!["A".into(), "B".into()];
        f.regime = Regime::Current;
        assert!(!evaluations(&f).contains(&NotBestInterests));
        assert!(!f.order_barred(true));
    }

    #[test]
    fn s436p_2_revocation_is_mandatory_when_condition_b_ends() {
        let today = d(2027, 6, 1);
        let relied = vec!["r1:s47:2027-01-01".to_string()];
        let mut known = vec![Section47 {
            key: relied[0].clone(),
            episode: s47_episode(&relied[0].clone(), Some(d(2027, 1, 1)), None),
        }];
        assert!(!section47_involvement_ended(&relied, &known, today, today));
        known[0].episode.end = Some(d(2027, 5, 20));
        assert!(section47_involvement_ended(&relied, &known, today, today));
        // Another plan 4 years ago keeps condition B alive.
        known.push(Section47 {
            key: "r2:cp_plan:2022-01-01".into(),
            episode: s47_episode(
                "r2:cp_plan:2022-01-01",
                Some(d(2022, 1, 1)),
                Some(d(2023, 1, 1)),
            ),
        });
        assert!(!section47_involvement_ended(&relied, &known, today, today));
        known[1].episode.end = Some(d(2022, 5, 1));
        assert!(
            section47_involvement_ended(&relied, &known, today, today),
            "more than 5 years ago"
        );
        assert!(
            !section47_involvement_ended(&[], &known, today, today),
            "nothing relied on"
        );

        let mut f = facts("in_force");
        f.conditions = vec!["B".into()];
        f.order_served_on = Some(d(2027, 4, 1));
        assert!(may(&f, Step::RevokeMandatory, today)
            .unwrap_err()
            .contains("s.436P(2)"));
        f.section47_ended = true;
        f.section47_ended_since_order = true;
        assert!(may(&f, Step::RevokeMandatory, today).is_ok());
        assert!(may(&f, Step::ReferForProsecution, today)
            .unwrap_err()
            .contains("s.436P(2)"));
        f.conditions = vec!["A".into()];
        assert!(may(&f, Step::RevokeMandatory, today)
            .unwrap_err()
            .contains("condition B alone"));
    }

    #[test]
    fn s436i_2_c_s436p_2_c_not_aware_of_other_action_means_known_action_only() {
        use crate::domain::safeguarding::{Episode, EpisodeKind};
        let relied = vec!["r1:s47:2027-01-01".to_string()];
        let ended = Section47 {
            key: relied[0].clone(),
            episode: Episode {
                nfa: Some(true),
                ..Episode::new(
                    EpisodeKind::Section47,
                    Some(d(2027, 1, 1)),
                    Some(d(2027, 2, 20)),
                )
            },
        };
        // Another enquiry, 1 March – 30 April 2024, outcome unknown: not known action, so the
        // bar applies on 15 March 2027.
        let unknown = Section47 {
            key: "r2:s47:2024-03-01".into(),
            episode: Episode::new(
                EpisodeKind::Section47,
                Some(d(2024, 3, 1)),
                Some(d(2024, 4, 30)),
            ),
        };
        let today = d(2027, 3, 15);
        assert!(section47_involvement_ended(
            &relied,
            &[ended.clone(), unknown],
            today,
            today
        ));
        // A plan that began and ended after the order was made (1 March 2027) does not stop the
        // mandatory revocation on 1 December 2027; one still running does.
        let made = d(2027, 3, 1);
        let later = |end| Section47 {
            key: "r3:cp_plan:2027-04-01".into(),
            episode: Episode::new(EpisodeKind::ChildProtectionPlan, Some(d(2027, 4, 1)), end),
        };
        let known = vec![ended.clone(), later(Some(d(2027, 9, 30)))];
        assert!(section47_involvement_ended(
            &relied,
            &known,
            d(2027, 12, 1),
            made
        ));
        let known = vec![ended, later(None)];
        assert!(!section47_involvement_ended(
            &relied,
            &known,
            d(2027, 12, 1),
            made
        ));
    }

    #[test]
    fn s436p_2_c_the_five_years_end_with_the_day_the_order_was_made() {
        // Order made 1 Jun 2027; an unrelated plan ended 1 Mar 2023; the relied-on enquiry ends
        // 1 Sep 2027. The plan is within the five years ending with the order's day, so the
        // revocation is never mandatory on this ground, however late it is asked.
        let made = d(2027, 6, 1);
        let relied = vec!["r1:s47:2027-01-01".to_string()];
        let known = vec![
            Section47 {
                key: relied[0].clone(),
                episode: s47_episode(&relied[0].clone(), Some(d(2027, 1, 1)), Some(d(2027, 9, 1))),
            },
            Section47 {
                key: "r2:cp_plan:2020-01-01".into(),
                episode: s47_episode(
                    "r2:cp_plan:2020-01-01",
                    Some(d(2020, 1, 1)),
                    Some(d(2023, 3, 1)),
                ),
            },
        ];
        for today in [d(2028, 3, 1), d(2028, 3, 2), d(2031, 1, 1)] {
            assert!(
                !section47_involvement_ended(&relied, &known, today, made),
                "on {today}"
            );
        }
        // Measured from today instead, it would have "ended" from 2 Mar 2028: the old error.
        assert!(section47_involvement_ended(
            &relied,
            &known,
            d(2028, 3, 2),
            d(2028, 3, 2)
        ));
        // The boundary: an unrelated plan that ended 1 Jun 2022 is outside the five years
        // ending with 1 Jun 2027; one that ended 2 Jun 2022 is inside.
        let with_plan_ended = |end| {
            let mut k = known.clone();
            k[1].episode.end = Some(end);
            k
        };
        assert!(section47_involvement_ended(
            &relied,
            &with_plan_ended(d(2022, 6, 1)),
            d(2027, 10, 1),
            made
        ));
        assert!(!section47_involvement_ended(
            &relied,
            &with_plan_ended(d(2022, 6, 2)),
            d(2027, 10, 1),
            made
        ));
    }

    #[test]
    fn s436l_3_to_6_a_choice_counts_from_the_day_the_parent_applied() {
        // Nomination served 20 Jan 2027: the window is 20 Jan to 3 Feb. An application on 1 Feb
        // with an offer on 10 Feb counts; the school offered must be named.
        let served = d(2027, 1, 20);
        assert!(choice_in_time(Regime::New, served, d(2027, 2, 1)).is_ok());
        assert!(
            choice_in_time(Regime::New, served, d(2027, 2, 3)).is_ok(),
            "the last day"
        );
        assert!(choice_in_time(Regime::New, served, d(2027, 2, 4))
            .unwrap_err()
            .contains("s.436L(3)"));
        assert!(choice_in_time(Regime::New, served, d(2027, 1, 19)).is_err());
        // Recorded on 10 Feb, after the window: the step is open all the same.
        let mut f = facts("nomination");
        f.nomination_served_on = Some(served);
        assert!(may(&f, Step::RecordParentChoice, d(2027, 2, 10)).is_ok());
        assert!(choice_in_time(Regime::Current, served, d(2027, 2, 1)).is_ok());
    }

    #[test]
    fn s436i_7_an_order_ends_with_compulsory_school_age() {
        // Born 15 May 2011: compulsory school age ends on Friday 25 June 2027.
        let mut f = facts("in_force");
        f.order_served_on = Some(d(2027, 1, 4));
        f.school_age_ends_on = Some(crate::domain::school_age::csa_end(d(2011, 5, 15)));
        assert_eq!(f.school_age_ends_on, Some(d(2027, 6, 25)));
        assert!(
            may(&f, Step::ReferForProsecution, d(2027, 6, 25)).is_ok(),
            "its last day"
        );
        let e = may(&f, Step::ReferForProsecution, d(2027, 6, 26)).unwrap_err();
        assert!(e.contains("25 June 2027") && e.contains("s.436I(7)"), "{e}");
        f.regime = Regime::Current;
        assert!(may(&f, Step::ReferForProsecution, d(2027, 6, 26))
            .unwrap_err()
            .contains("s.437(4)"));
    }

    #[test]
    fn s436h_10_b_a_notice_served_after_its_last_day_is_late() {
        // Requirements appeared met 1 Mar 2027: serve by 5 Mar (5 days beginning with it).
        let due = preliminary_notice_due(Regime::New, d(2027, 3, 1)).map(|x| x.on);
        assert_eq!(due, Some(d(2027, 3, 5)));
        let due = d(2027, 3, 5);
        let t = d(2027, 3, 10);
        assert_eq!(
            service_timing(due, Some(d(2027, 3, 5)), t),
            ServiceTiming::InTime
        );
        assert_eq!(
            service_timing(due, Some(d(2027, 3, 6)), t),
            ServiceTiming::Late(1)
        );
        assert_eq!(
            service_timing(due, None, d(2027, 3, 5)),
            ServiceTiming::DueSoon(1)
        );
        assert_eq!(
            service_timing(due, None, d(2027, 3, 4)),
            ServiceTiming::DueSoon(2)
        );
        assert_eq!(
            service_timing(due, None, d(2027, 3, 3)),
            ServiceTiming::Waiting
        );
        assert_eq!(
            service_timing(due, None, d(2027, 3, 6)),
            ServiceTiming::Overdue(1)
        );
    }

    #[test]
    fn s436q_prosecution_needs_an_order_served() {
        let mut f = facts("in_force");
        assert!(may(&f, Step::ReferForProsecution, d(2027, 6, 1))
            .unwrap_err()
            .contains("s.572"));
        f.order_served_on = Some(d(2027, 5, 1));
        assert!(may(&f, Step::ReferForProsecution, d(2027, 6, 1)).is_ok());
        assert!(offence(Regime::New).contains("level 4"));
        assert!(offence(Regime::Current).contains("level 3"));
    }

    #[test]
    fn s436p_no_revocation_on_request_where_the_ehc_plan_names_the_school() {
        let mut f = facts("in_force");
        f.ehc_plan_school = true;
        assert!(may(&f, Step::RevokeOnRequest, d(2027, 6, 1))
            .unwrap_err()
            .contains("EHC plan"));
    }

    #[test]
    fn s436h_8_home_visits_are_new_law_only() {
        let mut f = facts("considering");
        assert!(may(&f, Step::RecordHomeVisit, d(2027, 3, 1)).is_ok());
        f.regime = Regime::Current;
        assert!(may(&f, Step::RecordHomeVisit, d(2027, 3, 1)).is_err());
    }
}
