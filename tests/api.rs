//! The social care push API: bearer tokens issued and revoked, problem documents for bad input,
//! records stored for the cross-check, and the OpenAPI description.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

fn push(app: &TestApp, token: Option<&str>, body: &str) -> (u16, String, String) {
    let client = reqwest::blocking::Client::new();
    let mut req = client
        .post(format!("{}/api/v1/social-care-records", app.base))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let r = req.send().unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_string())
        .unwrap_or_default();
    (status, ct, r.text().unwrap_or_default())
}

/// A token for a social care system, and one for a mainstream school's MIS.
fn care_and_school_tokens(app: &TestApp) -> (String, String) {
    let (_, care) = cnis::store::api_tokens::issue(&mut app.conn(), "care").unwrap();
    let school = cnis::store::schools::School {
        id: uuid::Uuid::new_v4().to_string(),
        urn: "100002".into(),
        name: "Hill School".into(),
        kind: "mainstream".into(),
        address: "Hill Road".into(),
        email: None,
        created_at: cnis::db::now(),
    };
    cnis::store::schools::create(&mut app.conn(), &school).unwrap();
    let (_, school_token) =
        cnis::store::api_tokens::issue_for_school(&mut app.conn(), "MIS", &school.id).unwrap();
    (care, school_token)
}

/// A school tells the council today that a parent intends to home educate a pupil born
/// 12 March 2014; the council's answer.
fn intention_notice(app: &TestApp, token: &str, given: &str, family: &str) -> serde_json::Value {
    let notice = serde_json::json!({
        "kind": "intention", "given_names": given, "family_name": family,
        "date_of_birth": "2014-03-12", "sex": "F", "address_line_1": "12 Station Road",
        "town": "Demoton", "postcode": "DT1 4AB", "on_date": cnis::clock::today().to_string(),
        "parents": [{"name": format!("Grace {family}"), "phone": "07700 900982"}]
    });
    let r = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/school-notices", app.base))
        .bearer_auth(token)
        .json(&notice)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    r.json().unwrap()
}

#[test]
fn a_social_care_system_pushes_records_with_a_token_that_can_be_revoked() {
    let app = TestApp::spawn();
    let (id, token) =
        cnis::store::api_tokens::issue(&mut app.conn(), "Liquidlogic nightly").unwrap();
    let body = r#"{"records": [
        {"record_id": "LCS-1", "given_names": "Ada", "family_name": "Lovelace", "date_of_birth": "2015-12-10", "sex": "F",
         "postcode": "DT1 4AB", "episodes": [{"kind": "s47", "start_date": "2026-10-01"}]},
        {"record_id": "LCS-2", "given_names": "Sam", "family_name": "Bloggs", "date_of_birth": "2012-02-30", "upn": "nonsense"},
        {"record_id": "LCS-1", "given_names": "Ada"},
        {"given_names": "No id"},
        {"record_id": "LCS-3", "given_names": "Kim", "episodes": [{"kind": "arrest"}]}
    ]}"#;

    let (status, ct, text) = push(&app, None, body);
    assert_eq!(status, 401);
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    assert!(text.contains("Authorization: Bearer"));
    let (status, _, _) = push(&app, Some("cnis_wrong"), body);
    assert_eq!(status, 401);

    // A request whose shape breaks the schema (no record_id, an unknown episode kind) is refused
    // whole, every problem named, and nothing is stored.
    let (status, ct, text) = push(&app, Some(&token), body);
    assert_eq!(status, 422, "{text}");
    assert!(ct.starts_with("application/problem+json"));
    assert!(text.contains("records[3].record_id") && text.contains("record_id is required"));
    assert!(text.contains("records[4].episodes[0].kind"));
    assert!(text.contains("episode kind arrest is not s47, cp_plan or cin"));
    assert_eq!(count(&app, "social_care_records"), 0);
    let body = r#"{"records": [
        {"record_id": "LCS-1", "given_names": "Ada", "family_name": "Lovelace", "date_of_birth": "2015-12-10", "sex": "F",
         "postcode": "DT1 4AB", "episodes": [{"kind": "s47", "start_date": "2026-10-01"}]},
        {"record_id": "LCS-2", "given_names": "Sam", "family_name": "Bloggs", "date_of_birth": "2012-02-30", "upn": "nonsense"},
        {"record_id": "LCS-1", "given_names": "Ada"}
    ]}"#;
    let (status, _, text) = push(&app, Some(&token), body);
    assert_eq!(status, 200, "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["new"], 2);
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{text}");
    assert!(text.contains("record_id appears earlier in this request"));
    assert!(
        text.contains("date_of_birth 2012-02-30 is not a real date"),
        "{text}"
    );
    assert_eq!(count(&app, "social_care_records"), 2);
    assert_eq!(count(&app, "social_care_episodes WHERE kind = 's47'"), 1);
    assert_eq!(
        count(&app, "audit_log WHERE action = 'api_social_care_push'"),
        1
    );

    // Bad JSON and too many records are refused as problems, and store nothing.
    let (status, ct, text) = push(&app, Some(&token), "{\"records\": [");
    assert_eq!(status, 400);
    assert!(ct.starts_with("application/problem+json") && text.contains("openapi.json"));
    let many = format!(
        "{{\"records\": [{}]}}",
        vec!["{\"record_id\": \"x\"}"; 1001].join(",")
    );
    assert_eq!(push(&app, Some(&token), &many).0, 413);
    assert_eq!(count(&app, "social_care_records"), 2);

    // Revoked: refused.
    assert_eq!(
        cnis::store::api_tokens::revoke(&mut app.conn(), &id).unwrap(),
        1
    );
    assert_eq!(push(&app, Some(&token), body).0, 401);
}

#[test]
fn the_api_is_described_by_an_openapi_document() {
    let app = TestApp::spawn();
    let r = reqwest::blocking::get(format!("{}/api/v1/openapi.json", app.base)).unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let doc: serde_json::Value = r.json().unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let post = &doc["paths"]["/api/v1/social-care-records"]["post"];
    assert!(post["responses"]["401"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    let r = reqwest::blocking::get(format!("{}/api/v1/nothing-here", app.base)).unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
}

#[test]
fn an_administrator_issues_and_revokes_tokens_on_the_web_and_each_token_is_rate_limited() {
    let app = TestApp::spawn_with(|c| c.api_requests_per_minute = 3);
    // Deny by default: officers and managers cannot see or issue tokens.
    for role in ["officer", "manager"] {
        let mut b = app.signed_in(role);
        assert_eq!(b.get("/officers/admin/api-tokens").status, 403, "{role}");
        let p = b.post("/officers/admin/api-tokens", &[("name", "Sneaky")]);
        assert_eq!(p.status, 403, "{role}");
    }
    assert_eq!(count(&app, "api_tokens"), 0);

    let mut admin = app.signed_in("admin");
    let p = admin.get("/officers/admin/api-tokens");
    assert_eq!(p.status, 200);
    assert!(p.contains("No tokens have been issued"));
    // A name is needed.
    let p = admin.post("/officers/admin/api-tokens", &[("name", " ")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter the name of the system"));
    assert_eq!(count(&app, "api_tokens"), 0);

    let p = admin.post("/officers/admin/api-tokens", &[("name", "Mosaic nightly")]);
    assert_eq!(p.status, 200);
    assert!(p.contains("It will not be shown again"));
    let token = extract(&p.body, "<code>", "</code>").unwrap();
    assert!(token.starts_with("cnis_"), "{token}");
    let id = extract(&p.body, "data-token-id=\"", "\"").unwrap();
    assert_eq!(
        count(&app, "audit_log WHERE action = 'api_token_issued'"),
        1
    );
    // The list shows the system but never the token again.
    let p = admin.get("/officers/admin/api-tokens");
    assert!(p.contains("Mosaic nightly") && !p.contains(&token));

    // Three requests a minute for this token; the fourth is told to wait.
    let body = r#"{"records": []}"#;
    for _ in 0..3 {
        assert_eq!(push(&app, Some(&token), body).0, 200);
    }
    let (status, ct, text) = push(&app, Some(&token), body);
    assert_eq!(status, 429, "{text}");
    assert!(ct.starts_with("application/problem+json") && text.contains("3 requests a minute"));
    // Another token has its own allowance.
    let (_, other) = cnis::store::api_tokens::issue(&mut app.conn(), "Other").unwrap();
    assert_eq!(push(&app, Some(&other), body).0, 200);

    let p = admin.post(&format!("/officers/admin/api-tokens/{id}/revoke"), &[]);
    assert_eq!(p.status, 303);
    let p = admin.get(p.location.as_deref().unwrap());
    assert!(p.contains("The token has been revoked"));
    assert_eq!(push(&app, Some(&token), body).0, 401);
    assert_eq!(
        count(&app, "audit_log WHERE action = 'api_token_revoked'"),
        1
    );
    // Revoking twice, or an unknown token, is not found.
    assert_eq!(
        admin
            .post(&format!("/officers/admin/api-tokens/{id}/revoke"), &[])
            .status,
        404
    );
}

/// Issue 15 (2): "the period of five years ending with" the day a school tells the council
/// starts the day after the same date five years before. A child protection plan that ended on
/// that date is outside it (the school may delete); one that ended a day later is inside (the
/// school must wait for consent). Through the real API, both ways.
#[test]
fn s434a_4_a_plan_ended_five_years_and_one_day_before_is_outside_the_window() {
    let app = TestApp::spawn_with(|c| c.api_requests_per_minute = 10_000);
    let (care, school_token) = care_and_school_tokens(&app);
    let today = cnis::clock::today();
    let five_years_before = today.checked_sub_months(chrono::Months::new(60)).unwrap();
    for (i, (ended, relevant)) in [
        (five_years_before, false),
        (five_years_before + chrono::Days::new(1), true),
    ]
    .into_iter()
    .enumerate()
    {
        let given = ["Ada", "Bea"][i];
        let body = serde_json::json!({"records": [{
            "record_id": format!("LCS-{i}"), "given_names": given, "family_name": "Okafor",
            "date_of_birth": "2014-03-12", "sex": "F", "postcode": "DT1 4AB",
            "episodes": [{"kind": "cp_plan", "start_date": "2019-01-01", "end_date": ended.to_string()}]
        }]});
        assert_eq!(push(&app, Some(&care), &body.to_string()).0, 200);
        let answer = intention_notice(&app, &school_token, given, "Okafor");
        assert_eq!(
            answer["relevant_child"], relevant,
            "plan ended {ended}: {answer}"
        );
    }
}

/// Issue 15 (1): condition B needs enquiries being made now, or a decision under s.47(8) to take
/// action now or in the five years (s.434A(4)). An enquiry 1 Jan – 15 Feb 2024 that ended with no
/// further action does not make the pupil a relevant child; the same enquiry with no outcome
/// given makes them possibly relevant (the school waits, an officer decides); one that led to
/// action does. Each through the real API, pushed with the new `nfa` and `action_date` fields.
#[test]
fn s434a_4_an_enquiry_that_ended_with_no_further_action_is_not_condition_b() {
    let app = TestApp::spawn_with(|c| c.api_requests_per_minute = 10_000);
    let (care, school_token) = care_and_school_tokens(&app);
    let enquiry =
        serde_json::json!({"kind": "s47", "start_date": "2024-01-01", "end_date": "2024-02-15"});
    let with = |extra: serde_json::Value| {
        let mut e = enquiry.clone();
        for (k, v) in extra.as_object().unwrap() {
            e[k] = v.clone();
        }
        e
    };
    let cases = [
        ("Ada", with(serde_json::json!({"nfa": true})), false, 0),
        ("Bea", enquiry.clone(), true, 1),
        (
            "Cal",
            with(serde_json::json!({"action_date": "2024-02-20"})),
            true,
            0,
        ),
        ("Dot", with(serde_json::json!({"nfa": false})), true, 0),
        (
            "Eve",
            serde_json::json!({"kind": "s47", "start_date": "2026-11-01"}),
            true,
            0,
        ),
    ];
    for (i, (given, episode, relevant, unknown)) in cases.into_iter().enumerate() {
        let body = serde_json::json!({"records": [{
            "record_id": format!("LCS-47-{i}"), "given_names": given, "family_name": "Quist",
            "date_of_birth": "2014-03-12", "sex": "F", "postcode": "DT1 4AB",
            "episodes": [episode]
        }]});
        let (status, _, text) = push(&app, Some(&care), &body.to_string());
        assert_eq!(status, 200, "{text}");
        let report: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            report["enquiries_outcome_unknown"], unknown,
            "{given}: {report}"
        );
        let answer = intention_notice(&app, &school_token, given, "Quist");
        assert_eq!(answer["relevant_child"], relevant, "{given}: {answer}");
        assert_eq!(answer["may_delete"], !relevant, "{given}: {answer}");
    }
    // Issue 16: each notice is a task naming the pupil, due today where the pupil may be a
    // relevant child (the four above), in a week otherwise (Ada).
    let today = cnis::clock::today();
    let due = |d: chrono::NaiveDate| {
        count(
            &app,
            &format!("tasks WHERE kind = 'school_notice' AND due_on = '{d}'"),
        )
    };
    assert_eq!(due(today), 4);
    assert_eq!(due(today + chrono::Days::new(7)), 1);
    assert_eq!(
        count(
            &app,
            "tasks WHERE kind = 'school_notice' AND summary LIKE '%Bea Quist, born 12 March 2014%'"
        ),
        1
    );
    // How an enquiry ended belongs on an s47 episode only: anything else is refused whole.
    let body = serde_json::json!({"records": [{
        "record_id": "LCS-47-x", "given_names": "Fay", "family_name": "Quist",
        "episodes": [{"kind": "cp_plan", "start_date": "2024-01-01", "nfa": true}]
    }]});
    let (status, _, text) = push(&app, Some(&care), &body.to_string());
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("records[0].episodes[0]") && text.contains("s47 episode only"));
}

/// Issue 15 (9): s.434A has its own commencement. Before it (no day set, or the day after
/// today) a pupil with an active child protection plan is not a relevant child and the school may
/// delete the name; from the day itself, the school must wait for consent.
#[test]
fn s434a_commencement_the_bar_bites_from_its_day_and_not_before() {
    let today = cnis::clock::today();
    for (consent_from, relevant) in [
        (None, false),
        (Some(today + chrono::Days::new(1)), false),
        (Some(today), true),
    ] {
        let app = TestApp::spawn_with(|c| c.consent_from = consent_from);
        let (care, school_token) = care_and_school_tokens(&app);
        let body = serde_json::json!({"records": [{
            "record_id": "LCS-1", "given_names": "Ada", "family_name": "Okafor",
            "date_of_birth": "2014-03-12", "sex": "F", "postcode": "DT1 4AB",
            "episodes": [{"kind": "cp_plan", "start_date": "2025-01-01"}]
        }]});
        assert_eq!(push(&app, Some(&care), &body.to_string()).0, 200);
        let answer = intention_notice(&app, &school_token, "Ada", "Okafor");
        assert_eq!(
            answer["relevant_child"], relevant,
            "{consent_from:?}: {answer}"
        );
        assert_eq!(
            answer["may_delete"], !relevant,
            "{consent_from:?}: {answer}"
        );
    }
}
