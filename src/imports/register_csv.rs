//! `cnis import register FILE.csv`: bulk load from a legacy system (issue 2).
//! Streams the file, checks every row as the officers' form does, imports the good rows (each row
//! whole or not at all), reports bad rows with line numbers, and is idempotent on `register_ref`.
use std::io::Read;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::children;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::identifiers::{normalise_nhs_number, normalise_postcode, normalise_upn};
use crate::domain::register::AddressKind;
use crate::domain::register::{has_disallowed_chars, ARRANGEMENTS};
use crate::store::children::{self as store, Address, Child, Parent};

pub const REQUIRED: &[&str] = &[
    "register_ref",
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "upn",
    "nhs_number",
    "address_line_1",
    "town",
    "postcode",
];
pub const OPTIONAL: &[&str] = &[
    "address_line_2",
    "parent_name",
    "parent_email",
    "education_type",
    "eligible_from",
];
const MAX_LINE: usize = 64 * 1024;
const BATCH: usize = 500;

#[derive(Debug, Default)]
pub struct Report {
    pub imported: usize,
    /// Of those imported, the entries kept with details missing.
    pub incomplete: usize,
    pub already_present: usize,
    /// (line number, reason)
    pub rejected: Vec<(u64, String)>,
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Header(String),
    #[error("{0}")]
    Read(String),
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
}

/// One checked row, ready to write.
struct Row {
    child: Child,
    /// None when the legacy row had no part of an address.
    address: Option<Address>,
    parent: Option<Parent>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

fn check_row(get: &dyn Fn(&str) -> String, today: NaiveDate) -> Result<Row, String> {
    let mut problems: Vec<String> = vec![];
    let mut text = |col: &str, max: usize, required: bool| -> Option<String> {
        let v = get(col);
        if v.is_empty() {
            if required {
                problems.push(format!("{col} is empty"));
            }
            return None;
        }
        if has_disallowed_chars(&v, false) {
            problems.push(format!("{col} has control or text-direction characters"));
        } else if v.chars().count() > max {
            problems.push(format!("{col} is longer than {max} characters"));
        }
        Some(v)
    };
    let register_ref = text("register_ref", 50, true);
    // A blank name or address part does not lose the child: the entry is kept, marked with what
    // is missing (`missing_details`), and an officer is asked to complete it.
    let given = text("given_names", 100, false);
    let family = text("family_name", 100, false);
    let line_1 = text("address_line_1", 200, false);
    let line_2 = text("address_line_2", 200, false);
    let town = text("town", 100, false);
    let parent_name = text("parent_name", 200, false);
    // A date of birth that is blank, not a real date, or not a child's is as good as none: the
    // entry is kept without it, marked incomplete, like a blank name.
    let dob = parse_date(&get("date_of_birth"))
        .filter(|d| *d <= today && *d >= today - chrono::Duration::days(365 * 25));
    let sex = match get("sex").to_ascii_uppercase().as_str() {
        "F" | "FEMALE" => "F",
        "M" | "MALE" => "M",
        "U" | "" | "NOT KNOWN" | "UNKNOWN" => "U",
        other => {
            problems.push(format!("sex {other:.20} is not F, M or U"));
            "U"
        }
    };
    let upn = match get("upn") {
        s if s.is_empty() => None,
        s => normalise_upn(&s)
            .map_err(|e| problems.push(format!("upn: {e}")))
            .ok(),
    };
    let nhs = match get("nhs_number") {
        s if s.is_empty() => None,
        s => normalise_nhs_number(&s)
            .map_err(|e| problems.push(format!("nhs_number: {e}")))
            .ok(),
    };
    // A postcode that is not a real one is as good as none: the entry is kept without it.
    let postcode = normalise_postcode(&get("postcode")).ok();
    let arrangement = match get("education_type") {
        s if s.is_empty() => "not_known".to_string(),
        s => match ARRANGEMENTS
            .iter()
            .find(|(c, l)| c.eq_ignore_ascii_case(&s) || l.eq_ignore_ascii_case(&s))
        {
            Some((c, _)) => c.to_string(),
            None => {
                problems.push(format!(
                    "education_type {s:.30} is not one of: {}",
                    ARRANGEMENTS
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                "not_known".into()
            }
        },
    };
    let eligible_from = match get("eligible_from") {
        s if s.is_empty() => None,
        s => parse_date(&s).or_else(|| {
            problems.push(format!("eligible_from {s:.20} is not a real date"));
            None
        }),
    };
    let parent_email = match get("parent_email") {
        s if s.is_empty() => None,
        s => {
            use validator::ValidateEmail;
            if s.validate_email() && s.len() <= 254 {
                Some(s.to_lowercase())
            } else {
                problems.push(format!("parent_email {s:.40} is not an email address"));
                None
            }
        }
    };
    if given.is_none() && family.is_none() && upn.is_none() && nhs.is_none() {
        problems.push("no name, UPN or NHS number: nothing says which child this is".into());
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let Some(register_ref) = register_ref else {
        return Err("row is incomplete".into());
    };
    let (given, family) = (given.unwrap_or_default(), family.unwrap_or_default());
    let (line_1, town, postcode) = (
        line_1.unwrap_or_default(),
        town.unwrap_or_default(),
        postcode.unwrap_or_default(),
    );
    let missing =
        crate::domain::register::missing_details(&given, &family, dob, &line_1, &town, &postcode);
    let t = now();
    let id = new_id();
    let condition = match arrangement.as_str() {
        "flexi_schooled" | "part_time_timetable" | "alternative_provision" => "c_b",
        "fe_part_time" => "c_c",
        _ => "c_a",
    };
    let mut child = Child {
        id: id.clone(),
        reference: store::new_reference(),
        given_names: given,
        family_name: family,
        date_of_birth: dob,
        sex: sex.into(),
        upn,
        nhs_number: nhs,
        la_reference: Some(register_ref),
        arrangement,
        eligibility_condition: condition.into(),
        eligible_from,
        reason: "not_provided".into(),
        reason_detail: None,
        sen_status: "not_known".into(),
        parent_hours_per_week: None,
        other_hours_per_week: None,
        missing,
        ..Child::open_entry("import", t)
    };
    store::refresh_keys(&mut child, Some(&postcode));
    let no_address = line_1.is_empty() && town.is_empty() && postcode.is_empty();
    let address = (!no_address).then(|| Address {
        id: new_id(),
        child_id: id.clone(),
        kind: AddressKind::Current,
        line_1,
        line_2,
        town,
        postcode,
        moved_in_on: None,
        created_at: t,
    });
    let parent = parent_name.map(|n| {
        let (given, family) = match n.rsplit_once(' ') {
            Some((g, f)) => (g.to_string(), f.to_string()),
            None => (String::new(), n.clone()),
        };
        Parent {
            id: new_id(),
            child_id: id.clone(),
            given_names: given,
            family_name: family,
            relationship: "other".into(),
            parental_responsibility: true,
            lives_with_child: true,
            educating: false,
            address_line_1: None,
            address_town: None,
            address_postcode: None,
            email: parent_email,
            phone: None,
            created_at: t,
        }
    });
    Ok(Row {
        child,
        address,
        parent,
    })
}

fn write_batch(
    conn: &mut AnyConnection,
    batch: &mut Vec<(u64, Row)>,
    report: &mut Report,
) -> Result<(), ImportError> {
    if batch.is_empty() {
        return Ok(());
    }
    crate::db::write::<_, ImportError, _>(conn, |c| {
        for (_, row) in batch.iter_mut() {
            // Idempotent on register_ref: a reference already on the register is left alone.
            let exists: i64 = children::table
                .filter(children::la_reference.eq(&row.child.la_reference))
                .count()
                .get_result(c)?;
            if exists > 0 {
                report.already_present += 1;
                continue;
            }
            let parents: Vec<Parent> = row.parent.iter().cloned().collect();
            store::insert(
                c,
                &mut row.child,
                row.address.as_slice(),
                &parents,
                &[],
                None,
                "Imported from a legacy register",
            )?;
            if let Some(missing) = &row.child.missing {
                crate::store::tasks::complete_entry(c, &row.child.id, missing)?;
                report.incomplete += 1;
            }
            report.imported += 1;
        }
        Ok(())
    })?;
    batch.clear();
    Ok(())
}

/// Imports a register CSV; `progress` is told how many bytes have been read.
pub fn import(
    conn: &mut AnyConnection,
    input: impl Read,
    today: NaiveDate,
    progress: &dyn Fn(u64),
) -> Result<Report, ImportError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(super::LineLimit::new(input, MAX_LINE));
    let (headers, index) = super::read_header(&mut rdr, REQUIRED).map_err(ImportError::Header)?;
    let mut report = Report {
        ignored_columns: headers
            .iter()
            .filter(|h| !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()))
            .cloned()
            .collect(),
        ..Default::default()
    };
    let mut batch: Vec<(u64, Row)> = Vec::with_capacity(BATCH);
    let mut seen_refs = std::collections::HashSet::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let (line, fields) = match super::next_row(&mut rdr, &mut record, headers.len())
            .map_err(ImportError::Read)?
        {
            super::NextRow::End => break,
            super::NextRow::Bad { line, why } => {
                report.rejected.push((line, why));
                continue;
            }
            super::NextRow::Row { line, fields } => (line, fields),
        };
        let get = |col: &str| {
            index
                .get(col)
                .and_then(|i| fields.get(*i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        match check_row(&get, today) {
            Ok(row) => {
                if !seen_refs.insert(get("register_ref")) {
                    report
                        .rejected
                        .push((line, "register_ref appears earlier in this file".into()));
                    continue;
                }
                batch.push((line, row));
                if batch.len() >= BATCH {
                    write_batch(conn, &mut batch, &mut report)?;
                    progress(rdr.position().byte());
                }
            }
            Err(why) => report.rejected.push((line, why)),
        }
    }
    write_batch(conn, &mut batch, &mut report)?;
    progress(rdr.position().byte());
    Ok(report)
}
