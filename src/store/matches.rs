//! Links between register entries and social care records, the flags they raise, and the
//! cross-check runs, as officers see them.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    child_flags, children, cross_check_runs, match_links, social_care_records,
};
use crate::db::{now, AnyConnection};
use crate::domain::matching::{HeldBack, LinkState, OfficersDecision, RunStatus};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = match_links)]
pub struct Link {
    pub child_id: String,
    pub record_id: String,
    pub decision: LinkState,
    pub score: f64,
    pub explanation: String,
    pub child_hash: String,
    pub record_hash: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub reason: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl Link {
    /// (field, how it compared, weight)
    pub fn explained(&self) -> Vec<(String, String, f64)> {
        serde_json::from_str(&self.explanation).unwrap_or_default()
    }

    /// The UPN or NHS number both records carry, if any: such a pair is decided by the number
    /// (and the dates of birth), not by the match probability.
    pub fn shared_identifier(&self) -> Option<&'static str> {
        crate::domain::matching::shared_identifier_in(
            &crate::domain::matching::gamma_from_explanation(&self.explained()),
        )
    }

    /// Why the cross-check could not be sure of this pair, or (for a household link) why it is
    /// not the same child. Empty for any other link.
    pub fn held_back(&self, t: crate::domain::matching::Thresholds) -> Vec<HeldBack> {
        if !matches!(self.decision, LinkState::Review | LinkState::Household) {
            return vec![];
        }
        let g = crate::domain::matching::gamma_from_explanation(&self.explained());
        crate::domain::matching::held_back(&g, self.score, t)
    }
}

pub const DECISIONS: &[(&str, &str)] = LinkState::CHOICES;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = child_flags)]
pub struct FlagRow {
    pub id: String,
    pub child_id: String,
    pub kind: String,
    pub record_id: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub raised_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

/// A child's flags, active first, with the social care record id each came from.
pub fn flags_for_child(
    conn: &mut AnyConnection,
    child_id: &str,
) -> QueryResult<Vec<(FlagRow, String)>> {
    child_flags::table
        .inner_join(
            social_care_records::table.on(social_care_records::id.eq(child_flags::record_id)),
        )
        .filter(child_flags::child_id.eq(child_id))
        .order((
            child_flags::ended_at.is_not_null(),
            child_flags::raised_at.desc(),
        ))
        .select((FlagRow::as_select(), social_care_records::source_record_id))
        .load(conn)
}

pub fn links_for_child(
    conn: &mut AnyConnection,
    child_id: &str,
) -> QueryResult<Vec<(Link, String)>> {
    match_links::table
        .inner_join(social_care_records::table)
        .filter(match_links::child_id.eq(child_id))
        .order(match_links::score.desc())
        .select((Link::as_select(), social_care_records::source_record_id))
        .load(conn)
}

/// (link, given names, family name, register reference, social care record id)
pub type QueueRow = (Link, String, String, String, String);

/// One page of the pairs waiting for an officer, most likely first (`count_reviews` says how
/// many wait in all).
pub fn review_queue(
    conn: &mut AnyConnection,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<QueueRow>> {
    match_links::table
        .inner_join(children::table)
        .inner_join(social_care_records::table)
        .filter(match_links::decision.eq(LinkState::Review))
        // The same order as `next_review`, and a stable one, so no pair falls between pages.
        .order((
            match_links::score.desc(),
            match_links::child_id.asc(),
            match_links::record_id.asc(),
        ))
        .select((
            Link::as_select(),
            children::given_names,
            children::family_name,
            children::reference,
            social_care_records::source_record_id,
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// The pair at the head of the review queue, if any: where an officer goes after deciding one.
pub fn next_review(conn: &mut AnyConnection) -> QueryResult<Option<(String, String)>> {
    match_links::table
        .filter(match_links::decision.eq(LinkState::Review))
        .order((
            match_links::score.desc(),
            match_links::child_id.asc(),
            match_links::record_id.asc(),
        ))
        .select((match_links::child_id, match_links::record_id))
        .first(conn)
        .optional()
}

pub fn count_reviews(conn: &mut AnyConnection) -> QueryResult<i64> {
    match_links::table
        .filter(match_links::decision.eq(LinkState::Review))
        .count()
        .get_result(conn)
}

pub fn find(
    conn: &mut AnyConnection,
    child_id: &str,
    record_id: &str,
) -> QueryResult<Option<Link>> {
    match_links::table
        .find((child_id, record_id))
        .select(Link::as_select())
        .first(conn)
        .optional()
}

/// An officer's decision on a pair: it stands on every later run (a rejection until the data
/// behind it changes).
pub fn decide(
    conn: &mut AnyConnection,
    child_id: &str,
    record_id: &str,
    user_id: &str,
    decision: OfficersDecision,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(match_links::table.find((child_id, record_id)))
        .set((
            match_links::decision.eq(decision.link_state()),
            match_links::decided_by.eq(user_id),
            match_links::decided_at.eq(now()),
            match_links::reason.eq(reason),
            match_links::updated_at.eq(now()),
        ))
        .execute(conn)
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = cross_check_runs)]
pub struct Run {
    pub id: String,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub status: RunStatus,
    pub trigger: String,
    pub children: i32,
    pub records: i32,
    pub pairs: i32,
    pub matches: i32,
    pub reviews: i32,
    pub flags_raised: i32,
    pub flags_ended: i32,
    pub message: Option<String>,
}

pub fn runs(conn: &mut AnyConnection, limit: i64) -> QueryResult<Vec<Run>> {
    cross_check_runs::table
        .order(cross_check_runs::started_at.desc())
        .select(Run::as_select())
        .limit(limit)
        .load(conn)
}
