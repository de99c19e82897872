//! Persistence, one module per aggregate. Functions take `&mut AnyConnection` so callers can
//! compose them inside one transaction.
pub mod api_tokens;
pub mod application_drafts;
pub mod attendance;
pub mod audit;
pub mod bank_holidays;
pub mod children;
pub mod consent;
pub mod dashboard;
pub mod information_requests;
pub mod matches;
pub mod notifications;
pub mod parent_access;
pub mod parent_claims;
pub mod parent_reports;
pub mod prescribed;
pub mod retention;
pub mod returns;
pub mod saved_searches;
pub mod schools;
pub mod served;
pub mod sessions;
pub mod sign_in_attempts;
pub mod social_care;
pub mod submissions;
pub mod tasks;
pub mod users;
