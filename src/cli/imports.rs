//! `cnis import register|social-care FILE`: bulk loads, with a progress bar and a line per rejected row.
use clap::Subcommand;
use cnis::db::Pool;

use super::progress_bar;
use crate::say;

#[derive(Subcommand)]
pub enum ImportKind {
    /// Bulk load a legacy register: CSV with the header
    /// register_ref,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode
    /// (optional: address_line_2,parent_name,parent_email,education_type,eligible_from).
    /// Exit code 0: all rows imported or already present; 2: some rows rejected (listed); 1: the file could not be read.
    Register { file: std::path::PathBuf },
    /// Children's social care records for the cross-check: CSV with the header
    /// record_id,given_names,family_name,date_of_birth,sex,upn,nhs_number,address_line_1,town,postcode,
    /// s47_start_date,s47_end_date,cp_plan_start_date,cp_plan_end_date,cin_start_date,cin_end_date
    /// (optional: s47_nfa true/false, s47_action_date: how an ended enquiry ended);
    /// or the DfE Children in Need census XML (a file ending .xml);
    /// or, with --ssd DIR, CSV extracts of the Standard Safeguarding Dataset (ssd_person.csv, and
    /// any of ssd_linked_identifiers, ssd_address, ssd_s47_enquiry, ssd_cp_plans, ssd_cin_episodes).
    /// Exit code 0: every record imported; 2: some rejected (listed); 1: nothing imported.
    SocialCare {
        #[arg(required_unless_present = "ssd")]
        file: Option<std::path::PathBuf>,
        /// A folder of Standard Safeguarding Dataset CSV extracts.
        #[arg(long, value_name = "DIR", conflicts_with = "file")]
        ssd: Option<std::path::PathBuf>,
    },
    /// A child's record sent by another council when the family moved here (s.436F): the
    /// signed JSON package its cnis produced. Checked (checksum, signature, the fingerprints in
    /// CNIS_TRUSTED_TRANSFER_KEYS when set, addressed to CNIS_LA_CODE when set), then entered
    /// for review or linked to the entry already here. Exit code 0: entered or already
    /// imported; 2: refused (the reason is printed); 1: the file could not be read.
    Transfer { file: std::path::PathBuf },
}

/// `cnis import transfer FILE`.
fn transfer(
    pool: Pool,
    config: &cnis::config::Config,
    file: std::path::PathBuf,
) -> anyhow::Result<()> {
    // One child's record is a few kilobytes; a file far larger is not a package.
    const MAX_BYTES: u64 = 4 * 1024 * 1024;
    let size = std::fs::metadata(&file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?
        .len();
    if size > MAX_BYTES {
        eprintln!("Refused: the file is {size} bytes; a transfer package is at most {MAX_BYTES}");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let mut conn = pool.get()?;
    let state = cnis::app::AppState::new(pool.clone(), config.clone());
    let alert = state.team_alert();
    match cnis::services::transfers::receive(
        &mut conn,
        &text,
        &config.trusted_transfer_keys,
        config.la_code.as_deref(),
        None,
        alert.as_ref(),
    ) {
        Ok(cnis::services::transfers::Received::Entered {
            child_id,
            linked,
            from,
        }) => {
            crate::say!(
                "{} from {from}: entry {child_id}, waiting for an officer's review",
                if linked {
                    "linked to the entry already on the register"
                } else {
                    "entered"
                }
            );
            Ok(())
        }
        Ok(cnis::services::transfers::Received::AlreadyImported) => {
            crate::say!("this package was imported before: nothing changed");
            Ok(())
        }
        Err(cnis::error::AppError::Refused(why)) => {
            eprintln!("Refused: {why}");
            std::process::exit(2);
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

pub fn run(pool: Pool, config: &cnis::config::Config, what: ImportKind) -> anyhow::Result<()> {
    match what {
        ImportKind::Transfer { file } => transfer(pool, config, file),
        ImportKind::Register { file } => register(pool, file),
        ImportKind::SocialCare { ssd: Some(dir), .. } => ssd(pool, dir),
        ImportKind::SocialCare {
            file: Some(file), ..
        } => social_care(pool, file),
        ImportKind::SocialCare { .. } => {
            Err(anyhow::anyhow!("name a file, or a folder with --ssd"))
        }
    }
}

fn register(pool: Pool, file: std::path::PathBuf) -> anyhow::Result<()> {
    let f = std::fs::File::open(&file)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", file.display()))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress_bar(len);
    let mut conn = pool.get()?;
    let today = cnis::clock::today();
    let result =
        cnis::imports::register_csv::import(&mut conn, std::io::BufReader::new(f), today, &|b| {
            bar.set_position(b)
        });
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
                "imported {} ({} with details missing, each kept with a task to complete it), already on the register {}, rejected {}",
                report.imported,
                report.incomplete,
                report.already_present,
                report.rejected.len()
            );
            if !report.rejected.is_empty() {
                std::process::exit(2);
            }
        }
    }
    Ok(())
}

fn ssd(pool: Pool, dir: std::path::PathBuf) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let today = cnis::clock::today();
    let result = cnis::imports::ssd::import(&mut conn, &dir, today, &|_| {});
    social_care_report(result)
}

fn social_care(pool: Pool, file: std::path::PathBuf) -> anyhow::Result<()> {
    let f = std::fs::File::open(&file)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", file.display()))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress_bar(len);
    let mut conn = pool.get()?;
    let today = cnis::clock::today();
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
    social_care_report(result)
}

/// Prints a social care import's report; exit code 2 when any record was rejected.
fn social_care_report(
    result: Result<cnis::imports::social_care::Report, cnis::imports::social_care::ImportError>,
) -> anyhow::Result<()> {
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
            if report.outcome_unknown > 0 {
                say!(
                    "enquiries ended with no known outcome: {} (each may make a child a relevant child until an officer records how it ended)",
                    report.outcome_unknown
                );
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
    Ok(())
}
