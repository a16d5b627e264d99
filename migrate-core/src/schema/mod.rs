//! The portable vocabulary operations are written in: column types, columns, constraints,
//! indexes and values, and the models an app declares with them. Plain data: the dialects turn it
//! into each database's SQL.

mod model;
mod object;
mod sql_type;
mod table;
mod types;
mod value;

pub use model::{Model, ModelDefinition};
pub use object::{Function, SchemaObject, Trigger, TriggerEvent, TriggerTiming, View};
pub use sql_type::{SqlType, TextColumn, varchar};
pub use table::{
    Column, Constraint, ConstraintKind, ForeignKey, Index, Reference, ReferentialAction, ServerDefault, Table,
};
pub use types::Type;
pub use value::Value;
