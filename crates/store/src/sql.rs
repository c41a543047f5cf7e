//! A small `$N` query builder for dynamic filters.
//!
//! sqlx's `QueryBuilder<Any>` emits `?` placeholders, which PostgreSQL rejects, so we number
//! the placeholders ourselves. Values are owned, so a built query can be run more than once
//! (for example a page and its total count).

use sqlx::AssertSqlSafe;
use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;

/// A bound value. Nulls keep their type because the `Any` driver must tell PostgreSQL which
/// type a NULL parameter has. There is no boolean: flags are stored as BIGINT 0/1 (see the
/// first migration), so a `bool` binds as an integer.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Float(Option<f64>),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_owned()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_owned))
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(Some(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(Some(i64::from(v)))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    /// Appends literal SQL. Never pass user input here: bind it.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the next `$N` placeholder and records its value.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.values.len().to_string());
        self
    }

    /// Appends a comma-separated list of placeholders, for `IN (…)`.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(value);
        }
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    pub fn query(&self) -> Query<'static, Any, AnyArguments> {
        // Safe: the text is assembled only from literals in this crate; every value is bound.
        let mut query = sqlx::query(AssertSqlSafe(self.text.clone()));
        for value in &self.values {
            query = match value.clone() {
                Value::Text(v) => query.bind(v),
                Value::Int(v) => query.bind(v),
                Value::Float(v) => query.bind(v),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut sql = Sql::new("SELECT id FROM t WHERE 1 = 1");
        sql.push(" AND a = ")
            .bind("x")
            .push(" AND b IN (")
            .bind_list([1_i64, 2, 3])
            .push(")");
        assert_eq!(
            sql.text(),
            "SELECT id FROM t WHERE 1 = 1 AND a = $1 AND b IN ($2, $3, $4)"
        );
        assert_eq!(sql.values().len(), 4);
        assert_eq!(sql.values()[0], Value::Text(Some("x".into())));
    }
}
