//! Parents' notifications under EA 1996 s.436D(1): a draft saved after every page, then one
//! submission that becomes register entries (or is linked to entries already there).
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{children, parent_notifications, parents};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::parents::{needs_officer_confirmation, ParentSource};
use crate::domain::register::AddressKind;
use crate::domain::register::{compare_entries, fold, EntryMatch, Identity};
use crate::store::children::{self as register, Address, Child, Parent, Provider};
use crate::store::parent_claims::{self, ClaimedChild};
use crate::store::tasks::TaskKind;
use crate::store::tasks::{self, TeamAlert};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = parent_notifications)]
pub struct Draft {
    pub id: String,
    pub email: String,
    pub reference: String,
    pub answers: String,
    pub pending_step: Option<String>,
    pub pending_form: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
}

/// The parent's unsent draft, if any.
pub fn open_draft(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<Draft>> {
    parent_notifications::table
        .filter(parent_notifications::email.eq(email))
        .filter(parent_notifications::submitted_at.is_null())
        .order(parent_notifications::created_at.desc())
        .select(Draft::as_select())
        .first(conn)
        .optional()
}

/// The parent's unsent draft, started now if there is none.
pub fn draft_for(conn: &mut AnyConnection, email: &str) -> QueryResult<Draft> {
    if let Some(d) = open_draft(conn, email)? {
        return Ok(d);
    }
    let t = now();
    let id = new_id();
    diesel::insert_into(parent_notifications::table)
        .values((
            parent_notifications::id.eq(&id),
            parent_notifications::email.eq(email),
            parent_notifications::reference.eq(new_notification_reference()),
            parent_notifications::answers.eq("{}"),
            parent_notifications::created_at.eq(t),
            parent_notifications::updated_at.eq(t),
        ))
        .execute(conn)?;
    parent_notifications::table
        .find(&id)
        .select(Draft::as_select())
        .first(conn)
}

/// The parent's latest sent notification, for the confirmation page.
pub fn last_submitted(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<Draft>> {
    parent_notifications::table
        .filter(parent_notifications::email.eq(email))
        .filter(parent_notifications::submitted_at.is_not_null())
        .order(parent_notifications::submitted_at.desc())
        .select(Draft::as_select())
        .first(conn)
        .optional()
}

fn new_notification_reference() -> String {
    // Same alphabet as entry references, with its own prefix so the two are never confused.
    let r = register::new_reference();
    format!("PN-{}", &r[3..])
}

/// Saves the answers of an unsent draft; a sent one is never changed.
pub fn save_answers(conn: &mut AnyConnection, id: &str, answers: &str) -> QueryResult<bool> {
    let n = diesel::update(
        parent_notifications::table
            .find(id)
            .filter(parent_notifications::submitted_at.is_null()),
    )
    .set((
        parent_notifications::answers.eq(answers),
        parent_notifications::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// What was typed on a page when the session lapsed, kept until the parent signs in again.
pub fn save_pending(
    conn: &mut AnyConnection,
    id: &str,
    step: Option<&str>,
    form: Option<&str>,
) -> QueryResult<()> {
    diesel::update(parent_notifications::table.find(id))
        .set((
            parent_notifications::pending_step.eq(step),
            parent_notifications::pending_form.eq(form),
        ))
        .execute(conn)?;
    Ok(())
}

/// One child as the parent (or a school) described them, ready to become an entry.
pub struct NotifiedChild {
    pub child: Child,
    pub addresses: Vec<Address>,
    pub providers: Vec<Provider>,
    pub parents: Vec<Parent>,
    /// Who described them: decides which parents wait for an officer (`domain::parents`).
    pub from: Informant,
    /// What the parent chose to give of the s.436C(2) information; kept on a new entry only
    /// (an existing entry is an officer's to change).
    pub prescribed: crate::domain::prescribed::Prescribed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Informant {
    Parent,
    School,
    /// Another council's transfer package (s.436F): its parents' emails wait for an officer,
    /// as a school's do.
    OtherCouncil,
}

impl NotifiedChild {
    fn home(&self) -> Option<String> {
        self.addresses
            .iter()
            .find(|a| a.kind == AddressKind::Current)
            .map(|a| a.one_line())
    }

    fn source(&self, new_entry: bool) -> ParentSource {
        match (self.from, new_entry) {
            (Informant::School | Informant::OtherCouncil, _) => ParentSource::School,
            (Informant::Parent, true) => ParentSource::ParentAboutNewEntry,
            (Informant::Parent, false) => ParentSource::ParentAboutExistingEntry,
        }
    }
}

pub enum Outcome {
    /// Each child's entry id, and whether it was linked to an entry already on the register.
    Submitted(Vec<(String, bool)>),
    /// The draft was sent already (a double submit): nothing more was done.
    AlreadySubmitted,
}

/// Submits a draft: each child becomes an entry marked "from parent, not yet reviewed", unless it
/// is the same child as an entry already on the register, which is linked instead. Possible
/// matches get an officer task. All in one transaction, and only once per draft.
pub fn submit(
    conn: &mut AnyConnection,
    draft_id: &str,
    notified: Vec<NotifiedChild>,
    alert: Option<&TeamAlert>,
) -> anyhow::Result<Outcome> {
    let t = now();
    let claimed = diesel::update(
        parent_notifications::table
            .find(draft_id)
            .filter(parent_notifications::submitted_at.is_null()),
    )
    .set((
        parent_notifications::submitted_at.eq(t),
        parent_notifications::pending_step.eq(None::<String>),
        parent_notifications::pending_form.eq(None::<String>),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(Outcome::AlreadySubmitted);
    }
    let reference: String = parent_notifications::table
        .find(draft_id)
        .select(parent_notifications::reference)
        .first(conn)?;
    let why = format!("notification from a parent, {reference}");
    let mut entries = vec![];
    for n in notified {
        entries.push(enter_or_link(conn, &n, &why, draft_id, alert)?);
    }
    Ok(Outcome::Submitted(entries))
}

/// Enters a child the council has been told about (by a parent, or a school's deletion return),
/// unless it is the same child as an entry already on the register, which is linked and marked
/// for review instead. Possible matches get an officer task. Returns (entry id, linked).
pub fn enter_or_link(
    conn: &mut AnyConnection,
    n: &NotifiedChild,
    why: &str,
    source_id: &str,
    alert: Option<&TeamAlert>,
) -> anyhow::Result<(String, bool)> {
    let t = now();
    {
        let candidates: Vec<Child> = children::table
            .filter(children::date_of_birth.eq(n.child.date_of_birth))
            .select(Child::as_select())
            .load(conn)?;
        let me = identity(&n.child);
        let same: Vec<&Child> = candidates
            .iter()
            .filter(|c| compare_entries(&identity(c), &me) == EntryMatch::Same)
            .collect();
        if let [existing] = same.as_slice() {
            link(conn, existing, n, why, source_id, alert)?;
            return Ok((existing.id.clone(), true));
        }
        let possible: Vec<&Child> = candidates
            .iter()
            .filter(|c| compare_entries(&identity(c), &me) != EntryMatch::Different)
            .collect();
        let mut child = Child {
            reviewed: false,
            ..n.child.clone()
        };
        let with_ids = |p: &Parent| Parent {
            id: new_id(),
            child_id: child.id.clone(),
            ..p.clone()
        };
        // A parent who must wait for an officer goes on the new entry without their email (so
        // without access or notices); the email waits as a claim.
        let source = n.source(true);
        let mut waiting = vec![];
        let ps: Vec<Parent> = n
            .parents
            .iter()
            .map(|p| {
                let mut row = with_ids(p);
                if needs_officer_confirmation(source, p.email.is_some()) {
                    waiting.push(row.clone());
                    row.email = None;
                }
                row
            })
            .collect();
        let addrs: Vec<Address> = n
            .addresses
            .iter()
            .map(|a| Address {
                id: new_id(),
                child_id: child.id.clone(),
                ..a.clone()
            })
            .collect();
        let provs: Vec<Provider> = n
            .providers
            .iter()
            .map(|p| Provider {
                id: new_id(),
                child_id: child.id.clone(),
                ..p.clone()
            })
            .collect();
        register::insert(conn, &mut child, &addrs, &ps, &provs, None, why)?;
        if n.prescribed != crate::domain::prescribed::Prescribed::default() {
            super::prescribed::save(conn, &child.id, &n.prescribed, None, why)?;
        }
        for p in &waiting {
            let claimed = ClaimedChild {
                child: &n.child,
                address: n.home(),
            };
            parent_claims::hold(conn, &child.id, &claimed, p, why, Some(source_id), alert)?;
        }
        tasks::create(
            conn,
            alert,
            Some(&child.id),
            TaskKind::ReviewNotification,
            &format!("Review the entry made from the {why}; within 15 days consider where the child lives and may request a visit (s.436B(8))."),
            Some(source_id),
            Some(t.date() + chrono::Days::new(14)),
        )?;
        if !possible.is_empty() {
            let refs: Vec<&str> = possible.iter().map(|c| c.reference.as_str()).collect();
            tasks::create(
                conn,
                alert,
                Some(&child.id),
                TaskKind::PossibleMatch,
                &format!("Same date of birth and a name or postcode in common with {}: the same child? Merge by hand and close the spare entry.", refs.join(", ")),
                Some(source_id),
                None,
            )?;
        }
        Ok((child.id, false))
    }
}

fn identity(c: &Child) -> Identity<'_> {
    Identity {
        given_names: &c.given_names,
        family_name: &c.family_name,
        date_of_birth: c.date_of_birth,
        postcode_key: &c.postcode_key,
    }
}

/// The child is on the register already: mark it for review, and hold every parent not yet on
/// it as a claim for an officer to check. Nothing on the entry is overwritten, and nobody gains
/// access to the record or its notices until an officer confirms them.
fn link(
    conn: &mut AnyConnection,
    existing: &Child,
    n: &NotifiedChild,
    why: &str,
    source_id: &str,
    alert: Option<&TeamAlert>,
) -> anyhow::Result<()> {
    let on_record: Vec<(Option<String>, String, String)> = parents::table
        .filter(parents::child_id.eq(&existing.id))
        .select((parents::email, parents::given_names, parents::family_name))
        .load(conn)?;
    let source = n.source(false);
    for p in &n.parents {
        // Already there: the same email, or the same name with no new email to add.
        let known = on_record.iter().any(|(e, g, f)| {
            (e.is_some() && *e == p.email)
                || (p.email.is_none()
                    && fold(g) == fold(&p.given_names)
                    && fold(f) == fold(&p.family_name))
        });
        if !known && needs_officer_confirmation(source, p.email.is_some()) {
            let claimed = ClaimedChild {
                child: &n.child,
                address: n.home(),
            };
            parent_claims::hold(conn, &existing.id, &claimed, p, why, Some(source_id), alert)?;
        }
    }
    diesel::update(children::table.find(&existing.id))
        .set((
            children::reviewed.eq(false),
            children::updated_at.eq(now()),
            children::version.eq(children::version + 1),
        ))
        .execute(conn)?;
    register::record_change(
        conn,
        &existing.id,
        None,
        "review",
        None,
        Some("needed"),
        why,
    )?;
    let home = n.home().unwrap_or_default();
    tasks::create(
        conn,
        alert,
        Some(&existing.id),
        TaskKind::ReviewNotification,
        &format!(
            "A parent told us about this child again ({why}). Compare what they gave with the entry: home address given {home}; arrangement {}; {} other providers.",
            crate::domain::register::label(crate::domain::register::ARRANGEMENTS, &n.child.arrangement),
            n.providers.len()
        ),
        None,
        Some(now().date() + chrono::Days::new(14)),
    )?;
    Ok(())
}
