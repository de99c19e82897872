//! The council's clock: every statutory period counts days in England, so "today" and the date
//! of an instant are taken in Europe/London, never in UTC. One place, used everywhere.
use chrono::{NaiveDate, NaiveDateTime};

/// Today in England: the date every clock of the Act counts from.
pub fn today() -> NaiveDate {
    local_date(chrono::Utc::now().naive_utc())
}

/// The date in England of an instant stored in UTC (an email sent at 23:30 UTC in summer was
/// sent the next day in London).
pub fn local_date(utc: NaiveDateTime) -> NaiveDate {
    use chrono::TimeZone;
    chrono_tz::Europe::London
        .from_utc_datetime(&utc)
        .date_naive()
}

/// A date as GOV.UK writes it: "4 June 2027".
pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// A date that may not be known (a legacy entry's date of birth): "not known" then.
pub fn fmt_date_or_not_known(d: Option<NaiveDate>) -> String {
    d.map(fmt_date).unwrap_or_else(|| "not known".into())
}

/// The day in England of an instant stored in UTC, as GOV.UK writes it.
pub fn fmt_day(utc: NaiveDateTime) -> String {
    fmt_date(local_date(utc))
}

/// An instant stored in UTC, in UK time as GOV.UK writes it: "4 June 2027 at 2:05pm".
pub fn fmt_time(utc: NaiveDateTime) -> String {
    use chrono::TimeZone;
    let local = chrono_tz::Europe::London.from_utc_datetime(&utc);
    format!(
        "{} at {}",
        local.format("%-d %B %Y"),
        local.format("%-I:%M%P")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .unwrap_or_default()
    }

    #[test]
    fn a_summer_evening_in_utc_is_the_next_day_in_london() {
        assert_eq!(
            local_date(at(2027, 6, 30, 23, 30)),
            NaiveDate::from_ymd_opt(2027, 7, 1).unwrap_or_default()
        );
        assert_eq!(
            local_date(at(2027, 12, 31, 23, 30)),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap_or_default()
        );
    }

    #[test]
    fn times_are_shown_in_uk_time_summer_and_winter() {
        assert_eq!(fmt_time(at(2027, 6, 30, 23, 30)), "1 July 2027 at 12:30am");
        assert_eq!(
            fmt_time(at(2027, 12, 1, 14, 5)),
            "1 December 2027 at 2:05pm"
        );
        assert_eq!(fmt_day(at(2027, 6, 30, 23, 30)), "1 July 2027");
    }

    #[test]
    fn dates_read_as_govuk_writes_them() {
        assert_eq!(
            fmt_date(NaiveDate::from_ymd_opt(2027, 6, 4).unwrap_or_default()),
            "4 June 2027"
        );
    }
}
