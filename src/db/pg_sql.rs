//! Hand-written SQL for PostgreSQL that each connection prepares once. Diesel never caches a
//! `sql_query` (it cannot know the text is stable), so PostgreSQL plans it at every call: for the
//! name search's recursive statements that was as long as running them. Here the text is built
//! from pieces, each bound value written where it is used, and diesel keeps the statement
//! prepared under its text: callers must build the same text for the same shape of query.
//! A limit or a count of rows is better written into the text than bound: PostgreSQL's generic
//! plan, the one it keeps, cannot see a bound value, and if it looks dearer than planning
//! afresh PostgreSQL plans at every call.
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Text, Untyped};
use diesel::{QueryResult, RunQueryDsl};

enum Piece {
    Sql(String),
    Text(String),
}

/// SQL text with its values in place, for `load::<T: QueryableByName>`.
#[derive(Default)]
pub struct PgSql {
    pieces: Vec<Piece>,
}

impl PgSql {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn sql(mut self, s: impl Into<String>) -> Self {
        self.pieces.push(Piece::Sql(s.into()));
        self
    }

    pub fn text(mut self, v: impl Into<String>) -> Self {
        self.pieces.push(Piece::Text(v.into()));
        self
    }
}

impl QueryFragment<Pg> for PgSql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        for p in &self.pieces {
            match p {
                Piece::Sql(s) => out.push_sql(s),
                Piece::Text(v) => out.push_bind_param::<Text, _>(v)?,
            }
        }
        Ok(())
    }
}

impl QueryId for PgSql {
    type QueryId = ();
    // No static id: diesel keys the prepared statement by its text and bind types instead.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for PgSql {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for PgSql {}
