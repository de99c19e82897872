//! Parents' sign-in by emailed code, and what a signed-in parent may see: only the children on
//! whose record they are a parent with that email address.
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::db::schema::{children, email_service_consents, parent_codes, parent_sessions, parents};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::register::EntryStatus;

pub const CODE_MINUTES: i64 = 15;
pub const MAX_CODE_ATTEMPTS: i32 = 5;
/// Codes one address may be sent in a quarter of an hour.
pub const MAX_CODES_PER_WINDOW: i64 = 3;

fn hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// The key parents' audit pseudonyms are made with, derived from CNIS_SECRET_KEY when the app
/// starts (`AppState::new`); a process that never set it (a command) uses a random one.
pub static PSEUDONYM_KEY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();

/// A short pseudonym for audit rows: linkable across a parent's actions, but not their address,
/// and (an HMAC under the server's key) not reversible by hashing a list of addresses.
pub fn actor(email: &str) -> String {
    use hmac::{Hmac, Mac};
    let key = PSEUDONYM_KEY.get_or_init(|| {
        let mut k = vec![0u8; 32];
        rand::thread_rng().fill(&mut k[..]);
        k
    });
    let tag = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(b"parent-actor:");
            mac.update(email.trim().to_lowercase().as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes a key of any length.
        Err(_) => hash(&["actor", email]),
    };
    format!("parent:{}", &tag[..12])
}

pub enum CodeIssued {
    /// (code row id, the code to email)
    Issued(String, String),
    TooMany,
}

pub fn issue_code(conn: &mut AnyConnection, email: &str) -> QueryResult<CodeIssued> {
    let t = now();
    let recent: i64 = parent_codes::table
        .filter(parent_codes::email.eq(email))
        .filter(parent_codes::created_at.gt(t - Duration::minutes(CODE_MINUTES)))
        .count()
        .get_result(conn)?;
    if recent >= MAX_CODES_PER_WINDOW {
        return Ok(CodeIssued::TooMany);
    }
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let id = new_id();
    diesel::insert_into(parent_codes::table)
        .values((
            parent_codes::id.eq(&id),
            parent_codes::email.eq(email),
            parent_codes::code_hash.eq(hash(&[&id, &code])),
            parent_codes::created_at.eq(t),
            parent_codes::expires_at.eq(t + Duration::minutes(CODE_MINUTES)),
            parent_codes::attempts.eq(0),
        ))
        .execute(conn)?;
    Ok(CodeIssued::Issued(id, code))
}

/// The address a sign-in code was sent to.
pub fn code_email(conn: &mut AnyConnection, code_id: &str) -> QueryResult<Option<String>> {
    parent_codes::table
        .find(code_id)
        .select(parent_codes::email)
        .first(conn)
        .optional()
}

#[derive(Debug, PartialEq)]
pub enum CodeCheck {
    /// (email, session token)
    SignedIn(String, String),
    Wrong,
    Expired,
    TooManyAttempts,
}

/// Checks a code once; a right code is used up and starts a session.
pub fn check_code(conn: &mut AnyConnection, code_id: &str, code: &str) -> QueryResult<CodeCheck> {
    let row: Option<(String, String, NaiveDateTime, Option<NaiveDateTime>, i32)> =
        parent_codes::table
            .find(code_id)
            .select((
                parent_codes::email,
                parent_codes::code_hash,
                parent_codes::expires_at,
                parent_codes::used_at,
                parent_codes::attempts,
            ))
            .first(conn)
            .optional()?;
    let Some((email, code_hash, expires_at, used_at, attempts)) = row else {
        return Ok(CodeCheck::Expired);
    };
    let t = now();
    if used_at.is_some() || expires_at < t {
        return Ok(CodeCheck::Expired);
    }
    if attempts >= MAX_CODE_ATTEMPTS {
        return Ok(CodeCheck::TooManyAttempts);
    }
    // Every try takes one of the code's attempts in SQL first, so parallel guesses each count.
    let claimed = diesel::update(
        parent_codes::table
            .find(code_id)
            .filter(parent_codes::attempts.lt(MAX_CODE_ATTEMPTS)),
    )
    .set(parent_codes::attempts.eq(parent_codes::attempts + 1))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(CodeCheck::TooManyAttempts);
    }
    let typed: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    if hash(&[code_id, &typed]) != code_hash {
        let now_attempts: i32 = parent_codes::table
            .find(code_id)
            .select(parent_codes::attempts)
            .first(conn)?;
        return Ok(if now_attempts >= MAX_CODE_ATTEMPTS {
            CodeCheck::TooManyAttempts
        } else {
            CodeCheck::Wrong
        });
    }
    // Single use: only one request can mark it used.
    let n = diesel::update(
        parent_codes::table
            .find(code_id)
            .filter(parent_codes::used_at.is_null()),
    )
    .set(parent_codes::used_at.eq(Some(t)))
    .execute(conn)?;
    if n == 0 {
        return Ok(CodeCheck::Expired);
    }
    let mut raw = [0u8; 32];
    rand::thread_rng().fill(&mut raw);
    let token = hex::encode(raw);
    diesel::insert_into(parent_sessions::table)
        .values((
            parent_sessions::token_hash.eq(super::sessions::hash_token(&token)),
            parent_sessions::email.eq(&email),
            parent_sessions::created_at.eq(t),
            parent_sessions::last_seen_at.eq(t),
        ))
        .execute(conn)?;
    Ok(CodeCheck::SignedIn(email, token))
}

pub enum SessionState {
    Live(String),
    /// The session ended for want of use just now; the email is known so work can be kept.
    Lapsed(String),
    None,
}

/// The parent's email for a live session, or None (idle sessions end).
pub fn session_email(
    conn: &mut AnyConnection,
    token: &str,
    idle_minutes: i64,
    max_hours: i64,
) -> QueryResult<Option<String>> {
    Ok(match session_state(conn, token, idle_minutes, max_hours)? {
        SessionState::Live(e) => Some(e),
        _ => None,
    })
}

/// Checks a parent session, ending it if idle too long or older than `max_hours` (and saying so,
/// once).
pub fn session_state(
    conn: &mut AnyConnection,
    token: &str,
    idle_minutes: i64,
    max_hours: i64,
) -> QueryResult<SessionState> {
    let h = super::sessions::hash_token(token);
    let row: Option<(String, NaiveDateTime, NaiveDateTime)> = parent_sessions::table
        .find(&h)
        .select((
            parent_sessions::email,
            parent_sessions::last_seen_at,
            parent_sessions::created_at,
        ))
        .first(conn)
        .optional()?;
    let Some((email, seen, created)) = row else {
        return Ok(SessionState::None);
    };
    let t = now();
    if seen + Duration::minutes(idle_minutes) < t || created + Duration::hours(max_hours) < t {
        diesel::delete(parent_sessions::table.find(&h)).execute(conn)?;
        return Ok(SessionState::Lapsed(email));
    }
    if t - seen > Duration::seconds(60) {
        diesel::update(parent_sessions::table.find(&h))
            .set(parent_sessions::last_seen_at.eq(t))
            .execute(conn)?;
    }
    Ok(SessionState::Live(email))
}

pub fn end_session(conn: &mut AnyConnection, token: &str) -> QueryResult<()> {
    diesel::delete(parent_sessions::table.find(super::sessions::hash_token(token)))
        .execute(conn)?;
    Ok(())
}

/// Ends every session of this parent's email; how many there were.
pub fn end_every_session(conn: &mut AnyConnection, email: &str) -> QueryResult<usize> {
    diesel::delete(parent_sessions::table.filter(parent_sessions::email.eq(email))).execute(conn)
}

/// Ids of the open entries on which this email address belongs to a parent.
pub fn children_of(conn: &mut AnyConnection, email: &str) -> QueryResult<Vec<String>> {
    parents::table
        .inner_join(children::table)
        .filter(parents::email.eq(email))
        .filter(children::status.eq(EntryStatus::Open))
        .select(children::id)
        .distinct()
        .load(conn)
}

/// Every s.572 decision this address has made: (kind, consented, when), oldest first.
pub fn consent_decisions(
    conn: &mut AnyConnection,
    email: &str,
) -> QueryResult<Vec<(String, bool, NaiveDateTime)>> {
    email_service_consents::table
        .filter(email_service_consents::email.eq(email))
        .order((
            email_service_consents::decided_at.asc(),
            email_service_consents::id.asc(),
        ))
        .select((
            email_service_consents::document_kind,
            email_service_consents::consented,
            email_service_consents::decided_at,
        ))
        .load(conn)
}

/// The decision in force for each kind, if any: (consented, since).
pub fn consent_in_force(
    decisions: &[(String, bool, NaiveDateTime)],
    kind: &str,
) -> Option<(bool, NaiveDateTime)> {
    decisions
        .iter()
        .rfind(|(k, _, _)| k == kind)
        .map(|(_, c, at)| (*c, *at))
}

pub fn record_consent(
    conn: &mut AnyConnection,
    email: &str,
    kind: &str,
    consented: bool,
) -> QueryResult<()> {
    diesel::insert_into(email_service_consents::table)
        .values((
            email_service_consents::id.eq(new_id()),
            email_service_consents::email.eq(email),
            email_service_consents::document_kind.eq(kind),
            email_service_consents::consented.eq(consented),
            email_service_consents::decided_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
