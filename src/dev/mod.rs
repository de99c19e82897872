//! Invented data for trying and measuring cnis (feature `dev-tools`, on by default so that
//! `cargo run -- demo` works; a council's production build can leave it out).
pub mod demo;
pub mod synthetic;
