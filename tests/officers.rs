//! Officer sign-in, sessions, roles and the safeguards around them, over HTTP on a real database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

#[test]
fn healthz_and_security_headers() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let p = b.get("/officers/sign-in");
    assert_eq!(p.status, 200);
    let csp = p
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "strict CSP: {csp}"
    );
    assert_eq!(
        p.headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert_eq!(
        p.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let set_cookie: Vec<_> = p
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        set_cookie.iter().any(|c| c.starts_with("cnis_csrf=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Strict")),
        "{set_cookie:?}"
    );
    // No inline script anywhere: the CSP would block it.
    assert!(!p.body.contains("<script>"));
    assert_eq!(b.get("/healthz").status, 200);
}

#[test]
fn secure_cookie_when_served_over_https() {
    let app = TestApp::spawn_with(|c| c.cookie_secure = true);
    let p = app.browser().get("/officers/sign-in");
    let cookies: Vec<_> = p
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(cookies.iter().all(|c| c.contains("Secure")), "{cookies:?}");
    // Issue 14 (low): kept to this host, path and https by the __Host- prefix.
    assert!(
        !cookies.is_empty()
            && cookies
                .iter()
                .all(|c| c.starts_with("__Host-") && c.contains("Path=/") && !c.contains("Domain")),
        "{cookies:?}"
    );
}

#[test]
fn sign_in_with_password_and_totp_then_sign_out() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let home = b.get("/officers/");
    assert_eq!(home.status, 200);
    assert!(home.contains("children on the register"));
    let p = b.post("/officers/sign-out", &[]);
    assert_eq!(p.status, 303);
    let after = b.get("/officers/");
    assert_eq!(after.status, 303);
    assert_eq!(after.location.as_deref(), Some("/officers/sign-in"));
}

#[test]
fn wrong_password_is_refused_with_a_clear_message_and_locks_after_five() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let mut b = app.browser();
    b.get("/officers/sign-in");
    let p = b.post("/officers/sign-in", &[("email", &email), ("password", "")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("There is a problem") && p.contains("Enter your password"));
    for _ in 0..5 {
        let p = b.post(
            "/officers/sign-in",
            &[("email", &email), ("password", "not the password at all")],
        );
        assert_eq!(p.status, 422);
        assert!(p.contains("Enter a correct email address and password"));
    }
    // Locked now: even the right password is refused.
    let p = b.post(
        "/officers/sign-in",
        &[("email", &email), ("password", &password)],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("This account is locked"), "{}", p.body);
    // An unknown account gets the same answer as a wrong password.
    let p = b.post(
        "/officers/sign-in",
        &[
            ("email", "nobody@council.test"),
            ("password", "whatever it is 123"),
        ],
    );
    assert!(p.contains("Enter a correct email address and password"));
}

#[test]
fn sign_in_is_rate_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.sign_in_per_minute = 3);
    let mut b = app.browser();
    b.get("/officers/sign-in");
    let mut statuses = vec![];
    for i in 0..5 {
        statuses.push(
            b.post(
                "/officers/sign-in",
                &[
                    ("email", &format!("x{i}@council.test")),
                    ("password", "wrong wrong wrong"),
                ],
            )
            .status,
        );
    }
    assert_eq!(&statuses[..3], &[422, 422, 422]);
    assert_eq!(statuses[4], 429);
}

#[test]
fn second_factor_is_required_and_codes_work_once() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let mut b = app.browser();
    b.get("/officers/sign-in");
    assert_eq!(
        b.post(
            "/officers/sign-in",
            &[("email", &email), ("password", &password)]
        )
        .status,
        303
    );
    // Password alone does not reach the register.
    let p = b.get("/officers/register");
    assert_eq!(p.location.as_deref(), Some("/officers/two-factor"));
    let page = b.get("/officers/two-factor");
    let secret = extract(&page.body, "<p class=\"cnis-secret\">", "</p>")
        .unwrap()
        .replace(' ', "");
    let p = b.post("/officers/two-factor", &[("code", "000000")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("The code is not right"));
    let code = totp_now(&secret);
    assert_eq!(
        b.post("/officers/two-factor", &[("code", &code)]).status,
        303
    );
    assert_eq!(b.get("/officers/register").status, 200);

    // A second browser with the same password and the same code is refused: codes work once.
    let mut other = app.browser();
    other.get("/officers/sign-in");
    assert_eq!(
        other
            .post(
                "/officers/sign-in",
                &[("email", &email), ("password", &password)]
            )
            .status,
        303
    );
    let page = other.get("/officers/two-factor");
    assert!(
        !page.contains("cnis-secret"),
        "enrolled officers are not shown the key again"
    );
    let p = other.post("/officers/two-factor", &[("code", &code)]);
    assert_eq!(p.status, 422, "replayed code must be refused");
}

#[test]
fn idle_session_times_out() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    assert_eq!(b.get("/officers/register").status, 200);
    // 31 minutes of inactivity.
    let old = (chrono::Utc::now().naive_utc() - chrono::Duration::minutes(31))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    app.exec(&format!("UPDATE sessions SET last_seen_at = '{old}'"));
    let p = b.get("/officers/register");
    assert_eq!(p.status, 303);
    assert_eq!(p.location.as_deref(), Some("/officers/sign-in"));
}

#[test]
fn sign_out_everywhere_ends_other_sessions() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let mut first = app.browser();
    first.sign_in(&email, &password);
    // The second browser signs in with the next code window's key reuse avoided: reset the step.
    app.exec("UPDATE users SET last_totp_step = NULL");
    let mut second = app.browser();
    second.get("/officers/sign-in");
    second.post(
        "/officers/sign-in",
        &[("email", &email), ("password", &password)],
    );
    let secret: String = {
        use cnis::db::schema::users::dsl as u;
        use diesel::prelude::*;
        let mut c = app.conn();
        let (id, stored) = u::users
            .filter(u::email.eq(&email))
            .select((u::id, u::totp_secret))
            .first::<(String, Option<String>)>(&mut **c)
            .unwrap();
        // Stored sealed (issue 14, low): it opens only with the server's key.
        let stored = stored.unwrap();
        assert!(stored.starts_with("enc1:"));
        let key = cnis::store::users::totp_key(&app.config.secret_key);
        cnis::store::users::open_totp(&key, &id, &stored).unwrap()
    };
    second.get("/officers/two-factor");
    assert_eq!(
        second
            .post("/officers/two-factor", &[("code", &totp_now(&secret))])
            .status,
        303
    );
    assert_eq!(first.get("/officers/account").status, 200);
    let p = second.get("/officers/account");
    assert!(p.contains("Signed-in sessions"));
    assert_eq!(
        second.post("/officers/sign-out-everywhere", &[]).status,
        303
    );
    assert_eq!(
        first.get("/officers/register").status,
        303,
        "other session ended"
    );
    assert_eq!(
        second.get("/officers/register").status,
        303,
        "this session ended"
    );
}

#[test]
fn roles_are_checked_on_every_request() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    // Not signed in: sent to sign in, never shown data.
    let mut anon = app.browser();
    for path in [
        "/officers/register",
        &format!("/officers/children/{id}"),
        "/officers/audit",
        "/officers/audit.csv",
    ] {
        let p = anon.get(path);
        assert_eq!(p.status, 303, "{path}");
        assert_eq!(p.location.as_deref(), Some("/officers/sign-in"));
    }
    // An administrator runs accounts and audit, but has no access to children's records.
    let mut admin = app.signed_in("admin");
    for path in [
        "/officers/register",
        &format!("/officers/children/{id}"),
        &format!("/officers/children/{id}/edit"),
        "/officers/children/new",
    ] {
        let p = admin.get(path);
        assert_eq!(p.status, 403, "{path}");
        assert!(!p.contains("Lovelace"));
    }
    assert_eq!(admin.get("/officers/audit").status, 200);
    // An officer cannot read the audit log.
    assert_eq!(officer.get("/officers/audit").status, 403);
    assert_eq!(officer.get("/officers/audit.csv").status, 403);
    // A manager can do both.
    let mut manager = app.signed_in("manager");
    assert_eq!(manager.get(&format!("/officers/children/{id}")).status, 200);
    assert_eq!(manager.get("/officers/audit").status, 200);
}

#[test]
fn forms_without_a_csrf_token_are_refused_and_save_nothing() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let form = child_form("Grace", "Hopper", ("9", "12", "2014"));
    let p = b.post_raw("/officers/children/new", &form);
    assert_eq!(p.status, 400);
    assert!(p.contains("This form was out of date"));
    let mut with_bad: Vec<(&str, &str)> = form.clone();
    with_bad.push(("csrf_token", "forged"));
    assert_eq!(b.post_raw("/officers/children/new", &with_bad).status, 400);
    b.get("/officers/register");
    let p = search(&mut b, "Hopper");
    assert!(p.contains("0 entries found"), "nothing was saved");
}

#[test]
fn demo_officers_can_sign_in() {
    let app = TestApp::spawn();
    cnis::dev::demo::load(&mut app.conn(), 20).unwrap();
    let mut b = app.browser();
    b.sign_in("officer@demo.invalid", cnis::dev::demo::DEMO_PASSWORD);
    let p = b.get("/officers/register");
    assert!(p.contains("entries. Page 1"));
}

#[test]
fn readyz_reports_database_and_migrations_and_assets_are_in_the_binary() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let p = b.get("/readyz");
    assert_eq!((p.status, p.body.as_str()), (200, "ready"));
    let css = b.get("/assets/govuk-frontend.css");
    assert_eq!(css.status, 200);
    assert!(
        css.body.contains(".govuk-header"),
        "GOV.UK Frontend CSS is compiled in"
    );
    // Compiled with Arial: no page asks for the GDS Transport fonts, which are not served.
    assert!(!css.body.contains("@font-face") && !css.body.contains(".woff"));
    assert!(css.body.contains("font-family:arial,sans-serif"));
    assert_eq!(b.get("/assets/fonts/bold-b542beb274-v2.woff2").status, 404);
    // No brand colour or logo set: the pages link neither.
    let page = b.get("/officers/sign-in");
    assert!(!page.body.contains("/static/brand.css") && !page.body.contains("council-logo"));
    assert_eq!(b.get("/static/council-logo").status, 404);
    assert_eq!(b.get("/assets/govuk-frontend.min.js").status, 200);
    assert_eq!(b.get("/assets/../Cargo.toml").status, 404);
    // A migration the database has not had makes the instance not ready.
    app.exec("DELETE FROM __diesel_schema_migrations");
    let p = b.get("/readyz");
    assert_eq!((p.status, p.body.as_str()), (503, "migrations pending"));
}

/// Issue 14 M1: five wrong codes at the second factor lock the account and end the half-finished
/// sign-in, as five wrong passwords do; a right code afterwards does not get in or unlock it.
#[test]
fn five_wrong_second_factor_codes_lock_the_account_and_end_the_half_sign_in() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let mut b = app.browser();
    let (_, secret) = b.password_step(&email, &password);
    let right = totp_now(&secret);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..4 {
        let p = b.post("/officers/two-factor", &[("code", wrong)]);
        assert_eq!(p.status, 422, "{}", p.body);
    }
    let p = b.post("/officers/two-factor", &[("code", wrong)]);
    assert_eq!(p.status, 303);
    assert_eq!(p.location.as_deref(), Some("/officers/sign-in?locked=1"));
    assert!(b
        .get("/officers/sign-in?locked=1")
        .contains("This account is locked"));
    // The half session is over: the right code now leads back to sign-in, not in.
    b.get("/officers/sign-in");
    let p = b.post("/officers/two-factor", &[("code", &right)]);
    assert_eq!(
        p.location.as_deref(),
        Some("/officers/sign-in"),
        "{}",
        p.status
    );
    // And the password step is locked too.
    let p = b.post(
        "/officers/sign-in",
        &[("email", &email), ("password", &password)],
    );
    assert!(p.contains("This account is locked"), "{}", p.body);
}

/// Issue 14 M2: wrong passwords sent at once each count, so ten in parallel lock the account.
#[test]
fn parallel_wrong_passwords_each_count_towards_the_lock() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let mut b = app.browser();
    b.get("/officers/sign-in");
    let csrf = b.last_csrf.clone();
    let threads: Vec<_> = (0..10)
        .map(|_| {
            let (client, url) = (b.client.clone(), format!("{}/officers/sign-in", b.base));
            let (email, csrf) = (email.clone(), csrf.clone());
            std::thread::spawn(move || {
                client
                    .post(url)
                    .form(&[
                        ("email", email.as_str()),
                        ("password", "not the password at all"),
                        ("csrf_token", csrf.as_str()),
                    ])
                    .send()
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 422);
    }
    let p = b.post(
        "/officers/sign-in",
        &[("email", &email), ("password", &password)],
    );
    assert!(p.contains("This account is locked"), "{}", p.body);
}

/// Issue 14 (low): every answer but the public assets is `no-store`, API JSON included, and over
/// https browsers are told to keep to https (HSTS).
#[test]
fn nothing_personal_is_cached_and_https_is_kept_to() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let api = b.get("/api/v1/openapi.json");
    assert_eq!(api.status, 200);
    assert_eq!(api.headers.get("cache-control").unwrap(), "no-store");
    assert!(api.headers.get("strict-transport-security").is_none());
    let css = b.get("/static/app.css");
    assert!(css
        .headers
        .get("cache-control")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("public"));
    let https = TestApp::spawn_with(|c| c.cookie_secure = true);
    let p = https.browser().get("/officers/sign-in");
    assert_eq!(
        p.headers.get("strict-transport-security").unwrap(),
        "max-age=31536000; includeSubDomains"
    );
}

/// Issue 14 F6: a NUL or another control character in the sign-in email gets the usual sign-in
/// message before any query (PostgreSQL answered 500 to a NUL), and bytes that are not UTF-8 are
/// refused with a clear 400, not changed and stored.
#[test]
fn forms_with_nul_or_broken_text_are_refused_before_any_query() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    b.get("/officers/sign-in");
    let csrf = b.last_csrf.clone();
    let raw = |body: String| {
        b.client
            .post(format!("{}/officers/sign-in", b.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .unwrap()
    };
    // A NUL, in any form, is refused before the handler runs.
    let r = raw(format!(
        "email=a%00b%40council.test&password=x&csrf_token={csrf}"
    ));
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().unwrap().contains("holds a NUL character"));
    // Another control character gets the sign-in page's own message.
    let r = raw(format!(
        "email=a%1bb%40council.test&password=x&csrf_token={csrf}"
    ));
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .unwrap()
        .contains("Enter a correct email address and password"));
    let r = raw(format!(
        "email=%FF%FE%40council.test&password=x&csrf_token={csrf}"
    ));
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().unwrap().contains("bytes that are not text"));
    let p = b.post(
        "/officers/sign-in",
        &[
            ("email", "a\u{1}b@council.test"),
            ("password", "a long password 123"),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter a correct email address and password"));
}

/// Issue 14 (low): the session token changes when the second factor is passed; the token from the
/// password step alone no longer opens anything.
#[test]
fn the_session_token_is_new_after_the_second_factor() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let mut b = app.browser();
    let (p, secret) = b.password_step(&email, &password);
    let first = extract(
        p.headers.get("set-cookie").unwrap().to_str().unwrap(),
        "cnis_session=",
        ";",
    )
    .unwrap();
    let p = b.post("/officers/two-factor", &[("code", &totp_now(&secret))]);
    assert_eq!(p.location.as_deref(), Some("/officers/"));
    let cookies: Vec<String> = p
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let second = cookies
        .iter()
        .find_map(|c| extract(c, "cnis_session=", ";"))
        .expect("a new session cookie");
    assert_ne!(first, second);
    assert_eq!(b.get("/officers/").status, 200, "the new token works");
    // The old token, sent on its own, is signed out.
    let stale = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/officers/", b.base))
        .header("Cookie", format!("cnis_session={first}"))
        .send()
        .unwrap();
    assert_eq!(stale.status().as_u16(), 303);
}

/// Issue 14 (low): a session ends 12 hours after signing in however busy it has been, for
/// officers and for parents alike.
#[test]
fn sessions_end_twelve_hours_after_signing_in() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let (mut parent, _) = parent_signed_in(&app, "busy@example.com");
    assert_eq!(b.get("/officers/register").status, 200);
    assert_eq!(parent.get("/parents/children").status, 200);
    let old = (chrono::Utc::now().naive_utc() - chrono::Duration::hours(13))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    app.exec(&format!("UPDATE sessions SET created_at = '{old}'"));
    app.exec(&format!("UPDATE parent_sessions SET created_at = '{old}'"));
    let p = b.get("/officers/register");
    assert_eq!(p.location.as_deref(), Some("/officers/sign-in"));
    let p = parent.get("/parents/children");
    assert_eq!(p.status, 303);
    assert_eq!(p.location.as_deref(), Some("/parents/sign-in"));
}

/// Issue 14 (low): while an account is locked, a wrong password gets the same answer as an unknown
/// account; only the right password is told the account is locked.
#[test]
fn a_locked_account_is_named_only_to_someone_with_its_password() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let mut b = app.browser();
    b.get("/officers/sign-in");
    for _ in 0..5 {
        b.post(
            "/officers/sign-in",
            &[("email", &email), ("password", "wrong wrong wrong")],
        );
    }
    let p = b.post(
        "/officers/sign-in",
        &[("email", &email), ("password", "another wrong one")],
    );
    assert!(
        p.contains("Enter a correct email address and password"),
        "{}",
        p.body
    );
    assert!(!p.contains("locked"));
    let p = b.post(
        "/officers/sign-in",
        &[("email", &email), ("password", &password)],
    );
    assert!(p.contains("This account is locked"));
}

/// Issue 14 (low): a password someone else issued opens nothing until the user chooses their
/// own, which must be long and not guessable (zxcvbn); changing it ends their other sessions.
#[test]
fn an_issued_password_must_be_changed_at_first_sign_in() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let id: String = {
        use cnis::db::schema::users::dsl as u;
        use diesel::prelude::*;
        u::users
            .filter(u::email.eq(&email))
            .select(u::id)
            .first(&mut **app.conn())
            .unwrap()
    };
    cnis::store::users::require_password_change(&mut app.conn(), &id).unwrap();
    let mut b = app.browser();
    let (_, secret) = b.password_step(&email, &password);
    let p = b.post("/officers/two-factor", &[("code", &totp_now(&secret))]);
    assert_eq!(p.location.as_deref(), Some("/officers/account/password"));
    // Nothing else opens first.
    assert_eq!(
        b.get("/officers/register").location.as_deref(),
        Some("/officers/account/password")
    );
    let page = b.get("/officers/account/password");
    assert!(page.contains("Someone else set the password"));
    for (fields, message) in [
        (
            [
                ("current_password", "wrong one"),
                ("new_password", STRONG_PASSWORD),
                ("confirm_password", STRONG_PASSWORD),
            ],
            "Your current password is not right",
        ),
        (
            [
                ("current_password", password.as_str()),
                ("new_password", "password1234"),
                ("confirm_password", "password1234"),
            ],
            "harder to guess",
        ),
        (
            [
                ("current_password", password.as_str()),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
            "12 characters or more",
        ),
        (
            [
                ("current_password", password.as_str()),
                ("new_password", STRONG_PASSWORD),
                ("confirm_password", "something else"),
            ],
            "The passwords do not match",
        ),
    ] {
        let p = b.post("/officers/account/password", &fields);
        assert_eq!(p.status, 422, "{message}");
        assert!(p.contains(message), "{message}: {}", p.body);
    }
    // Another session of the same account, on another device.
    app.exec(&format!(
        "INSERT INTO sessions (token_hash, user_id, second_factor_passed, created_at, last_seen_at) VALUES ('other-device', '{id}', true, '2026-12-01 09:00:00', '2026-12-01 09:00:00')"
    ));
    assert_eq!(count(&app, &format!("sessions WHERE user_id = '{id}'")), 2);
    let p = b.post(
        "/officers/account/password",
        &[
            ("current_password", &password),
            ("new_password", STRONG_PASSWORD),
            ("confirm_password", STRONG_PASSWORD),
        ],
    );
    assert_eq!(
        p.location.as_deref(),
        Some("/officers/account?done=password")
    );
    assert_eq!(
        count(&app, &format!("sessions WHERE user_id = '{id}'")),
        1,
        "the other device's session ended"
    );
    assert!(b
        .get("/officers/account?done=password")
        .contains("Your password has been changed"));
    assert_eq!(b.get("/officers/register").status, 200);
    assert_eq!(
        count(&app, "audit_log WHERE action = 'password_changed'"),
        1
    );
    // The old password no longer works; the new one does.
    let mut again = app.browser();
    again.get("/officers/sign-in");
    let p = again.post(
        "/officers/sign-in",
        &[("email", &email), ("password", &password)],
    );
    assert_eq!(p.status, 422);
    let p = again.post(
        "/officers/sign-in",
        &[("email", &email), ("password", STRONG_PASSWORD)],
    );
    assert_eq!(p.status, 303);
}

/// Issue 14 (low): a TOTP secret stored in clear by an earlier version is sealed at start-up,
/// and still signs in.
#[test]
fn totp_secrets_stored_in_clear_are_sealed() {
    let app = TestApp::spawn();
    let (email, _) = app.create_user("officer");
    app.exec(&format!(
        "UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enrolled = true WHERE email = '{email}'"
    ));
    let key = cnis::store::users::totp_key(&app.config.secret_key);
    assert_eq!(
        cnis::store::users::seal_plain_totp_secrets(&mut app.conn(), &key).unwrap(),
        1
    );
    assert_eq!(
        cnis::store::users::seal_plain_totp_secrets(&mut app.conn(), &key).unwrap(),
        0
    );
    assert_eq!(count(&app, "users WHERE totp_secret LIKE 'enc1:%'"), 1);
    assert_eq!(
        count(&app, "users WHERE totp_secret = 'JBSWY3DPEHPK3PXP'"),
        0
    );
}

#[test]
fn the_councils_brand_colour_and_logo_are_settings() {
    let app = TestApp::spawn_with(|c| {
        c.branding = cnis::config::Branding {
            colour: Some("#00703c".into()),
            logo: Some((
                b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
                "image/svg+xml",
            )),
        };
    });
    let mut b = app.browser();
    let page = b.get("/officers/sign-in");
    assert!(page
        .body
        .contains(r#"<link rel="stylesheet" href="/static/brand.css">"#));
    assert!(page
        .body
        .contains(r#"<img src="/static/council-logo" alt="" class="cnis-council-logo">"#));
    let css = b.get("/static/brand.css");
    assert_eq!(css.body, ":root{--govuk-brand-colour:#00703c}\n");
    let logo = b.get("/static/council-logo");
    assert_eq!(logo.status, 200);
    assert!(logo.body.starts_with("<svg"));
}

#[test]
fn two_factor_enrolment_shows_the_setup_key_as_a_qr_code_beside_the_typed_key() {
    use base64::Engine;
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let mut b = app.browser();
    b.password_step(&email, &password);
    let page = b.get("/officers/two-factor");
    let data =
        extract(&page.body, "src=\"data:image/svg+xml;base64,", "\"").expect("QR code shown");
    let svg = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap();
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
    assert!(
        page.body.contains("class=\"cnis-secret\""),
        "the typed key stays beside it"
    );
}

#[test]
fn times_are_shown_in_uk_time_not_utc() {
    let app = TestApp::spawn();
    let mut manager = app.signed_in("manager");
    // A summer evening in UTC is past midnight in London.
    app.exec(
        "UPDATE audit_events SET at = '2026-07-01 23:30:00';
         UPDATE read_audit_events SET at = '2026-07-01 23:30:00'",
    );
    let page = manager.get("/officers/audit");
    assert!(
        page.body.contains("2 July 2026 at 12:30am"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("UTC"));
    let csv = manager.get("/officers/audit.csv");
    assert!(
        csv.body.contains("2026-07-01T23:30:00.000000Z"),
        "{}",
        csv.body
    );
}
