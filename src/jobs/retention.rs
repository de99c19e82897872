//! The retention job (law.md §7.4): nightly under the scheduler's lease, or `cnis retention`
//! from cron. A dry run reports what would go and changes nothing.
use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::domain::retention::Policy;
use crate::store::retention::{self, Erased, Plan};

/// What one run found, and (unless a dry run) erased.
#[derive(Debug)]
pub struct Report {
    pub plan: Plan,
    pub erased: Option<Erased>,
}

pub fn run(
    conn: &mut AnyConnection,
    policy: &Policy,
    today: NaiveDate,
    dry_run: bool,
) -> anyhow::Result<Report> {
    let plan = retention::plan(conn, today, policy)?;
    let erased = if dry_run {
        None
    } else {
        Some(retention::apply(conn, &plan)?)
    };
    Ok(Report { plan, erased })
}

impl Report {
    /// Lines for the command line and the log: counts, then each record by reference.
    pub fn lines(&self) -> Vec<String> {
        let p = &self.plan;
        let verb = if self.erased.is_some() {
            "erased"
        } else {
            "would erase"
        };
        let mut out = vec![format!(
            "{verb}: {} closed register entries, {} school attendance cases, {} applications for consent, {} audit events before {}, {} emails before {}, {} social care records not imported since {} and linked to no child",
            p.register_entries.len(),
            p.attendance_cases.len(),
            p.consent_applications.len(),
            p.audit_events,
            p.audit_before,
            p.emails,
            p.emails_before,
            p.social_care_records,
            p.social_care_before,
        )];
        for (what, list) in [
            ("register entry", &p.register_entries),
            ("school attendance case", &p.attendance_cases),
            ("application for consent", &p.consent_applications),
        ] {
            for d in list {
                out.push(format!(
                    "  {verb} {what} {} (kept until {})",
                    d.reference, d.kept_until
                ));
            }
        }
        out.push(format!("kept on legal hold: {}", p.held.len()));
        for (what, reference) in &p.held {
            out.push(format!("  kept on legal hold: {what} {reference}"));
        }
        out
    }
}
