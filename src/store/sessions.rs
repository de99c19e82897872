//! Server-side sessions. The cookie holds a random token; the database holds only its hash.
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::schema::{sessions, users};
use crate::db::{now, AnyConnection};
use crate::store::users::User;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub second_factor_passed: bool,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session after a correct password; the second factor is still to come.
fn new_token() -> String {
    let mut raw = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut raw);
    hex::encode(raw)
}

pub fn start(conn: &mut AnyConnection, user_id: &str) -> QueryResult<String> {
    let token = new_token();
    let t = now();
    diesel::insert_into(sessions::table)
        .values(&Session {
            token_hash: hash_token(&token),
            user_id: user_id.to_string(),
            second_factor_passed: false,
            created_at: t,
            last_seen_at: t,
        })
        .execute(conn)?;
    Ok(token)
}

/// Finds a live session with its officer and marks it seen; an idle session, or one older than
/// `max_hours`, is deleted and treated as absent. One statement reads both: every signed-in page
/// starts here.
pub fn touch(
    conn: &mut AnyConnection,
    token: &str,
    idle_minutes: i64,
    max_hours: i64,
) -> QueryResult<Option<(Session, User)>> {
    let hash = hash_token(token);
    let found: Option<(Session, User)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(&hash))
        .select((Session::as_select(), User::as_select()))
        .first(conn)
        .optional()?;
    let Some((s, u)) = found else { return Ok(None) };
    let t = now();
    // Idle too long, or signed in too long ago (an absolute limit, however busy).
    if s.last_seen_at + Duration::minutes(idle_minutes) < t
        || s.created_at + Duration::hours(max_hours) < t
    {
        diesel::delete(sessions::table.find(&hash)).execute(conn)?;
        return Ok(None);
    }
    // Write at most once a minute: a page of reads should not be a page of writes.
    if t - s.last_seen_at > Duration::seconds(60) {
        diesel::update(sessions::table.find(&hash))
            .set(sessions::last_seen_at.eq(t))
            .execute(conn)?;
    }
    Ok(Some((s, u)))
}

/// Marks the second factor passed and gives the session a new token: the one issued after the
/// password alone stops working, so whoever saw it cannot ride the signed-in session.
pub fn pass_second_factor(conn: &mut AnyConnection, token: &str) -> QueryResult<String> {
    let fresh = new_token();
    diesel::update(sessions::table.find(hash_token(token)))
        .set((
            sessions::token_hash.eq(hash_token(&fresh)),
            sessions::second_factor_passed.eq(true),
        ))
        .execute(conn)?;
    Ok(fresh)
}

pub fn end(conn: &mut AnyConnection, token: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.find(hash_token(token))).execute(conn)?;
    Ok(())
}

/// "Sign out everywhere": ends every session the officer has.
pub fn end_all(conn: &mut AnyConnection, user_id: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
}

pub fn count_for(conn: &mut AnyConnection, user_id: &str) -> QueryResult<i64> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .count()
        .get_result(conn)
}

/// What `purge_expired` removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub parent_sessions: usize,
    pub parent_codes: usize,
    pub form_tokens: usize,
    pub sign_in_attempts: usize,
    pub saved_searches: usize,
    pub application_drafts: usize,
}

/// Deletes what can no longer be used: officers' and parents' sessions past their absolute
/// limit or unused for a day (a day's grace keeps the "your session ended" message), sign-in
/// codes a day after they expired, one-time form tokens older than a day, and
/// applications for consent left unsent for 30 days.
pub fn purge_expired(conn: &mut AnyConnection, max_hours: i64) -> QueryResult<Purged> {
    use crate::db::schema::{parent_codes, parent_sessions};
    let t = now();
    let unused = t - Duration::days(1);
    let too_old = t - Duration::hours(max_hours) - Duration::hours(1);
    Ok(Purged {
        sessions: diesel::delete(
            sessions::table.filter(
                sessions::last_seen_at
                    .lt(unused)
                    .or(sessions::created_at.lt(too_old)),
            ),
        )
        .execute(conn)?,
        parent_sessions: diesel::delete(
            parent_sessions::table.filter(
                parent_sessions::last_seen_at
                    .lt(unused)
                    .or(parent_sessions::created_at.lt(too_old)),
            ),
        )
        .execute(conn)?,
        parent_codes: diesel::delete(
            parent_codes::table.filter(parent_codes::expires_at.lt(unused)),
        )
        .execute(conn)?,
        form_tokens: super::submissions::prune(conn)?,
        sign_in_attempts: super::sign_in_attempts::prune(conn)?,
        saved_searches: super::saved_searches::prune(conn)?,
        application_drafts: super::application_drafts::prune(conn)?,
    })
}

/// Ends every session of the user but the one with `keep_token`.
pub fn end_others(conn: &mut AnyConnection, user_id: &str, keep_token: &str) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token_hash.ne(hash_token(keep_token))),
    )
    .execute(conn)
}
