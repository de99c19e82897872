//! A parent's application for consent to home educate (EA 1996 s.434A(6)) while they type it:
//! saved after every page, sent once, and deleted when untouched for 30 days.
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::application_drafts;
use crate::db::{new_id, now, AnyConnection};

/// Unsent drafts are kept this long after the parent last saved a page.
pub const KEEP_DAYS: i64 = 30;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = application_drafts)]
pub struct ApplicationDraft {
    pub id: String,
    pub email: String,
    pub answers: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub application_id: Option<String>,
}

/// The parent's unsent draft, if any.
pub fn open_draft(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<ApplicationDraft>> {
    application_drafts::table
        .filter(application_drafts::email.eq(email))
        .filter(application_drafts::submitted_at.is_null())
        .order(application_drafts::created_at.desc())
        .select(ApplicationDraft::as_select())
        .first(conn)
        .optional()
}

/// The parent's unsent draft, started now if there is none.
pub fn draft_for(conn: &mut AnyConnection, email: &str) -> QueryResult<ApplicationDraft> {
    if let Some(d) = open_draft(conn, email)? {
        return Ok(d);
    }
    let t = now();
    let id = new_id();
    diesel::insert_into(application_drafts::table)
        .values((
            application_drafts::id.eq(&id),
            application_drafts::email.eq(email),
            application_drafts::answers.eq("{}"),
            application_drafts::created_at.eq(t),
            application_drafts::updated_at.eq(t),
        ))
        .execute(conn)?;
    application_drafts::table
        .find(&id)
        .select(ApplicationDraft::as_select())
        .first(conn)
}

/// The parent's latest sent draft, for Back after sending.
pub fn last_submitted(
    conn: &mut AnyConnection,
    email: &str,
) -> QueryResult<Option<ApplicationDraft>> {
    application_drafts::table
        .filter(application_drafts::email.eq(email))
        .filter(application_drafts::submitted_at.is_not_null())
        .order(application_drafts::submitted_at.desc())
        .select(ApplicationDraft::as_select())
        .first(conn)
        .optional()
}

/// Saves the answers of an unsent draft; a sent one is never changed.
pub fn save_answers(conn: &mut AnyConnection, id: &str, answers: &str) -> QueryResult<bool> {
    let n = diesel::update(
        application_drafts::table
            .find(id)
            .filter(application_drafts::submitted_at.is_null()),
    )
    .set((
        application_drafts::answers.eq(answers),
        application_drafts::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Marks the draft sent as the application `application_id`, keeping no copy of the answers
/// (the application holds them); false if it was sent already.
pub fn mark_submitted(
    conn: &mut AnyConnection,
    id: &str,
    application_id: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        application_drafts::table
            .find(id)
            .filter(application_drafts::submitted_at.is_null()),
    )
    .set((
        application_drafts::submitted_at.eq(now()),
        application_drafts::application_id.eq(application_id),
        application_drafts::answers.eq("{}"),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Deletes unsent drafts untouched for `KEEP_DAYS`: the parent was told they are kept that long.
pub fn prune(conn: &mut AnyConnection) -> QueryResult<usize> {
    let before = now() - Duration::days(KEEP_DAYS);
    diesel::delete(
        application_drafts::table
            .filter(application_drafts::submitted_at.is_null())
            .filter(application_drafts::updated_at.lt(before)),
    )
    .execute(conn)
}
