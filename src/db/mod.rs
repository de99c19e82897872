//! One binary, two databases: SQLite (default, embedded) and PostgreSQL (production).
//! The backend is chosen from the URL scheme by us, not by trial, so a bad PostgreSQL URL
//! reports the real error instead of silently opening a SQLite file named after it.
pub mod lease;
pub mod one_of;
pub mod pg_sql;
pub mod schema;
pub mod text_enum;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

pub fn backend_of(url: &str) -> Backend {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Opens one connection of the backend the URL names.
pub fn establish(url: &str) -> ConnectionResult<AnyConnection> {
    match backend_of(url) {
        Backend::Postgres => {
            let mut conn = diesel::PgConnection::establish(url)?;
            // JIT compiles a statement whose estimated cost crosses a threshold: tens of
            // milliseconds spent on a query that then runs in one.
            conn.batch_execute("SET jit = off")
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            Ok(AnyConnection::Postgresql(conn))
        }
        Backend::Sqlite => {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            let mut conn = diesel::SqliteConnection::establish(path)?;
            // WAL lets readers run beside the writer; the busy timeout queues writers instead of failing.
            // 16 MB of page cache a connection (the default is 2 MB) holds a busy register's
            // indexes between requests.
            conn.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16000;",
            )
            .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            attach_read_audit(&mut conn, path)
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            Ok(AnyConnection::Sqlite(conn))
        }
    }
}

/// The file beside a SQLite register that holds the audit rows of reads (see `attach_read_audit`).
pub fn read_audit_path(register_path: &str) -> String {
    if register_path == ":memory:" || register_path.is_empty() {
        return ":memory:".into();
    }
    // A `file:` URI keeps its query (`?mode=rwc`) after the path.
    match register_path.split_once('?') {
        Some((path, query)) if register_path.starts_with("file:") => {
            format!("{path}-reads?{query}")
        }
        _ => format!("{register_path}-reads"),
    }
}

/// On SQLite the audit rows written on their own, outside a transaction (`read_audit_events`:
/// reads, mostly, and events such as signing in), live in a second file attached to every
/// connection. A commit by any connection empties every other connection's page cache for that
/// file, and officers read far more than they change: with each read's audit row in the
/// register's own file, every page read the register's indexes afresh. Rows written inside a
/// change's transaction stay in `audit_events`, in the register's file, and commit with the
/// change (SQLite commits attached files one after another, not as one). The temporary view
/// `audit_log` is both.
fn attach_read_audit(conn: &mut diesel::SqliteConnection, path: &str) -> QueryResult<()> {
    diesel::sql_query("ATTACH DATABASE ? AS audit_reads")
        .bind::<diesel::sql_types::Text, _>(read_audit_path(path))
        .execute(conn)?;
    conn.batch_execute(
        "PRAGMA audit_reads.journal_mode = WAL; PRAGMA audit_reads.synchronous = NORMAL;
         CREATE TABLE IF NOT EXISTS audit_reads.read_audit_events (
             id TEXT PRIMARY KEY, at TIMESTAMP NOT NULL, user_id TEXT, action TEXT NOT NULL,
             child_id TEXT, purpose TEXT NOT NULL);
         CREATE INDEX IF NOT EXISTS audit_reads.read_audit_events_at ON read_audit_events(at);
         CREATE INDEX IF NOT EXISTS audit_reads.read_audit_events_child ON read_audit_events(child_id);
         CREATE INDEX IF NOT EXISTS audit_reads.read_audit_events_user ON read_audit_events(user_id);
         CREATE TEMP VIEW IF NOT EXISTS audit_log AS
             SELECT id, at, user_id, action, child_id, purpose FROM main.audit_events
             UNION ALL
             SELECT id, at, user_id, action, child_id, purpose FROM audit_reads.read_audit_events;",
    )
}

/// One SQLite writer at a time in this process (see `write`).
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in a write transaction. On SQLite it begins IMMEDIATE, so the write lock is taken
/// (waiting up to the busy timeout) before anything is read: a DEFERRED transaction that reads
/// and then writes fails at once with "database is locked" when another writer got there first,
/// and its busy timeout never applies. Inside another transaction it is a savepoint. Every
/// transaction in the code goes through here (clippy refuses `Connection::transaction`).
pub fn write<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let mut writer = None;
    let outermost = match conn {
        AnyConnection::Sqlite(c) => {
            let depth = AnsiTransactionManager::transaction_manager_status_mut(c)
                .transaction_depth()
                .map_err(E::from)?;
            if depth.is_none() {
                // Writers in this process queue here, handed on as each commits, rather than in
                // SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries.
                writer = Some(
                    SQLITE_WRITER
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner),
                );
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
                    .map_err(E::from)?;
                true
            } else {
                false
            }
        }
        AnyConnection::Postgresql(_) => false,
    };
    let _writer = writer;
    if !outermost {
        #[allow(clippy::disallowed_methods)] // this is the one place that may
        return conn.transaction(f);
    }
    match f(conn) {
        Ok(v) => {
            Manager::commit_transaction(conn).map_err(E::from)?;
            Ok(v)
        }
        Err(e) => {
            Manager::rollback_transaction(conn).map_err(E::from)?;
            Err(e)
        }
    }
}

/// Whether a transaction (or a savepoint) is open on the connection.
pub fn in_transaction(conn: &mut AnyConnection) -> QueryResult<bool> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let depth = match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?
        }
        AnyConnection::Postgresql(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?
        }
    };
    Ok(depth.is_some())
}

/// Runs `f`, which only reads, on one snapshot of the database. On SQLite each statement outside
/// a transaction is a read transaction of its own, and one that starts after any commit by
/// another connection empties this connection's page cache: under load a page of ten queries
/// re-read its index pages from the file ten times. One transaction empties it at most once.
/// `f` must not write (a write inside would fail, not wait, if another connection had written
/// since the snapshot began); do the writes, such as the read's audit row, after it.
pub fn read<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let AnyConnection::Sqlite(c) = conn else {
        return f(conn);
    };
    let depth = AnsiTransactionManager::transaction_manager_status_mut(c)
        .transaction_depth()
        .map_err(E::from)?;
    if depth.is_some() {
        return f(conn);
    }
    AnsiTransactionManager::begin_transaction_sql(c, "BEGIN DEFERRED").map_err(E::from)?;
    let out = f(conn);
    // Nothing was written, so ending the snapshot cannot lose anything: roll back either way.
    Manager::rollback_transaction(conn).map_err(E::from)?;
    out
}

pub struct Manager {
    url: String,
}

/// A connection in the pool, with when it last answered a check.
pub struct Pooled {
    conn: AnyConnection,
    checked_at: std::time::Instant,
}

impl std::ops::Deref for Pooled {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// A PostgreSQL connection checked this recently is handed out without asking its server again
/// (HikariCP's "alive bypass window" is the same 500 ms). Under load each connection then costs
/// one `SELECT 1` a half-second rather than one a request; after a restart of the server, a
/// stale connection fails for at most this long before its check fails and the pool replaces it.
const CHECK_AGAIN_AFTER: std::time::Duration = std::time::Duration::from_millis(500);

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        Ok(Pooled {
            conn: establish(&self.url).map_err(r2d2::Error::ConnectionError)?,
            checked_at: std::time::Instant::now(),
        })
    }

    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), r2d2::Error> {
        match &mut pooled.conn {
            // An embedded SQLite connection cannot be cut, and compiling "SELECT 1" at every
            // checkout cost a tenth of a record page.
            AnyConnection::Sqlite(_) => Ok(()),
            // A PostgreSQL connection can be cut by a restart or a proxy.
            AnyConnection::Postgresql(_) if pooled.checked_at.elapsed() < CHECK_AGAIN_AFTER => {
                Ok(())
            }
            AnyConnection::Postgresql(c) => {
                c.batch_execute("SELECT 1")
                    .map_err(r2d2::Error::QueryError)?;
                pooled.checked_at = std::time::Instant::now();
                Ok(())
            }
        }
    }

    fn has_broken(&self, _conn: &mut Pooled) -> bool {
        false
    }
}

pub fn pool(url: &str, size: u32) -> anyhow::Result<Pool> {
    if backend_of(url) == Backend::Sqlite {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
    }
    let pool = r2d2::Pool::builder()
        .max_size(size)
        // Open connections as they are needed: eight opening at once on a new SQLite file race
        // to switch it to WAL.
        .min_idle(Some(1))
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(Manager {
            url: url.to_string(),
        })?;
    Ok(pool)
}

/// Applies every pending migration for the connection's backend.
pub fn migrate(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        AnyConnection::Postgresql(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    let applied = applied.map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    converge(conn)?;
    Ok(applied)
}

/// Columns that an in-place edit of migration 5 added, for a SQLite database that ran its first
/// version (SQLite's SQL cannot add a column only when it is missing; PostgreSQL's migration 10 does).
fn converge(conn: &mut AnyConnection) -> anyhow::Result<()> {
    if let AnyConnection::Sqlite(c) = conn {
        for (column, add) in [
            (
                "kind",
                "ALTER TABLE information_requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'updates'",
            ),
            (
                "asked",
                "ALTER TABLE information_requests ADD COLUMN asked TEXT",
            ),
        ] {
            if c.batch_execute(&format!(
                "SELECT {column} FROM information_requests LIMIT 0"
            ))
            .is_err()
            {
                c.batch_execute(add)?;
                log::info!(
                    "added information_requests.{column}, missing from an early migration 5"
                );
            }
        }
    }
    Ok(())
}

/// Reverts every migration, newest first (the migrations test checks each down.sql).
pub fn revert_all(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let reverted = match conn {
        AnyConnection::Postgresql(c) => c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
        AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    reverted.map_err(|e| anyhow::anyhow!("reverting migrations failed: {e}"))
}

/// True when the binary knows migrations the database has not had (readiness check).
pub fn has_pending_migrations(conn: &mut AnyConnection) -> anyhow::Result<bool> {
    let pending = match conn {
        AnyConnection::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        AnyConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
    };
    pending.map_err(|e| anyhow::anyhow!("checking migrations: {e}"))
}

/// Current time in UTC, truncated to microseconds so both backends store the same value.
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    let micros = t.and_utc().timestamp_micros();
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|d| d.naive_utc())
        .unwrap_or(t)
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::read_audit_path;

    #[test]
    fn the_read_audit_file_sits_beside_the_register() {
        assert_eq!(
            read_audit_path("data/cnis.sqlite"),
            "data/cnis.sqlite-reads"
        );
        assert_eq!(read_audit_path(":memory:"), ":memory:");
        assert_eq!(
            read_audit_path("file:/srv/cnis.sqlite?mode=rwc"),
            "file:/srv/cnis.sqlite-reads?mode=rwc"
        );
    }
}
