//! The DfE's termly return (issue 19): the register as it stood on a census date, with every
//! later edit undone, its counts, their children, and the CSV exact for the DfE and rounded for
//! publication (EA 1996 s.436C(5)). Managers only.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

/// Changes a child through the officers' edit form, as an officer would.
fn edit(b: &mut Browser, id: &str, given: &str, changes: &[(&str, &str)]) {
    let page = b.get(&format!("/officers/children/{id}/edit"));
    let version = extract(&page.body, "name=\"version\" value=\"", "\"").expect("version");
    let mut form: Vec<(&str, &str)> = child_form(given, "Okafor", ("1", "5", "2015"))
        .into_iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .collect();
    form.extend_from_slice(changes);
    form.extend([
        ("version", version.as_str()),
        ("change_reason", "Parent wrote"),
    ]);
    let p = b.post(&format!("/officers/children/{id}/edit"), &form);
    assert_eq!(p.status, 303, "{}", p.body);
}

fn line<'a>(page: &'a Page, topic_breakdown: &str) -> &'a str {
    let marker = format!("<span class=\"govuk-visually-hidden\"> children: {topic_breakdown}<");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("{topic_breakdown} in {}", page.body));
    let before = &page.body[..at];
    let start = before.rfind('>').map_or(0, |i| i + 1);
    &page.body[start..at]
}

#[test]
fn s436c_the_dfe_return_counts_the_register_as_it_stood_on_the_census_date() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let ids: Vec<String> = ["Ada", "Bea", "Cal"]
        .iter()
        .map(|g| add_child(&mut officer, g, "Okafor", ("1", "5", "2015")))
        .collect();
    // Made in September (Cal in March), before the census date of 1 October 2026.
    app.exec(
        "UPDATE children SET created_at = '2026-09-01 09:00:00';
         UPDATE child_changes SET at = '2026-09-01 09:00:00';",
    );
    app.exec(&format!(
        "UPDATE children SET created_at = '2026-03-02 09:00:00' WHERE id = '{0}';
         UPDATE child_changes SET at = '2026-03-02 09:00:00' WHERE child_id = '{0}';",
        ids[2]
    ));
    // Since then: Ada's reason and sex corrected, Bea closed, Dan added.
    edit(
        &mut officer,
        &ids[0],
        "Ada",
        &[("reason", "mental_health"), ("sex", "M")],
    );
    let page = officer.get(&format!("/officers/children/{}/close", ids[1]));
    let version = extract(&page.body, "name=\"version\" value=\"", "\"").unwrap();
    let p = officer.post(
        &format!("/officers/children/{}/close", ids[1]),
        &[
            ("version", &version),
            ("closed_reason", "joined_school_roll"),
            ("closed_on-day", "3"),
            ("closed_on-month", "11"),
            ("closed_on-year", "2026"),
            ("closed_note", "Demoton Academy"),
        ],
    );
    assert_eq!(p.status, 303);
    add_child(&mut officer, "Dan", "Okafor", ("1", "5", "2015"));

    // Managers only; everyone else is refused.
    assert_eq!(officer.get("/officers/returns").status, 403);
    let (mut parent, _) = parent_signed_in(&app, "sarah@example.com");
    assert_ne!(parent.get("/officers/returns").status, 200);
    let mut manager = app.signed_in("manager");
    let start = manager.get("/officers/returns");
    assert_eq!(start.status, 200);
    assert!(start.contains("Census date"));

    let then = manager.get("/officers/returns?on=2026-10-01");
    assert_eq!(then.status, 200, "{}", then.body);
    assert_eq!(line(&then, "Total, Total"), "3");
    assert_eq!(line(&then, "Sex, Female"), "3");
    assert_eq!(
        line(
            &then,
            "Primary reason, Philosophical or preferential reasons"
        ),
        "3"
    );
    assert_eq!(line(&then, "Year group, Year 7"), "3");
    assert!(!then.contains("Mental health"));
    // Each count's children, for checking: the three then, not Dan.
    let list = manager.get("/officers/returns/children?on=2026-10-01&line=0");
    assert_eq!(list.status, 200);
    for g in ["Ada Okafor", "Bea Okafor", "Cal Okafor"] {
        assert!(list.contains(g), "{g}");
    }
    assert!(!list.contains("Dan Okafor"));
    assert_eq!(
        manager
            .get("/officers/returns/children?on=2026-10-01&line=99")
            .status,
        404
    );

    // Today: Ada's corrections, without Bea, with Dan.
    let now = manager.get(&format!("/officers/returns?on={}", cnis::clock::today()));
    assert_eq!(line(&now, "Total, Total"), "3");
    assert_eq!(line(&now, "Sex, Male"), "1");
    assert_eq!(line(&now, "Primary reason, Mental health"), "1");

    // The CSV in the DfE's layout: exact for the DfE, rounded and withheld for publication.
    let csv = manager
        .client
        .get(format!(
            "{}/officers/returns/return.csv?on=2026-10-01",
            app.base
        ))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(csv.starts_with("time_period,time_identifier,geographic_level,country_code,country_name,old_la_code,new_la_code,la_name,census_date,breakdown_topic,breakdown,child_count"), "{csv}");
    assert!(csv.contains("202627,Autumn term,Local authority,E92000001,England,999,E09000099,Test Borough Council,2026-10-01,Total,Total,3"), "{csv}");
    // Cal was home educated in 2025–26.
    assert!(
        csv.contains("EHE at any point in the previous academic year,Total,1"),
        "{csv}"
    );
    let published = manager
        .client
        .get(format!(
            "{}/officers/returns/published.csv?on=2026-10-01",
            app.base
        ))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(published.contains(",Total,Total,low"), "{published}");
    assert!(!published.contains(",Total,Total,3"));
    // And as a spreadsheet: a zip holding both sheets.
    let xlsx = manager
        .client
        .get(format!(
            "{}/officers/returns/return.xlsx?on=2026-10-01",
            app.base
        ))
        .send()
        .unwrap();
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().unwrap();
    assert!(bytes.starts_with(b"PK"));
    let listing = String::from_utf8_lossy(&bytes);
    assert!(listing.contains("xl/worksheets/sheet2.xml"));
    assert_eq!(
        count(&app, "audit_log WHERE action = 'dfe_return_downloaded'"),
        3
    );
    assert_eq!(
        count(
            &app,
            "audit_log WHERE action = 'dfe_return_children_listed'"
        ),
        1
    );

    // A date to come, or not a date, is a clear error.
    let p = manager.get("/officers/returns?on=2099-10-01");
    assert_eq!(p.status, 422);
    assert!(p.contains("The census date must be today or in the past"));
    let p = manager.get("/officers/returns?on=soon");
    assert_eq!(p.status, 422);
    assert!(p.contains("Choose a census date"));
    let p =
        manager.get("/officers/returns?on=other&on_date-day=31&on_date-month=2&on_date-year=2026");
    assert_eq!(p.status, 422);
}

/// Issue 19: the managers' dashboard draws its charts on the server, each beside its figures,
/// from the register's history; officers are refused.
#[test]
fn the_managers_dashboard_charts_the_register_from_its_history() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let ids: Vec<String> = ["Ada", "Bea"]
        .iter()
        .map(|g| add_child(&mut officer, g, "Okafor", ("1", "5", "2015")))
        .collect();
    // Ada was added three weeks ago; Bea today, and closed today.
    app.exec(&format!(
        "UPDATE child_changes SET at = '{}' WHERE child_id = '{}'",
        (cnis::clock::today() - chrono::Days::new(21))
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        ids[0]
    ));
    let page = officer.get(&format!("/officers/children/{}/close", ids[1]));
    let version = extract(&page.body, "name=\"version\" value=\"", "\"").unwrap();
    let today = cnis::clock::today();
    let (d, m, y) = (
        today.format("%-d").to_string(),
        today.format("%-m").to_string(),
        today.format("%Y").to_string(),
    );
    let p = officer.post(
        &format!("/officers/children/{}/close", ids[1]),
        &[
            ("version", &version),
            ("closed_reason", "joined_school_roll"),
            ("closed_on-day", &d),
            ("closed_on-month", &m),
            ("closed_on-year", &y),
            ("closed_note", "Demoton Academy"),
        ],
    );
    assert_eq!(p.status, 303);
    assert_eq!(officer.get("/officers/dashboard").status, 403);
    let mut manager = app.signed_in("manager");
    let page = manager.get("/officers/dashboard");
    assert_eq!(page.status, 200);
    assert!(page.contains("<svg") && page.contains("role=\"img\""));
    assert!(
        page.contains("1 child on the register now, 0 children a year ago"),
        "{}",
        page.body
    );
    // This month: two made, one closed.
    assert!(page.contains("were made or reopened and 1 closed"));
    assert!(page.contains("Elective home education"));
    assert_eq!(
        count(&app, "audit_log WHERE action = 'dashboard_viewed'"),
        1
    );
}

/// Issue 19: the demo has two years of history, so a census date a year ago has children in it
/// and the dashboard's register grows over the year.
#[test]
fn the_demo_has_two_years_of_history_for_the_return_and_the_dashboard() {
    let app = TestApp::spawn();
    cnis::dev::demo::load(&mut app.conn(), 120).unwrap();
    let year_ago = cnis::clock::today() - chrono::Days::new(365);
    let then = cnis::store::returns::register_as_at(&mut app.conn(), year_ago).unwrap();
    let now = cnis::store::returns::register_as_at(&mut app.conn(), cnis::clock::today()).unwrap();
    assert!(
        !then.is_empty() && then.len() < now.len(),
        "{} then, {} now",
        then.len(),
        now.len()
    );
    let f = cnis::store::dashboard::figures(&mut app.conn(), cnis::clock::today()).unwrap();
    let first = f.weekly_size.first().unwrap().1;
    let last = f.weekly_size.last().unwrap().1;
    assert!(first > 0 && first < last, "{first} a year ago, {last} now");
    assert!(f.weekly_size.iter().all(|(_, n)| *n >= 0));
    assert!(
        f.monthly_moves
            .iter()
            .filter(|(_, made, _)| *made > 0)
            .count()
            > 6
    );
    assert!(f.monthly_moves.iter().any(|(_, _, closed)| *closed > 0));
}

/// Issue 19: the dashboard's figures for sharing outside the council are rounded and withhold
/// counts of 1 to 4 (s.436C(5)); the managers' own dashboard keeps exact counts, including
/// requests for information waiting and overdue.
#[test]
fn s436c_5_shareable_figures_are_rounded_and_small_counts_withheld() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    for given in ["Ada", "Bea", "Cal"] {
        add_child(&mut officer, given, "Okafor", ("1", "5", "2015"));
    }
    let mut manager = app.signed_in("manager");
    let own = manager.get("/officers/dashboard");
    assert_eq!(own.status, 200);
    assert!(own.contains("3 children on the register"), "{}", own.body);
    assert!(own.contains("Requests for information"));
    assert_eq!(officer.get("/officers/dashboard/shareable").status, 403);
    let shared = manager.get("/officers/dashboard/shareable");
    assert_eq!(shared.status, 200);
    let row = extract(&shared.body, "Elective home education", "</tr>")
        .or_else(|| extract(&shared.body, "Home educat", "</tr>"))
        .unwrap_or_else(|| panic!("{}", shared.body));
    assert!(row.contains(">low<"), "{row}");
    assert!(
        !shared.body.contains(">3<"),
        "no exact small count: {}",
        shared.body
    );
    assert!(!shared.body.contains("social care flag"));
}
