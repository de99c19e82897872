//! Requests to parents for updates, EA 1996 s.436D(2)(c), (3) and (5)(d).

crate::text_enum! {
    /// What a request to parents asks (s.436D(2)).
    pub enum RequestKind {
        /// s.436D(2)(c): "has anything changed?", at most once in 3 months, at least once in 12.
        Updates = "updates" => "Has anything changed?",
        /// s.436D(2)(a): named s.436C(1) details the council lacks.
        Details = "details" => "Missing details",
    }
}
use chrono::{Days, Months, NaiveDate};

/// s.436D(5)(d): the period a request gives must be at least 15 days.
pub const MIN_RESPONSE_DAYS: i64 = 15;
/// How far ahead of the 12-month ceiling a child shows as due, and the scheduler sends.
pub const DUE_WARNING_DAYS: u64 = 30;

/// s.436D(3)(b): the council must not send a (2)(c) request more often than once every three
/// months. The earliest day the next request may go, given when the last one went.
pub fn earliest_next(last_sent: NaiveDate) -> NaiveDate {
    last_sent
        .checked_add_months(Months::new(3))
        .unwrap_or(NaiveDate::MAX)
}

/// s.436D(3)(a): the council must send a (2)(c) request at least once a year. The day by which
/// the next one must go: a year after the last, or a year after the child joined the register.
pub fn latest_next(last_sent: Option<NaiveDate>, registered_on: NaiveDate) -> NaiveDate {
    last_sent
        .unwrap_or(registered_on)
        .checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX)
}

#[derive(Debug, PartialEq, Eq)]
pub enum MaySend {
    Yes,
    /// s.436D(3)(b): too soon after the last request; the date it becomes lawful.
    TooSoon(NaiveDate),
}

/// s.436D(3)(b): whether a request may go today.
pub fn may_send(last_sent: Option<NaiveDate>, today: NaiveDate) -> MaySend {
    match last_sent.map(earliest_next) {
        Some(earliest) if today < earliest => MaySend::TooSoon(earliest),
        _ => MaySend::Yes,
    }
}

/// Whether a child should be sent a request now so that s.436D(3)(a) is met: within
/// DUE_WARNING_DAYS of the yearly ceiling, or past it, and not barred by the 3-month floor.
pub fn is_due(last_sent: Option<NaiveDate>, registered_on: NaiveDate, today: NaiveDate) -> bool {
    let latest = latest_next(last_sent, registered_on);
    latest <= today + Days::new(DUE_WARNING_DAYS) && may_send(last_sent, today) == MaySend::Yes
}

/// The latest date (of the last request, or of joining the register) that makes a child due
/// today under `is_due`: DUE_WARNING_DAYS ahead, less the 12 months of s.436D(3)(a).
pub fn due_cutoff(today: NaiveDate) -> NaiveDate {
    (today + Days::new(DUE_WARNING_DAYS))
        .checked_sub_months(Months::new(12))
        .unwrap_or(NaiveDate::MIN)
}

/// s.436D(5)(d): the last day to answer, `days` days beginning with the day the request is sent
/// (so day 1 is the day of sending). None if `days` is under the statutory 15.
pub fn response_due(sent_on: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days < MIN_RESPONSE_DAYS {
        return None;
    }
    let extra = u64::try_from(days - 1).ok()?;
    sent_on.checked_add_days(Days::new(extra))
}

/// s.436D(5)(d) with s.572: a request sent by post is served on the deemed day of delivery, so
/// its period begins then, not on the day it was written or posted (issue 15, 13).
pub fn response_due_by_post(
    posted_on: NaiveDate,
    postal_days: u32,
    days: i64,
    holidays: &crate::domain::service::BankHolidays,
) -> Option<NaiveDate> {
    response_due(
        crate::domain::service::deemed_served_by_post(posted_on, postal_days, holidays),
        days,
    )
}

/// s.436H(7): condition D is met when the period ends without an answer. True from the day after
/// the last day to answer.
pub fn is_overdue(due_on: NaiveDate, answered: bool, today: NaiveDate) -> bool {
    !answered && today > due_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn s436d_3_b_no_more_often_than_every_three_months() {
        let last = d(2026, 1, 31);
        assert_eq!(earliest_next(last), d(2026, 4, 30));
        assert_eq!(
            may_send(Some(last), d(2026, 4, 29)),
            MaySend::TooSoon(d(2026, 4, 30))
        );
        assert_eq!(may_send(Some(last), d(2026, 4, 30)), MaySend::Yes);
        assert_eq!(may_send(None, d(2026, 4, 1)), MaySend::Yes);
    }

    #[test]
    fn s436d_3_a_at_least_once_a_year() {
        let joined = d(2025, 12, 1);
        assert_eq!(latest_next(None, joined), d(2026, 12, 1));
        assert_eq!(
            latest_next(Some(d(2026, 2, 29 - 1)), joined),
            d(2027, 2, 28)
        );
        // Due in the 30 days before the ceiling, and after it.
        assert!(!is_due(None, joined, d(2026, 10, 31)));
        assert!(is_due(None, joined, d(2026, 11, 1)));
        assert!(is_due(None, joined, d(2027, 6, 1)));
        // Never due inside the 3-month floor, whatever the ceiling says.
        assert!(!is_due(Some(d(2026, 10, 1)), joined, d(2026, 11, 1)));
    }

    #[test]
    fn s436d_3_a_due_cutoff_agrees_with_is_due() {
        let today = d(2026, 11, 24);
        let cutoff = due_cutoff(today);
        for joined in [cutoff, cutoff.pred_opt().unwrap()] {
            assert!(is_due(None, joined, today));
            assert!(is_due(Some(joined), d(2020, 1, 1), today));
        }
        let later = cutoff.succ_opt().unwrap();
        assert!(!is_due(None, later, today));
        assert!(!is_due(Some(later), d(2020, 1, 1), today));
    }

    #[test]
    fn s436d_5_d_response_period_is_at_least_15_days_beginning_with_sending() {
        assert_eq!(response_due(d(2026, 11, 24), 14), None);
        assert_eq!(response_due(d(2026, 11, 24), 15), Some(d(2026, 12, 8)));
        assert_eq!(response_due(d(2026, 11, 24), 28), Some(d(2026, 12, 21)));
    }

    #[test]
    fn s436h_7_condition_d_from_the_day_after_the_period() {
        let due = d(2026, 12, 8);
        assert!(!is_overdue(due, false, due));
        assert!(is_overdue(due, false, d(2026, 12, 9)));
        assert!(!is_overdue(due, true, d(2027, 1, 1)));
    }

    #[test]
    fn s436d_5_d_a_posted_request_runs_from_its_deemed_day_of_service() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
        // Posted Tuesday 24 Nov 2026, two working days of post: served Thursday 26 Nov; a 28-day
        // period ends 23 Dec (not 21 Dec, counting from the day of posting).
        assert_eq!(response_due(d(11, 24), 28), Some(d(12, 21)));
        assert_eq!(
            response_due_by_post(d(11, 24), 2, 28, &Default::default()),
            Some(d(12, 23))
        );
        // Posted on a Thursday: served the next Monday.
        assert_eq!(
            response_due_by_post(d(11, 26), 2, 28, &Default::default()),
            Some(d(12, 27))
        );
    }
}
