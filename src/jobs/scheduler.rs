//! Daily work nobody should have to remember: s.436D(3) requests that fall due, and s.436H(7)
//! overdue answers turned into tasks, applications for consent open too long escalated,
//! possible condition B cases and mandatory revocations (s.436H(5), s.436P(2)) raised as tasks, and
//! reminders of school attendance deadlines. Runs in the server when CNIS_SCHEDULER=on, or once from cron
//! with `cnis scheduler`.
use std::sync::Arc;

use crate::app::AppState;
use crate::store::information_requests::{run_scheduler, Tick};

/// The scheduler's lease: several instances with CNIS_SCHEDULER=on, or cron beside a server, run
/// the day's work once at a time.
const LEASE: &str = "scheduler";

/// One run of the day's work, under the scheduler's lease; `None` when another instance holds it.
pub fn run_once(state: &AppState) -> anyhow::Result<Option<Tick>> {
    under_lease(state, |conn| run_under_lease(state, conn))
}

/// `work` under the scheduler's lease, so the day's jobs, the retention job run from cron and
/// another instance's scheduler never overlap; `None` when another holds it.
pub fn under_lease<T>(
    state: &AppState,
    work: impl FnOnce(&mut crate::db::PooledConn) -> anyhow::Result<T>,
) -> anyhow::Result<Option<T>> {
    let mut conn = state.pool.get()?;
    let holder = crate::db::lease::holder_name();
    if !crate::db::lease::acquire(&mut conn, LEASE, &holder, 60)? {
        log::info!("scheduler: another instance is running it");
        return Ok(None);
    }
    let result = work(&mut conn);
    crate::db::lease::release(&mut conn, LEASE, &holder)?;
    result.map(Some)
}

fn run_under_lease(state: &AppState, conn: &mut crate::db::PooledConn) -> anyhow::Result<Tick> {
    let sender = state.information_request_sender();
    let tick = run_scheduler(conn, &sender, crate::clock::today())?;
    let escalated = {
        let days = state.config.consent_escalation_days;
        let alert = state.team_alert();
        crate::db::write::<_, anyhow::Error, _>(conn, |c| {
            crate::store::consent::escalate_overdue(c, days, crate::clock::today(), alert.as_ref())
        })?
    };
    let (condition_b, revocations, reminders) = {
        let alert = state.team_alert();
        let today = crate::clock::today();
        crate::db::write::<_, anyhow::Error, _>(conn, |c| {
            let (b, r) = crate::store::attendance::raise_tasks(c, alert.as_ref(), today)?;
            let cc = crate::store::attendance::raise_condition_c(
                c,
                today,
                &state.config.commencement(),
            )?;
            log::info!("scheduler: {cc} possible condition C tasks");
            let m = crate::store::attendance::send_reminders(
                c,
                &state.templates,
                &state.config.public_url,
                &state.config.council_name,
                today,
                state.config.attendance_reminder_days,
            )?;
            Ok((b, r, m))
        })?
    };
    let purged = crate::store::sessions::purge_expired(conn, state.config.session_max_hours)?;
    log::info!("scheduler: purged {purged:?}");
    // A failed retention run is reported, and the rest of the day's work still runs.
    match super::retention::run(conn, &state.config.retention, crate::clock::today(), false) {
        Ok(report) => {
            for line in report.lines() {
                log::info!("retention: {line}");
            }
        }
        Err(e) => log::error!("retention: {e}"),
    }
    crate::services::register::reindex_names(conn)?;
    log::info!(
        "scheduler: {} information requests sent, {} overdue answers raised as tasks, {} applications for consent escalated, {} possible condition B tasks, {} mandatory revocations, {} attendance reminders",
        tick.sent,
        tick.overdue,
        escalated,
        condition_b,
        revocations,
        reminders
    );
    Ok(tick)
}

/// Runs once at start-up and then every `every`.
pub fn spawn(state: Arc<AppState>, every: std::time::Duration) {
    std::thread::spawn(move || loop {
        if let Err(e) = run_once(&state) {
            log::error!("scheduler: {e}");
        }
        std::thread::sleep(every);
    });
}

/// Whether tonight's cross-check is due: the configured local time has passed today and no run
/// has started since then.
pub fn cross_check_due(
    conn: &mut crate::db::AnyConnection,
    at: chrono::NaiveTime,
    now_utc: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<bool> {
    use crate::db::schema::cross_check_runs::dsl as r;
    use chrono::TimeZone;
    use diesel::prelude::*;
    let london = chrono_tz::Europe::London;
    let local = now_utc.with_timezone(&london);
    let Some(scheduled) = london
        .from_local_datetime(&local.date_naive().and_time(at))
        .earliest()
    else {
        return Ok(false);
    };
    if local < scheduled {
        return Ok(false);
    }
    let since = scheduled.with_timezone(&chrono::Utc).naive_utc();
    let started: i64 = r::cross_check_runs
        .filter(r::started_at.ge(since))
        // A failed or abandoned run is tried again.
        .filter(r::status.eq_any([
            crate::domain::matching::RunStatus::Completed,
            crate::domain::matching::RunStatus::Running,
        ]))
        .count()
        .get_result(conn)?;
    Ok(started == 0)
}

/// Checks every minute whether the nightly cross-check is due, and runs it (once across
/// instances: the run takes a database lease).
pub fn spawn_nightly_cross_check(state: Arc<AppState>) {
    let Some(at) = state.config.cross_check_at else {
        return;
    };
    std::thread::spawn(move || loop {
        let go = state
            .pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut c| cross_check_due(&mut c, at, chrono::Utc::now()));
        match go {
            Ok(true) => {
                let result = state
                    .pool
                    .get()
                    .map_err(anyhow::Error::from)
                    .and_then(|mut c| {
                        crate::jobs::cross_check::run(
                            &mut c,
                            state.team_alert().as_ref(),
                            crate::clock::today(),
                            "nightly",
                            state.config.match_thresholds,
                            &state.config.commencement(),
                        )
                    });
                match result {
                    Ok(crate::jobs::cross_check::Outcome::Completed(s)) => log::info!(
                        "nightly cross-check {}: {} matches, {} for review, flags raised {}, ended {}",
                        s.run_id, s.matches, s.reviews, s.flags_raised, s.flags_ended
                    ),
                    Ok(crate::jobs::cross_check::Outcome::Busy) => log::info!("nightly cross-check: another instance is running it"),
                    Err(e) => log::error!("nightly cross-check failed: {e}"),
                }
            }
            Ok(false) => {}
            Err(e) => log::error!("nightly cross-check: {e}"),
        }
        std::thread::sleep(std::time::Duration::from_secs(60));
    });
}
