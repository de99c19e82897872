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
        AppError::Internal(e.to_string())
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
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(crate::views::error_page(title, &body).into_string())
    }
}
