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
/// with the change; outside one (a read, or an event audited on its own such as signing in) it
/// goes in `read_audit_events`, which on SQLite is a separate file so that reading does not empty
/// the other connections' caches of the register (see `db::attach_read_audit`). Either way it is
/// written before the page is sent, and the log (`search`, the view `audit_log`) shows both.
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
/// the first `n` older than `before` (an event's time and id), if given.
macro_rules! newest {
    ($conn:expr, $table:ident, $f:expr, $n:expr, $before:expr) => {{
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
        if let Some((at, id)) = $before {
            q = q.filter(t::at.lt(at).or(t::at.eq(at).and(t::id.lt(id))));
        }
        q.order((t::at.desc(), t::id.desc()))
            .limit($n)
            .load::<(AuditEvent, Option<String>)>($conn)
    }};
}

/// Events newest first with the officer's name, from both tables (changes and reads); `limit`
/// bounds a page or an export. Each table is read newest first by its own index, a thousand at a
/// time, and the two merged as they come, so a deep page holds no more than that in memory.
pub fn search(
    conn: &mut AnyConnection,
    f: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(AuditEvent, Option<String>)>> {
    use std::collections::VecDeque;
    type Row = (AuditEvent, Option<String>);
    const CHUNK: i64 = 1000;
    let key = |r: &Row| (r.0.at, r.0.id.clone());
    let (mut changes, mut reads): (VecDeque<Row>, VecDeque<Row>) = (
        newest!(
            conn,
            audit_events,
            f,
            CHUNK,
            None::<(NaiveDateTime, String)>
        )?
        .into(),
        newest!(
            conn,
            read_audit_events,
            f,
            CHUNK,
            None::<(NaiveDateTime, String)>
        )?
        .into(),
    );
    // A side is done when a read of it came back short; until then it is refilled, from after
    // its last row, as soon as it runs dry.
    let short = |side: &VecDeque<Row>| (side.len() as i64) < CHUNK;
    let (mut changes_done, mut reads_done) = (short(&changes), short(&reads));
    let (mut skip, mut out) = (offset.max(0), Vec::new());
    while out.len() < usize::try_from(limit).unwrap_or(0) {
        let take_change = match (changes.front(), reads.front()) {
            (Some(c), Some(r)) => key(c) > key(r),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let side = if take_change {
            &mut changes
        } else {
            &mut reads
        };
        let Some(row) = side.pop_front() else { break };
        let last = key(&row);
        if skip > 0 {
            skip -= 1;
        } else {
            out.push(row);
        }
        if take_change && changes.is_empty() && !changes_done {
            let more = newest!(conn, audit_events, f, CHUNK, Some(last))?;
            changes = more.into();
            changes_done = short(&changes);
        } else if !take_change && reads.is_empty() && !reads_done {
            let more = newest!(conn, read_audit_events, f, CHUNK, Some(last))?;
            reads = more.into();
            reads_done = short(&reads);
        }
    }
    Ok(out)
}
