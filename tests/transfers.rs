//! Moving between councils (issue 19, EA 1996 s.436F): one cnis sends a child's record, signed,
//! and closes its entry as moved away; another cnis imports the package with the real binary
//! (`cnis import transfer FILE`) and enters the child for review with where it came from. A
//! changed package, one for another council, and a second import are refused or ignored.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use std::process::Command;

use common::*;

fn import(app: &TestApp, file: &std::path::Path, la_code: &str, trusted: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cnis"))
        .args(["import", "transfer"])
        .arg(file)
        .env("DATABASE_URL", &app.config.database_url)
        .env("CNIS_DATA_DIR", dir.path())
        .env("CNIS_LA_CODE", la_code)
        .env("CNIS_TRUSTED_TRANSFER_KEYS", trusted)
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

#[test]
fn s436f_a_record_sent_to_the_new_council_arrives_whole_and_closes_the_entry_here() {
    let devon = TestApp::spawn_with(|c| {
        c.la_code = Some("878".into());
        c.council_name = "Devon County Council".into();
    });
    let plymouth = TestApp::spawn_with(|c| c.la_code = Some("879".into()));

    let mut officer = devon.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    let other = format!("/officers/children/{id}/other-information");
    officer.get(&other);
    let p = officer.post(
        &other,
        &[
            ("ethnicity", "not_known"),
            ("disability", "not_known"),
            ("young_carer", "yes"),
            ("looked_after", "not_known"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);

    // The form: a council from the list, a date no more than a month ahead.
    let url = format!("/officers/children/{id}/transfer");
    let page = officer.get(&url);
    assert!(page.contains("Plymouth (879)"), "{}", page.body);
    // Devon's fingerprint, as its send page shows it, given to Plymouth once.
    let devon_key = extract(&page.body, "came from you: <code>", "</code>").unwrap();
    let trusted = format!("878={devon_key}");
    let p = officer.post(
        &url,
        &[
            ("receiving", "Atlantis"),
            ("moved_on-day", "1"),
            ("moved_on-month", "1"),
            ("moved_on-year", "2030"),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Choose the council the child is moving to"));
    assert!(p.contains("no more than a month from today"));
    assert!(p.contains("Select whether to send the history of changes"));
    assert_eq!(count(&devon, "transfers"), 0);

    let today = cnis::clock::today();
    let (d, m, y) = (
        today.format("%-d").to_string(),
        today.format("%-m").to_string(),
        today.format("%Y").to_string(),
    );
    let p = officer.post(
        &url,
        &[
            ("receiving", "879"),
            ("moved_on-day", &d),
            ("moved_on-month", &m),
            ("moved_on-year", &y),
            ("line_1", "4 Hoe Road"),
            ("town", "Plymouth"),
            ("postcode", "pl1 2aa"),
            ("with_history", "yes"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let sent = p.location.unwrap();
    let page = officer.get(&sent);
    assert!(
        page.contains("Record ready to send to Plymouth"),
        "{}",
        page.body
    );
    let record = officer.get(&format!("/officers/children/{id}"));
    assert!(record.contains("Closed"));
    assert!(
        record.contains("Moved to Plymouth (879)"),
        "{}",
        record.body
    );
    assert!(record.contains("Sent to Plymouth"));
    assert!(
        !record.contains("Send the record to another council"),
        "a closed entry is not sent again"
    );
    assert_eq!(
        count(
            &devon,
            &format!("audit_events WHERE action = 'transfer_sent' AND child_id = '{id}'")
        ),
        1
    );

    let base = sent.split('?').next().unwrap();
    let json = officer.get(&format!("{base}/package.json"));
    assert_eq!(json.status, 200);
    assert!(
        json.body.contains("\"schema\": \"cnis-transfer/1\""),
        "{}",
        json.body
    );
    assert!(json.body.contains("\"young_carer\": \"yes\""));
    assert!(json.body.contains("\"history\": ["));
    let resp = officer
        .client
        .get(format!("{}{base}/package.pdf", officer.base))
        .send()
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let text = pdf_text(&resp.bytes().unwrap());
    assert!(
        text.contains("Ada Okafor") && text.contains("Plymouth (879)"),
        "{text}"
    );

    // Another council's cnis takes it in.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ada.json");
    std::fs::write(&file, &json.body).unwrap();
    // Until Plymouth trusts Devon's key, nothing is taken in.
    let (code, out) = import(&plymouth, &file, "879", "");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no council's key is trusted yet"), "{out}");
    let (code, out) = import(&plymouth, &file, "879", &format!("880={devon_key}"));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("which has no key in CNIS_TRUSTED_TRANSFER_KEYS"),
        "{out}"
    );
    assert_eq!(count(&plymouth, "children"), 0);
    let (code, out) = import(&plymouth, &file, "879", &trusted);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("entered from Devon County Council (878)"),
        "{out}"
    );
    assert_eq!(
        count(
            &plymouth,
            "children WHERE source = 'transfer' AND reviewed = false"
        ),
        1
    );
    assert_eq!(
        count(&plymouth, "child_prescribed WHERE young_carer = 'yes'"),
        1
    );
    assert_eq!(
        count(
            &plymouth,
            "addresses WHERE kind = 'current' AND postcode = 'PL1 2AA'"
        ),
        1
    );
    assert_eq!(
        count(&plymouth, "tasks WHERE kind = 'transfer_received'"),
        1
    );
    assert_eq!(
        count(&plymouth, "audit_events WHERE action = 'transfer_received'"),
        1
    );
    let mut theirs = plymouth.signed_in("officer");
    let new_id = first_id(&plymouth, "children");
    let record = theirs.get(&format!("/officers/children/{new_id}"));
    assert!(
        record.contains("Received from Devon County Council"),
        "{}",
        record.body
    );
    assert!(
        record.contains("transfer package from Devon County Council (878)"),
        "provenance in the history"
    );

    // Twice is once; a changed package, or one for another council, is refused.
    let (code, out) = import(&plymouth, &file, "879", &trusted);
    assert_eq!((code, out.contains("imported before")), (0, true), "{out}");
    assert_eq!(count(&plymouth, "children"), 1);
    let changed = dir.path().join("changed.json");
    std::fs::write(&changed, json.body.replace("\"Ada\"", "\"Eve\"")).unwrap();
    let (code, out) = import(&plymouth, &changed, "879", &trusted);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("does not match its checksum"), "{out}");
    let (code, out) = import(&plymouth, &file, "880", &trusted);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("addressed to Plymouth (879)"), "{out}");
    assert_eq!(count(&plymouth, "children"), 1);

    // A parent cannot read a package.
    let (mut parent, _) = parent_signed_in(&devon, "someone@example.com");
    assert_ne!(parent.get(base).status, 200);
}

/// Issue 19: sharing with partners under s.436F is recorded — who asked, under which gateway,
/// why, and what was sent — shown on the record, audited, and checked.
#[test]
fn s436f_information_shared_with_a_partner_is_recorded_with_its_gateway() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    let url = format!("/officers/children/{id}/shared-with-partner");
    let page = officer.get(&url);
    assert!(
        page.contains("section 11 of the Children Act 2004"),
        "{}",
        page.body
    );
    let p = officer.post(
        &url,
        &[
            ("gateway", "the press"),
            ("disclosed_on-day", "1"),
            ("disclosed_on-month", "1"),
            ("disclosed_on-year", "2030"),
        ],
    );
    assert_eq!(p.status, 422);
    for message in [
        "Select who it was shared with",
        "Enter the name of the organisation",
        "Enter why it was appropriate to share",
        "must be today or in the past",
    ] {
        assert!(p.contains(message), "{message}: {}", p.body);
    }
    assert_eq!(count(&app, "disclosures"), 0);
    let p = officer.post(
        &url,
        &[
            ("gateway", "ca2004_s11"),
            ("partner", "Demoton Police, Child Abuse Investigation Team"),
            ("requested_by", "DC Jones"),
            ("purpose", "Section 47 enquiry about a sibling"),
            ("information", "Name, date of birth, address, how educated"),
            ("disclosed_on-day", "2"),
            ("disclosed_on-month", "11"),
            ("disclosed_on-year", "2026"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let record = officer.get(&format!("/officers/children/{id}"));
    assert!(
        record.contains("Demoton Police, Child Abuse Investigation Team"),
        "{}",
        record.body
    );
    assert!(record.contains("2 November 2026"));
    assert_eq!(
        count(
            &app,
            &format!("audit_events WHERE action = 'record_disclosure' AND child_id = '{id}'")
        ),
        1
    );
}

/// Devon sends Ada's record to Plymouth; returns the package and Devon's key fingerprint.
fn package_from_devon() -> (String, String) {
    let devon = TestApp::spawn_with(|c| {
        c.la_code = Some("878".into());
        c.council_name = "Devon County Council".into();
    });
    let mut officer = devon.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    let other = format!("/officers/children/{id}/other-information");
    officer.get(&other);
    officer.post(
        &other,
        &[
            ("ethnicity", "not_known"),
            ("disability", "not_known"),
            ("young_carer", "yes"),
            ("looked_after", "not_known"),
        ],
    );
    let url = format!("/officers/children/{id}/transfer");
    let page = officer.get(&url);
    let key = extract(&page.body, "came from you: <code>", "</code>").unwrap();
    let today = cnis::clock::today();
    let p = officer.post(
        &url,
        &[
            ("receiving", "879"),
            ("moved_on-day", &today.format("%-d").to_string()),
            ("moved_on-month", &today.format("%-m").to_string()),
            ("moved_on-year", &today.format("%Y").to_string()),
            ("with_history", "no"),
        ],
    );
    let base = p.location.unwrap();
    let json = officer.get(&format!("{}/package.json", base.split('?').next().unwrap()));
    (json.body, key)
}

/// Issue 19 review: a record arriving for a child whose entry here was closed (they left and
/// came back) reopens that entry for review, fills in what it did not know, and so is not
/// erased as past its date.
#[test]
fn s436f_a_record_for_a_child_who_left_and_came_back_reopens_their_entry() {
    let (package, key) = package_from_devon();
    let plymouth = TestApp::spawn_with(|c| c.la_code = Some("879".into()));
    let mut officer = plymouth.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    close_entry(&mut officer, &id);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ada.json");
    std::fs::write(&file, package).unwrap();
    let (code, out) = import(&plymouth, &file, "879", &format!("878={key}"));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("linked to the entry already on the register"),
        "{out}"
    );
    assert_eq!(count(&plymouth, "children"), 1);
    assert_eq!(
        count(
            &plymouth,
            &format!("children WHERE id = '{id}' AND status = 'open' AND reviewed = false")
        ),
        1
    );
    assert_eq!(
        count(
            &plymouth,
            &format!("child_prescribed WHERE child_id = '{id}' AND young_carer = 'yes'")
        ),
        1
    );
}

/// Issue 19 review: a trusted council's package is still checked as the register's own forms
/// are — unknown codes become "not known", impossible hours and invalid identifiers are left out,
/// text is cut to length — so nothing it holds breaks a page.
#[test]
fn s436f_a_package_with_values_the_register_does_not_know_is_entered_safely() {
    use cnis::domain::transfer::*;
    let key = signing_key(b"a trusted council's secret");
    let package = Package {
        schema: SCHEMA.into(),
        sending_council: Council {
            code: "878".into(),
            name: "Devon".into(),
        },
        receiving_council: Council {
            code: "879".into(),
            name: "Plymouth".into(),
        },
        made_at: cnis::db::now(),
        moved_on: cnis::clock::today(),
        child: ChildPart {
            sending_reference: "CN-XXXX".into(),
            given_names: "Ada".repeat(200),
            family_name: "Okafor".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2015, 5, 1),
            sex: "Z".into(),
            upn: Some("not a upn".into()),
            nhs_number: Some("1234567890".into()),
            arrangement: "space_school".into(),
            eligibility_condition: "c_z".into(),
            eligible_from: None,
            reason: "because".into(),
            reason_detail: None,
            sen_status: "??".into(),
            parent_hours_per_week: Some(-5.0),
            other_hours_per_week: Some(f64::MAX),
        },
        addresses: vec![AddressPart {
            kind: "castle".into(),
            line_1: "4 Hoe Road".into(),
            line_2: None,
            town: "Plymouth".into(),
            postcode: "pl1 2aa".into(),
            moved_in_on: None,
        }],
        parents: vec![],
        providers: vec![],
        prescribed: PrescribedPart {
            ethnicity: "martian".into(),
            disability: "maybe".into(),
            young_carer: "yes".into(),
            looked_after: "x".into(),
            schools_attended: None,
            missing_education_from: None,
        },
        social_care: vec![],
        history: vec![],
    };
    let signed = sign(package, &key).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odd.json");
    std::fs::write(&file, serde_json::to_string(&signed).unwrap()).unwrap();
    let plymouth = TestApp::spawn_with(|c| c.la_code = Some("879".into()));
    let (code, out) = import(
        &plymouth,
        &file,
        "879",
        &format!("878={}", fingerprint(&signed.public_key)),
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        count(&plymouth, "children WHERE sex = 'U' AND arrangement = 'not_known' AND reason = 'not_provided' AND sen_status = 'not_known' AND upn IS NULL AND nhs_number IS NULL AND parent_hours_per_week IS NULL AND other_hours_per_week IS NULL"),
        1
    );
    assert_eq!(
        count(
            &plymouth,
            "child_prescribed WHERE ethnicity = 'not_known' AND young_carer = 'yes'"
        ),
        1
    );
    let id = first_id(&plymouth, "children");
    let mut officer = plymouth.signed_in("officer");
    assert_eq!(officer.get(&format!("/officers/children/{id}")).status, 200);
}

/// Plymouth's instance, trusting Devon's signing key.
fn plymouth_trusting_devon(key: &str) -> TestApp {
    TestApp::spawn_with(|c| {
        c.la_code = Some("879".into());
        c.trusted_transfer_keys =
            cnis::domain::transfer::parse_trusted(&format!("878={key}")).unwrap();
    })
}

/// Issue 19: an officer takes in a record on a page by uploading the file the other council
/// sent; an empty or non-text file, or a post without a CSRF token, is refused with a reason.
#[test]
fn s436f_an_officer_uploads_the_file_another_council_sent() {
    let (package, key) = package_from_devon();
    let plymouth = plymouth_trusting_devon(&key);
    let mut officer = plymouth.signed_in("officer");
    let page = officer.get("/officers/transfers/receive");
    assert!(page.contains("enctype=\"multipart/form-data\""));
    assert!(page.contains("type=\"file\""));
    let url = "/officers/transfers/receive";
    let p = officer.post_file(url, &[], ("package_file", "", vec![]));
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Choose the file the other council sent"),
        "{}",
        p.body
    );
    let p = officer.post_file(url, &[], ("package_file", "empty.json", vec![]));
    assert_eq!(p.status, 422);
    assert!(p.contains("The file you chose is empty"), "{}", p.body);
    let p = officer.post_file(
        url,
        &[],
        ("package_file", "photo.jpg", vec![0xff, 0xd8, 0xff, 0x00]),
    );
    assert_eq!(p.status, 422);
    assert!(
        p.contains("is not a record from another council"),
        "{}",
        p.body
    );
    // A JSON file that is not a package (the PDF's text, another export) is named in plain words.
    let p = officer.post_file(
        url,
        &[],
        (
            "package_file",
            "other.json",
            br#"{"format": "other"}"#.to_vec(),
        ),
    );
    assert_eq!(p.status, 422);
    assert!(
        p.contains("is not a record sent by this service. Choose the file ending in .json"),
        "{}",
        p.body
    );
    assert!(!p.contains("`"));
    officer.get(url);
    let p = officer.post_file(
        url,
        &[],
        ("package_file", "devon.json", package.clone().into_bytes()),
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(officer
        .get(p.location.as_deref().unwrap())
        .contains("Received from Devon County Council"));
    officer.get(url);
    let p = officer.post_file(
        url,
        &[],
        ("package_file", "devon.json", package.clone().into_bytes()),
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("taken in before"));
    assert_eq!(count(&plymouth, "children"), 1);
    // Without the page's CSRF token, nothing is read.
    officer.last_csrf = "forged".into();
    let p = officer.post_file(
        url,
        &[],
        ("package_file", "devon.json", package.into_bytes()),
    );
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(p.contains("out of date"));
    assert_eq!(count(&plymouth, "children"), 1);
    // Other forms take no files.
    let mut other = plymouth.signed_in("officer");
    other.get("/officers/register/search");
    let p = other.post_file(
        "/officers/register/search",
        &[("q", "Ada")],
        ("f", "a.txt", b"x".to_vec()),
    );
    assert_eq!(p.status, 400);
    assert!(p.contains("not sent as a web form"), "{}", p.body);
}

/// Issue 19: an officer takes in a record on a page (pasting the file), not only from the
/// command line; a second paste changes nothing, and a refusal says why.
#[test]
fn s436f_an_officer_takes_in_a_record_on_a_page() {
    let (package, key) = package_from_devon();
    let plymouth = plymouth_trusting_devon(&key);
    let mut officer = plymouth.signed_in("officer");
    assert!(officer
        .get("/officers/register")
        .contains("/officers/transfers/receive"));
    let page = officer.get("/officers/transfers/receive");
    assert!(
        page.contains("Take in a record from another council"),
        "{}",
        page.body
    );
    let p = officer.post("/officers/transfers/receive", &[("package", "")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Choose the file the other council sent"));
    officer.get("/officers/transfers/receive");
    let p = officer.post(
        "/officers/transfers/receive",
        &[("package", &package.replace("\"Ada\"", "\"Eve\""))],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("does not match its checksum"), "{}", p.body);
    officer.get("/officers/transfers/receive");
    let p = officer.post("/officers/transfers/receive", &[("package", &package)]);
    assert_eq!(p.status, 303, "{}", p.body);
    let record = officer.get(p.location.as_deref().unwrap());
    assert!(
        record.contains("Record taken in from another council"),
        "{}",
        record.body
    );
    assert!(record.contains("Received from Devon County Council"));
    officer.get("/officers/transfers/receive");
    let p = officer.post("/officers/transfers/receive", &[("package", &package)]);
    assert_eq!(p.status, 422);
    assert!(p.contains("taken in before"));
    assert_eq!(count(&plymouth, "children"), 1);
}

/// Issue 19: a council may keep its transfer signing key apart from its secret key
/// (`CNIS_TRANSFER_SIGNING_KEY`), so rotating the secret key does not change the fingerprint
/// other councils trust; packages are signed with that key.
#[test]
fn s436f_the_transfer_signing_key_is_kept_apart_from_the_secret_key() {
    let seed = [7u8; 32];
    let expected = cnis::domain::transfer::fingerprint(&hex_of(
        &ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .to_bytes(),
    ));
    let mut shown = vec![];
    for secret in [[1u8; 32], [2u8; 32]] {
        let devon = TestApp::spawn_with(|c| {
            c.la_code = Some("878".into());
            c.secret_key = secret.to_vec();
            c.transfer_signing_seed = Some(seed);
        });
        let mut officer = devon.signed_in("officer");
        let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
        let page = officer.get(&format!("/officers/children/{id}/transfer"));
        shown.push(extract(&page.body, "came from you: <code>", "</code>").unwrap());
    }
    assert_eq!(shown, vec![expected.clone(), expected]);
    // Without it, the key follows the secret key.
    let derived = TestApp::spawn_with(|c| c.secret_key = vec![1u8; 32]);
    let mut officer = derived.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    let page = officer.get(&format!("/officers/children/{id}/transfer"));
    assert_ne!(
        extract(&page.body, "came from you: <code>", "</code>").unwrap(),
        shown[0]
    );
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
