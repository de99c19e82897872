//! Parents keep details up to date (s.436D(2)), ask for support (s.436G) and answer requests for
//! information (s.436D(2)(c)); officers work the resulting tasks, and the s.436D(3) limits hold.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;
use diesel::prelude::*;

fn task_id(app: &TestApp, kind: &str) -> String {
    use cnis::db::schema::tasks::dsl as t;
    t::tasks
        .filter(t::kind.eq(kind))
        .select(t::id)
        .first(&mut **app.conn())
        .unwrap()
}

#[test]
fn s436d_2_b_a_parent_reports_a_change_and_an_officer_works_the_task() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    let child_page = parent.get(&format!("/parents/children/{id}"));
    assert!(child_page.contains("Report a change of address"));
    let url = format!("/parents/children/{id}/change");
    parent.get(&url);
    let p = parent.post(&url, &[]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Select what has changed") && p.contains("Enter the date"));
    let p = parent.post(
        &url,
        &[
            ("what", "address"),
            ("line_1", "9 New Street"),
            ("town", "Demoton"),
            ("postcode", "not a postcode"),
            ("happened_on-day", "1"),
            ("happened_on-month", "1"),
            ("happened_on-year", "2099"),
        ],
    );
    assert!(
        p.contains("value=\"9 New Street\""),
        "what was typed is kept"
    );
    assert!(p.contains("The date must be today or in the past"));
    let p = parent.post(
        &url,
        &[
            ("what", "address"),
            ("line_1", "9 New Street"),
            ("town", "Demoton"),
            ("postcode", "DT2 2AB"),
            ("happened_on-day", "1"),
            ("happened_on-month", "11"),
            ("happened_on-year", "2026"),
            ("step", "send"),
        ],
    );
    assert!(p.location.unwrap().contains("/reports/"));
    assert_eq!(count(&app, "parent_reports WHERE kind = 'change'"), 1);

    let tid = task_id(&app, "change_reported");
    let tasks = officer.get("/officers/tasks");
    assert!(tasks.contains("Apply a change a parent reported") && tasks.contains("Ada Lovelace"));
    let task = officer.get(&format!("/officers/tasks/{tid}"));
    assert!(task.contains("9 New Street, Demoton, DT2 2AB"));
    let p = officer.post(&format!("/officers/tasks/{tid}"), &[("outcome", "")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter what was done"));
    let p = officer.post(
        &format!("/officers/tasks/{tid}"),
        &[("outcome", "Address updated")],
    );
    assert_eq!(p.status, 303);
    // Issue 16: back to the list, with a banner.
    let list = officer.get(p.location.as_deref().unwrap());
    assert!(list.contains("Task marked as done"), "{}", list.body);
    assert_eq!(
        count(
            &app,
            "tasks WHERE completed_at IS NULL AND kind = 'change_reported'"
        ),
        0
    );
    let record = officer.get(&format!("/officers/children/{id}"));
    assert!(record.contains("From parents") && record.contains("9 New Street"));
}

#[test]
fn s436g_support_requests_become_tasks_and_what_was_provided_is_recorded() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    let url = format!("/parents/children/{id}/support");
    parent.get(&url);
    let p = parent.post(&url, &[("support", "exams"), ("details", "")]);
    assert!(p.contains("Enter more about what you need"));
    let p = parent.post(
        &url,
        &[
            ("support", "exams"),
            ("details", "GCSE maths next summer"),
            ("step", "send"),
        ],
    );
    assert_eq!(p.status, 303);
    let tid = task_id(&app, "support_request");
    officer.get(&format!("/officers/tasks/{tid}"));
    officer.post(
        &format!("/officers/tasks/{tid}"),
        &[(
            "outcome",
            "Sent the list of exam centres taking private candidates",
        )],
    );
    let record = officer.get(&format!("/officers/children/{id}"));
    assert!(
        record.contains("Support provided (s.436C(2)(k))")
            && record.contains("exam centres taking private candidates")
    );

    // No longer in scope: joined a school.
    let url = format!("/parents/children/{id}/no-longer-in-scope");
    parent.get(&url);
    let p = parent.post(
        &url,
        &[
            ("why", "joined_school"),
            ("school", ""),
            ("happened_on-day", "2"),
            ("happened_on-month", "11"),
            ("happened_on-year", "2026"),
        ],
    );
    assert!(p.contains("Enter the name of the school"));
    parent.post(
        &url,
        &[
            ("why", "joined_school"),
            ("school", "Demoton Academy"),
            ("happened_on-day", "2"),
            ("happened_on-month", "11"),
            ("happened_on-year", "2026"),
            ("step", "send"),
        ],
    );
    assert_eq!(count(&app, "tasks WHERE kind = 'no_longer_in_scope'"), 1);
}

/// Issue 18: each report is checked before it goes, confirmed with a reference on a page and by
/// email, and listed on the child's page with where it has got to.
#[test]
fn a_parent_checks_a_report_gets_a_reference_and_sees_it_on_the_childs_page() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    let url = format!("/parents/children/{id}/support");
    parent.get(&url);
    let answers = [("support", "exams"), ("details", "GCSE maths next summer")];
    let check = parent.post(&url, &answers);
    assert_eq!(check.status, 200);
    assert!(check.contains("Check your answers before sending"));
    assert!(
        check.contains("Access to exams, such as GCSEs")
            && check.contains("GCSE maths next summer")
    );
    assert_eq!(
        count(&app, "parent_reports"),
        0,
        "nothing is sent before the check"
    );
    // "Change your answers" brings back the form with every answer.
    let mut change = answers.to_vec();
    change.push(("step", "change"));
    let back = parent.post(&url, &change);
    assert!(back.contains("GCSE maths next summer") && !back.contains("govuk-error-summary"));
    assert_eq!(count(&app, "parent_reports"), 0);
    let check = parent.post(&url, &answers);
    let once = extract(&check.body, "name=\"once\" value=\"", "\"").unwrap();
    let mut send = answers.to_vec();
    send.push(("step", "send"));
    send.push(("once", &once));
    let sent = parent.post(&url, &send);
    assert_eq!(sent.status, 303);
    let confirmation_url = sent.location.unwrap();
    assert!(confirmation_url.starts_with(&format!("/parents/children/{id}/reports/")));
    // Sending again (Back, then Accept and send) lands on the same confirmation, sends nothing.
    let again = parent.post(&url, &send);
    assert_eq!(again.location.as_deref(), Some(confirmation_url.as_str()));
    assert_eq!(count(&app, "parent_reports"), 1);

    let page = parent.get(&confirmation_url);
    let reference = extract(&page.body, "<strong>", "</strong>").unwrap();
    assert!(reference.starts_with("PR-"), "{reference}");
    assert!(page.contains("Request sent") && page.contains("s***h@example.com"));
    assert!(page.contains("GCSE maths next summer"));
    let (subject, body) = latest_email(&app, "sarah@example.com");
    assert!(!subject.contains("Ada") && body.contains(&reference));
    assert!(body.contains("a request for advice or support"));

    let child = parent.get(&format!("/parents/children/{id}"));
    assert!(child.contains("What you have told the council"));
    assert!(child.contains(&reference) && child.contains("the council is reviewing it"));
    // When the officer has done the task, the parent sees it dealt with.
    let tid = task_id(&app, "support_request");
    officer.get(&format!("/officers/tasks/{tid}"));
    officer.post(
        &format!("/officers/tasks/{tid}"),
        &[("outcome", "Sent the list of exam centres")],
    );
    let child = parent.get(&format!("/parents/children/{id}"));
    assert!(
        child.contains("the council dealt with it on"),
        "{}",
        child.body
    );

    // Nobody else sees the confirmation.
    let (mut other, _) = parent_signed_in(&app, "someone.else@example.com");
    assert_eq!(other.get(&confirmation_url).status, 404);
}

#[test]
fn a_parent_cannot_report_on_another_familys_child() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (mut other, _) = parent_signed_in(&app, "someone.else@example.com");
    assert_eq!(
        other.get(&format!("/parents/children/{id}/support")).status,
        404
    );
    let p = other.post(
        &format!("/parents/children/{id}/support"),
        &[("support", "advice"), ("details", "x")],
    );
    assert_eq!(p.status, 404);
    assert_eq!(count(&app, "parent_reports"), 0);
    assert_eq!(count(&app, "audit_log WHERE action = 'parent_denied'"), 2);
    // Officers' task pages are for officers only.
    let mut stranger = app.browser();
    assert_eq!(
        stranger.get("/officers/tasks").location.as_deref(),
        Some("/officers/sign-in")
    );
    let mut admin = app.signed_in("admin");
    assert_eq!(admin.get("/officers/tasks").status, 403);
    assert_eq!(admin.get("/officers/information-requests").status, 403);
}

#[test]
fn s436d_3_information_requests_keep_to_the_floor_and_ceiling_and_overdue_ones_become_tasks() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let record = format!("/officers/children/{id}");
    officer.get(&record);
    // No parent has agreed to email (s.572): the request is posted, and posting is a task.
    let p = officer.post(&format!("{record}/information-requests"), &[]);
    assert_eq!(
        p.location.as_deref(),
        Some(format!("{record}?done=request").as_str())
    );
    assert_eq!(count(&app, "information_requests WHERE method = 'post'"), 1);
    assert_eq!(
        count(&app, "tasks WHERE kind = 'post_information_request'"),
        1
    );
    assert_eq!(
        count(&app, "outbox WHERE template = 'information-request'"),
        0
    );
    // Issue 15 (13): a posted request's 28 days run from its deemed day of service (two working
    // days of post), not from the day it was written; marking it posted records that.
    let due = cnis::domain::information_requests::response_due_by_post(
        cnis::clock::today(),
        2,
        28,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(
        count(
            &app,
            &format!("information_requests WHERE due_on = '{due}'")
        ),
        1
    );
    let post_task = task_id(&app, "post_information_request");
    officer.get(&format!("/officers/tasks/{post_task}"));
    let p = officer.post(
        &format!("/officers/tasks/{post_task}"),
        &[("outcome", "Posted first class")],
    );
    assert_eq!(p.status, 303);
    assert_eq!(
        count(
            &app,
            "child_changes WHERE new_value LIKE 'posted, answer due%'"
        ),
        1
    );
    // s.436D(3)(b): not again within three months.
    officer.get(&record);
    let p = officer.post(&format!("{record}/information-requests"), &[]);
    assert!(p.location.as_deref().unwrap().contains("done=too-soon"));
    let shown = officer.get(p.location.as_deref().unwrap());
    assert!(shown.contains("no more than once every three months"));
    assert_eq!(count(&app, "information_requests"), 1);

    // The parent answers: nothing has changed. No task needed; the request is answered.
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    let page = parent.get(&format!("/parents/children/{id}"));
    assert!(page.contains("Answer the request"));
    let url = format!("/parents/children/{id}/information-request");
    parent.get(&url);
    let p = parent.post(&url, &[("changed", "yes"), ("parent_hours", "lots")]);
    assert!(p.contains("must be a number"));
    parent.post(&url, &[("changed", "no"), ("step", "send")]);
    assert_eq!(
        count(&app, "information_requests WHERE responded_at IS NOT NULL"),
        1
    );
    assert_eq!(count(&app, "tasks WHERE kind = 'information_response'"), 0);

    // Four months on, with the parent's written consent to email: it goes by email.
    parent.get("/parents/email-consent");
    parent.post("/parents/email-consent", &[("information_requests", "yes")]);
    app.exec("UPDATE information_requests SET sent_at = '2026-01-01 09:00:00'");
    officer.get(&record);
    officer.post(&format!("{record}/information-requests"), &[]);
    assert_eq!(
        count(&app, "information_requests WHERE method = 'email'"),
        1
    );
    let (subject, body) = latest_email(&app, "sarah@example.com");
    assert!(body.contains("Please answer by") && !subject.contains("Ada"));

    // Its period ends with no answer: the scheduler raises condition D as a task, once.
    app.exec("UPDATE information_requests SET due_on = '2026-02-01' WHERE method = 'email'");
    let state = cnis::web::AppState::new(app.pool.clone(), app.config.clone());
    let tick = cnis::jobs::scheduler::run_once(&state)
        .unwrap()
        .expect("no other scheduler");
    assert_eq!(tick.overdue, 1);
    assert_eq!(
        cnis::jobs::scheduler::run_once(&state)
            .unwrap()
            .expect("no other scheduler")
            .overdue,
        0
    );
    assert_eq!(count(&app, "tasks WHERE kind = 'information_overdue'"), 1);
    let list = officer.get("/officers/information-requests");
    assert!(list.contains("Overdue"));
}

#[test]
fn s436d_3_a_the_scheduler_sends_the_yearly_request_to_children_due() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let old = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    add_child(&mut officer, "New", "Entry", ("1", "1", "2016"));
    // On the register 12 months with no request: due. The new entry is not.
    app.exec(&format!(
        "UPDATE children SET created_at = '2025-10-01 09:00:00' WHERE id = '{old}'"
    ));
    let list = officer.get("/officers/information-requests");
    assert!(
        list.contains("Ada Lovelace") && !list.contains("New Entry"),
        "{}",
        list.body
    );
    let state = cnis::web::AppState::new(app.pool.clone(), app.config.clone());
    assert_eq!(
        cnis::jobs::scheduler::run_once(&state)
            .unwrap()
            .expect("no other scheduler")
            .sent,
        1
    );
    assert_eq!(
        cnis::jobs::scheduler::run_once(&state)
            .unwrap()
            .expect("no other scheduler")
            .sent,
        0,
        "the 3-month floor holds"
    );
    assert_eq!(
        count(
            &app,
            &format!("information_requests WHERE child_id = '{old}'")
        ),
        1
    );
}

#[test]
fn s436d_2_a_an_officer_asks_for_missing_details_and_the_parent_answers() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let url = format!("/officers/children/{id}/details-request");
    officer.get(&url);
    let p = officer.post(&url, &[("asked", "")]);
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter what details you need"));
    let p = officer.post(&url, &[("asked", "The address where the tutor teaches")]);
    assert_eq!(p.status, 303);
    // Requests for details are not bound by the three-month limit on requests for updates.
    officer.get(&format!("/officers/children/{id}"));
    let p = officer.post(
        &format!("/officers/children/{id}/information-requests"),
        &[],
    );
    assert!(p.location.unwrap().ends_with("done=request"));
    assert_eq!(
        count(&app, "information_requests WHERE kind = 'details'"),
        1
    );
    assert_eq!(
        count(&app, "information_requests WHERE kind = 'updates'"),
        1
    );

    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    // The oldest open request is answered first: the request for details.
    let answer = format!("/parents/children/{id}/information-request");
    let page = parent.get(&answer);
    assert!(page.contains("The address where the tutor teaches"));
    let p = parent.post(&answer, &[("answer", "")]);
    assert!(p.contains("Enter your answer"));
    parent.post(
        &answer,
        &[("answer", "1 High Street, Demoton"), ("step", "send")],
    );
    assert_eq!(
        count(
            &app,
            "information_requests WHERE kind = 'details' AND responded_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(count(&app, "tasks WHERE kind = 'information_response'"), 1);
    // Then the request for updates.
    let page = parent.get(&answer);
    assert!(page.contains("Has anything changed"));
}

/// Two instances (or cron beside a server) run the day's work once at a time: while another
/// holds the scheduler's lease, a run does nothing and says so; once it is released, a run goes.
#[test]
fn the_scheduler_runs_once_at_a_time_under_its_lease() {
    let app = TestApp::spawn();
    let state = cnis::web::AppState::new(app.pool.clone(), app.config.clone());
    let mut c = app.conn();
    assert!(cnis::db::lease::acquire(&mut c, "scheduler", "other-host:1:x", 60).unwrap());
    assert!(cnis::jobs::scheduler::run_once(&state).unwrap().is_none());
    cnis::db::lease::release(&mut c, "scheduler", "other-host:1:x").unwrap();
    assert!(cnis::jobs::scheduler::run_once(&state).unwrap().is_some());
    // A run leaves the lease free for the next.
    assert!(cnis::jobs::scheduler::run_once(&state).unwrap().is_some());
}

/// Issue 16: a change a parent reported opens the record's own form filled in from the report;
/// saving it applies the change and completes the task, with nothing retyped.
#[test]
fn s436d_2_b_an_officer_applies_a_reported_change_without_retyping_it() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    let url = format!("/parents/children/{id}/change");
    let when = [
        ("happened_on-day", "1"),
        ("happened_on-month", "11"),
        ("happened_on-year", "2026"),
    ];
    let report = |parent: &mut Browser, fields: &[(&str, &str)]| {
        parent.get(&url);
        let mut all = fields.to_vec();
        all.extend_from_slice(&when);
        all.push(("step", "send"));
        let p = parent.post(&url, &all);
        assert_eq!(p.status, 303, "{}", p.body);
    };
    let open_task = |officer: &mut Browser| {
        use cnis::db::schema::tasks::dsl as t;
        let tid: String = t::tasks
            .filter(t::kind.eq("change_reported"))
            .filter(t::completed_at.is_null())
            .select(t::id)
            .first(&mut **app.conn())
            .unwrap();
        let page = officer.get(&format!("/officers/tasks/{tid}"));
        let href = extract(
            &page.body,
            "class=\"govuk-button\" data-module=\"govuk-button\" href=\"",
            "\"",
        )
        .unwrap_or_else(|| panic!("an Apply this change button: {}", page.body))
        .replace("&amp;", "&");
        (tid, href)
    };
    let still_open = |tid: &str| {
        count(
            &app,
            &format!("tasks WHERE id = '{tid}' AND completed_at IS NULL"),
        )
    };

    // A new home.
    report(
        &mut parent,
        &[
            ("what", "address"),
            ("line_1", "9 New Street"),
            ("town", "Demoton"),
            ("postcode", "DT2 2AB"),
        ],
    );
    let (tid, href) = open_task(&mut officer);
    assert!(href.contains("/addresses/new?report="), "{href}");
    let form = officer.get(&href);
    assert!(
        form.contains("value=\"9 New Street\"")
            && form.contains("value=\"DT2 2AB\"")
            && form.contains("A parent reported this change on"),
        "{}",
        form.body
    );
    let report_id = extract(&form.body, "name=\"report\" value=\"", "\"").unwrap();
    let p = officer.post(
        &format!("/officers/children/{id}/addresses/new"),
        &[
            ("report", report_id.as_str()),
            ("kind", "current"),
            ("line_1", "9 New Street"),
            ("town", "Demoton"),
            ("postcode", "DT2 2AB"),
            ("moved_in_on-day", "1"),
            ("moved_in_on-month", "11"),
            ("moved_in_on-year", "2026"),
            ("change_reason", "A parent reported this change"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(still_open(&tid), 0, "saving the change completes its task");
    let record = officer.get(&format!("/officers/children/{id}"));
    assert!(
        record.contains("9 New Street, Demoton, DT2 2AB") && record.contains("Previous address")
    );

    // Someone became a parent: the form has their name and relationship; parental
    // responsibility is the officer's to check.
    report(
        &mut parent,
        &[
            ("what", "parents"),
            ("parent_change", "joined"),
            ("parent_given_names", "Charles"),
            ("parent_family_name", "Babbage"),
            ("parent_relationship", "step_parent"),
        ],
    );
    let (tid, href) = open_task(&mut officer);
    let form = officer.get(&href);
    assert!(form.contains("value=\"Charles\"") && form.contains("value=\"Babbage\""));
    assert!(
        form.contains("value=\"step_parent\" selected"),
        "{}",
        form.body
    );
    let report_id = extract(&form.body, "name=\"report\" value=\"", "\"").unwrap();
    let p = officer.post(
        &format!("/officers/children/{id}/parents/new"),
        &[
            ("report", report_id.as_str()),
            ("given_names", "Charles"),
            ("family_name", "Babbage"),
            ("relationship", "step_parent"),
            ("lives_with_child", "yes"),
            ("change_reason", "A parent reported this change"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(still_open(&tid), 0);

    // Someone stopped being a parent: the task goes to the removal of the parent it names.
    report(
        &mut parent,
        &[
            ("what", "parents"),
            ("parent_change", "left"),
            ("parent_given_names", "charles"),
            ("parent_family_name", "BABBAGE"),
        ],
    );
    let (tid, href) = open_task(&mut officer);
    assert!(href.contains("/remove?report="), "{href}");
    let confirm = officer.get(&href);
    assert!(
        confirm.contains("Remove Charles Babbage?"),
        "{}",
        confirm.body
    );
    let action = href.split('?').next().unwrap().to_string();
    let report_id = extract(&confirm.body, "name=\"report\" value=\"", "\"").unwrap();
    let p = officer.post(
        &action,
        &[
            ("report", report_id.as_str()),
            ("change_reason", "A parent reported he moved out"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(still_open(&tid), 0);
    assert_eq!(
        count(
            &app,
            &format!("parents WHERE child_id = '{id}' AND given_names = 'Charles'")
        ),
        0
    );

    // Someone else educates: the provider's form, hours without a parent left to the officer.
    report(
        &mut parent,
        &[
            ("what", "education"),
            ("educator_name", "Riverside Tutors"),
            ("educator_type", "tutor"),
            ("educator_place", "4 Mill Street, Demoton"),
            ("educator_hours", "6"),
        ],
    );
    let (tid, href) = open_task(&mut officer);
    let form = officer.get(&href);
    assert!(
        form.contains("value=\"Riverside Tutors\"")
            && form.contains("value=\"4 Mill Street, Demoton\"")
            && form.contains("value=\"6\""),
        "{}",
        form.body
    );
    assert_eq!(still_open(&tid), 1, "opening the form completes nothing");

    // A report about another child cannot fill in this child's form.
    let other = add_child(&mut officer, "Other", "Child", ("1", "1", "2014"));
    let rid = href.split("report=").nth(1).unwrap();
    assert_eq!(
        officer
            .get(&format!(
                "/officers/children/{other}/providers/new?report={rid}"
            ))
            .status,
        404
    );
}

#[test]
fn s436d_2_b_a_reported_change_needs_its_details() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    let url = format!("/parents/children/{id}/change");
    parent.get(&url);
    let p = parent.post(&url, &[("what", "parents")]);
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Select whether someone has become or stopped being a parent")
            && p.contains("Enter their first names")
            && p.contains("Enter their last name"),
        "{}",
        p.body
    );
    let p = parent.post(&url, &[("what", "education"), ("educator_hours", "lots")]);
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Enter who educates your child now")
            && p.contains("Select what kind of education it is"),
        "{}",
        p.body
    );
    assert_eq!(count(&app, "parent_reports"), 0);
}
