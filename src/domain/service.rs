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

/// s.572 with the Interpretation Act 1978 s.7: a posted notice is served when it would arrive in
/// the ordinary course of post. The council sets how many working days that is (law.md §6.5 asks
/// for the rule to be configurable); weekends are skipped. Bank holidays are not known here, so
/// an officer can correct the date on the service log.
pub fn deemed_served_by_post(posted: NaiveDate, working_days: u32) -> NaiveDate {
    let mut d = posted;
    let mut left = working_days;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
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
