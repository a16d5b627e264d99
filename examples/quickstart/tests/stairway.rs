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
