//! The fault tests of issue 14, against the real binary (`CNIS_BIN`, the release build in
//! `scripts/test.sh`; the test build otherwise), on SQLite and, with TEST_DATABASE_URL, on
//! PostgreSQL: kill -9 under concurrent API and form writes, and an SMTP server that goes away
//! and comes back while the server is killed. What was acknowledged must be there, nothing twice,
//! and no answer a 5xx. Each prints its figures for BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::smtp::{free_port, smtp_on};
use common::*;
use diesel::prelude::*;
use std::collections::HashSet;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "6b0f3c1e9d2a47f8b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8";

/// The server binary under test.
fn binary() -> String {
    std::env::var("CNIS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cnis").to_string())
}

struct Server {
    db: String,
    dir: std::path::PathBuf,
    port: u16,
    smtp_port: u16,
    child: Option<Child>,
}

impl Server {
    fn start(&mut self) {
        let child = Command::new(binary())
            .arg("serve")
            .env("DATABASE_URL", &self.db)
            .env("CNIS_DATA_DIR", &self.dir)
            .env("CNIS_BIND", format!("127.0.0.1:{}", self.port))
            .env("CNIS_SECRET_KEY", SECRET)
            .env(
                "CNIS_EMAIL_URL",
                format!("smtp://127.0.0.1:{}", self.smtp_port),
            )
            .env("CNIS_OUTBOX_POLL_SECONDS", "1")
            .env("CNIS_SIGN_IN_PER_MINUTE", "10000")
            .env("CNIS_API_REQUESTS_PER_MINUTE", "1000000")
            .env("CNIS_CROSS_CHECK_AT", "off")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the server");
        self.child = Some(child);
        let client = reqwest::blocking::Client::new();
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            let up = client
                .get(format!("{}/healthz", self.base()))
                .send()
                .is_ok_and(|r| r.status().is_success());
            if up {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not start");
    }

    /// kill -9: no chance to finish anything.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A fresh database (SQLite, or PostgreSQL with TEST_DATABASE_URL), migrated, and a server for
/// it that is not yet started.
fn server(dir: &std::path::Path, smtp_port: u16) -> (Server, cnis::db::Pool) {
    let db = fresh_database(dir);
    let pool = cnis::db::pool(&db, 4).unwrap();
    cnis::db::migrate(&mut pool.get().unwrap()).unwrap();
    let s = Server {
        db,
        dir: dir.to_path_buf(),
        port: free_port(),
        smtp_port,
        child: None,
    };
    (s, pool)
}

fn count_in(pool: &cnis::db::Pool, sql_where: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut c = pool.get().unwrap();
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {sql_where}"))
        .get_result::<N>(&mut **c)
        .unwrap()
        .n
}

#[derive(Default)]
struct Tally {
    acknowledged_records: Mutex<Vec<String>>,
    acknowledged_children: Mutex<Vec<String>>,
    server_errors: AtomicUsize,
    refused_connections: AtomicUsize,
}

/// Pushes batches of records until told to stop; a 200 acknowledges every record in it.
fn api_writer(
    base: String,
    token: String,
    worker: usize,
    stop: Arc<AtomicBool>,
    tally: Arc<Tally>,
) {
    let client = reqwest::blocking::Client::new();
    let mut batch = 0;
    while !stop.load(Ordering::Relaxed) {
        let ids: Vec<String> = (0..10).map(|i| format!("R-{worker}-{batch}-{i}")).collect();
        let records: Vec<serde_json::Value> = ids
            .iter()
            .map(|id| serde_json::json!({"record_id": id, "given_names": "Kim", "family_name": "Lee", "date_of_birth": "2014-03-02"}))
            .collect();
        let sent = client
            .post(format!("{base}/api/v1/social-care-records"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "records": records }))
            .send();
        match sent {
            Ok(r) if r.status().is_success() => {
                tally.acknowledged_records.lock().unwrap().extend(ids);
                batch += 1;
            }
            Ok(r) if r.status().is_server_error() => {
                tally.server_errors.fetch_add(1, Ordering::Relaxed);
            }
            Ok(_) => batch += 1,
            Err(_) => {
                tally.refused_connections.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Adds children through the officers' form until told to stop. When the server dies under a
/// post, the officer sends the same form again (its one-time token with it), as a person would.
fn form_writer(b: Browser, worker: usize, stop: Arc<AtomicBool>, tally: Arc<Tally>) {
    let mut k = 0;
    while !stop.load(Ordering::Relaxed) {
        let Ok(page) = b
            .client
            .get(format!("{}/officers/children/new", b.base))
            .send()
        else {
            tally.refused_connections.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        let body = page.text().unwrap_or_default();
        let (Some(csrf), Some(once)) = (
            extract(&body, "name=\"csrf_token\" value=\"", "\""),
            extract(&body, "name=\"once\" value=\"", "\""),
        ) else {
            continue;
        };
        let given = format!("W{worker}x{k}");
        let mut form = child_form(&given, "Crash", ("10", "12", "2015"));
        form.push(("csrf_token", &csrf));
        form.push(("once", &once));
        loop {
            match b
                .client
                .post(format!("{}/officers/children/new", b.base))
                .form(&form)
                .send()
            {
                Ok(r) if r.status().as_u16() == 303 => {
                    let to = r
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    let id = to
                        .trim_start_matches("/officers/children/")
                        .split('?')
                        .next()
                        .unwrap_or("");
                    tally
                        .acknowledged_children
                        .lock()
                        .unwrap()
                        .push(id.to_string());
                    break;
                }
                Ok(r) if r.status().is_server_error() => {
                    tally.server_errors.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Ok(_) => break,
                Err(_) if stop.load(Ordering::Relaxed) => break,
                Err(_) => {
                    // The server is down: send the same form again once it is back.
                    tally.refused_connections.fetch_add(1, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        k += 1;
    }
}

#[test]
fn kill_9_under_concurrent_api_and_form_writes_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, pool) = server(dir.path(), free_port());
    let password = "a long test password 123";
    let officers: Vec<String> = (0..2).map(|i| format!("officer{i}@council.test")).collect();
    for e in &officers {
        cnis::store::users::create(&mut pool.get().unwrap(), e, "Officer", "officer", password)
            .unwrap();
    }
    let (_, token) = cnis::store::api_tokens::issue(&mut pool.get().unwrap(), "crash").unwrap();
    s.start();
    let browsers: Vec<Browser> = officers
        .iter()
        .map(|e| {
            let mut b = Browser {
                base: s.base(),
                client: reqwest::blocking::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap(),
                last_csrf: String::new(),
                last_once: None,
            };
            b.sign_in(e, password);
            b
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let mut workers = vec![];
    for w in 0..2 {
        let (base, token, stop, tally) = (s.base(), token.clone(), stop.clone(), tally.clone());
        workers.push(std::thread::spawn(move || {
            api_writer(base, token, w, stop, tally)
        }));
    }
    for (w, b) in browsers.into_iter().enumerate() {
        let (stop, tally) = (stop.clone(), tally.clone());
        workers.push(std::thread::spawn(move || form_writer(b, w, stop, tally)));
    }
    let kills = 3;
    let mut restart = Duration::ZERO;
    for _ in 0..kills {
        std::thread::sleep(Duration::from_millis(1500));
        s.kill();
        let t = Instant::now();
        s.start();
        restart += t.elapsed();
    }
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let records = tally.acknowledged_records.lock().unwrap().clone();
    let children = tally.acknowledged_children.lock().unwrap().clone();
    let lost_records = records
        .iter()
        .filter(|id| {
            count_in(
                &pool,
                &format!("social_care_records WHERE source_record_id = '{id}'"),
            ) != 1
        })
        .count();
    let lost_children = children
        .iter()
        .filter(|id| count_in(&pool, &format!("children WHERE id = '{id}'")) != 1)
        .count();
    let distinct_names = {
        let mut c = pool.get().unwrap();
        let names: Vec<String> = cnis::db::schema::children::table
            .select(cnis::db::schema::children::given_names)
            .load(&mut **c)
            .unwrap();
        let n = names.len();
        (n, names.into_iter().collect::<HashSet<_>>().len())
    };
    eprintln!(
        "crash figures ({}): {kills} kills in {:.1} s; {} API records and {} children acknowledged; lost {} and {}; {} duplicate children; {} server errors; {} refused connections; mean restart to healthy {:.2} s",
        if s.db.starts_with("postgres") { "PostgreSQL" } else { "SQLite" },
        started.elapsed().as_secs_f64(),
        records.len(),
        children.len(),
        lost_records,
        lost_children,
        distinct_names.0 - distinct_names.1,
        tally.server_errors.load(Ordering::Relaxed),
        tally.refused_connections.load(Ordering::Relaxed),
        restart.as_secs_f64() / kills as f64,
    );
    assert!(records.len() > 100 && !children.is_empty(), "the load ran");
    assert_eq!(lost_records, 0, "acknowledged API records lost");
    assert_eq!(lost_children, 0, "acknowledged children lost");
    assert_eq!(distinct_names.0, distinct_names.1, "a child added twice");
    assert_eq!(
        tally.server_errors.load(Ordering::Relaxed),
        0,
        "5xx answers"
    );
}

/// Message-IDs the SMTP sink received, with how often each.
fn received(got: &Mutex<Vec<String>>) -> std::collections::HashMap<String, usize> {
    let mut out = std::collections::HashMap::new();
    for m in got.lock().unwrap().iter() {
        if let Some(id) = extract(m, "Message-ID: <", "@cnis.outbox>") {
            *out.entry(id).or_insert(0) += 1;
        }
    }
    out
}

#[test]
fn an_smtp_outage_and_a_kill_9_lose_no_email_and_send_none_twice_but_one_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let smtp_port = free_port();
    let (mut s, pool) = server(dir.path(), smtp_port);
    let templates = cnis::mail::Templates::load(None).unwrap();
    let total = 200;
    let mut ids = vec![];
    for i in 0..total {
        ids.push(
            cnis::mail::enqueue(
                &mut pool.get().unwrap(),
                &templates,
                "team-alert",
                &format!("team{i}@council.test"),
                &[
                    ("task_kind", "A task"),
                    ("link", "http://x.test/"),
                    ("council_name", "Test"),
                ],
                None,
            )
            .unwrap(),
        );
    }
    let started = Instant::now();
    // 1. The mail server is down: every email waits to be tried again. The server dies.
    s.start();
    while count_in(&pool, "outbox WHERE status = 'temporary-failure'") < 20 {
        std::thread::sleep(Duration::from_millis(20));
    }
    s.kill();
    // 2. The mail server is back; the backoff has passed (moved on, not waited for).
    let got = smtp_on(
        std::net::TcpListener::bind(("127.0.0.1", smtp_port)).unwrap(),
        false,
    );
    let mut c = pool.get().unwrap();
    let due_now = "UPDATE outbox SET next_attempt_at = '2000-01-01 00:00:00' WHERE status IN ('temporary-failure', 'sending')";
    diesel::sql_query(due_now).execute(&mut **c).unwrap();
    drop(c);
    s.start();
    // 3. Killed again while it is sending.
    while received(&got).len() < 60 {
        std::thread::sleep(Duration::from_millis(5));
    }
    s.kill();
    let interrupted = count_in(&pool, "outbox WHERE status = 'sending'");
    // The one-minute sending lease has passed (moved on, not waited for).
    diesel::sql_query(due_now)
        .execute(&mut **pool.get().unwrap())
        .unwrap();
    s.start();
    let until = Instant::now() + Duration::from_secs(120);
    while count_in(&pool, "outbox WHERE status = 'delivered'") < total as i64 {
        assert!(
            Instant::now() < until,
            "every email is delivered in the end"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    s.kill();
    let got = received(&got);
    let missing = ids.iter().filter(|id| !got.contains_key(*id)).count();
    let twice: Vec<&String> = got
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, _)| id)
        .collect();
    eprintln!(
        "outbox figures ({}): {total} emails, SMTP down then back, 2 kills; delivered {} in {:.1} s; lost {missing}; sent twice {} (rows left 'sending' by the kill: {interrupted})",
        if s.db.starts_with("postgres") { "PostgreSQL" } else { "SQLite" },
        got.len(),
        started.elapsed().as_secs_f64(),
        twice.len(),
    );
    assert_eq!(missing, 0, "emails lost");
    assert!(
        twice.len() as i64 <= interrupted,
        "only a send cut short by the kill may arrive twice: {twice:?}"
    );
}
