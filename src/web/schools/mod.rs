//! School staff's pages: notices of a parent's intention to home educate (s.434A(5)) and deletion
//! returns, for their own school only.
pub mod notices;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    notices::configure(cfg);
}
