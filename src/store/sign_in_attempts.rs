//! Sign-in attempts per account, kept in the database so every instance shares the count and no
//! one address (or a botnet of them) can try one account without limit.
use chrono::Duration;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::schema::sign_in_attempts;
use crate::db::{new_id, now, AnyConnection};

pub const WINDOW_MINUTES: i64 = 15;

/// The account's key: an HMAC of the folded email under the server key, so the table holds no
/// address.
fn key(secret: &[u8], kind: &str, email: &str) -> String {
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(secret) {
        Ok(m) => m,
        // HMAC accepts keys of any length.
        Err(_) => return String::new(),
    };
    mac.update(kind.as_bytes());
    mac.update(b":");
    mac.update(email.trim().to_lowercase().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Counts one attempt at `email`'s account of `kind` ("officer", "parent") and says whether it
/// is within `max` attempts in the last quarter of an hour. The attempt counts either way.
pub fn attempt(
    conn: &mut AnyConnection,
    secret: &[u8],
    kind: &str,
    email: &str,
    max: i64,
) -> QueryResult<bool> {
    let k = key(secret, kind, email);
    let t = now();
    diesel::insert_into(sign_in_attempts::table)
        .values((
            sign_in_attempts::id.eq(new_id()),
            sign_in_attempts::account_key.eq(&k),
            sign_in_attempts::at.eq(t),
        ))
        .execute(conn)?;
    let recent: i64 = sign_in_attempts::table
        .filter(sign_in_attempts::account_key.eq(&k))
        .filter(sign_in_attempts::at.gt(t - Duration::minutes(WINDOW_MINUTES)))
        .count()
        .get_result(conn)?;
    Ok(recent <= max)
}

/// Forgets attempts older than the window.
pub fn prune(conn: &mut AnyConnection) -> QueryResult<usize> {
    diesel::delete(
        sign_in_attempts::table
            .filter(sign_in_attempts::at.lt(now() - Duration::minutes(WINDOW_MINUTES))),
    )
    .execute(conn)
}
