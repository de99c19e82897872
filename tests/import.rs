//! `cnis import register FILE.csv`, run as the real binary against a real database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use diesel::prelude::*;
use std::io::Write;
use std::process::Command;

use common::*;

const HEADER: &str = "register_ref,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode,parent_name,parent_email,education_type";

struct Cli {
    dir: tempfile::TempDir,
    url: String,
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let url = fresh_database(dir.path());
        Cli { dir, url }
    }
    fn file(&self, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = self.dir.path().join(name);
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        p
    }
    fn import(&self, file: &std::path::Path) -> (i32, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_cnis"))
            .args(["import", "register"])
            .arg(file)
            .env("DATABASE_URL", &self.url)
            .env("CNIS_DATA_DIR", self.dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }
    fn count(&self) -> i64 {
        use diesel::prelude::*;
        let mut c = cnis::db::establish(&self.url).unwrap();
        cnis::db::schema::children::table
            .count()
            .get_result(&mut c)
            .unwrap()
    }
}

#[test]
fn good_rows_import_bad_rows_are_reported_by_line_and_a_rerun_changes_nothing() {
    let cli = Cli::new();
    let mut csv = String::from(HEADER);
    csv.push('\n');
    csv.push_str("L-1,Ada,Lovelace,2015-12-10,F,B801200005001,943 476 5919,12 Station Road,Demoton,DT1 4AB,Anne Lovelace,anne@example.com,home_educated\n");
    csv.push_str("L-2,Charles,Babbage,26/12/2013,M,,,\"1 Dorset Street, Flat 2\",Demoton,DT2 5QR,,,Flexi-schooling\n");
    csv.push_str("L-3,Bad,Upn,2014-01-01,F,C801200005001,,1 Road,Town,DT1 1AA,,,\n");
    csv.push_str("L-4,Future,Child,2099-01-01,F,,,1 Road,Town,DT1 1AA,,,\n");
    csv.push_str("L-5,,Noname,2014-01-01,F,,,1 Road,Town,DT1 1AA,,,\n");
    csv.push_str("L-6,Too,Few,2014-01-01\n");
    csv.push_str("L-7,<script>alert(1)</script>,Html,2014-01-01,X,,,1 Road,Town,nonsense,,not-an-email,spaceship\n");
    csv.push_str("L-1,Ada,Again,2015-12-10,F,,,12 Station Road,Demoton,DT1 4AB,,,\n");
    let mut bytes = csv.into_bytes();
    bytes.extend_from_slice(b"L-9,Caf\xe9,Latin1,2014-01-01,F,,,1 Road,Town,DT1 1AA,,,\n");
    // Issue 17: a row with no name and no identifier is not a child; one with gaps still is.
    bytes.extend_from_slice(b"L-10,,,2014-01-01,F,,,1 Road,Town,DT1 1AA,,,\n");
    bytes.extend_from_slice(b"L-11,Grace,Hopper,2014-02-02,F,,,,,,,,\n");
    // No date of birth (or one that cannot be a child's): kept, marked, like a blank name.
    bytes.extend_from_slice(b"L-12,Katherine,Johnson,,F,,,3 Mill Lane,Demoton,DT1 1AA,,,\n");
    let path = cli.file("legacy.csv", &bytes);
    let (code, out) = cli.import(&path);
    assert_eq!(code, 2, "{out}");
    for expect in [
        "line 4: upn: The UPN check letter does not match",
        "line 7: the row has 4 fields but the header has 13",
        "line 8: sex X is not F, M or U",
        "parent_email not-an-email is not an email address",
        "education_type spaceship is not one of",
        "line 9: register_ref appears earlier in this file",
        "line 10: the row is not UTF-8 text",
        "line 11: no name, UPN or NHS number: nothing says which child this is",
        "imported 6 (4 with details missing, each kept with a task to complete it), already on the register 0, rejected 6",
    ] {
        assert!(out.contains(expect), "missing {expect:?} in:\n{out}");
    }
    assert_eq!(cli.count(), 6);
    // Re-running the same file changes nothing.
    let (code, out) = cli.import(&path);
    assert_eq!(code, 2);
    assert!(
        out.contains("imported 0 (0 with details missing, each kept with a task to complete it), already on the register 6, rejected 6"),
        "{out}"
    );
    assert_eq!(cli.count(), 6);
    // The imported child is on the register as officers see it (HTML escaped, fields checked).
    let mut c = cnis::db::establish(&cli.url).unwrap();
    let rows = cnis::store::children::search(
        &mut c,
        &cnis::store::children::Query::Upn("B801200005001".into()),
        10,
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].family_name, "Lovelace");
    let rec = cnis::store::children::load_record(&mut c, &rows[0].id)
        .unwrap()
        .unwrap();
    assert_eq!(rec.child.nhs_number.as_deref(), Some("9434765919"));
    assert_eq!(rec.addresses[0].postcode, "DT1 4AB");
    assert_eq!(rec.parents[0].email.as_deref(), Some("anne@example.com"));
    assert_eq!(rec.child.missing, None);
    // The entries with gaps are on the register, marked, each with a task.
    let mut missing = |reference: &str| -> Option<String> {
        use cnis::db::schema::children::dsl as ch;
        ch::children
            .filter(ch::la_reference.eq(reference))
            .select(ch::missing)
            .first(&mut c)
            .unwrap()
    };
    assert_eq!(missing("L-5").as_deref(), Some("given name"));
    assert_eq!(missing("L-11").as_deref(), Some("address, town, postcode"));
    assert_eq!(missing("L-12").as_deref(), Some("date of birth"));
    assert_eq!(
        missing("L-4").as_deref(),
        Some("date of birth"),
        "born in 2099"
    );
    let tasks: i64 = {
        use cnis::db::schema::tasks::dsl as t;
        t::tasks
            .filter(t::kind.eq(cnis::store::tasks::TaskKind::CompleteEntry))
            .count()
            .get_result(&mut c)
            .unwrap()
    };
    assert_eq!(tasks, 4);
}

#[test]
fn wrong_columns_are_named_and_nothing_is_imported() {
    let cli = Cli::new();
    let path = cli.file(
        "wrong.csv",
        b"ref,first,last,dob\nL-1,Ada,Lovelace,2015-12-10\n",
    );
    let (code, out) = cli.import(&path);
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "the header line is missing the column(s) register_ref, given_names, family_name"
        ),
        "{out}"
    );
    assert_eq!(cli.count(), 0);
    let empty = cli.file("empty.csv", b"");
    let (code, out) = cli.import(&empty);
    assert_eq!(code, 1, "{out}");
    let (code, out) = cli.import(&cli.dir.path().join("no-such-file.csv"));
    assert_eq!(code, 1);
    assert!(out.contains("cannot open"), "{out}");
}

#[test]
fn a_100_megabyte_file_that_is_not_csv_fails_fast_with_a_clear_message() {
    let cli = Cli::new();
    let path = cli.dir.path().join("huge.csv");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(f, "{HEADER}").unwrap();
        let chunk = vec![b'x'; 1024 * 1024];
        for _ in 0..100 {
            f.write_all(&chunk).unwrap();
        }
    }
    let (code, out) = cli.import(&path);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("a line is longer than 64 KB: this does not look like a register CSV file"),
        "{out}"
    );
    assert_eq!(cli.count(), 0);
}

#[test]
fn a_reference_already_taken_is_drawn_again() {
    // References are random; at 200,000 entries a repeat turns up about once in twenty imports.
    let cli = Cli::new();
    let mut c = cnis::db::establish(&cli.url).unwrap();
    cnis::db::migrate(&mut c).unwrap();
    let at = chrono::Utc::now().naive_utc();
    let mut first = cnis::store::children::Child {
        given_names: "Ava".into(),
        family_name: "Khan".into(),
        ..cnis::store::children::Child::open_entry("test", at)
    };
    cnis::store::children::insert(&mut c, &mut first, &[], &[], &[], None, "test").unwrap();
    let mut second = cnis::store::children::Child {
        reference: first.reference.clone(),
        given_names: "Noah".into(),
        ..cnis::store::children::Child::open_entry("test", at)
    };
    cnis::store::children::insert(&mut c, &mut second, &[], &[], &[], None, "test").unwrap();
    assert_ne!(second.reference, first.reference);
    assert_eq!(cli.count(), 2);
}

#[test]
fn a_reader_that_stops_early_does_not_crash_the_command() {
    // `cnis import register FILE | head -0`: the pipe is closed before the summary is printed.
    let cli = Cli::new();
    let path = cli.file(
        "one.csv",
        format!("{HEADER}\nL-1,Ada,Lovelace,2015-12-10,F,,,12 Station Road,Demoton,DT1 4AB,,,\n")
            .as_bytes(),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_cnis"))
        .args(["import", "register"])
        .arg(&path)
        .env("DATABASE_URL", &cli.url)
        .env("CNIS_DATA_DIR", cli.dir.path())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(cli.count(), 1, "the import itself completed");
}
