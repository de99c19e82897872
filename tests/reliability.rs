//! Reliability under concurrency (issue 14): writers that overlap queue instead of failing, a
//! double submit happens once, and nothing answers 500.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

/// F1: four officers adding children at once. On SQLite a DEFERRED transaction that read and then
/// wrote failed at once with "database is locked" (a 500); every write must now succeed.
#[test]
fn concurrent_writers_queue_and_none_gets_a_server_error() {
    let app = TestApp::spawn();
    let browsers: Vec<Browser> = (0..4).map(|_| app.signed_in("officer")).collect();
    let names = ["Ada", "Byron", "Clara", "Dev"];
    let statuses: Vec<Vec<u16>> = std::thread::scope(|s| {
        let handles: Vec<_> = browsers
            .into_iter()
            .zip(names)
            .map(|(mut b, family)| {
                s.spawn(move || {
                    let mut out = vec![];
                    for i in 0..8 {
                        let given = format!("Child{i}");
                        b.get("/officers/children/new");
                        let p = b.post(
                            "/officers/children/new",
                            &child_form(&given, family, ("10", "12", "2015")),
                        );
                        out.push(p.status);
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<u16> = statuses.into_iter().flatten().collect();
    assert!(all.iter().all(|s| *s == 303), "statuses: {all:?}");
    assert_eq!(count(&app, "children"), 32);
}

/// Posts the same form from `n` browsers at once; returns each answer's status.
fn at_once(
    browsers: Vec<Browser>,
    path: &str,
    fields: &[(&str, &str)],
) -> (Vec<u16>, Vec<Browser>) {
    let barrier = std::sync::Barrier::new(browsers.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = browsers
            .into_iter()
            .map(|mut b| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let status = b.post(path, fields).status;
                    (status, b)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).unzip()
    })
}

/// F7: a double click on "send request for information" sends one request: s.436D(3)(b) allows
/// no more than one every three months, and the rule holds in the database on both backends.
#[test]
fn s436d_3_b_a_double_submitted_information_request_is_sent_once() {
    let app = TestApp::spawn();
    let mut first = app.signed_in("officer");
    let mut officers: Vec<Browser> = (0..3).map(|_| app.signed_in("officer")).collect();
    for trial in 0..6 {
        let id = add_child(
            &mut first,
            &format!("Child{trial}"),
            "Lovelace",
            ("10", "12", "2015"),
        );
        let path = format!("/officers/children/{id}/information-requests");
        for b in officers.iter_mut() {
            b.get(&format!("/officers/children/{id}"));
        }
        let (statuses, back) = at_once(officers, &path, &[]);
        officers = back;
        assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
        assert_eq!(
            count(
                &app,
                &format!("information_requests WHERE child_id = '{id}'")
            ),
            1,
            "trial {trial}"
        );
        assert_eq!(
            count(
                &app,
                &format!("tasks WHERE kind = 'post_information_request' AND child_id = '{id}'")
            ),
            1
        );
    }
}

/// F2: the add-a-child form posted twice (a double click, or Back and send again) adds one child,
/// and both posts lead to it.
#[test]
fn a_double_submitted_add_a_child_form_adds_one_child() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    officer.get("/officers/children/new");
    let form = child_form("Ada", "Lovelace", ("10", "12", "2015"));
    let once = officer
        .last_once
        .clone()
        .expect("the form carries a one-time token");
    let mut form_with_token = form.clone();
    form_with_token.push(("once", &once));
    let first = officer.post("/officers/children/new", &form_with_token);
    let again = officer.post("/officers/children/new", &form_with_token);
    assert_eq!(first.status, 303);
    assert_eq!(again.status, 303);
    assert_eq!(first.location, again.location);
    assert_eq!(count(&app, "children"), 1);

    // At the same moment, from two tabs of one officer: still one.
    officer.get("/officers/children/new");
    let once = officer.last_once.clone().unwrap();
    let csrf = officer.last_csrf.clone();
    let tabs: Vec<Browser> = (0..3)
        .map(|_| Browser {
            base: officer.base.clone(),
            client: officer.client.clone(),
            last_csrf: csrf.clone(),
            last_once: Some(once.clone()),
        })
        .collect();
    let (statuses, _) = at_once(
        tabs,
        "/officers/children/new",
        &child_form("Byron", "Lovelace", ("1", "2", "2014")),
    );
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(count(&app, "children"), 2);

    // A form without its token (an old page) is refused, and nothing is saved.
    let mut old_page = child_form("Clara", "Lovelace", ("1", "2", "2014"));
    old_page.push(("csrf_token", csrf.as_str()));
    let p = officer.post_raw("/officers/children/new", &old_page);
    assert_eq!(p.status, 400);
    assert_eq!(count(&app, "children"), 2);
}

/// F7: officers opening a school attendance case for one child at the same moment open one
/// case; the others are told the child has one.
#[test]
fn s436h_one_open_school_attendance_case_per_child_under_parallel_posts() {
    let app = TestApp::spawn();
    let mut first = app.signed_in("officer");
    let mut officers: Vec<Browser> = (0..3).map(|_| app.signed_in("officer")).collect();
    let met = cnis::clock::today() - chrono::Days::new(3);
    let (d, m, y) = (
        met.format("%-d").to_string(),
        met.format("%-m").to_string(),
        met.format("%Y").to_string(),
    );
    let fields = [
        ("condition_A", "yes"),
        ("grounds", "No education seen since September."),
        ("requirements_met_on-day", d.as_str()),
        ("requirements_met_on-month", m.as_str()),
        ("requirements_met_on-year", y.as_str()),
        ("response_days", "15"),
        ("ehc_plan_school_id", ""),
    ];
    for trial in 0..6 {
        let id = add_child(
            &mut first,
            &format!("Child{trial}"),
            "Lovelace",
            ("10", "12", "2015"),
        );
        let path = format!("/officers/children/{id}/attendance");
        for b in officers.iter_mut() {
            b.get(&path);
        }
        let (statuses, back) = at_once(officers, &path, &fields);
        officers = back;
        assert!(
            statuses.iter().all(|s| *s == 303 || *s == 422),
            "{statuses:?}"
        );
        assert_eq!(
            count(&app, &format!("attendance_cases WHERE child_id = '{id}'")),
            1,
            "trial {trial}: {statuses:?}"
        );
    }
}

/// Posts the form at `path` (fetched first) three times at once with the same one-time token,
/// as a double click or a resend does.
fn resend(b: &Browser, path: &str, fields: &[(&str, &str)]) -> Vec<u16> {
    let tabs: Vec<Browser> = (0..3)
        .map(|_| Browser {
            base: b.base.clone(),
            client: b.client.clone(),
            last_csrf: b.last_csrf.clone(),
            last_once: b.last_once.clone(),
        })
        .collect();
    assert!(b.last_once.is_some(), "{path} carries a one-time token");
    at_once(tabs, path, fields).0
}

/// Every form a parent or a school sends to the council acts once however often it is posted.
#[test]
fn parents_and_schools_forms_act_once_when_posted_twice() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));

    // A parent's request for support (s.436G).
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    let url = format!("/parents/children/{id}/support");
    parent.get(&url);
    let s = resend(
        &parent,
        &url,
        &[
            ("support", "exams"),
            ("details", "GCSE maths"),
            ("step", "send"),
        ],
    );
    assert!(s.iter().all(|s| *s == 303), "{s:?}");
    assert_eq!(count(&app, "parent_reports"), 1);
    assert_eq!(count(&app, "tasks WHERE kind = 'support_request'"), 1);

    // A parent's application for consent (s.434A).
    let mut admin = app.signed_in("admin");
    admin.get("/officers/admin/schools");
    let p = admin.post(
        "/officers/admin/schools",
        &[
            ("urn", "100001"),
            ("name", "Church Lane School"),
            ("kind", "mainstream"),
            ("address", "Church Lane, Demoton DT1 2AA"),
            ("email", "office@school.test"),
        ],
    );
    let school_id = p.location.unwrap().rsplit('/').next().unwrap().to_string();
    let app_form = [
        ("given_names", "Ada"),
        ("family_name", "Lovelace"),
        ("date_of_birth-day", "10"),
        ("date_of_birth-month", "12"),
        ("date_of_birth-year", "2015"),
        ("sex", "F"),
        ("address_line_1", "12 Station Road"),
        ("town", "Demoton"),
        ("postcode", "dt1 4ab"),
        ("school_id", school_id.as_str()),
        ("parent_name", "Sarah Lovelace"),
        ("parent_address", "12 Station Road, Demoton DT1 4AB"),
        ("email_consent", "yes"),
        ("education_plan", "A full plan of study."),
        ("educated_by", "Sarah, at home"),
        ("hours_per_week", "20"),
        ("resources", "Books and a library card"),
        ("reasons", "The child is unhappy at school"),
        ("needs", "None"),
    ];
    let first = apply_for_consent(&mut parent, &app_form);
    if first.status != 303 {
        panic!("the application flow changed: {}", first.body);
    }
    assert_eq!(count(&app, "consent_applications"), 1);
    // A second application, its "Accept and send" pressed in three tabs at once.
    let mut walked = app_form.to_vec();
    walked.push(("needs_consent", "special_school"));
    parent.get("/parents/apply");
    for (slug, fields) in APPLICATION_PAGES {
        let path = format!("/parents/apply/{slug}");
        parent.get(&path);
        let mut form: Vec<(&str, &str)> = walked
            .iter()
            .filter(|(k, _)| fields.contains(k))
            .copied()
            .collect();
        if *slug == "other-parent" {
            form.push(("other_known", "no"));
        }
        if *slug != "other-parent-details" {
            assert_eq!(parent.post(&path, &form).status, 303, "{slug}");
        }
    }
    parent.get("/parents/apply/check");
    let tabs: Vec<Browser> = (0..3)
        .map(|_| Browser {
            base: parent.base.clone(),
            client: parent.client.clone(),
            last_csrf: parent.last_csrf.clone(),
            last_once: None,
        })
        .collect();
    let (s, _) = at_once(tabs, "/parents/apply/check", &[]);
    assert!(s.iter().all(|s| *s == 303), "{s:?}");
    assert_eq!(count(&app, "consent_applications"), 2);
}

/// Low: sessions, sign-in codes, form tokens and abandoned applications for consent past their
/// use are deleted by the daily run.
#[test]
fn expired_sessions_codes_and_form_tokens_are_purged() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    // An application for consent started and left: kept 30 days from its last page, no longer.
    parent.get("/parents/apply/needs-consent");
    parent.post(
        "/parents/apply/needs-consent",
        &[("needs_consent", "not_sure")],
    );
    let (mut other, _) = parent_signed_in(&app, "other@example.com");
    other.get("/parents/apply");
    assert_eq!(count(&app, "application_drafts"), 2);
    let old = "2026-01-01 00:00:00";
    app.exec(&format!(
        "UPDATE sessions SET created_at = '{old}', last_seen_at = '{old}';
         UPDATE parent_sessions SET created_at = '{old}', last_seen_at = '{old}';
         UPDATE parent_codes SET created_at = '{old}', expires_at = '{old}';
         UPDATE form_submissions SET created_at = '{old}';
         UPDATE application_drafts SET updated_at = '{old}' WHERE email = 'sarah@example.com';"
    ));
    let purged = cnis::store::sessions::purge_expired(&mut app.conn(), 12).unwrap();
    assert_eq!(purged.sessions, 1);
    assert_eq!(purged.parent_sessions, 2);
    assert!(purged.parent_codes >= 1);
    assert_eq!(purged.form_tokens, 1);
    assert_eq!(purged.application_drafts, 1);
    assert_eq!(
        count(&app, "application_drafts WHERE email = 'other@example.com'"),
        1
    );
    assert_eq!(count(&app, "sessions"), 0);
    // Signed out: both are sent to sign in again.
    assert_eq!(
        officer.get("/officers/register").location.as_deref(),
        Some("/officers/sign-in")
    );
    assert_eq!(parent.get("/parents/children").status, 303);
}

/// The names of a page's form fields, but the CSRF, one-time and version fields.
fn field_names(body: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for part in body.split(" name=\"").skip(1) {
        if let Some(end) = part.find('"') {
            let n = &part[..end];
            if !["csrf_token", "once", "version"].contains(&n) && !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
    }
    out
}

/// F6: hostile values in every field of the officers', parents' and schools' forms, and in query
/// strings, get a clear answer (400 or the form again with its errors), never a 500, on both
/// backends; and a NUL is refused before any query.
#[test]
fn hostile_values_in_every_field_never_cause_a_server_error() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    let hostile = [
        "\0",
        "a\0b",
        "\u{1b}[31m",
        "\u{202e}gnp.exe",
        "((given_names))",
        "=HYPERLINK(\"x\")",
        "\u{1F600}\u{301}",
        "31/02/2026",
        "-1",
        "99999999999999999999",
    ];
    let long = "x".repeat(70_000);
    let officer_forms = [
        "/officers/children/new".to_string(),
        format!("/officers/children/{id}/edit"),
        format!("/officers/children/{id}/addresses/new"),
        format!("/officers/children/{id}/parents/new"),
        format!("/officers/children/{id}/providers/new"),
        format!("/officers/children/{id}/close"),
        format!("/officers/children/{id}/attendance"),
    ];
    let parent_forms = [
        format!("/parents/children/{id}/change"),
        format!("/parents/children/{id}/support"),
        "/parents/notify/you".to_string(),
        "/parents/apply/child-name".to_string(),
        "/parents/apply/your-address".to_string(),
        "/parents/apply/plan".to_string(),
        "/parents/email-consent".to_string(),
    ];
    let mut seen = 0;
    for (b, forms) in [
        (&mut officer, &officer_forms[..]),
        (&mut parent, &parent_forms[..]),
    ] {
        for path in forms {
            for value in hostile.iter().copied().chain([long.as_str()]) {
                let page = b.get(path);
                assert_eq!(page.status, 200, "{path}");
                let version = extract(&page.body, "name=\"version\" value=\"", "\"");
                let names = field_names(&page.body);
                let mut fields: Vec<(&str, &str)> =
                    names.iter().map(|n| (n.as_str(), value)).collect();
                if let Some(v) = &version {
                    fields.push(("version", v));
                }
                let p = b.post(path, &fields);
                assert!(p.status < 500, "{path} with {value:.20?}: {}", p.status);
                if value.contains('\0') {
                    assert_eq!(p.status, 400, "{path}: a NUL is refused before any query");
                }
                seen += 1;
            }
        }
    }
    assert!(seen >= 100);
    assert_eq!(
        count(&app, "children"),
        1,
        "nothing hostile was saved as a new child"
    );
    for q in [
        "/officers/register?q=%00",
        "/officers/register?status=%00",
        "/officers/information-requests?sent=%1b",
        &format!("/officers/children/{id}?done=%00"),
    ] {
        let p = officer.get(q);
        assert_eq!(p.status, 400, "{q}");
    }
}

/// PostgreSQL cuts every connection (a restart, a failover, a proxy's idle timeout). The pool
/// asks a connection it has not checked for half a second whether it still answers before
/// handing it out, and replaces it if not: once that long has passed, every page works again
/// without restarting the service. (SQLite is in process: nothing to cut.)
#[test]
fn pages_work_again_after_postgresql_cuts_every_connection() {
    let app = TestApp::spawn();
    let Some(admin) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|_| app.config.database_url.starts_with("postgres"))
    else {
        return;
    };
    let mut b = app.signed_in("officer");
    for _ in 0..8 {
        assert_eq!(b.get("/officers/register").status, 200);
    }
    let name = app
        .config
        .database_url
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut server = diesel::PgConnection::establish(&admin).unwrap();
    let cut = diesel::sql_query(format!(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .get_result::<N>(&mut server)
    .unwrap()
    .n;
    assert!(cut > 0, "no connection was cut");
    std::thread::sleep(std::time::Duration::from_millis(700));
    for _ in 0..20 {
        assert_eq!(b.get("/officers/register").status, 200);
    }
}
