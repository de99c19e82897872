//! School attendance cases (ss.436H–436Q; ss.437–443): an officer's step on a case, as a typed
//! command, applied in one transaction and audited against the child.
use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::domain::attendance::{Deadline, Facts};
use crate::error::{AppError, AppResult};
use crate::store::attendance::{self as cases, Case};
use crate::store::audit;
use crate::store::served::{ServiceContext, ServiceRecord};

/// One step on a case, read and checked from its form. Dates are the days things happened.
pub enum Command {
    ServePreliminaryNotice,
    /// s.436H(8)(b), s.436I(3)(c): the council asked to see the child at home.
    RecordHomeVisit {
        on: NaiveDate,
        answer: String,
        answer_label: String,
        note: String,
    },
    RecordResponse {
        on: NaiveDate,
        text: String,
    },
    Evaluate {
        outcome: crate::domain::attendance::Evaluation,
        considerations: String,
        reasons: String,
    },
    RecordConsultation {
        school_id: String,
        alternatives: Vec<String>,
        on: NaiveDate,
        what: String,
    },
    ServeSchoolNotice,
    RecordObjection {
        on: NaiveDate,
        what: String,
    },
    RecordDirection {
        on: NaiveDate,
        school_id: String,
        what: String,
    },
    ServeNomination,
    RecordParentChoice {
        school_id: String,
        on: NaiveDate,
        what: String,
    },
    DetermineSchool,
    ServeOrder,
    Amend {
        school_id: String,
        reason: String,
    },
    Revoke {
        reason: String,
    },
    ReferForProsecution {
        breach: String,
        eso: String,
    },
    RecordProsecutionOutcome {
        outcome: crate::domain::attendance::ProsecutionOutcome,
        /// s.447(2): the court directed an application for an education supervision order.
        eso_directed: bool,
        on: NaiveDate,
        details: String,
    },
    RefuseRevocation {
        requested_on: NaiveDate,
        reason: String,
    },
    RecordRevocationReferral {
        referred_on: NaiveDate,
        outcome: crate::domain::attendance::RevocationReferral,
    },
    Assign {
        to: String,
        name: String,
    },
    Note {
        note: String,
    },
    RecordService(ServiceRecord),
    /// s.572: the day a notice was served, corrected with a reason; every clock moves with it.
    CorrectService(crate::store::served::ServiceCorrection),
}

/// Who acts, and what serving a notice needs.
pub struct Actor<'a> {
    pub user_id: &'a str,
    pub ctx: &'a ServiceContext<'a>,
    pub today: NaiveDate,
    pub postal_days: u32,
}

/// Applies `command` to the case in one transaction, with an audit record against the child
/// (`audit_action`). A rule or a race that refuses it rolls everything back and answers
/// `AppError::Refused` with the reason.
pub fn apply(
    conn: &mut AnyConnection,
    case: &Case,
    facts: &Facts,
    command: Command,
    actor: &Actor,
    audit_action: &str,
) -> AppResult<()> {
    crate::db::write::<_, AppError, _>(conn, |c| {
        run(c, case, facts, command, actor)?;
        audit::record(
            c,
            Some(actor.user_id),
            audit_action,
            Some(&case.child_id),
            &format!("case {}", case.reference),
        )?;
        Ok(())
    })
}

fn run(
    c: &mut AnyConnection,
    case: &Case,
    facts: &Facts,
    command: Command,
    a: &Actor,
) -> AppResult<()> {
    let (uid, today) = (a.user_id, a.today);
    let s = cases::Serving {
        ctx: a.ctx,
        user_id: uid,
        today,
    };
    match command {
        Command::ServePreliminaryNotice => cases::serve_preliminary_notice(c, &s, case),
        Command::RecordHomeVisit {
            on,
            answer,
            answer_label,
            note,
        } => {
            cases::record_event(
                c,
                &case.id,
                "home_visit_requested",
                on,
                "The council asked to see the child in their home (s.436H(8)(b); s.436I(3)(c)).",
                Some(uid),
            )?;
            let refusal = if answer == "refused" {
                "\nA refusal is a relevant factor (s.436H(9); s.436I(4))."
            } else {
                ""
            };
            let note = if note.is_empty() {
                String::new()
            } else {
                format!(": {note}")
            };
            let details = format!("{answer_label}{note}{refusal}");
            Ok(cases::record_event(
                c,
                &case.id,
                "home_visit_answer",
                on,
                &details,
                Some(uid),
            )?)
        }
        Command::RecordResponse { on, text } => Ok(cases::record_event(
            c,
            &case.id,
            cases::PARENT_RESPONSE,
            on,
            &text,
            Some(uid),
        )?),
        Command::Evaluate {
            outcome,
            considerations,
            reasons,
        } => {
            let e = cases::Evaluation {
                outcome,
                considerations: &considerations,
                reasons: &reasons,
            };
            cases::evaluate(c, case, facts, &e, uid, today)
        }
        Command::RecordConsultation {
            school_id,
            alternatives,
            on,
            what,
        } => cases::record_consultation(c, case, &school_id, &alternatives, on, &what, uid),
        Command::ServeSchoolNotice => cases::serve_school_notice(c, &s, case),
        Command::RecordObjection { on, what } => cases::record_objection(c, case, on, &what, uid),
        Command::RecordDirection {
            on,
            school_id,
            what,
        } => cases::record_direction(c, case, on, &school_id, &what, uid),
        Command::ServeNomination => cases::serve_nomination(c, &s, case),
        Command::RecordParentChoice {
            school_id,
            on,
            what,
        } => cases::record_parent_choice(c, case, &school_id, on, &what, uid),
        Command::DetermineSchool => cases::determine_school(c, case, uid, today),
        Command::ServeOrder => cases::serve_order(c, &s, case, "attendance-order", ""),
        Command::Amend { school_id, reason } => cases::amend(c, &s, case, &school_id, &reason),
        Command::Revoke { reason } => cases::revoke(c, &s, case, &reason),
        Command::ReferForProsecution { breach, eso } => {
            cases::refer(c, case, &breach, &eso, uid, today)
        }
        Command::RecordProsecutionOutcome {
            outcome,
            eso_directed,
            on,
            details,
        } => cases::record_prosecution_outcome(
            c,
            case,
            (outcome, eso_directed),
            on,
            &details,
            uid,
            today,
        ),
        Command::RefuseRevocation {
            requested_on,
            reason,
        } => cases::refuse_revocation(c, &s, case, requested_on, &reason),
        Command::RecordRevocationReferral {
            referred_on,
            outcome,
        } => cases::record_revocation_referral(c, &s, case, referred_on, outcome),
        Command::Assign { to, name } => cases::assign(c, case, &to, &name, uid, today),
        Command::Note { note } => Ok(cases::record_event(
            c,
            &case.id,
            "note",
            today,
            &note,
            Some(uid),
        )?),
        Command::RecordService(r) => r.save(c, a.postal_days),
        Command::CorrectService(r) => {
            let old = r.save(c)?;
            cases::record_event(
                c,
                &case.id,
                "note",
                today,
                &format!(
                    "Date of service corrected from {} to {}: {}",
                    crate::clock::fmt_date(old),
                    crate::clock::fmt_date(r.served_on),
                    r.reason
                ),
                Some(uid),
            )?;
            Ok(())
        }
    }
}

/// Opens a case for a child, audited against the child.
pub fn open_case(conn: &mut AnyConnection, new: &cases::NewCase) -> AppResult<Case> {
    crate::db::write::<_, AppError, _>(conn, |c| {
        // One open case per child, held in the transaction: two officers (or a double click)
        // cannot both open one.
        if !crate::store::children::lock(c, new.child_id)? {
            return Err(AppError::NotFound);
        }
        if let Some(open) = cases::for_child(c, new.child_id)?
            .into_iter()
            .find(|k| k.closed_on.is_none())
        {
            return Err(AppError::Refused(format!(
                "This child already has an open school attendance case, {}: continue that one.",
                open.reference
            )));
        }
        let case = cases::open(c, new)?;
        audit::record(
            c,
            Some(new.user_id),
            "attendance_case_opened",
            Some(new.child_id),
            &format!("case {}", case.reference),
        )?;
        Ok(case)
    })
}

/// A case on the deadlines list: the case, the child's name, the officer, the next deadline (what
/// and when) and how many notices wait to be posted or delivered.
pub type ListRow = (
    Case,
    String,
    Option<String>,
    Option<(String, Deadline)>,
    i64,
);

/// Every open case, soonest deadline first (cases waiting on nobody last); the read is audited.
pub fn open_cases_by_deadline(
    c: &mut AnyConnection,
    user_id: &str,
    today: NaiveDate,
) -> AppResult<Vec<ListRow>> {
    audit::record(
        c,
        Some(user_id),
        "list_attendance_cases",
        None,
        "officer opened the school attendance deadlines",
    )?;
    let mut out = vec![];
    for (case, child, officer) in cases::open_cases(c)? {
        let f = cases::facts(c, &case, today)?;
        let waiting = cases::waiting_for_service(c, &case.id)?;
        let next = f.next_deadline(today).map(|(w, d)| (w.to_string(), d));
        out.push((case, child, officer, next, waiting));
    }
    out.sort_by_key(|r| r.3.as_ref().map(|(_, d)| d.on).unwrap_or(NaiveDate::MAX));
    Ok(out)
}
