//! The safeguarding flags a register entry carries from linked social care records.
//! s.436C(2)(d) and (e) (s.47 enquiries; child in need); the five-year look-back of
//! ss.434A(4), 436H(5), 436I(2) and 436P(2) (condition B: s.47(8) action within 5 years).
use chrono::{Months, NaiveDate};

pub const FLAG_KINDS: &[(&str, &str)] = &[
    ("s47_open", "Section 47 enquiry open"),
    ("cp_plan_active", "Child protection plan active"),
    (
        "cp_or_s47_last_5_years",
        "Child protection plan or section 47 enquiry in the last 5 years",
    ),
    ("cin_open", "Child in need"),
    (
        "consent_missing",
        "May have needed the council's consent to leave school (section 434A), none on record",
    ),
];

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

/// One flag as derived from a record's episodes: (kind, start, end).
pub type Flag = (&'static str, Option<NaiveDate>, Option<NaiveDate>);

/// The flags one record's episodes raise on `today`. Episodes are (kind, start, end); an empty end
/// means ongoing, an empty start means not known (and counts, so nothing is missed).
pub fn flags_for(
    episodes: &[(String, Option<NaiveDate>, Option<NaiveDate>)],
    today: NaiveDate,
) -> Vec<Flag> {
    let five_years_ago = five_years_ending_with(today);
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
    for (kind, s, e) in episodes {
        match kind.as_str() {
            "s47" if e.is_none() => add("s47_open", *s, *e),
            "cp_plan" if open(*e) => add("cp_plan_active", *s, *e),
            "cin" if open(*e) => add("cin_open", *s, *e),
            _ => {}
        }
        let recent =
            e.is_none_or(|e| e >= five_years_ago) || s.is_some_and(|s| s >= five_years_ago);
        if matches!(kind.as_str(), "s47" | "cp_plan") && recent {
            add("cp_or_s47_last_5_years", *s, *e);
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
    fn s436h_5_flags_use_the_same_five_years() {
        let today = d(2026, 11, 24).unwrap_or_default();
        let ended = |y, m, day| vec![("cp_plan".to_string(), d(2019, 1, 1), d(y, m, day))];
        assert!(flags_for(&ended(2021, 11, 24), today).is_empty());
        assert_eq!(flags_for(&ended(2021, 11, 25), today).len(), 1);
    }

    #[test]
    fn s436c_2_d_open_enquiries_and_active_plans_are_flagged() {
        let today = d(2026, 11, 24).unwrap();
        let eps = vec![
            ("s47".to_string(), d(2026, 10, 1), None),
            ("cp_plan".to_string(), d(2026, 10, 20), None),
            ("cin".to_string(), d(2025, 1, 1), d(2025, 6, 1)),
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
        let ended_four_years_ago = vec![("cp_plan".to_string(), d(2021, 1, 1), d(2022, 11, 1))];
        let ended_six_years_ago = vec![("cp_plan".to_string(), d(2019, 1, 1), d(2020, 11, 1))];
        assert_eq!(
            flags_for(&ended_four_years_ago, today)
                .iter()
                .map(|f| f.0)
                .collect::<Vec<_>>(),
            vec!["cp_or_s47_last_5_years"]
        );
        assert!(flags_for(&ended_six_years_ago, today).is_empty());
        // Not knowing when an enquiry started never hides it.
        let unknown = vec![("s47".to_string(), None, None)];
        assert_eq!(flags_for(&unknown, today).len(), 2);
    }
}
