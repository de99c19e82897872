//! Schools the council works with (consent applications, notices, attendance orders), and their
//! staff's accounts' school.
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::schools;
use crate::db::AnyConnection;

#[derive(Queryable, Selectable, Insertable, Clone, Debug, PartialEq)]
#[diesel(table_name = schools)]
pub struct School {
    pub id: String,
    pub urn: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Adds a school; false when its URN is already known.
pub fn create(conn: &mut AnyConnection, s: &School) -> QueryResult<bool> {
    let taken: i64 = schools::table
        .filter(schools::urn.eq(&s.urn))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Ok(false);
    }
    diesel::insert_into(schools::table)
        .values(s)
        .execute(conn)?;
    Ok(true)
}

/// Every school, by name.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<School>> {
    schools::table
        .order(schools::name.asc())
        .select(School::as_select())
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<School>> {
    schools::table
        .find(id)
        .select(School::as_select())
        .first(conn)
        .optional()
}

/// Every school with how many staff accounts it has: two queries, however many schools.
pub fn with_staff_counts(conn: &mut AnyConnection) -> QueryResult<Vec<(School, i64)>> {
    use crate::db::schema::users;
    use diesel::dsl::count_star;
    let counts: std::collections::HashMap<String, i64> = users::table
        .filter(users::school_id.is_not_null())
        .group_by(users::school_id)
        .select((users::school_id.assume_not_null(), count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(all(conn)?
        .into_iter()
        .map(|s| {
            let n = counts.get(&s.id).copied().unwrap_or(0);
            (s, n)
        })
        .collect())
}
