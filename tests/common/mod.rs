//! Test harness: the real app on a real database over real HTTP.
//! SQLite by default; set TEST_DATABASE_URL=postgres://… (a server's admin database) to run the
//! same tests on a fresh PostgreSQL database each.
#![allow(dead_code)]
pub mod smtp;

use std::sync::Arc;

use cnis::config::Config;
use cnis::db::{self, AnyConnection, Pool};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::Connection;
use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;

pub struct TestApp {
    pub base: String,
    pub pool: Pool,
    pub config: Config,
    _dir: tempfile::TempDir,
}

pub fn test_config(database_url: String, dir: &std::path::Path) -> Config {
    Config {
        database_url,
        bind: "127.0.0.1:0".into(),
        public_url: "http://127.0.0.1".into(),
        council_name: "Test Borough Council".into(),
        secret_key: (0..32).map(|_| rand_byte()).collect(),
        idle_timeout_minutes: 30,
        session_max_hours: 12,
        cookie_secure: false,
        pool_size: 4,
        sign_in_per_minute: 30,
        trusted_proxies: vec![],
        sign_in_per_account: 20,
        school_notices_per_day: 1000,
        api_requests_per_minute: 120,
        consent_escalation_days: 20,
        retention: cnis::domain::retention::Policy::default(),
        trusted_transfer_keys: vec![],
        transfer_signing_seed: None,
        new_sao_from: None,
        // s.434A and ss.436B–436G in force, so their rules are tested; tests of the days before
        // set these to None.
        consent_from: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
        register_from: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
        attendance_reminder_days: 2,
        prewithdrawal_meetings: false,
        postal_service_days: 2,
        data_dir: dir.to_string_lossy().to_string(),
        email_url: "file:///tmp/cnis-test-mail".into(),
        email_from: "cnis <no-reply@council.invalid>".into(),
        templates_dir: None,
        outbox_poll_seconds: 3600,
        team_email: Some("team@council.invalid".into()),
        team_phone: Some("01632 960000".into()),
        council_address: Some("Town Hall, 1 High Street, Testville, TE1 1ST".into()),
        la_code: Some("999".into()),
        new_la_code: Some("E09000099".into()),
        census_dates: vec![],
        scheduler: false,
        information_response_days: 28,
        cross_check_at: None,
        match_thresholds: Default::default(),
        branding: Default::default(),
        list_count_seconds: 0,
    }
}

fn rand_byte() -> u8 {
    uuid::Uuid::new_v4().as_bytes()[0]
}

/// A fresh database: a temp SQLite file, or a new PostgreSQL database on TEST_DATABASE_URL's server.
pub fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            let name = format!("cnis_t_{}", uuid::Uuid::new_v4().simple());
            let mut c =
                diesel::PgConnection::establish(&admin).expect("connect to TEST_DATABASE_URL");
            c.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            match admin.rfind('/') {
                Some(i) => format!("{}/{}", &admin[..i], name),
                None => panic!("TEST_DATABASE_URL needs a database path"),
            }
        }
        _ => dir.join("test.sqlite").to_string_lossy().to_string(),
    }
}

impl TestApp {
    /// The outbox sends what is due to a real SMTP receiver, as its worker would, so emailed
    /// notices count as served (s.572); returns the messages received.
    #[allow(dead_code)]
    pub fn deliver_email(&self) -> Vec<String> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let got = smtp::smtp_on(listener, false);
        let mailer = cnis::jobs::outbox::Mailer::from_url(&format!("smtp://127.0.0.1:{port}"))
            .expect("mailer");
        let report =
            cnis::jobs::outbox::send_due(&self.pool, &mailer, "cnis <no-reply@council.test>", 500)
                .expect("send");
        assert_eq!(report.permanent_failures, 0);
        let out = got.lock().expect("lock").clone();
        out
    }

    pub fn spawn() -> TestApp {
        Self::spawn_with(|_| {})
    }

    pub fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = fresh_database(dir.path());
        let mut config = test_config(url, dir.path());
        tweak(&mut config);
        let pool = db::pool(&config.database_url, config.pool_size).expect("pool");
        cnis::services::register::prepare_database(&mut pool.get().expect("conn"))
            .expect("migrate");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(cnis::web::AppState::new(pool.clone(), config.clone()));
        std::thread::spawn(move || {
            let _ = actix_web::rt::System::new().block_on(cnis::web::serve(state, listener));
        });
        let app = TestApp {
            base: format!("http://127.0.0.1:{port}"),
            pool,
            config,
            _dir: dir,
        };
        for _ in 0..100 {
            if app.browser().get("/healthz").status == 200 {
                return app;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("app did not start");
    }

    pub fn conn(&self) -> db::PooledConn {
        self.pool.get().expect("conn")
    }

    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .expect("client"),
            last_csrf: String::new(),
            last_once: None,
        }
    }

    pub fn create_user(&self, role: &str) -> (String, String) {
        let email = format!(
            "{role}-{}@council.test",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let password = "a long test password 123".to_string();
        cnis::store::users::create(
            &mut self.conn(),
            &email,
            &format!("Test {role}"),
            role,
            &password,
        )
        .expect("create user");
        (email, password)
    }

    /// Signs in through the real pages: password, then TOTP enrolment with the key shown.
    pub fn signed_in(&self, role: &str) -> Browser {
        let (email, password) = self.create_user(role);
        let mut b = self.browser();
        b.sign_in(&email, &password);
        b
    }

    pub fn exec(&self, sql: &str) {
        let mut c = self.conn();
        let c: &mut AnyConnection = &mut c;
        c.batch_execute(sql).expect("exec");
    }
}

pub struct Browser {
    pub base: String,
    pub client: Client,
    pub last_csrf: String,
    /// The one-time token of the last form fetched that had one, sent with the next post.
    pub last_once: Option<String>,
}

pub struct Page {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    fn from(r: Response) -> Page {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let headers = r.headers().clone();
        let body = r.text().unwrap_or_default();
        Page {
            status,
            body,
            location,
            headers,
        }
    }
    pub fn contains(&self, s: &str) -> bool {
        self.body.contains(s)
    }
}

pub fn extract(body: &str, before: &str, after: &str) -> Option<String> {
    let i = body.find(before)? + before.len();
    let j = body[i..].find(after)? + i;
    Some(body[i..j].to_string())
}

impl Browser {
    pub fn get(&mut self, path: &str) -> Page {
        let p = Page::from(
            self.client
                .get(format!("{}{}", self.base, path))
                .send()
                .expect("get"),
        );
        if let Some(t) = extract(&p.body, "name=\"csrf_token\" value=\"", "\"") {
            self.last_csrf = t;
        }
        self.last_once = extract(&p.body, "name=\"once\" value=\"", "\"");
        p
    }

    /// Posts a form with the CSRF token from the last page fetched.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        all.push(("csrf_token".into(), self.last_csrf.clone()));
        if let Some(once) = &self.last_once {
            if !fields.iter().any(|(k, _)| *k == "once") {
                all.push(("once".into(), once.clone()));
            }
        }
        let p = Page::from(
            self.client
                .post(format!("{}{}", self.base, path))
                .form(&all)
                .send()
                .expect("post"),
        );
        if let Some(t) = extract(&p.body, "name=\"csrf_token\" value=\"", "\"") {
            self.last_csrf = t;
        }
        self.last_once = extract(&p.body, "name=\"once\" value=\"", "\"");
        p
    }

    /// A form with a file, sent as `multipart/form-data` as a browser sends it.
    pub fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, Vec<u8>),
    ) -> Page {
        let (field, name, bytes) = file;
        let mut form = reqwest::blocking::multipart::Form::new()
            .text("csrf_token", self.last_csrf.clone())
            .part(
                field.to_string(),
                reqwest::blocking::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let p = Page::from(
            self.client
                .post(format!("{}{}", self.base, path))
                .multipart(form)
                .send()
                .expect("post"),
        );
        if let Some(t) = extract(&p.body, "name=\"csrf_token\" value=\"", "\"") {
            self.last_csrf = t;
        }
        p
    }

    pub fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        Page::from(
            self.client
                .post(format!("{}{}", self.base, path))
                .form(fields)
                .send()
                .expect("post"),
        )
    }

    /// The password step, then the enrolment page: the response to the password and the key.
    pub fn password_step(&mut self, email: &str, password: &str) -> (Page, String) {
        self.get("/officers/sign-in");
        let p = self.post(
            "/officers/sign-in",
            &[("email", email), ("password", password)],
        );
        assert_eq!(p.status, 303, "password step: {}", p.body);
        let page = self.get("/officers/two-factor");
        let secret = extract(&page.body, "<p class=\"cnis-secret\">", "</p>")
            .expect("enrolment key shown")
            .replace(' ', "");
        (p, secret)
    }

    pub fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let (_, secret) = self.password_step(email, password);
        let code = totp_now(&secret);
        let mut p = self.post("/officers/two-factor", &[("code", &code)]);
        assert_eq!(p.status, 303, "second factor: {}", p.body);
        if p.location.as_deref() == Some("/officers/account/password") {
            // An issued password: choose one's own first, as a new user must.
            self.get("/officers/account/password");
            let done = self.post(
                "/officers/account/password",
                &[
                    ("current_password", password),
                    ("new_password", STRONG_PASSWORD),
                    ("confirm_password", STRONG_PASSWORD),
                ],
            );
            assert_eq!(done.status, 303, "new password: {}", done.body);
            let home = self.get("/officers/");
            p.location = Some(home.location.unwrap_or_else(|| "/officers/".into()));
        }
        assert!(
            matches!(p.location.as_deref(), Some("/officers/" | "/schools/")),
            "{:?}",
            p.location
        );
        p
    }
}

/// The password test users choose when theirs was issued by someone else.
pub const STRONG_PASSWORD: &str = "correct lantern galaxy ferret";

pub fn totp_now(secret: &str) -> String {
    let t = cnis::store::users::totp_for(secret, "t").expect("totp");
    t.generate(chrono::Utc::now().timestamp() as u64)
}

/// A valid new-child form.
pub fn child_form<'a>(
    given: &'a str,
    family: &'a str,
    dob: (&'a str, &'a str, &'a str),
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("given_names", given),
        ("family_name", family),
        ("date_of_birth-day", dob.0),
        ("date_of_birth-month", dob.1),
        ("date_of_birth-year", dob.2),
        ("sex", "F"),
        ("upn", ""),
        ("nhs_number", ""),
        ("la_reference", ""),
        ("arrangement", "home_educated"),
        ("eligibility_condition", "c_a"),
        ("reason", "philosophical"),
        ("sen_status", "none"),
        ("parent_hours_per_week", "20"),
        ("other_hours_per_week", "4.5"),
        ("line_1", "12 Station Road"),
        ("town", "Demoton"),
        ("postcode", "dt1 4ab"),
        ("p_given_names", "Sarah"),
        ("p_family_name", family),
        ("p_relationship", "mother"),
        ("p_parental_responsibility", "yes"),
        ("p_lives_with_child", "yes"),
        ("p_educating", "yes"),
        ("p_email", "sarah@example.com"),
    ]
}

/// Adds a child through the form and returns its id.
pub fn add_child(b: &mut Browser, given: &str, family: &str, dob: (&str, &str, &str)) -> String {
    b.get("/officers/children/new");
    let p = b.post("/officers/children/new", &child_form(given, family, dob));
    assert_eq!(p.status, 303, "add child: {}", p.body);
    let loc = p.location.expect("location");
    loc.trim_start_matches("/officers/children/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The latest email written to the outbox for an address: (subject, body).
pub fn latest_email(app: &TestApp, to: &str) -> (String, String) {
    use cnis::db::schema::outbox::dsl as o;
    o::outbox
        .filter(o::to_address.eq(to))
        .order(o::created_at.desc())
        .select((o::subject, o::body))
        .first(&mut **app.conn())
        .unwrap()
}

pub fn code_in(body: &str) -> String {
    extract(body, "Your security code is ", ".").unwrap()
}

pub fn request_code(b: &mut Browser, email: &str) -> Page {
    b.get("/parents/sign-in");
    b.post("/parents/sign-in", &[("email", email)])
}

/// A parent signed in by emailed code; returns the page the sign-in redirected to.
pub fn parent_signed_in(app: &TestApp, email: &str) -> (Browser, Option<String>) {
    let mut b = app.browser();
    let p = request_code(&mut b, email);
    assert_eq!(p.status, 303, "code sent: {}", p.body);
    let (_, body) = latest_email(app, &email.to_lowercase());
    b.get("/parents/check-email");
    let p = b.post("/parents/check-email", &[("code", &code_in(&body))]);
    assert_eq!(p.status, 303, "code accepted: {}", p.body);
    (b, p.location)
}

/// Rows matching a condition: `count(app, "tasks WHERE kind = 'x'")`.
pub fn count(app: &TestApp, sql_where: &str) -> i64 {
    use diesel::sql_types::BigInt;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {sql_where}"))
        .get_result::<N>(&mut **app.conn())
        .unwrap()
        .n
}

/// The text of a PDF as pdftotext reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test.sh");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Ada Lovelace, born 10 December 2015 at DT1 4AB (as `add_child` makes her), as children's social
/// care records her: one record with one episode of `kind` from `start`, still open.
#[allow(dead_code)]
pub fn ada_known_to_social_care(
    app: &TestApp,
    kind: cnis::domain::safeguarding::EpisodeKind,
    start: chrono::NaiveDate,
) {
    cnis::store::social_care::store(
        &mut app.conn(),
        "test",
        &cnis::store::social_care::Incoming {
            record_id: "SC-1".into(),
            given_names: Some("Ada".into()),
            family_name: Some("Lovelace".into()),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2015, 12, 10),
            sex: "F".into(),
            postcode: Some("DT1 4AB".into()),
            episodes: vec![cnis::domain::safeguarding::Episode::new(
                kind,
                Some(start),
                None,
            )],
            ..Default::default()
        },
    )
    .expect("stored");
}

/// The cross-check, now, with the app's own commencement days.
#[allow(dead_code)]
pub fn cross_check_now(app: &TestApp) -> cnis::jobs::cross_check::Outcome {
    cnis::jobs::cross_check::run(
        &mut app.conn(),
        None,
        cnis::clock::today(),
        "test",
        cnis::domain::matching::Thresholds::default(),
        &app.config.commencement(),
    )
    .expect("ran")
}

/// An administrator sets up a school (with an email for notices) and one member of staff, who
/// signs in; returns the school's id and the staff member's browser.
pub fn school_with_staff(app: &TestApp, admin: &mut Browser, urn: &str) -> (String, Browser) {
    admin.get("/officers/admin/schools");
    let p = admin.post(
        "/officers/admin/schools",
        &[
            ("urn", urn),
            ("name", &format!("School {urn}")),
            ("kind", "mainstream"),
            ("address", "Church Lane, Demoton DT1 2AA"),
            ("email", &format!("office-{urn}@school.test")),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let school_path = p.location.unwrap();
    let school_id = school_path.rsplit('/').next().unwrap().to_string();
    admin.get(&school_path);
    let staff_email = format!("head-{urn}@school.test");
    let p = admin.post(
        &format!("{school_path}/staff"),
        &[
            ("staff_name", "Head Teacher"),
            ("staff_email", &staff_email),
        ],
    );
    assert_eq!(p.status, 200, "{}", p.body);
    let password = extract(
        &p.body,
        "<pre class=\"cnis-token\" id=\"secret\"><code>",
        "</code>",
    )
    .expect("first password shown once");
    let mut staff = app.browser();
    let landed = staff.sign_in(&staff_email, &password);
    assert_eq!(landed.location.as_deref(), Some("/schools/"));
    (school_id, staff)
}

/// Searches the register as an officer does: the form posts, and the results are at the address
/// it redirects to (Post/Redirect/Get). A refused search comes back as it is.
pub fn search(b: &mut Browser, q: &str) -> Page {
    let p = b.post("/officers/register/search", &[("q", q)]);
    match (p.status, p.location.clone()) {
        (303, Some(to)) => {
            assert!(
                to.starts_with("/officers/register/search/") && !to.contains('?'),
                "{to}"
            );
            b.get(&to)
        }
        _ => p,
    }
}

/// The pages of a parent's application for consent and the fields each asks.
pub const APPLICATION_PAGES: &[(&str, &[&str])] = &[
    ("needs-consent", &["needs_consent"]),
    ("child-name", &["given_names", "family_name"]),
    (
        "child-date-of-birth",
        &[
            "date_of_birth-day",
            "date_of_birth-month",
            "date_of_birth-year",
        ],
    ),
    ("child-sex", &["sex"]),
    ("child-address", &["address_line_1", "town", "postcode"]),
    ("school", &["school_id", "upn"]),
    ("you", &["parent_name", "parent_phone"]),
    ("your-address", &["parent_address"]),
    ("decision-by-email", &["email_consent"]),
    ("other-parent", &["other_known"]),
    (
        "other-parent-details",
        &["other_name", "other_address", "other_email"],
    ),
    ("who-educates", &["educated_by", "hours_per_week"]),
    ("plan", &["education_plan"]),
    ("resources", &["resources"]),
    ("reasons", &["reasons"]),
    ("needs", &["needs"]),
];

/// Walks a parent's application for consent page by page with `answers` (a field missing from
/// them is left blank; "needs_consent" and "other_known" are filled in when not given) and
/// returns the first page that did not move on, or the answer to "Accept and send".
pub fn apply_for_consent(parent: &mut Browser, answers: &[(&str, &str)]) -> Page {
    let has = |k: &str| answers.iter().any(|(f, v)| *f == k && !v.is_empty());
    let other = if has("other_name") { "yes" } else { "no" };
    // Starting from the start page, as a parent does (after sending one, this starts another).
    parent.get("/parents/apply");
    for (slug, fields) in APPLICATION_PAGES {
        if *slug == "other-parent-details" && other == "no" {
            continue;
        }
        let mut form: Vec<(&str, &str)> = answers
            .iter()
            .filter(|(k, _)| fields.contains(k))
            .copied()
            .collect();
        if *slug == "needs-consent" && !has("needs_consent") {
            form.push(("needs_consent", "social_care"));
        }
        if *slug == "other-parent" && !has("other_known") {
            form.push(("other_known", other));
        }
        let path = format!("/parents/apply/{slug}");
        parent.get(&path);
        let p = parent.post(&path, &form);
        if p.status != 303 || p.location.as_deref() == Some("/parents/apply/not-needed") {
            return p;
        }
    }
    parent.get("/parents/apply/check");
    parent.post("/parents/apply/check", &[])
}

/// The id of the first row of `table`, for a test that made exactly one.
pub fn first_id(app: &TestApp, table: &str) -> String {
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }
    diesel::sql_query(format!("SELECT id FROM {table} LIMIT 1"))
        .get_result::<Id>(&mut **app.conn())
        .unwrap()
        .id
}

/// Closes an entry through its close form, as an officer does: moved away on 1 September 2026.
pub fn close_entry(b: &mut Browser, id: &str) {
    let page = b.get(&format!("/officers/children/{id}/close"));
    let version = extract(&page.body, "name=\"version\" value=\"", "\"").unwrap();
    let p = b.post(
        &format!("/officers/children/{id}/close"),
        &[
            ("closed_reason", "moved_away"),
            ("closed_on-day", "1"),
            ("closed_on-month", "9"),
            ("closed_on-year", "2026"),
            ("version", &version),
        ],
    );
    assert_eq!(p.status, 303, "close: {}", p.body);
}
