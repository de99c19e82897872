//! The Department for Education's termly return on elective home education (standards.md §2.2):
//! computed from child-level data as the register stood on a census date, not as it stands
//! today, and the disclosure control on anything published from it (EA 1996 s.436C(5)).
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A register entry's fields the return turns on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryState {
    pub child_id: String,
    /// False before the entry was made.
    pub exists: bool,
    pub open: bool,
    pub arrangement: String,
    pub reason: String,
    pub sex: String,
    pub date_of_birth: Option<NaiveDate>,
    /// s.436C(2)(m), as stored ("yes", "no", "refused", "not_known").
    pub young_carer: String,
    /// s.436C(2)(i): identified as missing education under s.436A on this day.
    pub missing_education_from: Option<NaiveDate>,
}

/// One recorded change to an entry (`child_changes`), as the history keeps it.
#[derive(Clone, Debug)]
pub struct Change {
    pub at: chrono::NaiveDateTime,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

impl EntryState {
    /// Sets a field as the history names it; fields the return does not use are ignored.
    fn put(&mut self, field: &str, value: Option<&str>) {
        let v = value.unwrap_or_default().to_string();
        match field {
            "entry" => self.exists = value.is_some(),
            "status" => self.open = v == "open",
            "arrangement" => self.arrangement = v,
            "reason" => self.reason = v,
            "sex" => self.sex = v,
            "date of birth" => self.date_of_birth = v.parse().ok(),
            // The history keeps what officers read; the return wants the stored value.
            "young carer" => {
                self.young_carer = crate::domain::prescribed::Answer::ALL
                    .iter()
                    .find(|a| a.label() == v)
                    .map_or("not_known", |a| a.as_str())
                    .into()
            }
            "identified as missing education" => self.missing_education_from = v.parse().ok(),
            _ => {}
        }
    }

    /// On the register and identified as missing education (s.436A) by `on`.
    pub fn missing_education_on(&self, on: NaiveDate) -> bool {
        self.exists && self.open && self.missing_education_from.is_some_and(|d| d <= on)
    }

    /// Elective home education, on the register.
    pub fn home_educated(&self) -> bool {
        self.exists && self.open && self.arrangement == "home_educated"
    }
}

/// The entry as it stood before `later` (every change made after the moment asked about, in any
/// order): each is undone, newest first, by putting back its old value.
pub fn as_at(current: &EntryState, later: &[Change]) -> EntryState {
    let mut newest_first: Vec<&Change> = later.iter().collect();
    newest_first.sort_by_key(|c| std::cmp::Reverse(c.at));
    let mut s = current.clone();
    for c in newest_first {
        s.put(&c.field, c.old_value.as_deref());
    }
    s
}

/// Whether the entry was in elective home education at any moment from `from` to `to`
/// (inclusive), given its state now and every change made since `from` began.
pub fn home_educated_between(
    current: &EntryState,
    since_from: &[Change],
    from: NaiveDate,
    to: NaiveDate,
) -> bool {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = to.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::days(1);
    let mut s = as_at(current, since_from);
    if s.home_educated() {
        return true;
    }
    let mut in_order: Vec<&Change> = since_from
        .iter()
        .filter(|c| c.at >= start && c.at < end)
        .collect();
    in_order.sort_by_key(|c| c.at);
    for c in in_order {
        s.put(&c.field, c.new_value.as_deref());
        if s.home_educated() {
            return true;
        }
    }
    false
}

/// The academic year a date falls in, by the year it starts (1 September).
pub fn academic_year(on: NaiveDate) -> i32 {
    if on.month() >= 9 {
        on.year()
    } else {
        on.year() - 1
    }
}

/// The national curriculum year group of a child born on `dob`, on `on`: reception is 0. A
/// child's cohort runs 1 September to 31 August, and starts reception in the September after
/// their fourth birthday.
pub fn year_group(dob: NaiveDate, on: NaiveDate) -> i32 {
    academic_year(on) - academic_year(dob) - 5
}

pub fn year_group_label(y: i32) -> String {
    match y {
        i32::MIN..=-1 => "Below reception".into(),
        0 => "Reception".into(),
        1..=11 => format!("Year {y}"),
        _ => "Year 12 and above".into(),
    }
}

/// The `n`th `weekday` of a month.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// The usual DfE census dates of the academic year starting in `year`: the first Thursday in
/// October, the third Thursday in January and the third Thursday in May (as in 2022–23: 6
/// October, 19 January, 18 May).
pub fn default_census_dates(year: i32) -> Vec<(&'static str, NaiveDate)> {
    [
        ("Autumn term", nth_weekday(year, 10, Weekday::Thu, 1)),
        ("Spring term", nth_weekday(year + 1, 1, Weekday::Thu, 3)),
        ("Summer term", nth_weekday(year + 1, 5, Weekday::Thu, 3)),
    ]
    .into_iter()
    .filter_map(|(t, d)| d.map(|d| (t, d)))
    .collect()
}

/// The term a census date falls in, as the DfE's `time_identifier` names it.
pub fn term(on: NaiveDate) -> &'static str {
    match on.month() {
        9..=12 => "Autumn term",
        1..=4 => "Spring term",
        _ => "Summer term",
    }
}

/// An academic year in words: "2026 to 2027".
pub fn academic_year_words(on: NaiveDate) -> String {
    let y = academic_year(on);
    format!("{y} to {}", y + 1)
}

/// The DfE's `time_period` for an academic year: 2026–27 is "202627".
pub fn time_period(on: NaiveDate) -> String {
    let y = academic_year(on);
    format!("{y}{:02}", (y + 1) % 100)
}

/// s.436C(5): nothing published may identify a child. Counts leave the service for publication
/// as the DfE publishes local authority figures: 0 stays 0, 1 to 4 is "low", and anything else
/// is rounded to the nearest 10 (half up). The return sent to the DfE keeps exact counts.
pub fn publishable(n: usize) -> String {
    match n {
        0 => "0".into(),
        1..=4 => "low".into(),
        _ => ((n + 5) / 10 * 10).to_string(),
    }
}

/// One line of the return: a breakdown of the children in it, and which children they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub topic: &'static str,
    pub breakdown: String,
    pub children: Vec<String>,
}

/// The census-date breakdowns (standards.md §2.2): the total in elective home education, then by
/// sex, by national curriculum year group and by primary reason, each in the DfE's words; then
/// young carers among them (s.436C(2)(m)), and the children on the register identified as
/// missing education (s.436A, s.436C(2)(i)) whatever their arrangement.
pub fn breakdowns(
    entries: &[EntryState],
    on: NaiveDate,
    sex_label: impl Fn(&str) -> String,
    reason_label: impl Fn(&str) -> String,
) -> Vec<Line> {
    let ehe: Vec<&EntryState> = entries.iter().filter(|e| e.home_educated()).collect();
    let mut lines = vec![Line {
        topic: "Total",
        breakdown: "Total".into(),
        children: ehe.iter().map(|e| e.child_id.clone()).collect(),
    }];
    // Each breakdown in its order (year groups by year, the rest alphabetically).
    let mut group = |topic: &'static str, key: &dyn Fn(&EntryState) -> (i32, String)| {
        let mut by: std::collections::BTreeMap<(i32, String), Vec<String>> = Default::default();
        for e in &ehe {
            by.entry(key(e)).or_default().push(e.child_id.clone());
        }
        for ((_, breakdown), children) in by {
            lines.push(Line {
                topic,
                breakdown,
                children,
            });
        }
    };
    group("Sex", &|e| (0, sex_label(&e.sex)));
    group("Year group", &|e| match e.date_of_birth {
        Some(d) => {
            let y = year_group(d, on).clamp(-1, 12);
            (y, year_group_label(y))
        }
        None => (i32::MAX, "Not known".into()),
    });
    group("Primary reason", &|e| (0, reason_label(&e.reason)));
    group("Young carer", &|e| {
        let a = crate::domain::prescribed::Answer::parse(&e.young_carer)
            .unwrap_or(crate::domain::prescribed::Answer::NotKnown);
        (0, a.label().to_string())
    });
    lines.push(Line {
        topic: "Children missing education",
        breakdown: "Identified under section 436A".into(),
        children: entries
            .iter()
            .filter(|e| e.missing_education_on(on))
            .map(|e| e.child_id.clone())
            .collect(),
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32) -> chrono::NaiveDateTime {
        d(y, m, day).and_hms_opt(12, 0, 0).unwrap()
    }

    fn change(
        when: chrono::NaiveDateTime,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Change {
        Change {
            at: when,
            field: field.into(),
            old_value: old.map(str::to_string),
            new_value: new.map(str::to_string),
        }
    }

    fn now_state() -> EntryState {
        EntryState {
            child_id: "c".into(),
            exists: true,
            open: false,
            arrangement: "flexi_schooled".into(),
            reason: "bullying".into(),
            sex: "F".into(),
            date_of_birth: Some(d(2015, 5, 1)),
            young_carer: "not_known".into(),
            missing_education_from: None,
        }
    }

    #[test]
    fn s436c_the_register_as_at_a_date_undoes_every_later_change_newest_first() {
        // Made in September as home educated for mental health; in November the reason and then
        // the arrangement changed, and in December the entry closed.
        let later = vec![
            change(at(2026, 12, 1), "status", Some("open"), Some("closed")),
            change(
                at(2026, 11, 2),
                "reason",
                Some("mental_health"),
                Some("bullying"),
            ),
            change(
                at(2026, 11, 3),
                "arrangement",
                Some("home_educated"),
                Some("flexi_schooled"),
            ),
        ];
        let before = as_at(&now_state(), &later);
        assert!(before.open && before.home_educated());
        assert_eq!(before.reason, "mental_health");
        // Two changes to one field: the older old value wins.
        let twice = vec![
            change(
                at(2026, 11, 1),
                "reason",
                Some("lifestyle"),
                Some("mental_health"),
            ),
            change(
                at(2026, 11, 9),
                "reason",
                Some("mental_health"),
                Some("bullying"),
            ),
        ];
        assert_eq!(as_at(&now_state(), &twice).reason, "lifestyle");
        // Made after the date: not on the register then.
        let made = vec![change(at(2026, 10, 9), "entry", None, Some("CN-1"))];
        assert!(!as_at(&now_state(), &made).exists);
    }

    #[test]
    fn s436c_home_educated_at_any_point_in_a_year_counts_a_child_who_left_before_its_end() {
        let later = vec![
            change(at(2026, 3, 1), "entry", None, Some("CN-1")),
            change(
                at(2026, 3, 1),
                "arrangement",
                Some("home_educated"),
                Some("flexi_schooled"),
            ),
            change(at(2026, 4, 1), "status", Some("open"), Some("closed")),
        ];
        // Home educated from 1 March (made that day, before the change the same moment)...
        assert!(home_educated_between(
            &now_state(),
            &later,
            d(2025, 9, 1),
            d(2026, 8, 31)
        ));
        // ...but not in the year before it was made.
        assert!(!home_educated_between(
            &now_state(),
            &later,
            d(2024, 9, 1),
            d(2025, 8, 31)
        ));
    }

    #[test]
    fn dfe_year_groups_census_dates_and_time_periods() {
        // Born May 2015: year 7 in the autumn of 2026; born 1 September 2015: year 6.
        assert_eq!(year_group(d(2015, 5, 1), d(2026, 10, 1)), 7);
        assert_eq!(year_group(d(2015, 9, 1), d(2026, 10, 1)), 6);
        assert_eq!(year_group_label(0), "Reception");
        assert_eq!(
            default_census_dates(2022),
            vec![
                ("Autumn term", d(2022, 10, 6)),
                ("Spring term", d(2023, 1, 19)),
                ("Summer term", d(2023, 5, 18)),
            ]
        );
        assert_eq!(time_period(d(2027, 1, 21)), "202627");
        assert_eq!(term(d(2027, 1, 21)), "Spring term");
    }

    #[test]
    fn dfe_breakdowns_list_year_groups_in_order() {
        let child = |id: &str, dob| EntryState {
            child_id: id.into(),
            exists: true,
            open: true,
            arrangement: "home_educated".into(),
            reason: "bullying".into(),
            sex: "F".into(),
            date_of_birth: Some(dob),
            young_carer: "not_known".into(),
            missing_education_from: None,
        };
        let entries = [
            child("a", d(2016, 5, 1)),
            child("b", d(2011, 5, 1)),
            child("c", d(2020, 5, 1)),
        ];
        let lines = breakdowns(
            &entries,
            d(2026, 10, 1),
            |s| s.to_string(),
            |r| r.to_string(),
        );
        let years: Vec<&str> = lines
            .iter()
            .filter(|l| l.topic == "Year group")
            .map(|l| l.breakdown.as_str())
            .collect();
        assert_eq!(years, ["Year 2", "Year 6", "Year 11"]);
        assert_eq!(lines[0].children.len(), 3);
    }

    #[test]
    fn s436c_5_published_counts_are_rounded_and_small_ones_withheld() {
        let got: Vec<String> = [0, 1, 4, 5, 14, 15, 24, 126].map(publishable).to_vec();
        assert_eq!(got, ["0", "low", "low", "10", "10", "20", "20", "130"]);
    }
}
