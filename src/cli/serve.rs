//! `cnis serve`: the web service, with the outbox worker, the scheduler and the nightly cross-check.
use std::sync::Arc;

use cnis::app::AppState;
use cnis::config::Config;
use cnis::db::Pool;

pub fn run(pool: Pool, mut config: Config, demo: bool) -> anyhow::Result<()> {
    if demo {
        load_demo(&pool)?;
        // Every provision in force, so each feature can be tried; a day set explicitly stands.
        let d = cnis::domain::commencement::Commencement::demo(cnis::clock::today());
        config.consent_from = config.consent_from.or(d.consent_from);
        config.register_from = config.register_from.or(d.register_from);
        config.new_sao_from = config.new_sao_from.or(d.new_sao_from);
        // A way to reach the team, so the demo shows where parents are told it.
        config.team_phone = config.team_phone.or(Some("01632 960000".into()));
        config.council_address = config
            .council_address
            .or(Some("Town Hall, 1 High Street, Demo Town, DT1 1AA".into()));
        config.team_email = config
            .team_email
            .or(Some("home.education@demo.invalid".into()));
    }
    let listener = std::net::TcpListener::bind(&config.bind)?;
    log::info!("cnis listening on http://{}", config.bind);
    // Fail at start-up, not at the first email, if the templates or mail URL are wrong.
    cnis::mail::Templates::load(config.templates_dir.as_deref())?;
    let mailer = cnis::jobs::outbox::Mailer::from_url(&config.email_url)?;
    cnis::jobs::outbox::spawn_worker(
        pool.clone(),
        mailer,
        config.email_from.clone(),
        std::time::Duration::from_secs(config.outbox_poll_seconds.max(1)),
    );
    // Secrets stored in clear by an earlier version are sealed now.
    let sealed = cnis::store::users::seal_plain_totp_secrets(
        &mut *pool.get()?,
        &cnis::store::users::totp_key(&config.secret_key),
    )?;
    if sealed > 0 {
        log::info!("sealed {sealed} TOTP secrets stored in clear");
    }
    let scheduler = config.scheduler;
    let state = Arc::new(AppState::new(pool, config));
    if scheduler {
        cnis::jobs::scheduler::spawn(state.clone(), std::time::Duration::from_secs(24 * 3600));
    }
    cnis::jobs::scheduler::spawn_nightly_cross_check(state.clone());
    actix_web::rt::System::new().block_on(cnis::web::serve(state, listener))?;
    Ok(())
}

#[cfg(feature = "dev-tools")]
fn load_demo(pool: &Pool) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    cnis::dev::demo::load_if_empty(&mut conn, 600)?;
    Ok(())
}

#[cfg(not(feature = "dev-tools"))]
fn load_demo(_pool: &Pool) -> anyhow::Result<()> {
    anyhow::bail!("this build has no demo data: build with the `dev-tools` feature")
}
