//! Children's social care records as last imported, with their Section 47 enquiries, child
//! protection plans and child-in-need episodes. A re-import replaces a record's snapshot; flags
//! raised from it keep their own history (child_flags).
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::{social_care_episodes, social_care_records};
use crate::db::{new_id, now, AnyConnection};

pub const EPISODE_KINDS: &[(&str, &str)] = &[
    ("s47", "Section 47 enquiry"),
    ("cp_plan", "Child protection plan"),
    ("cin", "Child in need"),
];

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug, Default, PartialEq)]
#[diesel(table_name = social_care_records)]
#[diesel(treat_none_as_null = true)]
pub struct SocialCareRecord {
    pub id: String,
    pub source_record_id: String,
    pub source: String,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: String,
    pub upn: Option<String>,
    pub former_upn: Option<String>,
    pub nhs_number: Option<String>,
    pub address_line_1: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    pub data_hash: String,
    pub imported_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = social_care_episodes)]
pub struct Episode {
    pub id: String,
    pub record_id: String,
    pub kind: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// A record as read from a file or the API, before it is stored.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct Incoming {
    pub record_id: String,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: String,
    pub upn: Option<String>,
    pub former_upn: Option<String>,
    pub nhs_number: Option<String>,
    pub address_line_1: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    /// (kind, start, end)
    pub episodes: Vec<(String, Option<NaiveDate>, Option<NaiveDate>)>,
}

impl Incoming {
    /// A digest of what matching reads, so a decision can tell whether the data behind it moved.
    pub fn identity_hash(&self) -> String {
        identity_hash(&[
            self.given_names.as_deref(),
            self.family_name.as_deref(),
            self.date_of_birth.map(|d| d.to_string()).as_deref(),
            Some(&self.sex),
            self.upn.as_deref(),
            self.former_upn.as_deref(),
            self.nhs_number.as_deref(),
            self.address_line_1.as_deref(),
            self.postcode.as_deref(),
        ])
    }
}

pub fn identity_hash(parts: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.unwrap_or("").as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..12])
}

#[derive(Debug, PartialEq)]
pub enum Stored {
    New,
    Changed,
    Unchanged,
}

/// Inserts or replaces one record and its episodes, in the caller's transaction.
pub fn store(conn: &mut AnyConnection, source: &str, r: &Incoming) -> QueryResult<Stored> {
    let hash = r.identity_hash();
    let existing: Option<(String, String)> = social_care_records::table
        .filter(social_care_records::source_record_id.eq(&r.record_id))
        .select((social_care_records::id, social_care_records::data_hash))
        .first(conn)
        .optional()?;
    let row = |id: String| SocialCareRecord {
        id,
        source_record_id: r.record_id.clone(),
        source: source.into(),
        given_names: r.given_names.clone(),
        family_name: r.family_name.clone(),
        date_of_birth: r.date_of_birth,
        sex: r.sex.clone(),
        upn: r.upn.clone(),
        former_upn: r.former_upn.clone(),
        nhs_number: r.nhs_number.clone(),
        address_line_1: r.address_line_1.clone(),
        town: r.town.clone(),
        postcode: r.postcode.clone(),
        data_hash: hash.clone(),
        imported_at: now(),
    };
    let (id, outcome) = match existing {
        Some((id, old_hash)) => {
            diesel::update(social_care_records::table.find(&id))
                .set(&row(id.clone()))
                .execute(conn)?;
            diesel::delete(
                social_care_episodes::table.filter(social_care_episodes::record_id.eq(&id)),
            )
            .execute(conn)?;
            let o = if old_hash == hash {
                Stored::Unchanged
            } else {
                Stored::Changed
            };
            (id, o)
        }
        None => {
            let id = new_id();
            diesel::insert_into(social_care_records::table)
                .values(&row(id.clone()))
                .execute(conn)?;
            (id, Stored::New)
        }
    };
    for (kind, start, end) in &r.episodes {
        diesel::insert_into(social_care_episodes::table)
            .values(&Episode {
                id: new_id(),
                record_id: id.clone(),
                kind: kind.clone(),
                start_date: *start,
                end_date: *end,
            })
            .execute(conn)?;
    }
    Ok(outcome)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<SocialCareRecord>> {
    social_care_records::table
        .find(id)
        .select(SocialCareRecord::as_select())
        .first(conn)
        .optional()
}

pub fn episodes(conn: &mut AnyConnection, record_id: &str) -> QueryResult<Vec<Episode>> {
    social_care_episodes::table
        .filter(social_care_episodes::record_id.eq(record_id))
        .order(social_care_episodes::start_date.asc())
        .select(Episode::as_select())
        .load(conn)
}

pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    social_care_records::table.count().get_result(conn)
}
