//! Register entries (EA 1996 s.436C) with their addresses, parents, providers and history.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{addresses, child_changes, children, parents, providers, users};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::register::AddressKind;
use crate::domain::register::EntryStatus;
use crate::domain::register::{fold, name_key};

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug, PartialEq)]
#[diesel(table_name = children)]
pub struct Child {
    pub id: String,
    pub reference: String,
    pub given_names: String,
    pub family_name: String,
    /// None only for a legacy row imported without one (the entry is then incomplete).
    pub date_of_birth: Option<NaiveDate>,
    pub sex: String,
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    pub la_reference: Option<String>,
    pub arrangement: String,
    pub eligibility_condition: String,
    pub eligible_from: Option<NaiveDate>,
    pub reason: String,
    pub reason_detail: Option<String>,
    pub sen_status: String,
    pub parent_hours_per_week: Option<f64>,
    pub other_hours_per_week: Option<f64>,
    pub status: EntryStatus,
    pub closed_reason: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub closed_note: Option<String>,
    pub source: String,
    pub reviewed: bool,
    pub name_key: String,
    pub postcode_key: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// What a legacy import could not fill in ("given name, town"); None when complete.
    pub missing: Option<String>,
}

impl Child {
    /// A new open entry from `source`, with everything but the child's own details set; callers
    /// fill those in with struct update syntax and then call `refresh_keys`.
    pub fn open_entry(source: &str, at: NaiveDateTime) -> Child {
        Child {
            id: new_id(),
            reference: new_reference(),
            given_names: String::new(),
            family_name: String::new(),
            date_of_birth: None,
            sex: "U".into(),
            upn: None,
            nhs_number: None,
            la_reference: None,
            arrangement: "not_known".into(),
            eligibility_condition: "c_a".into(),
            eligible_from: None,
            reason: "not_provided".into(),
            reason_detail: None,
            sen_status: "not_known".into(),
            parent_hours_per_week: None,
            other_hours_per_week: None,
            status: EntryStatus::Open,
            closed_reason: None,
            closed_on: None,
            closed_note: None,
            source: source.into(),
            reviewed: true,
            name_key: String::new(),
            postcode_key: String::new(),
            version: 1,
            created_at: at,
            updated_at: at,
            missing: None,
        }
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug, PartialEq)]
#[diesel(table_name = addresses, treat_none_as_null = true)]
pub struct Address {
    pub id: String,
    pub child_id: String,
    pub kind: AddressKind,
    pub line_1: String,
    pub line_2: Option<String>,
    pub town: String,
    pub postcode: String,
    pub moved_in_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

impl Address {
    pub fn one_line(&self) -> String {
        [
            Some(self.line_1.as_str()),
            self.line_2.as_deref(),
            Some(self.town.as_str()),
            Some(self.postcode.as_str()),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug, PartialEq)]
#[diesel(table_name = parents, treat_none_as_null = true)]
pub struct Parent {
    pub id: String,
    pub child_id: String,
    pub given_names: String,
    pub family_name: String,
    pub relationship: String,
    pub parental_responsibility: bool,
    pub lives_with_child: bool,
    pub educating: bool,
    pub address_line_1: Option<String>,
    pub address_town: Option<String>,
    pub address_postcode: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: NaiveDateTime,
}

impl Parent {
    pub fn name(&self) -> String {
        format!("{} {}", self.given_names, self.family_name)
    }

    /// Everything held about the parent on one line, for the record's history.
    pub fn one_line(&self) -> String {
        let yes_no = |b: bool, what: &str| format!("{what}: {}", if b { "yes" } else { "no" });
        [
            Some(format!("{} ({})", self.name(), self.relationship)),
            Some(yes_no(
                self.parental_responsibility,
                "parental responsibility",
            )),
            Some(yes_no(self.lives_with_child, "lives with the child")),
            Some(yes_no(self.educating, "educating")),
            self.address_line_1.clone(),
            self.address_town.clone(),
            self.address_postcode.clone(),
            self.email.clone(),
            self.phone.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug, PartialEq)]
#[diesel(table_name = providers, treat_none_as_null = true)]
pub struct Provider {
    pub id: String,
    pub child_id: String,
    pub name: String,
    pub provider_type: String,
    pub address: Option<String>,
    pub website: Option<String>,
    pub hours_per_week: f64,
    pub hours_without_parent: f64,
    pub created_at: NaiveDateTime,
}

impl Provider {
    /// Everything held about the provider on one line, for the record's history.
    pub fn one_line(&self) -> String {
        [
            Some(format!("{} ({})", self.name, self.provider_type)),
            self.address.clone(),
            self.website.clone(),
            Some(format!(
                "{} hours a week, {} with no parent present",
                self.hours_per_week, self.hours_without_parent
            )),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = child_changes)]
pub struct Change {
    pub id: String,
    pub child_id: String,
    pub user_id: Option<String>,
    pub at: NaiveDateTime,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
}

/// Everything the record page shows.
pub struct ChildRecord {
    pub child: Child,
    pub addresses: Vec<Address>,
    pub parents: Vec<Parent>,
    pub providers: Vec<Provider>,
    pub history: Vec<(Change, Option<String>)>,
    pub emails: Vec<crate::mail::OutboxEmail>,
}

/// A short reference officers can read out on the phone; random so concurrent inserts never collide.
pub fn new_reference() -> String {
    use rand::Rng;
    const A: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXY346789";
    let mut rng = rand::thread_rng();
    let s: String = (0..8)
        .map(|_| A[rng.gen_range(0..A.len())] as char)
        .collect();
    format!("CN-{}-{}", &s[..4], &s[4..])
}

/// The parts of a name search key, each indexed so a typed prefix finds it by a range scan.
fn name_parts(key: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = key.split_whitespace().collect();
    parts.sort_unstable();
    parts.dedup();
    parts
}

/// The exclusive upper end of the range of parts that start with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}{}", char::MAX)
}

/// Writes the name-part index for one child, replacing what it had.
pub fn index_name(conn: &mut AnyConnection, child: &Child) -> QueryResult<()> {
    use crate::db::schema::child_name_parts as np;
    diesel::delete(np::table.filter(np::child_id.eq(&child.id))).execute(conn)?;
    // A name that folds to nothing still gets a row, so the backfill does not come back to it.
    let key = if child.name_key.trim().is_empty() {
        "?"
    } else {
        &child.name_key
    };
    // One row at a time: batch inserts are not portable across the two backends.
    let parts = name_parts(key);
    for part in &parts {
        diesel::insert_into(np::table)
            .values((
                np::part.eq(part),
                np::child_id.eq(&child.id),
                np::family_name.eq(&child.family_name),
                np::given_names.eq(&child.given_names),
            ))
            .execute(conn)?;
    }
    use crate::db::schema::child_name_pairs as pairs;
    diesel::delete(pairs::table.filter(pairs::child_id.eq(&child.id))).execute(conn)?;
    for pair in name_pairs(&parts) {
        diesel::insert_into(pairs::table)
            .values((
                pairs::pair.eq(pair),
                pairs::child_id.eq(&child.id),
                pairs::family_name.eq(&child.family_name),
                pairs::given_names.eq(&child.given_names),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every ordered pair of different parts, as "first second": "amelia smith" then finds the
/// children with both in one range of the pair index.
fn name_pairs(parts: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(parts.len() * parts.len().saturating_sub(1));
    for a in parts {
        for b in parts {
            if a != b {
                out.push(format!("{a} {b}"));
            }
        }
    }
    out
}

/// Brings the name-part index up to date: entries with no parts (made before the index existed,
/// or by an older release during a rolling deploy) and entries whose parts name someone else (renamed
/// by such a release). Each entry is read again under its row lock before it is indexed, so an
/// officer's rename meanwhile is never overwritten. Returns how many entries were indexed.
pub fn reindex_names(conn: &mut AnyConnection) -> QueryResult<usize> {
    use crate::db::schema::child_name_parts as np;
    let mut done = 0;
    loop {
        let missing: Vec<String> = children::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                np::table.filter(np::child_id.eq(children::id)),
            )))
            .select(children::id)
            .limit(2000)
            .load(conn)?;
        let stale: Vec<String> = children::table
            .filter(diesel::dsl::exists(
                np::table.filter(np::child_id.eq(children::id)).filter(
                    np::family_name
                        .ne(children::family_name)
                        .or(np::given_names.ne(children::given_names)),
                ),
            ))
            .select(children::id)
            .limit(2000)
            .load(conn)?;
        let batch: Vec<String> = missing.into_iter().chain(stale).collect();
        if batch.is_empty() {
            return Ok(done);
        }
        let indexed = crate::db::write::<_, diesel::result::Error, _>(conn, |c| {
            let mut n = 0;
            for id in &batch {
                if lock(c, id)? {
                    if let Some(child) = find(c, id)? {
                        index_name(c, &child)?;
                        n += 1;
                    }
                }
            }
            Ok(n)
        })?;
        done += indexed;
        if indexed == 0 {
            // Nothing left that this pass can change (entries removed meanwhile).
            return Ok(done);
        }
    }
}

pub fn refresh_keys(child: &mut Child, current_postcode: Option<&str>) {
    child.name_key = name_key(&child.given_names, &child.family_name);
    if let Some(p) = current_postcode {
        child.postcode_key = crate::domain::identifiers::postcode_key(p);
    }
}

/// Saves a new entry. Its reference is drawn again in the rare case that one is taken: with
/// 28⁸ references, a register of 200,000 meets a repeat about one time in twenty.
pub fn insert(
    conn: &mut AnyConnection,
    child: &mut Child,
    addrs: &[Address],
    prnts: &[Parent],
    provs: &[Provider],
    user_id: Option<&str>,
    reason: &str,
) -> QueryResult<()> {
    while children::table
        .filter(children::reference.eq(&child.reference))
        .count()
        .get_result::<i64>(conn)?
        > 0
    {
        child.reference = new_reference();
    }
    diesel::insert_into(children::table)
        .values(&*child)
        .execute(conn)?;
    index_name(conn, child)?;
    // One row at a time: batch inserts are not portable across the two backends.
    for row in addrs {
        diesel::insert_into(addresses::table)
            .values(row)
            .execute(conn)?;
    }
    // One row at a time: batch inserts are not portable across the two backends.
    for row in prnts {
        diesel::insert_into(parents::table)
            .values(row)
            .execute(conn)?;
    }
    // One row at a time: batch inserts are not portable across the two backends.
    for row in provs {
        diesel::insert_into(providers::table)
            .values(row)
            .execute(conn)?;
    }
    record_change(
        conn,
        &child.id,
        user_id,
        "entry",
        None,
        Some(&child.reference),
        reason,
    )?;
    // s.436B(8)–(10): every new entry, however it came, starts the council's 15 days.
    super::tasks::create_due(
        conn,
        &child.id,
        super::tasks::TaskKind::ConsiderHome,
        "Consider where the child lives, and whether to ask to see them there (s.436B(8)–(9)).",
        &crate::domain::duties::consider_home_by(crate::clock::today()),
    )?;
    if !provs.is_empty() {
        super::tasks::consider_settings(conn, &child.id)?;
    }
    Ok(())
}

pub fn record_change(
    conn: &mut AnyConnection,
    child_id: &str,
    user_id: Option<&str>,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    reason: &str,
) -> QueryResult<()> {
    diesel::insert_into(child_changes::table)
        .values(&Change {
            id: new_id(),
            child_id: child_id.to_string(),
            user_id: user_id.map(str::to_string),
            at: now(),
            field: field.to_string(),
            old_value: old.map(str::to_string),
            new_value: new.map(str::to_string),
            reason: reason.to_string(),
        })
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Child>> {
    children::table
        .find(id)
        .select(Child::as_select())
        .first(conn)
        .optional()
}

/// The child's parents, first recorded first.
pub fn parents_of(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Vec<Parent>> {
    parents::table
        .filter(parents::child_id.eq(child_id))
        .order(parents::created_at.asc())
        .select(Parent::as_select())
        .load(conn)
}

pub fn load_record(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<ChildRecord>> {
    let Some(child) = find(conn, id)? else {
        return Ok(None);
    };
    let addresses = addresses::table
        .filter(addresses::child_id.eq(id))
        .order((addresses::kind.asc(), addresses::created_at.asc()))
        .select(Address::as_select())
        .load(conn)?;
    let parents = parents_of(conn, id)?;
    let providers = providers::table
        .filter(providers::child_id.eq(id))
        .order(providers::created_at.asc())
        .select(Provider::as_select())
        .load(conn)?;
    let history = child_changes::table
        .left_join(users::table.on(users::id.nullable().eq(child_changes::user_id)))
        .filter(child_changes::child_id.eq(id))
        .order((child_changes::at.desc(), child_changes::id.desc()))
        .select((Change::as_select(), users::name.nullable()))
        .limit(500)
        .load(conn)?;
    let emails = crate::mail::for_child(conn, id)?;
    Ok(Some(ChildRecord {
        emails,
        child,
        addresses,
        parents,
        providers,
        history,
    }))
}

/// Which of a record page's less common sections have anything to show for a child: one
/// statement, so a child with no tasks, reports, requests, attendance case, parent claims, hold,
/// prescribed details, transfers or disclosures costs one round trip for them, not nine. (The
/// social care flags and links are always read: they are never skipped on a guess.)
#[derive(Debug, Clone, Copy)]
pub struct RecordSections {
    pub tasks: bool,
    pub reports: bool,
    pub requests: bool,
    pub attendance: bool,
    pub claims: bool,
    pub hold: bool,
    pub prescribed: bool,
    pub transfers: bool,
    pub disclosures: bool,
}

pub fn record_sections(conn: &mut AnyConnection, id: &str) -> QueryResult<RecordSections> {
    use crate::db::schema::{
        attendance_cases as ac, child_prescribed as cp, disclosures as d,
        information_requests as ir, legal_holds as lh, parent_claims as pc, parent_reports as pr,
        tasks as t, transfers as tr,
    };
    use diesel::dsl::exists;
    let (tasks, reports, requests, attendance, claims, hold, prescribed, transfers, disclosures) =
        diesel::select((
            exists(t::table.filter(t::child_id.eq(id))),
            exists(pr::table.filter(pr::child_id.eq(id))),
            exists(ir::table.filter(ir::child_id.eq(id))),
            exists(ac::table.filter(ac::child_id.eq(id))),
            exists(pc::table.filter(pc::child_id.eq(id))),
            exists(
                lh::table
                    .filter(lh::subject_kind.eq(crate::domain::retention::HoldSubject::Child))
                    .filter(lh::subject_id.eq(id)),
            ),
            exists(cp::table.filter(cp::child_id.eq(id))),
            exists(tr::table.filter(tr::child_id.eq(id))),
            exists(d::table.filter(d::child_id.eq(id))),
        ))
        .get_result::<(bool, bool, bool, bool, bool, bool, bool, bool, bool)>(conn)?;
    Ok(RecordSections {
        tasks,
        reports,
        requests,
        attendance,
        claims,
        hold,
        prescribed,
        transfers,
        disclosures,
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved,
    /// Someone else saved the record since this form was opened (optimistic lock).
    Stale,
}

/// Saves the core fields if `expected_version` is still current, with one history row per changed field.
pub fn update_core(
    conn: &mut AnyConnection,
    before: &Child,
    after: &Child,
    expected_version: i32,
    user_id: &str,
    reason: &str,
    changed: &[(&'static str, Option<String>, Option<String>)],
) -> QueryResult<SaveOutcome> {
    let mut row = after.clone();
    row.version = expected_version + 1;
    row.updated_at = now();
    // The form does not carry the mark; `refresh_missing` below decides it from what is saved.
    row.missing = before.missing.clone();
    let n = diesel::update(
        children::table
            .filter(children::id.eq(&before.id))
            .filter(children::version.eq(expected_version)),
    )
    .set(&row)
    .execute(conn)?;
    if n == 0 {
        return Ok(SaveOutcome::Stale);
    }
    if (&before.family_name, &before.given_names) != (&row.family_name, &row.given_names) {
        index_name(conn, &row)?;
    }
    for (field, old, new) in changed {
        record_change(
            conn,
            &before.id,
            Some(user_id),
            field,
            old.as_deref(),
            new.as_deref(),
            reason,
        )?;
    }
    refresh_missing(conn, &before.id)?;
    Ok(SaveOutcome::Saved)
}

/// Holds the child's row until the transaction ends, so a rule that reads and then writes (one
/// request per three months, one open case) cannot be passed by two requests at once. SQLite's
/// IMMEDIATE transactions (`db::write`) already hold the one write lock; PostgreSQL locks the row.
/// Call inside `db::write`. False when there is no such child.
pub fn lock(conn: &mut AnyConnection, child_id: &str) -> QueryResult<bool> {
    let found: Option<String> = match conn {
        AnyConnection::Postgresql(c) => children::table
            .find(child_id)
            .select(children::id)
            .for_update()
            .first(c)
            .optional()?,
        AnyConnection::Sqlite(c) => children::table
            .find(child_id)
            .select(children::id)
            .first(c)
            .optional()?,
    };
    Ok(found.is_some())
}

/// Bumps the version after a change to a part of the record (address, parent, provider).
pub fn touch(conn: &mut AnyConnection, child_id: &str) -> QueryResult<()> {
    diesel::update(children::table.find(child_id))
        .set((
            children::version.eq(children::version + 1),
            children::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_postcode_key(
    conn: &mut AnyConnection,
    child_id: &str,
    postcode: &str,
) -> QueryResult<()> {
    diesel::update(children::table.find(child_id))
        .set(children::postcode_key.eq(crate::domain::identifiers::postcode_key(postcode)))
        .execute(conn)?;
    Ok(())
}

pub fn add_address(conn: &mut AnyConnection, a: &Address) -> QueryResult<()> {
    diesel::insert_into(addresses::table)
        .values(a)
        .execute(conn)?;
    refresh_missing(conn, &a.child_id)
}

/// Narrows or clears the mark of an entry imported with details missing (issue 17) as an
/// officer fills them in. Entries without the mark are left alone.
pub fn refresh_missing(conn: &mut AnyConnection, child_id: &str) -> QueryResult<()> {
    let Some(child) = find(conn, child_id)? else {
        return Ok(());
    };
    if child.missing.is_none() {
        return Ok(());
    }
    let current: Option<Address> = addresses::table
        .filter(addresses::child_id.eq(child_id))
        .filter(addresses::kind.eq(AddressKind::Current))
        .select(Address::as_select())
        .first(conn)
        .optional()?;
    let (line_1, town, postcode) = current
        .map(|a| (a.line_1, a.town, a.postcode))
        .unwrap_or_default();
    let now_missing = crate::domain::register::missing_details(
        &child.given_names,
        &child.family_name,
        child.date_of_birth,
        &line_1,
        &town,
        &postcode,
    );
    if now_missing != child.missing {
        diesel::update(children::table.find(child_id))
            .set(children::missing.eq(now_missing))
            .execute(conn)?;
    }
    Ok(())
}
pub fn find_address(
    conn: &mut AnyConnection,
    child_id: &str,
    id: &str,
) -> QueryResult<Option<Address>> {
    addresses::table
        .filter(addresses::child_id.eq(child_id))
        .filter(addresses::id.eq(id))
        .select(Address::as_select())
        .first(conn)
        .optional()
}
/// Saves a changed address over the one with its id (the child and when it was added stay).
pub fn change_address(conn: &mut AnyConnection, a: &Address) -> QueryResult<usize> {
    let n = diesel::update(addresses::table.find(&a.id))
        .set(a)
        .execute(conn)?;
    refresh_missing(conn, &a.child_id)?;
    Ok(n)
}
pub fn remove_address(conn: &mut AnyConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(addresses::table.find(id)).execute(conn)
}
/// Moving home: the current address becomes the previous one (s.436C(1)(a)). `keep` is the
/// address becoming the home one, when it is already on the record.
pub fn demote_current_address(
    conn: &mut AnyConnection,
    child_id: &str,
    keep: &str,
) -> QueryResult<usize> {
    diesel::delete(
        addresses::table
            .filter(addresses::child_id.eq(child_id))
            .filter(addresses::id.ne(keep))
            .filter(addresses::kind.eq(AddressKind::Previous)),
    )
    .execute(conn)?;
    diesel::update(
        addresses::table
            .filter(addresses::child_id.eq(child_id))
            .filter(addresses::id.ne(keep))
            .filter(addresses::kind.eq(AddressKind::Current)),
    )
    .set(addresses::kind.eq(AddressKind::Previous))
    .execute(conn)
}
pub fn add_parent(conn: &mut AnyConnection, p: &Parent) -> QueryResult<()> {
    diesel::insert_into(parents::table)
        .values(p)
        .execute(conn)?;
    Ok(())
}
pub fn find_parent(
    conn: &mut AnyConnection,
    child_id: &str,
    id: &str,
) -> QueryResult<Option<Parent>> {
    parents::table
        .filter(parents::child_id.eq(child_id))
        .filter(parents::id.eq(id))
        .select(Parent::as_select())
        .first(conn)
        .optional()
}
pub fn change_parent(conn: &mut AnyConnection, p: &Parent) -> QueryResult<usize> {
    diesel::update(parents::table.find(&p.id))
        .set(p)
        .execute(conn)
}
pub fn remove_parent(conn: &mut AnyConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(parents::table.find(id)).execute(conn)
}
pub fn add_provider(conn: &mut AnyConnection, p: &Provider) -> QueryResult<()> {
    diesel::insert_into(providers::table)
        .values(p)
        .execute(conn)?;
    Ok(())
}
pub fn find_provider(
    conn: &mut AnyConnection,
    child_id: &str,
    id: &str,
) -> QueryResult<Option<Provider>> {
    providers::table
        .filter(providers::child_id.eq(child_id))
        .filter(providers::id.eq(id))
        .select(Provider::as_select())
        .first(conn)
        .optional()
}
pub fn change_provider(conn: &mut AnyConnection, p: &Provider) -> QueryResult<usize> {
    diesel::update(providers::table.find(&p.id))
        .set(p)
        .execute(conn)
}
pub fn remove_provider(conn: &mut AnyConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(providers::table.find(id)).execute(conn)
}

pub fn close(
    conn: &mut AnyConnection,
    child: &Child,
    reason: &str,
    on: NaiveDate,
    note: Option<&str>,
    user_id: &str,
) -> QueryResult<SaveOutcome> {
    let n = diesel::update(
        children::table
            .filter(children::id.eq(&child.id))
            .filter(children::version.eq(child.version)),
    )
    .set((
        children::status.eq(EntryStatus::Closed),
        children::closed_reason.eq(Some(reason)),
        children::closed_on.eq(Some(on)),
        children::closed_note.eq(note),
        children::version.eq(child.version + 1),
        children::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(SaveOutcome::Stale);
    }
    record_change(
        conn,
        &child.id,
        Some(user_id),
        "status",
        Some("open"),
        Some("closed"),
        &format!("{reason}: {}", note.unwrap_or("")),
    )?;
    Ok(SaveOutcome::Saved)
}

pub fn reopen(
    conn: &mut AnyConnection,
    child: &Child,
    user_id: Option<&str>,
    reason: &str,
) -> QueryResult<SaveOutcome> {
    let n = diesel::update(
        children::table
            .filter(children::id.eq(&child.id))
            .filter(children::version.eq(child.version)),
    )
    .set((
        children::status.eq(EntryStatus::Open),
        children::closed_reason.eq(None::<String>),
        children::closed_on.eq(None::<NaiveDate>),
        children::closed_note.eq(None::<String>),
        children::version.eq(child.version + 1),
        children::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(SaveOutcome::Stale);
    }
    record_change(
        conn,
        &child.id,
        user_id,
        "status",
        Some("closed"),
        Some("open"),
        reason,
    )?;
    Ok(SaveOutcome::Saved)
}

pub fn mark_reviewed(conn: &mut AnyConnection, child_id: &str, user_id: &str) -> QueryResult<()> {
    diesel::update(children::table.find(child_id))
        .set(children::reviewed.eq(true))
        .execute(conn)?;
    record_change(
        conn,
        child_id,
        Some(user_id),
        "reviewed",
        Some("no"),
        Some("yes"),
        "Entry reviewed by an officer",
    )
}

#[derive(Default, Clone, Debug)]
pub struct ListFilter {
    pub status: String,
    pub arrangement: String,
    /// "not_reviewed", "incomplete", "outside_csa", "in_csa" or empty.
    pub flag: String,
    /// A social care flag kind (`safeguarding::FLAG_KINDS`), `POSSIBLE_MATCH`, or empty.
    pub social_care: String,
    pub age_from: Option<i32>,
    pub age_to: Option<i32>,
}

/// The columns the register list shows.
#[derive(Queryable, Selectable, diesel::QueryableByName, Clone, Debug)]
#[diesel(table_name = children)]
pub struct ListRow {
    pub id: String,
    pub reference: String,
    pub given_names: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub arrangement: String,
    pub status: EntryStatus,
    pub reviewed: bool,
    pub postcode_key: String,
}

impl ListRow {
    /// "Family, Given" as the list sorts, saying which part a legacy register lacked.
    pub fn list_name(&self) -> String {
        match (self.family_name.is_empty(), self.given_names.is_empty()) {
            (true, true) => "Name not known".into(),
            (true, false) => format!("(family name not known), {}", self.given_names),
            (false, true) => format!("{} (given name not known)", self.family_name),
            (false, false) => format!("{}, {}", self.family_name, self.given_names),
        }
    }
}

type Boxed<'a> = children::BoxedQuery<'a, crate::db::MultiBackend>;

fn filtered<'a>(f: &ListFilter, today: NaiveDate) -> Boxed<'a> {
    let mut q = children::table.into_boxed();
    match f.status.as_str() {
        "closed" => q = q.filter(children::status.eq(EntryStatus::Closed)),
        "all" => {}
        _ => q = q.filter(children::status.eq(EntryStatus::Open)),
    }
    if !f.arrangement.is_empty() {
        q = q.filter(children::arrangement.eq(f.arrangement.clone()));
    }
    let (min_dob, max_dob) = crate::domain::school_age::csa_dob_range(today);
    match f.flag.as_str() {
        "not_reviewed" => q = q.filter(children::reviewed.eq(false)),
        "incomplete" => q = q.filter(children::missing.is_not_null()),
        "outside_csa" => {
            q = q.filter(
                children::date_of_birth
                    .lt(min_dob)
                    .or(children::date_of_birth.gt(max_dob)),
            )
        }
        "in_csa" => {
            q = q.filter(
                children::date_of_birth
                    .ge(min_dob)
                    .and(children::date_of_birth.le(max_dob)),
            )
        }
        _ => {}
    }
    if f.social_care == POSSIBLE_MATCH {
        use crate::db::schema::match_links;
        q = q.filter(
            children::id.eq_any(
                match_links::table
                    .filter(match_links::decision.eq(crate::domain::matching::LinkState::Review))
                    .select(match_links::child_id),
            ),
        );
    } else if !f.social_care.is_empty() {
        use crate::db::schema::child_flags;
        q = q.filter(
            children::id.eq_any(
                child_flags::table
                    .filter(child_flags::ended_at.is_null())
                    .filter(child_flags::kind.eq(f.social_care.clone()))
                    .select(child_flags::child_id),
            ),
        );
    }
    // Age in whole years between a and b: born after (today - (b+1) years) and on or before (today - a years).
    if let Some(a) = f.age_from {
        q = q
            .filter(children::date_of_birth.le(crate::domain::school_age::birthday_back(today, a)));
    }
    if let Some(b) = f.age_to {
        q = q.filter(
            children::date_of_birth.gt(crate::domain::school_age::birthday_back(today, b + 1)),
        );
    }
    q
}

pub fn list(
    conn: &mut AnyConnection,
    f: &ListFilter,
    today: NaiveDate,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<ListRow>, i64)> {
    let total: i64 = filtered(f, today).count().get_result(conn)?;
    let rows = filtered(f, today)
        .order((
            children::family_name.asc(),
            children::given_names.asc(),
            children::id.asc(),
        ))
        .offset((page - 1).max(0) * per_page)
        .limit(per_page)
        .select(ListRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Where a page of the register list starts: at the beginning, or just after or just before an
/// entry (keyset paging: a page costs the same at any depth, where OFFSET reads every row before).
#[derive(Clone, Debug, PartialEq)]
pub enum Cursor {
    First,
    After(String),
    Before(String),
}

/// One page of the list, and whether there are entries before and after it.
pub struct ListPage {
    pub rows: Vec<ListRow>,
    pub has_prev: bool,
    pub has_next: bool,
}

/// A page of the register under `f`, in name order, from `cursor`.
pub fn list_page(
    conn: &mut AnyConnection,
    f: &ListFilter,
    today: NaiveDate,
    cursor: &Cursor,
    per_page: i64,
) -> QueryResult<ListPage> {
    let id = match cursor {
        Cursor::After(id) | Cursor::Before(id) => Some(id),
        Cursor::First => None,
    };
    let key: Option<(String, String, String)> = match id {
        Some(id) => children::table
            .find(id)
            .select((children::family_name, children::given_names, children::id))
            .first(conn)
            .optional()?,
        None => None,
    };
    // A cursor that names no entry (since removed, or made up) starts at the beginning.
    let cursor = if key.is_some() {
        cursor
    } else {
        &Cursor::First
    };
    let mut q = filtered(f, today);
    let forwards = !matches!(cursor, Cursor::Before(_));
    if let Some((fam, giv, id)) = key {
        // (family, given, id) beyond the cursor's as one row-value comparison, which both
        // databases seek to in the list's index; spelt out in ORs it would start at the surname
        // and step over every earlier entry of it (thousands of Smiths).
        use diesel::sql_types::{Bool, Text};
        let op = if forwards { ">" } else { "<" };
        q = q.filter(
            diesel::dsl::sql::<Bool>(&format!(
                "(children.family_name, children.given_names, children.id) {op} ("
            ))
            .bind::<Text, _>(fam)
            .sql(", ")
            .bind::<Text, _>(giv)
            .sql(", ")
            .bind::<Text, _>(id)
            .sql(")"),
        );
    }
    let q = if forwards {
        q.order((
            children::family_name.asc(),
            children::given_names.asc(),
            children::id.asc(),
        ))
    } else {
        q.order((
            children::family_name.desc(),
            children::given_names.desc(),
            children::id.desc(),
        ))
    };
    let mut rows: Vec<ListRow> = q
        .limit(per_page + 1)
        .select(ListRow::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > per_page;
    rows.truncate(usize::try_from(per_page).unwrap_or(0));
    Ok(match cursor {
        Cursor::First => ListPage {
            rows,
            has_prev: false,
            has_next: more,
        },
        Cursor::After(_) => ListPage {
            rows,
            has_prev: true,
            has_next: more,
        },
        Cursor::Before(_) => {
            rows.reverse();
            ListPage {
                rows,
                has_prev: more,
                has_next: true,
            }
        }
    })
}

/// How many entries the filter matches.
pub fn count_listed(
    conn: &mut AnyConnection,
    f: &ListFilter,
    today: NaiveDate,
) -> QueryResult<i64> {
    filtered(f, today).count().get_result(conn)
}

/// The filter value for children with a social care match waiting for an officer.
pub const POSSIBLE_MATCH: &str = "possible_match";

/// The social care filters: each flag kind, and a possible match waiting.
pub fn social_care_filters() -> Vec<(&'static str, &'static str)> {
    crate::domain::safeguarding::FLAG_KINDS
        .iter()
        .copied()
        .chain(std::iter::once((
            POSSIBLE_MATCH,
            "Possible social care match waiting for an officer",
        )))
        .collect()
}

/// The active social care flags (and waiting possible matches) of these children, by child.
pub fn social_care_tags(
    conn: &mut AnyConnection,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, Vec<String>>> {
    use crate::db::one_of::one_of;
    use crate::db::schema::{child_flags, match_links};
    let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
    if let AnyConnection::Postgresql(pg) = conn {
        // One round trip to PostgreSQL's server rather than two: this runs on every list page.
        for t in social_care_tags_pg(pg, ids)? {
            out.entry(t.child_id).or_default().push(t.kind);
        }
        for kinds in out.values_mut() {
            kinds.sort();
        }
        return Ok(out);
    }
    let flags: Vec<(String, String)> = child_flags::table
        .filter(one_of(child_flags::child_id, ids))
        .filter(child_flags::ended_at.is_null())
        .select((child_flags::child_id, child_flags::kind))
        .distinct()
        .load(conn)?;
    let reviews: Vec<String> = match_links::table
        .filter(one_of(match_links::child_id, ids))
        .filter(match_links::decision.eq(crate::domain::matching::LinkState::Review))
        .select(match_links::child_id)
        .distinct()
        .load(conn)?;
    for (c, k) in flags {
        out.entry(c).or_default().push(k);
    }
    for c in reviews {
        out.entry(c).or_default().push(POSSIBLE_MATCH.into());
    }
    for kinds in out.values_mut() {
        kinds.sort();
    }
    Ok(out)
}

#[derive(diesel::QueryableByName)]
struct Tag {
    #[diesel(sql_type = diesel::sql_types::Text)]
    child_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
}

/// `social_care_tags`' two reads as one statement, prepared once on the connection.
fn social_care_tags_pg(conn: &mut diesel::PgConnection, ids: &[String]) -> QueryResult<Vec<Tag>> {
    use crate::db::pg_sql::PgSql;
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    PgSql::new()
        .sql(
            "SELECT child_id, kind FROM child_flags WHERE ended_at IS NULL AND child_id IN \
             (SELECT json_array_elements_text(CAST(",
        )
        .text(json.clone())
        .sql(" AS json))) UNION SELECT child_id, ")
        .text(POSSIBLE_MATCH)
        .sql(format!(
            " FROM match_links WHERE decision = '{}' AND child_id IN \
             (SELECT json_array_elements_text(CAST(",
            crate::domain::matching::LinkState::Review.as_str()
        ))
        .text(json)
        .sql(" AS json)))")
        .load(conn)
}

/// How many open entries carry each social care flag, and have a possible match waiting.
pub fn social_care_counts(conn: &mut AnyConnection) -> QueryResult<Vec<(&'static str, i64)>> {
    use crate::db::schema::{child_flags, match_links};
    let mut out = vec![];
    for (kind, _) in social_care_filters() {
        let n: i64 = if kind == POSSIBLE_MATCH {
            match_links::table
                .inner_join(children::table)
                .filter(children::status.eq(EntryStatus::Open))
                .filter(match_links::decision.eq(crate::domain::matching::LinkState::Review))
                .select(diesel::dsl::count(match_links::child_id).aggregate_distinct())
                .first(conn)?
        } else {
            child_flags::table
                .inner_join(children::table)
                .filter(children::status.eq(EntryStatus::Open))
                .filter(child_flags::ended_at.is_null())
                .filter(child_flags::kind.eq(kind))
                .select(diesel::dsl::count(child_flags::child_id).aggregate_distinct())
                .first(conn)?
        };
        out.push((kind, n));
    }
    Ok(out)
}

/// What a search box query means.
#[derive(Debug, PartialEq)]
pub enum Query {
    Reference(String),
    Upn(String),
    Nhs(String),
    DateOfBirth(NaiveDate),
    Postcode(String),
    /// The outward code alone ("DT1"): the whole postal district.
    District(String),
    Name(Vec<String>),
}

fn is_outward_code(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    (1..=2).contains(&letters)
        && b.len() > letters
        && b[letters].is_ascii_digit()
        && b.len() <= letters + 2
        && b.iter().all(u8::is_ascii_alphanumeric)
}

pub fn parse_query(q: &str) -> Option<Query> {
    let t = q.trim();
    if t.is_empty() {
        return None;
    }
    let upper = t.to_ascii_uppercase();
    if upper.starts_with("CN-")
        || (upper.starts_with("CN") && upper.len() == 10 && !upper.contains(' '))
    {
        let compact: String = upper
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        if compact.len() == 10 {
            return Some(Query::Reference(format!(
                "CN-{}-{}",
                &compact[2..6],
                &compact[6..]
            )));
        }
    }
    if let Ok(u) = crate::domain::identifiers::normalise_upn(t) {
        return Some(Query::Upn(u));
    }
    if let Ok(n) = crate::domain::identifiers::normalise_nhs_number(t) {
        return Some(Query::Nhs(n));
    }
    for fmt in ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Some(Query::DateOfBirth(d));
        }
    }
    if crate::domain::identifiers::normalise_postcode(t).is_ok() {
        return Some(Query::Postcode(crate::domain::identifiers::postcode_key(t)));
    }
    if is_outward_code(&upper) {
        return Some(Query::District(upper));
    }
    let words: Vec<String> = fold(t)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    (!words.is_empty()).then_some(Query::Name(words))
}

diesel::alias!(crate::db::schema::child_name_parts as other_part: OtherPart);

/// How many name parts start with `word`, counted up to `cap` (the cost of counting stops there).
fn parts_starting(conn: &mut AnyConnection, word: &str, cap: i64) -> QueryResult<i64> {
    use crate::db::schema::child_name_parts as np;
    Ok(np::table
        .filter(np::part.ge(word))
        .filter(np::part.lt(prefix_end(word)))
        .select(np::part)
        .limit(cap)
        .load::<String>(conn)?
        .len() as i64)
}

/// Whether every name part starting with `word` is `word` itself ("smith", not also "smithson"):
/// then its rows are in name order in the index and need no sort.
fn only_exact(conn: &mut AnyConnection, word: &str) -> QueryResult<bool> {
    use crate::db::schema::child_name_parts as np;
    let longer: Option<String> = np::table
        .filter(np::part.gt(word))
        .filter(np::part.lt(prefix_end(word)))
        .select(np::part)
        .first(conn)
        .optional()?;
    Ok(longer.is_none())
}

/// Children whose name has a part starting with each word ("smi" finds Smith, "obr" O'Brien),
/// first `limit` by name. The word with the fewest parts drives, probing the others per
/// candidate on (child_id, part); when its parts are all one word the sorted index gives the
/// order, and the walk stops at `limit`. Only the rows found are then read.
fn search_by_name(
    conn: &mut AnyConnection,
    words: &[String],
    limit: i64,
) -> QueryResult<Vec<ListRow>> {
    use crate::db::schema::child_name_parts as np;
    // PostgreSQL's own way costs two round trips to its server; SQLite's runs in process.
    if let AnyConnection::Postgresql(pg) = conn {
        if let Some(mut rows) = search_by_pair_pg(pg, words, limit)? {
            rows.sort_by_key(open_first);
            return Ok(rows);
        }
    } else if let Some(found) = search_by_pair(conn, words, limit)? {
        return rows_in_order(conn, &found);
    }
    const CAP: i64 = 5_000;
    let mut sized = Vec::with_capacity(words.len());
    for w in words {
        let n = if words.len() > 1 {
            parts_starting(conn, w, CAP)?
        } else {
            0
        };
        sized.push((n, w));
    }
    sized.sort();
    let Some(((_, first), rest)) = sized.split_first() else {
        return Ok(vec![]);
    };
    let exact = only_exact(conn, first)?;
    let mut q = if exact {
        np::table
            .filter(np::part.eq((*first).clone()))
            .into_boxed::<crate::db::MultiBackend>()
    } else {
        np::table
            .filter(np::part.ge((*first).clone()))
            .filter(np::part.lt(prefix_end(first)))
            .into_boxed::<crate::db::MultiBackend>()
    };
    for (_, w) in rest {
        q = q.filter(diesel::dsl::exists(
            other_part
                .filter(other_part.field(np::child_id).eq(np::child_id))
                .filter(other_part.field(np::part).ge((*w).clone()))
                .filter(other_part.field(np::part).lt(prefix_end(w))),
        ));
    }
    let q = q.select((np::family_name, np::given_names, np::child_id));
    let order = (np::family_name, np::given_names, np::child_id);
    // One part per child for an exact word (the key is (part, child_id)); a range may hold two.
    let found: Vec<(String, String, String)> = if exact {
        q.order(order).limit(limit).load(conn)?
    } else {
        q.distinct().order(order).limit(limit).load(conn)?
    };
    rows_in_order(conn, &found)
}

#[derive(diesel::QueryableByName)]
struct LeadPart {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    word: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    part: String,
}

/// Different name parts read for each lead word: a word that starts more cannot lead.
const FEW_PARTS: usize = 16;
/// Different pairs read one by one in each range; the rest of a range is read as a whole.
const PAIR_STEPS: usize = 64;

/// `WITH RECURSIVE w0(part, k) AS (…), w1 …`: for each lead word, its first `FEW_PARTS + 1`
/// different name parts, by recursion on the index (a loose index scan, one seek a part).
fn lead_parts_pg(words: &[String], leads: &[(usize, usize)]) -> crate::db::pg_sql::PgSql {
    let mut q = crate::db::pg_sql::PgSql::new().sql("WITH RECURSIVE ");
    for (n, &(i, _)) in leads.iter().enumerate() {
        let (w, end) = (&words[i], prefix_end(&words[i]));
        q = q
            .sql(format!(
                "{}w{n}(part, k) AS (SELECT min(part), 1 FROM child_name_parts WHERE part >= ",
                if n > 0 { ", " } else { "" }
            ))
            .text(w)
            .sql(" AND part < ")
            .text(end.clone())
            .sql(format!(
                " UNION ALL SELECT (SELECT min(p.part) FROM child_name_parts p \
                 WHERE p.part > w{n}.part AND p.part < "
            ))
            .text(end)
            .sql(format!(
                "), k + 1 FROM w{n} WHERE w{n}.part IS NOT NULL AND k <= {FEW_PARTS})"
            ));
    }
    q
}

/// `SELECT n AS word, part FROM wn … UNION ALL …`: every lead word's parts, by lead.
fn lead_parts_union(leads: usize) -> String {
    (0..leads)
        .map(|n| format!("SELECT {n} AS word, part FROM w{n} WHERE part IS NOT NULL"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The rest of a statement, after a CTE list, that reads the list rows of the first `limit`
/// children, in name order, with a pair in a range of `ranges` (`SQL AS r(lo, hi)` follows it)
/// and a part starting each of `others`: `v` steps through the different pairs of each range,
/// one index seek each, reading each pair's first rows in name order straight from the index,
/// so nothing is sorted but the few it returns; after `PAIR_STEPS` of them, the last row stands
/// for the rest of its range. The limits are written in, so PostgreSQL keeps one plan.
fn pair_rows_pg(
    q: crate::db::pg_sql::PgSql,
    ranges: impl FnOnce(crate::db::pg_sql::PgSql) -> crate::db::pg_sql::PgSql,
    others: &[&String],
    limit: i64,
) -> crate::db::pg_sql::PgSql {
    let probed = |mut q: crate::db::pg_sql::PgSql| {
        for w in others {
            q = q
                .sql(
                    " AND EXISTS (SELECT 1 FROM child_name_parts q WHERE q.child_id = p.child_id \
                     AND q.part >= ",
                )
                .text(w.as_str())
                .sql(" AND q.part < ")
                .text(prefix_end(w))
                .sql(")");
        }
        q
    };
    let q = ranges(q.sql(
        "v(hi, pair, k) AS (SELECT r.hi, (SELECT min(p.pair) FROM \
         child_name_pairs p WHERE p.pair >= r.lo AND p.pair < r.hi), 1 FROM ",
    ));
    let q = q.sql(format!(
        " AS r(lo, hi) UNION ALL SELECT v.hi, (SELECT min(p.pair) FROM \
             child_name_pairs p WHERE p.pair > v.pair AND p.pair < v.hi), k + 1 FROM v \
             WHERE v.pair IS NOT NULL AND k <= {PAIR_STEPS}), \
             f AS (SELECT x.family_name, x.given_names, x.child_id FROM v CROSS JOIN LATERAL \
             (SELECT p.family_name, p.given_names, p.child_id FROM child_name_pairs p \
             WHERE p.pair = v.pair"
    ));
    let q = probed(q).sql(format!(
        " ORDER BY p.family_name, p.given_names, p.child_id LIMIT {limit}) x \
             WHERE v.k <= {PAIR_STEPS} UNION ALL SELECT x.family_name, x.given_names, x.child_id \
             FROM v CROSS JOIN LATERAL (SELECT DISTINCT p.family_name, p.given_names, \
             p.child_id FROM child_name_pairs p WHERE p.pair >= v.pair AND p.pair < v.hi"
    ));
    probed(q).sql(format!(
        " ORDER BY p.family_name, p.given_names, p.child_id LIMIT {limit}) x \
         WHERE v.k > {PAIR_STEPS} AND v.pair IS NOT NULL) \
         SELECT c.id, c.reference, c.given_names, c.family_name, c.date_of_birth, c.arrangement, \
         c.status, c.reviewed, c.postcode_key FROM (SELECT DISTINCT family_name, given_names, \
         child_id FROM f ORDER BY family_name, given_names, child_id LIMIT {limit}) t \
         JOIN children c ON c.id = t.child_id"
    ))
}

/// `search_by_pair` for PostgreSQL, where each statement is a round trip to another process.
/// Two words (most searches: a given name and a family name) take one statement: the lead
/// words' first parts, the word that starts fewest chosen in SQL, its pair ranges, and the list
/// rows. When that finds nobody (or more words were typed), two: the lead parts are read, the
/// word chosen here, then its ranges read. Every statement stays prepared on the connection
/// (`PgSql`). None when every word starts too many parts.
fn search_by_pair_pg(
    conn: &mut diesel::PgConnection,
    words: &[String],
    limit: i64,
) -> QueryResult<Option<Vec<ListRow>>> {
    if words.len() < 2 || words.len() > 6 {
        return Ok(None);
    }
    let leads = pair_partners(words);
    if leads.is_empty() {
        return Ok(None);
    }
    if words.len() == 2 {
        let rows = one_statement_pair_search_pg(conn, words, &leads, limit)?;
        if !rows.is_empty() {
            return Ok(Some(rows));
        }
        // Nobody, or no word starts few enough parts to lead: the two statements say which.
    }
    let found: Vec<LeadPart> = lead_parts_pg(words, &leads)
        .sql(format!(" {}", lead_parts_union(leads.len())))
        .load(conn)?;
    let mut parts: Vec<Vec<String>> = vec![vec![]; leads.len()];
    for f in found {
        if let Some(v) = usize::try_from(f.word).ok().and_then(|w| parts.get_mut(w)) {
            v.push(f.part);
        }
    }
    // The word with the fewest parts (ties to the earlier word), if it has at most FEW_PARTS.
    let Some((k, lead_parts)) = parts
        .into_iter()
        .enumerate()
        .filter(|(_, p)| p.len() <= FEW_PARTS)
        .min_by_key(|(k, p)| (p.len(), *k))
    else {
        return Ok(None);
    };
    // A word that starts no name part in the register: nobody has every word.
    if lead_parts.is_empty() {
        return Ok(Some(vec![]));
    }
    let (i, j) = leads[k];
    // Any further words are probed per candidate, as on SQLite.
    let others: Vec<&String> = (0..words.len())
        .filter(|&w| w != i && w != j)
        .map(|w| &words[w])
        .collect();
    let values = |mut q: crate::db::pg_sql::PgSql| {
        q = q.sql("(VALUES ");
        for (n, part) in lead_parts.iter().enumerate() {
            let pair = format!("{part} {}", words[j]);
            let end = prefix_end(&pair);
            q = q
                .sql(if n == 0 { "(" } else { ", (" })
                .text(pair)
                .sql("::text, ")
                .text(end)
                .sql("::text)");
        }
        q.sql(")")
    };
    let q = pair_rows_pg(
        crate::db::pg_sql::PgSql::new().sql("WITH RECURSIVE "),
        values,
        &others,
        limit,
    );
    Ok(Some(q.load::<ListRow>(conn)?))
}

/// Two words in one statement: `lead_parts_pg`, then in SQL the lead with the fewest parts (at
/// most `FEW_PARTS`, ties to the earlier) and its ranges (each part, a space, the partner word),
/// then `pair_rows_pg`. Empty when nobody has both words or no word can lead.
fn one_statement_pair_search_pg(
    conn: &mut diesel::PgConnection,
    words: &[String],
    leads: &[(usize, usize)],
    limit: i64,
) -> QueryResult<Vec<ListRow>> {
    let mut q = lead_parts_pg(words, leads).sql(", leads(word, partner) AS (VALUES ");
    for (n, &(_, j)) in leads.iter().enumerate() {
        q = q
            .sql(format!("{}({n}, ", if n > 0 { ", " } else { "" }))
            .text(words[j].as_str())
            .sql("::text)");
    }
    let q = q
        .sql(format!(
            "), lp(word, part) AS ({}), \
             pick(word) AS (SELECT l.word FROM leads l LEFT JOIN lp ON lp.word = l.word \
             GROUP BY l.word HAVING count(lp.part) <= {FEW_PARTS} \
             ORDER BY count(lp.part), l.word LIMIT 1), \
             ranges(lo, hi) AS (SELECT lp.part || ' ' || l.partner, \
             lp.part || ' ' || l.partner || ",
            lead_parts_union(leads.len())
        ))
        .text(char::MAX.to_string())
        .sql(" FROM pick JOIN lp ON lp.word = pick.word JOIN leads l ON l.word = pick.word), ");
    pair_rows_pg(q, |q| q.sql("ranges"), &[], limit).load::<ListRow>(conn)
}

/// Each word that can lead a pair, with its partner: the first other word that does not start
/// it and is not started by it (one part could then match both, and a pair holds two different
/// parts). (lead, partner) as indexes into `words`.
fn pair_partners(words: &[String]) -> Vec<(usize, usize)> {
    (0..words.len())
        .filter_map(|i| {
            let lead = &words[i];
            words
                .iter()
                .position(|o| !lead.starts_with(o.as_str()) && !o.starts_with(lead.as_str()))
                .map(|j| (i, j))
        })
        .collect()
}

/// Open entries first, then by name, as every search lists them.
fn open_first(r: &ListRow) -> (bool, String, String, String) {
    (
        r.status != EntryStatus::Open,
        r.family_name.clone(),
        r.given_names.clone(),
        r.id.clone(),
    )
}

/// The name part after `after` (or the first) that starts with `word`: one index seek.
fn next_part(
    conn: &mut AnyConnection,
    word: &str,
    after: Option<&String>,
) -> QueryResult<Option<String>> {
    use crate::db::schema::child_name_parts as np;
    let mut q = np::table
        .filter(np::part.lt(prefix_end(word)))
        .into_boxed::<crate::db::MultiBackend>();
    q = match after {
        Some(last) => q.filter(np::part.gt(last.clone())),
        None => q.filter(np::part.ge(word.to_string())),
    };
    q.select(np::part).order(np::part).first(conn).optional()
}

/// Of `words`, the one that starts the fewest different name parts ("amelia", "ameliarose"),
/// with those parts in order, when it starts at most `cap`. The words are stepped through in
/// turn, one seek each, so a word that starts hundreds of parts costs no more seeks than the
/// one that wins; ties go to the earlier word.
fn fewest_parts(
    conn: &mut AnyConnection,
    words: &[&String],
    cap: usize,
) -> QueryResult<Option<(usize, Vec<String>)>> {
    let mut found: Vec<Vec<String>> = vec![vec![]; words.len()];
    for _ in 0..=cap {
        for (k, word) in words.iter().enumerate() {
            match next_part(conn, word, found[k].last())? {
                None => return Ok(Some((k, std::mem::take(&mut found[k])))),
                Some(p) => found[k].push(p),
            }
        }
    }
    Ok(None)
}

/// Two or more words, one of which starts only a few different name parts: for each of those
/// parts the pair index holds the children with it and a part starting with another word in one
/// short range, in name order. Any further words are probed per candidate. None when no word fits
/// (then `search_by_name` drives from the parts).
fn search_by_pair(
    conn: &mut AnyConnection,
    words: &[String],
    limit: i64,
) -> QueryResult<Option<Vec<(String, String, String)>>> {
    use crate::db::schema::child_name_pairs as pairs;
    use crate::db::schema::child_name_parts as np;
    const FEW: usize = 16;
    if words.len() < 2 {
        return Ok(None);
    }
    // The word with the fewest different parts leads.
    let leads = pair_partners(words);
    let lead_words: Vec<&String> = leads.iter().map(|&(i, _)| &words[i]).collect();
    let Some((k, parts)) = fewest_parts(conn, &lead_words, FEW)? else {
        return Ok(None);
    };
    let (i, j) = leads[k];
    let mut found: Vec<(String, String, String)> = vec![];
    for part in &parts {
        let pair = format!("{part} {}", words[j]);
        let mut q = pairs::table
            .filter(pairs::pair.ge(pair.clone()))
            .filter(pairs::pair.lt(prefix_end(&pair)))
            .into_boxed::<crate::db::MultiBackend>();
        for (k, w) in words.iter().enumerate() {
            if k != i && k != j {
                q = q.filter(diesel::dsl::exists(
                    np::table
                        .filter(np::child_id.eq(pairs::child_id))
                        .filter(np::part.ge(w.clone()))
                        .filter(np::part.lt(prefix_end(w))),
                ));
            }
        }
        found.extend(
            q.select((pairs::family_name, pairs::given_names, pairs::child_id))
                .distinct()
                .order((pairs::family_name, pairs::given_names, pairs::child_id))
                .limit(limit)
                .load::<(String, String, String)>(conn)?,
        );
    }
    found.sort();
    found.dedup();
    found.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(Some(found))
}

/// The list rows for (family, given, id) triples found in a name index, open entries first.
fn rows_in_order(
    conn: &mut AnyConnection,
    found: &[(String, String, String)],
) -> QueryResult<Vec<ListRow>> {
    let ids: Vec<&String> = found.iter().map(|(_, _, id)| id).collect();
    let mut rows: Vec<ListRow> = children::table
        .filter(crate::db::one_of::one_of(children::id, &ids))
        .select(ListRow::as_select())
        .load(conn)?;
    rows.sort_by_key(open_first);
    Ok(rows)
}

/// The postcode district (outward code) of `postcode_key`, exactly as the children_district
/// index (migration 25) writes it.
const DISTRICT_OF_POSTCODE_KEY: &str =
    "CASE WHEN length(postcode_key) > 3 THEN substr(postcode_key, 1, length(postcode_key) - 3) ELSE '' END";

/// Finds entries (open and closed) for a search; at most `limit`.
pub fn search(conn: &mut AnyConnection, q: &Query, limit: i64) -> QueryResult<Vec<ListRow>> {
    let mut b = children::table.into_boxed::<crate::db::MultiBackend>();
    match q {
        Query::Reference(r) => b = b.filter(children::reference.eq(r.clone())),
        Query::Upn(u) => b = b.filter(children::upn.eq(u.clone())),
        Query::Nhs(n) => b = b.filter(children::nhs_number.eq(n.clone())),
        Query::DateOfBirth(d) => b = b.filter(children::date_of_birth.eq(*d)),
        Query::Postcode(p) => b = b.filter(children::postcode_key.eq(p.clone())),
        // The inward code is always 3 characters, so DT1 finds DT1 4AB but not DT10 1AA. The
        // expression is the children_district index's, so the first page is read in order.
        Query::District(d) => {
            b = b.filter(
                diesel::dsl::sql::<diesel::sql_types::Text>(DISTRICT_OF_POSTCODE_KEY).eq(d.clone()),
            )
        }
        Query::Name(words) => return search_by_name(conn, words, limit),
    }
    b.order((
        children::status.desc(),
        children::family_name.asc(),
        children::given_names.asc(),
        children::id.asc(),
    ))
    .limit(limit)
    .select(ListRow::as_select())
    .load(conn)
}

pub struct HomeCounts {
    pub open: i64,
    pub not_reviewed: i64,
    pub outside_csa: i64,
    pub added_last_30_days: i64,
}

pub fn home_counts(conn: &mut AnyConnection, today: NaiveDate) -> QueryResult<HomeCounts> {
    let open = children::table
        .filter(children::status.eq(EntryStatus::Open))
        .count()
        .get_result(conn)?;
    let not_reviewed = children::table
        .filter(children::status.eq(EntryStatus::Open))
        .filter(children::reviewed.eq(false))
        .count()
        .get_result(conn)?;
    let (min_dob, max_dob) = crate::domain::school_age::csa_dob_range(today);
    let outside_csa = children::table
        .filter(children::status.eq(EntryStatus::Open))
        .filter(
            children::date_of_birth
                .lt(min_dob)
                .or(children::date_of_birth.gt(max_dob)),
        )
        .count()
        .get_result(conn)?;
    let since = today.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::days(30);
    // Of the children on the register now, so the two counts agree.
    let added_last_30_days = children::table
        .filter(children::status.eq(EntryStatus::Open))
        .filter(children::created_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok(HomeCounts {
        open,
        not_reviewed,
        outside_csa,
        added_last_30_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_recognised() {
        assert_eq!(
            parse_query("cn-ab3d-efgh"),
            Some(Query::Reference("CN-AB3D-EFGH".into()))
        );
        assert_eq!(
            parse_query("B801200005001"),
            Some(Query::Upn("B801200005001".into()))
        );
        assert_eq!(
            parse_query("943 476 5919"),
            Some(Query::Nhs("9434765919".into()))
        );
        assert_eq!(
            parse_query("03/02/2015"),
            Some(Query::DateOfBirth(
                NaiveDate::from_ymd_opt(2015, 2, 3).unwrap()
            ))
        );
        assert_eq!(
            parse_query("sw1a 1aa"),
            Some(Query::Postcode("SW1A1AA".into()))
        );
        assert_eq!(
            parse_query("  Zoë  SMITH "),
            Some(Query::Name(vec!["zoe".into(), "smith".into()]))
        );
        assert_eq!(parse_query("   "), None);
        assert_eq!(parse_query("dt1"), Some(Query::District("DT1".into())));
        assert_eq!(parse_query("SW1A"), Some(Query::District("SW1A".into())));
        assert_eq!(parse_query("Ada"), Some(Query::Name(vec!["ada".into()])));
    }
}
