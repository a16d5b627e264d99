//! Models: the tables an app's code declares (`#[derive(Model)]`), the truth autogenerate
//! compares a database with. `Model::registered` lives in `registry/model.rs`, with the other
//! things the macros register.

use super::{Index, Table};

/// A table as the app's code declares it: its definition and its indexes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Model {
    /// The table: columns, primary key, constraints, comment.
    pub table: Table,
    /// The table's indexes (each names this table).
    pub indexes: Vec<Index>,
    /// Where it is declared, for messages: the Rust type's path (`my_app::models::User`).
    pub origin: String,
}

impl Model {
    /// A model of this table, declared at `origin`, without indexes.
    pub fn new(table: Table, origin: impl Into<String>) -> Self {
        Self { table, indexes: Vec::new(), origin: origin.into() }
    }

    /// Adds an index on the table.
    pub fn index(&mut self, index: Index) -> &mut Self {
        self.indexes.push(index);
        self
    }
}

/// A Rust type that declares a table: what `#[derive(Model)]` implements.
pub trait ModelDefinition {
    /// The table this type declares, with its indexes.
    fn model() -> Model;
}
