//! Sign-in rate limits (issue 14, M3): per client address behind the council's proxy, and per
//! account in the database, so neither a shared proxy address nor many addresses get round them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

/// One officers' sign-in attempt from a browser, with `forwarded` as X-Forwarded-For.
fn attempt(b: &mut Browser, email: &str, forwarded: &str) -> u16 {
    b.get("/officers/sign-in");
    let r = b
        .client
        .post(format!("{}/officers/sign-in", b.base))
        .header("X-Forwarded-For", forwarded)
        .form(&[
            ("email", email),
            ("password", "not the password"),
            ("csrf_token", b.last_csrf.as_str()),
        ])
        .send()
        .unwrap();
    r.status().as_u16()
}

#[test]
fn behind_a_trusted_proxy_each_client_has_its_own_limit() {
    let app = TestApp::spawn_with(|c| {
        c.sign_in_per_minute = 3;
        c.trusted_proxies = cnis::domain::network::parse_trusted("127.0.0.1").unwrap();
    });
    let mut b = app.browser();
    for _ in 0..3 {
        assert_eq!(attempt(&mut b, "a@council.test", "203.0.113.9"), 422);
    }
    assert_eq!(attempt(&mut b, "a@council.test", "203.0.113.9"), 429);
    // Another client through the same proxy is not locked out by the first.
    assert_eq!(attempt(&mut b, "b@council.test", "198.51.100.7"), 422);
    // IPv6 clients count by their /64.
    for _ in 0..3 {
        assert_eq!(attempt(&mut b, "c@council.test", "2001:db8:1:2::1"), 422);
    }
    assert_eq!(attempt(&mut b, "c@council.test", "2001:db8:1:2::99"), 429);
}

#[test]
fn without_a_trusted_proxy_a_forged_header_gets_no_new_limit() {
    let app = TestApp::spawn_with(|c| c.sign_in_per_minute = 3);
    let mut b = app.browser();
    for i in 0..3 {
        assert_eq!(
            attempt(&mut b, "a@council.test", &format!("203.0.113.{i}")),
            422
        );
    }
    assert_eq!(attempt(&mut b, "a@council.test", "203.0.113.200"), 429);
}

#[test]
fn one_account_has_a_limit_across_every_address() {
    let app = TestApp::spawn_with(|c| {
        c.sign_in_per_account = 3;
        c.trusted_proxies = cnis::domain::network::parse_trusted("127.0.0.0/8").unwrap();
    });
    let (email, password) = app.create_user("officer");
    let mut b = app.browser();
    for i in 0..3 {
        assert_eq!(attempt(&mut b, &email, &format!("203.0.113.{i}")), 422);
    }
    // A fourth address, the same account: refused, and the right password does not help.
    b.get("/officers/sign-in");
    let p = b.post(
        "/officers/sign-in",
        &[("email", &email), ("password", &password)],
    );
    assert_eq!(p.status, 429);
    assert!(p.contains("Too many attempts to sign in to this account"));
    // The attempts are kept under a key, never the address.
    assert_eq!(
        count(
            &app,
            &format!("sign_in_attempts WHERE account_key = '{email}'")
        ),
        0
    );
    assert_eq!(count(&app, "sign_in_attempts"), 4);
    // Another account is not affected; unknown accounts are limited the same way.
    let (other, pw) = app.create_user("officer");
    assert_eq!(b.sign_in(&other, &pw).status, 303);
    for _ in 0..3 {
        assert_eq!(attempt(&mut b, "nobody@council.test", "203.0.113.50"), 422);
    }
    assert_eq!(attempt(&mut b, "nobody@council.test", "203.0.113.51"), 429);
}
