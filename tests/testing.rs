//! `migrate::testing` on SQLite, PostgreSQL and MariaDB: the stairway walks a graph with branches
//! and a merge, catches a downgrade that leaves something behind, and steps over an irreversible
//! migration with a reason instead of failing.

#[allow(dead_code, reason = "this file uses part of the tests' database helper")]
mod common;

use std::sync::Arc;

use common::{TestDatabase, migrator};
use migrate::prelude::*;
use migrate::testing::{self, Failure, Stairway};

// ---- a graph with two branches and their merge, every downgrade derived ----

#[migration(revision = "stw1", down_revision = None)]
fn stw1(op: &mut Operations) {
    op.create_table("stw_users", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("email", Type::Varchar(100)).not_null();
    });
}
#[migration(revision = "stw2a", down_revision = "stw1")]
fn stw2a(op: &mut Operations) {
    op.create_index("stw_users_email", "stw_users", ["email"]).unique();
}
#[migration(revision = "stw2b", down_revision = "stw1")]
fn stw2b(op: &mut Operations) {
    op.add_column("stw_users", "name", Type::Varchar(100));
}
#[migration(revision = "stw3", down_revision = ("stw2a", "stw2b"))]
fn stw3(op: &mut Operations) {
    op.create_table("stw_posts", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("user_id", Type::BigInt).not_null().references("stw_users", "id");
    });
}

async fn the_stairway_walks_branches_and_merges_up_down_and_up(db: Arc<TestDatabase>) {
    let migrator = migrator("stw");
    testing::check_graph(&migrator, &["stw3"]).unwrap();
    let walked = Stairway::new(&migrator).run(&db.pool).await.unwrap_or_else(|failure| panic!("{failure}"));
    // Alembic's order: the base, the branches (as its revision map orders them), the merge last.
    assert_eq!(walked.round_trips, ["stw1", "stw2b", "stw2a", "stw3"]);
    assert!(walked.irreversible.is_empty());
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["stw3"], "it ends at the heads");
}

// ---- a downgrade that forgets the index its upgrade made ----

#[migration(revision = "leak1", down_revision = None, downgrade = leak1_down)]
fn leak1(op: &mut Operations) {
    op.create_table("leak_items", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("sku", Type::Varchar(20));
    });
}
fn leak1_down(op: &mut Operations) {
    op.drop_table("leak_items");
}
#[migration(revision = "leak2", down_revision = "leak1", downgrade = leak2_down)]
fn leak2(op: &mut Operations) {
    op.add_column("leak_items", "price", Type::Integer);
    op.create_index("leak_items_sku", "leak_items", ["sku"]);
}
fn leak2_down(op: &mut Operations) {
    op.drop_column("leak_items", "price");
}

async fn a_downgrade_that_leaves_something_behind_fails_with_the_schema_diff(db: Arc<TestDatabase>) {
    let failure = Stairway::new(&migrator("leak")).run(&db.pool).await.unwrap_err();
    let Failure::Schema { what, revision, origin, diff } = &failure else { panic!("{failure}") };
    assert_eq!((*what, revision.as_str()), ("downgrading", "leak2"));
    assert!(origin.contains("testing::leak2"), "{origin}");
    assert_eq!(diff.to_string(), "table \"leak_items\": index \"leak_items_sku\": extra");
    assert!(failure.to_string().starts_with("downgrading revision 'leak2' (testing::leak2"), "{failure}");
}

// ---- an irreversible migration ----

#[migration(revision = "irr1", down_revision = None)]
fn irr1(op: &mut Operations) {
    op.create_table("irr_log", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
}
#[migration(revision = "irr2", down_revision = "irr1", irreversible)]
fn irr2(op: &mut Operations) {
    op.execute("DELETE FROM irr_log");
}
#[migration(revision = "irr3", down_revision = "irr2")]
fn irr3(op: &mut Operations) {
    op.add_column("irr_log", "note", Type::Text);
}

async fn an_irreversible_migration_is_stepped_over_with_a_reason(db: Arc<TestDatabase>) {
    let walked =
        Stairway::new(&migrator("irr")).run(&db.pool).await.unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(walked.round_trips, ["irr1", "irr3"]);
    assert_eq!(walked.irreversible, ["irr2"]);
}

async fn a_stairway_can_start_above_history_that_predates_the_tests(db: Arc<TestDatabase>) {
    let walked = Stairway::new(&migrator("irr"))
        .starting_at("irr2")
        .run(&db.pool)
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(walked.round_trips, ["irr3"]);
    assert!(walked.irreversible.is_empty());
}

// ---- rows seeded once a revision is applied must survive the later round trips ----

#[migration(revision = "seed1", down_revision = None)]
fn seed1(op: &mut Operations) {
    op.create_table("seed_users", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("email", Type::Varchar(100)).not_null();
    });
}
/// A downgrade written by hand that rebuilds the table and forgets its rows.
#[migration(revision = "seed2", down_revision = "seed1", downgrade = seed2_down)]
fn seed2(op: &mut Operations) {
    op.add_column("seed_users", "name", Type::Varchar(100));
}
fn seed2_down(op: &mut Operations) {
    op.drop_table("seed_users");
    op.create_table("seed_users", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("email", Type::Varchar(100)).not_null();
    });
}

const SEED_ROWS: &str =
    "INSERT INTO seed_users (id, email) VALUES (1, 'ada@example.org'), (2, 'alan@example.org')";

async fn a_round_trip_that_loses_seeded_rows_fails(db: Arc<TestDatabase>) {
    let migrator = migrator("seed");
    let stairway = Stairway::new(&migrator).seed("seed1", "seed_users", SEED_ROWS);
    let failure = stairway.run(&db.pool).await.unwrap_err();
    let Failure::RowsLost { revision, table, before, after, .. } = &failure else { panic!("{failure}") };
    assert_eq!((revision.as_str(), table.as_str(), *before, *after), ("seed2", "seed_users", 2, 0));
    assert!(
        failure.to_string().contains("table 'seed_users' holds 0 of the 2 rows seeded into it"),
        "{failure}"
    );
}

async fn seeded_rows_that_survive_pass(db: Arc<TestDatabase>) {
    let migrator = migrator("stw");
    let stairway = Stairway::new(&migrator).seed(
        "stw1",
        "stw_users",
        "INSERT INTO stw_users (id, email) VALUES (1, 'ada@example.org')",
    );
    let walked = stairway.run(&db.pool).await.unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(walked.round_trips.len(), 4);
}

on_every_database!(
    a_round_trip_that_loses_seeded_rows_fails,
    seeded_rows_that_survive_pass,
    the_stairway_walks_branches_and_merges_up_down_and_up,
    a_downgrade_that_leaves_something_behind_fails_with_the_schema_diff,
    an_irreversible_migration_is_stepped_over_with_a_reason,
    a_stairway_can_start_above_history_that_predates_the_tests,
);

#[test]
fn the_graph_check_says_which_heads_there_are() {
    let error = testing::check_graph(&migrator("stw"), &["stw2a"]).unwrap_err().to_string();
    assert_eq!(
        error,
        "the revision graph: the heads are stw3, not stw2a; merge the branches (`cargo migrate merge`) or expect them"
    );
}
