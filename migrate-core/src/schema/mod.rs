//! The portable vocabulary operations are written in: column types, columns, constraints,
//! indexes and values. Plain data: the dialects turn it into each database's SQL.

mod model;
mod table;
mod types;
mod value;

pub use model::Model;
pub use table::{
    Column, Constraint, ConstraintKind, ForeignKey, Index, Reference, ReferentialAction, ServerDefault, Table,
};
pub use types::Type;
pub use value::Value;
