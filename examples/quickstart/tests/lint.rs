//! The safety lint on the app's migrations, for every database it targets.

use migrate::Database;
use quickstart as _;

#[test]
fn the_migrations_pass_the_safety_lint() {
    migrate::testing::lint(&[Database::Sqlite, Database::Postgres, Database::MySql], None);
}
