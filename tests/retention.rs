//! The record's whole life (issue 19, law.md §7.4): the retention job erases what is past its
//! date — closed entries with everything about the child, finished applications for consent, old
//! audit rows and emails — in the real binary (`cnis retention [--dry-run]`), keeps a record on
//! legal hold, and officers place and managers release holds on the real pages.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use std::process::Command;

use common::*;

fn cnis_retention(app: &TestApp, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cnis"))
        .arg("retention")
        .args(args)
        .env("DATABASE_URL", &app.config.database_url)
        .env("CNIS_DATA_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    text
}

fn reference_of(app: &TestApp, id: &str) -> String {
    use cnis::db::schema::children::dsl as c;
    use diesel::prelude::*;
    c::children
        .find(id)
        .select(c::reference)
        .first(&mut **app.conn())
        .unwrap()
}

/// Closes an entry through the close form, then moves its dates back so it is long past its
/// retention date: born in 2000 (school age ended in June 2016), closed in 2010.
fn closed_long_ago(app: &TestApp, officer: &mut Browser, given: &str) -> String {
    let id = add_child(officer, given, "Okafor", ("1", "5", "2015"));
    close_entry(officer, &id);
    app.exec(&format!(
        "UPDATE children SET date_of_birth = '2000-01-15', closed_on = '2010-03-01' WHERE id = '{id}'"
    ));
    id
}

#[test]
fn law_7_4_retention_erases_a_closed_entry_past_its_date_and_keeps_one_on_legal_hold() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let gone = closed_long_ago(&app, &mut officer, "Ada");
    let held = closed_long_ago(&app, &mut officer, "Grace");
    let recent = add_child(&mut officer, "Mary", "Okafor", ("1", "5", "2015"));
    let (gone_ref, held_ref) = (reference_of(&app, &gone), reference_of(&app, &held));

    // The record says how long it is kept; an officer places a hold, with a reason.
    let page = officer.get(&format!("/officers/children/{held}"));
    assert!(page.contains("Kept until 24 June 2022"), "{}", page.body);
    officer.get(&format!("/officers/children/{held}/legal-hold"));
    let p = officer.post(
        &format!("/officers/children/{held}/legal-hold"),
        &[("reason", "")],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter why it must be kept"), "{}", p.body);
    let p = officer.post(
        &format!("/officers/children/{held}/legal-hold"),
        &[("reason", "Complaint C-114 before the Ombudsman")],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let page = officer.get(&format!("/officers/children/{held}?done=hold"));
    assert!(page.contains("Legal hold placed"));
    assert!(page.contains("Complaint C-114 before the Ombudsman"));
    assert_eq!(
        count(
            &app,
            &format!("audit_events WHERE action = 'place_legal_hold' AND child_id = '{held}'")
        ),
        1
    );

    // The dry run lists what would go, by reference, and changes nothing.
    let out = cnis_retention(&app, &["--dry-run"]);
    assert!(
        out.contains("would erase: 1 closed register entries"),
        "{out}"
    );
    assert!(
        out.contains(&format!("would erase register entry {gone_ref}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("kept on legal hold: register entry {held_ref}")),
        "{out}"
    );
    assert!(
        !out.contains("Ada") && !out.contains("Okafor"),
        "no names: {out}"
    );
    assert_eq!(count(&app, &format!("children WHERE id = '{gone}'")), 1);

    // The held child's old audit rows are held with it; the other child's go with its entry.
    app.exec(&format!(
        "UPDATE audit_events SET at = '2015-01-01 10:00:00' WHERE child_id = '{held}'"
    ));
    let held_audit = count(&app, &format!("audit_events WHERE child_id = '{held}'"));
    assert!(held_audit > 0);
    let out = cnis_retention(&app, &[]);
    assert!(out.contains("erased: 1 closed register entries"), "{out}");
    assert_eq!(
        count(&app, &format!("audit_events WHERE child_id = '{held}'")),
        held_audit,
        "a legal hold keeps the audit of who read the record"
    );
    for table in [
        "children WHERE id",
        "addresses WHERE child_id",
        "parents WHERE child_id",
        "child_changes WHERE child_id",
        "tasks WHERE child_id",
        "child_name_parts WHERE child_id",
    ] {
        assert_eq!(count(&app, &format!("{table} = '{gone}'")), 0, "{table}");
    }
    assert_eq!(
        officer.get(&format!("/officers/children/{gone}")).status,
        404
    );
    assert_eq!(
        count(
            &app,
            &format!("audit_events WHERE action = 'retention_erased_register_entry' AND child_id = '{gone}'")
        ),
        1,
        "the erasure is in the audit log, by id"
    );
    assert_eq!(
        count(
            &app,
            &format!("children WHERE id IN ('{held}', '{recent}')")
        ),
        2
    );
    let page = officer.get(&format!("/officers/children/{recent}"));
    assert!(
        page.contains("Kept while the entry is open"),
        "{}",
        page.body
    );

    // Only a manager releases a hold, after a confirmation page.
    let page = officer.get(&format!("/officers/children/{held}"));
    assert!(
        page.contains("Only a manager can release it."),
        "{}",
        page.body
    );
    assert_eq!(
        officer
            .get(&format!("/officers/children/{held}/legal-hold/release"))
            .status,
        403
    );
    let p = officer.post(
        &format!("/officers/children/{held}/legal-hold/release"),
        &[],
    );
    assert_eq!(p.status, 403);
    let mut manager = app.signed_in("manager");
    assert!(manager
        .get(&format!("/officers/children/{held}"))
        .contains("/legal-hold/release"));
    let page = manager.get(&format!("/officers/children/{held}/legal-hold/release"));
    assert!(page.contains("Release the legal hold?"));
    assert!(page.contains("Complaint C-114 before the Ombudsman"));
    let p = manager.post(
        &format!("/officers/children/{held}/legal-hold/release"),
        &[],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let page = manager.get(&format!("/officers/children/{held}?done=released"));
    assert!(page.contains("Legal hold released"));
    assert!(page.contains("Place a legal hold"));

    let out = cnis_retention(&app, &[]);
    assert!(
        out.contains(&format!("erased register entry {held_ref}")),
        "{out}"
    );
    assert_eq!(count(&app, &format!("children WHERE id = '{held}'")), 0);
    assert_eq!(
        count(&app, &format!("legal_holds WHERE subject_id = '{held}'")),
        0
    );
}

#[test]
fn law_7_4_retention_erases_old_audit_rows_emails_and_finished_applications() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let kept = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    officer.get(&format!("/officers/children/{kept}"));
    // An audit row from eight years ago, and an email sent three years ago.
    app.exec(&format!(
        "UPDATE audit_events SET at = '2018-01-01 10:00:00' WHERE child_id = '{kept}'"
    ));
    let old_audit = count(&app, "audit_events WHERE at < '2019-01-01'");
    assert!(old_audit > 0);
    let (mut parent, _) = parent_signed_in(&app, "parent.retention@example.com");

    // A withdrawn application for consent about a child born in 2000.
    let mut admin = app.signed_in("admin");
    let (school_id, _) = school_with_staff(&app, &mut admin, "100001");
    let p = apply_for_consent(
        &mut parent,
        &[
            ("needs_consent", "social_care"),
            ("given_names", "Ada"),
            ("family_name", "Okafor"),
            ("date_of_birth-day", "1"),
            ("date_of_birth-month", "5"),
            ("date_of_birth-year", "2015"),
            ("sex", "F"),
            ("address_line_1", "12 Station Road"),
            ("town", "Demoton"),
            ("postcode", "DT1 4AB"),
            ("school_id", &school_id),
            ("parent_name", "Grace Okafor"),
            ("parent_address", "12 Station Road, Demoton DT1 4AB"),
            ("email_consent", "yes"),
            ("educated_by", "Both parents"),
            ("education_plan", "A broad curriculum"),
            ("hours_per_week", "22"),
            ("resources", "Library"),
            ("reasons", "Anxiety at school"),
            ("needs", "None"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    app.exec(
        "UPDATE consent_applications SET status = 'withdrawn', withdrawn_at = '2015-01-01 10:00:00', date_of_birth = '2000-01-15'",
    );
    assert_eq!(count(&app, "consent_applications"), 1);
    app.exec("UPDATE outbox SET status = 'delivered', created_at = '2023-01-01 10:00:00' WHERE document_id IS NULL");
    let old_emails = count(&app, "outbox WHERE created_at < '2024-01-01'");
    assert!(old_emails > 0);

    // On legal hold (placed by an officer, released by a manager), it is kept.
    let app_id = first_id(&app, "consent_applications");
    let page = officer.get(&format!("/officers/consent/{app_id}"));
    assert!(
        page.contains("How long this application is kept"),
        "{}",
        page.body
    );
    officer.get(&format!("/officers/consent/{app_id}/legal-hold"));
    let p = officer.post(
        &format!("/officers/consent/{app_id}/legal-hold"),
        &[("reason", "Complaint C-200")],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(officer
        .get(&format!("/officers/consent/{app_id}?done=hold"))
        .contains("Complaint C-200"));
    let out = cnis_retention(&app, &[]);
    assert!(
        out.contains("kept on legal hold: application for consent"),
        "{out}"
    );
    assert_eq!(count(&app, "consent_applications"), 1);
    let mut manager = app.signed_in("manager");
    manager.get(&format!("/officers/consent/{app_id}/legal-hold/release"));
    let p = manager.post(
        &format!("/officers/consent/{app_id}/legal-hold/release"),
        &[],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(count(&app, "legal_holds"), 1);
    let out = cnis_retention(&app, &[]);
    assert!(out.contains("1 applications for consent"), "{out}");
    assert_eq!(count(&app, "consent_applications"), 0);
    // The released hold goes with it: its reason may name the child.
    assert_eq!(count(&app, "legal_holds"), 0);
    assert_eq!(count(&app, "audit_events WHERE at < '2019-01-01'"), 0);
    assert_eq!(count(&app, "outbox WHERE created_at < '2024-01-01'"), 0);
    // The open entry stays, with its recent history.
    assert_eq!(count(&app, &format!("children WHERE id = '{kept}'")), 1);
    assert_eq!(
        officer.get(&format!("/officers/children/{kept}")).status,
        200
    );
}

/// law.md §7.4, issue 19: a social-care record copied in for the cross-check that no import has
/// brought for over `CNIS_RETAIN_SOCIAL_CARE_DAYS` (400) and that no child is linked to is
/// erased with its episodes; one linked to a child on the register is kept however old, so no
/// child protection flag is lost; one imported lately is kept.
#[test]
fn law_7_4_retention_erases_social_care_records_no_import_still_brings() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let child = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    for (id, imported) in [
        ("stale", "2020-01-01 10:00:00"),
        ("linked", "2020-01-01 10:00:00"),
        ("recent", "2099-01-01 10:00:00"),
    ] {
        app.exec(&format!(
            "INSERT INTO social_care_records (id, source_record_id, source, sex, data_hash, imported_at) \
             VALUES ('{id}', 'SRC-{id}', 'test', 'F', 'h', '{imported}')"
        ));
        app.exec(&format!(
            "INSERT INTO social_care_episodes (id, record_id, kind, start_date) VALUES ('e-{id}', '{id}', 's47', '2019-06-01')"
        ));
    }
    app.exec(&format!(
        "INSERT INTO match_links (child_id, record_id, decision, score, explanation, child_hash, record_hash, updated_at) \
         VALUES ('{child}', 'linked', 'match', 1.0, 'test', 'c', 'r', '2020-01-01 10:00:00')"
    ));
    let out = cnis_retention(&app, &["--dry-run"]);
    assert!(
        out.contains("1 social care records not imported since"),
        "{out}"
    );
    assert_eq!(count(&app, "social_care_records"), 3);
    let out = cnis_retention(&app, &[]);
    assert!(
        out.contains("erased:") && out.contains("1 social care records"),
        "{out}"
    );
    assert_eq!(count(&app, "social_care_records WHERE id = 'stale'"), 0);
    assert_eq!(
        count(&app, "social_care_episodes WHERE record_id = 'stale'"),
        0
    );
    assert_eq!(
        count(&app, "social_care_records WHERE id IN ('linked', 'recent')"),
        2
    );
    assert_eq!(count(&app, "social_care_episodes"), 2);
    assert_eq!(
        count(
            &app,
            "audit_events WHERE action = 'retention_erased_social_care_records'"
        ),
        1
    );
}
