//! The s.436C(2) information on a register entry (issue 19, law.md §2.2): officers record it on
//! its own page with each change in the history, bad input is refused with a message and saves
//! nothing, and the DfE return counts young carers and children identified as missing education
//! (s.436A) as the register stood on the census date.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;

/// The count shown for a line of the return ("Total, Total").
fn line(page: &Page, topic_breakdown: &str) -> String {
    let marker = format!("<span class=\"govuk-visually-hidden\"> children: {topic_breakdown}<");
    let at = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("{topic_breakdown} in {}", page.body));
    let before = &page.body[..at];
    before[before.rfind('>').map_or(0, |i| i + 1)..].to_string()
}

#[test]
fn s436c_2_officers_record_young_carer_looked_after_and_missing_education_with_history() {
    let app = TestApp::spawn();
    let mut officer = app.signed_in("officer");
    let id = add_child(&mut officer, "Ada", "Okafor", ("1", "5", "2015"));
    let url = format!("/officers/children/{id}/other-information");
    let page = officer.get(&url);
    assert!(
        page.contains("Is the child a young carer?"),
        "{}",
        page.body
    );

    let good = [
        ("ethnicity", "black"),
        ("disability", "no"),
        ("young_carer", "yes"),
        ("looked_after", "previously"),
        ("schools_attended", "Demoton Primary, 2019 to 2024"),
        ("missing_education_from-day", "2"),
        ("missing_education_from-month", "9"),
        ("missing_education_from-year", "2026"),
    ];
    let mut bad = good.to_vec();
    bad[2] = ("young_carer", "sometimes");
    bad[7] = ("missing_education_from-year", "2027");
    let p = officer.post(&url, &bad);
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Select whether the child is a young carer"),
        "{}",
        p.body
    );
    assert!(p.contains("must be today or in the past"), "{}", p.body);
    assert_eq!(count(&app, "child_prescribed"), 0, "nothing saved");

    let p = officer.post(&url, &good);
    assert_eq!(p.status, 303, "{}", p.body);
    let record = officer.get(&format!("/officers/children/{id}?done=saved"));
    let section = extract(&record.body, "id=\"other-information\"", "</dl>").unwrap();
    for shown in [
        "Black, African, Caribbean or Black British",
        "Looked after in the past",
        "Demoton Primary, 2019 to 2024",
        "2 September 2026",
    ] {
        assert!(section.contains(shown), "{shown}: {section}");
    }
    assert_eq!(count(&app, &format!("child_changes WHERE child_id = '{id}' AND field = 'young carer' AND new_value = 'Yes'")), 1);
    assert_eq!(
        count(
            &app,
            &format!(
                "audit_events WHERE child_id = '{id}' AND action = 'update_prescribed_information'"
            )
        ),
        1
    );
    // Saving the same again writes no history.
    officer.get(&url);
    officer.post(&url, &good);
    assert_eq!(
        count(
            &app,
            &format!("child_changes WHERE child_id = '{id}' AND field = 'young carer'")
        ),
        1
    );

    // A parent is not an officer.
    let (mut parent, _) = parent_signed_in(&app, "someone@example.com");
    assert_ne!(parent.get(&url).status, 200);

    // The return on a census date after the change counts her; one before it does not.
    let mut manager = app.signed_in("manager");
    let today = cnis::clock::today();
    let after = manager.get(&format!("/officers/returns?on={today}"));
    assert_eq!(after.status, 200);
    const CME: &str = "Children missing education, Identified under section 436A";
    assert_eq!(line(&after, CME), "1");
    assert_eq!(line(&after, "Young carer, Yes"), "1");
    // On the register since August; recorded as missing education on 10 September, from 2
    // September: a return for 5 September, made before the officer knew, must not count her.
    app.exec(&format!(
        "UPDATE child_changes SET at = '2026-08-01 10:00:00' WHERE child_id = '{id}'"
    ));
    app.exec(&format!("UPDATE child_changes SET at = '2026-09-10 10:00:00' WHERE child_id = '{id}' AND field = 'identified as missing education'"));
    let total = manager.get("/officers/returns?on=2026-09-05");
    assert_eq!(line(&total, "Total, Total"), "1", "on the register then");
    assert_eq!(
        line(&total, CME),
        "0",
        "the history undoes the later change"
    );
}
