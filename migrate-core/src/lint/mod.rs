//! The safety lint: rules that catch migrations that lock production tables or lose data, run on
//! what each migration records, for every database the app targets, without connecting.
//!
//! A migration's operations (and its raw SQL, parsed for each database) become [`change`] facts;
//! [`check`] runs the rules over them. Pure: no I/O, no async, no driver. A migration silences a
//! rule with `#[migration(..., allow = ["drop-column"])]`.
//!
//! ```
//! use migrate_core::{Database, lint};
//!
//! // No migrations: nothing to report.
//! let report = lint(&[], &[Database::Postgres], None)?;
//! assert!(report.is_clean());
//! # Ok::<(), migrate_core::Error>(())
//! ```

mod change;
mod check;
mod raw_sql;
mod rule;

pub use rule::Rule;

use std::collections::HashSet;
use std::fmt;

use crate::database::Database;
use crate::error::Result;
use crate::graph::RevisionGraph;
use crate::ops::Operation;
use crate::registry::{Downgrade, Migration};
use crate::schema::Constraint;

/// One rule a migration trips on one database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The migration's revision id.
    pub revision: &'static str,
    /// The migration's function.
    pub function: &'static str,
    /// Where the migration is declared: `path::to::function (src/file.rs:12)`.
    pub origin: String,
    /// The rule.
    pub rule: Rule,
    /// The operation or statement that trips it.
    pub operation: String,
    /// Why it is dangerous.
    pub why: &'static str,
    /// The safe way.
    pub fix: &'static str,
    /// The database it concerns.
    pub database: Database,
}

/// What the lint found: the findings, by migration in the order linted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintReport {
    findings: Vec<Finding>,
    linted: usize,
}

impl LintReport {
    /// Whether nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// Every finding, by migration in the order linted.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// How many migrations were linted.
    pub fn linted(&self) -> usize {
        self.linted
    }
}

/// Lints `migrations` for each of `databases`; with `since`, only the revisions newer than it
/// (its descendants in the graph). An unknown `since`, or a graph that doesn't build, is an error.
pub fn lint(
    migrations: &[&'static Migration],
    databases: &[Database],
    since: Option<&str>,
) -> Result<LintReport> {
    let linted: Vec<&'static Migration> = match since {
        Some(since) => {
            let graph = RevisionGraph::new(migrations.iter().map(|migration| migration.spec()))?;
            let newer: HashSet<&str> = graph.descendants(since)?.into_iter().collect();
            migrations.iter().copied().filter(|migration| newer.contains(migration.revision())).collect()
        }
        None => migrations.to_vec(),
    };
    let every_operation: Vec<Operation> =
        migrations.iter().filter_map(|migration| migration.upgrade_operations()).flatten().collect();
    let not_null_checks = not_null_checks(every_operation.iter());
    let mut report = LintReport { findings: Vec::new(), linted: linted.len() };
    for migration in linted {
        let operations = migration.upgrade_operations();
        for &database in databases {
            let changes = operations.as_deref().map(|operations| change::of_operations(operations, database));
            let subject = check::Subject {
                changes: changes.as_deref(),
                transactional: migration.transactional,
                downgrade_declared: !matches!(migration.downgrade, Downgrade::Missing),
                database,
                not_null_checks: &not_null_checks,
            };
            for (rule, operation) in check::check(&subject) {
                if migration.allowed_lints().any(|allowed| allowed == rule.name()) {
                    continue;
                }
                report.findings.push(Finding {
                    revision: migration.revision(),
                    function: migration.function(),
                    origin: migration.origin().to_owned(),
                    rule,
                    operation,
                    why: rule.why(),
                    fix: rule.fix(),
                    database,
                });
            }
        }
    }
    Ok(report)
}

/// Lints every migration registered with `#[migration]` in the program: what `migrate lint` and
/// `migrate::testing::lint` run.
pub fn lint_registered(databases: &[Database], since: Option<&str>) -> Result<LintReport> {
    lint(&Migration::registered(), databases, since)
}

/// The `(table, column)` pairs a check constraint `<column> IS NOT NULL` covers, lowercase.
fn not_null_checks<'o>(operations: impl Iterator<Item = &'o Operation>) -> HashSet<(String, String)> {
    let mut pairs = HashSet::new();
    for operation in operations {
        let (table, constraints): (&str, Vec<&Constraint>) = match operation {
            Operation::AddConstraint(op) => (&op.table, vec![&op.constraint]),
            Operation::CreateTable(op) => (&op.table.name, op.table.constraints.iter().collect()),
            Operation::BatchAlterTable(batch) => {
                pairs.extend(not_null_checks(batch.operations.iter()));
                continue;
            }
            _ => continue,
        };
        for constraint in constraints {
            if let Constraint::Check { expression, .. } = constraint {
                let normalised = expression.to_lowercase().replace(['(', ')', '"', '`'], "");
                let words: Vec<&str> = normalised.split_whitespace().collect();
                if let [column, "is", "not", "null"] = words[..] {
                    pairs.insert((table.to_lowercase(), column.to_owned()));
                }
            }
        }
    }
    pairs
}

impl fmt::Display for LintReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.findings.is_empty() {
            return writeln!(f, "{} migration(s) linted: nothing found", self.linted);
        }
        let mut revisions: Vec<&str> = Vec::new();
        for finding in &self.findings {
            if !revisions.contains(&finding.revision) {
                revisions.push(finding.revision);
            }
        }
        for revision in &revisions {
            let findings: Vec<&Finding> =
                self.findings.iter().filter(|finding| finding.revision == *revision).collect();
            writeln!(f, "{revision} {}", findings[0].origin)?;
            // One entry per rule and operation, naming every database it concerns.
            let mut shown: Vec<(Rule, &str)> = Vec::new();
            for finding in &findings {
                if shown.contains(&(finding.rule, finding.operation.as_str())) {
                    continue;
                }
                shown.push((finding.rule, &finding.operation));
                let databases: Vec<&str> = findings
                    .iter()
                    .filter(|other| other.rule == finding.rule && other.operation == finding.operation)
                    .map(|other| other.database.name())
                    .collect();
                writeln!(f, "  {} ({}): {}", finding.rule, databases.join(", "), finding.operation)?;
                writeln!(f, "    why: {}", finding.why)?;
                writeln!(f, "    fix: {}", finding.fix)?;
            }
        }
        let rules: HashSet<Rule> = self.findings.iter().map(|finding| finding.rule).collect();
        write!(
            f,
            "{} finding(s) in {} of {} migration(s) linted; a migration acknowledges one on purpose with \
             `#[migration(..., allow = [\"{}\"])]`",
            self.findings.len(),
            revisions.len(),
            self.linted,
            rules.iter().min().map(|rule| rule.name()).unwrap_or_default()
        )?;
        writeln!(f)
    }
}
