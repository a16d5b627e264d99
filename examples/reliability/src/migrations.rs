//! The app's 50 migrations. Nothing lists them: `#[migration]` registers each one.
//!
//! The graph: a trunk `r01`..`r10`; two branches from `r10` (`r11`..`r20` and `r21`..`r29`, with
//! `r25` depending on `r15`) merged by `r30`; `r31` adds a column to the 5,000 rows `r05` seeded and
//! `r32` fills it in batches of 250, in its transaction; two branches from `r32` (`r33`..`r40` and
//! `r41`..`r48`, with `r44` depending on `r36`) merged by `r49`, `r46` adding another column that
//! `r47` fills in batches of 500 committed one by one (`transaction = false`); `r50` last.
//!
//! Every name a migration makes ends in its number (table `t07`, column `c08`, index `i12`), so a
//! script can tell from the schema alone which migrations took effect; and every migration records
//! its revision in `applied_effects`, so a migration applied twice shows there as well as in the
//! version table's log. `r12`, `r37` and `r50` make a table, a column and an index each (`r50`
//! a row of `t50` too: five statements).
//! All are irreversible: the scripts only upgrade.

use migrate::UpdateInBatches;
use migrate::prelude::*;

/// The side effect each migration has besides its schema change: one row naming it.
fn effect(op: &mut Operations, revision: &str) {
    op.execute(format!("INSERT INTO applied_effects (revision) VALUES ('{revision}')"));
}

/// A table `t<n>`: a key and a value.
fn table(op: &mut Operations, name: &str) {
    op.create_table(name, |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("v", Type::Integer);
    });
}

/// Create the side-effect table and `t01`.
#[migration(revision = "r01", down_revision = None, irreversible)]
fn r01_create_effects(op: &mut Operations) {
    op.create_table("applied_effects", |t| {
        t.column("revision", Type::Varchar(40)).not_null();
    });
    table(op, "t01");
    effect(op, "r01");
}

/// Add `c02` to `t01`.
#[migration(revision = "r02", down_revision = "r01", irreversible)]
fn r02_add_c02(op: &mut Operations) {
    op.add_column("t01", "c02", Type::Integer);
    effect(op, "r02");
}

/// Create `t03`.
#[migration(revision = "r03", down_revision = "r02", irreversible)]
fn r03_create_t03(op: &mut Operations) {
    table(op, "t03");
    effect(op, "r03");
}

/// Add `c04` to `t01`.
#[migration(revision = "r04", down_revision = "r03", irreversible)]
fn r04_add_c04(op: &mut Operations) {
    op.add_column("t01", "c04", Type::Integer);
    effect(op, "r04");
}

/// Create `t05` with 5,000 rows, for `r32`'s batches.
#[migration(revision = "r05", down_revision = "r04", irreversible)]
fn r05_seed_t05(op: &mut Operations) {
    table(op, "t05");
    op.execute(
        "INSERT INTO t05 (id, v) WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99) \
         SELECT a.i * 100 + b.i + 1, a.i * 100 + b.i FROM n a, n b WHERE a.i < 50",
    );
    effect(op, "r05");
}

/// Add `c06` to `t01`.
#[migration(revision = "r06", down_revision = "r05", irreversible)]
fn r06_add_c06(op: &mut Operations) {
    op.add_column("t01", "c06", Type::Integer);
    effect(op, "r06");
}

/// Create `t07`.
#[migration(revision = "r07", down_revision = "r06", irreversible)]
fn r07_create_t07(op: &mut Operations) {
    table(op, "t07");
    effect(op, "r07");
}

/// Add `c08` to `t01`.
#[migration(revision = "r08", down_revision = "r07", irreversible)]
fn r08_add_c08(op: &mut Operations) {
    op.add_column("t01", "c08", Type::Integer);
    effect(op, "r08");
}

/// Create `t09`.
#[migration(revision = "r09", down_revision = "r08", irreversible)]
fn r09_create_t09(op: &mut Operations) {
    table(op, "t09");
    effect(op, "r09");
}

/// Add `c10` to `t01`.
#[migration(revision = "r10", down_revision = "r09", irreversible)]
fn r10_add_c10(op: &mut Operations) {
    op.add_column("t01", "c10", Type::Integer);
    effect(op, "r10");
}

/// Create `t11`.
#[migration(revision = "r11", down_revision = "r10", irreversible)]
fn r11_create_t11(op: &mut Operations) {
    table(op, "t11");
    effect(op, "r11");
}

/// Create `t12`, add `c12` to it and index it: three DDL statements.
#[migration(revision = "r12", down_revision = "r11", irreversible)]
fn r12_create_t12_c12_i12(op: &mut Operations) {
    table(op, "t12");
    op.add_column("t12", "c12", Type::Integer);
    op.create_index("i12", "t12", ["c12"]);
    effect(op, "r12");
}

/// Create `t13`.
#[migration(revision = "r13", down_revision = "r12", irreversible)]
fn r13_create_t13(op: &mut Operations) {
    table(op, "t13");
    effect(op, "r13");
}

/// Add `c14` to `t11`.
#[migration(revision = "r14", down_revision = "r13", irreversible)]
fn r14_add_c14(op: &mut Operations) {
    op.add_column("t11", "c14", Type::Integer);
    effect(op, "r14");
}

/// Create `t15`.
#[migration(revision = "r15", down_revision = "r14", irreversible)]
fn r15_create_t15(op: &mut Operations) {
    table(op, "t15");
    effect(op, "r15");
}

/// Add `c16` to `t11`.
#[migration(revision = "r16", down_revision = "r15", irreversible)]
fn r16_add_c16(op: &mut Operations) {
    op.add_column("t11", "c16", Type::Integer);
    effect(op, "r16");
}

/// Create `t17`.
#[migration(revision = "r17", down_revision = "r16", irreversible)]
fn r17_create_t17(op: &mut Operations) {
    table(op, "t17");
    effect(op, "r17");
}

/// Add `c18` to `t11`.
#[migration(revision = "r18", down_revision = "r17", irreversible)]
fn r18_add_c18(op: &mut Operations) {
    op.add_column("t11", "c18", Type::Integer);
    effect(op, "r18");
}

/// Create `t19`.
#[migration(revision = "r19", down_revision = "r18", irreversible)]
fn r19_create_t19(op: &mut Operations) {
    table(op, "t19");
    effect(op, "r19");
}

/// Add `c20` to `t11`.
#[migration(revision = "r20", down_revision = "r19", irreversible)]
fn r20_add_c20(op: &mut Operations) {
    op.add_column("t11", "c20", Type::Integer);
    effect(op, "r20");
}

/// Create `t21`.
#[migration(revision = "r21", down_revision = "r10", irreversible)]
fn r21_create_t21(op: &mut Operations) {
    table(op, "t21");
    effect(op, "r21");
}

/// Add `c22` to `t21`.
#[migration(revision = "r22", down_revision = "r21", irreversible)]
fn r22_add_c22(op: &mut Operations) {
    op.add_column("t21", "c22", Type::Integer);
    effect(op, "r22");
}

/// Create `t23`.
#[migration(revision = "r23", down_revision = "r22", irreversible)]
fn r23_create_t23(op: &mut Operations) {
    table(op, "t23");
    effect(op, "r23");
}

/// Add `c24` to `t21`.
#[migration(revision = "r24", down_revision = "r23", irreversible)]
fn r24_add_c24(op: &mut Operations) {
    op.add_column("t21", "c24", Type::Integer);
    effect(op, "r24");
}

/// Create `t25`.
#[migration(revision = "r25", down_revision = "r24", depends_on = "r15", irreversible)]
fn r25_create_t25(op: &mut Operations) {
    table(op, "t25");
    effect(op, "r25");
}

/// Add `c26` to `t21`.
#[migration(revision = "r26", down_revision = "r25", irreversible)]
fn r26_add_c26(op: &mut Operations) {
    op.add_column("t21", "c26", Type::Integer);
    effect(op, "r26");
}

/// Create `t27`.
#[migration(revision = "r27", down_revision = "r26", irreversible)]
fn r27_create_t27(op: &mut Operations) {
    table(op, "t27");
    effect(op, "r27");
}

/// Add `c28` to `t21`.
#[migration(revision = "r28", down_revision = "r27", irreversible)]
fn r28_add_c28(op: &mut Operations) {
    op.add_column("t21", "c28", Type::Integer);
    effect(op, "r28");
}

/// Create `t29`.
#[migration(revision = "r29", down_revision = "r28", irreversible)]
fn r29_create_t29(op: &mut Operations) {
    table(op, "t29");
    effect(op, "r29");
}

/// Merge the branches; create `t30`.
#[migration(revision = "r30", down_revision = ("r20", "r29"), irreversible)]
fn r30_merge_30(op: &mut Operations) {
    table(op, "t30");
    effect(op, "r30");
}

/// Add `c31` to `t05`, which `r32` fills.
#[migration(revision = "r31", down_revision = "r30", irreversible)]
fn r31_add_c31(op: &mut Operations) {
    op.add_column("t05", "c31", Type::Integer);
    effect(op, "r31");
}

/// Fill `c31` in `t05`, 250 rows per batch.
#[migration(revision = "r32", down_revision = "r31", irreversible)]
async fn r32_fill_c31(db: &mut Connection) -> migrate::Result<()> {
    UpdateInBatches::new("t05", "c31 = v * 2").batch_size(250).run(db).await?;
    db.execute("INSERT INTO applied_effects (revision) VALUES ('r32')").await
}

/// Create `t33`.
#[migration(revision = "r33", down_revision = "r32", irreversible)]
fn r33_create_t33(op: &mut Operations) {
    table(op, "t33");
    effect(op, "r33");
}

/// Add `c34` to `t33`.
#[migration(revision = "r34", down_revision = "r33", irreversible)]
fn r34_add_c34(op: &mut Operations) {
    op.add_column("t33", "c34", Type::Integer);
    effect(op, "r34");
}

/// Create `t35`.
#[migration(revision = "r35", down_revision = "r34", irreversible)]
fn r35_create_t35(op: &mut Operations) {
    table(op, "t35");
    effect(op, "r35");
}

/// Add `c36` to `t33`.
#[migration(revision = "r36", down_revision = "r35", irreversible)]
fn r36_add_c36(op: &mut Operations) {
    op.add_column("t33", "c36", Type::Integer);
    effect(op, "r36");
}

/// Create `t37`, add `c37` to it and index it: three DDL statements.
#[migration(revision = "r37", down_revision = "r36", irreversible)]
fn r37_create_t37_c37_i37(op: &mut Operations) {
    table(op, "t37");
    op.add_column("t37", "c37", Type::Integer);
    op.create_index("i37", "t37", ["c37"]);
    effect(op, "r37");
}

/// Add `c38` to `t33`.
#[migration(revision = "r38", down_revision = "r37", irreversible)]
fn r38_add_c38(op: &mut Operations) {
    op.add_column("t33", "c38", Type::Integer);
    effect(op, "r38");
}

/// Create `t39`.
#[migration(revision = "r39", down_revision = "r38", irreversible)]
fn r39_create_t39(op: &mut Operations) {
    table(op, "t39");
    effect(op, "r39");
}

/// Add `c40` to `t33`.
#[migration(revision = "r40", down_revision = "r39", irreversible)]
fn r40_add_c40(op: &mut Operations) {
    op.add_column("t33", "c40", Type::Integer);
    effect(op, "r40");
}

/// Create `t41`.
#[migration(revision = "r41", down_revision = "r32", irreversible)]
fn r41_create_t41(op: &mut Operations) {
    table(op, "t41");
    effect(op, "r41");
}

/// Add `c42` to `t41`.
#[migration(revision = "r42", down_revision = "r41", irreversible)]
fn r42_add_c42(op: &mut Operations) {
    op.add_column("t41", "c42", Type::Integer);
    effect(op, "r42");
}

/// Create `t43`.
#[migration(revision = "r43", down_revision = "r42", irreversible)]
fn r43_create_t43(op: &mut Operations) {
    table(op, "t43");
    effect(op, "r43");
}

/// Add `c44` to `t41`.
#[migration(revision = "r44", down_revision = "r43", depends_on = "r36", irreversible)]
fn r44_add_c44(op: &mut Operations) {
    op.add_column("t41", "c44", Type::Integer);
    effect(op, "r44");
}

/// Create `t45`.
#[migration(revision = "r45", down_revision = "r44", irreversible)]
fn r45_create_t45(op: &mut Operations) {
    table(op, "t45");
    effect(op, "r45");
}

/// Add `c46` to `t05`, which `r47` fills.
#[migration(revision = "r46", down_revision = "r45", irreversible)]
fn r46_add_c46(op: &mut Operations) {
    op.add_column("t05", "c46", Type::Integer);
    effect(op, "r46");
}

/// Fill `c46` in `t05`, 500 rows per batch, each batch committed as it ends: a kill keeps the
/// batches done, and the re-run fills the rest.
#[migration(revision = "r47", down_revision = "r46", transaction = false, irreversible)]
async fn r47_fill_c46(db: &mut Connection) -> migrate::Result<()> {
    UpdateInBatches::new("t05", "c46 = v * 3")
        .filter("c46 IS NULL")
        .batch_size(500)
        .commit_each_batch()
        .run(db)
        .await?;
    // Outside a transaction, a kill can come between this row and the recording: the re-run
    // must not add a second.
    let rows: i64 = db
        .query("SELECT COUNT(*) FROM applied_effects WHERE revision = ?")
        .bind("r47")
        .fetch_one()
        .await?
        .get(0)?;
    if rows == 0 {
        db.execute("INSERT INTO applied_effects (revision) VALUES ('r47')").await?;
    }
    Ok(())
}

/// Add `c48` to `t41`.
#[migration(revision = "r48", down_revision = "r47", irreversible)]
fn r48_add_c48(op: &mut Operations) {
    op.add_column("t41", "c48", Type::Integer);
    effect(op, "r48");
}

/// Merge the branches; create `t49`.
#[migration(revision = "r49", down_revision = ("r40", "r48"), irreversible)]
fn r49_merge_49(op: &mut Operations) {
    table(op, "t49");
    effect(op, "r49");
}

/// Create `t50`, add `c50` to it, index it and insert its first row: five statements, three DDL
/// and two data ones (with the side effect), whose every boundary a kill is aimed at.
#[migration(revision = "r50", down_revision = "r49", irreversible)]
fn r50_create_t50_c50_i50(op: &mut Operations) {
    table(op, "t50");
    op.add_column("t50", "c50", Type::Integer);
    op.create_index("i50", "t50", ["c50"]);
    op.execute("INSERT INTO t50 (id, v, c50) VALUES (1, 1, 1)");
    effect(op, "r50");
}
