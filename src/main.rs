//! The `cnis` command: parses the command line and hands each subcommand to its module in `cli/`.
use clap::{Parser, Subcommand};

use cnis::config::Config;
use cnis::db;

mod cli;

#[derive(Parser)]
#[command(name = "cnis", about = "Register of children not in school", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service (the default).
    Serve {
        /// Load the demo register first if the database has no children.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage officer accounts.
    User {
        #[command(subcommand)]
        action: cli::users::UserAction,
    },
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        what: cli::imports::ImportKind,
    },
    /// Tokens for the social care push API (/api/v1/).
    ApiToken {
        #[command(subcommand)]
        action: cli::tokens::TokenAction,
    },
    /// Send the emails that are due now, then exit (the server does this every few seconds).
    Outbox,
    /// Send the s.436D(2)(c) requests that are due and raise overdue answers as tasks, then exit
    /// (for cron; with CNIS_SCHEDULER=on the server does this itself every day).
    Scheduler,
    /// Erase what is past its date under the retention policy (CNIS_RETAIN_*), keeping records
    /// on legal hold, then exit (the scheduler does this every day).
    Retention {
        /// List what would be erased, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Match the register against the social care records now (the server does this nightly).
    CrossCheck {
        /// Also write every match and review pair to this CSV file:
        /// register_ref,record_id,decision,score.
        #[arg(long)]
        report: Option<std::path::PathBuf>,
    },
    #[cfg(feature = "dev-tools")]
    /// Write labelled synthetic data for measuring the cross-check: DIR/register.csv,
    /// DIR/social-care.csv and DIR/truth.csv (every true link). Invented people only.
    GenerateLinkageData {
        #[arg(long, default_value_t = 200_000)]
        children: usize,
        #[arg(long, default_value_t = 800_000)]
        records: usize,
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long, default_value_t = 436)]
        seed: u64,
    },
    #[cfg(feature = "dev-tools")]
    /// Load a realistic demo register (600 children) and demo officers.
    Demo {
        #[arg(long, default_value_t = 600)]
        children: usize,
    },
}

fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let config = Config::from_env()?;
    let pool = db::pool(&config.database_url, config.pool_size)?;
    {
        let mut conn = pool.get()?;
        let n = cnis::services::register::prepare_database(&mut conn)?;
        if n > 0 {
            log::info!("applied {n} migrations");
        }
    }
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Migrate => say!("database is up to date"),
        Command::Serve { demo } => cli::serve::run(pool, config, demo)?,
        Command::CrossCheck { report } => cli::cross_check::run(pool, config, report)?,
        Command::Scheduler => cli::jobs::scheduler(pool, config)?,
        Command::Retention { dry_run } => cli::jobs::retention(pool, config, dry_run)?,
        Command::Outbox => cli::jobs::outbox(pool, config)?,
        Command::Import { what } => cli::imports::run(pool, &config, what)?,
        Command::ApiToken { action } => cli::tokens::run(pool, action)?,
        Command::User { action } => cli::users::run(pool, action)?,
        #[cfg(feature = "dev-tools")]
        Command::GenerateLinkageData {
            children,
            records,
            out,
            seed,
        } => cli::dev::generate_linkage_data(&out, children, records, seed)?,
        #[cfg(feature = "dev-tools")]
        Command::Demo { children } => cli::dev::demo(pool, children)?,
    }
    Ok(())
}
