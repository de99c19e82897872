//! Issue 15 (9): each provision of the 2026 Act commences on its own day. Before it, its duties
//! and bars do not bite; the administrators' page says which are in force and what each does.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

fn today() -> chrono::NaiveDate {
    cnis::clock::today()
}

#[test]
fn s436d_requests_for_information_wait_for_the_register_duties_to_commence() {
    for (register_from, in_force) in [
        (None, false),
        (Some(today() + chrono::Days::new(1)), false),
        (Some(today()), true),
    ] {
        let app = TestApp::spawn_with(|c| c.register_from = register_from);
        let mut officer = app.signed_in("officer");
        let child = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
        let record = officer.get(&format!("/officers/children/{child}"));
        assert_eq!(
            record.contains("Send a request for information now"),
            in_force,
            "{register_from:?}"
        );
        assert_eq!(
            record.contains("Sections 436B to 436G of the Education Act 1996"),
            !in_force
        );
        let p = officer.post(
            &format!("/officers/children/{child}/information-requests"),
            &[],
        );
        assert_eq!(p.status, 303);
        assert_eq!(
            count(&app, "information_requests") == 1,
            in_force,
            "{register_from:?}"
        );
    }
}

#[test]
fn s434a_a_child_who_left_school_before_consent_commenced_is_not_flagged_for_it() {
    for (consent_from, flagged) in [
        (None, false),
        (Some(today() + chrono::Days::new(1)), false),
        (Some(today()), true),
    ] {
        let app = TestApp::spawn_with(|c| c.consent_from = consent_from);
        let mut officer = app.signed_in("officer");
        let child = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
        ada_known_to_social_care(
            &app,
            cnis::domain::safeguarding::EpisodeKind::ChildProtectionPlan,
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        );
        cross_check_now(&app);
        assert_eq!(
            count(
                &app,
                &format!("child_flags WHERE kind = 'consent_missing' AND child_id = '{child}'")
            ),
            i64::from(flagged),
            "{consent_from:?}"
        );
    }
}

#[test]
fn administrators_see_which_provisions_are_in_force_and_what_each_switches_on() {
    let app = TestApp::spawn_with(|c| {
        c.consent_from = Some(today());
        c.register_from = Some(today() + chrono::Days::new(30));
        c.new_sao_from = None;
    });
    let mut admin = app.signed_in("admin");
    let p = admin.get("/officers/admin/law-dates");
    assert_eq!(p.status, 200);
    for text in [
        "CNIS_CONSENT_FROM",
        "CNIS_REGISTER_FROM",
        "CNIS_NEW_SAO_FROM",
        "In force",
        "Not yet",
        "no day set",
        "s.434A(9)",
    ] {
        assert!(p.contains(text), "{text}: {}", p.body);
    }
    // Officers who do not administer are refused.
    let mut officer = app.signed_in("officer");
    assert_eq!(officer.get("/officers/admin/law-dates").status, 403);
}

/// s.436D(5)(a), s.436H(6): a child the council learned of from someone other than a parent,
/// eligible for the register more than 15 days ago, whose parents never told the council: a
/// condition C task, once. Not for a child eligible before the register duties commenced, nor
/// one still inside the 15 days.
#[test]
fn s436h_6_condition_c_when_no_parent_told_the_council_within_15_days() {
    let app = TestApp::spawn_with(|c| c.register_from = Some(today() - chrono::Days::new(100)));
    let mut officer = app.signed_in("officer");
    let late = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let inside = add_child(&mut officer, "Bea", "Lovelace", ("10", "12", "2015"));
    let before = add_child(&mut officer, "Cy", "Lovelace", ("10", "12", "2015"));
    for (id, days) in [(&late, 15), (&inside, 14), (&before, 101)] {
        app.exec(&format!(
            "UPDATE children SET eligible_from = '{}' WHERE id = '{id}'",
            today() - chrono::Days::new(days)
        ));
    }
    let state = cnis::web::AppState::new(app.pool.clone(), app.config.clone());
    for _ in 0..2 {
        cnis::jobs::scheduler::run_once(&state)
            .unwrap()
            .expect("ran");
    }
    let tasks = |id: &str| {
        count(
            &app,
            &format!("tasks WHERE kind = 'attendance_condition_c' AND child_id = '{id}'"),
        )
    };
    assert_eq!(tasks(&late), 1, "15 days ended yesterday; raised once");
    assert_eq!(tasks(&inside), 0, "today is the 15th day");
    assert_eq!(tasks(&before), 0, "eligible before the duties commenced");
    let page = officer.get("/officers/tasks");
    let task = extract(&page.body, "href=\"/officers/tasks/", "\">Condition C").unwrap();
    let page = officer.get(&format!("/officers/tasks/{task}"));
    assert!(
        page.contains("s.436D(5)(a)") && page.contains("s.436H(6)"),
        "{}",
        page.body
    );
}
