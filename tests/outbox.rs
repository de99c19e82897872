//! The email outbox against a real SMTP server (mailin-embedded) and a real database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;

use cnis::jobs::{self, outbox::Mailer};
use cnis::mail::{self, Templates};
use common::smtp::{free_port, smtp_on};
use common::*;
use diesel::prelude::*;

fn status_of(app: &TestApp, id: &str) -> (String, i32, Option<String>) {
    use cnis::db::schema::outbox::dsl as o;
    o::outbox
        .find(id)
        .select((o::status, o::attempts, o::last_error))
        .first(&mut **app.conn())
        .unwrap()
}

fn enqueue_for(app: &TestApp, child: Option<&str>) -> String {
    let t = Templates::load(None).unwrap();
    mail::enqueue(
        &mut app.conn(),
        &t,
        "sign-in-code",
        "parent@example.com",
        &[("code", "482913"), ("council_name", "Test Borough Council")],
        child,
    )
    .unwrap()
}

#[test]
fn an_email_is_delivered_over_smtp_with_a_stable_message_id_and_shown_on_the_record() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let child = add_child(&mut b, "Ada", "Lovelace", ("10", "12", "2015"));
    let id = enqueue_for(&app, Some(&child));
    assert_eq!(status_of(&app, &id).0, "created");
    // Nothing is sent until the worker runs: handlers never send.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = smtp_on(listener, false);
    let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let report =
        jobs::outbox::send_due(&app.pool, &mailer, "Council <no-reply@council.test>", 10).unwrap();
    assert_eq!(report.delivered, 1);
    let (status, attempts, _) = status_of(&app, &id);
    assert_eq!((status.as_str(), attempts), ("delivered", 1));
    let msgs = got.lock().unwrap().clone();
    assert_eq!(msgs.len(), 1);
    assert!(
        msgs[0].contains(&format!("Message-ID: <{id}@cnis.outbox>")),
        "{}",
        msgs[0]
    );
    assert!(msgs[0].contains("Your security code is 482913"));
    let subject = msgs[0]
        .lines()
        .find(|l| l.starts_with("Subject:"))
        .unwrap()
        .to_string();
    assert!(
        !subject.contains("482913") && !subject.contains("Lovelace"),
        "no personal data in subjects"
    );
    // Sending again finds nothing due.
    assert_eq!(
        jobs::outbox::send_due(&app.pool, &mailer, "no-reply@council.test", 10).unwrap(),
        jobs::outbox::SendReport::default()
    );
    let page = b.get(&format!("/officers/children/{child}"));
    assert!(
        page.contains("Emails about this child") && page.contains("Accepted by the mail server")
    );
}

#[test]
fn smtp_down_is_a_temporary_failure_retried_later_and_a_550_is_permanent() {
    let app = TestApp::spawn();
    let id = enqueue_for(&app, None);
    let port = free_port();
    let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let r = jobs::outbox::send_due(&app.pool, &mailer, "no-reply@council.test", 10).unwrap();
    assert_eq!(r.temporary_failures, 1);
    let (status, attempts, err) = status_of(&app, &id);
    assert_eq!((status.as_str(), attempts), ("temporary-failure", 1));
    assert!(err.is_some());
    // Not due again until the backoff passes.
    assert_eq!(
        jobs::outbox::send_due(&app.pool, &mailer, "no-reply@council.test", 10).unwrap(),
        jobs::outbox::SendReport::default()
    );
    // The server comes back; once the retry is due the email goes.
    let got = smtp_on(
        std::net::TcpListener::bind(("127.0.0.1", port)).unwrap(),
        false,
    );
    app.exec("UPDATE outbox SET next_attempt_at = '2000-01-01 00:00:00'");
    assert_eq!(
        jobs::outbox::send_due(&app.pool, &mailer, "no-reply@council.test", 10)
            .unwrap()
            .delivered,
        1
    );
    assert_eq!(status_of(&app, &id).0, "delivered");
    assert_eq!(got.lock().unwrap().len(), 1);

    // A mailbox the server refuses (550) is not retried.
    let bad = enqueue_for(&app, None);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let rport = listener.local_addr().unwrap().port();
    smtp_on(listener, true);
    let rejecting = Mailer::from_url(&format!("smtp://127.0.0.1:{rport}")).unwrap();
    let r = jobs::outbox::send_due(&app.pool, &rejecting, "no-reply@council.test", 10).unwrap();
    assert_eq!(r.permanent_failures, 1);
    let (status, _, err) = status_of(&app, &bad);
    assert_eq!(status, "permanent-failure");
    assert!(err.unwrap_or_default().contains("550"));
}

#[test]
fn a_send_interrupted_by_a_crash_is_sent_again_after_the_lease_with_the_same_message_id() {
    let app = TestApp::spawn();
    let id = enqueue_for(&app, None);
    // A worker claimed it and died: the row is "sending" with its lease expired.
    app.exec(&format!("UPDATE outbox SET status = 'sending', next_attempt_at = '2000-01-01 00:00:00' WHERE id = '{id}'"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = smtp_on(listener, false);
    let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
    assert_eq!(
        jobs::outbox::send_due(&app.pool, &mailer, "no-reply@council.test", 10)
            .unwrap()
            .delivered,
        1
    );
    assert!(got.lock().unwrap()[0].contains(&format!("<{id}@cnis.outbox>")));
}

#[test]
fn emails_older_than_72_hours_are_given_up() {
    let app = TestApp::spawn();
    let id = enqueue_for(&app, None);
    app.exec("UPDATE outbox SET created_at = '2000-01-01 00:00:00'");
    let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{}", free_port())).unwrap();
    assert_eq!(
        jobs::outbox::send_due(&app.pool, &mailer, "no-reply@council.test", 10)
            .unwrap()
            .permanent_failures,
        1
    );
    let (status, _, err) = status_of(&app, &id);
    assert_eq!(status, "permanent-failure");
    assert!(err
        .unwrap_or_default()
        .starts_with("gave up after 72 hours"));
}

#[test]
fn the_laptop_default_writes_eml_files() {
    let app = TestApp::spawn();
    let id = enqueue_for(&app, None);
    let dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::from_url(&format!("file://{}", dir.path().display())).unwrap();
    assert_eq!(
        jobs::outbox::send_due(&app.pool, &mailer, "no-reply@council.test", 10)
            .unwrap()
            .delivered,
        1
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    assert_eq!(status_of(&app, &id).0, "delivered");
}

#[test]
fn officers_see_emails_that_could_not_be_sent() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    assert!(b
        .get("/officers/emails")
        .contains("Every email has been accepted by the mail server."));
    let id = enqueue_for(&app, None);
    app.exec(&format!("UPDATE outbox SET status = 'permanent-failure', last_error = '550 Mailbox unavailable' WHERE id = '{id}'"));
    let home = b.get("/officers/");
    assert!(home.contains("1 emails could not be sent"));
    let page = b.get("/officers/emails");
    assert!(
        page.contains("parent@example.com")
            && page.contains("Could not be sent")
            && page.contains("550 Mailbox unavailable")
    );
    // Admins do not see addresses: the page is for caseworkers.
    assert_eq!(app.signed_in("admin").get("/officers/emails").status, 403);
}

/// Issue 14 (low): once a parent's sign-in email is sent, the outbox keeps no copy of the code.
#[test]
fn a_sent_sign_in_code_is_not_kept_in_the_outbox() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    assert_eq!(request_code(&mut b, "kim@example.com").status, 303);
    let (_, body) = latest_email(&app, "kim@example.com");
    let code = code_in(&body);
    let dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::from_url(&format!("file://{}", dir.path().display())).unwrap();
    let r = jobs::outbox::send_due(&app.pool, &mailer, "no-reply@council.test", 10).unwrap();
    assert_eq!(r.delivered, 1);
    let (_, kept) = latest_email(&app, "kim@example.com");
    assert!(!kept.contains(&code), "{kept}");
    assert!(kept.contains("removed once it was sent"));
    // The email itself carried the code.
    let sent = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(std::fs::read_to_string(sent).unwrap().contains(&code));
}

/// F5: an email being sent is counted as an attempt before the mail server answers, and
/// officers see it in flight; one a worker stopped sending (its lease over) is shown as
/// interrupted, and may arrive twice.
#[test]
fn officers_see_emails_in_flight_and_sends_that_were_interrupted() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let id = enqueue_for(&app, None);
    // A mail server that accepts the connection and never answers: the send hangs.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let pool = app.pool.clone();
    std::thread::spawn(move || {
        let _keep = silent;
        let mailer = Mailer::from_url(&format!("smtp://127.0.0.1:{port}")).unwrap();
        let _ = jobs::outbox::send_due(&pool, &mailer, "no-reply@council.test", 10);
    });
    while status_of(&app, &id).0 != "sending" {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        status_of(&app, &id).1,
        1,
        "the attempt is recorded before sending"
    );
    let page = b.get("/officers/emails");
    assert!(
        page.contains("Being sent now") && page.contains("Attempt 1"),
        "{}",
        page.body
    );

    // The worker died mid-send: once its lease is over the officer is told.
    app.exec(&format!(
        "UPDATE outbox SET next_attempt_at = '2000-01-01 00:00:00' WHERE id = '{id}'"
    ));
    let page = b.get("/officers/emails");
    assert!(page.contains("Sending was interrupted") && page.contains("may get it twice"));
}
