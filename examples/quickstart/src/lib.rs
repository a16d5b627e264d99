//! The quick-start app's library: its migrations and models, so that the binary and the tests
//! register the same ones.

mod migrations;
pub mod models;
