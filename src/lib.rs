//! cnis: the register of children not in school (Education Act 1996 ss.436B–436G) for an English council.
pub mod app;
pub mod clock;
pub mod config;
pub mod db;
#[cfg(feature = "dev-tools")]
pub mod dev;
pub mod domain;
pub mod error;
pub mod imports;
pub mod jobs;
pub mod mail;
pub mod notices;
pub mod services;
pub mod store;
pub mod views;
pub mod web;
