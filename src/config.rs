//! Environment variables -> typed configuration, with safe defaults for a laptop.
use anyhow::Context;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub public_url: String,
    pub council_name: String,
    pub secret_key: Vec<u8>,
    pub idle_timeout_minutes: i64,
    /// Hours after signing in that any session ends, however busy (CNIS_SESSION_MAX_HOURS).
    pub session_max_hours: i64,
    pub cookie_secure: bool,
    pub pool_size: u32,
    pub sign_in_per_minute: u32,
    /// Reverse proxies whose X-Forwarded-For is believed (CNIS_TRUSTED_PROXIES); empty means
    /// the connecting address is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Sign-in attempts one account (an officer's or a parent's email) may make in 15 minutes,
    /// from any address and any instance (CNIS_SIGN_IN_PER_ACCOUNT).
    pub sign_in_per_account: i64,
    /// Notices one school may send in 24 hours before further ones are refused and the team is
    /// told (CNIS_SCHOOL_NOTICES_PER_DAY).
    pub school_notices_per_day: i64,
    /// Requests a minute allowed to each API token.
    pub api_requests_per_minute: u32,
    /// Days an application for consent may stay open before it is escalated to managers.
    pub consent_escalation_days: i64,
    /// How long each kind of record is kept (CNIS_RETAIN_*; law.md §7.4).
    pub retention: crate::domain::retention::Policy,
    /// The councils whose transfer packages are accepted, each with its key's fingerprint
    /// (CNIS_TRUSTED_TRANSFER_KEYS); empty accepts none.
    pub trusted_transfer_keys: Vec<crate::domain::transfer::Trusted>,
    /// The Ed25519 seed this instance signs transfer packages with (CNIS_TRANSFER_SIGNING_KEY);
    /// without it, one derived from the secret key.
    pub transfer_signing_seed: Option<[u8; 32]>,
    /// Whether this council is in the s.434B pre-withdrawal meeting pilot.
    pub prewithdrawal_meetings: bool,
    /// Working days after posting that a posted notice counts as served (s.572).
    pub postal_service_days: u32,
    /// The day ss.436H–436Q commence: cases opened from then follow the new process; None means
    /// not commenced, so every case follows ss.437–443.
    pub new_sao_from: Option<chrono::NaiveDate>,
    /// The day s.434A (consent to home educate) commences; None: not in force.
    pub consent_from: Option<chrono::NaiveDate>,
    /// The day ss.436B–436G (the register and parents' duties) commence; None: not in force.
    pub register_from: Option<chrono::NaiveDate>,
    /// Days before a school attendance deadline that the officer on the case is reminded.
    pub attendance_reminder_days: i64,
    pub data_dir: String,
    pub email_url: String,
    pub email_from: String,
    pub templates_dir: Option<String>,
    pub outbox_poll_seconds: u64,
    /// The team mailbox told (by a link, never personal data) when a task is created, and the
    /// address parents and schools are given to write to.
    pub team_email: Option<String>,
    /// The home education team's telephone number (CNIS_TEAM_PHONE).
    pub team_phone: Option<String>,
    /// The council's postal address (CNIS_COUNCIL_ADDRESS), lines separated by commas.
    pub council_address: Option<String>,
    /// The council's local authority code for the DfE return: the three-digit one (CNIS_LA_CODE).
    pub la_code: Option<String>,
    /// The nine-character ONS code of the council (CNIS_NEW_LA_CODE), as the DfE publishes it.
    pub new_la_code: Option<String>,
    /// The DfE's census dates (CNIS_CENSUS_DATES, ISO dates separated by commas); with none, the
    /// usual first Thursday in October and third Thursdays in January and May.
    pub census_dates: Vec<chrono::NaiveDate>,
    /// Whether this process sends due s.436D(2)(c) requests and raises overdue tasks itself.
    pub scheduler: bool,
    /// Days a parent has to answer a request for information; the law sets a floor of 15.
    pub information_response_days: i64,
    /// Local time (Europe/London) of the nightly cross-check, or None when switched off.
    pub cross_check_at: Option<chrono::NaiveTime>,
    /// The cross-check's match and review probabilities (CNIS_MATCH_PROBABILITY,
    /// CNIS_REVIEW_PROBABILITY); the matching engine reads no environment itself.
    pub match_thresholds: crate::domain::matching::Thresholds,
    /// The council's brand colour and logo (CNIS_BRAND_COLOUR, CNIS_COUNCIL_LOGO).
    pub branding: Branding,
    /// Seconds the register list keeps a filter's total count (CNIS_LIST_COUNT_SECONDS); 0 counts
    /// every time. Counting 200,000 entries costs more than the page itself.
    pub list_count_seconds: u64,
}

/// How the council's pages look: GOV.UK Frontend's brand colour and a logo in the header.
#[derive(Clone, Debug, Default)]
pub struct Branding {
    /// A hex colour like `#00703c`, set as `--govuk-brand-colour`.
    pub colour: Option<String>,
    /// The logo's bytes and content type (SVG or PNG), read once at start.
    pub logo: Option<(Vec<u8>, &'static str)>,
}

impl Branding {
    fn from_env() -> anyhow::Result<Branding> {
        let colour = match var("CNIS_BRAND_COLOUR", "").trim() {
            "" => None,
            c if c.len() == 7
                && c.starts_with('#')
                && c[1..].chars().all(|d| d.is_ascii_hexdigit()) =>
            {
                Some(c.to_ascii_lowercase())
            }
            c => anyhow::bail!("CNIS_BRAND_COLOUR must be a colour like #00703c, got {c:?}"),
        };
        let logo = match var("CNIS_COUNCIL_LOGO", "").trim() {
            "" => None,
            path => {
                let ctype = match path.rsplit('.').next().map(str::to_ascii_lowercase) {
                    Some(e) if e == "svg" => "image/svg+xml",
                    Some(e) if e == "png" => "image/png",
                    _ => anyhow::bail!("CNIS_COUNCIL_LOGO must be an .svg or .png file"),
                };
                let bytes = std::fs::read(path)
                    .with_context(|| format!("CNIS_COUNCIL_LOGO: cannot read {path}"))?;
                Some((bytes, ctype))
            }
        };
        Ok(Branding { colour, logo })
    }
}

fn optional(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// How parents and schools reach the home education team: the footer of their pages and the
/// letterhead of every email and notice they are sent.
#[derive(Clone, Debug, PartialEq)]
pub struct TeamContact {
    pub team: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Vec<String>,
}

/// CNIS_TRANSFER_SIGNING_KEY: an Ed25519 seed as 64 hex digits (`openssl rand -hex 32`), or
/// nothing to derive one from the secret key.
fn signing_seed(hex_seed: &str) -> anyhow::Result<Option<[u8; 32]>> {
    match hex_seed.trim() {
        "" => Ok(None),
        seed => hex::decode(seed)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .map(Some)
            .context("CNIS_TRANSFER_SIGNING_KEY must be 64 hex digits"),
    }
}

impl Config {
    pub fn team_contact(&self) -> TeamContact {
        TeamContact {
            team: "Home education team".into(),
            phone: self.team_phone.clone(),
            email: self.team_email.clone(),
            address: self
                .council_address
                .as_deref()
                .map(address_lines)
                .unwrap_or_default(),
        }
    }
}

fn address_lines(a: &str) -> Vec<String> {
    a.split([',', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl TeamContact {
    /// Whether the council gave any way to reach the team.
    pub fn is_set(&self) -> bool {
        self.phone.is_some() || self.email.is_some() || !self.address.is_empty()
    }

    /// As plain text, for emails and notices.
    pub fn text(&self) -> String {
        let mut lines = vec![self.team.clone()];
        if let Some(p) = &self.phone {
            lines.push(format!("Telephone: {p}"));
        }
        if let Some(e) = &self.email {
            lines.push(format!("Email: {e}"));
        }
        if !self.address.is_empty() {
            lines.push(format!("Post: {}", self.address.join(", ")));
        }
        if !self.is_set() {
            lines.push("Contact the council and ask for the home education team.".into());
        }
        lines.join("\n")
    }
}

fn var(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn parsed<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{name} must be a number, got {v:?}")),
        _ => Ok(default),
    }
}

fn probability(name: &str, default: f64) -> anyhow::Result<f64> {
    let p: f64 = parsed(name, default)?;
    anyhow::ensure!(
        (0.0..=1.0).contains(&p),
        "{name} must be a probability between 0 and 1, got {p}"
    );
    Ok(p)
}

/// Whether cookies are Secure (and `__Host-` prefixed). They are, unless CNIS_COOKIE_SECURE=false
/// says otherwise, or the service is on a laptop: an http:// base URL on this machine's own
/// address, the development default, where browsers would refuse them.
pub fn cookies_secure(setting: Option<&str>, public_url: &str) -> bool {
    match setting.map(str::trim) {
        Some("true") | Some("1") | Some("on") => true,
        Some("false") | Some("0") | Some("off") => false,
        _ => {
            let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                .iter()
                .any(|p| {
                    public_url
                        .strip_prefix(p)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
                });
            !loopback
        }
    }
}

impl Config {
    /// When each provision of the 2026 Act this service runs is in force.
    pub fn commencement(&self) -> crate::domain::commencement::Commencement {
        crate::domain::commencement::Commencement {
            consent_from: self.consent_from,
            register_from: self.register_from,
            new_sao_from: self.new_sao_from,
        }
    }

    /// The key transfer packages are signed with: the one set, else one derived from the
    /// secret key (so a council that sets neither keeps one key across restarts).
    pub fn transfer_signing_key(&self) -> ed25519_dalek::SigningKey {
        match self.transfer_signing_seed {
            Some(seed) => ed25519_dalek::SigningKey::from_bytes(&seed),
            None => crate::domain::transfer::signing_key(&self.secret_key),
        }
    }

    pub fn from_env() -> anyhow::Result<Config> {
        let data_dir = var("CNIS_DATA_DIR", "data");
        let database_url = var("DATABASE_URL", &format!("{data_dir}/cnis.sqlite"));
        let public_url = var("CNIS_BASE_URL", "http://127.0.0.1:8080");
        let cookie_secure = cookies_secure(
            std::env::var("CNIS_COOKIE_SECURE").ok().as_deref(),
            &public_url,
        );
        let secret_key = match std::env::var("CNIS_SECRET_KEY") {
            Ok(hexkey) if !hexkey.trim().is_empty() => {
                let k = hex::decode(hexkey.trim()).context("CNIS_SECRET_KEY must be hex")?;
                anyhow::ensure!(
                    k.len() >= 32,
                    "CNIS_SECRET_KEY must be at least 32 bytes (64 hex digits)"
                );
                k
            }
            _ => load_or_create_key(&data_dir)?,
        };
        let pool_size = parsed(
            "CNIS_DB_POOL_SIZE",
            default_pool_size(crate::db::backend_of(&database_url)),
        )?;
        Ok(Config {
            database_url,
            bind: var("CNIS_BIND", "127.0.0.1:8080"),
            public_url,
            council_name: var("CNIS_COUNCIL_NAME", "Demo Borough Council"),
            secret_key,
            idle_timeout_minutes: parsed("CNIS_IDLE_TIMEOUT_MINUTES", 30)?,
            session_max_hours: parsed("CNIS_SESSION_MAX_HOURS", 12)?,
            cookie_secure,
            pool_size,
            sign_in_per_minute: parsed("CNIS_SIGN_IN_PER_MINUTE", 10)?,
            trusted_proxies: crate::domain::network::parse_trusted(&var(
                "CNIS_TRUSTED_PROXIES",
                "",
            ))
            .map_err(|e| anyhow::anyhow!(e))?,
            sign_in_per_account: parsed("CNIS_SIGN_IN_PER_ACCOUNT", 20)?,
            school_notices_per_day: parsed("CNIS_SCHOOL_NOTICES_PER_DAY", 30)?,
            api_requests_per_minute: parsed("CNIS_API_REQUESTS_PER_MINUTE", 120)?,
            consent_escalation_days: parsed("CNIS_CONSENT_ESCALATION_DAYS", 20)?,
            trusted_transfer_keys: crate::domain::transfer::parse_trusted(&var(
                "CNIS_TRUSTED_TRANSFER_KEYS",
                "",
            ))
            .map_err(|e| anyhow::anyhow!("CNIS_TRUSTED_TRANSFER_KEYS: {e}"))?,
            transfer_signing_seed: signing_seed(&var("CNIS_TRANSFER_SIGNING_KEY", ""))?,
            retention: {
                let d = crate::domain::retention::Policy::default();
                let p = crate::domain::retention::Policy {
                    register_years: parsed("CNIS_RETAIN_REGISTER_YEARS", d.register_years)?,
                    consent_years: parsed("CNIS_RETAIN_CONSENT_YEARS", d.consent_years)?,
                    attendance_years: parsed("CNIS_RETAIN_ATTENDANCE_YEARS", d.attendance_years)?,
                    prosecution_years: parsed(
                        "CNIS_RETAIN_PROSECUTION_YEARS",
                        d.prosecution_years,
                    )?,
                    audit_years: parsed("CNIS_RETAIN_AUDIT_YEARS", d.audit_years)?,
                    email_days: parsed("CNIS_RETAIN_EMAIL_DAYS", d.email_days)?,
                    social_care_days: parsed("CNIS_RETAIN_SOCIAL_CARE_DAYS", d.social_care_days)?,
                };
                anyhow::ensure!(
                    [p.register_years, p.consent_years, p.attendance_years, p.prosecution_years, p.audit_years]
                        .iter()
                        .all(|y| (1..=100).contains(y))
                        && (30..=36_500).contains(&p.email_days)
                        && (30..=36_500).contains(&p.social_care_days),
                    "CNIS_RETAIN_*_YEARS must be 1 to 100 years, and CNIS_RETAIN_EMAIL_DAYS and CNIS_RETAIN_SOCIAL_CARE_DAYS 30 to 36500 days"
                );
                p
            },
            prewithdrawal_meetings: matches!(
                var("CNIS_PREWITHDRAWAL_MEETINGS", "off").as_str(),
                "on" | "true" | "1"
            ),
            postal_service_days: parsed("CNIS_POSTAL_SERVICE_DAYS", 2)?,
            new_sao_from: commencement_day("CNIS_NEW_SAO_FROM")?,
            consent_from: commencement_day("CNIS_CONSENT_FROM")?,
            register_from: commencement_day("CNIS_REGISTER_FROM")?,
            attendance_reminder_days: parsed("CNIS_ATTENDANCE_REMINDER_DAYS", 2)?,
            email_url: var("CNIS_EMAIL_URL", &format!("file://{data_dir}/mail")),
            email_from: var(
                "CNIS_EMAIL_FROM",
                "Children not in school <no-reply@council.invalid>",
            ),
            templates_dir: std::env::var("CNIS_TEMPLATES_DIR")
                .ok()
                .filter(|d| !d.trim().is_empty()),
            outbox_poll_seconds: parsed("CNIS_OUTBOX_POLL_SECONDS", 5)?,
            team_email: std::env::var("CNIS_TEAM_EMAIL")
                .ok()
                .filter(|d| !d.trim().is_empty()),
            team_phone: optional("CNIS_TEAM_PHONE"),
            council_address: optional("CNIS_COUNCIL_ADDRESS"),
            la_code: optional("CNIS_LA_CODE"),
            new_la_code: optional("CNIS_NEW_LA_CODE"),
            census_dates: var("CNIS_CENSUS_DATES", "")
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| {
                    d.parse().map_err(|_| {
                        anyhow::anyhow!(
                            "CNIS_CENSUS_DATES must be dates like 2026-10-01, separated by commas"
                        )
                    })
                })
                .collect::<anyhow::Result<_>>()?,
            scheduler: matches!(var("CNIS_SCHEDULER", "off").as_str(), "on" | "true" | "1"),
            cross_check_at: match var("CNIS_CROSS_CHECK_AT", "02:00").as_str() {
                "off" | "none" => None,
                t => Some(chrono::NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
                    anyhow::anyhow!("CNIS_CROSS_CHECK_AT must be a time like 02:00, or off")
                })?),
            },
            information_response_days: {
                let days = parsed("CNIS_INFORMATION_RESPONSE_DAYS", 28)?;
                anyhow::ensure!(
                    days >= crate::domain::information_requests::MIN_RESPONSE_DAYS,
                    "CNIS_INFORMATION_RESPONSE_DAYS must be at least 15 (EA 1996 s.436D(5))"
                );
                days
            },
            match_thresholds: {
                let d = crate::domain::matching::Thresholds::default();
                crate::domain::matching::Thresholds {
                    matched: probability("CNIS_MATCH_PROBABILITY", d.matched)?,
                    review: probability("CNIS_REVIEW_PROBABILITY", d.review)?,
                    review_condition_b: probability(
                        "CNIS_REVIEW_PROBABILITY_CHILD_PROTECTION",
                        d.review_condition_b,
                    )?,
                }
            },
            branding: Branding::from_env()?,
            list_count_seconds: parsed("CNIS_LIST_COUNT_SECONDS", 30)?,
            data_dir,
        })
    }
}

/// A laptop keeps its key in the data directory so sessions and forms survive a restart.
fn load_or_create_key(dir: &str) -> anyhow::Result<Vec<u8>> {
    use rand::RngCore;
    let path = std::path::Path::new(dir).join("secret.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(k) = hex::decode(text.trim()) {
            if k.len() >= 32 {
                return Ok(k);
            }
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {dir}"))?;
    let mut k = vec![0u8; 32];
    rand::thread_rng().fill_bytes(&mut k);
    write_private(&path, &hex::encode(&k))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(k)
}

/// Writes a file only its owner can read (0600): the key signs every session's CSRF token.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())
}

/// Database connections when `CNIS_DB_POOL_SIZE` is unset. PostgreSQL: twice this machine's
/// cores, at least 4 (the PostgreSQL wiki's "cores × 2 + effective spindles", with the register
/// held in memory so no spindles): more connections than that only queue inside PostgreSQL, and
/// at 64 clients on 2 cores, 8 connections gave a search's slowest responses 10–20% slower than
/// 4. SQLite is read in this process, where 8 connections read a little faster than 4.
pub fn default_pool_size(backend: crate::db::Backend) -> u32 {
    match backend {
        crate::db::Backend::Sqlite => 8,
        crate::db::Backend::Postgres => {
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
            u32::try_from(cores * 2).unwrap_or(u32::MAX).max(4)
        }
    }
}

#[cfg(test)]
mod pool_tests {
    use super::*;
    use crate::db::Backend;

    #[test]
    fn postgresql_gets_twice_the_cores_and_at_least_four_connections_sqlite_eight() {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let pg = default_pool_size(Backend::Postgres);
        assert_eq!(pg as usize, (2 * cores).max(4));
        assert_eq!(default_pool_size(Backend::Sqlite), 8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn a_transfer_signing_key_is_64_hex_digits_or_nothing() {
        assert_eq!(signing_seed("").ok(), Some(None));
        assert_eq!(signing_seed(&"0a".repeat(32)).ok(), Some(Some([10u8; 32])));
        for bad in ["0a0b", "zz", &"0a".repeat(33)] {
            assert!(signing_seed(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_generated_secret_key_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_string_lossy().to_string();
        let k = load_or_create_key(&d).unwrap();
        assert_eq!(k.len(), 32);
        let mode = std::fs::metadata(dir.path().join("secret.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        assert_eq!(load_or_create_key(&d).unwrap(), k, "the same key next time");
    }
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    #[test]
    fn the_team_contact_lists_what_the_council_set_and_says_how_to_ask_when_nothing_is() {
        let mut c = TeamContact {
            team: "Home education team".into(),
            phone: None,
            email: None,
            address: address_lines(" , "),
        };
        assert!(!c.is_set());
        assert!(c.text().contains("ask for the home education team"));
        c.phone = Some("01632 960000".into());
        c.address = address_lines("Town Hall, High Street,\nDemo Town DT1 1AA");
        assert_eq!(
            c.text(),
            "Home education team\nTelephone: 01632 960000\nPost: Town Hall, High Street, Demo Town DT1 1AA"
        );
    }
}

#[cfg(test)]
mod cookie_tests {
    use super::cookies_secure;

    #[test]
    fn cookies_are_secure_unless_on_a_laptop_or_switched_off() {
        assert!(cookies_secure(None, "https://cnis.council.example"));
        assert!(cookies_secure(None, "http://cnis.council.example"));
        assert!(cookies_secure(None, "http://127.0.0.1.evil.example"));
        assert!(!cookies_secure(None, "http://127.0.0.1:8080"));
        assert!(!cookies_secure(None, "http://localhost:8080/"));
        assert!(!cookies_secure(
            Some("false"),
            "https://cnis.council.example"
        ));
        assert!(cookies_secure(Some("true"), "http://127.0.0.1:8080"));
    }
}

/// A commencement day from the environment: unset or empty means not in force.
fn commencement_day(name: &str) -> anyhow::Result<Option<chrono::NaiveDate>> {
    match var(name, "").trim() {
        "" => Ok(None),
        d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{name} must be a date like 2027-09-01, or unset")),
    }
}
