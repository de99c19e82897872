//! A parent tells the council about children not in school (EA 1996 s.436D(1)): the question
//! flow, its checks, saved progress, one submission, and matching against the register.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

/// Answers every page for one child, starting at its name page.
fn tell_about_child(b: &mut Browser, n: usize, given: &str, family: &str, dob: (&str, &str, &str)) {
    let c = |page: &str| format!("/parents/notify/child/{n}/{page}");
    let ok = |p: Page, to: &str| {
        assert_eq!(p.status, 303, "{to}: {}", p.body);
        assert_eq!(p.location.as_deref(), Some(to));
    };
    b.get(&c("name"));
    ok(
        b.post(
            &c("name"),
            &[("given_names", given), ("family_name", family)],
        ),
        &c("date-of-birth"),
    );
    ok(
        b.post(
            &c("date-of-birth"),
            &[
                ("date_of_birth-day", dob.0),
                ("date_of_birth-month", dob.1),
                ("date_of_birth-year", dob.2),
            ],
        ),
        &c("address"),
    );
    if n == 1 {
        // The second child lives elsewhere: their home address is asked on its own page.
        ok(
            b.post(&c("address"), &[("same_as_yours", "no")]),
            &c("home-address"),
        );
        ok(
            b.post(
                &c("home-address"),
                &[
                    ("line_1", "7 Riverside Walk"),
                    ("town", "Northby"),
                    ("postcode", "DT9 2LW"),
                ],
            ),
            &c("previous-address"),
        );
    } else {
        ok(
            b.post(&c("address"), &[("same_as_yours", "yes")]),
            &c("previous-address"),
        );
    }
    ok(
        b.post(&c("previous-address"), &[("long_enough", "no")]),
        &c("earlier-address"),
    );
    ok(
        b.post(
            &c("earlier-address"),
            &[
                ("line_1", "3 Old Lane"),
                ("town", "Oldtown"),
                ("postcode", "dt9 9zz"),
            ],
        ),
        &c("education"),
    );
    // Issue 18: each way of being educated is explained in plain words.
    let page = b.get(&c("education"));
    assert!(page.contains("arrangement-6-item-hint"), "{}", page.body);
    assert!(page.contains("education, health and care (EHC) plan"));
    ok(
        b.post(
            &c("education"),
            &[
                ("arrangement", "home_educated"),
                ("eligible_from-day", "1"),
                ("eligible_from-month", "9"),
                ("eligible_from-year", "2026"),
            ],
        ),
        &c("time"),
    );
    ok(
        b.post(&c("time"), &[("parent_hours", "20"), ("other_hours", "4")]),
        &c("other-educators"),
    );
    // Issue 18: hours taught by others with nobody else named is caught, not stored.
    let p = b.post(&c("other-educators"), &[("more", "no")]);
    assert_eq!(p.status, 422);
    assert!(
        p.contains("is taught for 4 hours a week by someone other than a parent"),
        "{}",
        p.body
    );
    ok(
        b.post(&c("other-educators"), &[("more", "yes")]),
        &c("other-educators/0"),
    );
    // Issue 18: an address or a website is needed, so neither is labelled optional, and
    // leaving both blank says so.
    let form = b.get(&c("other-educators/0"));
    assert!(
        form.contains("Address where the education is given")
            && !form.contains("given (optional)")
            && !form.contains("online (optional)"),
        "{}",
        form.body
    );
    let p = b.post(
        &c("other-educators/0"),
        &[
            ("name", "Maths Tutors Ltd"),
            ("provider_type", "tutor"),
            ("hours_per_week", "4"),
            ("hours_without_parent", "4"),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter the address where the education is given, or a website"));
    ok(
        b.post(
            &c("other-educators/0"),
            &[
                ("name", "Maths Tutors Ltd"),
                ("provider_type", "tutor"),
                ("address", "1 High Street, Demoton"),
                ("hours_per_week", "4"),
                ("hours_without_parent", "4"),
            ],
        ),
        &c("other-educators"),
    );
    ok(
        b.post(&c("other-educators"), &[("more", "no")]),
        &c("optional"),
    );
    ok(b.post(&c("optional"), &[]), "/parents/notify/children");
}

fn about_you(b: &mut Browser) {
    b.get("/parents/notify/you");
    let p = b.post(
        "/parents/notify/you",
        &[
            ("given_names", "Sarah"),
            ("family_name", "Lovelace"),
            ("relationship", "mother"),
            ("parental_responsibility", "yes"),
            ("educating", "yes"),
        ],
    );
    assert_eq!(p.location.as_deref(), Some("/parents/notify/your-address"));
    let p = b.post(
        "/parents/notify/your-address",
        &[
            ("line_1", "12 Station Road"),
            ("town", "Demoton"),
            ("postcode", "DT1 4AB"),
        ],
    );
    assert_eq!(p.location.as_deref(), Some("/parents/notify/child/0/name"));
}

#[test]
fn s436d_1_a_parent_tells_the_council_about_two_children_and_they_join_the_register_unreviewed() {
    let app = TestApp::spawn();
    let (mut b, _) = parent_signed_in(&app, "sarah@example.com");
    let start = b.get("/parents/notify");
    assert!(start.contains("Start now"));
    about_you(&mut b);
    tell_about_child(&mut b, 0, "Ada", "Lovelace", ("10", "12", "2015"));
    let p = b.post("/parents/notify/children", &[("more", "yes")]);
    assert_eq!(p.location.as_deref(), Some("/parents/notify/child/1/name"));
    tell_about_child(&mut b, 1, "Byron", "Lovelace", ("2", "3", "2013"));
    let p = b.post("/parents/notify/children", &[("more", "no")]);
    assert_eq!(p.location.as_deref(), Some("/parents/notify/other-parents"));
    let p = b.post("/parents/notify/other-parents", &[("more", "yes")]);
    assert_eq!(
        p.location.as_deref(),
        Some("/parents/notify/other-parents/0")
    );
    // Issue 18: the other parent's questions come one group per page.
    let p = b.post(
        "/parents/notify/other-parents/0",
        &[
            ("given_names", "William"),
            ("family_name", "King"),
            ("relationship", "father"),
        ],
    );
    assert_eq!(
        p.location.as_deref(),
        Some("/parents/notify/other-parents/0/role")
    );
    let role = b.get("/parents/notify/other-parents/0/role");
    assert!(role.contains("Does William have parental responsibility for the children?"));
    let p = b.post(
        "/parents/notify/other-parents/0/role",
        &[("parental_responsibility", "yes")],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Select yes if William lives with the children"));
    let p = b.post(
        "/parents/notify/other-parents/0/role",
        &[
            ("parental_responsibility", "yes"),
            ("lives_with_child", "no"),
            ("educating", "no"),
        ],
    );
    assert_eq!(
        p.location.as_deref(),
        Some("/parents/notify/other-parents/0/contact")
    );
    let p = b.post(
        "/parents/notify/other-parents/0/contact",
        &[("address_postcode", "not a postcode")],
    );
    assert_eq!(p.status, 422);
    let p = b.post(
        "/parents/notify/other-parents/0/contact",
        &[("email", "will@example.com")],
    );
    assert_eq!(p.location.as_deref(), Some("/parents/notify/other-parents"));
    let p = b.post("/parents/notify/other-parents", &[("more", "no")]);
    assert_eq!(p.location.as_deref(), Some("/parents/notify/check"));

    let check = b.get("/parents/notify/check");
    assert_eq!(check.status, 200);
    for s in [
        "Ada Lovelace",
        "Byron Lovelace",
        "William King",
        "Maths Tutors Ltd",
        "3 Old Lane",
        "Same as yours",
        "Not answered",
        // Issue 18: what will be stored (the postcode typed "dt9 9zz"), and all of the other
        // parent's answers.
        "DT9 9ZZ",
        "will@example.com",
        "/parents/notify/other-parents/0/role?return=check",
        "/parents/notify/other-parents/0/contact?return=check",
    ] {
        assert!(check.contains(s), "check answers shows {s}");
    }
    assert!(!check.contains("dt9 9zz"));
    // A change link returns to the check page.
    assert!(check.contains("/parents/notify/child/1/time?return=check"));
    b.get("/parents/notify/child/1/time?return=check");
    let p = b.post(
        "/parents/notify/child/1/time",
        &[
            ("parent_hours", "18"),
            ("other_hours", "4"),
            ("return", "check"),
        ],
    );
    assert_eq!(p.location.as_deref(), Some("/parents/notify/check"));

    b.get("/parents/notify/check");
    let sent = b.post("/parents/notify/check", &[]);
    assert_eq!(sent.location.as_deref(), Some("/parents/notify/sent"));
    let done = b.get("/parents/notify/sent");
    let reference = extract(&done.body, "<strong>", "</strong>").unwrap();
    assert!(reference.starts_with("PN-"), "reference {reference}");
    // A second press of the button sends nothing more.
    let again = b.post("/parents/notify/check", &[]);
    assert_eq!(again.location.as_deref(), Some("/parents/notify/sent"));

    assert_eq!(
        count(
            &app,
            "children WHERE source = 'parent' AND reviewed = false"
        ),
        2
    );
    assert_eq!(
        count(&app, "parents WHERE family_name = 'King'"),
        2,
        "the other parent, on both children"
    );
    assert_eq!(count(&app, "addresses WHERE kind = 'previous'"), 2);
    assert_eq!(
        count(
            &app,
            "addresses WHERE kind = 'current' AND line_1 = '7 Riverside Walk'"
        ),
        1
    );
    assert_eq!(count(&app, "children WHERE postcode_key = 'DT92LW'"), 1);
    assert_eq!(count(&app, "providers"), 2);
    assert_eq!(count(&app, "children WHERE parent_hours_per_week = 18"), 1);
    assert_eq!(count(&app, "tasks WHERE kind = 'review_notification'"), 2);
    let (subject, body) = latest_email(&app, "sarah@example.com");
    assert!(body.contains(&reference) && !subject.contains("Lovelace"));
    // Task alerts go to the team mailbox with a link and nothing about the child.
    let (_, alert) = latest_email(&app, "team@council.invalid");
    assert!(alert.contains("/officers/tasks/") && !alert.contains("Lovelace"));

    // The parent now sees both children; an officer sees them waiting for review.
    let mine = b.get("/parents/children");
    assert!(mine.contains("Ada Lovelace") && mine.contains("Byron Lovelace"));
    let mut officer = app.signed_in("officer");
    let home = officer.get("/officers/");
    assert!(home.contains("Review 2 new entries"), "{}", home.body);

    // Issue 18: Back after sending shows the confirmation again, never an empty check page
    // with a live button; starting another, the parent's own details are already filled in.
    let back = b.get("/parents/notify/check");
    assert_eq!(back.location.as_deref(), Some("/parents/notify/sent"));
    assert_eq!(
        b.get("/parents/notify/child/0/name").location.as_deref(),
        Some("/parents/notify/sent")
    );
    assert!(b
        .get("/parents/notify/sent")
        .contains("Tell the council about another child"));
    assert!(b.get("/parents/notify").contains("Start now"));
    let you = b.get("/parents/notify/you");
    assert_eq!(you.status, 200);
    assert!(you.contains(r#"value="Sarah""#), "{}", you.body);
    assert!(you.contains(r#"value="Lovelace""#));
}

/// Sends a notification about one child, with no other parents, from a signed-in parent.
fn notify_one(b: &mut Browser, given: &str, family: &str, dob: (&str, &str, &str)) {
    about_you(b);
    tell_about_child(b, 0, given, family, dob);
    b.post("/parents/notify/children", &[("more", "no")]);
    b.post("/parents/notify/other-parents", &[("more", "no")]);
    b.get("/parents/notify/check");
    let p = b.post("/parents/notify/check", &[]);
    assert_eq!(p.location.as_deref(), Some("/parents/notify/sent"));
}

#[test]
fn s436c_a_child_already_on_the_register_is_linked_not_duplicated() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Zoë", "O'Brien", ("10", "12", "2015"));
    officer.get(&format!("/officers/children/{id}"));
    officer.post(
        &format!("/officers/children/{id}/reviewed"),
        &[("version", "1")],
    );
    let (mut b, _) = parent_signed_in(&app, "dad@example.com");
    notify_one(&mut b, "zoe", "OBrien", ("10", "12", "2015"));
    assert_eq!(count(&app, "children"), 1, "no duplicate entry");
    assert_eq!(
        count(&app, "children WHERE reviewed = false"),
        1,
        "back for review"
    );
    assert_eq!(count(&app, "tasks WHERE kind = 'review_notification'"), 1);

    // A near miss (same birthday, same family name, other first name) is a new entry plus a task.
    let (mut b, _) = parent_signed_in(&app, "mum@example.com");
    notify_one(&mut b, "Zara", "O'Brien", ("10", "12", "2015"));
    assert_eq!(count(&app, "children"), 2);
    assert_eq!(count(&app, "tasks WHERE kind = 'possible_match'"), 1);
}

/// Issue 14 (high): naming a child already on the register gives nobody access to its record or
/// its notices until an officer has checked them, side by side, and confirmed them.
#[test]
fn s436c_a_parent_of_a_child_already_on_the_register_waits_for_an_officer() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Zoë", "O'Brien", ("10", "12", "2015"));
    let (mut stranger, _) = parent_signed_in(&app, "dad@example.com");
    notify_one(&mut stranger, "zoe", "OBrien", ("10", "12", "2015"));

    // Nothing on the record, no access, no notices: a claim and a task for an officer.
    assert_eq!(count(&app, "parents WHERE email = 'dad@example.com'"), 0);
    assert_eq!(count(&app, "parent_claims WHERE status = 'awaiting'"), 1);
    assert_eq!(count(&app, "tasks WHERE kind = 'confirm_parent'"), 1);
    assert_eq!(stranger.get(&format!("/parents/children/{id}")).status, 404);
    let mine = stranger.get("/parents/children");
    assert!(
        mine.contains("Waiting for the council to check"),
        "{}",
        mine.body
    );
    assert!(mine.contains("zoe OBrien"), "they see what they sent");
    assert!(!mine.contains(&format!("/parents/children/{id}")));

    // The officer sees the claim on the record and checks it beside the record.
    let rec = officer.get(&format!("/officers/children/{id}"));
    assert!(rec.contains("1 person says they are"), "{}", rec.body);
    assert!(
        rec.contains("is waiting to be checked"),
        "a warning at the top of the record"
    );
    let claim: String = extract(&rec.body, "/parent-claims/", "\"").unwrap();
    let url = format!("/officers/children/{id}/parent-claims/{claim}");
    let page = officer.get(&url);
    assert!(page.contains("They told us") && page.contains("On the record"));
    assert!(page.contains("zoe OBrien") && page.contains("Zoë O"));
    // A decision needs both a choice and how it was checked; nothing is saved without them.
    let p = officer.post(&url, &[("decision", "confirm")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter how you checked"));
    let p = officer.post(&url, &[("reason", "Spoke to the school")]);
    assert!(p.contains("Select whether they are this child"));
    assert_eq!(count(&app, "parents WHERE email = 'dad@example.com'"), 0);
    // The task cannot be closed around the decision.
    let task: String = {
        use cnis::db::schema::tasks;
        use diesel::prelude::*;
        tasks::table
            .filter(tasks::kind.eq("confirm_parent"))
            .select(tasks::id)
            .first(&mut **app.conn())
            .unwrap()
    };
    let p = officer.post(&format!("/officers/tasks/{task}"), &[("outcome", "done")]);
    assert_eq!(p.status, 422);

    let p = officer.post(
        &url,
        &[
            ("decision", "confirm"),
            (
                "reason",
                "Checked with the school: he is on their contact list",
            ),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(count(&app, "parents WHERE email = 'dad@example.com'"), 1);
    assert_eq!(
        count(
            &app,
            "tasks WHERE kind = 'confirm_parent' AND completed_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(count(&app, "audit_log WHERE action = 'confirm_parent'"), 1);
    assert_eq!(
        count(&app, "audit_log WHERE purpose LIKE '%contact list%'"),
        0,
        "the reason stays with the record, out of the audit log"
    );
    assert_eq!(
        count(&app, "child_changes WHERE reason LIKE '%contact list%'"),
        1
    );
    assert_eq!(stranger.get(&format!("/parents/children/{id}")).status, 200);
    // Decided once: a second decision is refused.
    let p = officer.post(&url, &[("decision", "reject"), ("reason", "again")]);
    assert_eq!(p.status, 409);

    // Someone else says the same: rejected, they never see the record.
    let (mut other, _) = parent_signed_in(&app, "other@example.com");
    notify_one(&mut other, "Zoe", "O'Brien", ("10", "12", "2015"));
    let rec = officer.get(&format!("/officers/children/{id}"));
    let claim: String = extract(&rec.body, "/parent-claims/", "\"").unwrap();
    let p = officer.post(
        &format!("/officers/children/{id}/parent-claims/{claim}"),
        &[
            ("decision", "reject"),
            ("reason", "Not known to the family"),
        ],
    );
    assert_eq!(p.status, 303);
    assert_eq!(other.get(&format!("/parents/children/{id}")).status, 404);
    assert!(other.get("/parents/children").contains("could not confirm"));
    assert_eq!(count(&app, "parents WHERE email = 'other@example.com'"), 0);
}

#[test]
fn bad_answers_get_specific_messages_and_lose_nothing() {
    let app = TestApp::spawn();
    let (mut b, _) = parent_signed_in(&app, "sarah@example.com");
    b.get("/parents/notify/you");
    let p = b.post(
        "/parents/notify/you",
        &[("given_names", "Sarah"), ("phone", "call me")],
    );
    assert_eq!(p.status, 422);
    for m in [
        "Enter your last name",
        "Select how you are related",
        "Enter a telephone number",
    ] {
        assert!(p.contains(m), "{m}");
    }
    assert!(p.contains("govuk-error-summary") && p.contains("value=\"Sarah\""));
    about_you(&mut b);
    b.get("/parents/notify/child/0/name");
    let html = "<script>alert(1)</script>";
    b.post(
        "/parents/notify/child/0/name",
        &[("given_names", html), ("family_name", "Smith")],
    );
    let dob = |d: &str, m: &str, y: &str| {
        vec![
            ("date_of_birth-day", d.to_string()),
            ("date_of_birth-month", m.to_string()),
            ("date_of_birth-year", y.to_string()),
        ]
    };
    let post_dob = |b: &mut Browser, f: Vec<(&str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post("/parents/notify/child/0/date-of-birth", &f)
    };
    let p = post_dob(&mut b, dob("31", "2", "2015"));
    assert!(p.contains("must be a real date"));
    assert!(
        !p.contains(html) && p.contains("&lt;script&gt;"),
        "pasted HTML is shown as text"
    );
    let p = post_dob(&mut b, dob("1", "6", "2024"));
    assert_eq!(p.status, 422);
    assert!(
        p.contains("is not of compulsory school age yet. It starts on"),
        "explains, not rejects"
    );
    let p = post_dob(&mut b, dob("1", "1", "2005"));
    assert!(p.contains("is over compulsory school age"));
    let huge = "x".repeat(5000);
    b.get("/parents/notify/child/0/name");
    let p = b.post(
        "/parents/notify/child/0/name",
        &[("given_names", &huge), ("family_name", "Smith")],
    );
    assert!(p.contains("must be 100 characters or fewer"));
    // Pages out of order send the parent to the first unanswered page.
    let p = b.get("/parents/notify/child/5/name");
    assert_eq!(
        p.location.as_deref(),
        Some("/parents/notify/child/0/date-of-birth")
    );
    assert_eq!(b.get("/parents/notify/nonsense").status, 404);
    // Sending too early says what is missing.
    b.get("/parents/notify/check");
    let p = b.post("/parents/notify/check", &[]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Some answers are missing"));
    assert_eq!(count(&app, "children"), 0);
    // Not signed in: straight to sign-in.
    let mut stranger = app.browser();
    assert_eq!(
        stranger.get("/parents/notify/you").location.as_deref(),
        Some("/parents/sign-in")
    );
}

#[test]
fn progress_is_saved_and_a_timeout_keeps_what_was_typed() {
    let app = TestApp::spawn();
    let (mut b, _) = parent_signed_in(&app, "sarah@example.com");
    about_you(&mut b);
    // Leave and come back: the start page offers to continue.
    b.post("/parents/sign-out", &[]);
    let (mut b, _) = parent_signed_in(&app, "sarah@example.com");
    let start = b.get("/parents/notify");
    assert!(
        start.contains("Continue where you left off")
            && start.contains("/parents/notify/child/0/name")
    );
    // The session lapses while the parent types a page.
    b.get("/parents/notify/child/0/name");
    app.exec("UPDATE parent_sessions SET last_seen_at = '2000-01-01 00:00:00'");
    let p = b.post(
        "/parents/notify/child/0/name",
        &[("given_names", "Ada"), ("family_name", "Lovelace")],
    );
    assert_eq!(p.location.as_deref(), Some("/parents/sign-in?timeout=kept"));
    let again = b.get("/parents/sign-in?timeout=kept");
    assert!(again.contains("We have kept what you typed"));
    let p = request_code(&mut b, "sarah@example.com");
    assert_eq!(p.status, 303);
    let (_, body) = latest_email(&app, "sarah@example.com");
    b.get("/parents/check-email");
    let p = b.post("/parents/check-email", &[("code", &code_in(&body))]);
    assert_eq!(p.location.as_deref(), Some("/parents/notify/child/0/name"));
    let page = b.get("/parents/notify/child/0/name");
    assert!(page.contains("value=\"Ada\"") && page.contains("value=\"Lovelace\""));
}

/// Issue 18: a child can be taken off a notification before it is sent, after a page that asks
/// once more; the form names the child, so a second press cannot remove the next one.
#[test]
fn s436d_1_a_child_is_removed_from_a_notification_only_after_asking() {
    let app = TestApp::spawn();
    let (mut b, _) = parent_signed_in(&app, "ruth@example.com");
    b.get("/parents/notify");
    about_you(&mut b);
    tell_about_child(&mut b, 0, "Ada", "Lovelace", ("10", "12", "2015"));
    b.post("/parents/notify/children", &[("more", "yes")]);
    tell_about_child(&mut b, 1, "Byron", "Lovelace", ("2", "3", "2013"));
    b.post("/parents/notify/children", &[("more", "no")]);
    b.post("/parents/notify/other-parents", &[("more", "no")]);
    let check = b.get("/parents/notify/check");
    assert!(check.contains("href=\"/parents/notify/child/0/remove\""));
    let ask = b.get("/parents/notify/child/0/remove");
    assert_eq!(ask.status, 200);
    let question = "Are you sure you want to remove Ada Lovelace from this notification?";
    assert!(ask.contains(question), "{}", ask.body);
    // A stale form naming someone else removes nobody.
    let p = b.post(
        "/parents/notify/child/0/remove",
        &[(
            "which",
            "Are you sure you want to remove Byron Lovelace from this notification?",
        )],
    );
    assert_eq!(p.location.as_deref(), Some("/parents/notify/check"));
    assert!(b.get("/parents/notify/check").contains("Ada Lovelace"));
    b.get("/parents/notify/child/0/remove");
    let p = b.post("/parents/notify/child/0/remove", &[("which", question)]);
    assert_eq!(p.location.as_deref(), Some("/parents/notify/check"));
    // Pressed again: Byron stays, and the only child left cannot be removed.
    let p = b.post("/parents/notify/child/0/remove", &[("which", question)]);
    assert_eq!(p.location.as_deref(), Some("/parents/notify/check"));
    let check = b.get("/parents/notify/check");
    assert!(!check.contains("Ada Lovelace") && check.contains("Byron Lovelace"));
    assert!(!check.contains("/remove\""));
    let p = b.post("/parents/notify/check", &[]);
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(count(&app, "children"), 1);
}

/// Issue 19: the s.436C(2) questions are optional for parents, "Prefer not to say" is kept as
/// an answer (not a gap), and the last school the parent names is kept as a school attended.
#[test]
fn s436c_2_a_parent_may_give_the_optional_information_or_prefer_not_to_say() {
    let app = TestApp::spawn();
    let (mut b, _) = parent_signed_in(&app, "carer@example.com");
    about_you(&mut b);
    tell_about_child(&mut b, 0, "Ada", "Lovelace", ("10", "12", "2015"));
    let c = |page: &str| format!("/parents/notify/child/0/{page}");
    b.get(&c("education"));
    let p = b.post(
        &c("education"),
        &[
            ("arrangement", "home_educated"),
            ("last_school", "Demoton Primary"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b.get(&c("optional"));
    assert!(
        page.contains("Does Ada look after someone in the family? (optional)"),
        "{}",
        page.body
    );
    assert!(
        !page.contains(">Not known<"),
        "leaving a question is how a parent says nothing"
    );
    let p = b.post(
        &c("optional"),
        &[("young_carer", "maybe"), ("ethnicity", "refused")],
    );
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Select an answer about caring, or leave it"),
        "{}",
        p.body
    );
    let p = b.post(
        &c("optional"),
        &[("young_carer", "yes"), ("ethnicity", "refused")],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    b.post("/parents/notify/children", &[("more", "no")]);
    b.post("/parents/notify/other-parents", &[("more", "no")]);
    let check = b.get("/parents/notify/check");
    assert!(check.contains("Young carer (optional)"), "{}", check.body);
    assert!(check.contains("Prefer not to say"));
    let p = b.post("/parents/notify/check", &[]);
    assert_eq!(p.location.as_deref(), Some("/parents/notify/sent"));

    let id = first_id(&app, "children");
    let mut officer = app.signed_in("officer");
    let record = officer.get(&format!("/officers/children/{id}"));
    let section = extract(&record.body, "id=\"other-information\"", "</dl>").unwrap();
    assert!(
        section.contains("Young carer") && section.contains(">Yes<"),
        "{section}"
    );
    assert!(
        section.contains("Prefer not to say"),
        "ethnic group declined: {section}"
    );
    assert!(section.contains("Demoton Primary"), "{section}");
    assert!(
        section.contains("Disability") && section.contains("Not known"),
        "{section}"
    );
}
