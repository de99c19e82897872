//! Officers' and managers' pages (and administrators' under /officers/admin): the register, tasks,
//! social care matches, consent applications, school attendance, calendars and the audit log.
pub mod administration;
pub mod attendance;
pub mod audit_log;
pub mod calendars;
pub mod consent;
pub mod dashboard;
pub mod disclosures;
pub mod enquiry_outcomes;
pub mod law_dates;
pub mod legal_holds;
pub mod matches;
pub mod other_information;
pub mod parent_claims;
pub mod parts;
pub mod register;
pub mod returns;
pub mod subject_access;
pub mod tasks;
pub mod transfers;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    register::configure(cfg);
    register::configure_emails(cfg);
    enquiry_outcomes::configure(cfg);
    law_dates::configure(cfg);
    legal_holds::configure(cfg);
    parent_claims::configure(cfg);
    parts::configure(cfg);
    tasks::configure(cfg);
    transfers::configure(cfg);
    matches::configure(cfg);
    other_information::configure(cfg);
    audit_log::configure(cfg);
    administration::configure(cfg);
    consent::configure(cfg);
    attendance::configure(cfg);
    calendars::configure(cfg);
    returns::configure(cfg);
    subject_access::configure(cfg);
    dashboard::configure(cfg);
    disclosures::configure(cfg);
}
