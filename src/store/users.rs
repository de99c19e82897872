//! Officer accounts: argon2id passwords, TOTP second factor, lockout.
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::users;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::roles::Role;

pub const ROLES: &[(&str, &str)] = Role::CHOICES;
pub const MAX_FAILED_ATTEMPTS: i32 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_enrolled: bool,
    pub last_totp_step: Option<i64>,
    pub failed_attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    /// A school user's school (role "school").
    pub school_id: Option<String>,
    /// The password was issued by someone else: the user chooses their own before anything else.
    pub must_change_password: bool,
}

impl User {
    /// Officers and managers work the register; an administrator runs accounts and reads the
    /// audit log but has no need to see children's records (deny by default).
    pub fn can_use_register(&self) -> bool {
        self.role.can_use_register()
    }
    /// Issues and revokes API tokens, and (issue 5) school accounts.
    pub fn can_administer(&self) -> bool {
        self.role.can_administer()
    }
    /// School staff send notices for their own school, and see nothing else.
    pub fn is_school_staff(&self) -> bool {
        self.role == Role::School && self.school_id.is_some()
    }
    /// Decides applications for consent (s.434A(6)): a manager, not the assessing officer.
    pub fn can_decide(&self) -> bool {
        self.role.can_decide()
    }
    pub fn can_make_returns(&self) -> bool {
        self.role.can_make_returns()
    }
    pub fn can_read_audit(&self) -> bool {
        self.role.can_read_audit()
    }
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    // Argon2::default() is argon2id v19 with OWASP-recommended parameters.
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A password policy that is long rather than complex (NCSC guidance).
pub fn password_problem(password: &str) -> Option<&'static str> {
    if password.chars().count() < 12 {
        Some("Password must be 12 characters or more")
    } else if password.chars().count() > 256 {
        Some("Password must be 256 characters or fewer")
    } else {
        None
    }
}

pub fn generate_password() -> String {
    use rand::Rng;
    const WORDS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| WORDS[rng.gen_range(0..WORDS.len())] as char)
        .collect()
}

pub fn create(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
) -> anyhow::Result<User> {
    let role = Role::parse(role)
        .filter(|r| *r != Role::School)
        .ok_or_else(|| anyhow::anyhow!("role must be officer, manager or admin"))?;
    insert(conn, email, name, role, password, None)
}

/// A school user belongs to exactly one school and sees only what that school sent.
pub fn create_school_user(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    password: &str,
    school_id: &str,
) -> anyhow::Result<User> {
    insert(conn, email, name, Role::School, password, Some(school_id))
}

fn insert(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
    school_id: Option<&str>,
) -> anyhow::Result<User> {
    if let Some(p) = password_problem(password) {
        anyhow::bail!(p);
    }
    let email = email.trim().to_lowercase();
    anyhow::ensure!(
        email.contains('@') && email.len() > 3,
        "enter a real email address"
    );
    let user = User {
        id: new_id(),
        email,
        name: name.trim().to_string(),
        role,
        password_hash: hash_password(password)?,
        totp_secret: None,
        totp_enrolled: false,
        last_totp_step: None,
        failed_attempts: 0,
        locked_until: None,
        active: true,
        created_at: now(),
        school_id: school_id.map(str::to_string),
        must_change_password: false,
    };
    diesel::insert_into(users::table)
        .values(&user)
        .execute(conn)?;
    Ok(user)
}

/// The password was issued by someone else: the user must choose their own at first sign-in.
pub fn require_password_change(conn: &mut AnyConnection, user_id: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::must_change_password.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Sets the user's own new password; the caller ends their other sessions (`sessions::end_others`).
pub fn change_password(
    conn: &mut AnyConnection,
    user_id: &str,
    new_password: &str,
) -> anyhow::Result<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash_password(new_password)?),
            users::must_change_password.eq(false),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
    users::table
        .order(users::name.asc())
        .select(User::as_select())
        .load(conn)
}

/// Active officers and managers, by name: those a task can be assigned to.
pub fn caseworkers(conn: &mut AnyConnection) -> QueryResult<Vec<(String, String)>> {
    users::table
        .filter(users::active.eq(true))
        .filter(users::role.eq_any([Role::Officer, Role::Manager]))
        .order(users::name.asc())
        .select((users::id, users::name))
        .load(conn)
}

pub fn is_locked(user: &User, at: NaiveDateTime) -> bool {
    user.locked_until.is_some_and(|t| t > at)
}

/// Counts a wrong password or code in SQL, so parallel guesses each count; the attempt that
/// reaches the limit locks the account. Returns whether the account is now locked.
pub fn record_failure(conn: &mut AnyConnection, user_id: &str) -> QueryResult<bool> {
    diesel::update(users::table.find(user_id))
        .set(users::failed_attempts.eq(users::failed_attempts + 1))
        .execute(conn)?;
    let locked = diesel::update(
        users::table
            .find(user_id)
            .filter(users::failed_attempts.ge(MAX_FAILED_ATTEMPTS)),
    )
    .set((
        users::failed_attempts.eq(0),
        users::locked_until.eq(Some(now() + Duration::minutes(LOCKOUT_MINUTES))),
    ))
    .execute(conn)?;
    Ok(locked == 1)
}

pub fn record_success(conn: &mut AnyConnection, user_id: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::failed_attempts.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The prefix of a sealed TOTP secret.
const SEALED: &str = "enc1:";

/// The key TOTP secrets are sealed with, derived from CNIS_SECRET_KEY (`AppState::totp_key`).
pub fn totp_key(secret_key: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut out = [0u8; 32];
    if let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret_key) {
        mac.update(b"cnis totp secrets v1");
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// Seals a base32 TOTP secret for storage: ChaCha20-Poly1305 under `key`, bound to the user's id,
/// so the database alone (a backup, a read-only leak) gives nobody an officer's second factor.
pub fn seal_totp(key: &[u8; 32], user_id: &str, secret: &str) -> anyhow::Result<String> {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(key.into());
    let nonce = chacha20poly1305::ChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: secret.as_bytes(),
                aad: user_id.as_bytes(),
            },
        )
        .map_err(|_| anyhow::anyhow!("could not seal the TOTP secret"))?;
    let mut out = nonce.to_vec();
    out.extend(sealed);
    Ok(format!(
        "{SEALED}{}",
        base64::engine::general_purpose::STANDARD.encode(out)
    ))
}

/// The base32 secret from what is stored; a secret stored before sealing existed is returned
/// as it is (and sealed at the next start, `seal_plain_totp_secrets`). None when it does not open.
pub fn open_totp(key: &[u8; 32], user_id: &str, stored: &str) -> Option<String> {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let Some(b64) = stored.strip_prefix(SEALED) else {
        return Some(stored.to_string());
    };
    let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    if raw.len() < 12 {
        return None;
    }
    let (nonce, sealed) = raw.split_at(12);
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(key.into());
    let plain = cipher
        .decrypt(
            nonce.into(),
            Payload {
                msg: sealed,
                aad: user_id.as_bytes(),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

/// Seals every TOTP secret still stored in clear (from before sealing); how many.
pub fn seal_plain_totp_secrets(conn: &mut AnyConnection, key: &[u8; 32]) -> anyhow::Result<usize> {
    let plain: Vec<(String, String)> = users::table
        .filter(users::totp_secret.is_not_null())
        .filter(users::totp_secret.not_like(format!("{SEALED}%")))
        .select((users::id, users::totp_secret.assume_not_null()))
        .load(conn)?;
    for (id, secret) in &plain {
        let sealed = seal_totp(key, id, secret)?;
        diesel::update(users::table.find(id))
            .set(users::totp_secret.eq(Some(sealed)))
            .execute(conn)?;
    }
    Ok(plain.len())
}

/// Stores a new TOTP secret, sealed (`seal_totp`), not yet enrolled.
pub fn set_totp_secret(
    conn: &mut AnyConnection,
    key: &[u8; 32],
    user_id: &str,
    secret: &str,
) -> anyhow::Result<()> {
    let sealed = seal_totp(key, user_id, secret)?;
    diesel::update(users::table.find(user_id))
        .set((
            users::totp_secret.eq(Some(sealed)),
            users::totp_enrolled.eq(false),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks a TOTP time step used; returns false when the step (or a later one) was used already,
/// so each code signs in once (replay protection).
pub fn use_totp_step(conn: &mut AnyConnection, user_id: &str, step: i64) -> QueryResult<bool> {
    let n = diesel::update(
        users::table.find(user_id).filter(
            users::last_totp_step
                .is_null()
                .or(users::last_totp_step.lt(step)),
        ),
    )
    .set((
        users::last_totp_step.eq(Some(step)),
        users::totp_enrolled.eq(true),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn set_active(conn: &mut AnyConnection, user_id: &str, active: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::active.eq(active))
        .execute(conn)
}

pub fn reset_second_factor(conn: &mut AnyConnection, user_id: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_enrolled.eq(false),
        ))
        .execute(conn)
}

/// The TOTP (RFC 6238, SHA-1, 6 digits, 30 s) for a stored base32 secret.
pub fn totp_for(secret_b32: &str, account: &str) -> anyhow::Result<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .map_err(|e| anyhow::anyhow!("bad TOTP secret: {e:?}"))?;
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("cnis".to_string()),
        account.to_string(),
    )
    .map_err(|e| anyhow::anyhow!("TOTP: {e}"))
}

pub fn new_totp_secret() -> String {
    totp_rs::Secret::generate_secret().to_encoded().to_string()
}

/// Checks a 6-digit code against the current step and one either side (clock drift); returns the
/// matching step.
pub fn check_totp(secret_b32: &str, code: &str, unix_time: u64) -> Option<i64> {
    let totp = totp_for(secret_b32, "officer").ok()?;
    let code: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    if code.len() != 6 {
        return None;
    }
    let step = (unix_time / 30) as i64;
    [step - 1, step, step + 1]
        .into_iter()
        .find(|s| *s >= 0 && totp.generate(*s as u64 * 30) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_totp_secret_is_sealed_to_its_user_and_opens_only_with_the_key() {
        let key = totp_key(b"a server key of thirty-two bytes!");
        let secret = new_totp_secret();
        let sealed = seal_totp(&key, "user-1", &secret).unwrap();
        assert!(sealed.starts_with("enc1:") && !sealed.contains(&secret));
        assert_eq!(
            open_totp(&key, "user-1", &sealed).as_deref(),
            Some(secret.as_str())
        );
        assert_eq!(
            open_totp(&key, "user-2", &sealed),
            None,
            "bound to the user"
        );
        assert_eq!(
            open_totp(&totp_key(b"another key"), "user-1", &sealed),
            None
        );
        assert_eq!(
            open_totp(&key, "user-1", "JBSWY3DPEHPK3PXP").as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
    }

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong horse battery"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn totp_accepts_adjacent_steps_only() {
        let secret = new_totp_secret();
        let totp = totp_for(&secret, "a").unwrap();
        let t = 1_800_000_000u64;
        assert_eq!(
            check_totp(&secret, &totp.generate(t), t),
            Some((t / 30) as i64)
        );
        assert_eq!(
            check_totp(&secret, &totp.generate(t - 30), t),
            Some((t / 30) as i64 - 1)
        );
        assert_eq!(check_totp(&secret, &totp.generate(t - 90), t), None);
        assert_eq!(check_totp(&secret, "12345", t), None);
    }
}
