//! Pure rules: no I/O, each citing the section it implements.
pub mod attendance;
pub mod commencement;
pub mod consent;
pub mod duties;
pub mod export;
pub mod identifiers;
pub mod information_requests;
mod law_section_8;
pub mod matching;
pub mod network;
pub mod parents;
pub mod passwords;
pub mod register;
pub mod returns;
pub mod roles;
pub mod safeguarding;
pub mod school_age;
pub mod service;
