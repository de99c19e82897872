//! `cnis api-token issue|revoke|list`: bearer tokens for the social care push API.
use clap::Subcommand;
use cnis::db::Pool;
use cnis::store;

use crate::say;

#[derive(Subcommand)]
pub enum TokenAction {
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

pub fn run(pool: Pool, action: TokenAction) -> anyhow::Result<()> {
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
    Ok(())
}
