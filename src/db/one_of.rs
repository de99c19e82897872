//! `column IN (…ids)` with the ids bound as one value. Diesel's `eq_any` binds one parameter per
//! id, and a statement whose text depends on how many ids there are is compiled afresh every
//! time (diesel does not cache it). Here the text is the same for any number of ids, so each
//! connection compiles it once: the ids go as a JSON array, read by `json_each` on SQLite and
//! `json_array_elements_text` on PostgreSQL; each backend then looks the ids up by index.
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};
use diesel::QueryResult;

use super::MultiBackend;

#[derive(Debug, Clone)]
pub struct OneOf<C> {
    column: C,
    json: String,
}

/// `column` is one of `ids`.
pub fn one_of<C, S: AsRef<str>>(column: C, ids: &[S]) -> OneOf<C> {
    let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
    OneOf {
        column,
        // A list of strings always serialises.
        json: serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()),
    }
}

impl<C: Expression> Expression for OneOf<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for OneOf<C> where OneOf<C>: Expression {}

impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for OneOf<C> where
    OneOf<C>: AppearsOnTable<QS>
{
}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for OneOf<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C: QueryId> QueryId for OneOf<C> {
    type QueryId = OneOf<C::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<MultiBackend>> QueryFragment<MultiBackend> for OneOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        let sqlite = matches!(out.backend(), MultiBackend::Sqlite(_));
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(if sqlite {
            " IN (SELECT value FROM json_each("
        } else {
            " IN (SELECT json_array_elements_text(CAST("
        });
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql(if sqlite { "))" } else { " AS json)))" });
        Ok(())
    }
}
