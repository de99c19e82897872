//! Consent to home educate (EA 1996 s.434A) and schools' notices, end to end over HTTP on a real
//! database, with notices delivered to a real SMTP server and their PDFs read by pdftotext.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use chrono::Datelike;
use cnis::db::schema::{children, outbox, served_documents};
use cnis::store::social_care::{self, Incoming};
use common::smtp::{free_port, smtp_on};
use common::*;
use diesel::prelude::*;

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> chrono::NaiveDate {
    cnis::clock::today()
}

fn day_parts(date: chrono::NaiveDate) -> (String, String, String) {
    (
        date.day().to_string(),
        date.month().to_string(),
        date.year().to_string(),
    )
}

/// A social care record showing an active child protection plan for the child in these tests.
fn child_protection_record(app: &TestApp, record_id: &str, given: &str, dob: chrono::NaiveDate) {
    social_care::store(
        &mut app.conn(),
        "test",
        &Incoming {
            record_id: record_id.into(),
            given_names: Some(given.into()),
            family_name: Some("Okafor".into()),
            date_of_birth: Some(dob),
            sex: "F".into(),
            postcode: Some("DT1 4AB".into()),
            episodes: vec![ep("cp_plan", Some(d(2025, 9, 1)), None)],
            ..Default::default()
        },
    )
    .unwrap();
}

fn pupil<'a>(given: &'a str, dob: &'a (String, String, String)) -> Vec<(&'a str, &'a str)> {
    vec![
        ("given_names", given),
        ("family_name", "Okafor"),
        ("date_of_birth-day", &dob.0),
        ("date_of_birth-month", &dob.1),
        ("date_of_birth-year", &dob.2),
        ("sex", "F"),
        ("address_line_1", "12 Station Road"),
        ("town", "Demoton"),
        ("postcode", "dt1 4ab"),
    ]
}

fn application_form<'a>(
    given: &'a str,
    dob: &'a (String, String, String),
    school_id: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut f = pupil(given, dob);
    f.extend([
        ("school_id", school_id),
        ("parent_name", "Grace Okafor"),
        ("parent_address", "12 Station Road, Demoton DT1 4AB"),
        ("email_consent", "yes"),
        ("other_name", "Daniel Okafor"),
        ("other_address", "3 Mill Street, Otherton OT2 9ZZ"),
        ("educated_by", "Both parents, with a maths tutor"),
        (
            "education_plan",
            "A broad curriculum: English, maths, science, history, music.",
        ),
        ("hours_per_week", "22"),
        (
            "resources",
            "Library, online courses, a weekly science club",
        ),
        ("reasons", "Anxiety at school"),
        ("needs", "Anxiety; no EHC plan"),
    ]);
    f
}

/// A parent applies with the form above; returns the application's id.
fn apply(
    parent: &mut Browser,
    given: &str,
    dob: &(String, String, String),
    school_id: &str,
) -> String {
    let p = apply_for_consent(parent, &application_form(given, dob, school_id));
    assert_eq!(p.status, 303, "{}", p.body);
    p.location
        .unwrap_or_default()
        .trim_start_matches("/parents/applications/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string()
}

const ASSESSMENT: &[(&str, &str)] = &[
    ("best_interests", "not_shown"),
    (
        "best_interests_reasons",
        "School attendance has broken down; the school agrees.",
    ),
    (
        "best_interests_evidence",
        "School attendance record; social worker's view.",
    ),
    ("arrangements", "suitable"),
    (
        "arrangements_reasons",
        "A full and balanced plan with a tutor.",
    ),
    (
        "arrangements_evidence",
        "Plan seen at a home meeting; samples of work.",
    ),
];

/// The attachment of a received email, base64-decoded.
fn attachment(raw: &str) -> Vec<u8> {
    use base64::Engine;
    let i = raw
        .find("filename=\"consent-granted.pdf\"")
        .expect("PDF attached");
    let rest = &raw[i..];
    let start = rest.find("\r\n\r\n").map(|j| j + 4).expect("part body");
    let body = &rest[start..];
    let end = body.find("\r\n--").unwrap_or(body.len());
    let b64: String = body[..end].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64")
}

#[test]
fn s434a_school_notice_to_application_to_decision_to_notices_to_deletion_return_to_register() {
    let app = TestApp::spawn();
    let mut admin = app.signed_in("admin");
    let (school_id, mut school) = school_with_staff(&app, &mut admin, "100001");
    let dob_date = d(2014, 3, 12);
    let dob = day_parts(dob_date);
    child_protection_record(&app, "SC-77", "Ada", dob_date);
    let now = day_parts(today());

    // 1. The school tells the council a parent intends to home educate (s.434A(5)).
    school.get("/schools/intention");
    let mut f = pupil("Ada", &dob);
    f.extend([
        ("parent1_name", "Grace Okafor"),
        ("parent1_phone", "07700 900982"),
        ("on_date-day", &now.0),
        ("on_date-month", &now.1),
        ("on_date-year", &now.2),
    ]);
    let p = school.post("/schools/intention", &f);
    assert_eq!(p.status, 303, "{}", p.body);
    let answer = school.get(p.location.as_deref().unwrap());
    assert!(
        answer.contains("Do not delete the pupil"),
        "{}",
        answer.body
    );
    assert!(answer.contains("relevant child"));

    // A deletion return before consent is not accepted, and nothing is entered on the register.
    school.get("/schools/deletion");
    let mut del = f.clone();
    del.push(("ground", "f"));
    let p = school.post("/schools/deletion", &del);
    assert_eq!(p.status, 303);
    let refused = school.get(p.location.as_deref().unwrap());
    assert!(refused.contains("Not accepted"), "{}", refused.body);
    assert_eq!(count(&app, "children"), 0);

    // 2. The parent applies online.
    let (mut parent, _) = parent_signed_in(&app, "grace@example.com");
    let p = parent.get("/parents/apply");
    assert_eq!(p.status, 200);
    // A parent is asked about their child, not a "pupil".
    let mut unnamed = application_form("Ada", &dob, &school_id);
    unnamed.retain(|(k, _)| *k != "given_names");
    let p = apply_for_consent(&mut parent, &unnamed);
    assert!(
        p.contains("Enter the child&#39;s first name")
            || p.contains("Enter the child's first name"),
        "{}",
        p.body
    );
    let p = apply_for_consent(&mut parent, &application_form("Ada", &dob, &school_id));
    assert_eq!(p.status, 303, "{}", p.body);
    let status_path = p.location.unwrap();
    let app_id = status_path
        .trim_start_matches("/parents/applications/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let status = parent.get(&status_path);
    assert!(status.contains("Your application has been sent"));
    assert!(status.contains("Received"));
    let (subject, _) = latest_email(&app, "grace@example.com");
    assert_eq!(
        subject,
        "We have your application for consent to home educate"
    );

    // 3. The officer sees a relevant child, and why.
    let mut officer = app.signed_in("officer");
    let list = officer.get("/officers/consent");
    assert!(list.contains("Ada Okafor"));
    let base = format!("/officers/consent/{app_id}");
    let page = officer.get(&base);
    assert!(
        page.contains("Relevant child: consent needed"),
        "{}",
        page.body
    );
    assert!(page.contains("Condition B (s.434A(4))"));
    assert!(page.contains("SC-77"));

    // Missing evidence is refused with a clear message, and nothing is saved.
    let mut partial: Vec<(&str, &str)> = ASSESSMENT.to_vec();
    partial.retain(|(k, _)| *k != "best_interests_evidence");
    let p = officer.post(&format!("{base}/assessment"), &partial);
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter the evidence for (a)"));
    assert_eq!(
        count(&app, "consent_applications WHERE assessed_at IS NOT NULL"),
        0
    );

    let p = officer.post(&format!("{base}/assessment"), ASSESSMENT);
    assert_eq!(p.status, 303, "{}", p.body);

    // The wrong role deciding is refused.
    officer.get(&base);
    let p = officer.post(
        &format!("{base}/decision"),
        &[
            ("decision", "granted"),
            ("decision_reasons", "Suitable plan"),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Only a manager can decide"));

    // 4. A manager decides; the decision must follow the assessment (s.434A(6)).
    let mut manager = app.signed_in("manager");
    manager.get(&base);
    let p = manager.post(
        &format!("{base}/decision"),
        &[("decision", "refused"), ("decision_reasons", "No")],
    );
    assert_eq!(p.status, 422);
    assert!(
        p.contains("requires the application to be granted"),
        "{}",
        p.body
    );
    // Issue 18: the manager first reads each notice the decision serves; nothing is served yet.
    let decided = [
        ("decision", "granted"),
        (
            "decision_reasons",
            "A suitable plan; school is not in Ada's best interests now.",
        ),
    ];
    let preview = manager.post(&format!("{base}/decision"), &decided);
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.contains("Check the notices before you serve them")
            && preview.contains("Notice 1: ")
            && preview.contains("Notice 3: ")
            && preview.contains("By post to")
            && preview.contains("A suitable plan; school is not in Ada's best interests now."),
        "{}",
        preview.body
    );
    assert_eq!(
        count(
            &app,
            &format!("served_documents WHERE subject_id = '{app_id}'")
        ),
        0
    );
    assert_eq!(
        count(&app, "consent_applications WHERE decided_at IS NOT NULL"),
        0
    );
    // "Change the decision" goes back to the form with the reasons kept and nothing decided.
    let mut change = decided.to_vec();
    change.push(("step", "change"));
    let back = manager.post(&format!("{base}/decision"), &change);
    assert!(
        back.contains("Continue to check the notices")
            && back.contains("school is not in Ada's best interests now."),
        "{}",
        back.body
    );
    assert_eq!(
        count(&app, "consent_applications WHERE decided_at IS NOT NULL"),
        0
    );
    let mut serve = decided.to_vec();
    serve.push(("step", "serve"));
    let p = manager.post(&format!("{base}/decision"), &serve);
    assert_eq!(p.status, 303, "{}", p.body);
    // A second decision is refused.
    manager.get(&base);
    let p = manager.post(
        &format!("{base}/decision"),
        &[
            ("decision", "granted"),
            ("decision_reasons", "Again"),
            ("step", "serve"),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("already been made"));

    // 5. Notices: applicant by email (written consent), the other parent by post (no consent),
    // the school by email; all in the service log.
    let log: Vec<(String, String, String)> = served_documents::table
        .filter(served_documents::subject_id.eq(&app_id))
        .order(served_documents::recipient_role.asc())
        .select((
            served_documents::recipient_role,
            served_documents::method,
            served_documents::status,
        ))
        .load(&mut **app.conn())
        .unwrap();
    assert_eq!(
        log,
        vec![
            ("applicant_parent".into(), "email".into(), "emailed".into()),
            (
                "other_parent".into(),
                "post".into(),
                "queued_for_post".into()
            ),
            ("school".into(), "email".into(), "emailed".into()),
        ]
    );
    assert_eq!(count(&app, "outbox WHERE document_id IS NOT NULL"), 2);

    // The outbox delivers them to a real SMTP server, with the PDF attached.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = smtp_on(listener, false);
    let mailer = cnis::jobs::outbox::Mailer::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let _ = free_port;
    let report =
        cnis::jobs::outbox::send_due(&app.pool, &mailer, "cnis <no-reply@council.test>", 50)
            .unwrap();
    assert_eq!(report.permanent_failures, 0);
    let received = got.lock().unwrap().clone();
    let to_parent = received
        .iter()
        .find(|m| m.contains("To: grace@example.com") && m.contains("A formal notice"))
        .expect("notice emailed to the applicant");
    assert!(
        to_parent.contains("Subject: A formal notice from the council"),
        "{}",
        &to_parent[..to_parent.len().min(1500)]
    );
    assert!(
        !to_parent.contains("Ada"),
        "no personal data outside the attachment's PDF text"
    );
    let pdf = attachment(to_parent);
    let text = pdf_text(&pdf);
    assert!(text.contains("consent GRANTED"), "{text}");
    assert!(text.contains("Ada Okafor"));
    assert!(text.contains("section 434A"));
    assert!(text.contains("A suitable plan"));
    // Issue 18: the letterhead says how to reach the team, and where a referral goes in full.
    assert!(text.contains("Telephone: 01632 960000"), "{text}");
    assert!(text.contains("Sanctuary Buildings, 20 Great Smith Street, London SW1P 3BT"));
    assert!(!to_parent.contains("reply to this email"));
    assert!(to_parent.contains("Telephone: 01632 960000"));
    // The PDF sent is the one stored.
    let stored: String = served_documents::table
        .filter(served_documents::subject_id.eq(&app_id))
        .filter(served_documents::recipient_role.eq("applicant_parent"))
        .select(served_documents::pdf_sha256)
        .first(&mut **app.conn())
        .unwrap();
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&pdf)), stored);

    // Issue 18: the parent's page says in plain words how the notice came, links the PDF as
    // served, and says where to go if they disagree; nobody else can download it.
    let mine = format!("/parents/applications/{app_id}");
    let page = parent.get(&mine);
    assert!(
        page.contains("Download the decision notice (PDF)"),
        "{}",
        page.body
    );
    assert!(page.contains("Given to you by email on"));
    assert!(!page.contains("applicant_parent") && !page.contains("(Sent by email"));
    assert!(page.contains("Sanctuary Buildings"));
    let notice = extract(&page.body, "/notices/", "\"").expect("notice link");
    let r = parent
        .client
        .get(format!("{}{mine}/notices/{notice}", parent.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().unwrap().to_vec(), pdf);
    let (mut stranger, _) = parent_signed_in(&app, "stranger@example.com");
    let p = stranger.get(&format!("{mine}/notices/{notice}"));
    assert_eq!(p.status, 404);

    // The officer records posting the other parent's notice; it counts as served after the
    // working days of post.
    let page = manager.get(&base);
    let doc = extract(&page.body, "name=\"document_id\"><option value=\"", "\"")
        .expect("queued notice listed");
    let p = manager.post(
        &format!("{base}/service"),
        &[
            ("document_id", &doc),
            ("method", "post"),
            ("served_date-day", &now.0),
            ("served_date-month", &now.1),
            ("served_date-year", &now.2),
            ("service_note", "Post room ref 4471"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let served_on: Option<chrono::NaiveDate> = served_documents::table
        .find(&doc)
        .select(served_documents::served_on)
        .first(&mut **app.conn())
        .unwrap();
    assert_eq!(
        served_on,
        Some(cnis::domain::service::deemed_served_by_post(
            today(),
            2,
            &Default::default()
        ))
    );
    // The manager reads the PDF as served.
    let r = manager
        .client
        .get(format!("{}/officers/consent/documents/{doc}", app.base))
        .send()
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(pdf_text(&r.bytes().unwrap()).contains("Daniel Okafor"));

    // The parent sees the outcome.
    let status = parent.get(&status_path);
    assert!(status.contains("Consent granted"));
    assert!(status.contains("Given to you by email on"));

    // 6. Now the school may delete: a deletion return on ground (f) enters the child on the
    // register, pending an officer's review.
    let school_home = school.get("/schools/");
    // The next step sits above the table, where a phone shows it, not in a column off-screen.
    let next_step = school_home.body.find("You may now delete");
    let table = school_home.body.find("<table");
    assert!(
        next_step.is_some() && next_step < table,
        "{}",
        school_home.body
    );
    assert!(school_home.contains(&format!("/schools/deletion?application={app_id}")));
    // Issue 18: the school opens the application and the notice served on it, and its deletion
    // return is filled in from the application; another school cannot see either.
    let theirs = format!("/schools/applications/{app_id}");
    assert!(school_home.contains(&format!("href=\"{theirs}\"")));
    let page = school.get(&theirs);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("Consent granted") && page.contains("The council has consented"));
    let notice = extract(&page.body, "/notices/", "\"").expect("the school's notice");
    let r = school
        .client
        .get(format!("{}{theirs}/notices/{notice}", app.base))
        .send()
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(pdf_text(&r.bytes().unwrap()).contains("The proprietor"));
    // The parent's own notice is not the school's to download.
    let parents_notice = extract(&parent.get(&mine).body, "/notices/", "\"").unwrap();
    assert_eq!(
        school
            .get(&format!("{theirs}/notices/{parents_notice}"))
            .status,
        404
    );
    let filled = school.get(&format!("/schools/deletion?application={app_id}"));
    assert!(filled.contains("value=\"Ada\"") && filled.contains("value=\"Grace Okafor\""));
    assert!(
        filled.contains("<option value=\"f\" selected>"),
        "{}",
        filled.body
    );
    let (_, mut other_school) = school_with_staff(&app, &mut admin, "100099");
    assert_eq!(other_school.get(&theirs).status, 404);
    assert_eq!(
        other_school
            .get(&format!("/schools/deletion?application={app_id}"))
            .status,
        404
    );
    assert!(count(&app, "audit_log WHERE action = 'school_denied'") >= 2);
    assert_eq!(
        count(
            &app,
            "audit_log WHERE action = 'school_view_decision_notice'"
        ),
        1
    );
    school.get("/schools/deletion");
    let p = school.post("/schools/deletion", &del);
    assert_eq!(p.status, 303);
    let ok = school.get(p.location.as_deref().unwrap());
    assert!(ok.contains("Deletion return received"), "{}", ok.body);
    let entries: Vec<(String, bool, String)> = children::table
        .select((children::source, children::reviewed, children::arrangement))
        .load(&mut **app.conn())
        .unwrap();
    assert_eq!(
        entries,
        vec![("school".into(), false, "home_educated".into())]
    );
    // s.436C(2)(j): the school that took her off roll is kept as a school she attended.
    assert_eq!(
        count(
            &app,
            "child_prescribed WHERE schools_attended LIKE 'School 100001 (URN 100001), until %'"
        ),
        1
    );
    // The applicant's email reached the register through a school: it waits for an officer, so
    // the parent has no access to the entry or its notices until confirmed (issue 14, high).
    assert_eq!(count(&app, "parents WHERE email IS NOT NULL"), 0);
    assert_eq!(
        count(
            &app,
            "parent_claims WHERE status = 'awaiting' AND email IS NOT NULL"
        ),
        1
    );

    // The nightly cross-check links her to the child protection record; consent is on record,
    // so she is not flagged as having left school without it (issue 4).
    let outcome = cross_check_now(&app);
    let cnis::jobs::cross_check::Outcome::Completed(run) = outcome else {
        panic!("the cross-check ran")
    };
    // With one child and one record the model has nothing to learn from, so the pair goes to
    // review; an officer confirms it.
    assert_eq!(run.matches + run.reviews, 1);
    if run.reviews == 1 {
        let child: String = children::table
            .select(children::id)
            .first(&mut **app.conn())
            .unwrap();
        let record: String = cnis::db::schema::social_care_records::table
            .select(cnis::db::schema::social_care_records::id)
            .first(&mut **app.conn())
            .unwrap();
        let pair = format!("/officers/matches/{child}/{record}");
        officer.get(&pair);
        let p = officer.post(
            &pair,
            &[
                ("decision", "confirm"),
                ("reason", "Same child: name, date of birth and postcode"),
            ],
        );
        assert_eq!(p.status, 303, "{}", p.body);
    }
    assert_eq!(count(&app, "child_flags WHERE kind = 'cp_plan_active'"), 1);
    assert_eq!(count(&app, "child_flags WHERE kind = 'consent_missing'"), 0);
}

#[test]
fn s434a_withdrawn_applications_are_not_decided_and_repeats_within_six_months_are_marked() {
    let app = TestApp::spawn();
    let mut admin = app.signed_in("admin");
    let (school_id, _) = school_with_staff(&app, &mut admin, "100002");
    let dob = day_parts(d(2013, 6, 2));
    let (mut parent, _) = parent_signed_in(&app, "bea@example.com");
    let first = apply(&mut parent, "Bea", &dob, &school_id);

    // Refused on limb (b).
    let mut officer = app.signed_in("officer");
    officer.get(&format!("/officers/consent/{first}"));
    let mut a: Vec<(&str, &str)> = ASSESSMENT.to_vec();
    a[3] = ("arrangements", "not_suitable");
    assert_eq!(
        officer
            .post(&format!("/officers/consent/{first}/assessment"), &a)
            .status,
        303
    );
    let mut manager = app.signed_in("manager");
    manager.get(&format!("/officers/consent/{first}"));
    let p = manager.post(
        &format!("/officers/consent/{first}/decision"),
        &[
            ("decision", "refused"),
            ("decision_reasons", "No plan for maths or English."),
            ("step", "serve"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);

    // A new application within 6 months is accepted but marked (s.434A(12)).
    let second = apply(&mut parent, "Bea", &dob, &school_id);
    let page = manager.get(&format!("/officers/consent/{second}"));
    assert!(page.contains("need not decide again"), "{}", page.body);
    assert_eq!(
        count(
            &app,
            &format!("consent_applications WHERE id = '{second}' AND repeat_of = '{first}'")
        ),
        1
    );

    // The parent withdraws it; a decision on it is then refused with a clear message.
    let status = parent.get(&format!("/parents/applications/{second}"));
    assert!(status.contains("Withdraw this application"));
    // Issue 18: withdrawing is confirmed on a page of its own first.
    let confirm = parent.get(&format!("/parents/applications/{second}/withdraw"));
    assert_eq!(confirm.status, 200);
    assert!(
        confirm.contains("Are you sure you want to withdraw"),
        "{}",
        confirm.body
    );
    assert!(confirm.contains("Yes, withdraw the application"));
    let p = parent.post(&format!("/parents/applications/{second}/withdraw"), &[]);
    assert_eq!(p.status, 303);
    manager.get(&format!("/officers/consent/{second}"));
    let p = manager.post(
        &format!("/officers/consent/{second}/decision"),
        &[
            ("decision", "granted"),
            ("decision_reasons", "x"),
            ("step", "serve"),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("withdrawn"), "{}", p.body);

    // Issue 15 (12): the six months run from the previous application, whatever became of it:
    // a third application is measured from the withdrawn second one, not the refused first.
    let third = apply(&mut parent, "Bea", &dob, &school_id);
    assert_eq!(
        count(
            &app,
            &format!("consent_applications WHERE id = '{third}' AND repeat_of = '{second}'")
        ),
        1
    );

    // Issue 18: a parent who tells the council by telephone has the withdrawal recorded by an
    // officer, who is asked once more on a page of its own; nothing changes until they confirm.
    let page = manager.get(&format!("/officers/consent/{third}"));
    assert!(page.contains(&format!("href=\"/officers/consent/{third}/withdraw\"")));
    let confirm = manager.get(&format!("/officers/consent/{third}/withdraw"));
    assert_eq!(confirm.status, 200);
    assert!(
        confirm.contains("Has the parent withdrawn the application for Bea")
            && confirm.contains("Yes, record it as withdrawn"),
        "{}",
        confirm.body
    );
    assert_eq!(
        count(
            &app,
            &format!("consent_applications WHERE id = '{third}' AND withdrawn_at IS NULL")
        ),
        1
    );
    let p = manager.post(&format!("/officers/consent/{third}/withdraw"), &[]);
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        count(
            &app,
            &format!("consent_applications WHERE id = '{third}' AND withdrawn_at IS NOT NULL")
        ),
        1
    );
    // Withdrawn, the confirmation page is not offered again.
    assert_eq!(
        manager
            .get(&format!("/officers/consent/{third}/withdraw"))
            .status,
        303
    );

    // A referral to the Secretary of State on the refusal is recorded with its outcome.
    let now = day_parts(today());
    let p = manager.post(
        &format!("/officers/consent/{first}/referral"),
        &[
            ("referred_on-day", &now.0),
            ("referred_on-month", &now.1),
            ("referred_on-year", &now.2),
            ("referral_outcome", "pending"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert!(manager
        .get(&format!("/officers/consent/{first}"))
        .contains("Waiting for the Secretary of State"));
    // Issue 15: the Secretary of State directs the council to consent: the application is
    // granted, as if the council had decided it.
    let p = manager.post(
        &format!("/officers/consent/{first}/referral"),
        &[
            ("referred_on-day", &now.0),
            ("referred_on-month", &now.1),
            ("referred_on-year", &now.2),
            ("referral_outcome", "directed"),
            ("referral_outcome_on-day", &now.0),
            ("referral_outcome_on-month", &now.1),
            ("referral_outcome_on-year", &now.2),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        count(
            &app,
            &format!("consent_applications WHERE id = '{first}' AND status = 'granted'")
        ),
        1
    );
    assert!(manager
        .get(&format!("/officers/consent/{first}"))
        .contains("directed the council to consent"));
}

#[test]
fn schools_parents_and_officers_each_see_only_their_own_and_the_api_answers_at_once() {
    let app = TestApp::spawn();
    let mut admin = app.signed_in("admin");
    let (school_id, mut school) = school_with_staff(&app, &mut admin, "100003");
    let (_, mut other_school) = school_with_staff(&app, &mut admin, "100004");
    let dob = day_parts(d(2015, 1, 20));
    let now = day_parts(today());

    let mut f = pupil("Cara", &dob);
    f.extend([
        ("parent1_name", "Joy Okafor"),
        ("parent1_phone", "07700 900111"),
        ("on_date-day", &now.0),
        ("on_date-month", &now.1),
        ("on_date-year", &now.2),
    ]);
    school.get("/schools/intention");
    let p = school.post("/schools/intention", &f);
    let notice = p.location.unwrap();
    assert!(school.get(&notice).contains("not a relevant child"));
    // Another school: the same 404 as no notice. Officers' pages: refused.
    assert_eq!(other_school.get(&notice).status, 404);
    assert_eq!(school.get("/officers/consent").status, 403);
    assert_eq!(school.get("/officers/register").status, 403);
    // Officers and administrators are not school staff.
    let mut officer = app.signed_in("officer");
    assert_eq!(officer.get("/schools/").status, 403);
    assert_eq!(admin.get("/officers/consent").status, 403);
    assert_eq!(officer.get("/officers/admin/schools").status, 403);

    // Bad input on the school's form: a specific message, nothing stored.
    let before = count(&app, "school_notices");
    school.get("/schools/deletion");
    let mut bad = f.clone();
    bad.retain(|(k, _)| *k != "parent1_phone");
    bad.push(("ground", "f"));
    let p = school.post("/schools/deletion", &bad);
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Enter an emergency telephone number for the parent"),
        "{}",
        p.body
    );
    // Issue 18: a school's pages say "pupil".
    let mut unnamed = bad.clone();
    unnamed.retain(|(k, _)| *k != "given_names");
    let p = school.post("/schools/deletion", &unnamed);
    assert!(
        p.contains("Enter the pupil&#39;s first name")
            || p.contains("Enter the pupil's first name"),
        "{}",
        p.body
    );
    // Issue 15 (11): a late deletion return (the name was deleted yesterday) is kept, marked a
    // day late, and the council gets a task (reg 13(4)).
    let yesterday = day_parts(today().pred_opt().unwrap());
    let mut back: Vec<(&str, &str)> = f
        .iter()
        .filter(|(k, _)| !k.starts_with("on_date"))
        .cloned()
        .collect();
    back.extend([
        ("ground", "a"),
        ("on_date-day", &yesterday.0),
        ("on_date-month", &yesterday.1),
        ("on_date-year", &yesterday.2),
    ]);
    let p = school.post("/schools/deletion", &back);
    assert_eq!(p.status, 303, "{}", p.body);
    let answer = school.get(p.location.as_deref().unwrap());
    assert!(
        answer.contains("1 day after the name was deleted"),
        "{}",
        answer.body
    );
    assert_eq!(count(&app, "school_notices"), before + 1);
    assert_eq!(count(&app, "school_notices WHERE late_days = 1"), 1);
    assert!(
        count(
            &app,
            "tasks WHERE kind = 'school_notice' AND summary LIKE '%1 day after%'"
        ) == 1
    );

    // One parent cannot see another's application.
    let (mut a, _) = parent_signed_in(&app, "one@example.com");
    let p = apply_for_consent(&mut a, &application_form("Cara", &dob, &school_id));
    let mine = p.location.unwrap();
    let mine = mine.split('?').next().unwrap();
    let (mut b, _) = parent_signed_in(&app, "two@example.com");
    assert_eq!(b.get(mine).status, 404);
    assert_eq!(count(&app, "audit_log WHERE action = 'parent_denied'"), 1);

    // The API: a school's token sends a notice and gets the answer at once.
    admin.get(&format!("/officers/admin/schools/{school_id}"));
    let p = admin.post(
        &format!("/officers/admin/schools/{school_id}/tokens"),
        &[("token_name", "MIS")],
    );
    let token = extract(
        &p.body,
        "<pre class=\"cnis-token\" id=\"secret\"><code>",
        "</code>",
    )
    .expect("token shown");
    let http = reqwest::blocking::Client::new();
    let send = |tok: &str, path: &str, body: serde_json::Value| {
        let r = http
            .post(format!("{}{path}", app.base))
            .bearer_auth(tok)
            .json(&body)
            .send()
            .unwrap();
        (
            r.status().as_u16(),
            r.json::<serde_json::Value>().unwrap_or_default(),
        )
    };
    let notice = serde_json::json!({
        "kind": "intention", "given_names": "Dee", "family_name": "Okafor", "date_of_birth": "2015-02-02",
        "sex": "F", "address_line_1": "1 High Street", "town": "Demoton", "postcode": "DT1 1AA",
        "on_date": today().to_string(), "parents": [{"name": "Joy Okafor", "phone": "07700 900111"}]
    });
    let (status, body) = send(&token, "/api/v1/school-notices", notice.clone());
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["may_delete"], true);
    assert_eq!(body["relevant_child"], false);
    // Bad input: 422 naming each field, nothing stored.
    let mut bad = notice.clone();
    bad["date_of_birth"] = "2015-13-40".into();
    bad["parents"] = serde_json::json!([]);
    let before = count(&app, "school_notices");
    let (status, body) = send(&token, "/api/v1/school-notices", bad);
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"date_of_birth") && fields.contains(&"parent1_name"),
        "{body}"
    );
    assert_eq!(count(&app, "school_notices"), before);
    // A school's token cannot push social care records, nor a social care token send notices.
    let (status, _) = send(
        &token,
        "/api/v1/social-care-records",
        serde_json::json!({"records": []}),
    );
    assert_eq!(status, 403);
    let (_, care) = cnis::store::api_tokens::issue(&mut app.conn(), "Care system").unwrap();
    let (status, _) = send(&care, "/api/v1/school-notices", notice);
    assert_eq!(status, 403);
}

#[test]
fn a_possible_social_care_match_makes_the_school_wait_until_an_officer_rules_it_out() {
    let app = TestApp::spawn();
    let mut admin = app.signed_in("admin");
    let (school_id, _) = school_with_staff(&app, &mut admin, "100005");
    let dob_date = d(2012, 11, 5);
    // A record with a misspelt first name and the day and month swapped: possible, not certain.
    child_protection_record(&app, "SC-9", "Evee", d(2012, 5, 11));
    let dob = day_parts(dob_date);
    let (mut parent, _) = parent_signed_in(&app, "eve@example.com");
    let id = apply(&mut parent, "Eve", &dob, &school_id);
    let mut officer = app.signed_in("officer");
    let page = officer.get(&format!("/officers/consent/{id}"));
    assert!(
        page.contains("May be a relevant child: check"),
        "{}",
        page.body
    );
    let record_id =
        extract(&page.body, "name=\"record_id\" value=\"", "\"").expect("rule-out offered");
    let p = officer.post(
        &format!("/officers/consent/{id}/rule-out"),
        &[("record_id", &record_id)],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let page = officer.get(&format!("/officers/consent/{id}"));
    assert!(page.contains("Not a relevant child"), "{}", page.body);
    assert_eq!(
        count(&app, "audit_log WHERE action = 'consent_record_ruled_out'"),
        1
    );
    // Ruling it out again is refused, with the message by the page heading.
    let p = officer.post(
        &format!("/officers/consent/{id}/rule-out"),
        &[("record_id", &record_id)],
    );
    assert_eq!(p.status, 422);
    assert!(
        p.contains("id=\"action\"") && p.contains("not a possible match"),
        "{}",
        p.body
    );
    let _ = outbox::table;
}

#[test]
fn s434a_6_applications_open_too_long_are_escalated_once_and_shown_overdue() {
    let app = TestApp::spawn();
    let mut admin = app.signed_in("admin");
    let (school_id, _) = school_with_staff(&app, &mut admin, "100006");
    let dob = day_parts(d(2013, 4, 4));
    let (mut parent, _) = parent_signed_in(&app, "fay@example.com");
    let p = apply_for_consent(&mut parent, &application_form("Fay", &dob, &school_id));
    assert_eq!(p.status, 303);
    // The assessment task is due on the council's escalation day and names the child.
    let due = today() + chrono::Days::new(20);
    assert_eq!(
        count(
            &app,
            &format!("tasks WHERE kind = 'consent_application' AND due_on = '{due}'")
        ),
        1
    );
    let mut officer = app.signed_in("officer");
    let list = officer.get("/officers/tasks?kind=consent_application");
    assert!(
        list.contains("Fay Okafor") && list.contains(&cnis::clock::fmt_date(due)),
        "{}",
        list.body
    );
    // Received 25 days ago.
    let then = today() - chrono::Days::new(25);
    app.exec(&format!(
        "UPDATE consent_applications SET received_on = '{then}'"
    ));
    let mut conn = app.conn();
    assert_eq!(
        cnis::store::consent::escalate_overdue(&mut conn, 30, today(), None).unwrap(),
        0
    );
    assert_eq!(
        cnis::store::consent::escalate_overdue(&mut conn, 20, today(), None).unwrap(),
        1
    );
    assert_eq!(
        cnis::store::consent::escalate_overdue(&mut conn, 20, today(), None).unwrap(),
        0,
        "once"
    );
    drop(conn);
    assert_eq!(count(&app, "tasks WHERE kind = 'consent_escalation'"), 1);
    let mut manager = app.signed_in("manager");
    let list = manager.get("/officers/consent");
    assert!(
        list.contains("Overdue") && list.contains(">25 <strong"),
        "{}",
        list.body
    );
}

/// Issue 14 (low): a manager who assessed an application does not also decide it; another
/// manager does.
#[test]
fn s434a_6_the_manager_who_assessed_does_not_decide() {
    let app = TestApp::spawn();
    let mut admin = app.signed_in("admin");
    let (school_id, _) = school_with_staff(&app, &mut admin, "100003");
    let (mut parent, _) = parent_signed_in(&app, "cara@example.com");
    let id = apply(&mut parent, "Cara", &day_parts(d(2013, 6, 2)), &school_id);
    let base = format!("/officers/consent/{id}");
    let mut manager = app.signed_in("manager");
    manager.get(&base);
    assert_eq!(
        manager
            .post(&format!("{base}/assessment"), ASSESSMENT)
            .status,
        303
    );
    // Assessed, it waits for a manager: its own status, counted and linked on managers' home.
    let mut other = app.signed_in("manager");
    let home = other.get("/officers/");
    assert!(
        home.contains("Waiting for a manager")
            && home.contains("href=\"/officers/consent?progress=awaiting_decision\"><strong>1</strong> application for consent assessed"),
        "{}",
        home.body
    );
    let waiting = other.get("/officers/consent?progress=awaiting_decision");
    assert!(waiting.contains("Assessed — waiting for a manager") && waiting.contains("Cara"));
    assert!(!other
        .get("/officers/consent?progress=granted")
        .contains("Cara"));
    let mut officer = app.signed_in("officer");
    assert!(!officer.get("/officers/").contains("Waiting for a manager"));
    manager.get(&base);
    let decision = [
        ("decision", "granted"),
        ("decision_reasons", "A suitable plan."),
        ("step", "serve"),
    ];
    let p = manager.post(&format!("{base}/decision"), &decision);
    assert_eq!(p.status, 422, "{}", p.body);
    assert!(p.contains("another manager decides it"), "{}", p.body);
    other.get(&base);
    assert_eq!(
        other.post(&format!("{base}/decision"), &decision).status,
        303
    );
}

/// Issue 14 (low): each answer to a notice says whether a pupil is known to social care, so one
/// school sending many is stopped for the day and the team told once, by a task.
#[test]
fn s434a_5_a_school_sending_an_unusual_number_of_notices_is_stopped_and_the_team_told() {
    let app = TestApp::spawn_with(|c| c.school_notices_per_day = 2);
    let mut admin = app.signed_in("admin");
    let (_, mut school) = school_with_staff(&app, &mut admin, "100009");
    let now = day_parts(today());
    let dob = day_parts(d(2014, 3, 12));
    let names = ["Ada", "Bea", "Cat", "Dot"];
    let mut statuses = vec![];
    for given in names {
        school.get("/schools/intention");
        let mut f = pupil(given, &dob);
        f.extend([
            ("parent1_name", "Grace Okafor"),
            ("parent1_phone", "07700 900982"),
            ("on_date-day", &now.0),
            ("on_date-month", &now.1),
            ("on_date-year", &now.2),
        ]);
        let p = school.post("/schools/intention", &f);
        if p.status == 429 {
            assert!(
                p.contains("more notices in the last 24 hours"),
                "{}",
                p.body
            );
        }
        statuses.push(p.status);
    }
    assert_eq!(statuses, vec![303, 303, 429, 429]);
    assert_eq!(count(&app, "school_notices"), 2);
    assert_eq!(count(&app, "tasks WHERE kind = 'school_notice_volume'"), 1);
}

/// A social care episode: kind ("s47", "cp_plan" or "cin"), start and end.
fn ep(
    kind: &str,
    start: Option<chrono::NaiveDate>,
    end: Option<chrono::NaiveDate>,
) -> cnis::domain::safeguarding::Episode {
    let kind = cnis::domain::safeguarding::EpisodeKind::parse(kind).expect("a kind");
    cnis::domain::safeguarding::Episode::new(kind, start, end)
}

/// s.434A(2): the first question tells a parent whether their child needs consent at all; a
/// child who does not (neither condition, or not of compulsory school age) gets the "consent not
/// needed" outcome with what the parent and the school do next, and nothing is sent.
#[test]
fn s434a_2_a_parent_is_told_first_whether_consent_is_needed() {
    let app = TestApp::spawn();
    let (mut parent, _) = parent_signed_in(&app, "nell@example.com");
    let start = parent.get("/parents/apply");
    assert!(start.contains("Start now"), "{}", start.body);
    // No answer: a specific message, on the page.
    let path = "/parents/apply/needs-consent";
    parent.get(path);
    let p = parent.post(path, &[]);
    assert_eq!(p.status, 422, "{:?} {}", p.location, p.body);
    assert!(p.contains("govuk-error-summary"));
    assert!(p.contains("Select whether any of these apply to your child"));
    let p = parent.post(path, &[("needs_consent", "neither")]);
    assert_eq!(p.location.as_deref(), Some("/parents/apply/not-needed"));
    let out = parent.get("/parents/apply/not-needed");
    assert!(out.contains("You do not need the council"), "{}", out.body);
    assert!(out.contains("For the school"));
    assert!(out.contains("The school may proceed"));
    assert!(out.contains("href=\"/parents/notify\""));
    // The check page cannot be reached round it, and nothing can be sent.
    assert_eq!(
        parent.get("/parents/apply/check").location.as_deref(),
        Some("/parents/apply/not-needed")
    );
    assert_eq!(
        parent.post("/parents/apply/check", &[]).location.as_deref(),
        Some("/parents/apply/not-needed")
    );
    assert_eq!(count(&app, "consent_applications"), 0);

    // "Not sure" carries on; a child under compulsory school age does not need consent either.
    let p = parent.post(path, &[("needs_consent", "not_sure")]);
    assert_eq!(p.location.as_deref(), Some("/parents/apply/child-name"));
    let young = day_parts(today() - chrono::Days::new(365 * 3));
    let dob_path = "/parents/apply/child-date-of-birth";
    parent.get(dob_path);
    let p = parent.post(
        dob_path,
        &[
            ("date_of_birth-day", &young.0),
            ("date_of_birth-month", &young.1),
            ("date_of_birth-year", &young.2),
        ],
    );
    assert_eq!(p.location.as_deref(), Some("/parents/apply/not-needed"));
    let out = parent.get("/parents/apply/not-needed");
    assert!(
        out.contains("not of compulsory school age yet"),
        "{}",
        out.body
    );
    // Not yet of school age: nothing to tell the council yet, and the school is told why.
    assert!(!out.contains("href=\"/parents/notify\""));
    assert!(out.contains("below compulsory school age, so is not a relevant child"));
    assert_eq!(count(&app, "consent_applications"), 0);
}

/// s.434A(6): the application is asked one question per page and saved after each, so a parent
/// who signs out carries on where they left off; check your answers shows every answer with a
/// change link that comes back to it; the other parent's details are asked only after "yes";
/// Back after sending goes to the application, never to a live, empty check page.
#[test]
fn s434a_6_the_application_is_saved_page_by_page_and_checked_before_sending() {
    let app = TestApp::spawn();
    let mut admin = app.signed_in("admin");
    let (school_id, _) = school_with_staff(&app, &mut admin, "100007");
    let dob = day_parts(d(2014, 5, 6));
    let (mut parent, _) = parent_signed_in(&app, "iris@example.com");
    for (path, form) in [
        (
            "/parents/apply/needs-consent",
            vec![("needs_consent", "social_care")],
        ),
        (
            "/parents/apply/child-name",
            vec![("given_names", "Iris"), ("family_name", "Okafor")],
        ),
    ] {
        parent.get(path);
        assert_eq!(parent.post(path, &form).status, 303, "{path}");
    }
    // Signed in again elsewhere: the answers are still there.
    let (mut again, _) = parent_signed_in(&app, "iris@example.com");
    let start = again.get("/parents/apply");
    assert!(
        start.contains("Continue where you left off"),
        "{}",
        start.body
    );
    assert!(start.contains("href=\"/parents/apply/child-date-of-birth\""));
    let name = again.get("/parents/apply/child-name");
    assert!(name.contains("value=\"Iris\""));
    // A bad date keeps what was typed and says what is wrong.
    let dob_path = "/parents/apply/child-date-of-birth";
    let p = again.post(
        dob_path,
        &[("date_of_birth-day", "31"), ("date_of_birth-month", "2")],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("govuk-error-summary"));
    assert!(p.contains("value=\"31\""));
    // Yes to another parent asks for their details; none given is an error.
    let mut form = application_form("Iris", &dob, &school_id);
    form.retain(|(k, _)| !k.starts_with("other_"));
    let p = apply_for_consent(&mut again, &form);
    assert_eq!(p.status, 303, "{}", p.body);
    let sent = p.location.unwrap_or_default();
    assert!(sent.starts_with("/parents/applications/"), "{sent}");
    // Back after sending: the application, not a new check page.
    assert_eq!(
        again.get("/parents/apply/check").location.as_deref(),
        Some(sent.split('?').next().unwrap_or_default())
    );
    assert_eq!(count(&app, "consent_applications"), 1);
    assert_eq!(
        count(
            &app,
            "application_drafts WHERE answers = '{}' AND application_id IS NOT NULL"
        ),
        1,
        "the sent draft keeps no copy of the answers"
    );

    // A second application: the other parent's page follows "yes", and the check page shows all.
    let p = again.get("/parents/apply");
    assert!(p.contains("Start now"), "{}", p.body);
    let mut full = application_form("Jo", &dob, &school_id);
    full.push(("other_email", "dan@example.com"));
    for (slug, fields) in APPLICATION_PAGES {
        let path = format!("/parents/apply/{slug}");
        again.get(&path);
        let mut f: Vec<(&str, &str)> = full
            .iter()
            .filter(|(k, _)| fields.contains(k))
            .copied()
            .collect();
        match *slug {
            "needs-consent" => f.push(("needs_consent", "special_school")),
            "other-parent" => f.push(("other_known", "yes")),
            "other-parent-details" => {
                let p = again.post(&path, &[]);
                assert!(p.contains("Enter the other parent"), "{}", p.body);
            }
            _ => {}
        }
        let p = again.post(&path, &f);
        assert_eq!(p.status, 303, "{slug}: {}", p.body);
    }
    let check = again.get("/parents/apply/check");
    for answer in [
        "Jo Okafor",
        "DT1 4AB",
        "Daniel Okafor",
        "dan@example.com",
        "Yes, I agree in writing",
        "Anxiety at school",
        "special school",
    ] {
        assert!(check.contains(answer), "{answer}: {}", check.body);
    }
    // Change comes back to the check page.
    let p = again.get("/parents/apply/reasons?return=check");
    assert!(p.contains("name=\"return\" value=\"check\""));
    let p = again.post(
        "/parents/apply/reasons",
        &[("reasons", "Bullying"), ("return", "check")],
    );
    assert_eq!(p.location.as_deref(), Some("/parents/apply/check"));
    assert!(again.get("/parents/apply/check").contains("Bullying"));
    let p = again.post("/parents/apply/check", &[]);
    assert_eq!(p.status, 303);
    assert_eq!(count(&app, "consent_applications"), 2);
    assert_eq!(
        count(&app, "consent_applications WHERE reasons = 'Bullying' AND other_parents LIKE '%dan@example.com%'"),
        1
    );
}

/// s.434A(7): a school applies for a parent, with their agreement; its form speaks of the pupil,
/// and the application is the school's to follow from its home page.
#[test]
fn s434a_7_a_school_applies_for_a_parent_and_follows_the_application() {
    let app = TestApp::spawn();
    let mut admin = app.signed_in("admin");
    let (_, mut school) = school_with_staff(&app, &mut admin, "100008");
    school.get("/schools/apply");
    let p = school.post("/schools/apply", &[]);
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Enter the pupil&#39;s first name")
            || p.contains("Enter the pupil's first name"),
        "{}",
        p.body
    );
    assert!(p.contains("Confirm that the parent asked the school to apply"));
    let dob = day_parts(d(2013, 1, 9));
    let mut form = application_form("Kit", &dob, "");
    form.retain(|(k, _)| !matches!(*k, "school_id" | "email_consent"));
    form.extend([
        ("parent_email", "kit.parent@example.com"),
        ("parent_agreed", "yes"),
    ]);
    let p = school.post("/schools/apply", &form);
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(p.location.as_deref(), Some("/schools/?done=applied"));
    let home = school.get("/schools/");
    let id = extract(&home.body, "href=\"/schools/applications/", "\"").expect("linked");
    let page = school.get(&format!("/schools/applications/{id}"));
    assert!(page.contains("By the school, for the parent"));
    assert!(page.contains("Do not delete the pupil"));
    // No deletion return is offered before consent.
    assert!(!page.contains("Send a deletion return for this pupil"));
    // The parent follows it too, once signed in with the address the school gave.
    let (mut parent, _) = parent_signed_in(&app, "kit.parent@example.com");
    assert!(parent.get("/parents/applications").contains("Kit Okafor"));
}
