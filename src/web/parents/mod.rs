//! Parents' pages: signing in with an emailed code, telling the council (s.436D(1)), their
//! children, reports and answers (s.436D(2), s.436G), written consent to email (s.572), and
//! applications for consent to home educate (s.434A), which a school may also make for a parent,
//! and the school attendance notices served on them.
pub mod account;
pub mod applications;
pub mod apply;
pub mod attendance;
pub mod notify;
pub mod reports;
pub mod session;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    account::configure(cfg);
    attendance::configure(cfg);
    notify::configure(cfg);
    reports::configure(cfg);
    applications::configure(cfg);
    apply::configure(cfg);
}
