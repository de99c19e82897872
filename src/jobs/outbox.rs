//! The outbox worker: sends what is due over SMTP (or to .eml files), claiming each row first,
//! retrying with backoff and recording GOV.UK Notify's statuses.
use chrono::Duration;
use diesel::prelude::*;
use lettre::message::header::ContentType;
use lettre::{Message, Transport};

use crate::db::schema::outbox;
use crate::db::{now, Pool};
use crate::mail::{EmailStatus, OutboxEmail};

pub const GIVE_UP_AFTER_HOURS: i64 = 72;
const CODE_REMOVED: &str = "(The security code in this email was removed once it was sent.)";

/// A row claimed by a worker that died mid-send is due again after this lease: a little over
/// the SMTP timeout, so an interrupted send is retried (and shown to officers) within a minute.
pub const SMTP_TIMEOUT_SECONDS: u64 = 20;
pub const SENDING_LEASE_SECONDS: i64 = 60;

/// Where email goes: SMTP in production, .eml files on a laptop.
pub enum Mailer {
    Smtp(lettre::SmtpTransport),
    File(std::path::PathBuf),
}

impl Mailer {
    /// `smtp://user:pass@host:587?tls=starttls` (lettre's URL form), or `file:///path/to/dir`.
    pub fn from_url(url: &str) -> anyhow::Result<Mailer> {
        if let Some(path) = url.strip_prefix("file://") {
            std::fs::create_dir_all(path)?;
            return Ok(Mailer::File(path.into()));
        }
        let t = lettre::SmtpTransport::from_url(url)
            .map_err(|e| anyhow::anyhow!("CNIS_EMAIL_URL is not a valid smtp:// URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(SMTP_TIMEOUT_SECONDS)))
            .build();
        Ok(Mailer::Smtp(t))
    }

    /// Ok, or Err((permanent, reason)).
    fn send(&self, msg: &Message) -> Result<(), (bool, String)> {
        match self {
            Mailer::Smtp(t) => t
                .send(msg)
                .map(|_| ())
                .map_err(|e| (e.is_permanent(), e.to_string())),
            Mailer::File(dir) => lettre::FileTransport::new(dir)
                .send(msg)
                .map(|_| ())
                .map_err(|e| (false, e.to_string())),
        }
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct SendReport {
    pub delivered: usize,
    pub temporary_failures: usize,
    pub permanent_failures: usize,
}

/// Backoff after `attempts` failed attempts: 1 minute after the first, then 2, 4 … minutes, at
/// most an hour (as README says).
pub fn retry_delay(attempts: i32) -> Duration {
    Duration::minutes((1i64 << (attempts - 1).clamp(0, 6)).min(60))
}

fn build(
    email: &OutboxEmail,
    from: &str,
    attachment: Option<(String, Vec<u8>)>,
) -> Result<Message, String> {
    use lettre::message::{Attachment, MultiPart, SinglePart};
    let from = from.parse().map_err(|e| format!("CNIS_EMAIL_FROM: {e}"))?;
    let to = email
        .to_address
        .parse()
        .map_err(|e| format!("recipient address: {e}"))?;
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        // Stable across retries so a resend after a crash is recognisable.
        .message_id(Some(format!("<{}@cnis.outbox>", email.id)));
    match attachment {
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone()),
        Some((name, pdf)) => {
            let pdf_type = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
            builder.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(email.body.clone()))
                    .singlepart(Attachment::new(name).body(pdf, pdf_type)),
            )
        }
    }
    .map_err(|e| e.to_string())
}

/// Sends what is due, claiming each row first so two workers never send the same email twice.
pub fn send_due(
    pool: &Pool,
    mailer: &Mailer,
    from: &str,
    batch: i64,
) -> anyhow::Result<SendReport> {
    let mut conn = pool.get()?;
    let t = now();
    let due: Vec<OutboxEmail> = outbox::table
        .filter(outbox::next_attempt_at.le(t))
        .filter(outbox::status.eq_any([
            EmailStatus::Created,
            EmailStatus::TemporaryFailure,
            EmailStatus::Sending,
        ]))
        .order(outbox::next_attempt_at.asc())
        .limit(batch)
        .select(OutboxEmail::as_select())
        .load(&mut **conn)?;
    let mut report = SendReport::default();
    for row in due {
        let claimed = diesel::update(
            outbox::table
                .filter(outbox::id.eq(&row.id))
                .filter(outbox::status.eq(&row.status))
                .filter(outbox::next_attempt_at.eq(row.next_attempt_at)),
        )
        // The attempt is counted as it starts, so a send cut short still shows as tried.
        .set((
            outbox::status.eq(EmailStatus::Sending),
            outbox::next_attempt_at.eq(t + Duration::seconds(SENDING_LEASE_SECONDS)),
            outbox::attempts.eq(row.attempts + 1),
        ))
        .execute(&mut **conn)?;
        if claimed == 0 {
            continue;
        }
        let attempts = row.attempts + 1;
        let attachment = match &row.document_id {
            Some(d) => match crate::store::served::attachment(&mut conn, d)? {
                Some(a) => Ok(Some(a)),
                None => Err((true, "the attached notice is missing".to_string())),
            },
            None => Ok(None),
        };
        let outcome = attachment
            .and_then(|a| build(&row, from, a).map_err(|e| (true, e)))
            .and_then(|m| mailer.send(&m));
        let done = now();
        match outcome {
            Ok(()) => {
                diesel::update(outbox::table.find(&row.id))
                    .set((
                        outbox::status.eq(EmailStatus::Delivered),
                        outbox::attempts.eq(attempts),
                        outbox::sent_at.eq(Some(done)),
                        outbox::last_error.eq(None::<String>),
                    ))
                    .execute(&mut **conn)?;
                if row.template == crate::mail::SIGN_IN_CODE {
                    // A security code is only any use to the person it went to: keep no copy.
                    diesel::update(outbox::table.find(&row.id))
                        .set(outbox::body.eq(CODE_REMOVED))
                        .execute(&mut **conn)?;
                }
                if let Some(doc) = &row.document_id {
                    crate::store::served::email_delivered(
                        &mut conn,
                        doc,
                        crate::clock::local_date(done),
                    )?;
                }
                log::info!("outbox row {} delivered to the mail server", row.id);
                report.delivered += 1;
            }
            Err((permanent, reason)) => {
                let next = done + retry_delay(attempts);
                let give_up =
                    permanent || next > row.created_at + Duration::hours(GIVE_UP_AFTER_HOURS);
                let status = if give_up {
                    EmailStatus::PermanentFailure
                } else {
                    EmailStatus::TemporaryFailure
                };
                let reason = if give_up && !permanent {
                    format!("gave up after {GIVE_UP_AFTER_HOURS} hours: {reason}")
                } else {
                    reason
                };
                diesel::update(outbox::table.find(&row.id))
                    .set((
                        outbox::status.eq(status),
                        outbox::attempts.eq(attempts),
                        outbox::next_attempt_at.eq(next),
                        outbox::last_error.eq(Some(reason.chars().take(500).collect::<String>())),
                    ))
                    .execute(&mut **conn)?;
                log::warn!("outbox row {} {status} after attempt {attempts}", row.id);
                if give_up {
                    if let Some(doc) = &row.document_id {
                        crate::store::served::email_failed(&mut conn, doc)?;
                    }
                    report.permanent_failures += 1;
                } else {
                    report.temporary_failures += 1;
                }
            }
        }
    }
    Ok(report)
}

/// The background worker: sends what is due every `poll` until the process ends.
pub fn spawn_worker(pool: Pool, mailer: Mailer, from: String, poll: std::time::Duration) {
    std::thread::spawn(move || loop {
        if let Err(e) = send_due(&pool, &mailer, &from, 50) {
            log::error!("outbox worker: {e}");
        }
        std::thread::sleep(poll);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_at_a_minute_and_doubles_to_an_hour() {
        assert_eq!(
            retry_delay(1),
            Duration::minutes(1),
            "the first retry comes after a minute"
        );
        assert_eq!(retry_delay(2), Duration::minutes(2));
        assert_eq!(retry_delay(4), Duration::minutes(8));
        assert_eq!(retry_delay(7), Duration::minutes(60));
        assert_eq!(retry_delay(10), Duration::minutes(60));
    }
}
