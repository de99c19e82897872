//! Parents sign in with an emailed code and see only their own children.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

#[test]
fn a_parent_signs_in_with_an_emailed_code_and_sees_only_their_own_children() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let own = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    // Another family's child: child_form gives the parent sarah@example.com, so change it.
    officer.get("/officers/children/new");
    let mut other_form: Vec<(&str, &str)> = child_form("Other", "Family", ("1", "1", "2014"))
        .into_iter()
        .filter(|(k, _)| *k != "p_email")
        .collect();
    other_form.push(("p_email", "someone.else@example.com"));
    let p = officer.post("/officers/children/new", &other_form);
    let other = p
        .location
        .unwrap()
        .trim_start_matches("/officers/children/")
        .split('?')
        .next()
        .unwrap()
        .to_string();

    let mut parent = app.browser();
    assert_eq!(parent.get("/parents/").status, 200);
    let p = request_code(&mut parent, "Sarah@Example.com");
    assert_eq!(p.location.as_deref(), Some("/parents/check-email"));
    let (subject, body) = latest_email(&app, "sarah@example.com");
    let code = code_in(&body);
    assert_eq!(code.len(), 6);
    assert!(
        !subject.contains(&code),
        "no code or personal data in the subject"
    );

    parent.get("/parents/check-email");
    let p = parent.post("/parents/check-email", &[("code", "000000")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("The code is not right"));
    let p = parent.post("/parents/check-email", &[("code", &code)]);
    assert_eq!(p.location.as_deref(), Some("/parents/children"));
    let list = parent.get("/parents/children");
    assert!(list.contains("Ada Lovelace") && !list.contains("Other Family"));
    assert_eq!(parent.get(&format!("/parents/children/{own}")).status, 200);
    // Another family's child is simply not found, and the attempt is audited.
    let denied = parent.get(&format!("/parents/children/{other}"));
    assert_eq!(denied.status, 404);
    assert!(!denied.contains("Family"));
    assert_eq!(count(&app, "audit_log WHERE action = 'parent_denied'"), 1);
    // A parent's session opens nothing on the officers' side.
    assert_eq!(
        parent.get("/officers/register").location.as_deref(),
        Some("/officers/sign-in")
    );
    // The code worked once.
    let mut again = app.browser();
    request_code(&mut again, "sarah@example.com");
    let fresh = code_in(&latest_email(&app, "sarah@example.com").1);
    again.get("/parents/check-email");
    let p = again.post("/parents/check-email", &[("code", &fresh)]);
    assert_eq!(p.status, 303);
    // Signing out ends the session.
    parent.get("/parents/children");
    assert_eq!(parent.post("/parents/sign-out", &[]).status, 303);
    assert_eq!(
        parent.get("/parents/children").location.as_deref(),
        Some("/parents/sign-in")
    );
}

/// Issue 14 (low): a parent can end every session they have, on every device, at once.
#[test]
fn a_parent_signs_out_on_every_device() {
    let app = TestApp::spawn();
    let (mut phone, _) = parent_signed_in(&app, "sarah@example.com");
    let (mut laptop, _) = parent_signed_in(&app, "sarah@example.com");
    let (mut other, _) = parent_signed_in(&app, "someone@example.com");
    assert_eq!(laptop.get("/parents/children").status, 200);
    phone.get("/parents/children");
    let p = phone.post("/parents/sign-out-everywhere", &[]);
    assert_eq!(p.status, 303);
    assert!(phone
        .get(p.location.as_deref().unwrap())
        .contains("You have been signed out on every device"));
    for b in [&mut phone, &mut laptop] {
        assert_eq!(
            b.get("/parents/children").location.as_deref(),
            Some("/parents/sign-in")
        );
    }
    // Another parent's session is untouched.
    assert_eq!(other.get("/parents/children").status, 200);
}

#[test]
fn codes_are_single_use_limited_in_number_and_attempts() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    let p = request_code(&mut b, "not an email");
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter an email address in the correct format"));
    let p = b.post("/parents/sign-in", &[("email", "")]);
    assert!(p.contains("Enter your email address"));

    request_code(&mut b, "pat@example.com");
    let code = code_in(&latest_email(&app, "pat@example.com").1);
    b.get("/parents/check-email");
    assert_eq!(
        b.post("/parents/check-email", &[("code", &code)]).status,
        303
    );
    // Reusing the same code in another browser fails.
    let mut c = app.browser();
    request_code(&mut c, "pat@example.com");
    let pending = c
        .client
        .get(format!("{}/parents/check-email", c.base))
        .send()
        .unwrap();
    assert_eq!(pending.status(), 200);
    c.get("/parents/check-email");
    let p = c.post("/parents/check-email", &[("code", &code)]);
    assert_eq!(p.status, 422, "an old code does not open the new request");
    // Five wrong codes use up a code.
    let mut d = app.browser();
    request_code(&mut d, "pat@example.com");
    let good = code_in(&latest_email(&app, "pat@example.com").1);
    d.get("/parents/check-email");
    let wrong = if good == "111111" { "222222" } else { "111111" };
    for _ in 0..5 {
        d.post("/parents/check-email", &[("code", wrong)]);
    }
    let p = d.post("/parents/check-email", &[("code", &good)]);
    assert!(p.contains("Too many wrong codes"), "{}", p.body);
    // Three codes per address in 15 minutes.
    let p = request_code(&mut d, "pat@example.com");
    assert_eq!(p.status, 422);
    assert!(p.contains("We have sent 3 codes to this address"));
    // Without a pending code the code page sends you back.
    assert_eq!(
        app.browser()
            .get("/parents/check-email")
            .location
            .as_deref(),
        Some("/parents/sign-in")
    );
}

#[test]
fn an_expired_parent_session_signs_out() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    request_code(&mut b, "kim@example.com");
    let code = code_in(&latest_email(&app, "kim@example.com").1);
    b.get("/parents/check-email");
    b.post("/parents/check-email", &[("code", &code)]);
    assert_eq!(b.get("/parents/children").status, 200);
    app.exec("UPDATE parent_sessions SET last_seen_at = '2000-01-01 00:00:00'");
    assert_eq!(
        b.get("/parents/children").location.as_deref(),
        Some("/parents/sign-in")
    );
    assert_eq!(
        b.get("/parents/children/not-a-uuid").location.as_deref(),
        Some("/parents/sign-in")
    );
}

#[test]
fn a_parent_gives_and_withdraws_written_consent_to_email_service_per_kind_of_document() {
    let app = TestApp::spawn();
    let mut b = app.browser();
    // Signed out: sent to sign in.
    assert_eq!(
        b.get("/parents/email-consent").location.as_deref(),
        Some("/parents/sign-in")
    );
    request_code(&mut b, "lee@example.com");
    let code = code_in(&latest_email(&app, "lee@example.com").1);
    b.get("/parents/check-email");
    b.post("/parents/check-email", &[("code", &code)]);
    let page = b.get("/parents/email-consent");
    assert_eq!(page.status, 200);
    assert!(page.contains("section 572"));
    assert_eq!(
        page.body.matches("By post").count(),
        3,
        "no consent until given in writing"
    );
    let p = b.post(
        "/parents/email-consent",
        &[
            ("information_requests", "yes"),
            ("attendance_notices", "yes"),
        ],
    );
    assert_eq!(
        p.location.as_deref(),
        Some("/parents/email-consent?done=saved")
    );
    let page = b.get("/parents/email-consent?done=saved");
    assert!(page.contains("Your choices are saved"));
    assert_eq!(page.body.matches("You agreed on").count(), 2);
    // Withdraw one; the other stands; an unchanged box makes no new decision.
    b.post("/parents/email-consent", &[("information_requests", "yes")]);
    let page = b.get("/parents/email-consent");
    assert!(page.contains("You withdrew your agreement on"));
    assert_eq!(page.body.matches("You agreed on").count(), 1);
    let mut c = app.conn();
    let decisions =
        cnis::store::parent_access::consent_decisions(&mut c, "lee@example.com").unwrap();
    assert_eq!(decisions.len(), 3, "given, given, withdrawn");
    let now = chrono::Utc::now().naive_utc() + chrono::Duration::seconds(1);
    let for_kind = |k: &str| {
        decisions
            .iter()
            .filter(|(kind, _, _)| kind == k)
            .map(|(_, c, at)| (*c, *at))
            .collect::<Vec<_>>()
    };
    assert!(cnis::domain::service::may_serve_by_email(
        &for_kind("information_requests"),
        now
    ));
    assert!(!cnis::domain::service::may_serve_by_email(
        &for_kind("attendance_notices"),
        now
    ));
    assert!(!cnis::domain::service::may_serve_by_email(
        &for_kind("consent_decisions"),
        now
    ));
    // Without a CSRF token nothing changes.
    let p = b.post_raw("/parents/email-consent", &[("consent_decisions", "yes")]);
    assert_eq!(p.status, 400);
    assert_eq!(
        cnis::store::parent_access::consent_decisions(&mut c, "lee@example.com")
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn officers_see_each_parents_email_service_consent_on_the_record() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    assert!(officer
        .get(&format!("/officers/children/{id}"))
        .contains("None: serve every document by post"));
    let mut parent = app.browser();
    request_code(&mut parent, "sarah@example.com");
    let code = code_in(&latest_email(&app, "sarah@example.com").1);
    parent.get("/parents/check-email");
    parent.post("/parents/check-email", &[("code", &code)]);
    parent.get("/parents/email-consent");
    parent.post("/parents/email-consent", &[("consent_decisions", "yes")]);
    let page = officer.get(&format!("/officers/children/{id}"));
    assert!(
        page.contains("Decisions on applications to home educate (s.434A), agreed"),
        "{}",
        page.body
    );
    assert!(page.contains("Anything else by post."));
}

/// Issue 14 (low): a parent's audit pseudonym is an HMAC under the server's key, so nobody with
/// the audit log and a list of addresses can tell whose it is by hashing them.
#[test]
fn audit_pseudonyms_of_parents_are_keyed() {
    use sha2::{Digest, Sha256};
    let app = TestApp::spawn();
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    parent.get("/parents/children");
    let mut h = Sha256::new();
    h.update(b"actor\0sarah@example.com\0");
    let plain = format!("parent:{}", &hex::encode(h.finalize())[..12]);
    let keyed = cnis::store::parent_access::actor("sarah@example.com");
    assert_ne!(keyed, plain);
    assert!(count(&app, &format!("audit_log WHERE purpose LIKE '%{keyed}%'")) > 0);
    assert_eq!(
        count(&app, &format!("audit_log WHERE purpose LIKE '%{plain}%'")),
        0
    );
}

/// Issue 18: every page a parent or a school sees says how to reach the home education team, the
/// service's name leads to their own start, and the code page says where the code went.
#[test]
fn parents_and_schools_see_how_to_reach_the_team_and_their_own_start() {
    let app = TestApp::spawn();
    let mut parent = app.browser();
    let p = parent.get("/parents/");
    assert!(p.contains("Contact the home education team"), "{}", p.body);
    assert!(p.contains(r#"href="tel:01632960000""#));
    assert!(p.contains("mailto:team@council.invalid"));
    assert!(p.contains("Town Hall, 1 High Street, Testville, TE1 1ST"));
    assert!(p.contains(r#"href="/parents/" class="govuk-service-navigation__link""#));
    request_code(&mut parent, "sarah.jones@example.com");
    let p = parent.get("/parents/check-email");
    assert!(p.contains("s*********s@example.com"), "{}", p.body);
    assert!(!p.contains("sarah.jones"));
    let (_, body) = latest_email(&app, "sarah.jones@example.com");
    assert!(body.contains("Home education team\nTelephone: 01632 960000\nEmail: team@council.invalid\nPost: Town Hall, 1 High Street, Testville, TE1 1ST"), "{body}");

    // Officers' pages lead to the officers' start and carry no footer for the public.
    let mut officer = app.signed_in("officer");
    let p = officer.get("/officers/");
    assert!(!p.contains("Contact the home education team"));
    assert!(p.contains(r#"href="/officers/" class="govuk-service-navigation__link""#));
    // A school's staff see the team's details and their school's start.
    let mut admin = app.signed_in("admin");
    let (_, mut school) = school_with_staff(&app, &mut admin, "100009");
    let p = school.get("/schools/");
    assert!(p.contains(r#"href="/schools/" class="govuk-service-navigation__link""#));
    assert!(p.contains("Contact the home education team"));
    // The front door sends each to their own side.
    let p = app.browser().get("/");
    assert_eq!(p.status, 200);
    assert!(p.contains(r#"href="/parents/""#) && p.contains(r#"href="/officers/""#));
}
