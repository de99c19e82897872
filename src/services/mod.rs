//! Use cases: one function per thing a person asks the service to do. Each runs the checks that
//! need the database, the change in one transaction, the audit record and any outbox rows, and
//! answers with a typed outcome or `AppError::Refused(why)`. Handlers read the form, call one of
//! these and render.
pub mod attendance;
pub mod audit;
pub mod register;
