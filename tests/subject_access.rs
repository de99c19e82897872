//! Subject access (issue 19): an officer downloads everything held about a child as one ZIP —
//! a readable summary, the full record as JSON, the notices as served — with the other parent's
//! contact details and officers' names taken out when the officer confirms it; audited.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use std::io::Read;

use common::*;

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut out = vec![];
            f.read_to_end(&mut out).unwrap();
            (f.name().to_string(), out)
        })
        .collect()
}

#[test]
fn gdpr_15_a_subject_access_bundle_holds_the_record_with_third_parties_redacted() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    officer.get(&format!("/officers/children/{id}/parents/new"));
    let p = officer.post(
        &format!("/officers/children/{id}/parents/new"),
        &[
            ("given_names", "Daniel"),
            ("family_name", "Okafor"),
            ("relationship", "father"),
            ("parental_responsibility", "yes"),
            ("email", "daniel@example.com"),
            ("phone", "07700 900111"),
            ("change_reason", "Second parent"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(officer
        .get(&format!("/officers/children/{id}"))
        .contains("Answer a subject access request"));
    let url = format!("/officers/children/{id}/subject-access");
    let page = officer.get(&url);
    assert!(page.contains("Sarah Okafor (mother)"), "{}", page.body);
    let sarah: String = {
        use cnis::db::schema::parents::dsl as p;
        use diesel::prelude::*;
        p::parents
            .filter(p::given_names.eq("Sarah"))
            .select(p::id)
            .first(&mut **app.conn())
            .unwrap()
    };

    let p = officer.post(&url, &[("redact_other_parents", "yes")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Select who asked"));

    let resp = officer
        .client
        .post(format!("{}{url}", officer.base))
        .form(&[
            ("csrf_token", officer.last_csrf.as_str()),
            ("requester", sarah.as_str()),
            ("redact_other_parents", "yes"),
            ("redact_officers", "yes"),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    let files = unzip(&resp.bytes().unwrap());
    assert!(
        files.contains_key("summary.pdf") && files.contains_key("record.json"),
        "{:?}",
        files.keys()
    );
    let json = String::from_utf8(files["record.json"].clone()).unwrap();
    let record: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(record["entry"]["given_names"], "Ada");
    let parents = record["parents"].as_array().unwrap();
    let by_name = |n: &str| parents.iter().find(|p| p["name"] == n).unwrap().clone();
    assert_eq!(
        by_name("Sarah Okafor")["email"],
        "sarah@example.com",
        "the requester's own details stay"
    );
    assert_eq!(by_name("Daniel Okafor")["email"], "[redacted]");
    assert!(
        !json.contains("daniel@example.com") && !json.contains("07700 900111"),
        "{json}"
    );
    assert!(!json.contains("Test officer"), "officers redacted: {json}");
    assert!(json.contains("\"by\": \"An officer\""));
    assert!(record["history"].as_array().unwrap().len() > 1);
    assert!(record["audit"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["action"] == "view_record"));
    let summary = pdf_text(&files["summary.pdf"]);
    assert!(
        summary.contains("Ada Okafor") && summary.contains("Who read or changed the record"),
        "{summary}"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "read_audit_events WHERE action = 'subject_access_bundle' AND child_id = '{id}'"
            )
        ),
        1
    );

    // Without redaction, the officer chose to keep the details.
    let resp = officer
        .client
        .post(format!("{}{url}", officer.base))
        .form(&[
            ("csrf_token", officer.last_csrf.as_str()),
            ("requester", "child"),
        ])
        .send()
        .unwrap();
    let json = String::from_utf8(unzip(&resp.bytes().unwrap())["record.json"].clone()).unwrap();
    assert!(json.contains("daniel@example.com") && json.contains("Test officer"));

    // A parent cannot ask the officers' page for it.
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    assert_ne!(parent.get(&url).status, 200);
}

/// Issue 19: a parent's subject access request, by their email address (in the form, never the
/// address bar): the children they are a parent of, and the emails sent to them.
#[test]
fn gdpr_15_a_parent_gets_everything_held_about_them_by_email() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    let reference: String = {
        use cnis::db::schema::children::dsl as c;
        use diesel::prelude::*;
        c::children
            .find(&id)
            .select(c::reference)
            .first(&mut **app.conn())
            .unwrap()
    };
    parent_signed_in(&app, "sarah@example.com");
    let page = officer.get("/officers/subject-access");
    assert!(page.contains("The parent's email address"), "{}", page.body);
    let p = officer.post("/officers/subject-access", &[("email", "not an email")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter an email address in the correct format"));
    officer.get("/officers/subject-access");
    let p = officer.post(
        "/officers/subject-access",
        &[("email", "nobody@example.com")],
    );
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Nothing is held about this email address"),
        "{}",
        p.body
    );
    officer.get("/officers/subject-access");
    let resp = officer
        .client
        .post(format!("{}/officers/subject-access", officer.base))
        .form(&[
            ("csrf_token", officer.last_csrf.as_str()),
            ("email", "Sarah@Example.com"),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let files = unzip(&resp.bytes().unwrap());
    let record: serde_json::Value = serde_json::from_slice(&files["record.json"]).unwrap();
    assert_eq!(record["on_the_register"][0]["child"], reference.as_str());
    assert!(
        !record["emails"].as_array().unwrap().is_empty(),
        "the sign-in code email"
    );
    assert!(pdf_text(&files["summary.pdf"]).contains("On the register as a parent of: 1"));
}
