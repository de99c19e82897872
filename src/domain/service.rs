//! Service of documents on parents, EA 1996 s.572.
use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

use super::register::Choices;

/// The kinds of document a parent can agree to receive by email, each consented to separately.
pub const DOCUMENT_KINDS: Choices = &[
    (
        "information_requests",
        "Requests for information about your child's education (s.436D)",
    ),
    (
        "consent_decisions",
        "Decisions on applications to home educate (s.434A)",
    ),
    (
        "attendance_notices",
        "School attendance notices and orders (ss.436H–436Q, 437–443)",
    ),
];

/// EA 1996 s.572: a document may be served by email only where the recipient has agreed in writing
/// to receive it that way. `decisions` are (consented, when) for one kind of document, in any order;
/// the latest decision at or before `at` is in force, and no decision means no consent.
pub fn may_serve_by_email(decisions: &[(bool, NaiveDateTime)], at: NaiveDateTime) -> bool {
    decisions
        .iter()
        .filter(|(_, when)| *when <= at)
        .max_by_key(|(_, when)| *when)
        .is_some_and(|(consented, _)| *consented)
}

/// England and Wales bank holidays: the rules (New Year, Easter, May, August, Christmas, with
/// substitute days, and the past one-off days) from the `bankholidays` crate, with days the
/// council has added or removed (one-off holidays the rules cannot know, imported from GOV.UK).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BankHolidays {
    /// Days whose answer differs from the rules: true adds a holiday, false removes one.
    pub overrides: std::collections::BTreeMap<NaiveDate, bool>,
}

impl BankHolidays {
    pub fn is_bank_holiday(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some(h) => *h,
            None => bankholidays::uk::is_bankholiday(&d),
        }
    }

    /// Monday to Friday and not a bank holiday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_bank_holiday(d)
    }

    /// The bank holidays from `from` to `to` inclusive.
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| self.is_bank_holiday(*d))
            .collect()
    }
}

/// s.572 with the Interpretation Act 1978 s.7: a posted notice is served when it would arrive in
/// the ordinary course of post. The council sets how many working days that is (law.md §6.5 asks
/// for the rule to be configurable); weekends and England and Wales bank holidays are skipped.
/// An officer can still correct the date on the service log, with a reason.
pub fn deemed_served_by_post(
    posted: NaiveDate,
    working_days: u32,
    holidays: &BankHolidays,
) -> NaiveDate {
    let mut d = posted;
    let mut left = working_days;
    while left > 0 {
        let Some(next) = d.succ_opt() else { break };
        d = next;
        if holidays.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// The England and Wales days of a GOV.UK `bank-holidays.json` file: (day, title). Other
/// divisions are ignored: Scotland and Northern Ireland have their own days.
pub fn gov_uk_bank_holidays(json: &str) -> Result<Vec<(NaiveDate, String)>, String> {
    #[derive(serde::Deserialize)]
    struct Event {
        title: String,
        date: String,
    }
    #[derive(serde::Deserialize)]
    struct Division {
        events: Vec<Event>,
    }
    let file: std::collections::HashMap<String, Division> = serde_json::from_str(json)
        .map_err(|e| format!("This is not a GOV.UK bank holidays file: {e}"))?;
    let division = file
        .get("england-and-wales")
        .ok_or("The file has no \"england-and-wales\" division")?;
    division
        .events
        .iter()
        .map(|e| {
            NaiveDate::parse_from_str(&e.date, "%Y-%m-%d")
                .map(|d| (d, e.title.chars().take(200).collect()))
                .map_err(|_| format!("{:.20} is not a date like 2026-12-25", e.date))
        })
        .collect()
}

/// What importing GOV.UK's list changes: for each year it covers, its days are the bank holidays
/// and a rule day it leaves out is not one (a holiday moved). Returns the overrides to store.
pub fn overrides_from(days: &[(NaiveDate, String)]) -> Vec<(NaiveDate, bool, String)> {
    let listed: std::collections::BTreeSet<NaiveDate> = days.iter().map(|(d, _)| *d).collect();
    let years: std::collections::BTreeSet<i32> = listed.iter().map(|d| d.year()).collect();
    let rules = BankHolidays::default();
    let mut out: Vec<(NaiveDate, bool, String)> = days
        .iter()
        .filter(|(d, _)| !rules.is_bank_holiday(*d))
        .map(|(d, t)| (*d, true, t.clone()))
        .collect();
    for y in years {
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        ) else {
            continue;
        };
        for d in rules.between(from, to) {
            if !listed.contains(&d) {
                out.push((d, false, "Not a bank holiday this year (moved)".into()));
            }
        }
    }
    out.sort();
    out
}

crate::text_enum! {
    /// Where a served notice stands (s.572): waiting to be posted, or how it went.
    pub enum ServiceStatus {
        QueuedForPost = "queued_for_post" => "Waiting to be posted",
        Emailed = "emailed" => "Sent by email",
        Posted = "posted" => "Posted",
        DeliveredByHand = "delivered_by_hand" => "Delivered by hand",
        LeftAtAddress = "left_at_address" => "Left at the address",
        ServedOther = "served_other" => "Served by another effective method",
    }
}

crate::text_enum! {
    /// An email's progress through the outbox, in GOV.UK Notify's words.
    pub enum EmailStatus {
        Created = "created" => "Waiting to send",
        Sending = "sending" => "Sending",
        Delivered = "delivered" => "Accepted by the mail server",
        TemporaryFailure = "temporary-failure" => "Not sent yet, will retry",
        PermanentFailure = "permanent-failure" => "Could not be sent",
    }
}

/// How an email not yet accepted by the mail server stands, for officers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsent {
    /// Written, and the worker has not reached it for longer than it should.
    Late,
    /// A worker is sending it now.
    InFlight,
    /// A worker claimed it and stopped (a crash, a restart) before the mail server answered: it
    /// will be sent again, and may arrive twice.
    Interrupted,
    /// The mail server said "not now": tried again later.
    Retrying,
    /// The mail server refused it, or 72 hours passed: post it instead.
    Failed,
}

/// Minutes a written email may wait for the worker before officers are told.
pub const LATE_AFTER_MINUTES: i64 = 5;

/// Where an email stands, or None when there is nothing for an officer to see (delivered, or
/// written moments ago). `next_attempt_at` is the lease end while sending.
pub fn unsent(
    status: EmailStatus,
    next_attempt_at: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
) -> Option<Unsent> {
    match status {
        EmailStatus::Delivered => None,
        EmailStatus::Created => (now - next_attempt_at
            > chrono::Duration::minutes(LATE_AFTER_MINUTES))
        .then_some(Unsent::Late),
        EmailStatus::Sending if next_attempt_at > now => Some(Unsent::InFlight),
        EmailStatus::Sending => Some(Unsent::Interrupted),
        EmailStatus::TemporaryFailure => Some(Unsent::Retrying),
        EmailStatus::PermanentFailure => Some(Unsent::Failed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn s572_no_written_consent_means_post() {
        assert!(!may_serve_by_email(&[], t(20)));
    }

    #[test]
    fn s572_the_latest_decision_before_service_counts() {
        let d = [(true, t(1)), (false, t(10)), (true, t(15))];
        assert!(may_serve_by_email(&d, t(5)));
        assert!(!may_serve_by_email(&d, t(12)), "withdrawn on the 10th");
        assert!(may_serve_by_email(&d, t(15)));
        assert!(
            !may_serve_by_email(&d[..1], t(1) - chrono::Duration::seconds(1)),
            "not yet given"
        );
    }

    #[test]
    fn s572_a_posted_notice_is_served_after_the_working_days_of_post() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let deemed_served_by_post =
            |on, days| deemed_served_by_post(on, days, &BankHolidays::default());
        // Posted Tuesday 24th: served Thursday 26th.
        assert_eq!(deemed_served_by_post(d(24), 2), d(26));
        // Posted Thursday 26th: the weekend does not count, served Monday 30th.
        assert_eq!(deemed_served_by_post(d(26), 2), d(30));
        // Posted Saturday 28th: served Tuesday 1 December.
        assert_eq!(
            deemed_served_by_post(d(28), 2),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert_eq!(deemed_served_by_post(d(24), 0), d(24));
    }

    #[test]
    fn s572_posting_over_christmas_skips_the_bank_holidays() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let rules = BankHolidays::default();
        // Posted Thursday 24 December 2026: Friday 25th is Christmas Day, Monday 28th the
        // substitute for Boxing Day (a Saturday). Served Wednesday 30th, not Monday 28th.
        let served = deemed_served_by_post(day(2026, 12, 24), 2, &rules);
        assert_eq!(served, day(2026, 12, 30));
        // A 15-day period beginning with that day ends on 13 January 2027.
        assert_eq!(
            crate::domain::attendance::beginning_with(served, 15),
            day(2027, 1, 13)
        );
        // Posted the day before: the working days are Thursday 24th and Tuesday 29th.
        assert_eq!(
            deemed_served_by_post(day(2026, 12, 23), 2, &rules),
            day(2026, 12, 29)
        );
        // Easter 2027: Good Friday 26 March and Easter Monday 29 March are not working days.
        assert_eq!(
            deemed_served_by_post(day(2027, 3, 25), 2, &rules),
            day(2027, 3, 31)
        );
        // A one-off holiday the rules cannot know, added by the council, counts too.
        let mut added = BankHolidays::default();
        added.overrides.insert(day(2027, 3, 31), true);
        assert_eq!(
            deemed_served_by_post(day(2027, 3, 25), 2, &added),
            day(2027, 4, 1)
        );
    }

    #[test]
    fn s572_a_gov_uk_bank_holidays_file_adds_one_off_days_and_moves_others() {
        let json = r#"{"england-and-wales": {"division": "england-and-wales", "events": [
            {"title": "New Year's Day", "date": "2030-01-01", "notes": "", "bunting": true},
            {"title": "Extra holiday", "date": "2030-06-14", "notes": "", "bunting": true}
        ]}, "scotland": {"division": "scotland", "events": [
            {"title": "St Andrew's Day", "date": "2030-12-02", "notes": "", "bunting": true}
        ]}}"#;
        let days = gov_uk_bank_holidays(json).unwrap();
        assert_eq!(days.len(), 2, "Scotland's days are not England's");
        let o = overrides_from(&days);
        let day = |m, d| NaiveDate::from_ymd_opt(2030, m, d).unwrap();
        assert!(o.contains(&(day(6, 14), true, "Extra holiday".into())));
        // The file lists no Christmas for 2030: for that year the file decides.
        assert!(o.iter().any(|(d, h, _)| *d == day(12, 25) && !h));
        assert!(
            !o.iter().any(|(d, _, _)| *d == day(1, 1)),
            "already a rule day"
        );
        assert!(gov_uk_bank_holidays("{}").is_err());
        assert!(gov_uk_bank_holidays("not json").is_err());
    }

    #[test]
    fn s572_an_email_a_worker_stopped_sending_is_shown_as_interrupted() {
        let t = NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap_or_default();
        let m = chrono::Duration::minutes;
        assert_eq!(
            unsent(EmailStatus::Sending, t + m(1), t),
            Some(Unsent::InFlight)
        );
        assert_eq!(
            unsent(EmailStatus::Sending, t - m(1), t),
            Some(Unsent::Interrupted)
        );
        assert_eq!(unsent(EmailStatus::Created, t - m(1), t), None);
        assert_eq!(
            unsent(EmailStatus::Created, t - m(6), t),
            Some(Unsent::Late)
        );
        assert_eq!(unsent(EmailStatus::Delivered, t - m(60), t), None);
        assert_eq!(
            unsent(EmailStatus::PermanentFailure, t, t),
            Some(Unsent::Failed)
        );
    }
}
