//! `cnis user add|reset-second-factor|disable|list`: officer accounts.
use std::io::BufRead;

use clap::Subcommand;
use cnis::db::Pool;
use cnis::store;

use crate::say;

#[derive(Subcommand)]
pub enum UserAction {
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

pub fn run(pool: Pool, action: UserAction) -> anyhow::Result<()> {
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
            // Someone else knows this password: the user chooses their own at first sign-in.
            store::users::require_password_change(&mut conn, &user.id)?;
            say!("created {} ({}) id {}", user.email, user.role, user.id);
            if generate_password {
                say!("password (shown once): {password}");
            }
            say!("At first sign-in they set up their authenticator app and choose their own password.");
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
    Ok(())
}
