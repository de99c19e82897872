//! law.md §8, row by row: for each statutory deadline the service owns, the function that
//! computes it, a worked example and the boundary days either side. A row the service does not
//! own says why in one line. The functions and their fuller tests live in their own modules;
//! this module is the index a lawyer reads against the table.
#![cfg(test)]

use chrono::NaiveDate;

use crate::domain::attendance::{self as sao, Regime, SchoolCalendar};
use crate::domain::consent;
use crate::domain::duties::{self, ParentDuty};
use crate::domain::information_requests as requests;
use crate::domain::safeguarding;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// Asserts `last` is the last day: the day itself is inside, the day after is not.
fn last_day(got: NaiveDate, last: NaiveDate) {
    assert_eq!(got, last);
    assert!(got < last.succ_opt().unwrap_or(last));
    assert!(got > last.pred_opt().unwrap_or(last));
}

#[test]
fn row_01_s436d_5_a_parent_tells_within_15_days_of_eligibility() {
    last_day(
        duties::parent_must_tell_by(d(2027, 9, 1), ParentDuty::Eligible).on,
        d(2027, 9, 15),
    );
}

#[test]
fn row_02_s436d_5_b_a_request_gives_at_least_15_days() {
    assert_eq!(
        requests::response_due(d(2027, 1, 4), 15),
        Some(d(2027, 1, 18))
    );
    assert_eq!(
        requests::response_due(d(2027, 1, 4), 14),
        None,
        "under 15 days is not a lawful period"
    );
}

#[test]
fn row_03_s436d_5_c_a_change_within_15_days_of_awareness() {
    last_day(
        duties::parent_must_tell_by(d(2027, 2, 1), ParentDuty::Change).on,
        d(2027, 2, 15),
    );
}

#[test]
fn row_04_s436d_3_requests_at_most_every_3_months_at_least_yearly() {
    let last = d(2027, 1, 10);
    assert_eq!(requests::earliest_next(last), d(2027, 4, 10));
    assert_eq!(
        requests::may_send(Some(last), d(2027, 4, 9)),
        requests::MaySend::TooSoon(d(2027, 4, 10))
    );
    assert_eq!(
        requests::may_send(Some(last), d(2027, 4, 10)),
        requests::MaySend::Yes
    );
    assert_eq!(
        requests::latest_next(Some(last), d(2026, 1, 1)),
        d(2028, 1, 10)
    );
}

#[test]
fn row_05_s436d_5_e_ceasing_to_be_eligible_within_15_days() {
    last_day(
        duties::parent_must_tell_by(d(2027, 7, 20), ParentDuty::Ceased).on,
        d(2027, 8, 3),
    );
}

#[test]
fn row_06_s436b_8_consider_where_a_new_entry_lives_within_15_days() {
    last_day(duties::consider_home_by(d(2027, 3, 1)).on, d(2027, 3, 15));
}

#[test]
fn row_07_s436b_10_consider_the_settings_within_15_days() {
    last_day(
        duties::consider_settings_by(d(2027, 3, 1)).on,
        d(2027, 3, 15),
    );
}

// Row 8, s.436E(6): notices to education providers are not served through this service; the
// register records providers (s.436C(1)(g)) only.
// Row 9, Sch. 31A para 2, and row 10, para 4: provider penalties are not run here.
// Row 11, s.436E(10): the first-3-months bar on provider penalties falls with rows 8–10.

#[test]
fn row_12_s434a_6_without_undue_delay_the_councils_own_limit() {
    use consent::ApplicationStatus::Received;
    assert!(!consent::needs_escalation(
        Received,
        d(2027, 1, 4),
        d(2027, 1, 23),
        20
    ));
    assert!(consent::needs_escalation(
        Received,
        d(2027, 1, 4),
        d(2027, 1, 24),
        20
    ));
}

#[test]
fn row_13_s434a_12_six_months_from_the_previous_application() {
    let refused = [(d(2027, 1, 1), true)];
    assert!(consent::within_repeat_window(&refused, d(2027, 7, 1)).is_some());
    assert!(consent::within_repeat_window(&refused, d(2027, 7, 2)).is_none());
}

#[test]
fn row_14_condition_b_five_years_ending_with_the_day() {
    assert_eq!(
        safeguarding::five_years_ending_with(d(2026, 11, 24)),
        d(2021, 11, 25)
    );
    let plan = |end| {
        safeguarding::Episode::new(
            safeguarding::EpisodeKind::ChildProtectionPlan,
            Some(d(2019, 1, 1)),
            Some(end),
        )
    };
    assert!(safeguarding::condition_b(&plan(d(2021, 11, 24)), d(2026, 11, 24)).is_none());
    assert!(safeguarding::condition_b(&plan(d(2021, 11, 25)), d(2026, 11, 24)).is_some());
}

#[test]
fn row_15_s436h_10_b_preliminary_notice_within_5_days() {
    let due = sao::preliminary_notice_due(Regime::New, d(2027, 3, 1));
    last_day(due.map(|x| x.on).unwrap_or_default(), d(2027, 3, 5));
    assert!(
        sao::preliminary_notice_due(Regime::Current, d(2027, 3, 1)).is_none(),
        "s.437 sets none"
    );
}

#[test]
fn row_16_s436h_10_c_at_least_15_days_from_service() {
    last_day(
        sao::response_period_end(Regime::New, d(2027, 3, 1), 15).on,
        d(2027, 3, 15),
    );
}

#[test]
fn row_17_s436n_3_notice_to_the_school_within_15_days_of_expiry() {
    let due = sao::school_notice_due(Regime::New, d(2027, 3, 15));
    last_day(due.map(|x| x.on).unwrap_or_default(), d(2027, 3, 29));
}

#[test]
fn row_18_s436n_5_ten_school_days() {
    // Term 4–29 January 2027 with no closures: served Monday 4th, the 10th school day is
    // Friday 15th.
    let cal = SchoolCalendar {
        terms: vec![(d(2027, 1, 4), d(2027, 1, 29))],
        closures: vec![],
    };
    let end = sao::objection_window_end(Regime::New, d(2027, 1, 4), &cal);
    last_day(end.map(|x| x.on).unwrap_or_default(), d(2027, 1, 15));
    let none = SchoolCalendar {
        terms: vec![],
        closures: vec![],
    };
    assert!(
        sao::objection_window_end(Regime::New, d(2027, 1, 4), &none).is_err(),
        "not guessed"
    );
}

#[test]
fn row_19_s436n_6_nomination_within_5_days_from_the_next_day() {
    let due = sao::nomination_notice_due(Regime::New, d(2027, 1, 15), false);
    last_day(due.map(|x| x.on).unwrap_or_default(), d(2027, 1, 20));
}

#[test]
fn row_20_s436n_7_nomination_within_5_days_after_a_direction() {
    let due = sao::nomination_notice_due(Regime::New, d(2027, 2, 1), true);
    last_day(due.map(|x| x.on).unwrap_or_default(), d(2027, 2, 6));
}

#[test]
fn row_21_s436l_3_the_parents_15_days_to_choose() {
    last_day(
        sao::parent_choice_end(Regime::New, d(2027, 1, 20)).on,
        d(2027, 2, 3),
    );
}

#[test]
fn row_22_s436i_6_serve_the_order_within_5_days() {
    let due = sao::order_due(Regime::New, d(2027, 2, 10));
    last_day(due.map(|x| x.on).unwrap_or_default(), d(2027, 2, 14));
}

#[test]
fn row_23_s436i_7_the_order_lasts_to_the_end_of_compulsory_school_age() {
    // Born 15 May 2011: compulsory school age ends on the last Friday in June 2027.
    assert_eq!(
        crate::domain::school_age::csa_end(d(2011, 5, 15)),
        d(2027, 6, 25)
    );
}

#[test]
fn row_24_s447_4_reasons_to_the_court_within_8_weeks() {
    last_day(duties::eso_reasons_by(d(2027, 1, 6)).on, d(2027, 3, 2));
}

#[test]
fn row_25_s437_2_at_least_15_days() {
    let end = sao::response_period_end(Regime::Current, d(2027, 3, 1), 15);
    last_day(end.on, d(2027, 3, 15));
    assert!(end.rule.contains("s.437(2)"));
}

#[test]
fn row_26_s438_3_the_parent_selects_within_15_days() {
    let end = sao::parent_choice_end(Regime::Current, d(2027, 1, 20));
    last_day(end.on, d(2027, 2, 3));
    assert!(end.rule.contains("s.438(3)"));
}

#[test]
fn row_27_s439_7_the_governing_body_applies_within_15_days() {
    let cal = SchoolCalendar {
        terms: vec![],
        closures: vec![],
    };
    let end = sao::objection_window_end(Regime::Current, d(2027, 1, 4), &cal);
    last_day(end.map(|x| x.on).unwrap_or_default(), d(2027, 1, 18));
}

// Row 28, PRR 2024 reg 13(1): new-pupil returns go from schools' systems to the admissions team,
// not to the register of children not in school.

#[test]
fn row_29_reg_13_4_a_deletion_return_no_later_than_the_deletion() {
    assert_eq!(
        consent::deletion_return_days_late(d(2026, 11, 20), d(2026, 11, 20)),
        None
    );
    assert_eq!(
        consent::deletion_return_days_late(d(2026, 11, 20), d(2026, 11, 21)),
        Some(1)
    );
}

// Row 30, reg 10(7), and row 31, reg 13(9)–(10): attendance codes and sickness returns are the
// school's register, not this one.
// Row 32, reg 7: schools keep their admission registers 6 years; the council's own retention is
// a separate duty (issue 19).
// Row 33, s.434B(2): the duty to make pilot regulations is the Secretary of State's.
