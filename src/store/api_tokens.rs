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

/// Issues a token for a social care system: (id, the token to hand over once).
pub fn issue(conn: &mut AnyConnection, name: &str) -> QueryResult<(String, String)> {
    issue_inner(conn, name, None)
}

/// Issues a token a school's system uses to send its notices; it can do nothing else.
pub fn issue_for_school(
    conn: &mut AnyConnection,
    name: &str,
    school_id: &str,
) -> QueryResult<(String, String)> {
    issue_inner(conn, name, Some(school_id))
}

fn issue_inner(
    conn: &mut AnyConnection,
    name: &str,
    school_id: Option<&str>,
) -> QueryResult<(String, String)> {
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
            api_tokens::school_id.eq(school_id),
        ))
        .execute(conn)?;
    Ok((id, token))
}

/// Who presented a token.
#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    pub token_id: String,
    pub name: String,
    /// A school's token; None for a social care system.
    pub school_id: Option<String>,
}

/// The live token presented, recording its use; None if unknown or revoked.
pub fn check(conn: &mut AnyConnection, token: &str) -> QueryResult<Option<Client>> {
    let row: Option<Client> = api_tokens::table
        .filter(api_tokens::token_hash.eq(digest(token)))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::name, api_tokens::school_id))
        .first::<(String, String, Option<String>)>(conn)
        .optional()?
        .map(|(token_id, name, school_id)| Client {
            token_id,
            name,
            school_id,
        });
    if let Some(Client { token_id: id, .. }) = &row {
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
