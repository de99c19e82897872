//! One error type for the web layer. Users see a plain page with an error id; the log gets the
//! detail and the id, never personal data.
use actix_web::{http::StatusCode, HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("blocking task: {0}")]
    Blocking(#[from] actix_web::error::BlockingError),
    /// Every database connection stayed busy for as long as the pool would wait.
    #[error("no database connection came free")]
    NoConnection,
    #[error("not found")]
    NotFound,
    /// A rule of the Act, or the state of the record, does not allow this action now. The message
    /// says which and why; pages show it in the GOV.UK error summary.
    #[error("refused: {0}")]
    Refused(String),
    /// Someone else changed the record first (optimistic locking, a unique constraint).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("forbidden")]
    Forbidden,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too many requests")]
    TooManyRequests,
    #[error("internal: {0}")]
    Internal(String),
    /// Not an error to the user: send them elsewhere (sign-in, second factor).
    #[error("redirect")]
    Redirect(String),
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(format!("json: {e}"))
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        // Keep a database error's kind, so a busy database is still answered as busy.
        match e.downcast::<diesel::result::Error>() {
            Ok(db) => AppError::Db(db),
            Err(e) => AppError::Internal(e.to_string()),
        }
    }
}

/// Seconds a client is asked to wait when the database is busy.
pub const RETRY_AFTER_SECONDS: u32 = 2;

impl AppError {
    /// The database could not take this write now (SQLite still locked after its busy timeout,
    /// a PostgreSQL serialization failure or deadlock, or no free connection): nothing was
    /// saved, and trying again shortly will work. Answered 503 with Retry-After, never 500.
    pub fn is_busy(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            AppError::Pool(_) | AppError::NoConnection => true,
            AppError::Db(Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _)) => true,
            AppError::Db(Error::DatabaseError(_, info)) => {
                let m = info.message();
                m.contains("database is locked")
                    || m.contains("database is busy")
                    || m.contains("deadlock detected")
            }
            _ => false,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Db(diesel::result::Error::NotFound) => StatusCode::NOT_FOUND,
            AppError::Redirect(_) => StatusCode::SEE_OTHER,
            e if e.is_busy() => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Redirect(to) = self {
            return HttpResponse::SeeOther()
                .insert_header(("Location", to.as_str()))
                .finish();
        }
        let status = self.status_code();
        let (title, body) = match status {
            StatusCode::NOT_FOUND => (
                "Page not found",
                "If you typed the web address, check it is correct.".to_string(),
            ),
            StatusCode::FORBIDDEN => (
                "You do not have access to this page",
                "Your role does not allow this. Ask a manager if you need access.".to_string(),
            ),
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => (
                "There is a problem",
                match self {
                    AppError::BadRequest(m) | AppError::Refused(m) | AppError::Conflict(m) => {
                        m.clone()
                    }
                    _ => String::new(),
                },
            ),
            StatusCode::SERVICE_UNAVAILABLE => {
                log::warn!("busy: {self}");
                (
                    "Sorry, the service is busy",
                    format!("Nothing you sent was saved. Wait {RETRY_AFTER_SECONDS} seconds, then go back and send it again."),
                )
            }
            StatusCode::TOO_MANY_REQUESTS => (
                "Too many attempts",
                "Wait a minute, then try again.".to_string(),
            ),
            _ => {
                let id = uuid::Uuid::new_v4();
                log::error!("error_id={id} {self}");
                (
                    "Sorry, there is a problem with the service",
                    format!("Try again later. If you report this, quote error {id}."),
                )
            }
        };
        let mut r = HttpResponse::build(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            r.insert_header(("Retry-After", RETRY_AFTER_SECONDS.to_string()));
        }
        r.content_type("text/html; charset=utf-8")
            .body(crate::views::error_page(title, &body).into_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn db(kind: DatabaseErrorKind, message: &str) -> AppError {
        AppError::Db(Error::DatabaseError(kind, Box::new(message.to_string())))
    }

    #[test]
    fn a_busy_database_is_503_with_retry_after_never_500() {
        for e in [
            db(DatabaseErrorKind::Unknown, "database is locked"),
            db(
                DatabaseErrorKind::SerializationFailure,
                "could not serialize access",
            ),
            db(DatabaseErrorKind::Unknown, "deadlock detected"),
            AppError::from(anyhow::Error::from(Error::DatabaseError(
                DatabaseErrorKind::Unknown,
                Box::new("database is locked".to_string()),
            ))),
        ] {
            let r = e.error_response();
            assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{e}");
            assert_eq!(
                r.headers().get("Retry-After").and_then(|v| v.to_str().ok()),
                Some("2")
            );
        }
        assert_eq!(
            db(DatabaseErrorKind::Unknown, "no such table").status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
