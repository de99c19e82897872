//! `cnis import social-care --ssd DIR`: children's social care records from CSV extracts of the
//! Standard Safeguarding Dataset (data-to-insight's open data model), one file per SSD table, in
//! its published column names: `ssd_person.csv` (required), and, where the council extracts
//! them, `ssd_linked_identifiers.csv`, `ssd_address.csv`, `ssd_s47_enquiry.csv`,
//! `ssd_cp_plans.csv` and `ssd_cin_episodes.csv`. Each person becomes one record for the
//! cross-check, checked as the other importers check theirs (`social_care::check`), all in one
//! transaction: a file that cannot be read imports nothing.
use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::social_care::{check, store_checked, ImportError, RawEpisode, Report};
use crate::db::AnyConnection;
use crate::domain::safeguarding::EpisodeKind;

const MAX_LINE: usize = 64 * 1024;
/// The source name the records are stored under.
pub const SOURCE: &str = "ssd";

/// A row as column name → value, with its line number.
type Row = (u64, HashMap<String, String>);
/// A table's rows by person id.
type ByPerson = HashMap<String, Vec<Row>>;

/// One SSD table read whole.
struct Table {
    file: String,
    rows: Vec<Row>,
}

impl Table {
    /// Reads `DIR/<name>.csv`, or None when the council did not extract that table (and it is
    /// not `required`). Rows that are not CSV, not UTF-8 or the wrong width are reported.
    fn read(
        dir: &Path,
        name: &str,
        required_columns: &[&str],
        required: bool,
        report: &mut Report,
    ) -> Result<Option<Table>, ImportError> {
        let file = format!("{name}.csv");
        let path = dir.join(&file);
        let f = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(None),
            Err(e) => return Err(ImportError::Read(format!("cannot open {file}: {e}"))),
        };
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(super::LineLimit::new(f, MAX_LINE));
        let (headers, _) = super::read_header(&mut rdr, required_columns)
            .map_err(|e| ImportError::Header(format!("{file}: {e}")))?;
        let mut rows = vec![];
        let mut record = csv::ByteRecord::new();
        loop {
            match super::next_row(&mut rdr, &mut record, headers.len())
                .map_err(|e| ImportError::Read(format!("{file} {e}")))?
            {
                super::NextRow::End => break,
                super::NextRow::Bad { line, why } => {
                    report.rejected.push((format!("{file} line {line}"), why))
                }
                super::NextRow::Row { line, fields } => rows.push((
                    line,
                    headers
                        .iter()
                        .cloned()
                        .zip(fields.iter().map(|v| v.trim().to_string()))
                        .collect(),
                )),
            }
        }
        Ok(Some(Table { file, rows }))
    }

    /// The rows of each person, by the person id in `column`.
    fn by_person(self, column: &str) -> ByPerson {
        let mut out: HashMap<String, Vec<_>> = HashMap::new();
        for (line, row) in self.rows {
            if let Some(id) = row.get(column).filter(|v| !v.is_empty()) {
                out.entry(id.clone()).or_default().push((line, row));
            }
        }
        out
    }
}

/// SSD dates are datetimes ("2024-12-10 00:00:00.000"); the day is what counts.
fn day(v: &str) -> String {
    v.split([' ', 'T']).next().unwrap_or_default().to_string()
}

/// The value of `column` in `row`, or empty.
fn field(row: &HashMap<String, String>, column: &str) -> String {
    row.get(column).cloned().unwrap_or_default()
}

/// The person's address now: one without an end date (or ending after today), the latest to
/// start. `addr_address_json` holds its parts; the first line is what a letter would show first.
fn current_address(rows: &[Row], today: NaiveDate) -> Option<(String, String, String)> {
    let current = rows
        .iter()
        .map(|(_, r)| r)
        .filter(|r| {
            let end = day(&field(r, "addr_address_end_date"));
            NaiveDate::parse_from_str(&end, "%Y-%m-%d").map_or(true, |d| d >= today)
        })
        .max_by_key(|r| day(&field(r, "addr_address_start_date")))?;
    let parts: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&field(current, "addr_address_json")).unwrap_or_default();
    let part = |k: &str| {
        parts
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .unwrap_or_default()
            .to_string()
    };
    let line_1 = ["FLAT", "BUILDING", "HOUSE", "STREET"]
        .iter()
        .map(|k| part(k))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Some((
        line_1,
        part("TOWN"),
        field(current, "addr_address_postcode"),
    ))
}

/// Imports an SSD extract from `dir`.
pub fn import(
    conn: &mut AnyConnection,
    dir: &Path,
    today: NaiveDate,
    progress: &dyn Fn(u64),
) -> Result<Report, ImportError> {
    let mut report = Report::default();
    let Some(people) = Table::read(
        dir,
        "ssd_person",
        &["pers_person_id", "pers_dob"],
        true,
        &mut report,
    )?
    else {
        return Err(ImportError::Read("ssd_person.csv is missing".into()));
    };
    let mut optional = |name: &str, person: &str, columns: &[&str]| {
        Table::read(dir, name, columns, false, &mut report)
            .map(|t| t.map(|t| t.by_person(person)).unwrap_or_default())
    };
    let identifiers = optional(
        "ssd_linked_identifiers",
        "link_person_id",
        &[
            "link_person_id",
            "link_identifier_type",
            "link_identifier_value",
        ],
    )?;
    let addresses = optional(
        "ssd_address",
        "addr_person_id",
        &["addr_person_id", "addr_address_postcode"],
    )?;
    let enquiries = optional(
        "ssd_s47_enquiry",
        "s47e_person_id",
        &["s47e_person_id", "s47e_s47_start_date", "s47e_s47_end_date"],
    )?;
    let plans = optional(
        "ssd_cp_plans",
        "cppl_person_id",
        &[
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
        ],
    )?;
    let referrals = optional(
        "ssd_cin_episodes",
        "cine_person_id",
        &["cine_person_id", "cine_referral_date", "cine_close_date"],
    )?;
    let named = people.rows.iter().any(|(_, r)| {
        !field(r, "pers_forename").is_empty() || !field(r, "pers_surname").is_empty()
    });
    if !named {
        report.note = Some(
            "this SSD extract has no names (pers_forename, pers_surname): these records match on UPN, NHS number, date of birth, sex and address only".into(),
        );
    }
    let none = vec![];
    let file = people.file.clone();
    crate::db::write::<_, ImportError, _>(conn, |conn| {
        let mut seen = std::collections::HashSet::new();
        for (n, (line, person)) in people.rows.iter().enumerate() {
            let at = format!("{file} line {line}");
            let id = field(person, "pers_person_id");
            let rows = |t: &ByPerson| t.get(&id).unwrap_or(&none).clone();
            // The first identifier of each kind that is not the SSD's placeholder.
            let ident = |kind: &str| {
                rows(&identifiers)
                    .iter()
                    .filter(|(_, r)| {
                        field(r, "link_identifier_type").eq_ignore_ascii_case(kind)
                            && field(r, "link_valid_to_date").is_empty()
                    })
                    .map(|(_, r)| field(r, "link_identifier_value"))
                    .find(|v| !v.is_empty() && v != "SSD_PH")
                    .unwrap_or_default()
            };
            let address = current_address(&rows(&addresses), today);
            let upn = Some(field(person, "pers_upn"))
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| ident("Unique Pupil Number"));
            let nhs = [
                field(person, "pers_single_unique_id"),
                field(person, "pers_common_child_id"),
                ident("NHS Number"),
            ]
            .into_iter()
            .find(|v| !v.is_empty())
            .unwrap_or_default();
            // pers_sex is F, M or U; where it is not known, pers_gender may be (01 male, 02
            // female).
            let sex = match field(person, "pers_sex") {
                s if matches!(
                    s.to_ascii_uppercase().as_str(),
                    "F" | "M" | "FEMALE" | "MALE"
                ) =>
                {
                    s
                }
                _ => field(person, "pers_gender")
                    .trim_start_matches('0')
                    .to_string(),
            };
            let get = |col: &str| -> String {
                match col {
                    "record_id" => id.clone(),
                    "given_names" => field(person, "pers_forename"),
                    "family_name" => field(person, "pers_surname"),
                    "date_of_birth" => day(&field(person, "pers_dob")),
                    "sex" => sex.clone(),
                    "upn" => upn.clone(),
                    "former_upn" => ident("Former Unique Pupil Number"),
                    "nhs_number" => nhs.clone(),
                    "address_line_1" => address.as_ref().map(|a| a.0.clone()).unwrap_or_default(),
                    "town" => address.as_ref().map(|a| a.1.clone()).unwrap_or_default(),
                    "postcode" => address.as_ref().map(|a| a.2.clone()).unwrap_or_default(),
                    _ => String::new(),
                }
            };
            let mut episodes: Vec<RawEpisode> = vec![];
            for (_, e) in rows(&enquiries) {
                episodes.push(RawEpisode {
                    nfa: field(&e, "s47e_s47_nfa"),
                    ..RawEpisode::new(
                        EpisodeKind::Section47,
                        day(&field(&e, "s47e_s47_start_date")),
                        day(&field(&e, "s47e_s47_end_date")),
                    )
                });
            }
            for (_, p) in rows(&plans) {
                episodes.push(RawEpisode::new(
                    EpisodeKind::ChildProtectionPlan,
                    day(&field(&p, "cppl_cp_plan_start_date")),
                    day(&field(&p, "cppl_cp_plan_end_date")),
                ));
            }
            for (_, r) in rows(&referrals) {
                episodes.push(RawEpisode::new(
                    EpisodeKind::ChildInNeed,
                    day(&field(&r, "cine_referral_date")),
                    day(&field(&r, "cine_close_date")),
                ));
            }
            store_checked(
                conn,
                &mut report,
                &mut seen,
                SOURCE,
                at,
                "pers_person_id",
                check(&get, &episodes, today),
            )?;
            if n % 1000 == 999 {
                progress(n as u64 + 1);
            }
        }
        Ok(())
    })?;
    // A table's rows about a person who is not in ssd_person: said, not silently dropped.
    let known: std::collections::HashSet<String> = people
        .rows
        .iter()
        .map(|(_, r)| field(r, "pers_person_id"))
        .collect();
    let mut strays = vec![];
    for (name, table) in [
        ("ssd_linked_identifiers.csv", &identifiers),
        ("ssd_address.csv", &addresses),
        ("ssd_s47_enquiry.csv", &enquiries),
        ("ssd_cp_plans.csv", &plans),
        ("ssd_cin_episodes.csv", &referrals),
    ] {
        for (id, rows) in table {
            if !known.contains(id) {
                for (line, _) in rows {
                    strays.push((name, *line));
                }
            }
        }
    }
    strays.sort();
    for (name, line) in strays {
        report.warnings.push((
            format!("{name} line {line}"),
            "its person is not in ssd_person.csv: ignored".into(),
        ));
    }
    Ok(report)
}
