//! A realistic demo register: children with parents, addresses and education arrangements, and
//! the edge cases officers meet (twins, accents, hyphens, children outside compulsory school age,
//! unreviewed parent notifications, closed entries, flexi-schooling, part-time college).
//! Deterministic (fixed seed) so a demo looks the same on every laptop. Every name is invented.
use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::{new_id, now, AnyConnection};
use crate::domain::identifiers::{nhs_with_check_digit, upn_check_letter};
use crate::domain::register::*;
use crate::store::children::{self, Address, Child, Parent, Provider};
use crate::store::users;
use EntryStatus;

const GIVEN_F: &[&str] = &[
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Freya",
    "Lily",
    "Zoë",
    "Aoife",
    "Maryam",
    "Priya",
    "Chloé",
    "Siân",
    "Grace",
    "Evie",
    "Nia",
    "Hana",
    "Ellie-May",
    "Ruby",
    "Amara",
    "Fatima",
];
const GIVEN_M: &[&str] = &[
    "Oliver", "George", "Noah", "Muhammad", "Leo", "Arthur", "Oscar", "Jack", "Rhys", "Seán",
    "Tomás", "Kai", "Harrison", "Jayden", "Ibrahim", "Alfie", "Finley", "Reuben", "Dylan",
    "Kacper",
];
const FAMILY: &[&str] = &[
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "O'Brien",
    "Khan",
    "Nowak",
    "Ahmed",
    "Okafor",
    "Smith-Jones",
    "McDonald",
    "Begum",
    "Hughes",
    "Clarke",
    "Lewis",
    "Müller",
];
const ADULT_F: &[&str] = &[
    "Sarah", "Emma", "Rebecca", "Laura", "Aisha", "Joanna", "Claire", "Nadia", "Kerry", "Hannah",
];
const ADULT_M: &[&str] = &[
    "James", "David", "Mark", "Daniel", "Imran", "Paul", "Stephen", "Andrew", "Tomasz", "Chris",
];
const STREETS: &[&str] = &[
    "Station Road",
    "Church Lane",
    "Mill Street",
    "Victoria Road",
    "The Crescent",
    "Orchard Close",
    "High Street",
    "Park Avenue",
    "Meadow View",
    "Queens Road",
];
const TOWNS: &[(&str, &str)] = &[
    ("Demoton", "DT1"),
    ("Demoton", "DT2"),
    ("Eastbridge", "DT4"),
    ("Westholme", "DT6"),
    ("Northby", "DT9"),
];
const PROVIDERS: &[(&str, &str)] = &[
    ("Riverside Tutors", "tutor"),
    ("Oak Online Academy", "online_school"),
    ("Forest Learning Hub", "unregistered_setting"),
    ("Demoton College", "fe_college"),
    ("Little Owls Music", "activity"),
    ("Bridge Alternative Provision", "alternative_provision"),
];

fn pick<'a>(rng: &mut StdRng, xs: &[&'a str]) -> &'a str {
    xs[rng.gen_range(0..xs.len())]
}

fn postcode(rng: &mut StdRng, outward: &str) -> String {
    const L: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    format!(
        "{outward} {}{}{}",
        rng.gen_range(1..10),
        L[rng.gen_range(0..L.len())] as char,
        L[rng.gen_range(0..L.len())] as char
    )
}

fn valid_upn(rng: &mut StdRng) -> String {
    let body = format!(
        "{:03}{:04}{:02}{:03}",
        888,
        rng.gen_range(2000..2999),
        rng.gen_range(10..24),
        rng.gen_range(0..999)
    );
    match upn_check_letter(&body) {
        Some(c) => format!("{c}{body}"),
        None => format!("A{body}"),
    }
}

fn valid_nhs(rng: &mut StdRng) -> Option<String> {
    (0..10).find_map(|_| {
        nhs_with_check_digit(&format!(
            "{:09}",
            rng.gen_range(400_000_000u32..499_999_999)
        ))
    })
}

/// One generated family: a child (or twins) with their addresses, parents and providers.
type Family = Vec<(Child, Vec<Address>, Vec<Parent>, Vec<Provider>)>;

fn family(rng: &mut StdRng, i: usize, today: NaiveDate) -> Family {
    let family_name = pick(rng, FAMILY).to_string();
    let (town, outward) = TOWNS[rng.gen_range(0..TOWNS.len())];
    let pc = postcode(rng, outward);
    let line_1 = format!("{} {}", rng.gen_range(1..180), pick(rng, STREETS));
    // Mostly of compulsory school age; every 40th family is outside it at either end.
    let age_days = match i % 40 {
        0 => rng.gen_range(365 * 3..365 * 4 + 200),
        1 => rng.gen_range(365 * 16 + 300..365 * 17 + 200),
        _ => rng.gen_range(365 * 5 + 120..365 * 16),
    };
    let dob = today - Duration::days(age_days);
    let twins = i % 50 == 7;
    let arrangement = match rng.gen_range(0..100) {
        0..=69 => "home_educated",
        70..=79 => "flexi_schooled",
        80..=84 => "part_time_timetable",
        85..=88 => "unregistered_setting",
        89..=91 => "alternative_provision",
        92..=93 => "eotas",
        _ => "not_known",
    };
    let arrangement = if crate::domain::school_age::age_on(dob, today) >= 14 && i.is_multiple_of(9)
    {
        "fe_part_time"
    } else {
        arrangement
    };
    let condition = match arrangement {
        "flexi_schooled" | "part_time_timetable" | "alternative_provision" => "c_b",
        "fe_part_time" => "c_c",
        _ => "c_a",
    };
    let t = now();
    let mother = (pick(rng, ADULT_F).to_string(), family_name.clone());
    let second = if rng.gen_bool(0.6) {
        Some((
            pick(rng, ADULT_M).to_string(),
            if rng.gen_bool(0.8) {
                family_name.clone()
            } else {
                pick(rng, FAMILY).to_string()
            },
        ))
    } else {
        None
    };
    let moved_recently = rng.gen_bool(0.12);
    let reason = REASONS[rng.gen_range(0..REASONS.len())].0.to_string();
    let sen = match rng.gen_range(0..20) {
        0..=13 => "none",
        14..=16 => "sen_support",
        17 => "ehc_plan",
        18 => "assessment",
        _ => "not_known",
    };
    let n_children = if twins { 2 } else { 1 };
    let mut out = vec![];
    for k in 0..n_children {
        let id = new_id();
        let sex = if rng.gen_bool(0.5) { "F" } else { "M" };
        let mut given = if sex == "F" {
            pick(rng, GIVEN_F).to_string()
        } else {
            pick(rng, GIVEN_M).to_string()
        };
        if twins && k == 1 {
            given = if sex == "F" {
                GIVEN_F[(i + 3) % GIVEN_F.len()].to_string()
            } else {
                GIVEN_M[(i + 3) % GIVEN_M.len()].to_string()
            };
        }
        if rng.gen_bool(0.3) {
            given = format!(
                "{given} {}",
                if sex == "F" {
                    pick(rng, GIVEN_F)
                } else {
                    pick(rng, GIVEN_M)
                }
            );
        }
        let closed = i % 23 == 5;
        let from_parent = i % 17 == 3;
        let eligible_from = today - Duration::days(rng.gen_range(10..900));
        let mut child = Child {
            id: id.clone(),
            reference: children::new_reference(),
            given_names: given,
            family_name: family_name.clone(),
            date_of_birth: Some(dob),
            sex: sex.into(),
            upn: rng.gen_bool(0.7).then(|| valid_upn(rng)),
            nhs_number: if rng.gen_bool(0.5) {
                valid_nhs(rng)
            } else {
                None
            },
            la_reference: rng.gen_bool(0.4).then(|| format!("EHE{:05}", i * 2 + k)),
            arrangement: arrangement.into(),
            eligibility_condition: condition.into(),
            eligible_from: Some(eligible_from),
            reason: reason.clone(),
            reason_detail: (reason == "other")
                .then(|| "Family travelling for work this year".to_string()),
            sen_status: sen.into(),
            parent_hours_per_week: Some(f64::from(rng.gen_range(8..30))),
            other_hours_per_week: Some(f64::from(rng.gen_range(0..12))),
            status: if closed {
                EntryStatus::Closed
            } else {
                EntryStatus::Open
            },
            closed_reason: closed.then(|| {
                if i.is_multiple_of(2) {
                    "joined_school_roll".to_string()
                } else {
                    "moved_away".to_string()
                }
            }),
            closed_on: closed.then(|| today - Duration::days(rng.gen_range(5..200))),
            closed_note: None,
            source: if from_parent {
                "parent".into()
            } else {
                "demo".into()
            },
            reviewed: !from_parent,
            name_key: String::new(),
            postcode_key: String::new(),
            version: 1,
            created_at: t,
            updated_at: t,
            missing: None,
        };
        children::refresh_keys(&mut child, Some(&pc));
        let mut addrs = vec![Address {
            id: new_id(),
            child_id: id.clone(),
            kind: AddressKind::Current,
            line_1: line_1.clone(),
            line_2: None,
            town: town.into(),
            postcode: pc.clone(),
            moved_in_on: moved_recently.then(|| today - Duration::days(100 + (i as i64 % 200))),
            created_at: t,
        }];
        if moved_recently {
            let (ptown, pout) = TOWNS[(i + 1) % TOWNS.len()];
            addrs.push(Address {
                id: new_id(),
                child_id: id.clone(),
                kind: AddressKind::Previous,
                line_1: format!("{} {}", 3 + i % 90, STREETS[i % STREETS.len()]),
                line_2: None,
                town: ptown.into(),
                postcode: format!("{pout} 4PQ"),
                moved_in_on: None,
                created_at: t,
            });
        }
        if i % 31 == 4 {
            addrs.push(Address {
                id: new_id(),
                child_id: id.clone(),
                kind: AddressKind::Additional,
                line_1: "Flat 2, 14 Harbour Street".into(),
                line_2: None,
                town: "Eastbridge".into(),
                postcode: "DT4 7XY".into(),
                moved_in_on: None,
                created_at: t,
            });
        }
        let mut parents = vec![Parent {
            id: new_id(),
            child_id: id.clone(),
            given_names: mother.0.clone(),
            family_name: mother.1.clone(),
            relationship: "mother".into(),
            parental_responsibility: true,
            lives_with_child: true,
            educating: true,
            address_line_1: None,
            address_town: None,
            address_postcode: None,
            email: Some(format!("parent{i}@example.com")),
            phone: Some(format!("07700 900{:03}", i % 1000)),
            created_at: t,
        }];
        if let Some((g, f)) = &second {
            let separate = rng.gen_bool(0.3);
            parents.push(Parent {
                id: new_id(),
                child_id: id.clone(),
                given_names: g.clone(),
                family_name: f.clone(),
                relationship: "father".into(),
                parental_responsibility: true,
                lives_with_child: !separate,
                educating: !separate && rng.gen_bool(0.5),
                address_line_1: separate.then(|| "7 Riverside Walk".to_string()),
                address_town: separate.then(|| "Northby".to_string()),
                address_postcode: separate.then(|| "DT9 2LW".to_string()),
                email: None,
                phone: Some(format!("01632 960{:03}", i % 1000)),
                created_at: t,
            });
        }
        let mut providers = vec![];
        for _ in 0..rng.gen_range(0..3) {
            let (name, kind) = PROVIDERS[rng.gen_range(0..PROVIDERS.len())];
            let hours = f64::from(rng.gen_range(1..10));
            let online = kind == "online_school";
            providers.push(Provider {
                id: new_id(),
                child_id: id.clone(),
                name: name.into(),
                provider_type: kind.into(),
                address: (!online)
                    .then(|| format!("{} Learning Lane, Demoton DT1 1AA", rng.gen_range(1..40))),
                website: online.then(|| "https://online.example.org".to_string()),
                hours_per_week: hours,
                hours_without_parent: if kind == "activity" { 0.0 } else { hours },
                created_at: t,
            });
        }
        out.push((child, addrs, parents, providers));
    }
    out
}

/// Some demo children are known to children's social care, as social care would record them:
/// in capitals, under a nickname, with a slip in the date of birth, or with the UPN of another
/// child; and some records belong to children who are not on the register at all.
fn demo_social_care(
    rng: &mut StdRng,
    i: usize,
    child: &Child,
    addrs: &[Address],
    today: NaiveDate,
) -> Option<crate::store::social_care::Incoming> {
    if i % 7 != 3 {
        return None;
    }
    let home = addrs.iter().find(|a| a.kind == AddressKind::Current);
    let born = child
        .date_of_birth
        .unwrap_or(today - Duration::days(365 * 10));
    // Social care dates are in the past: an episode starting after today is refused at import.
    let start = (born + Duration::days(365 * 5 + rng.gen_range(0..900)))
        .min(today - Duration::days(60 + rng.gen_range(0..300)));
    let (given, dob, upn) = match i % 4 {
        0 => (child.given_names.to_uppercase(), born, None),
        1 => (child.given_names.clone(), born + Duration::days(1), None),
        // The register child's UPN on another child's record: an officer must decide.
        2 => (
            "Jordan".to_string(),
            born - Duration::days(700),
            child.upn.clone(),
        ),
        _ => (child.given_names.clone(), born, child.upn.clone()),
    };
    use crate::domain::safeguarding::{Episode, EpisodeKind};
    let episodes = match i % 3 {
        0 => vec![
            Episode::new(EpisodeKind::Section47, Some(start), None),
            Episode::new(
                EpisodeKind::ChildProtectionPlan,
                Some(start + Duration::days(20)),
                None,
            ),
        ],
        1 => vec![Episode::new(EpisodeKind::ChildInNeed, Some(start), None)],
        // Ended enquiries: some with no further action, some whose outcome social care has not
        // said (an officer records it).
        _ => vec![Episode {
            nfa: i.is_multiple_of(2).then_some(true),
            ..Episode::new(
                EpisodeKind::Section47,
                Some(start),
                Some(start + Duration::days(40)),
            )
        }],
    };
    Some(crate::store::social_care::Incoming {
        record_id: format!("LCS-{:05}", i),
        given_names: Some(given),
        family_name: Some(child.family_name.clone()),
        date_of_birth: Some(dob),
        sex: child.sex.clone(),
        upn,
        former_upn: None,
        nhs_number: None,
        address_line_1: home.map(|a| a.line_1.clone()),
        town: home.map(|a| a.town.clone()),
        postcode: home.map(|a| a.postcode.clone()),
        episodes,
    })
}

fn demo_request(
    c: &mut AnyConnection,
    child_id: &str,
    today: chrono::NaiveDate,
    days_ago: u64,
) -> anyhow::Result<()> {
    use crate::db::schema::information_requests::dsl as r;
    use diesel::prelude::*;
    let sent = today - chrono::Days::new(days_ago);
    let due = crate::domain::information_requests::response_due(sent, 28)
        .ok_or_else(|| anyhow::anyhow!("response period"))?;
    diesel::insert_into(r::information_requests)
        .values((
            r::id.eq(new_id()),
            r::child_id.eq(child_id),
            r::kind.eq(crate::domain::information_requests::RequestKind::Updates),
            r::sent_at.eq(sent.and_hms_opt(9, 0, 0).unwrap_or_default()),
            r::method.eq("post"),
            r::due_on.eq(due),
        ))
        .execute(c)?;
    Ok(())
}

/// Loads `n` demo children (twins count as two) and the demo officers.
/// Two years of history, so the dashboard and a census-date return show something real: each
/// entry made soon after the child left school (within the last two years), a closed one closed
/// on its day, and one in eleven that began as elective home education and changed since.
fn with_history(
    c: &mut AnyConnection,
    child: &Child,
    i: usize,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use crate::db::schema::{child_changes as cc, children as ch};
    use diesel::prelude::*;
    let two_years_ago = today - Duration::days(730);
    let made_on = (child.eligible_from.unwrap_or(today).max(two_years_ago)
        + Duration::days((i % 9) as i64))
    .min(today);
    let at = |d: NaiveDate, h: u32| d.and_hms_opt(h, 30, 0).unwrap_or_default();
    diesel::update(ch::table.find(&child.id))
        .set((
            ch::created_at.eq(at(made_on, 9)),
            ch::updated_at.eq(at(made_on, 9)),
        ))
        .execute(c)?;
    diesel::update(cc::table.filter(cc::child_id.eq(&child.id)))
        .set(cc::at.eq(at(made_on, 9)))
        .execute(c)?;
    let change = |field: &str, old: &str, new: &str, on: NaiveDate| children::Change {
        id: crate::db::new_id(),
        child_id: child.id.clone(),
        user_id: None,
        at: at(on, 16),
        field: field.into(),
        old_value: Some(old.into()),
        new_value: Some(new.into()),
        reason: "Demo data".into(),
    };
    if child.status == EntryStatus::Closed {
        let on = child.closed_on.unwrap_or(today).max(made_on);
        diesel::update(ch::table.find(&child.id))
            .set(ch::closed_on.eq(Some(on)))
            .execute(c)?;
        diesel::insert_into(cc::table)
            .values(&change("status", "open", "closed", on))
            .execute(c)?;
    }
    if i.is_multiple_of(11) && child.arrangement != "home_educated" {
        let on = made_on + (today - made_on) / 2;
        diesel::insert_into(cc::table)
            .values(&change(
                "arrangement",
                "home_educated",
                &child.arrangement,
                on,
            ))
            .execute(c)?;
    }
    Ok(())
}

pub fn load(conn: &mut AnyConnection, n: usize) -> anyhow::Result<String> {
    let mut rng = StdRng::seed_from_u64(436);
    let today = crate::clock::today();
    let mut made = 0usize;
    let mut i = 0usize;
    let mut social_care: Vec<crate::store::social_care::Incoming> = vec![];
    crate::db::write::<_, anyhow::Error, _>(conn, |c| {
        while made < n {
            for (mut child, addrs, parents, providers) in family(&mut rng, i, today) {
                children::insert(
                    c,
                    &mut child,
                    &addrs,
                    &parents,
                    &providers,
                    None,
                    "Demo data",
                )?;
                with_history(c, &child, i, today)?;
                if let Some(r) = demo_social_care(&mut rng, i, &child, &addrs, today) {
                    social_care.push(r);
                }
                // Some families have a request for information out; a few never answered theirs.
                let sent_days_ago = match i % 20 {
                    0 | 4 | 12 | 16 => Some(20),
                    8 => Some(60),
                    _ => None,
                };
                if let Some(days) = sent_days_ago {
                    demo_request(c, &child.id, today, days)?;
                }
                made += 1;
            }
            i += 1;
        }
        crate::store::information_requests::raise_overdue(c, None, today)?;
        for r in &social_care {
            crate::store::social_care::store(c, "demo", r)?;
        }
        Ok(())
    })?;
    let mut lines = vec![format!("loaded {made} demo children")];
    if let crate::jobs::cross_check::Outcome::Completed(s) = crate::jobs::cross_check::run(
        conn,
        None,
        today,
        "demo",
        crate::domain::matching::Thresholds::default(),
        &crate::domain::commencement::Commencement::demo(today),
    )? {
        lines.push(format!(
            "cross-checked against {} demo social care records: {} matches, {} for review",
            s.records, s.matches, s.reviews
        ));
    }
    for (email, name, role) in [
        ("officer@demo.invalid", "Dana Officer", "officer"),
        ("manager@demo.invalid", "Morgan Manager", "manager"),
        ("admin@demo.invalid", "Alex Admin", "admin"),
    ] {
        if users::find_by_email(conn, email)?.is_none() {
            users::create(conn, email, name, role, DEMO_PASSWORD)?;
            lines.push(format!("demo {role}: {email} / {DEMO_PASSWORD} (set up an authenticator app at first sign-in)"));
        }
    }
    lines.push(demo_consent(conn, today)?);
    lines.push(demo_attendance(conn, today)?);
    let _ = today.year();
    Ok(lines.join("\n"))
}

/// Schools, a school's member of staff, and applications for consent at each stage (s.434A).
fn demo_consent(conn: &mut AnyConnection, today: NaiveDate) -> anyhow::Result<String> {
    use crate::store::consent::{self, Application};
    use crate::store::schools::School;
    if users::find_by_email(conn, "school@demo.invalid")?.is_some() {
        return Ok("demo schools already loaded".into());
    }
    let at = |days: u64| {
        (today - chrono::Days::new(days))
            .and_hms_opt(10, 0, 0)
            .unwrap_or_default()
    };
    let schools = [
        (
            "100431",
            "Demoton Primary School",
            "mainstream",
            Some("office@demoton-primary.invalid"),
        ),
        ("100432", "Riverside Academy", "mainstream", None),
        (
            "100433",
            "Oakfield Special School",
            "special",
            Some("office@oakfield.invalid"),
        ),
    ];
    let mut ids = vec![];
    for (urn, name, kind, email) in schools {
        let s = School {
            id: new_id(),
            urn: urn.into(),
            name: name.into(),
            kind: kind.into(),
            address: format!("{name}, School Lane, Demoton DT1 9ZZ"),
            email: email.map(str::to_string),
            created_at: at(400),
        };
        crate::store::schools::create(conn, &s)?;
        ids.push(s.id);
    }
    users::create_school_user(
        conn,
        "school@demo.invalid",
        "Sam School",
        DEMO_PASSWORD,
        &ids[0],
    )?;
    let templates = crate::mail::Templates::load(None)?;
    // A child with an active child protection plan, so the application shows a relevant child.
    let leah_dob = NaiveDate::from_ymd_opt(2013, 7, 19).unwrap_or_default();
    crate::store::social_care::store(
        conn,
        "demo",
        &crate::store::social_care::Incoming {
            record_id: "LCS-90001".into(),
            given_names: Some("Leah".into()),
            family_name: Some("Brennan".into()),
            date_of_birth: Some(leah_dob),
            sex: "F".into(),
            postcode: Some("DT2 5QP".into()),
            episodes: vec![crate::domain::safeguarding::Episode::new(
                crate::domain::safeguarding::EpisodeKind::ChildProtectionPlan,
                Some(today - chrono::Days::new(200)),
                None,
            )],
            ..Default::default()
        },
    )?;
    let officer = users::find_by_email(conn, "officer@demo.invalid")?
        .map(|u| u.id)
        .unwrap_or_default();
    let manager = users::find_by_email(conn, "manager@demo.invalid")?
        .map(|u| u.id)
        .unwrap_or_default();
    let apps = [
        ("Leah", "Brennan", leah_dob, 0usize, 3u64, "received"),
        (
            "Tom",
            "Ashby",
            NaiveDate::from_ymd_opt(2012, 2, 3).unwrap_or_default(),
            2,
            34,
            "received",
        ),
        (
            "Priya",
            "Shah",
            NaiveDate::from_ymd_opt(2014, 10, 30).unwrap_or_default(),
            2,
            12,
            "under_assessment",
        ),
        (
            "Noah",
            "Fenwick",
            NaiveDate::from_ymd_opt(2011, 5, 14).unwrap_or_default(),
            0,
            40,
            "granted",
        ),
        (
            "Isla",
            "Morgan",
            NaiveDate::from_ymd_opt(2015, 1, 8).unwrap_or_default(),
            1,
            60,
            "refused",
        ),
    ];
    let mut n = 0;
    for (given, family, dob, school, days, stage) in apps {
        let app = Application {
            parent_email: format!("{}.parent@example.invalid", given.to_lowercase()),
            parent_name: format!("Alex {family}"),
            parent_address: "4 Elm Close, Demoton DT2 5QP".into(),
            parent_email_consent: n % 2 == 0,
            other_parents: serde_json::to_string(&[consent::OtherParent {
                name: format!("Sam {family}"),
                address: "9 Mill Street, Otherton OT2 9ZZ".into(),
                email: None,
                phone: None,
            }])?,
            given_names: given.into(),
            family_name: family.into(),
            date_of_birth: dob,
            sex: "U".into(),
            address_line_1: "4 Elm Close".into(),
            town: "Demoton".into(),
            postcode: "DT2 5QP".into(),
            education_plan: "English and maths each morning; science, history and art projects in the afternoons; weekly swimming.".into(),
            educated_by: "Both parents, with an online maths course".into(),
            hours_per_week: Some(22.0),
            resources: "Library, Oak National Academy lessons, a home education co-op".into(),
            reasons: "Anxiety and poor attendance at school".into(),
            needs: "Anxiety; no EHC plan".into(),
            ..Application::received(&ids[school], "parent", at(days))
        };
        let app = consent::submit(
            conn,
            app,
            &templates,
            "http://127.0.0.1:8080",
            "Demo Borough Council",
            None,
            20,
        )?;
        n += 1;
        if stage == "received" {
            continue;
        }
        let refuse = stage == "refused";
        let a = consent::Assessment {
            best_interests: "not_shown".into(),
            best_interests_reasons:
                "School attendance has broken down and the school agrees home education may help."
                    .into(),
            best_interests_evidence: "Attendance record; school's letter; meeting with the family."
                .into(),
            arrangements: if refuse { "not_suitable" } else { "suitable" }.into(),
            arrangements_reasons: if refuse {
                "The plan gives no English or maths."
            } else {
                "A full-time, balanced plan."
            }
            .into(),
            arrangements_evidence: "The written plan; a home visit.".into(),
        };
        consent::assess(conn, &app, &a, &officer)
            .map_err(|e| anyhow::anyhow!("demo assessment: {e}"))?;
        if stage == "under_assessment" {
            continue;
        }
        let app =
            consent::find(conn, &app.id)?.ok_or_else(|| anyhow::anyhow!("demo application"))?;
        let decision = consent::Decision {
            decision: if refuse {
                crate::domain::consent::ApplicationStatus::Refused
            } else {
                crate::domain::consent::ApplicationStatus::Granted
            },
            reasons: if refuse {
                "No suitable arrangements: the plan gives no English or maths (s.434A(6)(b))."
            } else {
                "A suitable, full-time plan; regular attendance at school is not shown to be in the child's best interests."
            },
            exceptional_circumstances: None,
            user_id: &manager,
            today,
        };
        let ctx = crate::store::served::ServiceContext {
            templates: &templates,
            council: "Demo Borough Council",
        };
        consent::decide(conn, &app, &decision, &ctx)
            .map_err(|e| anyhow::anyhow!("demo decision: {e}"))?;
    }
    Ok(format!("demo school staff: school@demo.invalid / {DEMO_PASSWORD}; {n} applications for consent to home educate"))
}

/// The council's 2026–27 term calendar and school attendance cases under today's law
/// (ss.437–443): one being considered, one waiting on the parent after a posted notice.
fn demo_attendance(conn: &mut AnyConnection, today: NaiveDate) -> anyhow::Result<String> {
    use crate::db::schema::{children as ch, parents as pa};
    use crate::store::attendance::{self as cases, TermDate};
    use diesel::prelude::*;
    if !cases::term_dates(conn, None)?.is_empty() {
        return Ok("demo school attendance cases already loaded".into());
    }
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    for (kind, from, to, name) in [
        ("term", d(2026, 9, 3), d(2026, 12, 18), "Autumn term 2026"),
        (
            "closed",
            d(2026, 10, 26),
            d(2026, 10, 30),
            "October half term",
        ),
        ("term", d(2027, 1, 5), d(2027, 3, 26), "Spring term 2027"),
        (
            "closed",
            d(2027, 2, 15),
            d(2027, 2, 19),
            "February half term",
        ),
        ("term", d(2027, 4, 12), d(2027, 7, 21), "Summer term 2027"),
        (
            "closed",
            d(2027, 5, 3),
            d(2027, 5, 3),
            "Early May bank holiday",
        ),
        ("closed", d(2027, 5, 31), d(2027, 6, 4), "May half term"),
    ] {
        cases::add_term_date(
            conn,
            &TermDate {
                id: crate::db::new_id(),
                school_id: None,
                kind: kind.into(),
                starts_on: from,
                ends_on: to,
                name: name.into(),
                created_at: crate::db::now(),
            },
        )?;
    }
    let officer = users::find_by_email(conn, "officer@demo.invalid")?
        .map(|u| u.id)
        .unwrap_or_default();
    // Two open entries with a parent, of compulsory school age.
    let picked: Vec<String> = ch::table
        .inner_join(pa::table)
        .filter(ch::status.eq(EntryStatus::Open))
        .filter(ch::date_of_birth.between(d(2012, 9, 1), d(2019, 8, 31)))
        .order(ch::reference.asc())
        .select((ch::reference, ch::id))
        .distinct()
        .limit(2)
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let templates = crate::mail::Templates::load(None)?;
    let ctx = crate::store::served::ServiceContext {
        templates: &templates,
        council: "Demo Borough Council",
    };
    let conditions = vec!["A".to_string()];
    let mut answering = None;
    for (i, child) in picked.iter().enumerate() {
        let case = cases::open(
            conn,
            &cases::NewCase {
                child_id: child,
                regime: crate::domain::attendance::Regime::Current,
                conditions: &conditions,
                grounds: "The council has seen no evidence of education since the family deregistered; letters in September and October were not answered.",
                requirements_met_on: today - chrono::Days::new(3 + 10 * i as u64),
                response_days: 15,
                ehc_plan_school_id: None,
                ehc_plan_no_school: false,
                user_id: &officer,
                today,
            },
        )?;
        if i == 1 {
            let s = cases::Serving {
                ctx: &ctx,
                user_id: &officer,
                today,
            };
            cases::serve_preliminary_notice(conn, &s, &case)
                .map_err(|e| anyhow::anyhow!("demo notice: {e}"))?;
            for row in crate::store::served::log_for(conn, &case.id)? {
                crate::store::served::record_service(
                    conn,
                    &row.id,
                    "post",
                    today,
                    "Demo post room ref PR-0001",
                    2,
                )?;
            }
            answering = pa::table
                .filter(pa::child_id.eq(child))
                .filter(pa::email.is_not_null())
                .select(pa::email)
                .first::<Option<String>>(conn)
                .optional()?
                .flatten();
        }
    }
    let answer = answering
        .map(|e| format!("; {e} has a preliminary notice to answer"))
        .unwrap_or_default();
    Ok(format!(
        "{} school attendance cases under ss.437–443, and the council's 2026–27 term calendar{answer}",
        picked.len()
    ))
}

/// For the demo only; `cnis demo` prints it. Real accounts come from `cnis user add`.
pub const DEMO_PASSWORD: &str = "demo-password-change-me";

pub fn load_if_empty(conn: &mut AnyConnection, n: usize) -> anyhow::Result<()> {
    use crate::db::schema::children::dsl as ch;
    use diesel::prelude::*;
    let count: i64 = ch::children.count().get_result(conn)?;
    if count == 0 {
        let summary = load(conn, n)?;
        println!("{summary}");
    } else {
        log::info!("demo not loaded: the register already has {count} entries");
    }
    Ok(())
}
