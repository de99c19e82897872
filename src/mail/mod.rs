//! Email: templates and the transactional outbox.
//! Nothing is sent from a request handler: callers `enqueue` inside their own transaction and the
//! worker (`jobs::outbox::send_due`) delivers, retries with backoff for up to 72 hours, and records
//! the status in GOV.UK Notify's vocabulary.
pub mod templates;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::{new_id, now, AnyConnection};
pub use crate::domain::service::EmailStatus;

/// The parents' sign-in email; the outbox keeps no copy of its code once it is sent.
pub const SIGN_IN_CODE: &str = "sign-in-code";
pub use templates::Templates;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = outbox)]
pub struct OutboxEmail {
    pub id: String,
    pub template: String,
    pub template_version: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub child_id: Option<String>,
    pub status: EmailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// A served notice sent with this email as a PDF attachment.
    pub document_id: Option<String>,
}

/// Writes an email to the outbox, in the caller's transaction.
pub fn enqueue(
    conn: &mut AnyConnection,
    templates: &Templates,
    template: &str,
    to: &str,
    vars: &[(&str, &str)],
    child_id: Option<&str>,
) -> anyhow::Result<String> {
    let rendered = templates.render(template, vars)?;
    let t = now();
    let id = new_id();
    diesel::insert_into(outbox::table)
        .values(&OutboxEmail {
            id: id.clone(),
            template: template.to_string(),
            template_version: rendered.version,
            to_address: to.to_string(),
            subject: rendered.subject,
            body: rendered.body,
            child_id: child_id.map(str::to_string),
            status: EmailStatus::Created,
            attempts: 0,
            next_attempt_at: t,
            last_error: None,
            created_at: t,
            sent_at: None,
            document_id: None,
        })
        .execute(conn)?;
    Ok(id)
}

/// Emails that have not gone, with where each stands: refused, retrying, being sent now,
/// interrupted mid-send, or waiting longer than they should; newest first.
pub fn not_sent(
    conn: &mut AnyConnection,
    limit: i64,
) -> QueryResult<Vec<(OutboxEmail, crate::domain::service::Unsent)>> {
    let t = now();
    let rows: Vec<OutboxEmail> = outbox::table
        .filter(outbox::status.ne(EmailStatus::Delivered))
        .order((outbox::status.asc(), outbox::created_at.desc()))
        .limit(limit)
        .select(OutboxEmail::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|e| {
            crate::domain::service::unsent(e.status, e.next_attempt_at, t).map(|u| (e, u))
        })
        .collect())
}

pub fn count_permanent_failures(conn: &mut AnyConnection) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::status.eq(EmailStatus::PermanentFailure))
        .count()
        .get_result(conn)
}

pub fn for_child(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Vec<OutboxEmail>> {
    outbox::table
        .filter(outbox::child_id.eq(child_id))
        .order(outbox::created_at.desc())
        .select(OutboxEmail::as_select())
        .load(conn)
}
