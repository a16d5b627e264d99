//! Offline SQL: what a run would execute, rendered for one database without connecting, with the
//! version-table statements, like `alembic upgrade head --sql`.

use std::fmt::Write as _;

use crate::dialect::{Dialect, VersionTables};
use crate::error::{Error, Result};
use crate::graph::{Direction, Plan};
use crate::schema::Value;

use super::{LAYOUT, Migrator, head_moves};

impl Migrator {
    /// The SQL of an upgrade, for `dialect`: `head` (or any target) renders from an empty
    /// database, creating the version tables; `start:target` renders from a database at `start`.
    pub fn upgrade_sql(&self, dialect: &dyn Dialect, range: &str) -> Result<String> {
        let (start, target) = match range.split_once(':') {
            Some((start, target)) => (Some(start), target),
            None => (None, range),
        };
        let heads = self.offline_start(range, start)?;
        let plan = self.graph.upgrade_plan(&heads, target)?;
        self.render(dialect, range, start.is_none(), &heads, &plan)
    }

    /// The SQL of a downgrade, for `dialect`, from a database at `start` to `target`:
    /// `start:target`, e.g. `head:base` (offline, where the database is can't be read).
    pub fn downgrade_sql(&self, dialect: &dyn Dialect, range: &str) -> Result<String> {
        let Some((start, target)) = range.split_once(':') else {
            return Err(Error::OfflineRange {
                range: range.to_owned(),
                reason: "a downgrade rendered offline needs `start:target`, e.g. `head:base`",
            });
        };
        let heads = self.offline_start(range, Some(start))?;
        let plan = self.graph.downgrade_plan(&heads, target)?;
        self.render(dialect, range, false, &heads, &plan)
    }

    /// The heads of a database at `start` (`None`: an empty one).
    fn offline_start(&self, range: &str, start: Option<&str>) -> Result<Vec<String>> {
        match start {
            None => Ok(Vec::new()),
            Some("") => Err(Error::OfflineRange {
                range: range.to_owned(),
                reason: "the start is empty; write `base:head`, or just `head`",
            }),
            Some(start) => self.graph.stamp_heads(&[] as &[&str], start),
        }
    }

    fn render(
        &self,
        dialect: &dyn Dialect,
        range: &str,
        create_tables: bool,
        heads: &[String],
        plan: &Plan,
    ) -> Result<String> {
        let tables = dialect.version_tables(self.schema.as_deref(), &self.version_table);
        let literal = |value: &str| dialect.literal(&Value::Text(value.to_owned()));
        let mut sql = format!("-- migrate: {range} for {}\n\n", dialect.name());
        if create_tables {
            for statement in dialect.create_version_tables(&tables) {
                let _ = writeln!(sql, "{statement};");
            }
            let _ = writeln!(sql, "INSERT INTO {} (layout) VALUES ({});\n", tables.state, literal(LAYOUT));
        } else {
            // The next online start checks every applied checksum and writes the digest again.
            let _ = writeln!(sql, "UPDATE {} SET applied_digest = NULL;\n", tables.state);
        }
        let mut heads = heads.to_vec();
        for (step, code) in plan.steps.iter().zip(self.step_code(plan)?) {
            let migration = self.migration(&step.revision)?;
            let Some(operations) = code.operations() else {
                return Err(Error::OfflineNeedsConnection {
                    revision: step.revision.clone(),
                    origin: migration.origin(),
                });
            };
            let verb = match step.direction {
                Direction::Upgrade => "upgrade",
                Direction::Downgrade => "downgrade",
            };
            let (from, to) = (heads.join(", "), step.heads_after.join(", "));
            let _ = writeln!(sql, "-- Running {verb} {from} -> {to}: {}", migration.origin());
            let transaction = migration.transactional && dialect.transactional_ddl();
            if transaction {
                sql.push_str("BEGIN;\n");
            }
            for operation in operations {
                for statement in dialect.render(&operation, None)? {
                    let _ = writeln!(sql, "{};", statement.trim_end().trim_end_matches(';'));
                }
            }
            write_heads(&mut sql, &tables, &heads, &step.heads_after, &literal);
            let _ = writeln!(
                sql,
                "INSERT INTO {} (revision, direction, checksum, duration_ms) VALUES ({}, {}, {}, 0);",
                tables.log,
                literal(&step.revision),
                literal(verb),
                literal(migration.checksum),
            );
            if transaction {
                sql.push_str("COMMIT;\n");
            }
            sql.push('\n');
            heads.clone_from(&step.heads_after);
        }
        Ok(sql)
    }
}

/// The statements that move the version table from `before` to `after`, with literals.
fn write_heads(
    sql: &mut String,
    tables: &VersionTables,
    before: &[String],
    after: &[String],
    literal: &dyn Fn(&str) -> String,
) {
    let (removed, added) = head_moves(before, after);
    if let ([old], [new]) = (removed.as_slice(), added.as_slice()) {
        let _ = writeln!(
            sql,
            "UPDATE {} SET version_num = {} WHERE version_num = {};",
            tables.heads,
            literal(new),
            literal(old)
        );
        return;
    }
    for head in removed {
        let _ = writeln!(sql, "DELETE FROM {} WHERE version_num = {};", tables.heads, literal(head));
    }
    for head in added {
        let _ = writeln!(sql, "INSERT INTO {} (version_num) VALUES ({});", tables.heads, literal(head));
    }
}
