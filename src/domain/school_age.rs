//! Compulsory school age, EA 1996 s.8 (law.md §1).
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The day a person attains `years` years. A 29 February birthday falls on 1 March in a
/// common year (the convention the council's legal team should confirm).
pub fn birthday(dob: NaiveDate, years: i32) -> NaiveDate {
    let y = dob.year() + years;
    NaiveDate::from_ymd_opt(y, dob.month(), dob.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))
        .unwrap_or(dob)
}

/// EA 1996 s.8(2): compulsory school age starts on the prescribed day (31 December, 31 March,
/// 31 August) on which the child turns 5, or else the next prescribed day after the 5th birthday.
pub fn csa_start(dob: NaiveDate) -> NaiveDate {
    let fifth = birthday(dob, 5);
    let y = fifth.year();
    let candidates = [
        NaiveDate::from_ymd_opt(y, 3, 31),
        NaiveDate::from_ymd_opt(y, 8, 31),
        NaiveDate::from_ymd_opt(y, 12, 31),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|d| *d >= fifth)
        .unwrap_or(fifth)
}

/// The last Friday in June of `year`: the school leaving date (Education (School Leaving Date) Order 1997).
pub fn last_friday_in_june(year: i32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, 6, 30).unwrap_or_default();
    while d.weekday() != Weekday::Fri {
        d -= Duration::days(1);
    }
    d
}

/// EA 1996 s.8(3): compulsory school age ends at the end of the school leaving date of the school
/// year (1 September – 31 August) in which the child turns 16; a child turning 16 in the summer
/// holiday after that date ceases on it too. Returns the last day of compulsory school age.
pub fn csa_end(dob: NaiveDate) -> NaiveDate {
    let sixteenth = birthday(dob, 16);
    // School year containing the 16th birthday ends in June of `end_year`.
    let end_year = if sixteenth.month() >= 9 {
        sixteenth.year() + 1
    } else {
        sixteenth.year()
    };
    last_friday_in_june(end_year)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolAgeStatus {
    BelowCompulsorySchoolAge,
    CompulsorySchoolAge,
    OverCompulsorySchoolAge,
}

impl SchoolAgeStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::BelowCompulsorySchoolAge => "Below compulsory school age",
            Self::CompulsorySchoolAge => "Of compulsory school age",
            Self::OverCompulsorySchoolAge => "Over compulsory school age",
        }
    }
}

/// EA 1996 s.8: where a child stands on `on`. Children outside the age range stay on the
/// register, flagged (condition B of s.436B no longer holds), never silently dropped.
pub fn status_on(dob: NaiveDate, on: NaiveDate) -> SchoolAgeStatus {
    if on < csa_start(dob) {
        SchoolAgeStatus::BelowCompulsorySchoolAge
    } else if on > csa_end(dob) {
        SchoolAgeStatus::OverCompulsorySchoolAge
    } else {
        SchoolAgeStatus::CompulsorySchoolAge
    }
}

/// Age in whole years on `on`.
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - dob.year();
    if birthday(dob, age) > on {
        age -= 1;
    }
    age.max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn s8_start_on_a_prescribed_day_itself() {
        // s.8(2): turning 5 on a prescribed day starts compulsory school age that day.
        assert_eq!(csa_start(d(2020, 3, 31)), d(2025, 3, 31));
        assert_eq!(csa_start(d(2020, 12, 31)), d(2025, 12, 31));
    }

    #[test]
    fn s8_start_on_next_prescribed_day() {
        assert_eq!(csa_start(d(2020, 9, 1)), d(2025, 12, 31));
        assert_eq!(csa_start(d(2020, 1, 1)), d(2025, 3, 31));
        assert_eq!(csa_start(d(2020, 4, 1)), d(2025, 8, 31));
        assert_eq!(csa_start(d(2020, 8, 31)), d(2025, 8, 31));
    }

    #[test]
    fn s8_leap_day_birthday() {
        // 29 Feb 2020: 5th birthday taken as 1 March 2025 -> next prescribed day 31 March.
        assert_eq!(csa_start(d(2020, 2, 29)), d(2025, 3, 31));
    }

    #[test]
    fn s8_end_last_friday_in_june_of_school_year_turning_16() {
        assert_eq!(last_friday_in_june(2026), d(2026, 6, 26));
        assert_eq!(last_friday_in_june(2027), d(2027, 6, 25));
        // Turns 16 on 1 Sep 2026 -> school year 2026/27 -> 25 June 2027.
        assert_eq!(csa_end(d(2010, 9, 1)), d(2027, 6, 25));
        // Turns 16 on 31 Aug 2026 (summer holiday after leaving date) -> 26 June 2026.
        assert_eq!(csa_end(d(2010, 8, 31)), d(2026, 6, 26));
        // Turns 16 in May 2026 -> 26 June 2026.
        assert_eq!(csa_end(d(2010, 5, 15)), d(2026, 6, 26));
    }

    #[test]
    fn s8_status_flags_children_outside_the_age_range() {
        let dob = d(2010, 5, 15);
        assert_eq!(
            status_on(dob, d(2026, 6, 26)),
            SchoolAgeStatus::CompulsorySchoolAge
        );
        assert_eq!(
            status_on(dob, d(2026, 6, 27)),
            SchoolAgeStatus::OverCompulsorySchoolAge
        );
        let young = d(2022, 1, 10);
        assert_eq!(
            status_on(young, d(2026, 11, 24)),
            SchoolAgeStatus::BelowCompulsorySchoolAge
        );
        assert_eq!(
            status_on(young, d(2027, 3, 31)),
            SchoolAgeStatus::CompulsorySchoolAge
        );
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(d(2015, 11, 25), d(2026, 11, 24)), 10);
        assert_eq!(age_on(d(2015, 11, 24), d(2026, 11, 24)), 11);
    }
}

/// The same day `years` years earlier (29 February falls back to 28 February).
pub fn birthday_back(on: NaiveDate, years: i32) -> NaiveDate {
    let y = on.year() - years;
    NaiveDate::from_ymd_opt(y, on.month(), on.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, on.month(), 28))
        .unwrap_or(on)
}

/// EA 1996 s.8: the dates of birth of children of compulsory school age on `on`, as an inclusive
/// range (both bounds move monotonically with the date of birth, so the set is one range).
/// Lets the database filter by age status without computing s.8 per row.
pub fn csa_dob_range(on: NaiveDate) -> (NaiveDate, NaiveDate) {
    let earliest = birthday_back(on, 18);
    let latest = birthday_back(on, 4);
    let mut min = latest;
    let mut max = earliest;
    let mut d = earliest;
    while d <= latest {
        if status_on(d, on) == SchoolAgeStatus::CompulsorySchoolAge {
            min = min.min(d);
            max = max.max(d);
        }
        d += Duration::days(1);
    }
    (min, max)
}

#[cfg(test)]
mod range_tests {
    use super::*;

    #[test]
    fn s8_dob_range_agrees_with_status_on() {
        for on in [
            (2026, 11, 24),
            (2026, 6, 26),
            (2026, 6, 27),
            (2027, 1, 1),
            (2028, 2, 29),
        ] {
            let on = NaiveDate::from_ymd_opt(on.0, on.1, on.2).unwrap();
            let (min, max) = csa_dob_range(on);
            let mut d = birthday_back(on, 19);
            while d <= birthday_back(on, 3) {
                let inside = d >= min && d <= max;
                assert_eq!(
                    inside,
                    status_on(d, on) == SchoolAgeStatus::CompulsorySchoolAge,
                    "dob {d} on {on}"
                );
                d += Duration::days(1);
            }
        }
    }
}
