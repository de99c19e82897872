//! Named leases in the database (`leases` table): one holder at a time across every instance,
//! for the nightly cross-check and anything else that must run once. `UPDATE … WHERE holder = old`
//! makes taking over an expired lease safe on both backends.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::leases;
use super::{new_id, now, AnyConnection};

/// A name for this process that says where it runs, so a dead holder on this host can be seen.
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into());
    format!("{host}:{}:{}", std::process::id(), &new_id()[..8])
}

/// Takes the named lease if it is free, expired, or held by a dead process on this host.
pub fn acquire(
    conn: &mut AnyConnection,
    name: &str,
    holder: &str,
    minutes: i64,
) -> QueryResult<bool> {
    let t = now();
    let until = t + chrono::Duration::minutes(minutes);
    let current: Option<(String, NaiveDateTime)> = leases::table
        .find(name)
        .select((leases::holder, leases::expires_at))
        .first(conn)
        .optional()?;
    match current {
        None => {
            let inserted = diesel::insert_into(leases::table)
                .values((
                    leases::name.eq(name),
                    leases::holder.eq(holder),
                    leases::expires_at.eq(until),
                ))
                .execute(conn);
            Ok(inserted.is_ok())
        }
        Some((old, expires)) => {
            if expires > t && !holder_is_dead(&old) {
                return Ok(false);
            }
            let n = diesel::update(leases::table.find(name).filter(leases::holder.eq(&old)))
                .set((leases::holder.eq(holder), leases::expires_at.eq(until)))
                .execute(conn)?;
            Ok(n == 1)
        }
    }
}

/// A holder on this host whose process has gone (killed, crashed) no longer holds anything.
fn holder_is_dead(holder: &str) -> bool {
    let mut parts = holder.split(':');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let here = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    host == here && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

pub fn release(conn: &mut AnyConnection, name: &str, holder: &str) -> QueryResult<()> {
    diesel::delete(leases::table.find(name).filter(leases::holder.eq(holder))).execute(conn)?;
    Ok(())
}
