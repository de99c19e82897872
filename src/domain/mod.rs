//! Pure rules: no I/O, each citing the section it implements.
pub mod identifiers;
pub mod register;
pub mod school_age;
pub mod service;
