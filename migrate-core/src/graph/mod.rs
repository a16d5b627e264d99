//! The revision graph: plain data in, plain answers out (no globals, no I/O, no async).

mod spec;

pub use spec::RevisionSpec;
