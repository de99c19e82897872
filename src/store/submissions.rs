//! One-time form tokens: a form that must act once carries one, and the first post to use it
//! records where it led. A repeat is sent there too, and nothing is done twice.
use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::form_submissions;
use crate::db::{now, AnyConnection};

pub enum Claim {
    /// This post is the first with the token: do the work, then `finish`.
    First,
    /// The token was used already (by this actor): where the first post led, if it finished.
    Repeat(Option<String>),
}

/// Claims `token` for `actor`. Call inside `db::write`: a second post with the same token waits
/// for the first to commit, then sees its row.
pub fn claim(conn: &mut AnyConnection, token: &str, actor: &str) -> QueryResult<Claim> {
    let row = (
        form_submissions::token.eq(token),
        form_submissions::actor.eq(actor),
        form_submissions::created_at.eq(now()),
    );
    // ON CONFLICT is per backend in diesel.
    let n = match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(form_submissions::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
        AnyConnection::Sqlite(c) => diesel::insert_into(form_submissions::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    if n == 1 {
        return Ok(Claim::First);
    }
    // Someone else's token leads nowhere: the actor must match.
    let result: Option<Option<String>> = form_submissions::table
        .find(token)
        .filter(form_submissions::actor.eq(actor))
        .select(form_submissions::result)
        .first(conn)
        .optional()?;
    Ok(Claim::Repeat(result.flatten()))
}

pub fn finish(conn: &mut AnyConnection, token: &str, result: &str) -> QueryResult<()> {
    diesel::update(form_submissions::table.find(token))
        .set(form_submissions::result.eq(result))
        .execute(conn)?;
    Ok(())
}

/// Forgets tokens older than a day: nobody double-clicks across days.
pub fn prune(conn: &mut AnyConnection) -> QueryResult<usize> {
    diesel::delete(
        form_submissions::table.filter(form_submissions::created_at.lt(now() - Duration::days(1))),
    )
    .execute(conn)
}
