//! An app crate as users write one: migrations in nested modules of the library.

pub mod migrations;
