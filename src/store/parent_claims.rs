//! People who say they are a parent of a child on the register, held apart from the record until
//! an officer confirms or rejects them (see `domain::parents`). Nothing here gives access: only a
//! row in `parents` does, and only `decide` writes one from a claim.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{children, parent_claims, parents};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::parents::{fills_in_parent, ClaimStatus};
use crate::store::children::{self as register, Child, Parent};
use crate::store::tasks::{self, TaskKind, TeamAlert};

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = parent_claims)]
#[diesel(treat_none_as_null = true)]
pub struct ParentClaim {
    pub id: String,
    pub child_id: String,
    /// The child as the claimant described them, to set beside the record.
    pub child_given_names: String,
    pub child_family_name: String,
    pub child_date_of_birth: NaiveDate,
    pub child_address: Option<String>,
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
    /// What the claim came in ("notification from a parent, PN-…").
    pub source: String,
    pub source_id: Option<String>,
    pub status: ClaimStatus,
    pub created_at: NaiveDateTime,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub reason: Option<String>,
}

impl ParentClaim {
    /// The claimed parent as a record row, for the child `child_id`.
    fn as_parent(&self) -> Parent {
        Parent {
            id: new_id(),
            child_id: self.child_id.clone(),
            given_names: self.given_names.clone(),
            family_name: self.family_name.clone(),
            relationship: self.relationship.clone(),
            parental_responsibility: self.parental_responsibility,
            lives_with_child: self.lives_with_child,
            educating: self.educating,
            address_line_1: self.address_line_1.clone(),
            address_town: self.address_town.clone(),
            address_postcode: self.address_postcode.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            created_at: now(),
        }
    }
}

/// What the claimant said about the child, kept with the claim.
pub struct ClaimedChild<'a> {
    pub child: &'a Child,
    pub address: Option<String>,
}

/// Holds `p` as a claim to be a parent of `child_id`, with a task for an officer to check it.
pub fn hold(
    conn: &mut AnyConnection,
    child_id: &str,
    claimed: &ClaimedChild,
    p: &Parent,
    source: &str,
    source_id: Option<&str>,
    alert: Option<&TeamAlert>,
) -> anyhow::Result<String> {
    let t = now();
    let claim = ParentClaim {
        id: new_id(),
        child_id: child_id.into(),
        child_given_names: claimed.child.given_names.clone(),
        child_family_name: claimed.child.family_name.clone(),
        // A notification always gives one; a claim without it could not be checked.
        child_date_of_birth: claimed
            .child
            .date_of_birth
            .ok_or_else(|| anyhow::anyhow!("a parent's claim needs the child's date of birth"))?,
        child_address: claimed.address.clone().filter(|a| !a.is_empty()),
        given_names: p.given_names.clone(),
        family_name: p.family_name.clone(),
        relationship: p.relationship.clone(),
        parental_responsibility: p.parental_responsibility,
        lives_with_child: p.lives_with_child,
        educating: p.educating,
        address_line_1: p.address_line_1.clone(),
        address_town: p.address_town.clone(),
        address_postcode: p.address_postcode.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
        source: source.into(),
        source_id: source_id.map(str::to_string),
        status: ClaimStatus::Awaiting,
        created_at: t,
        decided_by: None,
        decided_at: None,
        reason: None,
    };
    diesel::insert_into(parent_claims::table)
        .values(&claim)
        .execute(conn)?;
    tasks::create(
        conn,
        alert,
        Some(child_id),
        TaskKind::ConfirmParent,
        &format!("Someone says they are this child's parent ({source}). Check who they are before they can see the record or get notices: compare what they gave with the record, then confirm or reject them."),
        Some(&claim.id),
        Some(t.date() + chrono::Days::new(5)),
    )?;
    Ok(claim.id)
}

pub fn find(
    conn: &mut AnyConnection,
    child_id: &str,
    id: &str,
) -> QueryResult<Option<ParentClaim>> {
    parent_claims::table
        .filter(parent_claims::child_id.eq(child_id))
        .filter(parent_claims::id.eq(id))
        .select(ParentClaim::as_select())
        .first(conn)
        .optional()
}

/// Every claim about one child, newest first.
pub fn for_child(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Vec<ParentClaim>> {
    parent_claims::table
        .filter(parent_claims::child_id.eq(child_id))
        .order(parent_claims::created_at.desc())
        .select(ParentClaim::as_select())
        .load(conn)
}

#[derive(Queryable)]
pub struct OwnClaim {
    pub child_given_names: String,
    pub child_family_name: String,
    pub child_date_of_birth: NaiveDate,
    pub created_at: NaiveDateTime,
    pub status: ClaimStatus,
}

/// What a signed-in parent may see of their claims not yet confirmed: the child as *they* gave
/// it, when, and where it stands. Nothing from the record.
pub fn for_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Vec<OwnClaim>> {
    parent_claims::table
        .inner_join(children::table)
        .filter(parent_claims::email.eq(email))
        .filter(parent_claims::status.ne(ClaimStatus::Confirmed))
        .filter(children::status.eq(crate::domain::register::EntryStatus::Open))
        .order(parent_claims::created_at.desc())
        .select((
            parent_claims::child_given_names,
            parent_claims::child_family_name,
            parent_claims::child_date_of_birth,
            parent_claims::created_at,
            parent_claims::status,
        ))
        .load(conn)
}

pub enum Decision {
    Confirm,
    Reject,
}

/// An officer's decision on an awaiting claim. Confirming puts the parent on the record (filling
/// in the email of the same parent if they are there without one). False when the claim was
/// decided already (two officers at once): nothing is changed.
pub fn decide(
    conn: &mut AnyConnection,
    claim: &ParentClaim,
    user_id: &str,
    decision: Decision,
    reason: &str,
) -> QueryResult<bool> {
    let status = match decision {
        Decision::Confirm => ClaimStatus::Confirmed,
        Decision::Reject => ClaimStatus::Rejected,
    };
    let n = diesel::update(
        parent_claims::table
            .find(&claim.id)
            .filter(parent_claims::status.eq(ClaimStatus::Awaiting)),
    )
    .set((
        parent_claims::status.eq(status),
        parent_claims::decided_by.eq(user_id),
        parent_claims::decided_at.eq(now()),
        parent_claims::reason.eq(reason),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    let who = format!("{} {}", claim.given_names, claim.family_name);
    if status == ClaimStatus::Confirmed {
        let on_record: Vec<Parent> = parents::table
            .filter(parents::child_id.eq(&claim.child_id))
            .select(Parent::as_select())
            .load(conn)?;
        let same = on_record.iter().find(|p| {
            fills_in_parent(
                (&p.given_names, &p.family_name, p.email.as_deref()),
                (
                    &claim.given_names,
                    &claim.family_name,
                    claim.email.as_deref(),
                ),
            )
        });
        match same {
            Some(p) => {
                diesel::update(parents::table.find(&p.id))
                    .set((
                        parents::email.eq(&claim.email),
                        parents::phone.eq(p.phone.clone().or(claim.phone.clone())),
                    ))
                    .execute(conn)?;
            }
            None => register::add_parent(conn, &claim.as_parent())?,
        }
        register::touch(conn, &claim.child_id)?;
    }
    register::record_change(
        conn,
        &claim.child_id,
        Some(user_id),
        match status {
            ClaimStatus::Confirmed => "parent confirmed",
            _ => "parent not confirmed",
        },
        None,
        Some(&who),
        reason,
    )?;
    let open: Vec<String> = crate::db::schema::tasks::table
        .filter(crate::db::schema::tasks::source_id.eq(&claim.id))
        .filter(crate::db::schema::tasks::kind.eq(TaskKind::ConfirmParent))
        .filter(crate::db::schema::tasks::completed_at.is_null())
        .select(crate::db::schema::tasks::id)
        .load(conn)?;
    for t in open {
        tasks::complete(conn, &t, user_id, status.label())?;
    }
    Ok(true)
}
