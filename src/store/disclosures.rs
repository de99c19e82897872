//! The record of what was shared with partners under s.436F (`domain::transfer::Gateway`).
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{disclosures, users};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::transfer::Gateway;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = disclosures)]
pub struct Disclosure {
    pub id: String,
    pub child_id: String,
    pub gateway: Gateway,
    pub partner: String,
    pub requested_by: String,
    pub purpose: String,
    pub information: String,
    pub disclosed_on: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// What an officer records.
pub struct NewDisclosure {
    pub gateway: Gateway,
    pub partner: String,
    pub requested_by: String,
    pub purpose: String,
    pub information: String,
    pub disclosed_on: NaiveDate,
}

pub fn insert(
    conn: &mut AnyConnection,
    child_id: &str,
    d: &NewDisclosure,
    user_id: &str,
) -> QueryResult<String> {
    let id = new_id();
    diesel::insert_into(disclosures::table)
        .values((
            disclosures::id.eq(&id),
            disclosures::child_id.eq(child_id),
            disclosures::gateway.eq(d.gateway),
            disclosures::partner.eq(&d.partner),
            disclosures::requested_by.eq(&d.requested_by),
            disclosures::purpose.eq(&d.purpose),
            disclosures::information.eq(&d.information),
            disclosures::disclosed_on.eq(d.disclosed_on),
            disclosures::recorded_by.eq(user_id),
            disclosures::recorded_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A child's disclosures, newest first, with the recording officer's name.
pub fn for_child(
    conn: &mut AnyConnection,
    child_id: &str,
) -> QueryResult<Vec<(Disclosure, String)>> {
    disclosures::table
        .inner_join(users::table.on(users::id.eq(disclosures::recorded_by)))
        .filter(disclosures::child_id.eq(child_id))
        .order(disclosures::disclosed_on.desc())
        .select((Disclosure::as_select(), users::name))
        .load(conn)
}
