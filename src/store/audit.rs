//! The audit log: every read and change of a child's record by a person (who, what, when, why).
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{audit_events, users};
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
    // Through `db::write`, so a read's audit row queues with the other writers (a savepoint when
    // it is part of a larger change).
    crate::db::write(conn, |c| {
        diesel::insert_into(audit_events::table)
            .values(&event)
            .execute(c)
            .map(|_| ())
    })
}

#[derive(Default, Clone, Debug)]
pub struct AuditFilter {
    pub user_id: Option<String>,
    pub child_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// Events newest first with the officer's name; `limit` bounds a page or an export.
pub fn search(
    conn: &mut AnyConnection,
    f: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<(AuditEvent, Option<String>)>> {
    let mut q = audit_events::table
        .left_join(users::table.on(users::id.nullable().eq(audit_events::user_id)))
        .select((AuditEvent::as_select(), users::name.nullable()))
        .into_boxed();
    if let Some(u) = &f.user_id {
        q = q.filter(audit_events::user_id.eq(u));
    }
    if let Some(c) = &f.child_id {
        q = q.filter(audit_events::child_id.eq(c));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_events::action.eq(a));
    }
    if let Some(t) = f.from {
        q = q.filter(audit_events::at.ge(t));
    }
    if let Some(t) = f.to {
        q = q.filter(audit_events::at.lt(t));
    }
    q.order((audit_events::at.desc(), audit_events::id.desc()))
        .offset(offset)
        .limit(limit)
        .load(conn)
}
