//! Code-first database migrations for Rust.
pub use migrate_core::*;
pub use migrate_macros::migration;

/// Everything a migration module needs: `use migrate::prelude::*;`.
pub mod prelude {
    pub use migrate_core::{Migration, Operations};
    pub use migrate_macros::migration;
}
