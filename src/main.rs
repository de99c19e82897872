use std::io::BufRead;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use cnis::config::Config;
use cnis::{db, demo, store, web};

/// Prints a line to standard output. A reader that has gone (`cnis cross-check | head -1`) ends
/// the program quietly, as with other command-line tools, instead of a panic: the work is done
/// before anything is printed.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

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
        action: UserAction,
    },
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        what: ImportKind,
    },
    /// Tokens for the social care push API (/api/v1/).
    ApiToken {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Send the emails that are due now, then exit (the server does this every few seconds).
    Outbox,
    /// Send the s.436D(2)(c) requests that are due and raise overdue answers as tasks, then exit
    /// (for cron; with CNIS_SCHEDULER=on the server does this itself every day).
    Scheduler,
    /// Match the register against the social care records now (the server does this nightly).
    CrossCheck {
        /// Also write every match and review pair to this CSV file:
        /// register_ref,record_id,decision,score.
        #[arg(long)]
        report: Option<std::path::PathBuf>,
    },
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
    /// Load a realistic demo register (600 children) and demo officers.
    Demo {
        #[arg(long, default_value_t = 600)]
        children: usize,
    },
}

#[derive(Subcommand)]
enum ImportKind {
    /// Bulk load a legacy register: CSV with the header
    /// register_ref,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode
    /// (optional: address_line_2,parent_name,parent_email,education_type,eligible_from).
    /// Exit code 0: all rows imported or already present; 2: some rows rejected (listed); 1: the file could not be read.
    Register { file: std::path::PathBuf },
    /// Children's social care records for the cross-check: CSV with the header
    /// record_id,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode,
    /// s47_start_date,s47_end_date,cp_plan_start_date,cp_plan_end_date,cin_start_date,cin_end_date;
    /// or the DfE Children in Need census XML (a file ending .xml).
    /// Exit code 0: every record imported; 2: some rejected (listed); 1: nothing imported.
    SocialCare { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Issue a token for a system; it is printed once and only its hash is kept.
    Issue {
        #[arg(long)]
        name: String,
    },
    /// Revoke a token: requests with it are refused from now on.
    Revoke {
        #[arg(long)]
        id: String,
    },
    /// List tokens (never the tokens themselves).
    List,
}

#[derive(Subcommand)]
enum UserAction {
    /// Add an account. The password is read from stdin; with --generate-password one is printed once.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["officer", "manager", "admin"])]
        role: String,
        #[arg(long)]
        generate_password: bool,
    },
    /// Clear an officer's second factor so they enrol again at next sign-in.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
    /// Stop an account signing in and end its sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// List accounts.
    List,
}

fn main() -> anyhow::Result<()> {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let config = Config::from_env()?;
    let pool = db::pool(&config.database_url, config.pool_size)?;
    {
        let mut conn = pool.get()?;
        let n = db::migrate(&mut conn)?;
        if n > 0 {
            log::info!("applied {n} migrations");
        }
    }
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Migrate => say!("database is up to date"),
        Command::Serve { demo } => {
            if demo {
                let mut conn = pool.get()?;
                demo::load_if_empty(&mut conn, 600)?;
            }
            let listener = std::net::TcpListener::bind(&config.bind)?;
            log::info!("cnis listening on http://{}", config.bind);
            // Fail at start-up, not at the first email, if the templates or mail URL are wrong.
            cnis::mail::Templates::load(config.templates_dir.as_deref())?;
            let mailer = cnis::mail::Mailer::from_url(&config.email_url)?;
            cnis::mail::spawn_worker(
                pool.clone(),
                mailer,
                config.email_from.clone(),
                std::time::Duration::from_secs(config.outbox_poll_seconds.max(1)),
            );
            let scheduler = config.scheduler;
            let state = Arc::new(web::AppState::new(pool, config));
            if scheduler {
                cnis::scheduler::spawn(state.clone(), std::time::Duration::from_secs(24 * 3600));
            }
            cnis::scheduler::spawn_nightly_cross_check(state.clone());
            actix_web::rt::System::new().block_on(web::serve(state, listener))?;
        }
        Command::CrossCheck { report } => {
            let state = web::AppState::new(pool, config);
            let mut conn = state.pool.get()?;
            let today = web::register::today();
            let t = std::time::Instant::now();
            match cnis::cross_check::run(
                &mut conn,
                state.team_alert().as_ref(),
                today,
                "command line",
                cnis::domain::matching::Thresholds::from_env(),
            )? {
                cnis::cross_check::Outcome::Busy => {
                    eprintln!("Another cross-check is running; try again when it has finished.");
                    std::process::exit(3);
                }
                cnis::cross_check::Outcome::Completed(s) => {
                    if let Some(path) = report {
                        cnis::cross_check::write_report(&path, &s)?;
                    }
                    say!(
                        "{} register entries, {} social care records, {} pairs compared: {} matches, {} for review; flags raised {}, ended {} ({:.1}s)",
                        s.children, s.records, s.pairs, s.matches, s.reviews, s.flags_raised, s.flags_ended, t.elapsed().as_secs_f64()
                    );
                    if let Some(model) = &s.model {
                        say!("{}", cnis::domain::matching::describe(model));
                    }
                    if s.explained_reviews > 0 {
                        say!("note: {} possible matches were not queued because the child or the record is already linked to someone else", s.explained_reviews);
                    }
                    if s.skipped_buckets > 0 {
                        say!("note: {} very common blocking keys were skipped (other keys cover them)", s.skipped_buckets);
                    }
                }
            }
        }
        Command::GenerateLinkageData {
            children,
            records,
            out,
            seed,
        } => {
            let g = cnis::synthetic::generate(&out, children, records, seed)?;
            say!(
                "wrote {} register entries, {} social care records and {} true links to {}",
                g.register,
                g.records,
                g.true_links,
                out.display()
            );
        }
        Command::Scheduler => {
            let state = web::AppState::new(pool, config);
            let tick = cnis::scheduler::run_once(&state)?;
            say!(
                "{} information requests sent, {} overdue answers raised as tasks",
                tick.sent,
                tick.overdue
            );
        }
        Command::Import {
            what: ImportKind::Register { file },
        } => {
            let f = std::fs::File::open(&file)
                .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", file.display()))?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = progress_bar(len);
            let mut conn = pool.get()?;
            let today = chrono::Utc::now().date_naive();
            let result = cnis::imports::register_csv::import(
                &mut conn,
                std::io::BufReader::new(f),
                today,
                &|b| bar.set_position(b),
            );
            bar.finish_and_clear();
            match result {
                Err(e) => {
                    eprintln!("The import stopped: {e}\nRows before that point were imported; fix the file and run it again (rows already on the register are skipped).");
                    std::process::exit(1);
                }
                Ok(report) => {
                    for (line, why) in &report.rejected {
                        say!("line {line}: {why}");
                    }
                    if !report.ignored_columns.is_empty() {
                        say!(
                            "ignored unknown columns: {}",
                            report.ignored_columns.join(", ")
                        );
                    }
                    say!(
                        "imported {}, already on the register {}, rejected {}",
                        report.imported,
                        report.already_present,
                        report.rejected.len()
                    );
                    if !report.rejected.is_empty() {
                        std::process::exit(2);
                    }
                }
            }
        }
        Command::Import {
            what: ImportKind::SocialCare { file },
        } => {
            let f = std::fs::File::open(&file)
                .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", file.display()))?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = progress_bar(len);
            let mut conn = pool.get()?;
            let today = chrono::Utc::now().date_naive();
            let xml = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
            let reader = std::io::BufReader::new(f);
            let result = if xml {
                cnis::imports::social_care::import_cin_xml(&mut conn, reader, today, &|b| {
                    bar.set_position(b)
                })
            } else {
                cnis::imports::social_care::import_csv(&mut conn, reader, "csv", today, &|b| {
                    bar.set_position(b)
                })
            };
            bar.finish_and_clear();
            match result {
                Err(e) => {
                    eprintln!("The import stopped and nothing was imported: {e}");
                    std::process::exit(1);
                }
                Ok(report) => {
                    for (at, why) in &report.rejected {
                        say!("{at}: rejected: {why}");
                    }
                    for (at, why) in &report.warnings {
                        say!("{at}: {why}");
                    }
                    if let Some(note) = &report.note {
                        say!("note: {note}");
                    }
                    say!(
                        "new {}, changed {}, unchanged {}, rejected {}, warnings {}",
                        report.new,
                        report.changed,
                        report.unchanged,
                        report.rejected.len(),
                        report.warnings.len()
                    );
                    if !report.rejected.is_empty() {
                        std::process::exit(2);
                    }
                }
            }
        }
        Command::ApiToken { action } => {
            let mut conn = pool.get()?;
            match action {
                TokenAction::Issue { name } => {
                    let (id, token) = store::api_tokens::issue(&mut conn, &name)?;
                    say!("token id {id}");
                    say!("token (shown once): {token}");
                }
                TokenAction::Revoke { id } => {
                    if store::api_tokens::revoke(&mut conn, &id)? == 0 {
                        eprintln!("No live token has the id {id}.");
                        std::process::exit(1);
                    }
                    say!("revoked {id}");
                }
                TokenAction::List => {
                    for (id, name, at, revoked, used) in store::api_tokens::list(&mut conn)? {
                        say!(
                            "{id}  {name}  issued {at}  {}  last used {}",
                            revoked
                                .map(|r| format!("revoked {r}"))
                                .unwrap_or_else(|| "live".into()),
                            used.map(|u| u.to_string())
                                .unwrap_or_else(|| "never".into())
                        );
                    }
                }
            }
        }
        Command::Outbox => {
            let mailer = cnis::mail::Mailer::from_url(&config.email_url)?;
            let r = cnis::mail::send_due(&pool, &mailer, &config.email_from, 1000)?;
            say!(
                "delivered {}, will retry {}, failed {}",
                r.delivered,
                r.temporary_failures,
                r.permanent_failures
            );
        }
        Command::Demo { children } => {
            let mut conn = pool.get()?;
            let summary = demo::load(&mut conn, children)?;
            say!("{summary}");
        }
        Command::User { action } => {
            let mut conn = pool.get()?;
            match action {
                UserAction::Add {
                    email,
                    name,
                    role,
                    generate_password,
                } => {
                    let password = if generate_password {
                        store::users::generate_password()
                    } else {
                        eprintln!("Password (12 characters or more), then Enter:");
                        let mut line = String::new();
                        std::io::stdin().lock().read_line(&mut line)?;
                        line.trim_end_matches(['\n', '\r']).to_string()
                    };
                    let user = store::users::create(&mut conn, &email, &name, &role, &password)?;
                    say!("created {} ({}) id {}", user.email, user.role, user.id);
                    if generate_password {
                        say!("password (shown once): {password}");
                    }
                    say!("They set up their authenticator app at first sign-in.");
                }
                UserAction::ResetSecondFactor { email } => {
                    let user = store::users::find_by_email(&mut conn, &email)?
                        .ok_or_else(|| anyhow::anyhow!("no account with that email"))?;
                    store::users::reset_second_factor(&mut conn, &user.id)?;
                    store::sessions::end_all(&mut conn, &user.id)?;
                    say!("second factor cleared for {}", user.id);
                }
                UserAction::Disable { email } => {
                    let user = store::users::find_by_email(&mut conn, &email)?
                        .ok_or_else(|| anyhow::anyhow!("no account with that email"))?;
                    store::users::set_active(&mut conn, &user.id, false)?;
                    store::sessions::end_all(&mut conn, &user.id)?;
                    say!("disabled {}", user.id);
                }
                UserAction::List => {
                    for u in store::users::list(&mut conn)? {
                        say!(
                            "{}\t{}\t{}\t{}",
                            u.email,
                            u.role,
                            if u.active { "active" } else { "disabled" },
                            if u.totp_enrolled {
                                "2FA set up"
                            } else {
                                "2FA not set up"
                            }
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
