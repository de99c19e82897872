//! Moving between councils (s.436F): sending a child's record to the council of the new area,
//! which closes the entry here as "moved away", and receiving one, which enters the child for
//! review with where the record came from.
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::domain::register::{AddressKind, EntryStatus};
use crate::domain::transfer::{self, AddressPart, Council, Signed};
use crate::error::{AppError, AppResult};
use crate::store::audit;
use crate::store::children::{self, Address, Child, Parent, Provider, SaveOutcome};
use crate::store::notifications::{self, Informant, NotifiedChild};
use crate::store::tasks::{self, TaskKind, TeamAlert};
use crate::store::transfers::{self, Choices, Direction};

/// What an officer asked to send.
pub struct SendRequest {
    pub receiving_code: String,
    pub moved_on: NaiveDate,
    pub new_address: Option<AddressPart>,
    pub with_history: bool,
}

/// Sends the record: builds and signs the package, keeps it, and closes the entry as moved
/// away, naming the receiving council; one transaction, audited. Returns the transfer's id.
pub fn send(
    c: &mut AnyConnection,
    child_id: &str,
    req: &SendRequest,
    sending: Council,
    key: &ed25519_dalek::SigningKey,
    user_id: &str,
) -> AppResult<String> {
    if sending.code.is_empty() {
        return Err(AppError::Refused(
            "Set CNIS_LA_CODE to this council's LA number before sending records".into(),
        ));
    }
    let receiving_name = transfer::council_name(&req.receiving_code)
        .ok_or_else(|| AppError::Refused("Choose the council the child is moving to".into()))?;
    crate::db::write::<_, AppError, _>(c, |c| {
        let child = children::find(c, child_id)?.ok_or(AppError::NotFound)?;
        if child.status == EntryStatus::Closed {
            return Err(AppError::Refused(
                "This entry is closed: reopen it before sending the record".into(),
            ));
        }
        let choices = Choices {
            sending,
            receiving: Council {
                code: req.receiving_code.clone(),
                name: receiving_name.into(),
            },
            moved_on: req.moved_on,
            new_address: req.new_address.clone(),
            with_history: req.with_history,
        };
        let package = transfers::build(c, child_id, &choices)?.ok_or(AppError::NotFound)?;
        let signed = transfer::sign(package, key)?;
        let text = serde_json::to_string_pretty(&signed)?;
        let id = transfers::record(
            c,
            Some(child_id),
            Direction::Sent,
            &signed,
            &text,
            Some(user_id),
        )?
        .ok_or_else(|| AppError::Conflict("This package was sent already".into()))?;
        let note = format!(
            "Moved to {receiving_name} ({}); the record was sent to them (s.436F)",
            req.receiving_code
        );
        if children::close(c, &child, "moved_away", req.moved_on, Some(&note), user_id)?
            == SaveOutcome::Stale
        {
            return Err(AppError::Conflict(
                "Someone else changed this record while you had it open: check it, then send again"
                    .into(),
            ));
        }
        audit::record(
            c,
            Some(user_id),
            "transfer_sent",
            Some(child_id),
            &format!(
                "officer sent the record to council {} under s.436F",
                req.receiving_code
            ),
        )?;
        Ok(id)
    })
}

/// What receiving a package did.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// A new entry, or one already on the register linked (true).
    Entered {
        child_id: String,
        linked: bool,
        from: String,
    },
    /// This package was imported before: nothing changed.
    AlreadyImported,
}

/// Receives a package: checks it (`transfer::verify`), then enters the child for an officer's
/// review, or links an entry already here, keeping the package and where it came from. A task
/// asks an officer to review it, naming any social care involvement the sender recorded.
pub fn receive(
    c: &mut AnyConnection,
    text: &str,
    trusted: &[transfer::Trusted],
    our_code: Option<&str>,
    user_id: Option<&str>,
    alert: Option<&TeamAlert>,
) -> AppResult<Received> {
    let our_code = our_code.ok_or_else(|| {
        AppError::Refused(
            "set CNIS_LA_CODE to this council's LA number before receiving records".into(),
        )
    })?;
    let signed =
        transfer::verify(text, trusted, our_code).map_err(|r| AppError::Refused(r.to_string()))?;
    let p = &signed.package;
    let from = format!("{} ({})", p.sending_council.name, p.sending_council.code);
    crate::db::write::<_, AppError, _>(c, |c| {
        let Some(tid) = transfers::record(c, None, Direction::Received, &signed, text, user_id)?
        else {
            return Ok(Received::AlreadyImported);
        };
        let n = notified(&signed);
        let why = format!(
            "transfer package from {from}, their reference {}, checksum {}",
            p.child.sending_reference,
            &signed.sha256[..16]
        );
        let (child_id, linked) = notifications::enter_or_link(c, &n, &why, &tid, alert)?;
        // An entry already here keeps what an officer recorded; the sending council's s.436C(2)
        // information fills what it does not know.
        if linked {
            let held = crate::store::prescribed::of(c, &child_id)?;
            let filled = held.filled_from(&n.prescribed);
            crate::store::prescribed::save(c, &child_id, &filled, user_id, &why)?;
        }
        // The child lives here now, by the sending council's account: an entry closed when they
        // left before is open again, so it is reviewed (and not erased as past its date).
        if let Some(existing) =
            children::find(c, &child_id)?.filter(|e| e.status == EntryStatus::Closed)
        {
            if children::reopen(
                c,
                &existing,
                user_id,
                &format!("A record arrived from {from} (s.436F)"),
            )? == SaveOutcome::Stale
            {
                return Err(AppError::Conflict(
                    "The entry changed while the record was received: try again".into(),
                ));
            }
        }
        diesel::update(crate::db::schema::transfers::table.find(&tid))
            .set(crate::db::schema::transfers::child_id.eq(&child_id))
            .execute(c)?;
        let care: Vec<String> = p
            .social_care
            .iter()
            .map(|s| {
                format!(
                    "{} from {}{}",
                    crate::domain::register::label(
                        crate::domain::safeguarding::FLAG_KINDS,
                        &s.kind
                    ),
                    s.started_on
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "a date not given".into()),
                    s.ended_on
                        .map(|d| format!(" to {d}"))
                        .unwrap_or_else(|| ", still open".into()),
                )
            })
            .collect();
        let summary = if care.is_empty() {
            format!("Record received from {from}: check the entry and contact the family (s.436F).")
        } else {
            format!(
                "Record received from {from}, which records children's social care involvement: {}. Contact their children's social care today.",
                care.join("; ")
            )
        };
        tasks::create(
            c,
            alert,
            Some(&child_id),
            TaskKind::TransferReceived,
            &summary,
            Some(&tid),
            Some(crate::clock::today()),
        )?;
        audit::record(
            c,
            user_id,
            "transfer_received",
            Some(&child_id),
            &format!(
                "record received from council {} under s.436F",
                p.sending_council.code
            ),
        )?;
        Ok(Received::Entered {
            child_id,
            linked,
            from: from.clone(),
        })
    })
}

/// A code from another council's package, if it is one of ours; else `fallback`.
fn code(choices: crate::domain::register::Choices, v: &str, fallback: &str) -> String {
    if crate::domain::register::is_choice(choices, v) {
        v
    } else {
        fallback
    }
    .to_string()
}

/// Free text from another council's package, cut to what the register's own forms allow.
fn text(v: &str, max: usize) -> String {
    v.trim().chars().take(max).collect()
}

fn opt_text(v: &Option<String>, max: usize) -> Option<String> {
    v.as_deref().map(|v| text(v, max)).filter(|v| !v.is_empty())
}

/// Hours a week as the register's forms allow them: 0 to 168, or not given.
fn hours(h: Option<f64>) -> Option<f64> {
    h.filter(|h| h.is_finite() && (0.0..=168.0).contains(h))
}

/// The package as a child the council has been told about. Another council's values are
/// checked as the register's own forms check them: an unknown code becomes "not known", text is
/// cut to length, impossible hours are left out.
fn notified(s: &Signed) -> NotifiedChild {
    use crate::domain::register::{
        ARRANGEMENTS, ELIGIBILITY_CONDITIONS, PROVIDER_TYPES, REASONS, RELATIONSHIPS, SEN_STATUSES,
        SEXES,
    };
    let p = &s.package;
    let t = crate::db::now();
    let ch = &p.child;
    let mut child = Child {
        given_names: text(&ch.given_names, 100),
        family_name: text(&ch.family_name, 100),
        date_of_birth: ch.date_of_birth,
        sex: code(SEXES, &ch.sex, "U"),
        upn: opt_text(&ch.upn, 13).filter(|u| crate::domain::identifiers::normalise_upn(u).is_ok()),
        nhs_number: opt_text(&ch.nhs_number, 12)
            .filter(|n| crate::domain::identifiers::normalise_nhs_number(n).is_ok()),
        la_reference: None,
        arrangement: code(ARRANGEMENTS, &ch.arrangement, "not_known"),
        eligibility_condition: code(ELIGIBILITY_CONDITIONS, &ch.eligibility_condition, "c_a"),
        eligible_from: ch.eligible_from,
        reason: code(REASONS, &ch.reason, "not_provided"),
        reason_detail: opt_text(&ch.reason_detail, 2000),
        sen_status: code(SEN_STATUSES, &ch.sen_status, "not_known"),
        parent_hours_per_week: hours(ch.parent_hours_per_week),
        other_hours_per_week: hours(ch.other_hours_per_week),
        reviewed: false,
        ..Child::open_entry("transfer", t)
    };
    let addresses: Vec<Address> = p
        .addresses
        .iter()
        .map(|a| Address {
            id: String::new(),
            child_id: String::new(),
            kind: AddressKind::parse(&a.kind).unwrap_or(AddressKind::Previous),
            line_1: text(&a.line_1, 200),
            line_2: opt_text(&a.line_2, 200),
            town: text(&a.town, 100),
            postcode: crate::domain::identifiers::normalise_postcode(&a.postcode)
                .unwrap_or_else(|_| text(&a.postcode, 10)),
            moved_in_on: a.moved_in_on,
            created_at: t,
        })
        .collect();
    let current = addresses
        .iter()
        .find(|a| a.kind == AddressKind::Current)
        .map(|a| a.postcode.clone());
    children::refresh_keys(&mut child, current.as_deref());
    NotifiedChild {
        child,
        addresses,
        providers: p
            .providers
            .iter()
            .map(|v| Provider {
                id: String::new(),
                child_id: String::new(),
                name: text(&v.name, 200),
                provider_type: code(PROVIDER_TYPES, &v.provider_type, "other"),
                address: opt_text(&v.address, 500),
                website: opt_text(&v.website, 500),
                hours_per_week: hours(Some(v.hours_per_week)).unwrap_or(0.0),
                hours_without_parent: hours(Some(v.hours_without_parent)).unwrap_or(0.0),
                created_at: t,
            })
            .collect(),
        parents: p
            .parents
            .iter()
            .map(|v| Parent {
                id: String::new(),
                child_id: String::new(),
                given_names: text(&v.given_names, 100),
                family_name: text(&v.family_name, 100),
                relationship: code(RELATIONSHIPS, &v.relationship, "other"),
                parental_responsibility: v.parental_responsibility,
                lives_with_child: v.lives_with_child,
                educating: v.educating,
                address_line_1: opt_text(&v.address_line_1, 200),
                address_town: opt_text(&v.address_town, 100),
                address_postcode: opt_text(&v.address_postcode, 10),
                email: opt_text(&v.email, 254).map(|e| e.to_lowercase()),
                phone: opt_text(&v.phone, 30),
                created_at: t,
            })
            .collect(),
        from: Informant::OtherCouncil,
        prescribed: prescribed_part(&p.prescribed),
    }
}

fn prescribed_part(p: &transfer::PrescribedPart) -> crate::domain::prescribed::Prescribed {
    use crate::domain::prescribed::{Answer, Ethnicity, LookedAfter, Prescribed};
    Prescribed {
        ethnicity: Ethnicity::parse(&p.ethnicity).unwrap_or(Ethnicity::NotKnown),
        disability: Answer::parse(&p.disability).unwrap_or(Answer::NotKnown),
        young_carer: Answer::parse(&p.young_carer).unwrap_or(Answer::NotKnown),
        looked_after: LookedAfter::parse(&p.looked_after).unwrap_or(LookedAfter::NotKnown),
        schools_attended: opt_text(&p.schools_attended, 2000),
        missing_education_from: p.missing_education_from,
    }
}

/// A package's readable summary, for its PDF: what was sent, to whom, and the checksum.
pub fn summary_text(s: &Signed) -> String {
    let p = &s.package;
    let c = &p.child;
    let mut out = vec![
        format!(
            "From: {} ({})",
            p.sending_council.name, p.sending_council.code
        ),
        format!(
            "To: {} ({})",
            p.receiving_council.name, p.receiving_council.code
        ),
        format!("Moved on: {}", crate::clock::fmt_date(p.moved_on)),
        format!("Schema: {}. Checksum (SHA-256): {}", p.schema, s.sha256),
        format!(
            "Signing key fingerprint: {}",
            transfer::fingerprint(&s.public_key)
        ),
        String::new(),
        format!(
            "Child: {} {}, born {}",
            c.given_names,
            c.family_name,
            crate::clock::fmt_date_or_not_known(c.date_of_birth)
        ),
        format!(
            "Sex: {}. UPN: {}. NHS number: {}",
            c.sex,
            c.upn.as_deref().unwrap_or("not given"),
            c.nhs_number.as_deref().unwrap_or("not given")
        ),
        format!("Their reference: {}", c.sending_reference),
        format!(
            "Arrangement: {}. Reason: {}. SEN: {}",
            c.arrangement, c.reason, c.sen_status
        ),
    ];
    for a in &p.addresses {
        out.push(format!(
            "Address ({}): {}, {} {}",
            a.kind, a.line_1, a.town, a.postcode
        ));
    }
    for v in &p.parents {
        out.push(format!(
            "Parent: {} {} ({}){}",
            v.given_names,
            v.family_name,
            v.relationship,
            if v.educating {
                ", educating the child"
            } else {
                ""
            }
        ));
    }
    for v in &p.providers {
        out.push(format!(
            "Provider: {} ({}), {} hours a week",
            v.name, v.provider_type, v.hours_per_week
        ));
    }
    let pr = &p.prescribed;
    out.push(format!(
        "Ethnic group: {}. Disability: {}. Young carer: {}. Looked after: {}",
        pr.ethnicity, pr.disability, pr.young_carer, pr.looked_after
    ));
    if let Some(s) = &pr.schools_attended {
        out.push(format!("Schools attended: {s}"));
    }
    for s in &p.social_care {
        out.push(format!(
            "Children's social care: {} from {:?} to {:?}",
            s.kind, s.started_on, s.ended_on
        ));
    }
    out.push(format!(
        "History lines sent (s.436C(3)): {}",
        p.history.len()
    ));
    out.join("\n")
}

/// Records a disclosure to a partner under s.436F, audited, in one transaction.
pub fn record_disclosure(
    c: &mut AnyConnection,
    child_id: &str,
    d: &crate::store::disclosures::NewDisclosure,
    user_id: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(c, |c| {
        children::find(c, child_id)?.ok_or(AppError::NotFound)?;
        crate::store::disclosures::insert(c, child_id, d, user_id)?;
        audit::record(
            c,
            Some(user_id),
            "record_disclosure",
            Some(child_id),
            &format!(
                "officer recorded information shared under s.436F ({})",
                d.gateway.as_str()
            ),
        )?;
        Ok(())
    })
}
