//! Children's social care records as last imported, with their Section 47 enquiries, child
//! protection plans and child-in-need episodes. A re-import replaces a record's snapshot; flags
//! raised from it keep their own history (child_flags).
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::{section47_outcomes, social_care_episodes, social_care_records};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::safeguarding::{self, EpisodeKind};

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
    pub kind: EpisodeKind,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub nfa: Option<bool>,
    pub action_date: Option<NaiveDate>,
}

impl Episode {
    pub fn to_domain(&self) -> safeguarding::Episode {
        safeguarding::Episode {
            kind: self.kind,
            start: self.start_date,
            end: self.end_date,
            nfa: self.nfa,
            action_date: self.action_date,
        }
    }
}

/// How an officer recorded that a section 47 enquiry ended, where the feed did not say. It
/// applies to the record's enquiry with the same start and end, in this and later imports.
#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = section47_outcomes)]
pub struct RecordedOutcome {
    pub id: String,
    pub record_id: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub nfa: bool,
    pub action_date: Option<NaiveDate>,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: NaiveDateTime,
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
    pub episodes: Vec<safeguarding::Episode>,
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

/// Inserts or replaces one record and its episodes, in the caller's transaction. Also returns
/// how many of its section 47 enquiries ended with no known outcome, after officers' records.
pub fn store(conn: &mut AnyConnection, source: &str, r: &Incoming) -> QueryResult<(Stored, usize)> {
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
    let recorded = recorded_outcomes(conn, &id)?;
    let mut unknown = 0;
    for e in &r.episodes {
        let mut row = Episode {
            id: new_id(),
            record_id: id.clone(),
            kind: e.kind,
            start_date: e.start,
            end_date: e.end,
            nfa: e.nfa,
            action_date: e.action_date,
        };
        // What the feed says wins; an officer's record fills only what it leaves unknown.
        if e.outcome_unknown() {
            if let Some(o) = recorded
                .iter()
                .find(|o| o.start_date == e.start && o.end_date == e.end)
            {
                row.nfa = Some(o.nfa);
                row.action_date = o.action_date;
            }
        }
        if row.to_domain().outcome_unknown() {
            unknown += 1;
        }
        diesel::insert_into(social_care_episodes::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok((outcome, unknown))
}

/// Officers' records of how this record's enquiries ended, latest first.
pub fn recorded_outcomes(
    conn: &mut AnyConnection,
    record_id: &str,
) -> QueryResult<Vec<RecordedOutcome>> {
    section47_outcomes::table
        .filter(section47_outcomes::record_id.eq(record_id))
        .order(section47_outcomes::decided_at.desc())
        .select(RecordedOutcome::as_select())
        .load(conn)
}

/// Records how an enquiry ended (from the officer's knowledge or the social care team's answer)
/// and applies it to the stored episode, in the caller's transaction. Returns false when the
/// episode is gone or its outcome is already known.
pub fn record_outcome(
    conn: &mut AnyConnection,
    episode_id: &str,
    nfa: bool,
    action_date: Option<NaiveDate>,
    reason: &str,
    user_id: &str,
) -> QueryResult<Option<Episode>> {
    let Some(e) = social_care_episodes::table
        .find(episode_id)
        .select(Episode::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    if !e.to_domain().outcome_unknown() {
        return Ok(None);
    }
    diesel::insert_into(section47_outcomes::table)
        .values(&RecordedOutcome {
            id: new_id(),
            record_id: e.record_id.clone(),
            start_date: e.start_date,
            end_date: e.end_date,
            nfa,
            action_date,
            reason: reason.into(),
            decided_by: user_id.into(),
            decided_at: now(),
        })
        .execute(conn)?;
    diesel::update(social_care_episodes::table.find(episode_id))
        .set((
            social_care_episodes::nfa.eq(Some(nfa)),
            social_care_episodes::action_date.eq(action_date),
        ))
        .execute(conn)?;
    Ok(Some(Episode {
        nfa: Some(nfa),
        action_date,
        ..e
    }))
}

/// The section 47 enquiries on records linked (or possibly linked) to a child that ended without
/// the source saying how, each with its record's own id in the social care system.
pub fn enquiries_without_outcome(
    conn: &mut AnyConnection,
    child_id: &str,
) -> QueryResult<Vec<(Episode, String)>> {
    use crate::db::schema::match_links;
    use crate::domain::matching::LinkState;
    let rows: Vec<(Episode, String)> = social_care_episodes::table
        .inner_join(social_care_records::table)
        .inner_join(
            match_links::table.on(match_links::record_id.eq(social_care_episodes::record_id)),
        )
        .filter(match_links::child_id.eq(child_id))
        .filter(match_links::decision.eq_any([
            LinkState::Match,
            LinkState::Confirmed,
            LinkState::Review,
        ]))
        .filter(social_care_episodes::kind.eq(EpisodeKind::Section47))
        .order(social_care_episodes::start_date.desc())
        .select((Episode::as_select(), social_care_records::source_record_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(e, _)| e.to_domain().outcome_unknown())
        .collect())
}

/// One stored episode, if it is still there.
pub fn episode(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Episode>> {
    social_care_episodes::table
        .find(id)
        .select(Episode::as_select())
        .first(conn)
        .optional()
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
