//! The application's shared state: the pool, the configuration, the email templates and the
//! rate limiters. The web layer, the scheduler and the command line all start from it.
use std::net::IpAddr;
use std::num::NonZeroU32;

use actix_web::web;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Config;
use crate::db::{AnyConnection, Pool};
use crate::error::{AppError, AppResult};

/// How long a request waits for a database connection before it is answered 503 (as long as
/// the pool itself waits, `db::pool`).
const DB_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

pub struct AppState {
    pub pool: Pool,
    pub config: Config,
    pub sign_in_limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// Per API token (keyed by the token's id).
    pub api_limiter: DefaultKeyedRateLimiter<String>,
    pub templates: crate::mail::Templates,
    /// Seals officers' TOTP secrets in the database (`store::users::seal_totp`).
    pub totp_key: [u8; 32],
    /// The register list's total count per filter, kept `list_count_seconds`.
    pub list_counts: Option<mini_moka::sync::Cache<String, i64>>,
    limiter_checks: std::sync::atomic::AtomicU64,
    /// One per pooled connection, handed out first come, first served (see `db`).
    db_slots: tokio::sync::Semaphore,
}

impl AppState {
    pub fn new(pool: Pool, config: Config) -> Self {
        let _ = crate::views::COUNCIL_NAME.set(config.council_name.clone());
        let _ = crate::store::parent_access::PSEUDONYM_KEY.set({
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&config.secret_key)
                .unwrap_or_else(|_| unreachable_hmac());
            mac.update(b"audit pseudonyms");
            mac.finalize().into_bytes().to_vec()
        });
        // main checks the council's templates at start-up; the built-in ones always parse.
        let templates = crate::mail::Templates::load(config.templates_dir.as_deref())
            .or_else(|_| crate::mail::Templates::load(None))
            .unwrap_or_default()
            .with_team_contact(config.team_contact().text());
        let per_minute =
            NonZeroU32::new(config.sign_in_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let api_per_minute =
            NonZeroU32::new(config.api_requests_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let totp_key = crate::store::users::totp_key(&config.secret_key);
        let list_counts = (config.list_count_seconds > 0).then(|| {
            mini_moka::sync::Cache::builder()
                .max_capacity(1000)
                .time_to_live(std::time::Duration::from_secs(config.list_count_seconds))
                .build()
        });
        AppState {
            db_slots: tokio::sync::Semaphore::new(pool.max_size() as usize),
            totp_key,
            list_counts,
            pool,
            config,
            sign_in_limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
            api_limiter: RateLimiter::keyed(Quota::per_minute(api_per_minute)),
            templates,
            limiter_checks: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Where task alerts go, if the council set a team mailbox (CNIS_TEAM_EMAIL).
    pub fn team_alert(&self) -> Option<crate::store::tasks::TeamAlert<'_>> {
        self.config
            .team_email
            .as_deref()
            .map(|to| crate::store::tasks::TeamAlert {
                templates: &self.templates,
                to,
                base_url: &self.config.public_url,
                council_name: &self.config.council_name,
            })
    }

    /// What the information-request jobs need to send requests and raise tasks.
    pub fn information_request_sender(&self) -> crate::store::information_requests::Sender<'_> {
        crate::store::information_requests::Sender {
            templates: &self.templates,
            base_url: &self.config.public_url,
            council_name: &self.config.council_name,
            response_days: self.config.information_response_days,
            postal_days: self.config.postal_service_days,
            alert: self.team_alert(),
            commencement: self.config.commencement(),
        }
    }

    /// Runs blocking diesel work on the thread pool with a pooled connection.
    pub async fn db<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> AppResult<T> + Send + 'static,
    {
        // Requests queue here in arrival order, and only as many run on the blocking threads as
        // there are connections: waiting inside `pool.get()` instead lets a late request take a
        // freed connection before an early one, which under load tripled the slowest responses.
        let _slot = actix_web::rt::time::timeout(DB_WAIT, self.db_slots.acquire())
            .await
            .map_err(|_| AppError::NoConnection)?;
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// CSRF token for a browser: HMAC of its random CSRF cookie under the server key.
    pub fn csrf_token(&self, cookie_value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.config.secret_key)
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(b"csrf:");
        mac.update(cookie_value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether a sign-in step from this client address is within the per-address limit (an
    /// IPv6 client counts by its /64). Every so often forgets addresses that have gone quiet.
    pub fn allow_sign_in_attempt(&self, ip: Option<IpAddr>) -> bool {
        let ip = crate::domain::network::rate_key(ip.unwrap_or(IpAddr::from([0, 0, 0, 0])));
        let n = self
            .limiter_checks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n % 1024 == 1023 {
            self.sign_in_limiter.retain_recent();
            self.sign_in_limiter.shrink_to_fit();
            self.api_limiter.retain_recent();
        }
        self.sign_in_limiter.check_key(&ip).is_ok()
    }
}

// HMAC-SHA256 accepts keys of any length, so this cannot happen.
fn unreachable_hmac() -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(b"k").unwrap_or_else(|_| std::process::abort())
}
