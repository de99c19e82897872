//! Daily work nobody should have to remember: s.436D(3) requests that fall due, and s.436H(7)
//! overdue answers turned into tasks. Runs in the server when CNIS_SCHEDULER=on, or once from cron
//! with `cnis scheduler`.
use std::sync::Arc;

use crate::store::information_requests::{run_scheduler, Tick};
use crate::web::AppState;

pub fn run_once(state: &AppState) -> anyhow::Result<Tick> {
    let mut conn = state.pool.get()?;
    let sender = crate::web::tasks::sender(state);
    let tick = run_scheduler(&mut conn, &sender, crate::web::register::today())?;
    log::info!(
        "scheduler: {} information requests sent, {} overdue answers raised as tasks",
        tick.sent,
        tick.overdue
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
