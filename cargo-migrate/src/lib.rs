//! The library half of `cargo migrate`: reading an app's migrations from its source files
//! ([`source::read`]) and writing new ones ([`scaffold`]), for the binary and for tests that check
//! it agrees with the app's own commands.

pub mod scaffold;
pub mod source;
