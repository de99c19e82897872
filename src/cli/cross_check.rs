//! `cnis cross-check`: match the register against the social care records now.
use cnis::app::AppState;
use cnis::config::Config;
use cnis::db::Pool;

use crate::say;

pub fn run(pool: Pool, config: Config, report: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let state = AppState::new(pool, config);
    let mut conn = state.pool.get()?;
    let today = cnis::clock::today();
    let t = std::time::Instant::now();
    match cnis::jobs::cross_check::run(
        &mut conn,
        state.team_alert().as_ref(),
        today,
        "command line",
        state.config.match_thresholds,
        &state.config.commencement(),
    )? {
        cnis::jobs::cross_check::Outcome::Busy => {
            eprintln!("Another cross-check is running; try again when it has finished.");
            std::process::exit(3);
        }
        cnis::jobs::cross_check::Outcome::Completed(s) => {
            if let Some(path) = report {
                cnis::jobs::cross_check::write_report(&path, &s)?;
            }
            say!(
                "{} register entries, {} social care records, {} pairs compared: {} matches, {} for review, {} of the same household; flags raised {}, ended {} ({:.1}s)",
                s.children, s.records, s.pairs, s.matches, s.reviews, s.households, s.flags_raised, s.flags_ended, t.elapsed().as_secs_f64()
            );
            if let Some(model) = &s.model {
                say!("{}", cnis::domain::matching::describe(model));
            }
            if s.explained_reviews > 0 {
                say!("note: {} possible matches were not queued because the child or the record is already linked to someone else", s.explained_reviews);
            }
            if s.skipped_buckets > 0 {
                say!(
                    "note: {} very common blocking keys were skipped (other keys cover them)",
                    s.skipped_buckets
                );
            }
        }
    }
    Ok(())
}
