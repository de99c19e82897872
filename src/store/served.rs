//! The service log (EA 1996 s.572; law.md §6.5): every notice the council serves, frozen as the
//! text and PDF made at the time, with how it went, to where, and the date it counts as served.
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{outbox, served_documents};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::service::ServiceStatus;
use crate::error::{AppError, AppResult};

/// Where and how the notices go.
pub struct ServiceContext<'a> {
    pub templates: &'a crate::mail::Templates,
    pub council: &'a str,
}

/// Who a notice is for and how they can be reached.
#[derive(Clone, Debug)]
pub struct Recipient {
    /// applicant_parent | other_parent | school
    pub role: String,
    pub name: String,
    pub address: String,
    pub email: Option<String>,
    /// s.572(2)–(3): a person served as a parent gets email only with their written consent.
    pub is_parent: bool,
}

/// The parent who applied for consent, or for whom the school applied (s.434A(8)(a)).
pub const ROLE_APPLICANT_PARENT: &str = "applicant_parent";
/// The proprietor of the child's school (s.434A(8)(c)).
pub const ROLE_SCHOOL: &str = "school";

pub const RECIPIENT_ROLES: &[(&str, &str)] = &[
    ("applicant_parent", "Parent who applied"),
    ("other_parent", "Other parent"),
    ("school", "School proprietor"),
    ("parent", "Parent"),
];

pub const STATUSES: &[(&str, &str)] = ServiceStatus::CHOICES;

/// How a notice went, in words for the service log and the prosecution file.
pub fn method_label(method: &str) -> &'static str {
    match method {
        "email" => "email, with written consent (s.572(2)–(3))",
        "post" => "prepaid post to the last known address (s.572(1)(c))",
        "hand" => "delivery to the person (s.572(1)(a))",
        "left" => "leaving it at the usual or last known address (s.572(1)(b))",
        "other" => "another effective method (s.572(4))",
        _ => "an unrecorded method",
    }
}

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = served_documents)]
pub struct ServedDocument {
    pub id: String,
    pub kind: String,
    pub subject_id: String,
    pub recipient_role: String,
    pub recipient_name: String,
    pub method: String,
    pub sent_to: String,
    pub template_version: String,
    pub body: String,
    pub pdf: Vec<u8>,
    pub pdf_sha256: String,
    pub status: ServiceStatus,
    pub served_on: Option<NaiveDate>,
    pub service_note: Option<String>,
    pub outbox_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The address a notice of this kind may go to by email, or None for post: a parent only with
/// their written consent to this kind of document (s.572(2)–(3)), anyone else at any address given.
pub fn email_route(
    conn: &mut AnyConnection,
    r: &Recipient,
    document_kind: &str,
) -> anyhow::Result<Option<String>> {
    Ok(match (&r.email, r.is_parent) {
        (Some(e), true) => {
            let decisions: Vec<(bool, NaiveDateTime)> =
                crate::store::parent_access::consent_decisions(conn, e)?
                    .into_iter()
                    .filter(|(k, _, _)| k == document_kind)
                    .map(|(_, yes, at)| (yes, at))
                    .collect();
            crate::domain::service::may_serve_by_email(&decisions, now()).then(|| e.clone())
        }
        (Some(e), false) => Some(e.clone()).filter(|e| !e.trim().is_empty()),
        (None, _) => None,
    })
}

/// Renders `template` for one recipient, stores the text and PDF, and sends it: by email (with
/// the PDF attached, through the outbox) when the recipient may be served that way, otherwise
/// queued for an officer to post. Returns the document's id.
#[allow(clippy::too_many_arguments)]
pub fn serve(
    conn: &mut AnyConnection,
    ctx: &ServiceContext,
    template: &str,
    vars: &[(&str, &str)],
    r: &Recipient,
    subject_id: &str,
    reference: &str,
    document_kind: &str,
    user_id: &str,
) -> anyhow::Result<String> {
    let rendered = ctx.templates.render(template, vars)?;
    let pdf = crate::notices::render_pdf(&rendered.subject, &rendered.body)?;
    let digest = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(&pdf))
    };
    let email = email_route(conn, r, document_kind)?;
    let id = new_id();
    let doc = ServedDocument {
        id: id.clone(),
        kind: template.trim_start_matches("notices/").to_string(),
        subject_id: subject_id.to_string(),
        recipient_role: r.role.clone(),
        recipient_name: r.name.clone(),
        method: if email.is_some() { "email" } else { "post" }.into(),
        sent_to: email.clone().unwrap_or_else(|| r.address.clone()),
        template_version: rendered.version,
        body: rendered.body,
        pdf,
        pdf_sha256: digest,
        status: if email.is_some() {
            ServiceStatus::Emailed
        } else {
            ServiceStatus::QueuedForPost
        },
        // An email is served when the mail server accepts it (`email_delivered`), not now.
        served_on: None,
        service_note: None,
        outbox_id: None,
        created_by: Some(user_id.to_string()),
        created_at: now(),
    };
    diesel::insert_into(served_documents::table)
        .values(&doc)
        .execute(conn)?;
    if let Some(to) = email {
        let outbox_id = crate::mail::enqueue(
            conn,
            ctx.templates,
            "notice-served",
            &to,
            &[
                ("recipient", &r.name),
                ("council", ctx.council),
                ("reference", reference),
            ],
            None,
        )?;
        diesel::update(outbox::table.find(&outbox_id))
            .set(outbox::document_id.eq(&id))
            .execute(conn)?;
        diesel::update(served_documents::table.find(&id))
            .set(served_documents::outbox_id.eq(&outbox_id))
            .execute(conn)?;
    }
    Ok(id)
}

/// The log for one application or case, without the PDFs.
/// One line of a notice's service log.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = served_documents)]
pub struct LogRow {
    pub id: String,
    pub kind: String,
    pub recipient_role: String,
    pub recipient_name: String,
    pub method: String,
    pub sent_to: String,
    pub status: ServiceStatus,
    pub served_on: Option<NaiveDate>,
    #[diesel(column_name = service_note)]
    pub note: Option<String>,
    #[diesel(column_name = created_at)]
    pub made_at: NaiveDateTime,
}

pub fn log_for(conn: &mut AnyConnection, subject_id: &str) -> QueryResult<Vec<LogRow>> {
    served_documents::table
        .filter(served_documents::subject_id.eq(subject_id))
        .order((
            served_documents::created_at.asc(),
            served_documents::id.asc(),
        ))
        .select(LogRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<ServedDocument>> {
    served_documents::table
        .find(id)
        .select(ServedDocument::as_select())
        .first(conn)
        .optional()
}

/// The PDF attached to an outbox email, if any: (file name, bytes).
pub fn attachment(
    conn: &mut AnyConnection,
    document_id: &str,
) -> QueryResult<Option<(String, Vec<u8>)>> {
    Ok(served_documents::table
        .find(document_id)
        .select((served_documents::kind, served_documents::pdf))
        .first::<(String, Vec<u8>)>(conn)
        .optional()?
        .map(|(kind, pdf)| (format!("{kind}.pdf"), pdf)))
}

/// An officer posted or handed over a queued notice. Posting counts as served after the
/// council's deemed-service days (s.572; Interpretation Act 1978 s.7), by hand on the day.
pub fn record_service(
    conn: &mut AnyConnection,
    id: &str,
    method: &str,
    on: NaiveDate,
    note: &str,
    postal_days: u32,
) -> QueryResult<usize> {
    let holidays = crate::store::bank_holidays::load(conn)?;
    let (status, served_on) = match method {
        "hand" => (ServiceStatus::DeliveredByHand, on),
        "left" => (ServiceStatus::LeftAtAddress, on),
        "other" => (ServiceStatus::ServedOther, on),
        _ => (
            ServiceStatus::Posted,
            crate::domain::service::deemed_served_by_post(on, postal_days, &holidays),
        ),
    };
    diesel::update(
        served_documents::table
            .find(id)
            .filter(served_documents::status.eq(ServiceStatus::QueuedForPost)),
    )
    .set((
        served_documents::status.eq(status),
        served_documents::method.eq(method),
        served_documents::served_on.eq(served_on),
        served_documents::service_note.eq(note),
    ))
    .execute(conn)
}

/// How a queued notice was served, as an officer recorded it (s.572).
pub struct ServiceRecord {
    pub document_id: String,
    pub method: String,
    pub on: NaiveDate,
    pub note: String,
}

impl ServiceRecord {
    /// Records it; a notice someone else recorded meanwhile is refused, not recorded twice.
    pub fn save(&self, c: &mut AnyConnection, postal_days: u32) -> AppResult<()> {
        let rows = record_service(
            c,
            &self.document_id,
            &self.method,
            self.on,
            &self.note,
            postal_days,
        )?;
        if rows == 1 {
            Ok(())
        } else {
            Err(AppError::Conflict(
                "That notice has been recorded as served already.".into(),
            ))
        }
    }
}

/// An officer's correction of the day a notice was served, with why (s.572).
pub struct ServiceCorrection {
    pub document_id: String,
    pub served_on: NaiveDate,
    pub reason: String,
}

impl ServiceCorrection {
    /// Moves the date and keeps the old one and the reason in the service note. Returns the old
    /// date; a notice not served (or gone) is refused.
    pub fn save(&self, c: &mut AnyConnection) -> AppResult<NaiveDate> {
        let Some(doc) = find(c, &self.document_id)? else {
            return Err(AppError::NotFound);
        };
        let Some(old) = doc.served_on else {
            return Err(AppError::Conflict(
                "That notice has not been served yet: record its service instead.".into(),
            ));
        };
        let line = format!(
            "Date of service corrected from {} to {}: {}",
            crate::clock::fmt_date(old),
            crate::clock::fmt_date(self.served_on),
            self.reason
        );
        let note = match doc.service_note.filter(|n| !n.is_empty()) {
            Some(n) => format!("{n}\n{line}"),
            None => line,
        };
        diesel::update(
            served_documents::table
                .find(&self.document_id)
                .filter(served_documents::served_on.eq(old)),
        )
        .set((
            served_documents::served_on.eq(self.served_on),
            served_documents::service_note.eq(note),
        ))
        .execute(c)?;
        Ok(old)
    }
}

/// s.572: an emailed notice is served on the day the mail server accepted it, in England's
/// local time. Called by the outbox worker.
pub fn email_delivered(
    conn: &mut AnyConnection,
    document_id: &str,
    on: NaiveDate,
) -> QueryResult<usize> {
    diesel::update(
        served_documents::table
            .find(document_id)
            .filter(served_documents::status.eq(ServiceStatus::Emailed))
            .filter(served_documents::served_on.is_null()),
    )
    .set(served_documents::served_on.eq(on))
    .execute(conn)
}

/// The email could not be delivered: the notice has not been served, and waits to be posted or
/// delivered by an officer like any other.
pub fn email_failed(conn: &mut AnyConnection, document_id: &str) -> QueryResult<usize> {
    diesel::update(
        served_documents::table
            .find(document_id)
            .filter(served_documents::status.eq(ServiceStatus::Emailed))
            .filter(served_documents::served_on.is_null()),
    )
    .set((
        served_documents::status.eq(ServiceStatus::QueuedForPost),
        served_documents::service_note.eq(
            "The email could not be delivered: post the notice or deliver it, and record the service.",
        ),
    ))
    .execute(conn)
}
