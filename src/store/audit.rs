//! The audit log: every read and change of a child's record by a person (who, what, when, why).
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{audit_events, read_audit_events, users};
use crate::db::{new_id, now, AnyConnection};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: String,
    pub at: NaiveDateTime,
    pub user_id: Option<String>,
    pub action: String,
    pub child_id: Option<String>,
    pub purpose: String,
}

/// Records an event. Inside a transaction (a change) the row goes in `audit_events` and commits
/// with the change; outside one (a read) it goes in `read_audit_events`, which on SQLite is a
/// separate file so that reading does not empty the other connections' caches of the register
/// (see `db::attach_read_audit`). Either way it is written before the page is sent.
pub fn record(
    conn: &mut AnyConnection,
    user_id: Option<&str>,
    action: &str,
    child_id: Option<&str>,
    purpose: &str,
) -> QueryResult<()> {
    let event = AuditEvent {
        id: new_id(),
        at: now(),
        user_id: user_id.map(str::to_string),
        action: action.to_string(),
        child_id: child_id.map(str::to_string),
        purpose: purpose.to_string(),
    };
    if crate::db::in_transaction(conn)? {
        return diesel::insert_into(audit_events::table)
            .values(&event)
            .execute(conn)
            .map(|_| ());
    }
    // One statement is its own transaction, and takes only the read-audit file's write lock.
    // Writers in this process queue here rather than in SQLite's busy handler.
    let _writer = matches!(conn, AnyConnection::Sqlite(_)).then(|| {
        READ_AUDIT_WRITER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    });
    use read_audit_events as r;
    diesel::insert_into(r::table)
        .values((
            r::id.eq(&event.id),
            r::at.eq(event.at),
            r::user_id.eq(&event.user_id),
            r::action.eq(&event.action),
            r::child_id.eq(&event.child_id),
            r::purpose.eq(&event.purpose),
        ))
        .execute(conn)
        .map(|_| ())
}

static READ_AUDIT_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[derive(Default, Clone, Debug)]
pub struct AuditFilter {
    pub user_id: Option<String>,
    pub child_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// The events of one of the two audit tables under `f`, newest first, with the officer's name:
/// the first `n`.
macro_rules! newest {
    ($conn:expr, $table:ident, $f:expr, $n:expr) => {{
        use crate::db::schema::$table as t;
        let mut q = t::table
            .left_join(users::table.on(users::id.nullable().eq(t::user_id)))
            .select((
                (t::id, t::at, t::user_id, t::action, t::child_id, t::purpose),
                users::name.nullable(),
            ))
            .into_boxed();
        if let Some(u) = &$f.user_id {
            q = q.filter(t::user_id.eq(u));
        }
        if let Some(c) = &$f.child_id {
            q = q.filter(t::child_id.eq(c));
        }
        if let Some(a) = &$f.action {
            q = q.filter(t::action.eq(a));
        }
        if let Some(from) = $f.from {
            q = q.filter(t::at.ge(from));
        }
        if let Some(to) = $f.to {
            q = q.filter(t::at.lt(to));
        }
        q.order((t::at.desc(), t::id.desc()))
            .limit($n)
            .load::<(AuditEvent, Option<String>)>($conn)
    }};
}

/// Events newest first with the officer's name, from both tables (changes and reads); `limit`
/// bounds a page or an export. Each table is read newest first by its own index, and the two
/// merged, rather than through the `audit_log` view, which would be sorted whole.
pub fn search(
    conn: &mut AnyConnection,
    f: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(AuditEvent, Option<String>)>> {
    let n = offset.saturating_add(limit);
    let mut all = newest!(conn, audit_events, f, n)?;
    all.extend(newest!(conn, read_audit_events, f, n)?);
    all.sort_by(|(a, _), (b, _)| (b.at, &b.id).cmp(&(a.at, &a.id)));
    Ok(all
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect())
}
