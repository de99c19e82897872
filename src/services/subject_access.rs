//! Subject access (UK GDPR art.15, law.md §7.3): everything the service holds about a child —
//! the entry and its history, people and places, the s.436C(2) information, tasks, social care
//! flags with their sources, school attendance cases, notices as served, emails, moves between
//! councils, and the audit of who read or changed it — as one ZIP: a readable PDF summary, the
//! machine-readable JSON, and each notice's PDF as served. Third parties' details are redacted
//! as the officer confirms (art.15(4)); making the bundle is audited.
use std::io::Write;

use serde_json::{json, Value};

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditFilter};
use crate::store::children::{self, Parent};
use crate::store::{
    attendance, information_requests, matches, prescribed, served, tasks, transfers,
};

/// Who asked, and what the officer confirmed to take out.
pub struct Request {
    /// The parent on record who asked (their own details stay); None: the child, or someone
    /// acting for them.
    pub requester_parent: Option<String>,
    /// Take out other parents' contact details (email, telephone, address), and the emails and
    /// notices sent to them.
    pub redact_other_parents: bool,
    /// Show officers as "An officer".
    pub redact_officers: bool,
}

const REDACTED: &str = "[redacted]";

/// The ZIP for a child: (file name, bytes).
pub fn bundle(
    c: &mut AnyConnection,
    child_id: &str,
    req: &Request,
    council: &str,
    user_id: &str,
) -> AppResult<(String, Vec<u8>)> {
    let rec = children::load_record(c, child_id)?.ok_or(AppError::NotFound)?;
    if let Some(p) = &req.requester_parent {
        if !rec.parents.iter().any(|x| &x.id == p) {
            return Err(AppError::Refused("Choose who asked".into()));
        }
    }
    audit::record(
        c,
        Some(user_id),
        "subject_access_bundle",
        Some(child_id),
        "officer made a subject access bundle",
    )?;
    let ch = &rec.child;
    let officer = |name: Option<&String>| -> Value {
        match name {
            None => Value::Null,
            Some(_) if req.redact_officers => json!("An officer"),
            Some(n) => json!(n),
        }
    };
    let withheld = |p: &Parent| {
        req.redact_other_parents && req.requester_parent.as_deref() != Some(p.id.as_str())
    };
    let other_names: Vec<String> = rec
        .parents
        .iter()
        .filter(|p| withheld(p))
        .map(|p| p.name())
        .collect();
    // Their contact details wherever they were written down (the history, tasks, emails, the
    // audit, partner records), and those of anyone who claimed to be a parent, matched in any
    // case.
    let claims = crate::store::parent_claims::for_child(c, child_id)?;
    let requester_email = req
        .requester_parent
        .as_deref()
        .and_then(|id| rec.parents.iter().find(|p| p.id == id))
        .and_then(|p| p.email.clone())
        .map(|e| e.to_lowercase());
    let mut secrets: Vec<String> = rec
        .parents
        .iter()
        .filter(|p| withheld(p))
        .flat_map(|p| {
            [
                p.email.clone(),
                p.phone.clone(),
                p.address_line_1.clone(),
                p.address_postcode.clone(),
            ]
        })
        .chain(claims.iter().flat_map(|k| {
            [
                k.email.clone(),
                k.phone.clone(),
                k.address_line_1.clone(),
                k.address_postcode.clone(),
            ]
        }))
        .flatten()
        .filter(|v| v.len() > 3 && Some(v.to_lowercase()) != requester_email)
        .collect();
    if !req.redact_other_parents {
        secrets.clear();
    }
    // Emails to any parent or claimant but the requester are theirs, not the requester's.
    let other_emails: Vec<String> = secrets
        .iter()
        .filter(|v| v.contains('@'))
        .map(|v| v.to_lowercase())
        .collect();
    let scrub = |text: &str| -> String {
        secrets
            .iter()
            .fold(text.to_string(), |t, s| replace_ci(&t, s, REDACTED))
    };
    let scrub_opt = |v: &Option<String>| v.as_deref().map(scrub);

    let p = prescribed::of(c, child_id)?;
    let mut notices = vec![];
    let mut files: Vec<(String, Vec<u8>)> = vec![];
    let cases = attendance::for_child(c, child_id)?;
    let requests = information_requests::for_child(c, child_id)?;
    let subjects: Vec<String> = cases
        .iter()
        .map(|k| k.id.clone())
        .chain(requests.iter().map(|r| r.id.clone()))
        .collect();
    let mut withheld_notices = 0;
    for s in &subjects {
        for row in served::log_for(c, s)? {
            let Some(doc) = served::find(c, &row.id)? else {
                continue;
            };
            if other_names
                .iter()
                .any(|n| n.trim().eq_ignore_ascii_case(doc.recipient_name.trim()))
            {
                withheld_notices += 1;
                continue;
            }
            let file = format!(
                "notices/{:02}-{}.pdf",
                files.len() + 1,
                doc.kind.replace('/', "-")
            );
            notices.push(json!({
                "kind": doc.kind, "recipient": doc.recipient_name, "method": doc.method,
                "status": doc.status.as_str(), "served_on": doc.served_on, "file": file,
                "sha256": doc.pdf_sha256,
            }));
            files.push((file, doc.pdf));
        }
    }
    let history: Vec<Value> = rec
        .history
        .iter()
        .map(|(h, by)| {
            json!({"at": h.at, "field": h.field, "from": scrub_opt(&h.old_value),
                   "to": scrub_opt(&h.new_value), "reason": scrub(&h.reason), "by": officer(by.as_ref())})
        })
        .collect();
    let flags: Vec<Value> = matches::flags_for_child(c, child_id)?
        .iter()
        .map(|(f, source)| {
            json!({"kind": f.kind, "source_record": source, "start": f.start_date,
                   "end": f.end_date, "raised_at": f.raised_at, "ended_at": f.ended_at})
        })
        .collect();
    let task_rows: Vec<Value> = tasks::for_child(c, child_id)?
        .iter()
        .map(|(t, by)| {
            json!({"kind": t.kind.label(), "summary": scrub(&t.summary), "due_on": t.due_on,
                   "created_at": t.created_at, "completed_at": t.completed_at,
                   "completed_by": officer(by.as_ref()), "outcome": scrub_opt(&t.outcome)})
        })
        .collect();
    let emails: Vec<Value> = rec
        .emails
        .iter()
        .map(|e| {
            if other_emails.contains(&e.to_address.to_lowercase()) {
                json!({"to": REDACTED, "subject": REDACTED, "body": REDACTED, "created_at": e.created_at,
                       "note": "sent to another parent"})
            } else {
                json!({"to": e.to_address, "subject": scrub(&e.subject), "body": scrub(&e.body),
                       "status": e.status.label(), "created_at": e.created_at, "sent_at": e.sent_at})
            }
        })
        .collect();
    let audit_rows: Vec<Value> = audit::search(
        c,
        &AuditFilter {
            child_id: Some(child_id.to_string()),
            ..AuditFilter::default()
        },
        0,
        100_000,
    )?
    .iter()
    .map(|(e, by)| json!({"at": e.at, "action": e.action, "purpose": scrub(&e.purpose), "by": officer(by.as_ref())}))
    .collect();
    let parents: Vec<Value> = rec
        .parents
        .iter()
        .map(|x| {
            let hide = withheld(x);
            let v = |s: &Option<String>| if hide { json!(REDACTED) } else { json!(s) };
            json!({"name": x.name(), "relationship": x.relationship,
                   "parental_responsibility": x.parental_responsibility,
                   "lives_with_child": x.lives_with_child, "educating": x.educating,
                   "address_line_1": v(&x.address_line_1), "town": v(&x.address_town),
                   "postcode": v(&x.address_postcode), "email": v(&x.email), "phone": v(&x.phone)})
        })
        .collect();
    let record = json!({
        "made_at": crate::db::now(),
        "council": council,
        "redactions": {
            "other_parents_contact_details": req.redact_other_parents,
            "officers_names": req.redact_officers,
            "notices_to_other_parents_withheld": withheld_notices,
        },
        "entry": {
            "reference": ch.reference, "given_names": ch.given_names, "family_name": ch.family_name,
            "date_of_birth": ch.date_of_birth, "sex": ch.sex, "upn": ch.upn, "nhs_number": ch.nhs_number,
            "arrangement": ch.arrangement, "eligibility_condition": ch.eligibility_condition,
            "eligible_from": ch.eligible_from, "reason": ch.reason, "reason_detail": ch.reason_detail,
            "sen_status": ch.sen_status, "parent_hours_per_week": ch.parent_hours_per_week,
            "other_hours_per_week": ch.other_hours_per_week, "status": ch.status.as_str(),
            "closed_on": ch.closed_on, "closed_reason": ch.closed_reason, "source": ch.source,
            "created_at": ch.created_at,
        },
        // An additional address may be another parent's home.
        "addresses": rec.addresses.iter().map(|a| {
            let other = a.kind == crate::domain::register::AddressKind::Additional;
            let v = |x: &str| if other { scrub(x) } else { x.to_string() };
            json!({"kind": a.kind.as_str(), "line_1": v(&a.line_1), "line_2": a.line_2.as_deref().map(v),
                   "town": a.town, "postcode": v(&a.postcode), "moved_in_on": a.moved_in_on})
        }).collect::<Vec<_>>(),
        "parents": parents,
        "providers": rec.providers.iter().map(|v| json!({"name": v.name, "type": v.provider_type,
            "address": v.address, "website": v.website, "hours_per_week": v.hours_per_week,
            "hours_without_parent": v.hours_without_parent})).collect::<Vec<_>>(),
        "other_information": p.fields().iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "history": history,
        "tasks": task_rows,
        "social_care_flags": flags,
        "school_attendance_cases": cases.iter().map(|k| json!({"reference": k.reference,
            "stage": k.stage.label(), "opened_on": k.opened_on, "closed_on": k.closed_on})).collect::<Vec<_>>(),
        "information_requests": requests.iter().map(|r| json!({"kind": r.kind.as_str(), "asked": r.asked,
            "sent_at": r.sent_at})).collect::<Vec<_>>(),
        "notices": notices,
        "emails": emails,
        "transfers": transfers::for_child(c, child_id)?.iter().map(|t| json!({"direction": t.direction.as_str(),
            "council": t.council_name, "moved_on": t.moved_on, "sha256": t.sha256})).collect::<Vec<_>>(),
        "shared_with_partners": crate::store::disclosures::for_child(c, child_id)?.iter().map(|(d, by)| json!({
            "gateway": d.gateway.label(), "partner": d.partner, "requested_by": scrub(&d.requested_by),
            "purpose": scrub(&d.purpose), "information": scrub(&d.information), "disclosed_on": d.disclosed_on,
            "recorded_by": officer(Some(by))})).collect::<Vec<_>>(),
        "audit": audit_rows,
    });
    let summary = summary_text(&record);
    let pdf = crate::notices::render_pdf("Subject access: what the council holds", &summary)?;
    let zip = write_zip(
        &[
            ("summary.pdf".to_string(), pdf),
            (
                "record.json".to_string(),
                serde_json::to_vec_pretty(&record)?,
            ),
        ]
        .into_iter()
        .chain(files)
        .collect::<Vec<_>>(),
    )?;
    Ok((format!("subject-access-{}.zip", ch.reference), zip))
}

/// `text` with every occurrence of `needle`, in any case, replaced by `with`.
fn replace_ci(text: &str, needle: &str, with: &str) -> String {
    let (lower, n) = (text.to_lowercase(), needle.to_lowercase());
    // Lowercasing can change byte lengths outside ASCII; then only exact matches are replaced.
    if n.is_empty() || lower.len() != text.len() {
        return text.replace(needle, with);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (i, _) in lower.match_indices(&n) {
        let Some(before) = text.get(last..i) else {
            return text.replace(needle, with);
        };
        out.push_str(before);
        out.push_str(with);
        last = i + n.len();
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

fn write_zip(files: &[(String, Vec<u8>)]) -> AppResult<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in files {
        w.start_file(name.as_str(), opts)
            .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
        w.write_all(bytes)
            .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
    }
    let out = w
        .finish()
        .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
    Ok(out.into_inner())
}

/// The PDF's text: each section with its count, and the entry's own details.
fn summary_text(r: &Value) -> String {
    let e = &r["entry"];
    let s = |v: &Value| match v {
        Value::Null => "not recorded".to_string(),
        Value::String(x) => x.clone(),
        other => other.to_string(),
    };
    let mut out = vec![
        format!("Council: {}", s(&r["council"])),
        format!("Made: {}", s(&r["made_at"])),
        String::new(),
        format!(
            "Child: {} {} ({})",
            s(&e["given_names"]),
            s(&e["family_name"]),
            s(&e["reference"])
        ),
        format!(
            "Date of birth: {}. Sex: {}",
            s(&e["date_of_birth"]),
            s(&e["sex"])
        ),
        format!(
            "Arrangement: {}. Reason: {}",
            s(&e["arrangement"]),
            s(&e["reason"])
        ),
        format!("Entry: {} (made {})", s(&e["status"]), s(&e["created_at"])),
        String::new(),
    ];
    for (key, title) in [
        ("addresses", "Addresses"),
        ("parents", "Parents"),
        ("providers", "Others who educate the child"),
        ("history", "Changes to the entry"),
        ("tasks", "Officers' tasks"),
        ("social_care_flags", "Children's social care flags"),
        ("school_attendance_cases", "School attendance cases"),
        ("information_requests", "Requests for information"),
        ("notices", "Notices as served (PDFs in notices/)"),
        ("emails", "Emails"),
        ("transfers", "Moves between councils"),
        (
            "shared_with_partners",
            "Information shared with partners (s.436F)",
        ),
        ("audit", "Who read or changed the record"),
    ] {
        out.push(format!(
            "{title}: {}",
            r[key].as_array().map_or(0, Vec::len)
        ));
    }
    out.push(String::new());
    let red = &r["redactions"];
    out.push(format!(
        "Redactions: other parents' contact details {}; officers' names {}; notices to other parents withheld: {}.",
        if red["other_parents_contact_details"] == json!(true) { "removed" } else { "kept" },
        if red["officers_names"] == json!(true) { "removed" } else { "kept" },
        s(&red["notices_to_other_parents_withheld"]),
    ));
    out.push("Everything above is in record.json, in full.".into());
    out.join("\n")
}

/// A parent's row: child reference, relationship, given names, parental responsibility,
/// educating, address line 1, telephone.
type OnRegister = (
    String,
    String,
    String,
    bool,
    bool,
    Option<String>,
    Option<String>,
);

/// Everything held about a parent, found by their email address: where they are on the
/// register (each child by reference), claims to be a parent, notifications and applications
/// they sent, reports they made, their decisions on notices by email (s.572) and the emails sent
/// to them. None when nothing is held. The other people in what they sent (a child's other
/// parent) are left out: only references, dates and their own words are included.
pub fn parent_bundle(
    c: &mut AnyConnection,
    email: &str,
    council: &str,
    user_id: &str,
) -> AppResult<Option<(String, Vec<u8>)>> {
    use crate::db::schema::{
        children, consent_applications as ca, email_service_consents as esc, outbox,
        parent_claims as pc, parent_notifications as pn, parent_reports as pr, parents,
    };
    use diesel::prelude::*;
    let email = email.trim().to_lowercase();
    let on_register: Vec<OnRegister> = parents::table
        .inner_join(children::table)
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(parents.email) = ")
                .bind::<diesel::sql_types::Text, _>(&email),
        )
        .select((
            children::reference,
            parents::relationship,
            parents::given_names,
            parents::parental_responsibility,
            parents::educating,
            parents::address_line_1,
            parents::phone,
        ))
        .load(c)?;
    let claims: Vec<(String, String, String)> = pc::table
        .filter(pc::email.eq(&email))
        .select((pc::relationship, pc::source, pc::status))
        .load(c)?;
    let notifications: Vec<(String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> =
        pn::table
            .filter(pn::email.eq(&email))
            .select((pn::reference, pn::created_at, pn::submitted_at))
            .load(c)?;
    let applications: Vec<(String, String, chrono::NaiveDate, String, String)> = ca::table
        .filter(ca::parent_email.eq(&email))
        .select((
            ca::reference,
            ca::status,
            ca::received_on,
            ca::given_names,
            ca::family_name,
        ))
        .load(c)?;
    let reports: Vec<(String, String, chrono::NaiveDateTime)> = pr::table
        .filter(pr::email.eq(&email))
        .select((pr::kind, pr::details, pr::submitted_at))
        .load(c)?;
    let consents: Vec<(String, bool, chrono::NaiveDateTime)> = esc::table
        .filter(esc::email.eq(&email))
        .select((esc::document_kind, esc::consented, esc::decided_at))
        .load(c)?;
    let emails: Vec<(String, String, chrono::NaiveDateTime)> = outbox::table
        .filter(outbox::to_address.eq(&email))
        .order(outbox::created_at.asc())
        .select((outbox::subject, outbox::body, outbox::created_at))
        .load(c)?;
    let total = on_register.len()
        + claims.len()
        + notifications.len()
        + applications.len()
        + reports.len()
        + consents.len()
        + emails.len();
    audit::record(
        c,
        Some(user_id),
        "subject_access_bundle",
        None,
        &format!("officer made a subject access bundle for a parent ({total} records)"),
    )?;
    if total == 0 {
        return Ok(None);
    }
    let record = json!({
        "made_at": crate::db::now(),
        "council": council,
        "email": email,
        "on_the_register": on_register.iter().map(|(r, rel, g, pr, ed, a, p)| json!({"child": r, "relationship": rel,
            "given_names": g, "parental_responsibility": pr, "educating": ed, "address_line_1": a, "phone": p})).collect::<Vec<_>>(),
        "claims_to_be_a_parent": claims.iter().map(|(rel, src, st)| json!({"relationship": rel, "source": src, "status": st})).collect::<Vec<_>>(),
        "notifications": notifications.iter().map(|(r, made, sent)| json!({"reference": r, "started": made, "sent": sent})).collect::<Vec<_>>(),
        "applications_for_consent": applications.iter().map(|(r, st, on, g, f)| json!({"reference": r, "status": st,
            "received_on": on, "child": format!("{g} {f}")})).collect::<Vec<_>>(),
        "reports": reports.iter().map(|(k, d, at)| json!({"kind": k, "details": d, "sent": at})).collect::<Vec<_>>(),
        "decisions_on_notices_by_email": consents.iter().map(|(k, y, at)| json!({"kind": k, "agreed": y, "decided": at})).collect::<Vec<_>>(),
        "emails": emails.iter().map(|(s, b, at)| json!({"subject": s, "body": b, "created_at": at})).collect::<Vec<_>>(),
    });
    let mut lines = vec![
        format!("Council: {council}"),
        format!("Email address: {email}"),
        String::new(),
    ];
    for (key, title) in [
        ("on_the_register", "On the register as a parent of"),
        ("claims_to_be_a_parent", "Claims to be a parent"),
        ("notifications", "Notifications sent"),
        ("applications_for_consent", "Applications for consent"),
        ("reports", "Changes and requests reported"),
        (
            "decisions_on_notices_by_email",
            "Decisions on notices by email (s.572)",
        ),
        ("emails", "Emails sent"),
    ] {
        lines.push(format!(
            "{title}: {}",
            record[key].as_array().map_or(0, Vec::len)
        ));
    }
    lines.push("Everything above is in record.json, in full.".into());
    let pdf = crate::notices::render_pdf(
        "Subject access: what the council holds about you",
        &lines.join("\n"),
    )?;
    let zip = write_zip(&[
        ("summary.pdf".to_string(), pdf),
        (
            "record.json".to_string(),
            serde_json::to_vec_pretty(&record)?,
        ),
    ])?;
    Ok(Some(("subject-access-parent.zip".into(), zip)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn gdpr_15_4_another_parents_details_are_found_in_any_case() {
        assert_eq!(
            super::replace_ci(
                "Email DANIEL@Example.com or daniel@example.com",
                "daniel@example.com",
                "[x]"
            ),
            "Email [x] or [x]"
        );
        assert_eq!(super::replace_ci("Zoë ß", "zz", "[x]"), "Zoë ß");
    }
}
