//! The register as officers use it (EA 1996 s.436C), over HTTP on a real database.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic: that is how it fails
mod common;
use common::*;
use diesel::prelude::*;

fn fields_with<'a>(
    base: Vec<(&'a str, &'a str)>,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = base
        .into_iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .collect();
    out.extend_from_slice(changes);
    out
}

#[test]
fn adding_a_child_checks_every_field_and_keeps_what_was_typed() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    b.get("/officers/children/new");
    let bad = fields_with(
        child_form("Ada", "Lovelace", ("31", "2", "2015")),
        &[
            ("given_names", ""),
            ("upn", "C801200005001"),
            ("nhs_number", "9434765918"),
            ("postcode", "nonsense"),
            ("sex", ""),
            ("parent_hours_per_week", "lots"),
            ("p_email", "not-an-email"),
        ],
    );
    let p = b.post("/officers/children/new", &bad);
    assert_eq!(p.status, 422);
    assert!(p.contains("<title>Error: "));
    for msg in [
        "Enter the child's first names",
        "The child's date of birth must be a real date",
        "The UPN check letter does not match",
        "The NHS number check digit does not match",
        "Enter a real postcode",
        "Select the child's sex",
        "Time educated by parents must be a number",
        "Enter an email address in the correct format",
    ] {
        assert!(p.contains(msg), "missing message {msg:?}");
    }
    // What was typed is still there.
    assert!(p.contains("value=\"Lovelace\""));
    assert!(p.contains("value=\"C801200005001\""));
    // A future date of birth and an over-long name get their own messages.
    let long_name = "N".repeat(101);
    let p = b.post(
        "/officers/children/new",
        &fields_with(
            child_form("Ada", "Lovelace", ("1", "1", "2099")),
            &[("given_names", long_name.as_str())],
        ),
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Date of birth must be in the past"));
    assert!(p.contains("The child's first names must be 100 characters or fewer"));
    // Nothing was saved.
    let s = search(&mut b, "Lovelace");
    assert!(s.contains("0 entries found"));

    b.get("/officers/children/new");
    let good = fields_with(
        child_form("Ada", "Lovelace", ("10", "12", "2015")),
        &[("upn", "b801200005001"), ("nhs_number", "943 476 5919")],
    );
    let p = b.post("/officers/children/new", &good);
    assert_eq!(p.status, 303);
    let page = b.get(p.location.as_deref().unwrap());
    assert_eq!(page.status, 200);
    for s in [
        "Ada Lovelace",
        "10 December 2015",
        "B801200005001",
        "943 476 5919",
        "12 Station Road, Demoton, DT1 4AB",
        "Sarah Lovelace",
        "Elective home education",
        "20 hours a week (estimate)",
        "Child added to the register",
    ] {
        assert!(page.contains(s), "record page lacks {s:?}");
    }
}

#[test]
fn viewing_a_record_is_audited_and_the_history_keeps_old_and_new_values() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let id = add_child(&mut b, "Mary", "Somerville", ("26", "12", "2013"));
    b.get(&format!("/officers/children/{id}"));
    let edit = b.get(&format!("/officers/children/{id}/edit"));
    assert!(edit.contains("value=\"Mary\""));
    let version = extract(&edit.body, "name=\"version\" value=\"", "\"").unwrap();
    let mut form = fields_with(
        child_form("Marie", "Somerville", ("26", "12", "2013")),
        &[("version", &version)],
    );
    let p = b.post(&format!("/officers/children/{id}/edit"), &form);
    assert_eq!(p.status, 422, "a reason is required");
    assert!(p.contains("Enter why you are making this change"));
    form.push(("change_reason", "Parent phoned: name is spelt Marie"));
    let p = b.post(&format!("/officers/children/{id}/edit"), &form);
    assert_eq!(p.status, 303, "{}", p.body);
    let page = b.get(&format!("/officers/children/{id}"));
    assert!(page.contains("given names: Mary → Marie"));
    assert!(page.contains("Parent phoned: name is spelt Marie"));

    // The manager's audit log shows who viewed and who changed the record.
    let reference = extract(&page.body, "<span class=\"govuk-caption-l\">", "</span>").unwrap();
    let mut m = app.signed_in("manager");
    let log = m.get(&format!("/officers/audit?reference={reference}"));
    assert!(
        log.contains("view_record")
            && log.contains("change_record")
            && log.contains("Test officer")
    );
    let csv = m.get(&format!("/officers/audit.csv?reference={reference}"));
    assert_eq!(csv.status, 200);
    assert!(csv
        .body
        .starts_with("at_utc,user_id,user_name,action,child_id,purpose"));
    assert!(
        csv.body
            .lines()
            .filter(|l| l.contains(",view_record,"))
            .count()
            >= 2
    );
    assert!(
        !csv.body.contains("Somerville"),
        "the audit log holds ids, not names"
    );
    let bad = m.get("/officers/audit?from=yesterday");
    assert_eq!(bad.status, 422);
    assert!(bad.contains("Enter the from date as year-month-day"));
}

/// A read's audit row is kept apart from the register (on SQLite in a file of its own), so that an
/// officer reading does not make every other connection re-read the register from disk; a
/// change's row commits with the change. The log shows both.
#[test]
fn a_reads_audit_row_is_kept_apart_from_the_register_and_a_changes_with_it() {
    use diesel::sql_types::BigInt;
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = BigInt)]
        data_version: i64,
    }
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let id = add_child(&mut b, "Ada", "Byron", ("10", "12", "2014"));
    let mut watcher = app.conn();
    let sqlite = matches!(**watcher, cnis::db::AnyConnection::Sqlite(_));
    let mut version = || {
        diesel::sql_query("PRAGMA main.data_version")
            .get_result::<Version>(&mut **watcher)
            .map(|v| v.data_version)
            .unwrap_or(0)
    };
    let before = version();
    assert_eq!(b.get(&format!("/officers/children/{id}")).status, 200);
    if sqlite {
        assert_eq!(
            version(),
            before,
            "reading a record committed to the register's file"
        );
    }
    let read = format!("action = 'view_record' AND child_id = '{id}'");
    assert!(count(&app, &format!("read_audit_events WHERE {read}")) >= 1);
    assert_eq!(count(&app, &format!("audit_events WHERE {read}")), 0);
    assert!(
        count(&app, &format!("audit_events WHERE child_id = '{id}'")) >= 1,
        "adding the child is audited with the change"
    );
    assert_eq!(
        count(&app, &format!("audit_log WHERE child_id = '{id}'")),
        count(&app, &format!("audit_events WHERE child_id = '{id}'"))
            + count(&app, &format!("read_audit_events WHERE child_id = '{id}'"))
    );
}

/// The log merges the two tables page by page, however deep the page, in time order.
#[test]
fn the_audit_log_pages_through_changes_and_reads_in_time_order() {
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }
    let app = TestApp::spawn();
    let mut c = app.conn();
    let c: &mut cnis::db::AnyConnection = &mut c;
    for i in 0..2400 {
        if i % 3 == 0 {
            cnis::db::write::<_, diesel::result::Error, _>(c, |c| {
                cnis::store::audit::record(c, None, "change", None, "test")
            })
            .unwrap();
        } else {
            cnis::store::audit::record(c, None, "read", None, "test").unwrap();
        }
    }
    assert!(count(&app, "audit_events WHERE purpose = 'test'") > 400);
    assert!(count(&app, "read_audit_events WHERE purpose = 'test'") > 1500);
    let filter = cnis::store::audit::AuditFilter::default();
    for (offset, limit) in [(0, 100), (950, 100), (1500, 300), (2300, 200)] {
        let got: Vec<String> = cnis::store::audit::search(c, &filter, offset, limit)
            .unwrap()
            .into_iter()
            .map(|(e, _)| e.id)
            .collect();
        let want: Vec<String> = diesel::sql_query(format!(
            "SELECT id FROM audit_log ORDER BY at DESC, id DESC LIMIT {limit} OFFSET {offset}"
        ))
        .load::<Id>(c)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
        assert_eq!(got.len(), want.len().min(limit as usize));
        assert_eq!(got, want, "page at {offset}");
    }
}

#[test]
fn a_stale_edit_is_not_saved_and_keeps_what_was_typed() {
    let app = TestApp::spawn();
    let mut a = app.signed_in("officer");
    let mut b = app.signed_in("officer");
    let id = add_child(&mut a, "Emmy", "Noether", ("23", "3", "2012"));
    let page = a.get(&format!("/officers/children/{id}/edit"));
    let version = extract(&page.body, "name=\"version\" value=\"", "\"").unwrap();
    b.get(&format!("/officers/children/{id}/edit"));
    let mut f1 = fields_with(
        child_form("Emmy", "Noether", ("23", "3", "2012")),
        &[("version", &version), ("arrangement", "flexi_schooled")],
    );
    f1.push(("change_reason", "School confirmed flexi-schooling"));
    assert_eq!(
        b.post(&format!("/officers/children/{id}/edit"), &f1).status,
        303
    );
    let mut f2 = fields_with(
        child_form("Emmy", "Noether", ("23", "3", "2012")),
        &[
            ("version", &version),
            ("reason_detail", "Typed by officer A"),
        ],
    );
    f2.push(("change_reason", "More detail"));
    let p = a.post(&format!("/officers/children/{id}/edit"), &f2);
    assert_eq!(p.status, 422);
    assert!(p.contains("Someone else changed this record"));
    assert!(
        p.contains("Typed by officer A"),
        "the stale form keeps what was typed"
    );
    let record = a.get(&format!("/officers/children/{id}"));
    assert!(record.contains("Flexi-schooling"));
    assert!(!record.contains("Typed by officer A"));
}

#[test]
fn closing_an_entry_needs_a_reason_and_a_date_and_can_be_undone() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let id = add_child(&mut b, "Rosalind", "Franklin", ("25", "7", "2011"));
    let page = b.get(&format!("/officers/children/{id}/close"));
    let version = extract(&page.body, "name=\"version\" value=\"", "\"").unwrap();
    let p = b.post(
        &format!("/officers/children/{id}/close"),
        &[("version", &version), ("closed_reason", "other")],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter the date") && p.contains("Enter notes explaining the other reason"));
    let p = b.post(
        &format!("/officers/children/{id}/close"),
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
    // The home page's counts agree: a closed entry is neither on the register nor "of them".
    let home = b.get("/officers/");
    assert!(
        home.contains("<span class=\"cnis-count__number\">0</span><span class=\"govuk-body\">of them added in the last 30 days"),
        "{}",
        home.body
    );
    let record = b.get(&format!("/officers/children/{id}"));
    assert!(
        record.contains("Closed")
            && record.contains("Joined a school roll")
            && record.contains("3 November 2026")
    );
    let open = b.get("/officers/register");
    assert!(
        !open.contains("Franklin"),
        "closed entries leave the open list"
    );
    let closed = b.get("/officers/register?status=closed");
    assert!(closed.contains("Franklin"));
    b.get(&format!("/officers/children/{id}/reopen"));
    assert_eq!(
        b.post(
            &format!("/officers/children/{id}/reopen"),
            &[("reopen_reason", "Place fell through")]
        )
        .status,
        303
    );
    assert!(b.get("/officers/register").contains("Franklin"));
}

#[test]
fn search_is_tolerant_and_never_puts_personal_data_in_the_url() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    add_child(&mut b, "Zoë", "O'Brien", ("1", "9", "2016"));
    add_child(&mut b, "Sean", "Smith-Jones", ("2", "3", "2014"));
    let reg = b.get("/officers/register");
    assert!(reg.contains("method=\"post\" action=\"/officers/register/search\""));
    for (q, expect) in [
        ("zoe obrien", "O'Brien"),
        ("  ZOË  ", "O'Brien"),
        ("o brien", "O'Brien"),
        ("smith jones", "Smith-Jones"),
        ("01/09/2016", "O'Brien"),
        ("2016-09-01", "O'Brien"),
        ("dt14ab", "O'Brien"),
        ("DT1", "Smith-Jones"),
    ] {
        let p = search(&mut b, q);
        assert_eq!(p.status, 200, "{q}");
        assert!(p.contains(expect), "search {q:?} should find {expect}");
    }
    let p = search(&mut b, "nobody-like-this");
    assert!(p.contains("0 entries found"));
    // The start of any part of a name finds it.
    assert!(search(&mut b, "smi").contains("Smith-Jones"));
    assert!(search(&mut b, "jon").contains("Smith-Jones"));
    assert!(!search(&mut b, "mith").contains("Smith-Jones"));
    let p = search(&mut b, "   ");
    assert_eq!(p.status, 422);
    assert!(p.contains("Enter a name, date of birth, postcode"));
}

#[test]
fn list_filters_and_pages_and_flags_children_outside_school_age() {
    let app = TestApp::spawn();
    cnis::dev::demo::load(&mut app.conn(), 120).unwrap();
    let mut b = app.signed_in("officer");
    let page1 = b.get("/officers/register");
    assert!(page1.contains("Page 1 of"));
    // Keyset paging: Next starts after the last entry shown, Previous ends before the first.
    let next = extract(&page1.body, "<div class=\"govuk-pagination__next\"><a class=\"govuk-link govuk-pagination__link\" href=\"", "\"")
        .unwrap()
        .replace("&amp;", "&");
    assert!(
        next.contains("&after=") && next.ends_with("&page=2"),
        "{next}"
    );
    let page2 = b.get(&next);
    assert!(page2.contains("Page 2 of"));
    let ids = |body: &str| -> Vec<String> {
        body.split("<a class=\"govuk-link\" href=\"/officers/children/")
            .skip(1)
            .map(|s| s[..36].to_string())
            .collect()
    };
    let (first, second) = (ids(&page1.body), ids(&page2.body));
    assert_eq!((first.len(), second.len()), (50, 50));
    assert!(
        first.iter().all(|i| !second.contains(i)),
        "pages do not overlap"
    );
    let prev = extract(&page2.body, "<div class=\"govuk-pagination__prev\"><a class=\"govuk-link govuk-pagination__link\" href=\"", "\"")
        .unwrap()
        .replace("&amp;", "&");
    let back = b.get(&prev);
    assert_eq!(ids(&back.body), first, "Previous shows page 1 again");
    assert!(back.contains("Page 1 of") && !back.contains("govuk-pagination__prev"));
    // A cursor that is not an entry starts at the beginning.
    let odd = b.get("/officers/register?after=00000000-0000-0000-0000-000000000000&page=7");
    assert!(odd.contains("Page 1 of"), "an unknown cursor is page 1");
    let outside = b.get("/officers/register?flag=outside_csa");
    assert_eq!(outside.status, 200);
    let n: usize = extract(&outside.body, "<p class=\"govuk-body\">", " entries.")
        .unwrap()
        .parse()
        .unwrap();
    assert!(n > 0, "the demo has children outside compulsory school age");
    assert!(outside.contains("compulsory school age</strong>"));
    let home = b.get("/officers/");
    assert!(home.contains("outside compulsory school age"));
    let flexi = b.get("/officers/register?arrangement=flexi_schooled");
    assert!(flexi.contains("<td class=\"govuk-table__cell\">Flexi-schooling</td>"));
    assert!(!flexi.contains("<td class=\"govuk-table__cell\">Elective home education</td>"));
    // Nonsense filters are ignored, never a server error.
    for q in [
        "page=-5",
        "page=abc",
        "age_from=x&age_to=999",
        "flag=%00",
        "arrangement=<script>",
    ] {
        let p = b.get(&format!("/officers/register?{q}"));
        assert!(p.status == 200 || p.status == 400, "{q} gave {}", p.status);
    }
}

#[test]
fn addresses_parents_and_providers_are_added_and_removed_with_history() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let id = add_child(&mut b, "Alan", "Turing", ("23", "6", "2012"));
    b.get(&format!("/officers/children/{id}/addresses/new"));
    let p = b.post(
        &format!("/officers/children/{id}/addresses/new"),
        &[
            ("kind", "current"),
            ("line_1", "1 New Street"),
            ("town", "Eastbridge"),
            ("postcode", "DT4 1ZZ"),
            ("change_reason", "Family moved"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    // M5 (issue 14): the officer's free-text reason stays in the history, which only caseworkers
    // read, and never reaches the audit log, which administrators read.
    assert_eq!(
        count(&app, "child_changes WHERE reason = 'Family moved'"),
        1
    );
    assert_eq!(
        count(&app, "audit_log WHERE purpose LIKE '%Family moved%'"),
        0
    );
    assert_eq!(count(&app, "audit_log WHERE action = 'change_record'"), 1);
    let rec = b.get(&format!("/officers/children/{id}"));
    assert!(rec.contains("1 New Street, Eastbridge, DT4 1ZZ"));
    assert!(
        rec.contains("Previous address"),
        "the old home address becomes the previous one"
    );
    // Searching by the new postcode finds the child.
    assert!(search(&mut b, "DT4 1ZZ").contains("Turing"));

    b.get(&format!("/officers/children/{id}/providers/new"));
    let p = b.post(
        &format!("/officers/children/{id}/providers/new"),
        &[
            ("name", "Riverside Tutors"),
            ("provider_type", "tutor"),
            ("hours_per_week", "3"),
            ("hours_without_parent", "5"),
            ("change_reason", "Parent told us"),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(
        p.contains("Enter the address where the education is given")
            && p.contains("cannot be more than the total hours")
    );
    let p = b.post(
        &format!("/officers/children/{id}/providers/new"),
        &[
            ("name", "Riverside Tutors"),
            ("provider_type", "tutor"),
            ("address", "4 Mill Street, Demoton"),
            ("hours_per_week", "3"),
            ("hours_without_parent", "3"),
            ("change_reason", "Parent told us"),
        ],
    );
    assert_eq!(p.status, 303);
    // s.436B(8) and (10): the entry and the provider's details each start 15 days for the
    // council to consider, as dated tasks naming their section.
    let due = cnis::domain::duties::consider_home_by(cnis::clock::today()).on;
    for kind in ["consider_home", "consider_settings"] {
        assert_eq!(
            count(
                &app,
                &format!("tasks WHERE kind = '{kind}' AND child_id = '{id}' AND due_on = '{due}'")
            ),
            1,
            "{kind}"
        );
    }
    let tasks = b.get("/officers/tasks");
    assert!(
        tasks.contains("s.436B(8)") && tasks.contains("s.436B(10)"),
        "{}",
        tasks.body
    );

    b.get(&format!("/officers/children/{id}/parents/new"));
    let p = b.post(
        &format!("/officers/children/{id}/parents/new"),
        &[
            ("given_names", "Julius"),
            ("family_name", "Turing"),
            ("relationship", "father"),
            ("parental_responsibility", "yes"),
            ("change_reason", "Second parent"),
        ],
    );
    assert_eq!(p.status, 303);
    let rec = b.get(&format!("/officers/children/{id}"));
    assert!(rec.contains("Riverside Tutors") && rec.contains("Julius Turing"));
    let remove_href = extract(
        &rec.body,
        &format!("href=\"/officers/children/{id}/providers/"),
        "/change\"",
    )
    .unwrap();
    let path = format!("/officers/children/{id}/providers/{remove_href}/remove");
    b.get(&path);
    assert_eq!(b.post(&path, &[]).status, 422);
    assert_eq!(
        b.post(&path, &[("change_reason", "Tutoring ended")]).status,
        303
    );
    let rec = b.get(&format!("/officers/children/{id}"));
    assert!(rec.contains("provider: Riverside Tutors → –"));
    // Another child's provider id through this child's URL is not found.
    let other = add_child(&mut b, "Other", "Child", ("1", "1", "2014"));
    assert_eq!(
        b.get(&format!(
            "/officers/children/{other}/parents/{remove_href}/remove"
        ))
        .status,
        404
    );
    assert_eq!(
        b.get(&format!("/officers/children/{id}/widgets/new"))
            .status,
        404
    );
}

/// Issue 16: "Change" never removes. A parent, an address and a provider are each changed in
/// place, keeping their id (so a parent keeps their access and s.572 decisions), with the history
/// from old to new; removal is its own confirmed action.
#[test]
fn addresses_parents_and_providers_are_changed_in_place() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let id = add_child(&mut b, "Ada", "Lovelace", ("10", "12", "2015"));
    let rec = b.get(&format!("/officers/children/{id}"));
    let pid = extract(
        &rec.body,
        &format!("href=\"/officers/children/{id}/parents/"),
        "/change\"",
    )
    .unwrap();
    let url = format!("/officers/children/{id}/parents/{pid}/change");
    let form = b.get(&url);
    assert!(
        form.contains("Change the parent")
            && form.contains("value=\"Sarah\"")
            && form.contains("value=\"sarah@example.com\""),
        "the form opens with what the record holds: {}",
        form.body
    );
    // Bad input keeps what was typed and changes nothing.
    let p = b.post(
        &url,
        &[
            ("given_names", "Sarah"),
            ("family_name", "Lovelace"),
            ("relationship", "mother"),
            ("email", "not an email"),
            ("phone", "01234 567890"),
            ("change_reason", "New phone"),
        ],
    );
    assert_eq!(p.status, 422);
    assert!(p.contains("value=\"01234 567890\""));
    assert_eq!(count(&app, "parents WHERE phone IS NOT NULL"), 0);
    let p = b.post(
        &url,
        &[
            ("given_names", "Sarah"),
            ("family_name", "Lovelace"),
            ("relationship", "mother"),
            ("parental_responsibility", "yes"),
            ("lives_with_child", "yes"),
            ("educating", "yes"),
            ("email", "sarah@example.com"),
            ("phone", "01234 567890"),
            ("change_reason", "New phone"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        count(
            &app,
            &format!("parents WHERE id = '{pid}' AND phone = '01234 567890'")
        ),
        1,
        "the same parent, changed"
    );
    assert_eq!(count(&app, &format!("parents WHERE child_id = '{id}'")), 1);
    let rec = b.get(&format!("/officers/children/{id}"));
    assert!(rec.contains("01234 567890"));
    assert_eq!(
        count(&app, "child_changes WHERE field = 'parent' AND old_value IS NOT NULL AND new_value LIKE '%01234 567890%'"),
        1
    );

    // The home address, corrected in place: still the home address, one address on the record.
    let aid = extract(
        &rec.body,
        &format!("href=\"/officers/children/{id}/addresses/"),
        "/change\"",
    )
    .unwrap();
    let url = format!("/officers/children/{id}/addresses/{aid}/change");
    assert!(b.get(&url).contains("value=\"12 Station Road\""));
    let p = b.post(
        &url,
        &[
            ("kind", "current"),
            ("line_1", "12a Station Road"),
            ("town", "Demoton"),
            ("postcode", "DT1 4AB"),
            ("change_reason", "Flat number was missing"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        count(&app, &format!("addresses WHERE child_id = '{id}'")),
        1
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "addresses WHERE id = '{aid}' AND kind = 'current' AND line_1 = '12a Station Road'"
            )
        ),
        1
    );

    // An additional address made the home one: the old home becomes the previous address.
    b.get(&format!("/officers/children/{id}/addresses/new"));
    b.post(
        &format!("/officers/children/{id}/addresses/new"),
        &[
            ("kind", "additional"),
            ("line_1", "3 Mill Lane"),
            ("town", "Eastbridge"),
            ("postcode", "DT4 1ZZ"),
            ("change_reason", "Stays with grandparents"),
        ],
    );
    let extra: String = {
        use cnis::db::schema::addresses::dsl as a;
        a::addresses
            .filter(a::line_1.eq("3 Mill Lane"))
            .select(a::id)
            .first(&mut **app.conn())
            .unwrap()
    };
    let p = b.post(
        &format!("/officers/children/{id}/addresses/{extra}/change"),
        &[
            ("kind", "current"),
            ("line_1", "3 Mill Lane"),
            ("town", "Eastbridge"),
            ("postcode", "DT4 1ZZ"),
            ("change_reason", "Now lives here"),
        ],
    );
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(
        count(
            &app,
            &format!("addresses WHERE id = '{extra}' AND kind = 'current'")
        ),
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("addresses WHERE id = '{aid}' AND kind = 'previous'")
        ),
        1
    );
    // The search follows the new home.
    assert!(search(&mut b, "DT4 1ZZ").contains("Lovelace"));

    // Another child's part through this child's URL is not found, read or written.
    let other = add_child(&mut b, "Other", "Child", ("1", "1", "2014"));
    let there = format!("/officers/children/{other}/parents/{pid}/change");
    assert_eq!(b.get(&there).status, 404);
    let p = b.post(
        &there,
        &[
            ("given_names", "Mallory"),
            ("family_name", "Lovelace"),
            ("relationship", "mother"),
            ("change_reason", "x"),
        ],
    );
    assert_eq!(p.status, 404);
    assert_eq!(count(&app, "parents WHERE given_names = 'Mallory'"), 0);
    // The removal page offers changing instead, and cancelling.
    let confirm = b.get(&format!("/officers/children/{id}/parents/{pid}/remove"));
    assert!(
        confirm.contains(&format!("/officers/children/{id}/parents/{pid}/change"))
            && confirm.contains("Cancel")
    );
}

#[test]
fn hostile_input_never_causes_a_server_error() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let id = add_child(&mut b, "Katherine", "Johnson", ("26", "8", "2013"));
    let long = "x".repeat(70_000);
    let weird = "\u{0}\u{202e}<script>alert(1)</script>' OR 1=1 --";
    b.get("/officers/children/new");
    for (k, v) in [
        ("given_names", long.as_str()),
        ("given_names", weird),
        ("date_of_birth-year", "99999999999"),
        ("parent_hours_per_week", "NaN"),
        ("parent_hours_per_week", "1e400"),
        ("postcode", weird),
    ] {
        let f = fields_with(child_form("A", "B", ("1", "1", "2015")), &[(k, v)]);
        let p = b.post("/officers/children/new", &f);
        assert!(
            p.status == 422 || p.status == 400 || p.status == 413,
            "{k}={v:.20} gave {}",
            p.status
        );
        assert!(
            !p.contains("<script>alert(1)</script>"),
            "output is escaped"
        );
    }
    for path in [
        "/officers/children/not-an-id",
        "/officers/children/%00",
        "/officers/children/../../etc/passwd",
        &format!("/officers/children/{id}/edit/extra"),
    ] {
        let p = b.get(path);
        assert_eq!(p.status, 404, "{path}");
        assert!(p.contains("Page not found"));
    }
    let p = b.post(
        &format!("/officers/children/{id}/edit"),
        &[("version", "abc")],
    );
    assert_eq!(p.status, 400);
    // A NUL is refused before any query, in any form; the rest is searched for as text.
    let p = b.post("/officers/register/search", &[("q", weird)]);
    assert_eq!(p.status, 400);
    assert!(p.contains("holds a NUL character"));
    let p = search(&mut b, &weird[1..]);
    assert_eq!(p.status, 200);
}

#[test]
fn audit_filters_with_hostile_values_are_refused_plainly() {
    let app = TestApp::spawn();
    let mut m = app.signed_in("manager");
    // A control character anywhere in the address is refused before any query (issue 14, F6).
    for q in ["action=%00", "reference=%00abc", "action=view_record%1b"] {
        let p = m.get(&format!("/officers/audit?{q}"));
        assert_eq!(p.status, 400, "{q}");
        assert!(p.contains("The address has a value that is not allowed"));
        assert_eq!(
            m.get(&format!("/officers/audit.csv?{q}")).status,
            400,
            "{q}"
        );
    }
    // Other values the filter does not take get its own message.
    let p = m.get(&format!("/officers/audit?action={}", "a".repeat(101)));
    assert_eq!(p.status, 422);
    assert!(p.contains("Search for letters, numbers and dashes only"));
}

/// Issue 14 M5: a value a spreadsheet would run as a formula (here an officer's name, as an
/// administrator typed it) reaches the audit CSV as text (a leading apostrophe), and downloads
/// are never cached. (Officers' free-text reasons no longer reach the audit log at all.)
#[test]
fn the_audit_csv_shows_formulas_as_text() {
    let app = TestApp::spawn();
    cnis::store::users::create(
        &mut app.conn(),
        "formula@council.test",
        "=HYPERLINK(\"http://x.test\",\"Open\")",
        "officer",
        "a long test password 123",
    )
    .unwrap();
    let mut b = app.browser();
    b.sign_in("formula@council.test", "a long test password 123");
    add_child(&mut b, "Mary", "Somerville", ("26", "12", "2013"));
    let mut m = app.signed_in("manager");
    let csv = m.get("/officers/audit.csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.body
            .contains(",\"'=HYPERLINK(\"\"http://x.test\"\",\"\"Open\"\")\""),
        "{}",
        csv.body
    );
    assert!(!csv.body.contains(",\"=HYPERLINK"), "{}", csv.body);
    assert_eq!(csv.headers.get("cache-control").unwrap(), "no-store");
}

#[test]
fn search_results_live_at_an_opaque_address_so_back_and_refresh_work() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    let ada = add_child(&mut b, "Ada", "Lovelace", ("10", "12", "2015"));
    add_child(&mut b, "Grace", "Hopper", ("9", "12", "2014"));
    let p = b.post("/officers/register/search", &[("q", "lovelace")]);
    assert_eq!(p.status, 303);
    let results = p.location.unwrap();
    assert!(!results.to_lowercase().contains("lovelace"));
    // Refresh (a GET) shows the same results, with the matched field marked.
    let page = b.get(&results);
    assert_eq!(page.status, 200);
    assert!(
        page.contains("<mark class=\"cnis-match\">Lovelace, Ada</mark>"),
        "{}",
        page.body
    );
    assert!(
        page.contains("value=\"lovelace\""),
        "the box keeps the search"
    );
    assert!(!page.contains("Hopper"));
    // From a result, the record's Back link returns to these results.
    let sid = results.rsplit('/').next().unwrap();
    let link = format!("/officers/children/{ada}?search={sid}");
    assert!(page.contains(&link));
    let record = b.get(&link);
    assert!(
        record.contains(&format!("href=\"{results}\" class=\"govuk-back-link\"")),
        "{}",
        record.body
    );
    // A date of birth marks that column; a UPN says it matched.
    let page = search(&mut b, "10/12/2015");
    assert!(page.contains("<mark class=\"cnis-match\">10 December 2015</mark>"));
    // Another officer cannot open this officer's search: they are asked to search again.
    let mut other = app.signed_in("officer");
    let theirs = other.get(&results);
    assert!(!theirs.contains("Lovelace") && theirs.contains("Search the register"));
    assert_eq!(other.get("/officers/register/search/not-an-id").status, 404);
    let mut school = app.browser();
    assert_eq!(school.get(&results).status, 303, "signed out: to sign in");
    // The search's own address, opened directly, is the search box (not a 404).
    let start = b.get("/officers/register/search");
    assert_eq!(start.status, 200);
    assert!(start.contains("name=\"q\"") && !start.contains("entries found"));
}

/// A search that matches more entries than a page holds says so, rather than calling the first
/// page the whole answer.
#[test]
fn a_search_matching_more_than_a_page_says_there_are_more() {
    use diesel::prelude::*;
    let app = TestApp::spawn();
    cnis::dev::demo::load(&mut app.conn(), 400).unwrap();
    // The demo's busiest postal district, and how many open or closed entries it holds.
    let (district, n): (String, i64) = diesel::sql_query(
        "SELECT substr(postcode_key, 1, length(postcode_key) - 3) AS district, count(*) AS n \
         FROM children WHERE length(postcode_key) > 3 GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
    )
    .get_result::<DistrictCount>(&mut **app.conn())
    .map(|r| (r.district, r.n))
    .unwrap();
    assert!(n > 50, "{district} holds {n}");
    let mut b = app.signed_in("officer");
    let page = search(&mut b, &district);
    assert!(page.contains("More than 50 entries found"), "{}", page.body);
    assert!(page.contains("Showing the first 50"));
    assert_eq!(page.body.matches("href=\"/officers/children/").count(), 50);
    // A search with fewer matches gives their number.
    add_child(&mut b, "Ada", "Lovelace", ("10", "12", "2015"));
    let page = search(&mut b, "lovelace");
    assert!(page.contains("1 entry found") && !page.contains("More than"));
}

#[derive(diesel::QueryableByName)]
struct DistrictCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    district: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[test]
fn the_register_lists_total_is_kept_for_a_while_per_filter() {
    let app = TestApp::spawn_with(|c| c.list_count_seconds = 600);
    let mut b = app.signed_in("officer");
    add_child(&mut b, "Ada", "Lovelace", ("10", "12", "2015"));
    assert!(b.get("/officers/register").contains("1 entries."));
    add_child(&mut b, "Grace", "Hopper", ("9", "12", "2014"));
    // The count is kept (counting a council's register costs more than the page); the rows are not.
    let page = b.get("/officers/register");
    assert!(page.contains("1 entries.") && page.contains("Hopper"));
    // Another filter counts for itself.
    assert!(b
        .get("/officers/register?status=all")
        .contains("2 entries."));
}

#[test]
fn entries_made_before_the_name_index_are_indexed_when_the_database_is_prepared() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    add_child(&mut b, "Ada", "Lovelace", ("10", "12", "2015"));
    // As a database from before the index: no name parts.
    app.exec("DELETE FROM child_name_parts");
    assert!(search(&mut b, "lovelace").contains("0 entries found"));
    let n = cnis::services::register::prepare_database(&mut app.conn()).unwrap();
    assert_eq!(n, 0, "no migrations left to apply");
    assert!(search(&mut b, "lovelace").contains("1 entry found"));
}

/// Issue 16: an entry renamed by an older release during a rolling deploy (its name parts left as
/// they were) is found by its new name once the index is brought up to date, and instances
/// starting together take turns: one indexes, the other leaves it to it.
#[test]
fn names_changed_by_an_older_release_are_reindexed_once_under_a_lease() {
    let app = TestApp::spawn();
    let mut b = app.signed_in("officer");
    add_child(&mut b, "Ada", "Lovelace", ("10", "12", "2015"));
    // As an older release would rename: the entry's columns, not its name parts.
    app.exec("UPDATE children SET family_name = 'Byron', name_key = 'ada byron'");
    assert!(search(&mut b, "byron").contains("0 entries found"));
    // Another instance holds the lease: this one leaves the index to it.
    {
        let mut c = app.conn();
        assert!(cnis::db::lease::acquire(&mut c, "name_index", "elsewhere:1:x", 30).unwrap());
        assert_eq!(
            cnis::services::register::reindex_names(&mut c).unwrap(),
            None
        );
        cnis::db::lease::release(&mut c, "name_index", "elsewhere:1:x").unwrap();
    }
    assert!(search(&mut b, "byron").contains("0 entries found"));
    assert_eq!(
        cnis::services::register::reindex_names(&mut app.conn()).unwrap(),
        Some(1)
    );
    assert!(search(&mut b, "byron").contains("1 entry found"));
    assert!(search(&mut b, "lovelace").contains("0 entries found"));
    assert_eq!(
        cnis::services::register::reindex_names(&mut app.conn()).unwrap(),
        Some(0),
        "nothing left to index"
    );
}

/// Name search finds exactly the entries where each word starts a part of the name, whichever
/// index serves it: one word, a pair of words (the pair index), a pair in either order, a word
/// that only starts a part, three words. Checked against every entry of a demo register.
#[test]
fn name_search_finds_exactly_the_entries_whose_name_parts_start_with_each_word() {
    use cnis::store::children::{parse_query, search, Query};
    use diesel::prelude::*;
    let app = TestApp::spawn();
    cnis::dev::demo::load(&mut app.conn(), 400).unwrap();
    // Seventy different given names under one family name: more different pairs in one range
    // ("quill ba…") than PostgreSQL's search steps through one at a time.
    let at = chrono::Utc::now().naive_utc();
    for n in 0..70u8 {
        let mut c = cnis::store::children::Child {
            given_names: format!("Ba{}{}", (b'a' + n / 26) as char, (b'a' + n % 26) as char),
            family_name: "Quill".into(),
            ..cnis::store::children::Child::open_entry("test", at)
        };
        cnis::store::children::refresh_keys(&mut c, None);
        cnis::store::children::insert(&mut app.conn(), &mut c, &[], &[], &[], None, "test")
            .unwrap();
    }
    let all: Vec<(String, String)> = {
        use cnis::db::schema::children::dsl as ch;
        ch::children
            .select((ch::id, ch::name_key))
            .load(&mut **app.conn())
            .unwrap()
    };
    let expected = |words: &[String]| -> std::collections::BTreeSet<String> {
        all.iter()
            .filter(|(_, key)| {
                words
                    .iter()
                    .all(|w| key.split_whitespace().any(|p| p.starts_with(w.as_str())))
            })
            .map(|(id, _)| id.clone())
            .collect()
    };
    let mut queries: Vec<String> = vec![];
    for (_, key) in all.iter().take(40) {
        let parts: Vec<&str> = key.split_whitespace().collect();
        let (first, last) = (parts[0], parts[parts.len() - 1]);
        queries.push(first.to_string());
        queries.push(format!("{first} {last}"));
        queries.push(format!("{last} {first}"));
        queries.push(format!("{first} {}", &last[..2.min(last.len())]));
        queries.push(format!(
            "{} {}",
            &first[..3.min(first.len())],
            &last[..3.min(last.len())]
        ));
        queries.push(format!("{first} {last} {}", &first[..1]));
    }
    queries.push("amelia smith".into());
    queries.push("quill ba".into());
    queries.push("ba quill".into());
    queries.push("quill bab q".into());
    queries.push("smith smi".into());
    for q in &queries {
        let Some(Query::Name(words)) = parse_query(q) else {
            continue;
        };
        let found: std::collections::BTreeSet<String> =
            search(&mut app.conn(), &Query::Name(words.clone()), 10_000)
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect();
        assert_eq!(found, expected(&words), "search {q:?}");
    }
}

/// `db::one_of` on both databases: every string is one element, as written — a comma, a
/// quote, a backslash, braces and the word NULL among them — and nothing else matches.
#[test]
fn one_of_matches_each_string_as_written_on_both_databases() {
    let app = TestApp::spawn();
    let ids = ["plain", "b,c", "q\"x", "b\\s", "{}", "NULL", "it's"];
    for id in ids {
        let literal = format!("'{}'", id.replace('\'', "''"));
        let found: bool = diesel::select(cnis::db::one_of::one_of(
            diesel::dsl::sql::<diesel::sql_types::Text>(&literal),
            &ids,
        ))
        .get_result(&mut **app.conn())
        .unwrap();
        assert!(found, "{id}");
    }
    for other in ["b", "c", "q", "null", "\"plain\""] {
        let found: bool = diesel::select(cnis::db::one_of::one_of(
            diesel::dsl::sql::<diesel::sql_types::Text>(&format!("'{other}'")),
            &ids,
        ))
        .get_result(&mut **app.conn())
        .unwrap();
        assert!(!found, "{other}");
    }
}
