//! Requests to parents for updates under EA 1996 s.436D(2)(c), sent by an officer or the
//! scheduler, with the s.436D(3) floor and ceiling and the s.436H(7) overdue check.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::max;
use diesel::prelude::*;

use crate::db::schema::{children, information_requests, parents};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::information_requests::RequestKind;
use crate::domain::information_requests::{self as rules, MaySend};
use crate::domain::register::EntryStatus;
use crate::mail::Templates;
use crate::store::tasks::TaskKind;
use crate::store::tasks::{self, TeamAlert};

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = information_requests)]
pub struct InformationRequest {
    pub id: String,
    pub child_id: String,
    pub kind: RequestKind,
    /// For "details": what the council asks for, in the officer's words.
    pub asked: Option<String>,
    pub sent_at: NaiveDateTime,
    pub sent_by: Option<String>,
    pub method: String,
    pub due_on: NaiveDate,
    pub responded_at: Option<NaiveDateTime>,
    pub overdue_task_id: Option<String>,
}

pub fn for_child(conn: &mut AnyConnection, child_id: &str) -> QueryResult<Vec<InformationRequest>> {
    information_requests::table
        .filter(information_requests::child_id.eq(child_id))
        .order(information_requests::sent_at.desc())
        .select(InformationRequest::as_select())
        .load(conn)
}

/// The unanswered request due soonest, if any: the one the parent should answer first.
pub fn open_for_child(
    conn: &mut AnyConnection,
    child_id: &str,
) -> QueryResult<Option<InformationRequest>> {
    information_requests::table
        .filter(information_requests::child_id.eq(child_id))
        .filter(information_requests::responded_at.is_null())
        .order((
            information_requests::due_on.asc(),
            information_requests::sent_at.asc(),
        ))
        .select(InformationRequest::as_select())
        .first(conn)
        .optional()
}

/// An officer posted a request on `posted_on`: its period runs from the deemed day of service.
/// Returns the new last day to answer, or None when the request is not a posted one.
pub fn posted(
    conn: &mut AnyConnection,
    id: &str,
    posted_on: NaiveDate,
    postal_days: u32,
    response_days: i64,
) -> anyhow::Result<Option<NaiveDate>> {
    let holidays = super::bank_holidays::load(conn)?;
    let Some(due) = rules::response_due_by_post(posted_on, postal_days, response_days, &holidays)
    else {
        return Ok(None);
    };
    let n = diesel::update(
        information_requests::table
            .find(id)
            .filter(information_requests::method.eq("post")),
    )
    .set(information_requests::due_on.eq(due))
    .execute(conn)?;
    Ok((n == 1).then_some(due))
}

pub fn mark_answered(conn: &mut AnyConnection, id: &str) -> QueryResult<()> {
    diesel::update(information_requests::table.find(id))
        .set(information_requests::responded_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// What sending needs besides the database.
pub struct Sender<'a> {
    pub templates: &'a Templates,
    pub base_url: &'a str,
    pub council_name: &'a str,
    pub response_days: i64,
    /// Working days of post before a posted request counts as served (CNIS_POSTAL_SERVICE_DAYS).
    pub postal_days: u32,
    pub alert: Option<TeamAlert<'a>>,
    /// ss.436B–436G: no request carries the s.436D duty before they commence.
    pub commencement: crate::domain::commencement::Commencement,
}

pub enum Sent {
    /// By email to the parents who agreed to it (s.572); or by post, with a task to post it.
    Sent { method: String, due_on: NaiveDate },
    /// s.436D(3)(b): not yet; the earliest lawful day.
    TooSoon(NaiveDate),
    /// ss.436B–436G are not in force: why.
    NotInForce(String),
}

/// Sends a request for one child: with `asked` None, the s.436D(2)(c) request for updates, if
/// s.436D(3) allows it today; with `asked`, a s.436D(2)(a) request for the s.436C(1) details
/// named there (no 3-month limit). Email goes only to parents who gave written consent to this
/// kind of document (s.572); otherwise it is posted.
pub fn send(
    conn: &mut AnyConnection,
    s: &Sender,
    child_id: &str,
    asked: Option<&str>,
    user_id: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<Sent> {
    let kind = if asked.is_some() {
        RequestKind::Details
    } else {
        RequestKind::Updates
    };
    if let Some(why) = s
        .commencement
        .not_in_force(crate::domain::commencement::Provision::Register, today)
    {
        return Ok(Sent::NotInForce(why));
    }
    // The floor below is read then written: hold the child so a double submit sends once.
    if !super::children::lock(conn, child_id)? {
        return Err(diesel::result::Error::NotFound.into());
    }
    if asked.is_none() {
        let last: Option<NaiveDateTime> = information_requests::table
            .filter(information_requests::child_id.eq(child_id))
            .filter(information_requests::kind.eq(RequestKind::Updates))
            .select(max(information_requests::sent_at))
            .first(conn)?;
        if let MaySend::TooSoon(d) = rules::may_send(last.map(|t| t.date()), today) {
            return Ok(Sent::TooSoon(d));
        }
    }
    let due_on = rules::response_due(today, s.response_days)
        .ok_or_else(|| anyhow::anyhow!("response period under 15 days"))?;
    let reference: String = children::table
        .find(child_id)
        .select(children::reference)
        .first(conn)?;
    let emails: Vec<Option<String>> = parents::table
        .filter(parents::child_id.eq(child_id))
        .select(parents::email)
        .load(conn)?;
    let mut by_email = vec![];
    for e in emails.into_iter().flatten() {
        let decisions = super::parent_access::consent_decisions(conn, &e)?;
        let consented = super::parent_access::consent_in_force(&decisions, "information_requests")
            .is_some_and(|(c, _)| c);
        if consented && !by_email.contains(&e) {
            by_email.push(e);
        }
    }
    let id = new_id();
    let method = if by_email.is_empty() { "post" } else { "email" };
    // A posted request is served on its deemed day of delivery, if posted today; recording the
    // day it was posted moves the date (`posted`).
    let due_on = if by_email.is_empty() {
        let holidays = super::bank_holidays::load(conn)?;
        rules::response_due_by_post(today, s.postal_days, s.response_days, &holidays)
            .ok_or_else(|| anyhow::anyhow!("response period under 15 days"))?
    } else {
        due_on
    };
    diesel::insert_into(information_requests::table)
        .values(&InformationRequest {
            id: id.clone(),
            child_id: child_id.into(),
            kind,
            asked: asked.map(str::to_string),
            sent_at: now(),
            sent_by: user_id.map(str::to_string),
            method: method.into(),
            due_on,
            responded_at: None,
            overdue_task_id: None,
        })
        .execute(conn)?;
    let due_text = due_on.format("%-d %B %Y").to_string();
    let link = format!("{}/parents/", s.base_url.trim_end_matches('/'));
    for e in &by_email {
        crate::mail::enqueue(
            conn,
            s.templates,
            if asked.is_some() {
                "details-request"
            } else {
                "information-request"
            },
            e,
            &[
                ("due_date", &due_text),
                ("link", &link),
                ("reference", &reference),
                ("council_name", s.council_name),
            ],
            Some(child_id),
        )?;
    }
    if by_email.is_empty() {
        tasks::create(
            conn,
            s.alert.as_ref(),
            Some(child_id),
            TaskKind::PostInformationRequest,
            &format!("No parent has agreed to email (s.572): post the request for information. Answer due by {due_text}."),
            Some(&id),
            Some(today),
        )?;
    }
    super::children::record_change(
        conn,
        child_id,
        user_id,
        if asked.is_some() {
            "request for details (s.436D(2)(a))"
        } else {
            "information request (s.436D(2)(c))"
        },
        None,
        Some(&format!("sent by {method}, answer due {due_text}")),
        if user_id.is_some() {
            "sent by an officer"
        } else {
            "sent by the scheduler (s.436D(3))"
        },
    )?;
    Ok(Sent::Sent {
        method: method.into(),
        due_on,
    })
}

/// A child on the register and where they stand against s.436D(3).
pub struct DueRow {
    pub child_id: String,
    pub reference: String,
    pub name: String,
    pub last_sent: Option<NaiveDate>,
    pub latest_next: NaiveDate,
}

/// Open entries due a request (within 30 days of the yearly ceiling, or past it), soonest first.
/// The database does the narrowing: a child is due when the later of its last request and its
/// joining the register is on or before `rules::due_cutoff(today)`.
pub fn due(conn: &mut AnyConnection, today: NaiveDate, limit: usize) -> QueryResult<Vec<DueRow>> {
    use diesel::dsl::{exists, not};
    // A day of slack for month ends (29 February): the exact rule filters below.
    let cutoff = (rules::due_cutoff(today) + chrono::Days::new(2))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let lim = i64::try_from(limit).unwrap_or(i64::MAX);
    let cols = (
        children::id,
        children::reference,
        children::given_names,
        children::family_name,
        children::created_at,
    );
    // Never asked, and on the register long enough.
    let never: Vec<(String, String, String, String, NaiveDateTime)> = children::table
        .filter(children::status.eq(EntryStatus::Open))
        .filter(children::created_at.lt(cutoff))
        .filter(not(exists(
            information_requests::table
                .filter(information_requests::child_id.eq(children::id))
                .filter(information_requests::kind.eq(RequestKind::Updates)),
        )))
        .order(children::created_at.asc())
        .select(cols)
        .limit(lim)
        .load(conn)?;
    // Asked before, and the last request is old enough.
    let stale: Vec<(String, Option<NaiveDateTime>)> = information_requests::table
        .filter(information_requests::kind.eq(RequestKind::Updates))
        .group_by(information_requests::child_id)
        .having(max(information_requests::sent_at).lt(cutoff))
        .select((
            information_requests::child_id,
            max(information_requests::sent_at),
        ))
        .load(conn)?;
    let last: std::collections::HashMap<String, NaiveDate> = stale
        .into_iter()
        .filter_map(|(id, t)| t.map(|t| (id, t.date())))
        .collect();
    let mut asked: Vec<(String, String, String, String, NaiveDateTime)> = vec![];
    let ids: Vec<&String> = last.keys().collect();
    for chunk in ids.chunks(500) {
        asked.extend(
            children::table
                .filter(children::status.eq(EntryStatus::Open))
                .filter(children::id.eq_any(chunk.iter().copied()))
                .select(cols)
                .load::<(String, String, String, String, NaiveDateTime)>(conn)?,
        );
    }
    let mut rows: Vec<DueRow> = never
        .into_iter()
        .chain(asked)
        .filter_map(|(id, reference, g, f, created)| {
            let last_sent = last.get(&id).copied();
            rules::is_due(last_sent, created.date(), today).then(|| DueRow {
                latest_next: rules::latest_next(last_sent, created.date()),
                child_id: id,
                reference,
                name: format!("{g} {f}"),
                last_sent,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.latest_next);
    rows.truncate(limit);
    Ok(rows)
}

/// Requests still waiting for an answer, oldest due first, with the child's name and reference.
pub fn waiting(
    conn: &mut AnyConnection,
    limit: i64,
) -> QueryResult<Vec<(InformationRequest, String, String, String)>> {
    information_requests::table
        .inner_join(children::table)
        .filter(information_requests::responded_at.is_null())
        .order(information_requests::due_on.asc())
        .select((
            InformationRequest::as_select(),
            children::reference,
            children::given_names,
            children::family_name,
        ))
        .limit(limit)
        .load(conn)
}

/// s.436H(7): each request whose period has ended without an answer becomes a task, once.
pub fn raise_overdue(
    conn: &mut AnyConnection,
    alert: Option<&TeamAlert>,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let late: Vec<InformationRequest> = information_requests::table
        .filter(information_requests::responded_at.is_null())
        .filter(information_requests::overdue_task_id.is_null())
        .filter(information_requests::due_on.lt(today))
        .select(InformationRequest::as_select())
        .load(conn)?;
    let mut n = 0;
    for r in late {
        if !rules::is_overdue(r.due_on, false, today) {
            continue;
        }
        let task = tasks::create(
            conn,
            alert,
            Some(&r.child_id),
            TaskKind::InformationOverdue,
            &format!(
                "The request sent on {} was not answered by {}. Condition D (s.436H(7)) may be met: consider a preliminary notice.",
                r.sent_at.format("%-d %B %Y"),
                r.due_on.format("%-d %B %Y")
            ),
            Some(&r.id),
            None,
        )?;
        diesel::update(information_requests::table.find(&r.id))
            .set(information_requests::overdue_task_id.eq(&task))
            .execute(conn)?;
        n += 1;
    }
    Ok(n)
}

pub struct Tick {
    pub sent: usize,
    pub overdue: usize,
}

/// One run of the scheduler: send every due request, then raise overdue tasks.
pub fn run_scheduler(
    conn: &mut AnyConnection,
    s: &Sender,
    today: NaiveDate,
) -> anyhow::Result<Tick> {
    let mut sent = 0;
    for row in due(conn, today, usize::MAX)? {
        // Each child in its own transaction, so one failure does not hold up the rest.
        let r = crate::db::write::<_, anyhow::Error, _>(conn, |c| {
            send(c, s, &row.child_id, None, None, today)
        });
        match r {
            Ok(Sent::Sent { .. }) => sent += 1,
            Ok(Sent::TooSoon(_) | Sent::NotInForce(_)) => {}
            Err(e) => log::warn!(
                "information request for child {} not sent: {e}",
                row.child_id
            ),
        }
    }
    let overdue = crate::db::write::<_, anyhow::Error, _>(conn, |c| {
        raise_overdue(c, s.alert.as_ref(), today)
    })?;
    Ok(Tick { sent, overdue })
}
