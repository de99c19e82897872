//! Bearer tokens for the social care push API. The token is shown once when issued; only its
//! SHA-256 is stored, so a copy of the database cannot be used to push records.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::RngCore;

use crate::db::schema::api_tokens;
use crate::db::{new_id, now, AnyConnection};

fn digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a token: (id, the token to hand over once).
pub fn issue(conn: &mut AnyConnection, name: &str) -> QueryResult<(String, String)> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!("cnis_{}", hex::encode(bytes));
    let id = new_id();
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(&id),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(digest(&token)),
            api_tokens::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok((id, token))
}

/// (id, name) of the live token presented, recording its use; None if unknown or revoked.
pub fn check(conn: &mut AnyConnection, token: &str) -> QueryResult<Option<(String, String)>> {
    let row: Option<(String, String)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(digest(token)))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::name))
        .first(conn)
        .optional()?;
    if let Some((id, _)) = &row {
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::last_used_at.eq(now()))
            .execute(conn)?;
    }
    Ok(row)
}

pub fn revoke(conn: &mut AnyConnection, id: &str) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now()))
    .execute(conn)
}

/// (id, name, issued, revoked, last used)
pub type TokenRow = (
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<TokenRow>> {
    api_tokens::table
        .order(api_tokens::created_at.asc())
        .select((
            api_tokens::id,
            api_tokens::name,
            api_tokens::created_at,
            api_tokens::revoked_at,
            api_tokens::last_used_at,
        ))
        .load(conn)
}
