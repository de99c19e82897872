//! Work nobody asks for in a request: the nightly cross-check, the daily scheduler and the
//! outbox worker. Jobs call the store and the mail outbox, never the web layer.
pub mod cross_check;
pub mod outbox;
pub mod retention;
pub mod scheduler;
