//! Social care records in, the cross-check run, flags on the record: the real binary and the real
//! pages against one database (standards.md §4; ARCHITECTURE.md "Matching is the heart of safety").
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use std::io::Write;
use std::process::Command;

use common::*;
use diesel::prelude::*;

const HEADER: &str = "record_id,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode,s47_start_date,s47_end_date,cp_plan_start_date,cp_plan_end_date,cin_start_date,cin_end_date";

fn cnis(app: &TestApp, dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    cnis_with(app, dir, args, &[])
}

/// `cnis` with more settings in its environment.
fn cnis_with(
    app: &TestApp,
    dir: &std::path::Path,
    args: &[&str],
    settings: &[(&str, &str)],
) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cnis"))
        .args(args)
        .env("DATABASE_URL", &app.config.database_url)
        .env("CNIS_DATA_DIR", dir)
        .env("CNIS_TEAM_EMAIL", "team@council.invalid")
        // s.434A in force, so the "may have needed consent" flag is raised.
        .env("CNIS_CONSENT_FROM", "2025-01-01")
        .env("RUST_LOG", "warn")
        .envs(settings.iter().copied())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// A made-up name for number `i`, unlike any real one ("Kabo", "Kabu", ...).
fn made_up(i: usize, salt: usize) -> String {
    const C: &[u8] = b"bdfgklmnprstvz";
    const V: &[u8] = b"aeiou";
    let mut n = i * 7 + salt;
    let mut s = String::from("K");
    for _ in 0..3 {
        s.push(V[n % 5] as char);
        n /= 5;
        s.push(C[n % 14] as char);
        n /= 14;
    }
    s
}

/// Imports 400 background records through the real command, as a council's extract would come.
fn import_background(app: &TestApp, dir: &std::path::Path) {
    let file = dir.join("background.csv");
    std::fs::write(&file, format!("{HEADER}\n{}", background(400))).unwrap();
    let (code, out) = cnis(app, dir, &["import", "social-care", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

/// Imports social care rows (after the header) through the real command.
fn import_rows(app: &TestApp, dir: &std::path::Path, rows: &str) {
    let file = dir.join("rows.csv");
    std::fs::write(&file, format!("{HEADER}\n{rows}")).unwrap();
    let (code, out) = cnis(app, dir, &["import", "social-care", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

/// Background records that match nobody, so the model has realistic data to learn from.
fn background(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "BG{i},{},{},{}-{:02}-{:02},{},,,{} Mill Street,Northby,NB{} {}XY,,,,,{}-01-01,\n",
                made_up(i, 1),
                made_up(i, 3),
                2009 + (i % 9),
                1 + (i % 12),
                1 + (i % 28),
                if i % 2 == 0 { "F" } else { "M" },
                i,
                1 + i % 9,
                i % 10,
                2020 + (i % 5)
            )
        })
        .collect()
}

#[test]
fn the_cross_check_links_a_child_raises_flags_and_keeps_officers_decisions() {
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = app.signed_in("officer");
    let ada = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (code, out) = cnis(&app, dir.path(), &["demo", "--children", "150"]);
    assert_eq!(code, 0, "{out}");

    // Ada, in capitals; a record with Ada's UPN but another child's name and birthday (an officer
    // must look); her twin sister, not on the register; a record with a bad UPN; a repeated id;
    // a bad date.
    let upn = cnis::domain::identifiers::upn_check_letter("12345678901A")
        .map(|c| format!("{c}12345678901A"))
        .unwrap();
    app.exec(&format!(
        "UPDATE children SET upn = '{upn}' WHERE id = '{ada}'"
    ));
    let rows = format!(
        "{HEADER}\n\
         SC1,ADA,LOVELACE,2015-12-10,F,,,12 Station Road,Demoton,DT1 4AB,2026-10-01,,,,,\n\
         SC2,Ada,Byron,2011-01-01,F,{upn},,1 Other Road,Northby,DT5 1AA,,,2025-01-01,,,\n\
         SC5,Isla,Lovelace,2015-12-10,F,,,12 Station Road,Demoton,DT1 4AB,,,2025-01-01,,,\n\
         SC3,Sam,Bloggs,2012-01-01,M,X00000000000A,,1 Road,Town,DT9 9ZZ,,,,,,\n\
         SC3,Sam,Bloggs,2012-01-01,M,,,1 Road,Town,DT9 9ZZ,,,,,,\n\
         SC4,Kim,Bloggs,2012-02-30,M,,,1 Road,Town,DT9 9ZZ,,,,,,\n\
         SC6,Jo,Bloggs,2012-03-01,M,,,1 Road,Town,dt9 9z,,,,,,\n\
         {}",
        background(400)
    );
    let file = dir.path().join("social-care.csv");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(rows.as_bytes())
        .unwrap();
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", file.to_str().unwrap()],
    );
    assert_eq!(code, 2, "one rejected row: {out}");
    assert!(
        out.contains("line 6: rejected: record_id SC3 appears earlier in this file"),
        "{out}"
    );
    assert!(
        out.contains("line 5: upn:") && out.contains("ignored for matching"),
        "{out}"
    );
    assert!(
        out.contains("date_of_birth 2012-02-30 is not a real date"),
        "{out}"
    );
    assert!(
        out.contains("line 8: postcode: Enter a real postcode")
            && out.contains("compared as written"),
        "{out}"
    );
    assert_eq!(
        count(
            &app,
            "social_care_records WHERE source_record_id = 'SC6' AND postcode = 'DT9 9Z'"
        ),
        1,
        "a postcode that is not a real one is kept for matching"
    );
    assert!(out.contains("new 406,"), "{out}");

    let report = dir.path().join("report.csv");
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["cross-check", "--report", report.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    let report_text = std::fs::read_to_string(&report).unwrap();
    assert!(report_text.starts_with("register_ref,record_id,decision,score\n"));
    let ada_ref: String = {
        use cnis::db::schema::children::dsl as c;
        c::children
            .filter(c::id.eq(&ada))
            .select(c::reference)
            .first(&mut **app.conn())
            .unwrap()
    };
    assert!(
        report_text.contains(&format!("{ada_ref},SC1,match,")),
        "{report_text}"
    );
    assert!(
        report_text.contains(&format!("{ada_ref},SC2,review,")),
        "same UPN, another birthday: an officer decides: {report_text}"
    );
    assert!(
        report_text.contains(&format!("{ada_ref},SC5,household,"))
            && !report_text.contains("SC5,match")
            && !report_text.contains("SC5,review"),
        "her twin is not her, but of her household: {report_text}"
    );
    assert!(
        !report_text.contains(",BG"),
        "background records match nobody: {report_text}"
    );

    // The record shows live flags; raising them made tasks and a link-only team email.
    let record = officer.get(&format!("/officers/children/{ada}"));
    assert!(
        record.contains("Section 47 enquiry open"),
        "{}",
        record.body
    );
    // The demo's own cross-check was the first run: it raised all its flags under one task.
    // Later runs raise a task per flag.
    assert_eq!(count(&app, "tasks WHERE kind = 'flags_first_run'"), 1);
    // Issue 16: the first run's task lists the children, by flag, through the register's filters.
    let first: String = {
        use cnis::db::schema::tasks::dsl as t;
        t::tasks
            .filter(t::kind.eq(cnis::store::tasks::TaskKind::FlagsFirstRun))
            .select(t::id)
            .first(&mut **app.conn())
            .unwrap()
    };
    let task = officer.get(&format!("/officers/tasks/{first}"));
    assert!(
        task.contains("href=\"/officers/register?social_care=cp_plan_active\""),
        "{}",
        task.body
    );
    assert_eq!(
        count(
            &app,
            &format!("tasks WHERE kind = 'flag_raised' AND child_id = '{ada}'")
        ),
        4,
        "her own three, and her twin's child protection plan"
    );
    // She entered the register while a Section 47 enquiry was open, and no consent is on record
    // (s.434A(4)): an officer must look.
    assert!(
        record.contains("May have needed the council&#39;s consent")
            || record.contains("May have needed the council's consent"),
        "{}",
        record.body
    );
    let (_, alert) = latest_email(&app, "team@council.invalid");
    assert!(!alert.contains("Lovelace") && alert.contains("/officers/tasks/"));

    // Running again changes nothing.
    let (_, out) = cnis(&app, dir.path(), &["cross-check"]);
    assert!(out.contains("flags raised 0, ended 0"), "{out}");

    // An officer rejects the pair; the next run respects it.
    let queue = officer.get("/officers/matches");
    assert!(queue.contains("Lovelace"), "{}", queue.body);
    // Each pair says which rule held it back.
    let why = "Same UPN or NHS number, but the dates of birth disagree";
    assert!(queue.contains(why), "{}", queue.body);
    assert!(!queue.contains("100.0%"));
    // A shared number decides such a pair, so no probability is shown beside the doubt: not in
    // the queue, not on the pair's page, not on the child's record.
    assert!(queue.contains("Not used: same "), "{}", queue.body);
    assert!(!queue.contains("over 99.9%"), "{}", queue.body);
    assert!(!record.contains("100.0%"), "{}", record.body);
    assert!(record.contains("Not used: same "), "{}", record.body);
    let other_record: String = {
        use cnis::db::schema::social_care_records::dsl as r;
        r::social_care_records
            .filter(r::source_record_id.eq("SC2"))
            .select(r::id)
            .first(&mut **app.conn())
            .unwrap()
    };
    let pair = format!("/officers/matches/{ada}/{other_record}");
    let page = officer.get(&pair);
    assert!(
        page.contains("date of birth") && page.contains("different"),
        "{}",
        page.body
    );
    assert!(page.contains("The cross-check could not be sure because") && page.contains(why));
    assert!(page.contains("the match probability is not used") && !page.contains("over 99.9%"));
    let p = officer.post(&pair, &[("decision", "reject"), ("reason", "")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter why"));
    let p = officer.post(
        &pair,
        &[
            ("decision", "reject"),
            (
                "reason",
                "Another child: the UPN was keyed wrongly in social care",
            ),
        ],
    );
    // On to the next pair waiting, with the decision confirmed.
    let next = p.location.unwrap_or_default();
    assert!(
        next.ends_with("?done=decided") && !next.starts_with(&pair),
        "{next}"
    );
    assert!(officer.get(&next).contains("Decision saved"));
    cnis(&app, dir.path(), &["cross-check"]);
    assert_eq!(count(&app, "match_links WHERE decision = 'rejected'"), 1);
    assert_eq!(
        count(
            &app,
            &format!("match_links WHERE decision = 'review' AND child_id = '{ada}'")
        ),
        0
    );
    assert_eq!(count(&app, "audit_log WHERE action = 'decide_match'"), 1);

    // The enquiry closes in social care with no further action: the next run ends its flags
    // (open, and condition B: an enquiry that led nowhere is not s.47(8) action), with tasks.
    let rows = format!("{HEADER},s47_nfa\nSC1,ADA,LOVELACE,2015-12-10,F,,,12 Station Road,Demoton,DT1 4AB,2026-10-01,2026-11-20,,,,,true\n");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(rows.as_bytes())
        .unwrap();
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    let (_, out) = cnis(&app, dir.path(), &["cross-check"]);
    // Three flags end: the open enquiry, condition B, and the consent Ada may have needed when
    // she left school (she left after it ended with no further action).
    assert!(out.contains("flags raised 0, ended 3"), "{out}");
    assert_eq!(count(&app, "tasks WHERE kind = 'flag_ended'"), 3);
    let record = officer.get(&format!("/officers/children/{ada}"));
    assert_eq!(
        count(
            &app,
            &format!("child_flags WHERE kind = 's47_open' AND ended_at IS NOT NULL AND child_id = '{ada}'")
        ),
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("child_flags WHERE ended_at IS NULL AND child_id = '{ada}' AND kind <> 'household_known'")
        ),
        0,
        "an enquiry that ended with no further action is not condition B"
    );
    assert!(
        record.contains("Household known to children's social care"),
        "her twin's plan is still in force: {}",
        record.body
    );
    assert!(
        !record.contains("Known to children's social care: "),
        "{}",
        record.body
    );
}

#[test]
fn a_file_that_cannot_be_read_imports_nothing() {
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let good = format!("{HEADER}\nSC1,Ada,Lovelace,2015-12-10,F,,,1 Road,Town,DT1 4AB,,,,,,\n");
    let broken_xml = "<Message><Children><Child><ChildIdentifiers><LAchildID>1</LAchildID></ChildIdentifiers></Child>";
    let file = dir.path().join("cin.xml");
    std::fs::write(
        &file,
        format!("{broken_xml}<Child><ChildIdentifiers><LAchildID>2</LAchild"),
    )
    .unwrap();
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", file.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing was imported"), "{out}");
    assert_eq!(count(&app, "social_care_records"), 0);
    let csv = dir.path().join("wrong.csv");
    std::fs::write(&csv, good.replace("record_id", "id")).unwrap();
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", csv.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert!(out.contains("missing the column(s) record_id"), "{out}");
    assert_eq!(count(&app, "social_care_records"), 0);
}

#[test]
fn cin_census_xml_matches_on_identifiers_and_says_so() {
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    // Give Ada a UPN on the register; the census knows her by it.
    let upn = "A123456789012";
    let valid = cnis::domain::identifiers::upn_check_letter(&upn[1..])
        .map(|c| format!("{c}{}", &upn[1..]))
        .unwrap();
    app.exec(&format!(
        "UPDATE children SET upn = '{valid}' WHERE id = '{id}'"
    ));
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year></CollectionDetails></Header>
<Children>
 <Child><ChildIdentifiers><LAchildID>LA-1</LAchildID><UPN>{valid}</UPN><PersonBirthDate>2015-12-10</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
  <CINdetails><CINreferralDate>2026-09-01</CINreferralDate>
   <Section47><S47ActualStartDate>2026-09-03</S47ActualStartDate></Section47>
   <ChildProtectionPlans><CPPstartDate>2026-09-20</CPPstartDate></ChildProtectionPlans>
  </CINdetails></Child>
 <Child><ChildIdentifiers><LAchildID>LA-1</LAchildID><PersonBirthDate>2014-01-01</PersonBirthDate><Sex>M</Sex></ChildIdentifiers></Child>
 <Child><ChildIdentifiers><UPN>bad</UPN></ChildIdentifiers></Child>
</Children></Message>"#
    );
    let file = dir.path().join("cin.xml");
    std::fs::write(&file, xml).unwrap();
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", file.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no names or addresses"), "{out}");
    assert!(
        out.contains("child 2: rejected: LAchildID LA-1 appears earlier"),
        "{out}"
    );
    assert!(
        out.contains("child 3: rejected: LAchildID is empty"),
        "{out}"
    );
    let (code, out) = cnis(&app, dir.path(), &["cross-check"]);
    assert_eq!(code, 0, "{out}");
    let record = officer.get(&format!("/officers/children/{id}"));
    assert!(
        record.contains("Child protection plan active") && record.contains("Child in need"),
        "{}",
        record.body
    );
}

#[test]
fn a_run_killed_part_way_leaves_the_last_results_and_the_next_run_completes() {
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        let (code, out) = cnis(&app, dir.path(), args);
        assert!(code == 0, "{args:?}: {out}");
    };
    run(&[
        "generate-linkage-data",
        "--children",
        "3000",
        "--records",
        "12000",
        "--out",
        data.to_str().unwrap(),
    ]);
    run(&[
        "import",
        "register",
        data.join("register.csv").to_str().unwrap(),
    ]);
    run(&[
        "import",
        "social-care",
        data.join("social-care.csv").to_str().unwrap(),
    ]);
    run(&["cross-check"]);
    let links = || -> Vec<(String, String, String)> {
        use cnis::db::schema::match_links::dsl as l;
        l::match_links
            .select((l::child_id, l::record_id, l::decision))
            .order((l::child_id, l::record_id))
            .load(&mut **app.conn())
            .unwrap()
    };
    let before = links();
    assert!(
        before.len() > 500,
        "the first run linked {} pairs",
        before.len()
    );

    // Start another run, and kill it once it is under way.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cnis"))
        .arg("cross-check")
        .env("DATABASE_URL", &app.config.database_url)
        .env("CNIS_DATA_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    let started = (0..400).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(25));
        count(&app, "cross_check_runs WHERE status = 'running'") == 1
    });
    assert!(started, "the second run started");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(links(), before, "nothing of the killed run was written");
    assert_eq!(
        count(&app, "leases"),
        1,
        "the dead run's lease is still there"
    );

    // The next run takes the dead process's lease over and completes.
    let (code, out) = cnis(&app, dir.path(), &["cross-check"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        count(&app, "cross_check_runs WHERE status = 'abandoned'"),
        1
    );
    assert_eq!(
        count(&app, "cross_check_runs WHERE status = 'completed'"),
        2
    );
    assert_eq!(links(), before, "the same data gives the same links");
}

/// Issue 14 (low): a CIN file nested absurdly deep, or with one enormous value, is refused with
/// a clear reason and nothing is stored, before it can exhaust memory.
#[test]
fn cin_census_xml_too_deep_or_with_a_huge_value_is_refused() {
    let app = TestApp::spawn();
    let today = cnis::clock::today();
    let deep = format!(
        "<Message>{}{}</Message>",
        "<Children>".repeat(40),
        "</Children>".repeat(40)
    );
    let err = cnis::imports::social_care::import_cin_xml(
        &mut app.conn(),
        std::io::Cursor::new(deep.into_bytes()),
        today,
        &|_| {},
    )
    .expect_err("refused");
    assert!(
        err.to_string().contains("nested more than 32 deep"),
        "{err}"
    );
    let huge = format!(
        "<Message><Children><Child><ChildIdentifiers><LAchildID>{}</LAchildID></ChildIdentifiers></Child></Children></Message>",
        "x".repeat(1_000_000)
    );
    let err = cnis::imports::social_care::import_cin_xml(
        &mut app.conn(),
        std::io::Cursor::new(huge.into_bytes()),
        today,
        &|_| {},
    )
    .expect_err("refused");
    assert!(err.to_string().contains("longer than 65536 bytes"), "{err}");
    assert_eq!(count(&app, "social_care_records"), 0);
}

/// Issue 15 (1): a social care file says how an enquiry ended in `s47_nfa` and
/// `s47_action_date`. Where it does not, the import says how many such enquiries there are, the
/// record carries a flag, and an officer records the outcome with a reason; the officer's record
/// survives the next import.
#[test]
fn s434a_4_an_enquiry_with_no_known_outcome_is_flagged_until_an_officer_records_it() {
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = app.signed_in("officer");
    let ada = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let rows = format!(
        "{HEADER},s47_nfa,s47_action_date\n\
         SC1,Ada,Lovelace,2015-12-10,F,,,12 Station Road,Demoton,DT1 4AB,2024-01-01,2024-02-15,,,,,,\n\
         SC2,Kit,Marlowe,2014-01-01,M,,,1 Road,Town,DT9 9ZZ,2024-01-01,2024-02-15,,,,,true,\n\
         SC3,Ned,Marlowe,2013-01-01,M,,,1 Road,Town,DT9 9ZZ,2024-01-01,2024-02-15,,,,,,2024-02-20\n\
         SC4,Ola,Marlowe,2012-01-01,F,,,1 Road,Town,DT9 9ZZ,2024-01-01,2024-02-15,,,,,maybe,\n"
    );
    let file = dir.path().join("social-care.csv");
    std::fs::write(&file, rows).unwrap();
    let import = |app: &TestApp| {
        cnis(
            app,
            dir.path(),
            &["import", "social-care", file.to_str().unwrap()],
        )
    };
    let (code, out) = import(&app);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("s47_nfa maybe is not true or false: ignored"),
        "{out}"
    );
    assert!(
        out.contains("enquiries ended with no known outcome: 2"),
        "Ada's and Ola's: {out}"
    );
    let (code, out) = cnis(&app, dir.path(), &["cross-check"]);
    assert_eq!(code, 0, "{out}");
    let record = officer.get(&format!("/officers/children/{ada}"));
    assert!(
        record.contains("how it ended is not known") && record.contains("Record how it ended"),
        "{}",
        record.body
    );
    let list = officer.get(&format!("/officers/children/{ada}/enquiry-outcomes"));
    assert!(list.contains("Section 47 enquiry from 1 January 2024 to 15 February 2024"));
    let prefix = format!("/officers/children/{ada}/enquiry-outcomes/");
    let question = extract(&list.body, &format!("href=\"{prefix}"), "\"")
        .map(|e| format!("{prefix}{e}"))
        .expect("a link to the enquiry");

    // Nothing chosen; then a decision dated before the enquiry began: each said, nothing saved.
    officer.get(&question);
    let p = officer.post(&question, &[]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Select how the enquiry ended") && p.contains("Enter how you know"));
    let p = officer.post(
        &question,
        &[
            ("outcome", "action"),
            ("action_date-day", "1"),
            ("action_date-month", "12"),
            ("action_date-year", "2023"),
            ("reason", "Asked the MASH"),
        ],
    );
    assert!(
        p.contains("on or after the enquiry started on 1 January 2024"),
        "{}",
        p.body
    );
    assert_eq!(count(&app, "section47_outcomes"), 0);

    let p = officer.post(
        &question,
        &[("outcome", "nfa"), ("reason", "Asked the MASH duty worker")],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let record = officer.get(p.location.as_deref().unwrap());
    assert!(record.contains("How the enquiry ended is recorded"));
    assert!(!record.contains("Record how it ended"), "{}", record.body);
    assert!(record.contains("no further action"));
    assert_eq!(
        count(&app, "audit_log WHERE action = 'record_s47_outcome'"),
        1
    );
    // Asked again: already recorded.
    assert_eq!(
        officer
            .post(&question, &[("outcome", "nfa"), ("reason", "x")])
            .status,
        404
    );

    // The same file again: the officer's record stands, and only Ola's is unknown.
    let (code, out) = import(&app);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("enquiries ended with no known outcome: 1"),
        "{out}"
    );
    let (code, out) = cnis(&app, dir.path(), &["cross-check"]);
    assert_eq!(code, 0, "{out}");
    let record = officer.get(&format!("/officers/children/{ada}"));
    assert!(!record.contains("Record how it ended"), "{}", record.body);
}

/// Issue 15 (1), CIN census: `ICPCnotRequired` true is no further action; an initial conference
/// followed the same day by a child protection plan is action under s.47(8); a conference with
/// no plan leaves the outcome unknown.
#[test]
fn s434a_4_cin_census_enquiry_outcomes_come_from_the_conference() {
    let app = TestApp::spawn();
    let child = |id: &str, s47: &str, plan: &str| {
        format!("<Child><ChildIdentifiers><LAchildID>{id}</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers><CINdetails><CINreferralDate>2025-01-01</CINreferralDate><Section47>{s47}</Section47>{plan}</CINdetails></Child>")
    };
    let xml = format!(
        "<Message><Children>{}{}{}</Children></Message>",
        child(
            "NFA",
            "<S47ActualStartDate>2025-01-02</S47ActualStartDate><ICPCnotRequired>true</ICPCnotRequired>",
            ""
        ),
        child(
            "PLAN",
            "<S47ActualStartDate>2025-01-02</S47ActualStartDate><DateOfInitialCPC>2025-01-20</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired>",
            "<ChildProtectionPlans><CPPstartDate>2025-01-20</CPPstartDate><CPPendDate>2025-06-01</CPPendDate></ChildProtectionPlans>"
        ),
        child(
            "ICPC",
            "<S47ActualStartDate>2025-01-02</S47ActualStartDate><DateOfInitialCPC>2025-01-20</DateOfInitialCPC>",
            ""
        ),
    );
    let report = cnis::imports::social_care::import_cin_xml(
        &mut app.conn(),
        std::io::Cursor::new(xml.into_bytes()),
        cnis::clock::today(),
        &|_| {},
    )
    .unwrap();
    assert_eq!(report.new, 3, "{report:?}");
    assert_eq!(report.outcome_unknown, 1, "{report:?}");
    let s47 = |id: &str| -> (
        Option<chrono::NaiveDate>,
        Option<bool>,
        Option<chrono::NaiveDate>,
    ) {
        use cnis::db::schema::{social_care_episodes as e, social_care_records as r};
        e::table
            .inner_join(r::table)
            .filter(r::source_record_id.eq(id))
            .filter(e::kind.eq(cnis::domain::safeguarding::EpisodeKind::Section47))
            .select((e::end_date, e::nfa, e::action_date))
            .first(&mut **app.conn())
            .unwrap()
    };
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d);
    assert_eq!(
        s47("NFA"),
        (day(1, 2), Some(true), None),
        "ended, no further action"
    );
    assert_eq!(
        s47("PLAN"),
        (day(1, 20), None, day(1, 20)),
        "action the day of the plan"
    );
    assert_eq!(
        s47("ICPC"),
        (day(1, 20), None, None),
        "ended, outcome not known"
    );
}

/// Issue 16: a social care episode that starts after today is refused with a reason, so no flag
/// ever shows a plan "active from" a day still to come; an end after today reads as ongoing.
#[test]
fn an_episode_starting_after_today_is_not_imported() {
    let app = TestApp::spawn();
    let today = cnis::clock::today();
    let later = today + chrono::Days::new(30);
    let rows = format!(
        "{HEADER}\nSC1,Ada,Lovelace,2015-12-10,F,,,1 Road,Town,DT1 4AB,,,{later},,2025-01-01,{later}\n"
    );
    let report = cnis::imports::social_care::import_csv(
        &mut app.conn(),
        std::io::Cursor::new(rows.into_bytes()),
        "csv",
        today,
        &|_| {},
    )
    .unwrap();
    let warnings: Vec<&str> = report.warnings.iter().map(|(_, w)| w.as_str()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("after today: this child protection plan is not imported")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("cin_end_date is after today")),
        "{warnings:?}"
    );
    assert_eq!(
        count(&app, "social_care_episodes WHERE kind = 'cp_plan'"),
        0
    );
    assert_eq!(
        count(
            &app,
            "social_care_episodes WHERE kind = 'cin' AND end_date IS NULL"
        ),
        1
    );
}

/// Ada and Bea on the register, and a social care record with an open s.47 enquiry that the
/// cross-check is not sure is Ada's: (Ada's id, Bea's id, the record's id).
fn ada_unsure_beside_bea(app: &TestApp, officer: &mut Browser) -> (String, String, String) {
    let ada = add_child(officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let bea = add_child(officer, "Bea", "Stone", ("1", "2", "2014"));
    ada_known_to_social_care(
        app,
        cnis::domain::safeguarding::EpisodeKind::Section47,
        chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
    );
    cross_check_now(app);
    let record: String = cnis::db::schema::social_care_records::table
        .select(cnis::db::schema::social_care_records::id)
        .first(&mut **app.conn())
        .unwrap();
    (ada, bea, record)
}

/// Issue 16: the register list shows each child's social care flags as tags and filters by
/// each; the home page counts them, linking to the filtered list.
#[test]
fn the_register_shows_and_filters_social_care_flags() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let (ada, _bea, record) = ada_unsure_beside_bea(&app, &mut officer);
    // With one record the model is unsure: a possible match waits for an officer.
    let list = officer.get("/officers/register");
    assert!(list.contains("Possible match waiting"), "{}", list.body);
    let waiting = officer.get("/officers/register?social_care=possible_match");
    assert!(waiting.contains("Lovelace") && !waiting.contains("Stone"));
    let pair = format!("/officers/matches/{ada}/{record}");
    officer.get(&pair);
    let p = officer.post(&pair, &[("decision", "confirm"), ("reason", "Same child")]);
    assert_eq!(p.status, 303, "{}", p.body);
    let list = officer.get("/officers/register");
    assert!(list.contains("S.47 enquiry open"), "{}", list.body);
    let filtered = officer.get("/officers/register?social_care=s47_open");
    assert!(
        filtered.contains("Lovelace") && !filtered.contains("Stone"),
        "{}",
        filtered.body
    );
    // The filtered list downloads as CSV, audited with why.
    assert!(filtered.contains("href=\"/officers/register/download?status=open&amp;arrangement=&amp;flag=&amp;social_care=s47_open"));
    let form = officer.get("/officers/register/download?social_care=s47_open");
    assert!(form.contains("name=\"social_care\" value=\"s47_open\""));
    let csv_form = [
        ("social_care", "s47_open"),
        ("status", "open"),
        ("purpose", ""),
    ];
    let refused = officer.post("/officers/register.csv", &csv_form);
    assert_eq!(refused.status, 422);
    assert!(refused.contains("Enter why you need this download"));
    let csv = officer.post(
        "/officers/register.csv",
        &[
            ("social_care", "s47_open"),
            ("purpose", "Weekly safeguarding meeting list"),
        ],
    );
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let mut lines = csv.body.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("reference,family_name,given_names,date_of_birth"));
    let row = lines.next().unwrap();
    assert!(
        row.contains("Lovelace,Ada,2015-12-10") && row.contains("enquiry"),
        "{row}"
    );
    assert!(lines.next().is_none() && !csv.body.contains("Stone"));
    assert_eq!(
        count(&app, "audit_log WHERE action = 'export_register' AND purpose LIKE '%Weekly safeguarding meeting list'"),
        1
    );
    assert_eq!(app.browser().get("/officers/register/download").status, 303);
    let none = officer.get("/officers/register?social_care=cin_open");
    assert!(!none.contains("Lovelace") && !none.contains("Stone"));
    // An unknown filter is ignored, not trusted.
    let all = officer.get("/officers/register?social_care=%27%3B--");
    assert!(all.contains("Lovelace") && all.contains("Stone"));
    let home = officer.get("/officers/");
    assert!(
        home.contains("href=\"/officers/register?social_care=s47_open\">1 child"),
        "{}",
        home.body
    );
}

#[test]
fn after_a_decision_the_officer_goes_to_the_next_pair_waiting() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let (ada, bea, record) = ada_unsure_beside_bea(&app, &mut officer);
    // A second, less likely pair waits behind Ada's.
    app.exec(&format!(
        "INSERT INTO match_links (child_id, record_id, decision, score, explanation, child_hash, record_hash, updated_at) \
         VALUES ('{bea}', '{record}', 'review', 0.0001, '[]', 'x', 'y', '2026-12-01 00:00:00')"
    ));
    let queue = officer.get("/officers/matches");
    assert!(queue.contains("under 0.1%"), "{}", queue.body);
    let pair = format!("/officers/matches/{ada}/{record}");
    officer.get(&pair);
    let p = officer.post(&pair, &[("decision", "confirm"), ("reason", "Same child")]);
    let next = format!("/officers/matches/{bea}/{record}?done=decided");
    assert_eq!(p.location.as_deref(), Some(next.as_str()));
    let page = officer.get(&next);
    assert!(page.contains("Decision saved") && page.contains("Stone"));
    // Bea's record gives no date of birth to compare: that is why it waits.
    assert!(page.contains("Dates of birth disagree, or one record has none"));
}

/// Issue 17: a council's Standard Safeguarding Dataset extract, one CSV per SSD table in its
/// published column names, imports as social care records and links a child like any other.
#[test]
fn an_ssd_extract_imports_from_its_published_tables_and_links_the_child() {
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = app.signed_in("officer");
    let ada = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (code, out) = cnis(&app, dir.path(), &["demo", "--children", "150"]);
    assert_eq!(code, 0, "{out}");
    // Records that match nobody, from another source, so the model has data to learn from.
    import_background(&app, dir.path());

    let ssd = dir.path().join("ssd");
    std::fs::create_dir(&ssd).unwrap();
    let write = |name: &str, text: &str| std::fs::write(ssd.join(name), text).unwrap();
    write(
        "ssd_person.csv",
        "pers_legacy_id,pers_person_id,pers_upn,pers_forename,pers_surname,pers_sex,pers_gender,pers_ethnicity,pers_dob,pers_single_unique_id,pers_upn_unknown,pers_send_flag,pers_expected_dob,pers_death_date,pers_is_mother,pers_nationality\n\
         ,P1,,Ada,Lovelace,F,,WBRI,2015-12-10 00:00:00.000,,,N,,,,\n\
         ,P2,,,,U,02,,2013-04-02 00:00:00.000,,UN1,N,,,,\n\
         ,P9,,,,,,,,,,,,,,\n",
    );
    write(
        "ssd_linked_identifiers.csv",
        "link_table_id,link_person_id,link_identifier_type,link_identifier_value,link_valid_from_date,link_valid_to_date\n\
         L1,P2,Former Unique Pupil Number,SSD_PH,,\n\
         L2,P2,NHS Number,9434765919,2020-01-01 00:00:00.000,\n",
    );
    write(
        "ssd_address.csv",
        "addr_table_id,addr_person_id,addr_address_type,addr_address_start_date,addr_address_end_date,addr_address_postcode,addr_address_json\n\
         A0,P1,Primary Address,2014-01-01 00:00:00.000,2019-12-31 00:00:00.000,LS1 1AA,\"{\"\"HOUSE\"\":\"\"1\"\",\"\"STREET\"\":\"\"Old Road\"\",\"\"TOWN\"\":\"\"Leeds\"\"}\"\n\
         A1,P1,Primary Address,2020-01-01 00:00:00.000,,DT1 4AB,\"{\"\"ROOM\"\":\"\"\"\",\"\"FLAT\"\":\"\"\"\",\"\"BUILDING\"\":\"\"\"\",\"\"HOUSE\"\":\"\"12\"\",\"\"STREET\"\":\"\"Station Road\"\",\"\"TOWN\"\":\"\"Demoton\"\",\"\"UPRN\"\":\"\"\"\"}\"\n",
    );
    write(
        "ssd_s47_enquiry.csv",
        "s47e_s47_enquiry_id,s47e_referral_id,s47e_person_id,s47e_s47_start_date,s47e_s47_end_date,s47e_s47_nfa,s47e_s47_outcome_json,s47e_s47_completed_by_team,s47e_s47_completed_by_worker_id\n\
         E1,R1,P1,2026-10-01 00:00:00.000,,,,,\n",
    );
    write(
        "ssd_cp_plans.csv",
        "cppl_cp_plan_id,cppl_referral_id,cppl_icpc_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,cppl_cp_plan_ola,cppl_cp_plan_initial_category,cppl_cp_plan_latest_category\n\
         C1,R2,I1,P2,2025-03-01 00:00:00.000,2025-09-01 00:00:00.000,N,Neglect,Neglect\n",
    );
    write(
        "ssd_cin_episodes.csv",
        "cine_referral_id,cine_person_id,cine_referral_date,cine_cin_primary_need_code,cine_referral_source_code,cine_referral_source_desc,cine_referral_outcome_json,cine_referral_nfa,cine_close_reason,cine_close_date,cine_referral_team,cine_referral_worker_id\n\
         R1,P1,2026-09-20 00:00:00.000,N1,,,,N,,,,\n\
         R9,PX,2026-09-20 00:00:00.000,N1,,,,N,,,,\n",
    );
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", "--ssd", ssd.to_str().unwrap()],
    );
    assert_eq!(code, 2, "one person cannot be matched at all: {out}");
    assert!(
        out.contains("ssd_person.csv line 4: rejected: nothing to match on"),
        "{out}"
    );
    assert!(
        out.contains("ssd_cin_episodes.csv line 3: its person is not in ssd_person.csv"),
        "{out}"
    );
    assert!(out.contains("new 2,"), "{out}");
    assert_eq!(
        count(
            &app,
            "social_care_records WHERE source = 'ssd' AND source_record_id = 'P1' \
             AND address_line_1 = '12 Station Road' AND town = 'Demoton' AND postcode = 'DT1 4AB'"
        ),
        1,
        "the current address, from the address's parts"
    );
    assert_eq!(
        count(
            &app,
            "social_care_records WHERE source_record_id = 'P2' AND nhs_number = '9434765919' \
             AND former_upn IS NULL AND sex = 'F'"
        ),
        1,
        "the linked NHS number, not the SSD's placeholder UPN; 02 is female"
    );
    assert_eq!(
        count(
            &app,
            "social_care_episodes e JOIN social_care_records r ON r.id = e.record_id \
             WHERE r.source_record_id = 'P1'"
        ),
        2
    );

    let report = dir.path().join("report.csv");
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["cross-check", "--report", report.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    let record = officer.get(&format!("/officers/children/{ada}"));
    assert!(
        record.contains("Section 47 enquiry open"),
        "{}",
        record.body
    );
    let report_text = std::fs::read_to_string(&report).unwrap();
    assert!(report_text.contains(",P1,match,"), "{report_text}");

    // An older extract has no names at all: the report says what it will match on.
    let older = dir.path().join("ssd-older");
    std::fs::create_dir(&older).unwrap();
    std::fs::write(
        older.join("ssd_person.csv"),
        "pers_person_id,pers_sex,pers_dob\nQ1,M,2014-02-03 00:00:00.000\n",
    )
    .unwrap();
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", "--ssd", older.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("note: this SSD extract has no names"), "{out}");
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", "--ssd", "/nonexistent"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cannot open ssd_person.csv"), "{out}");
}

/// Issue 17: a legacy row with a blank name or address is kept on the register, marked
/// incomplete with what is missing and a task; officers find it with a filter, see why, and the
/// mark clears as they complete it; the cross-check matches it on what it has.
#[test]
fn an_imported_row_with_gaps_is_kept_marked_found_completed_and_matched() {
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = app.signed_in("officer");
    let (code, out) = cnis(&app, dir.path(), &["demo", "--children", "150"]);
    assert_eq!(code, 0, "{out}");
    let upn = cnis::domain::identifiers::upn_check_letter("801200007771")
        .map(|c| format!("{c}801200007771"))
        .unwrap();
    let legacy = dir.path().join("legacy.csv");
    std::fs::write(
        &legacy,
        format!(
            "register_ref,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode\n\
             LG-1,,,2014-05-06,F,{upn},,,,\n\
             LG-2,Tobias,Quill,,M,,,9 Mill Lane,Demoton,DT4 4AA\n"
        ),
    )
    .unwrap();
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "register", legacy.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("imported 2 (2 with details missing"), "{out}");

    let list = officer.get("/officers/register?flag=incomplete");
    assert!(list.contains("Name not known"), "{}", list.body);
    let id: String = {
        use cnis::db::schema::children::dsl as ch;
        ch::children
            .filter(ch::la_reference.eq("LG-1"))
            .select(ch::id)
            .first(&mut **app.conn())
            .unwrap()
    };
    assert!(list.contains(&format!("href=\"/officers/children/{id}\"")));
    let record = officer.get(&format!("/officers/children/{id}"));
    assert!(
        record.contains(
            "This entry is incomplete: the legacy register had no given name, family name, address, town, postcode."
        ),
        "{}",
        record.body
    );
    assert_eq!(
        count(
            &app,
            &format!("tasks WHERE kind = 'complete_entry' AND child_id = '{id}'")
        ),
        1
    );

    // Social care knows her by her UPN: the cross-check links her on what the entry has.
    let file = dir.path().join("social-care.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\nSC9,Mia,Okafor,2014-05-06,F,{upn},,4 Bridge Street,Demoton,DT3 2CD,2026-10-01,,,,,\n\
             SC10,Tobias,Quill,2013-03-03,M,,,9 Mill Lane,Demoton,DT4 4AA,2026-10-01,,,,,\n\
             SC11,Ottilie,Quill,2015-07-08,F,,,9 Mill Lane,Demoton,DT4 4AA,2026-10-01,,,,,\n{}",
            background(400)
        ),
    )
    .unwrap();
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["import", "social-care", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    let report = dir.path().join("report.csv");
    let (code, out) = cnis(
        &app,
        dir.path(),
        &["cross-check", "--report", report.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    let report_text = std::fs::read_to_string(&report).unwrap();
    assert!(
        report_text.contains(",SC9,match,") || report_text.contains(",SC9,review,"),
        "{report_text}"
    );
    // No date of birth on the register: linked on his full name at his home all the same,
    // not queued for an officer; his sister at that home is his household.
    assert!(report_text.contains("LG-2,SC10,match,"), "{report_text}");
    assert!(
        report_text.contains("LG-2,SC11,household,"),
        "{report_text}"
    );
    let tobias: String = {
        use cnis::db::schema::children::dsl as ch;
        ch::children
            .filter(ch::la_reference.eq("LG-2"))
            .select(ch::id)
            .first(&mut **app.conn())
            .unwrap()
    };
    let record = officer.get(&format!("/officers/children/{tobias}"));
    assert_eq!(record.status, 200);
    assert!(
        record.contains("Date of birth not known"),
        "{}",
        record.body
    );
    assert!(record.contains("the legacy register had no date of birth"));
    // No order can be started without knowing the child is of compulsory school age.
    officer.get(&format!("/officers/children/{tobias}/attendance"));
    let p = officer.post(
        &format!("/officers/children/{tobias}/attendance"),
        &[("grounds", "not_receiving_suitable_education")],
    );
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.contains("date of birth is not known"), "{}", p.body);

    // Completing the name narrows the mark; the address clears it.
    let edit = officer.get(&format!("/officers/children/{id}/edit"));
    let version = extract(&edit.body, "name=\"version\" value=\"", "\"").unwrap();
    let mut form: Vec<(&str, &str)> = child_form("Mia", "Okafor", ("06", "05", "2014"))
        .into_iter()
        .filter(|(k, _)| *k != "upn")
        .collect();
    form.extend_from_slice(&[
        ("version", version.as_str()),
        ("change_reason", "Found on the school's leaver list"),
        ("upn", upn.as_str()),
    ]);
    let p = officer.post(&format!("/officers/children/{id}/edit"), &form);
    assert_eq!(p.status, 303, "{}", p.body);
    let missing = |app: &TestApp| -> Option<String> {
        use cnis::db::schema::children::dsl as ch;
        ch::children
            .filter(ch::id.eq(&id))
            .select(ch::missing)
            .first(&mut **app.conn())
            .unwrap()
    };
    assert_eq!(missing(&app).as_deref(), Some("address, town, postcode"));
}

/// Issue 17: a brother, sister or twin at the same address with an open s.47 enquiry or child
/// protection plan raises "household known to children's social care" on the registered child;
/// a stranger with the same surname in the same postcode does not. The officer sees why it is a
/// household and not the child, and can confirm it, dismiss it, or say it is the same child.
#[test]
fn a_sibling_at_the_same_address_known_to_social_care_raises_a_household_flag() {
    use cnis::domain::safeguarding::{Episode, EpisodeKind};
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = app.signed_in("officer");
    let ada = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    // A run with nothing to find, so the runs below raise a task for each flag.
    cross_check_now(&app);
    import_background(&app, dir.path());
    let enquiry = |id: &str, given: &str, dob: (i32, u32, u32), line_1: &str| {
        cnis::store::social_care::store(
            &mut app.conn(),
            "test",
            &cnis::store::social_care::Incoming {
                record_id: id.into(),
                given_names: Some(given.into()),
                family_name: Some("Lovelace".into()),
                date_of_birth: chrono::NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2),
                sex: "M".into(),
                address_line_1: Some(line_1.into()),
                town: Some("Demoton".into()),
                postcode: Some("DT1 4AB".into()),
                episodes: vec![Episode::new(
                    EpisodeKind::Section47,
                    chrono::NaiveDate::from_ymd_opt(2026, 10, 1),
                    None,
                )],
                ..Default::default()
            },
        )
        .unwrap();
    };
    enquiry("SIB-1", "Byron", (2012, 5, 1), "12 Station Road");
    enquiry("STR-1", "Byron", (2012, 5, 1), "40 Station Road");
    let record_id = |source: &str| -> String {
        use cnis::db::schema::social_care_records::dsl as r;
        r::social_care_records
            .filter(r::source_record_id.eq(source))
            .select(r::id)
            .first(&mut **app.conn())
            .unwrap()
    };
    let (brother, stranger) = (record_id("SIB-1"), record_id("STR-1"));
    let cnis::jobs::cross_check::Outcome::Completed(summary) = cross_check_now(&app) else {
        panic!("busy")
    };
    assert_eq!(summary.households, 1, "{:?}", summary.report);
    let report = dir.path().join("report.csv");
    cnis::jobs::cross_check::write_report(&report, &summary).unwrap();
    let report = std::fs::read_to_string(report).unwrap();
    assert!(report.contains(",SIB-1,household,"), "{report}");
    assert!(!report.contains("STR-1,household"), "{report}");
    let flags = |kind: &str| {
        count(
            &app,
            &format!(
                "child_flags WHERE child_id = '{ada}' AND kind = '{kind}' AND ended_at IS NULL"
            ),
        )
    };
    assert_eq!(flags("household_known"), 1);
    assert_eq!(flags("s47_open"), 0, "his enquiry is not hers");
    assert_eq!(
        count(&app, &format!("tasks WHERE kind = 'flag_raised' AND child_id = '{ada}' AND summary LIKE '%other child%'")),
        1
    );

    // The record, the register's tags and its filter all show it.
    let record = officer.get(&format!("/officers/children/{ada}"));
    assert!(
        record.contains("Household known to children's social care: another child at this address"),
        "{}",
        record.body
    );
    assert!(record.contains("Same household, found by the cross-check"));
    let filtered = officer.get("/officers/register?social_care=household_known");
    assert!(filtered.contains("Lovelace") && filtered.contains("Household known to social care"));

    // The pair explains itself as a household, not a possible match.
    let pair = format!("/officers/matches/{ada}/{brother}");
    let page = officer.get(&pair);
    assert!(page.contains("Same household?"), "{}", page.body);
    assert!(page.contains("It is not taken for the same child because"));
    assert!(page.contains("Section 47 enquiry"));
    assert_eq!(
        count(
            &app,
            &format!("match_links WHERE record_id = '{stranger}' AND decision LIKE 'household%'")
        ),
        0,
        "another house in the same postcode is not the household"
    );

    // Confirmed, it stands on the next run.
    let p = officer.post(
        &pair,
        &[
            ("decision", "household"),
            ("reason", "Her brother, says his social worker"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    cross_check_now(&app);
    assert_eq!(
        count(&app, "match_links WHERE decision = 'household_confirmed'"),
        1
    );
    assert_eq!(flags("household_known"), 1);
    // Dismissed, the flag ends.
    let p = officer.post(
        &pair,
        &[("decision", "reject"), ("reason", "Moved out in 2020")],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(flags("household_known"), 0);
    // The same child after all: his record's flags become hers.
    let p = officer.post(
        &pair,
        &[
            ("decision", "confirm"),
            ("reason", "Registered under another name"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(flags("s47_open"), 1);
    assert_eq!(flags("household_known"), 0);
    // A choice that is not one of the three is refused with a message, and nothing changes.
    let p = officer.post(&pair, &[("decision", "maybe"), ("reason", "x")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Select whether this is the same child, the same household, or neither"));
}

/// A pair the cross-check is unsure of goes to an officer at a lower probability where the
/// social care record may show condition B (EA 1996 s.436H(4), s.434A(3)): the same pair with
/// a record of child in need only does not. Run through the real command, with the two review
/// thresholds from the environment set wide apart so the pair's probability falls between them.
#[test]
fn s436h_condition_b_a_record_with_an_enquiry_is_reviewed_at_a_lower_probability() {
    let app = TestApp::spawn();
    let dir = tempfile::tempdir().unwrap();
    let mut officer = app.signed_in("officer");
    add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    import_background(&app, dir.path());
    // The same first name and birthday; another surname and home: unsure, on either record.
    import_rows(
        &app,
        dir.path(),
        "ENQ-1,Ada,Hartley,2015-12-10,F,,,4 Quay Street,Riverton,RV2 8QT,2026-10-01,,,,,\n\
         CIN-1,Ada,Hartley,2015-12-10,F,,,4 Quay Street,Riverton,RV2 8QT,,,,,2026-10-01,\n",
    );
    let report = dir.path().join("report.csv");
    let (code, out) = cnis_with(
        &app,
        dir.path(),
        &["cross-check", "--report", report.to_str().unwrap()],
        &[
            ("CNIS_REVIEW_PROBABILITY", "0.49"),
            ("CNIS_REVIEW_PROBABILITY_CHILD_PROTECTION", "0.000000001"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let report = std::fs::read_to_string(report).unwrap();
    let decision = |source: &str| {
        report
            .lines()
            .find(|l| l.split(',').nth(1) == Some(source))
            .and_then(|l| l.split(',').nth(2).map(str::to_string))
    };
    assert_eq!(decision("ENQ-1").as_deref(), Some("review"), "{report}");
    assert_eq!(decision("CIN-1"), None, "{report}");
}

/// An officer with a full queue sees how many pairs wait and pages through every one of them:
/// none is cut off at the end of a page (it was: the first 500 only, without a word).
#[test]
fn the_review_queue_says_how_many_wait_and_pages_through_all_of_them() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let (_, bea, _) = ada_unsure_beside_bea(&app, &mut officer);
    for i in 0..120 {
        cnis::store::social_care::store(
            &mut app.conn(),
            "test",
            &cnis::store::social_care::Incoming {
                record_id: format!("Q-{i:03}"),
                given_names: Some("Bea".into()),
                family_name: Some("Stone".into()),
                sex: "F".into(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    // Scores fall with the number, so Q-119 is the least likely pair of all.
    app.exec(&format!(
        "INSERT INTO match_links (child_id, record_id, decision, score, explanation, child_hash, record_hash, updated_at) \
         SELECT '{bea}', id, 'review', 0.4 - CAST(SUBSTR(source_record_id, 3) AS INTEGER) * 0.001, '[]', 'x', 'y', '2026-12-01 00:00:00' \
         FROM social_care_records WHERE source_record_id LIKE 'Q-%'"
    ));
    let first = officer.get("/officers/matches");
    assert!(
        first.contains("Showing 1 to 100 of 121 pairs"),
        "{}",
        first.body
    );
    assert!(first.contains("href=\"/officers/matches?page=2\""));
    assert!(!first.contains("Q-119"));
    let last = officer.get("/officers/matches?page=2");
    assert!(
        last.contains("Showing 101 to 121 of 121 pairs"),
        "{}",
        last.body
    );
    assert!(last.contains("Q-119") && last.contains("href=\"/officers/matches?page=1\""));
    assert!(!last.contains("?page=3"));
    // A page that is not a number is the first; one past the end is the last.
    assert!(officer
        .get("/officers/matches?page=x")
        .contains("Showing 1 to 100"));
    assert!(officer
        .get("/officers/matches?page=99")
        .contains("Showing 101 to 121"));
}
