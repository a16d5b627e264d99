//! The quickstart checks its own migrations as an app would, with `migrate::testing`: its graph
//! has the one head it expects, and every revision goes up, down and up again on SQLite,
//! PostgreSQL and MariaDB with the schema compared after each step.

#[allow(dead_code, reason = "the stairway uses part of the tests' database helper")]
#[path = "../../../tests/common/mod.rs"]
mod common;

use common::{Kind, TestDatabase};
use migrate::Migrator;
use migrate::testing::{self, Stairway};
// The migrations are in the library; this line links them into the test.
use quickstart as _;

#[test]
fn the_graph_has_the_one_head_the_app_expects() {
    testing::check_graph(&Migrator::from_registry().unwrap(), &["53fffde5ad5a"])
        .unwrap_or_else(|f| panic!("{f}"));
}

async fn every_revision_round_trips(db: std::sync::Arc<TestDatabase>) {
    let migrator = Migrator::from_registry().unwrap();
    let walked = Stairway::new(&migrator).run(&db.pool).await.unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(walked.round_trips.len(), 4);
}

#[tokio::test]
async fn every_revision_round_trips_on_sqlite() {
    common::run(Kind::Sqlite, every_revision_round_trips).await;
}

#[tokio::test]
async fn every_revision_round_trips_on_postgres() {
    common::run(Kind::Postgres, every_revision_round_trips).await;
}

#[tokio::test]
async fn every_revision_round_trips_on_mariadb() {
    common::run(Kind::MySql, every_revision_round_trips).await;
}

/// The migrations build what the models declare; a database that drifted from them fails the
/// check with what a migration would still have to do.
async fn the_schema_at_the_heads_is_what_the_models_declare(db: std::sync::Arc<TestDatabase>) {
    let migrator = Migrator::from_registry().unwrap();
    testing::check_models(&migrator, &db.pool).await.unwrap_or_else(|failure| panic!("{failure}"));
    db.execute("ALTER TABLE posts ADD COLUMN title TEXT").await;
    let failure = testing::check_models(&migrator, &db.pool).await.unwrap_err();
    // MariaDB's TEXT is not the portable text type (LONGTEXT there): the detail says which.
    let message = failure.to_string();
    assert!(
        message.starts_with(
            "the schema at the heads differs from the models; a migration (`revision --autogenerate`) \
             would:\ndrop column \"posts\".\"title\" "
        ),
        "{message}"
    );
}

#[tokio::test]
async fn the_models_match_on_sqlite() {
    common::run(Kind::Sqlite, the_schema_at_the_heads_is_what_the_models_declare).await;
}

#[tokio::test]
async fn the_models_match_on_postgres() {
    common::run(Kind::Postgres, the_schema_at_the_heads_is_what_the_models_declare).await;
}

#[tokio::test]
async fn the_models_match_on_mariadb() {
    common::run(Kind::MySql, the_schema_at_the_heads_is_what_the_models_declare).await;
}
