//! cnis: the register of children not in school (Education Act 1996 ss.436B–436G) for an English council.
pub mod config;
pub mod cross_check;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod imports;
pub mod mail;
pub mod notices;
pub mod scheduler;
pub mod store;
pub mod synthetic;
pub mod views;
pub mod web;
