//! Officers' tasks list over HTTP: filters (kind, assigned to me, overdue), assignment to an
//! officer, paging, and every task with its child and due date.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use cnis::store::tasks::{self, TaskKind};
use common::*;
use diesel::prelude::*;

fn user_id(app: &TestApp, email: &str) -> String {
    use cnis::db::schema::users;
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut **app.conn())
        .unwrap()
}

#[test]
fn the_tasks_list_filters_by_kind_assignee_and_overdue_pages_and_assigns() {
    let app = TestApp::spawn();
    let (email, password) = app.create_user("officer");
    let me = user_id(&app, &email);
    let mut officer = app.browser();
    officer.sign_in(&email, &password);
    let child = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let today = cnis::clock::today();
    let (yesterday, tomorrow) = (today - chrono::Days::new(1), today + chrono::Days::new(1));
    let flag = {
        let mut c = app.conn();
        // Clear what adding the child raised, so the counts below are this test's own.
        diesel::delete(cnis::db::schema::tasks::table)
            .execute(&mut **c)
            .unwrap();
        for _ in 0..60 {
            tasks::create(
                &mut c,
                None,
                Some(&child),
                TaskKind::ReviewNotification,
                "Review",
                None,
                Some(tomorrow),
            )
            .unwrap();
        }
        tasks::create(
            &mut c,
            None,
            None,
            TaskKind::SupportRequest,
            "Undated",
            None,
            None,
        )
        .unwrap();
        tasks::create(
            &mut c,
            None,
            Some(&child),
            TaskKind::FlagRaised,
            "Flag",
            None,
            Some(yesterday),
        )
        .unwrap()
    };

    let page = officer.get("/officers/tasks");
    assert!(
        page.contains("62 open tasks. Page 1 of 2."),
        "{}",
        page.body
    );
    // The overdue flag sorts first, and names its child.
    let table = &page.body[page.body.find("<tbody").unwrap()..];
    let first_row = &table[..table.find("</tr>").unwrap()];
    assert!(first_row.contains("Social care flag raised") && first_row.contains("Ada Lovelace"));
    assert!(page.contains("Ada Lovelace") && page.contains("Overdue"));
    assert!(page.contains("href=\"/officers/tasks?page=2\""));
    assert!(
        !page.contains("No date"),
        "the undated task is last, on page 2"
    );
    let two = officer.get("/officers/tasks?page=2");
    assert!(
        two.contains("Page 2 of 2") && two.contains("No date"),
        "{}",
        two.body
    );

    let flags = officer.get("/officers/tasks?kind=flag_raised");
    assert!(flags.contains("1 open task."), "{}", flags.body);
    let overdue = officer.get("/officers/tasks?overdue=on");
    assert!(overdue.contains("1 open task.") && overdue.contains("Social care flag raised"));
    let mine = officer.get("/officers/tasks?mine=on");
    assert!(mine.contains("No open tasks match these filters."));
    // Nonsense in the query string is ignored, not an error.
    assert_eq!(
        officer.get("/officers/tasks?kind=nonsense&page=abc").status,
        200
    );

    // Assign the flag to this officer: it shows as theirs.
    let task = officer.get(&format!("/officers/tasks/{flag}"));
    assert!(task.contains("Assigned to") && task.contains("The team (nobody yet)"));
    let p = officer.post(
        &format!("/officers/tasks/{flag}/assign"),
        &[("assigned_to", &me)],
    );
    assert_eq!(p.location.as_deref(), Some("/officers/tasks?done=assigned"));
    let mine = officer.get("/officers/tasks?mine=on");
    assert!(
        mine.contains("1 open task.") && mine.contains("Test officer"),
        "{}",
        mine.body
    );
    assert_eq!(count(&app, "audit_log WHERE action = 'assign_task'"), 1);

    // Only officers and managers can be assigned; an administrator cannot.
    let (admin_email, _) = app.create_user("admin");
    let admin = user_id(&app, &admin_email);
    let p = officer.post(
        &format!("/officers/tasks/{flag}/assign"),
        &[("assigned_to", &admin)],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Choose an officer or manager from the list"));
    let p = officer.post(
        &format!("/officers/tasks/{flag}/assign"),
        &[("assigned_to", "")],
    );
    assert_eq!(p.status, 303, "back to the team");
    assert!(officer
        .get("/officers/tasks?mine=on")
        .contains("No open tasks match"));
}

#[test]
fn only_officers_and_managers_see_and_assign_tasks() {
    let app = TestApp::spawn();
    let flag = tasks::create(
        &mut app.conn(),
        None,
        None,
        TaskKind::SupportRequest,
        "Help",
        None,
        None,
    )
    .unwrap();
    let mut admin = app.signed_in("admin");
    let (_, school) = school_with_staff(&app, &mut admin, "100900");
    for (role, mut b) in [("school", school), ("admin", admin)] {
        assert_ne!(b.get("/officers/tasks").status, 200, "{role} lists tasks");
        assert_ne!(
            b.get("/officers/register/download").status,
            200,
            "{role} downloads the register"
        );
        let p = b.post("/officers/register.csv", &[("purpose", "curious")]);
        assert!(
            !p.body.starts_with("reference,"),
            "{role} downloads the register"
        );
        let p = b.post(
            &format!("/officers/tasks/{flag}/assign"),
            &[("assigned_to", "")],
        );
        assert_ne!(p.status, 303, "{role} assigns");
    }
    let mut anonymous = app.browser();
    assert_eq!(anonymous.get("/officers/tasks").status, 303);
    assert_eq!(count(&app, "tasks WHERE assigned_to IS NOT NULL"), 0);
}

/// Issue 16: one review, not two. Marking the review task done marks the entry reviewed, and
/// marking the entry reviewed completes the task.
#[test]
fn s436b_8_one_review_marks_the_entry_and_completes_its_task() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let reviewed_by_task = add_child(&mut officer, "Ada", "Lovelace", ("10", "12", "2015"));
    let reviewed_on_record = add_child(&mut officer, "Bea", "Lovelace", ("10", "12", "2015"));
    let task_for = |child: &str| {
        let mut c = app.conn();
        diesel::update(cnis::db::schema::children::table.find(child))
            .set(cnis::db::schema::children::reviewed.eq(false))
            .execute(&mut **c)
            .unwrap();
        tasks::create(
            &mut c,
            None,
            Some(child),
            TaskKind::ReviewNotification,
            "Review the entry made from the notification",
            None,
            None,
        )
        .unwrap()
    };
    let open = |tid: &str| {
        count(
            &app,
            &format!("tasks WHERE id = '{tid}' AND completed_at IS NULL"),
        )
    };
    let reviewed =
        |child: &str| count(&app, &format!("children WHERE id = '{child}' AND reviewed"));

    let tid = task_for(&reviewed_by_task);
    let page = officer.get(&format!("/officers/tasks/{tid}"));
    assert!(page.contains("Marking this done also marks the entry as reviewed"));
    let p = officer.post(
        &format!("/officers/tasks/{tid}"),
        &[("outcome", "Checked against the school's return")],
    );
    assert_eq!(p.status, 303);
    assert_eq!((open(&tid), reviewed(&reviewed_by_task)), (0, 1));

    let tid = task_for(&reviewed_on_record);
    officer.get(&format!("/officers/children/{reviewed_on_record}"));
    let p = officer.post(
        &format!("/officers/children/{reviewed_on_record}/reviewed"),
        &[],
    );
    assert_eq!(p.status, 303);
    assert_eq!((open(&tid), reviewed(&reviewed_on_record)), (0, 1));
}

/// Past a thousand open tasks the list says "more than" and pages through the most urgent
/// thousand; dated tasks come first, then undated ones, across a page boundary.
#[test]
fn a_long_tasks_list_is_counted_up_to_a_thousand_and_undated_tasks_come_last() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let tomorrow = cnis::clock::today() + chrono::Days::new(1);
    {
        let mut c = app.conn();
        diesel::delete(cnis::db::schema::tasks::table)
            .execute(&mut **c)
            .unwrap();
        for i in 0..55 {
            tasks::create(
                &mut c,
                None,
                None,
                TaskKind::SupportRequest,
                &format!("Dated {i}"),
                None,
                Some(tomorrow),
            )
            .unwrap();
        }
        tasks::create(
            &mut c,
            None,
            None,
            TaskKind::SupportRequest,
            "Undated",
            None,
            None,
        )
        .unwrap();
    }
    let page = officer.get("/officers/tasks?page=2");
    assert!(
        page.contains("56 open tasks. Page 2 of 2."),
        "{}",
        page.body
    );
    let body = &page.body[page.body.find("<tbody").unwrap()..];
    let rows = body.matches("<tr class=\"govuk-table__row\"").count();
    assert_eq!(rows, 6, "5 dated, then the undated one");
    let tail = &page.body[page.body.rfind("<tr class=\"govuk-table__row\"").unwrap()..];
    assert!(tail.contains("No date"), "the undated task is last");

    {
        let mut c = app.conn();
        for _ in 0..950 {
            tasks::create(
                &mut c,
                None,
                None,
                TaskKind::SupportRequest,
                "More",
                None,
                None,
            )
            .unwrap();
        }
    }
    let page = officer.get("/officers/tasks");
    assert!(
        page.contains("More than 1000 open tasks. Page 1 of 20."),
        "{}",
        page.body
    );
    let last = officer.get("/officers/tasks?page=999");
    assert_eq!(last.status, 200);
    assert!(last.contains("Page 20 of 20."), "{}", last.body);
}
