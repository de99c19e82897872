//! Register searches kept server-side for the officer who made them, so the results live at a GET
//! address with an opaque id (Post/Redirect/Get): Back, refresh and "back to results" work, and
//! no name or date of birth goes in a URL.
use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::saved_searches;
use crate::db::{new_id, now, AnyConnection};

/// How long a search is kept: as long as the longest officer session.
pub const KEPT_HOURS: i64 = 12;

/// Removes searches older than a session: their text holds names and dates of birth.
pub fn prune(conn: &mut AnyConnection) -> QueryResult<usize> {
    diesel::delete(
        saved_searches::table
            .filter(saved_searches::created_at.lt(now() - Duration::hours(KEPT_HOURS))),
    )
    .execute(conn)
}

/// Stores a search and returns its id; searches older than a session are removed.
pub fn save(conn: &mut AnyConnection, user_id: &str, query: &str) -> QueryResult<String> {
    let id = new_id();
    let t = now();
    prune(conn)?;
    diesel::insert_into(saved_searches::table)
        .values((
            saved_searches::id.eq(&id),
            saved_searches::user_id.eq(user_id),
            saved_searches::query.eq(query),
            saved_searches::created_at.eq(t),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The text of a search this officer made within the last session; None for anyone else's.
pub fn find(conn: &mut AnyConnection, id: &str, user_id: &str) -> QueryResult<Option<String>> {
    saved_searches::table
        .find(id)
        .filter(saved_searches::user_id.eq(user_id))
        .filter(saved_searches::created_at.ge(now() - Duration::hours(KEPT_HOURS)))
        .select(saved_searches::query)
        .first(conn)
        .optional()
}
