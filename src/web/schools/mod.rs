//! School staff's pages: notices of a parent's intention to home educate (s.434A(5)) and deletion
//! returns, and applications for consent about their pupils, for their own school only.
pub mod applications;
pub mod notices;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    applications::configure(cfg);
    notices::configure(cfg);
}
