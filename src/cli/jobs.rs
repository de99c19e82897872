//! `cnis scheduler` and `cnis outbox`: the daily jobs and the outbox, once, for cron.
use cnis::app::AppState;
use cnis::config::Config;
use cnis::db::Pool;

use crate::say;

pub fn scheduler(pool: Pool, config: Config) -> anyhow::Result<()> {
    let state = AppState::new(pool, config);
    let Some(tick) = cnis::jobs::scheduler::run_once(&state)? else {
        eprintln!("Another instance is running the scheduler; try again when it has finished.");
        std::process::exit(3);
    };
    say!(
        "{} information requests sent, {} overdue answers raised as tasks",
        tick.sent,
        tick.overdue
    );
    Ok(())
}

/// `cnis retention [--dry-run]`: what is past its date under the retention policy, erased (or
/// only listed), under the scheduler's lease.
pub fn retention(pool: Pool, config: Config, dry_run: bool) -> anyhow::Result<()> {
    let state = AppState::new(pool, config);
    let policy = state.config.retention;
    let Some(report) = cnis::jobs::scheduler::under_lease(&state, |conn| {
        cnis::jobs::retention::run(conn, &policy, cnis::clock::today(), dry_run)
    })?
    else {
        eprintln!("Another instance is running the scheduler; try again when it has finished.");
        std::process::exit(3);
    };
    for line in report.lines() {
        say!("{line}");
    }
    Ok(())
}

pub fn outbox(pool: Pool, config: Config) -> anyhow::Result<()> {
    let mailer = cnis::jobs::outbox::Mailer::from_url(&config.email_url)?;
    let r = cnis::jobs::outbox::send_due(&pool, &mailer, &config.email_from, 1000)?;
    say!(
        "delivered {}, will retry {}, failed {}",
        r.delivered,
        r.temporary_failures,
        r.permanent_failures
    );
    Ok(())
}
