//! Use cases: one function per thing a person asks the service to do. Each runs the checks that
//! need the database, the change in one transaction, the audit record and any outbox rows, and
//! answers with a typed outcome or `AppError::Refused(why)`. Handlers read the form, call one of
//! these and render.
pub mod attendance;
pub mod audit;
pub mod register;
pub mod retention;
pub mod social_care;
pub mod subject_access;
pub mod transfers;

use crate::db::AnyConnection;
use crate::error::{AppError, AppResult};
use crate::store::submissions::{self, Claim};
use crate::web::forms::OnceToken;

/// Does `work` once per form: the first post with `token` does it, in one transaction, and
/// records where it led (the page to send the person to); a repeat post (a double click, Back
/// and send again) does nothing and is sent to the same place. A form without its token (an old
/// page) is refused, and nothing is saved.
pub fn once(
    c: &mut AnyConnection,
    token: Option<&OnceToken>,
    actor: &str,
    work: impl FnOnce(&mut AnyConnection) -> AppResult<String>,
) -> AppResult<String> {
    let Some(token) = token else {
        return Err(AppError::BadRequest(
            "This form has expired. Go back, reload the page and send it again.".into(),
        ));
    };
    crate::db::write::<_, AppError, _>(c, |c| match submissions::claim(c, token.as_str(), actor)? {
        Claim::First => {
            let to = work(c)?;
            submissions::finish(c, token.as_str(), &to)?;
            Ok(to)
        }
        Claim::Repeat(Some(to)) => Ok(to),
        Claim::Repeat(None) => Err(AppError::Conflict(
            "This form was sent already. Go back and reload the page to see what was saved.".into(),
        )),
    })
}
