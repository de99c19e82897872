//! `cnis import social-care FILE.csv|FILE.xml`: children's social care records for the nightly
//! cross-check. Streams the file inside one transaction, so a file that cannot be read changes
//! nothing; a record with a problem is reported with its reason while the rest import. A bad
//! identifier or date is dropped with a warning rather than losing the record: a record that cannot
//! be matched on everything can still be matched on the rest, and a missed child protection match
//! is the worst outcome.
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};

use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::domain::identifiers::{normalise_nhs_number, normalise_postcode, normalise_upn};
use crate::domain::register::has_disallowed_chars;
use crate::domain::safeguarding::{Episode, EpisodeKind};
use crate::store::social_care::{self, Incoming, Stored};

pub const CSV_COLUMNS: &[&str] = &[
    "record_id",
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "upn",
    "nhs_number",
    "address_line_1",
    "town",
    "postcode",
    "s47_start_date",
    "s47_end_date",
    "cp_plan_start_date",
    "cp_plan_end_date",
    "cin_start_date",
    "cin_end_date",
];
/// Optional columns: how an ended section 47 enquiry ended. Without them every ended enquiry
/// has no known outcome, and officers are asked to record it.
pub const OPTIONAL_CSV_COLUMNS: &[&str] = &["s47_nfa", "s47_action_date"];
const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Default)]
pub struct Report {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// (where: a line number or a record position, reason)
    pub rejected: Vec<(String, String)>,
    pub warnings: Vec<(String, String)>,
    /// Said in the run report when the source carries no names (CIN census XML).
    pub note: Option<String>,
    /// Section 47 enquiries that ended without the source saying how: each may make a child a
    /// relevant child (s.434A(4)) until an officer records the outcome.
    pub outcome_unknown: usize,
}

/// One episode as the source wrote it, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct RawEpisode {
    pub kind: Option<EpisodeKind>,
    pub start: String,
    pub end: String,
    /// Section 47 only: "true" when the enquiry ended with no further action.
    pub nfa: String,
    /// Section 47 only: the day of the decision to take action under s.47(8).
    pub action_date: String,
}

impl RawEpisode {
    pub fn new(kind: EpisodeKind, start: String, end: String) -> RawEpisode {
        RawEpisode {
            kind: Some(kind),
            start,
            end,
            ..Default::default()
        }
    }
}

/// "true"/"false" and the usual spellings of yes and no; None for empty or anything else.
fn parse_flag(v: &str) -> Result<Option<bool>, ()> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "yes" | "y" | "1" => Ok(Some(true)),
        "false" | "no" | "n" | "0" => Ok(Some(false)),
        _ => Err(()),
    }
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

fn parse_date(s: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s.trim(), f).ok())
}

/// Checks one record's fields; returns the record and any warnings, or why it cannot be used.
pub fn check(
    get: &dyn Fn(&str) -> String,
    episodes: &[RawEpisode],
    today: NaiveDate,
) -> Result<(Incoming, Vec<String>), String> {
    let mut warn: Vec<String> = vec![];
    let record_id = get("record_id");
    if record_id.is_empty() {
        return Err("record_id is empty".into());
    }
    if record_id.chars().count() > 100 || has_disallowed_chars(&record_id, false) {
        return Err("record_id is longer than 100 characters or has control characters".into());
    }
    let mut text = |col: &str, max: usize| -> Option<String> {
        let v = get(col);
        if v.is_empty() {
            return None;
        }
        if has_disallowed_chars(&v, false) || v.chars().count() > max {
            warn.push(format!(
                "{col} is too long or has control characters: ignored"
            ));
            return None;
        }
        Some(v)
    };
    let given_names = text("given_names", 100);
    let family_name = text("family_name", 100);
    let address_line_1 = text("address_line_1", 200);
    let town = text("town", 100);
    let mut warn2: Vec<String> = vec![];
    let mut date = |col: &str, v: &str| -> Option<NaiveDate> {
        if v.is_empty() {
            return None;
        }
        match parse_date(v) {
            Some(d) if chrono::Datelike::year(&d) < 1900 || d > today + chrono::Days::new(366) => {
                warn2.push(format!("{col} {v:.20} is not a plausible date: ignored"));
                None
            }
            Some(d) => Some(d),
            None => {
                warn2.push(format!(
                    "{col} {v:.20} is not a real date (use YYYY-MM-DD): ignored"
                ));
                None
            }
        }
    };
    let dob = date("date_of_birth", &get("date_of_birth")).filter(|d| *d <= today);
    let mut eps = vec![];
    let mut order: Vec<String> = vec![];
    for raw in episodes {
        let Some(kind) = raw.kind else { continue };
        let col = kind.as_str();
        let s = date(&format!("{col}_start_date"), &raw.start);
        let mut e = date(&format!("{col}_end_date"), &raw.end);
        let mut action_date = date(&format!("{col}_action_date"), &raw.action_date);
        let nfa = match parse_flag(&raw.nfa) {
            Ok(v) => v,
            Err(()) => {
                order.push(format!(
                    "{col}_nfa {:.20} is not true or false: ignored",
                    raw.nfa
                ));
                None
            }
        };
        if raw.start.is_empty() && raw.end.is_empty() && raw.action_date.is_empty() {
            continue;
        }
        // A period that has not begun is not a fact yet: shown, it would say a plan is active
        // from a day still to come.
        if let Some(s) = s.filter(|s| *s > today) {
            order.push(format!(
                "{col} starts on {s}, after today: this {} is not imported",
                kind.label().to_lowercase()
            ));
            continue;
        }
        if e.is_some_and(|e| e > today) {
            order.push(format!("{col}_end_date is after today: treated as ongoing"));
            e = None;
        }
        if let (Some(s), Some(en)) = (s, e) {
            if en < s {
                order.push(format!("{col} ends before it starts: treated as ongoing"));
                e = None;
            }
        }
        if let (Some(s), Some(a)) = (s, action_date) {
            if a < s {
                order.push(format!(
                    "{col}_action_date is before the enquiry started: ignored"
                ));
                action_date = None;
            }
        }
        if nfa == Some(true) && action_date.is_some() {
            order.push(format!(
                "{col}_nfa says no further action but {col}_action_date gives a decision to act: the action is kept"
            ));
        }
        let (nfa, action_date) = if kind == EpisodeKind::Section47 {
            (nfa.filter(|_| action_date.is_none()), action_date)
        } else {
            (None, None)
        };
        eps.push(Episode {
            kind,
            start: s,
            end: e,
            nfa,
            action_date,
        });
    }
    warn.extend(warn2);
    warn.extend(order);
    let sex = match get("sex").to_ascii_uppercase().as_str() {
        "F" | "FEMALE" | "2" => "F",
        "M" | "MALE" | "1" => "M",
        "" | "U" | "0" | "9" | "NOT KNOWN" | "UNKNOWN" => "U",
        other => {
            warn.push(format!("sex {other:.20} is not F, M or U: ignored"));
            "U"
        }
    }
    .to_string();
    let mut ident = |col: &str, f: fn(&str) -> Result<String, &'static str>| -> Option<String> {
        let v = get(col);
        if v.is_empty() {
            return None;
        }
        match f(&v) {
            Ok(n) => Some(n),
            Err(e) => {
                warn.push(format!("{col}: {e}: ignored for matching"));
                None
            }
        }
    };
    let upn = ident("upn", normalise_upn);
    let former_upn = ident("former_upn", normalise_upn);
    let nhs_number = ident("nhs_number", normalise_nhs_number);
    // A postcode that is not a real one but looks like one (a typo) still carries its district:
    // kept as written, in capitals, and compared as text. Anything else ("NO FIXED ABODE") is
    // not a postcode at all and is dropped, as before.
    let postcode = match get("postcode") {
        v if v.is_empty() => None,
        v => match normalise_postcode(&v) {
            Ok(pc) => Some(pc),
            Err(e) => match crate::domain::identifiers::postcode_as_written(&v) {
                Some(pc) => {
                    warn.push(format!("postcode: {e}: compared as written"));
                    Some(pc)
                }
                None => {
                    warn.push(format!("postcode: {e}: ignored for matching"));
                    None
                }
            },
        },
    };
    if given_names.is_none()
        && family_name.is_none()
        && dob.is_none()
        && upn.is_none()
        && nhs_number.is_none()
        && former_upn.is_none()
    {
        return Err("nothing to match on: no name, date of birth, UPN or NHS number".into());
    }
    Ok((
        Incoming {
            record_id,
            given_names,
            family_name,
            date_of_birth: dob,
            sex,
            upn,
            former_upn,
            nhs_number,
            address_line_1,
            town,
            postcode,
            episodes: eps,
        },
        warn,
    ))
}

/// Counts what one stored record adds to the report.
/// Stores one checked record, or reports why not: a record `check` refused, or one whose id
/// (`id_column`, as the source calls it) came earlier in the file; its warnings are kept.
pub(crate) fn store_checked(
    conn: &mut AnyConnection,
    report: &mut Report,
    seen: &mut HashSet<String>,
    source: &str,
    at: String,
    id_column: &str,
    checked: Result<(Incoming, Vec<String>), String>,
) -> Result<(), ImportError> {
    match checked {
        Ok((r, warnings)) => {
            if !seen.insert(r.record_id.clone()) {
                report.rejected.push((
                    at,
                    format!(
                        "{id_column} {:.40} appears earlier in this file",
                        r.record_id
                    ),
                ));
                return Ok(());
            }
            for w in warnings {
                report.warnings.push((at.clone(), w));
            }
            let stored = social_care::store(conn, source, &r)?;
            tally_record(report, stored);
        }
        Err(why) => report
            .rejected
            .push((at, why.replace("record_id", id_column))),
    }
    Ok(())
}

fn tally_record(report: &mut Report, (s, unknown): (Stored, usize)) {
    report.outcome_unknown += unknown;
    tally(report, s);
}

fn tally(report: &mut Report, s: Stored) {
    match s {
        Stored::New => report.new += 1,
        Stored::Changed => report.changed += 1,
        Stored::Unchanged => report.unchanged += 1,
    }
}

/// Imports the CSV form; `progress` is told how many bytes have been read.
pub fn import_csv(
    conn: &mut AnyConnection,
    input: impl Read,
    source: &str,
    today: NaiveDate,
    progress: &dyn Fn(u64),
) -> Result<Report, ImportError> {
    crate::db::write::<_, ImportError, _>(conn, |conn| {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(super::LineLimit::new(input, MAX_LINE));
        let (headers, index) =
            super::read_header(&mut rdr, CSV_COLUMNS).map_err(ImportError::Header)?;
        let mut report = Report::default();
        let mut seen: HashSet<String> = HashSet::new();
        let mut record = csv::ByteRecord::new();
        let mut n = 0u64;
        loop {
            let (at, fields) = match super::next_row(&mut rdr, &mut record, headers.len())
                .map_err(ImportError::Read)?
            {
                super::NextRow::End => break,
                super::NextRow::Bad { line, why } => {
                    report.rejected.push((format!("line {line}"), why));
                    continue;
                }
                super::NextRow::Row { line, fields } => (format!("line {line}"), fields),
            };
            let get = |col: &str| {
                index
                    .get(col)
                    .and_then(|i| fields.get(*i))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let episodes = [
                RawEpisode {
                    nfa: get("s47_nfa"),
                    action_date: get("s47_action_date"),
                    ..RawEpisode::new(
                        EpisodeKind::Section47,
                        get("s47_start_date"),
                        get("s47_end_date"),
                    )
                },
                RawEpisode::new(
                    EpisodeKind::ChildProtectionPlan,
                    get("cp_plan_start_date"),
                    get("cp_plan_end_date"),
                ),
                RawEpisode::new(
                    EpisodeKind::ChildInNeed,
                    get("cin_start_date"),
                    get("cin_end_date"),
                ),
            ];
            store_checked(
                conn,
                &mut report,
                &mut seen,
                source,
                at,
                "record_id",
                check(&get, &episodes, today),
            )?;
            n += 1;
            if n.is_multiple_of(1000) {
                progress(rdr.position().byte());
            }
        }
        progress(rdr.position().byte());
        Ok(report)
    })
}

/// Elements nested deeper than this are not a CIN census (it nests about six deep).
pub const MAX_XML_DEPTH: usize = 32;
/// The longest run of bytes without markup: no value in a CIN census comes near it.
pub const MAX_XML_TEXT: usize = 64 * 1024;

/// Reads through to `inner`, failing once more than `max` bytes pass without a `<` or `>`, so a
/// hostile file cannot make the parser hold one enormous text or tag in memory.
struct NoLongRuns<R> {
    inner: R,
    run: usize,
    max: usize,
    too_long: bool,
}

impl<R: std::io::Read> std::io::Read for NoLongRuns<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.count(&out[..n])?;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for NoLongRuns<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.too_long {
            return Err(std::io::Error::other(format!(
                "a text or tag longer than {} bytes",
                self.max
            )));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        let seen: Vec<u8> = match self.inner.fill_buf() {
            Ok(b) => b[..amt.min(b.len())].to_vec(),
            Err(_) => vec![],
        };
        let _ = self.count(&seen);
        self.inner.consume(amt);
    }
}

impl<R> NoLongRuns<R> {
    /// Adds bytes that passed; the run too long is remembered, and the next read fails.
    fn count(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        for b in bytes {
            if *b == b'<' || *b == b'>' {
                self.run = 0;
            } else {
                self.run += 1;
                if self.run > self.max {
                    self.too_long = true;
                }
            }
        }
        Ok(())
    }
}

/// How each section 47 enquiry in a CIN census ended (standards.md §2.1). `ICPCnotRequired`
/// true: it ended with no further action (on the day it started, when no other day is given). A
/// conference date with a child protection plan starting that day: action under s.47(8) that
/// day. A conference with no plan that day: the outcome is not known, and an officer decides.
fn census_outcomes(episodes: &[RawEpisode]) -> Vec<RawEpisode> {
    let plan_starts: Vec<NaiveDate> = episodes
        .iter()
        .filter(|e| e.kind == Some(EpisodeKind::ChildProtectionPlan))
        .filter_map(|e| parse_date(&e.start))
        .collect();
    episodes
        .iter()
        .map(|e| {
            let mut e = e.clone();
            if e.kind != Some(EpisodeKind::Section47) {
                return e;
            }
            if parse_flag(&e.nfa) == Ok(Some(true)) {
                if e.end.is_empty() {
                    e.end = e.start.clone();
                }
                return e;
            }
            e.nfa = String::new();
            if let Some(icpc) = parse_date(&e.end) {
                if plan_starts.contains(&icpc) {
                    e.action_date = e.end.clone();
                }
            }
            e
        })
        .collect()
}

/// Imports the DfE Children in Need census XML (standards.md §2.1). It carries no names or
/// addresses: matching uses identifiers, date of birth and sex only, and the report says so.
/// A file nested deeper than `MAX_XML_DEPTH` or with a run longer than `MAX_XML_TEXT` is refused.
pub fn import_cin_xml(
    conn: &mut AnyConnection,
    input: impl BufRead,
    today: NaiveDate,
    progress: &dyn Fn(u64),
) -> Result<Report, ImportError> {
    use quick_xml::events::Event;
    crate::db::write::<_, ImportError, _>(conn, |conn| {
        let mut reader = quick_xml::Reader::from_reader(NoLongRuns {
            inner: input,
            run: 0,
            max: MAX_XML_TEXT,
            too_long: false,
        });
        reader.config_mut().trim_text(true);
        let mut report = Report {
            note: Some("CIN census XML has no names or addresses: these records match on UPN, former UPN, date of birth and sex only".into()),
            ..Default::default()
        };
        let mut buf = Vec::new();
        let mut path: Vec<String> = vec![];
        let mut child: Option<HashMap<String, String>> = None;
        let mut episodes: Vec<RawEpisode> = vec![];
        let mut episode: Option<RawEpisode> = None;
        let mut cin_episode: Option<(String, String)> = None;
        let mut seen: HashSet<String> = HashSet::new();
        let mut position = 0usize;
        loop {
            let ev = reader.read_event_into(&mut buf).map_err(|e| {
                ImportError::Read(format!(
                    "the XML is not well formed near byte {}: {e}",
                    reader.buffer_position()
                ))
            })?;
            match ev {
                Event::Start(e) => {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).to_string();
                    match name.as_str() {
                        "Child" => {
                            child = Some(HashMap::new());
                            episodes.clear();
                        }
                        "Section47" => {
                            episode = Some(RawEpisode::new(
                                EpisodeKind::Section47,
                                String::new(),
                                String::new(),
                            ))
                        }
                        "ChildProtectionPlans" => {
                            episode = Some(RawEpisode::new(
                                EpisodeKind::ChildProtectionPlan,
                                String::new(),
                                String::new(),
                            ))
                        }
                        "CINdetails" => cin_episode = Some((String::new(), String::new())),
                        _ => {}
                    }
                    path.push(name);
                    if path.len() > MAX_XML_DEPTH {
                        return Err(ImportError::Read(format!(
                            "elements are nested more than {MAX_XML_DEPTH} deep near byte {}: this is not a CIN census file",
                            reader.buffer_position()
                        )));
                    }
                }
                Event::Text(t) => {
                    let text = t.decode().map(|s| s.trim().to_string()).unwrap_or_default();
                    let Some(tag) = path.last() else { continue };
                    if let Some(c) = child.as_mut() {
                        match tag.as_str() {
                            "LAchildID" | "UPN" | "FormerUPN" | "PersonBirthDate" | "Sex"
                            | "GenderCurrent" => {
                                c.insert(tag.clone(), text.clone());
                            }
                            _ => {}
                        }
                    }
                    match (tag.as_str(), episode.as_mut(), cin_episode.as_mut()) {
                        ("S47ActualStartDate", Some(ep), _) | ("CPPstartDate", Some(ep), _) => {
                            ep.start = text
                        }
                        // The enquiry ends at the initial conference, or when none is needed.
                        ("CPPendDate", Some(ep), _) | ("DateOfInitialCPC", Some(ep), _) => {
                            ep.end = text
                        }
                        ("ICPCnotRequired", Some(ep), _) => ep.nfa = text,
                        ("CINreferralDate", _, Some(ce)) => ce.0 = text,
                        ("CINclosureDate", _, Some(ce)) => ce.1 = text,
                        _ => {}
                    }
                }
                Event::End(e) => {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).to_string();
                    path.pop();
                    match name.as_str() {
                        "Section47" | "ChildProtectionPlans" => {
                            if let Some(ep) = episode.take() {
                                episodes.push(ep);
                            }
                        }
                        "CINdetails" => {
                            if let Some((s, en)) = cin_episode.take() {
                                episodes.push(RawEpisode::new(EpisodeKind::ChildInNeed, s, en));
                            }
                        }
                        "Child" => {
                            position += 1;
                            let Some(c) = child.take() else { continue };
                            let get = |k: &str| -> String {
                                let key = match k {
                                    "record_id" => "LAchildID",
                                    "upn" => "UPN",
                                    "former_upn" => "FormerUPN",
                                    "date_of_birth" => "PersonBirthDate",
                                    "sex" => {
                                        if c.contains_key("Sex") {
                                            "Sex"
                                        } else {
                                            "GenderCurrent"
                                        }
                                    }
                                    _ => return String::new(),
                                };
                                c.get(key).cloned().unwrap_or_default()
                            };
                            let at = format!("child {position}");
                            let eps = census_outcomes(&episodes);
                            store_checked(
                                conn,
                                &mut report,
                                &mut seen,
                                "cin_census",
                                at,
                                "LAchildID",
                                check(&get, &eps, today),
                            )?;
                            if position.is_multiple_of(1000) {
                                progress(reader.buffer_position());
                            }
                        }
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        if !path.is_empty() {
            return Err(ImportError::Read(format!(
                "the XML ends inside <{}>",
                path.join("><")
            )));
        }
        progress(reader.buffer_position());
        Ok(report)
    })
}
