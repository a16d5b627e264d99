//! What the commands print: lines in Alembic's formats (`history`:
//! `1975ea83b712 -> 27c6a30d7c24 (head), Add the users' e-mail address.`), or one JSON document.

use std::collections::HashMap;
use std::io::Write as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value as Json, json};

use super::Format;
use crate::{Direction, Migrator, Report, Revision, RevisionGraph};

/// Where results go: standard output, as text or JSON; nothing but errors with `--quiet`.
pub(super) struct Output {
    format: Format,
    quiet: bool,
}

/// Which marks a revision's line carries.
#[derive(Clone, Copy, Default)]
struct Marks {
    parents: bool,
    labels: bool,
    tree: bool,
    message: bool,
    current: bool,
}

impl Output {
    pub(super) fn new(format: Format, quiet: bool) -> Self {
        Self { format, quiet }
    }

    fn print(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stdout(), "{text}");
        }
    }

    fn json(&self, document: Json) {
        self.print(&document.to_string());
    }

    /// A line of text (not printed as JSON).
    pub(super) fn line(&self, text: &str) {
        if self.format == Format::Text {
            self.print(text);
        }
    }

    /// SQL rendered offline, as it is.
    pub(super) fn raw(&self, sql: &str) {
        let _ = write!(std::io::stdout(), "{sql}");
    }

    /// Where an upgrade or downgrade left the database (its migrations were printed as they ran,
    /// see [`progress`]), or, as JSON, all it did.
    pub(super) fn report(&self, report: &Report) {
        if self.format == Format::Json {
            let applied: Vec<Json> = report
                .applied
                .iter()
                .map(|applied| {
                    json!({
                        "revision": applied.revision,
                        "direction": applied.direction.as_str(),
                        "duration_ms": applied.duration.as_secs_f64() * 1000.0,
                    })
                })
                .collect();
            return self.json(json!({ "applied": applied, "heads": report.heads }));
        }
        let heads = if report.heads.is_empty() { "base".to_owned() } else { report.heads.join(", ") };
        if report.applied.is_empty() {
            self.print(&format!("Nothing to do: the database is at {heads}"));
        } else {
            self.print(&format!("The database is at {heads}"));
        }
    }

    pub(super) fn stamped(&self, heads: &[String]) {
        match self.format {
            Format::Json => self.json(json!({ "heads": heads })),
            Format::Text if heads.is_empty() => self.print("Stamped base"),
            Format::Text => self.print(&format!("Stamped {}", heads.join(", "))),
        }
    }

    /// A revision written by `revision` or `merge`: `Generating <file> ... done (a -> b)`.
    pub(super) fn written(&self, written: &migrate_scaffold::Written) {
        match self.format {
            Format::Json => self.json(json!({
                "file": written.file.display().to_string(),
                "revision": written.revision,
                "down_revisions": written.down_revisions,
            })),
            Format::Text => self.print(&written.to_string()),
        }
    }

    /// What a rebase changed: each revision that now follows another, and the heads after it.
    pub(super) fn rebased(
        &self,
        plan: &migrate_scaffold::RebasePlan,
        files: &[std::path::PathBuf],
        heads: &[&str],
    ) {
        match self.format {
            Format::Json => self.json(json!({
                "moved": plan.moved,
                "reparented": plan.reparented.iter().map(|(revision, parents)| json!({
                    "revision": revision, "down_revisions": parents,
                })).collect::<Vec<_>>(),
                "files": files.iter().map(|file| file.display().to_string()).collect::<Vec<_>>(),
                "heads": heads,
            })),
            Format::Text => {
                for (revision, parents) in &plan.reparented {
                    self.print(&format!("Rebased {revision}: now follows {}", parents.join(", ")));
                }
                self.print(&format!("Heads: {}", heads.join(", ")));
            }
        }
    }

    /// The revisions the database is at: `27c6a30d7c24 (head)`.
    pub(super) fn current(&self, graph: &RevisionGraph, current: &[String], verbose: bool) {
        if self.format == Format::Json {
            return self.json(json!({ "current": current }));
        }
        for id in current {
            match graph.revision(id) {
                Some(revision) if verbose => self.print(&entry(graph, revision)),
                Some(revision) => self.print(&line(revision, Marks { labels: true, ..Marks::default() })),
                None => self.print(id),
            }
        }
    }

    /// Why `current --check-heads` failed, on standard error.
    pub(super) fn not_at_heads(&self, current: &[String], heads: &[&str]) {
        let at = if current.is_empty() { "base".to_owned() } else { current.join(", ") };
        let _ = writeln!(
            std::io::stderr(),
            "the database is at {at}, not at every head ({}): run `upgrade heads`",
            heads.join(", ")
        );
    }

    /// Revisions newest first: `<base> -> 1975ea83b712 (branchpoint), Create the users table.`.
    pub(super) fn history(
        &self,
        graph: &RevisionGraph,
        revisions: &[&Revision],
        current: &[String],
        indicate_current: bool,
        verbose: bool,
    ) {
        if self.format == Format::Json {
            let revisions: Vec<Json> = revisions
                .iter()
                .map(|revision| {
                    let mut document = revision_json(revision);
                    document["current"] = json!(current.iter().any(|id| id == revision.id()));
                    document
                })
                .collect();
            return self.json(Json::Array(revisions));
        }
        for revision in revisions {
            if verbose {
                self.print(&format!("{}\n", entry(graph, revision)));
                continue;
            }
            let marks = Marks {
                parents: true,
                labels: true,
                tree: true,
                message: true,
                current: indicate_current && current.iter().any(|id| id == revision.id()),
            };
            self.print(&line(revision, marks));
        }
    }

    /// Revisions one a line, with their labels: `27c6a30d7c24 (shoppingcart) (head)`.
    pub(super) fn revisions(&self, graph: &RevisionGraph, revisions: &[&Revision], verbose: bool) {
        if self.format == Format::Json {
            return self
                .json(Json::Array(revisions.iter().map(|revision| revision_json(revision)).collect()));
        }
        for revision in revisions {
            if verbose {
                self.print(&entry(graph, revision));
            } else {
                self.print(&line(revision, Marks { labels: true, ..Marks::default() }));
            }
        }
    }

    /// Each branch point and the revisions it branches into, as `alembic branches` prints them.
    pub(super) fn branches(&self, graph: &RevisionGraph, points: &[&Revision], verbose: bool) {
        if self.format == Format::Json {
            let points: Vec<Json> = points
                .iter()
                .map(|point| {
                    let mut document = revision_json(point);
                    document["branches_into"] = json!(children(graph, point));
                    document
                })
                .collect();
            return self.json(Json::Array(points));
        }
        for point in points {
            self.print(&line(
                point,
                Marks { labels: true, tree: true, message: verbose, ..Marks::default() },
            ));
            let indent = " ".repeat(point.id().len());
            for child in children(graph, point) {
                if let Some(child) = graph.revision(child) {
                    let marks = Marks { labels: true, message: verbose, ..Marks::default() };
                    self.print(&format!("{indent} -> {}", line(child, marks)));
                }
            }
        }
    }

    /// One revision in full.
    pub(super) fn show(&self, graph: &RevisionGraph, revision: &Revision) {
        match self.format {
            Format::Json => self.json(revision_json(revision)),
            Format::Text => self.print(&entry(graph, revision)),
        }
    }
}

/// What a run shows as it goes: the line Alembic logs for each migration (`Running upgrade <base>
/// -> 1975ea83b712, Create the users table. (0.4 ms)`), printed as each one finishes, and on a
/// terminal, once a run has lasted two seconds, a progress bar under those lines.
pub(super) struct RunDisplay {
    bar: ProgressBar,
    terminal: bool,
    verbose: bool,
}

/// How long a run goes before its progress bar shows.
const BAR_AFTER: Duration = Duration::from_secs(2);

impl RunDisplay {
    /// A display that shows a bar only if `terminal`, and each run's plan before it if `verbose`.
    pub(super) fn new(terminal: bool, verbose: bool) -> Self {
        Self { bar: ProgressBar::hidden(), terminal, verbose }
    }

    /// `migrator`, reporting its runs here.
    pub(super) fn attach(&self, migrator: Migrator) -> Migrator {
        let revisions: HashMap<String, (String, String)> = migrator
            .graph()
            .revisions()
            .map(|revision| {
                (revision.id().to_owned(), (down_revisions(revision), revision.message().to_owned()))
            })
            .collect();
        let (planned, applied) = (self.bar.clone(), self.bar.clone());
        let (terminal, verbose) = (self.terminal, self.verbose);
        migrator
            .on_planned(move |plan| {
                planned.set_length(plan.steps.len() as u64);
                if verbose {
                    let steps: Vec<String> = plan
                        .steps
                        .iter()
                        .map(|step| format!("{} {}", step.direction.as_str(), step.revision))
                        .collect();
                    let plural = if steps.len() == 1 { "" } else { "s" };
                    let _ = writeln!(
                        std::io::stderr(),
                        "Will run {} step{plural}: {}",
                        steps.len(),
                        steps.join(", ")
                    );
                }
                if terminal {
                    let bar = planned.clone();
                    std::thread::spawn(move || {
                        std::thread::sleep(BAR_AFTER);
                        if !bar.is_finished() {
                            bar.set_style(bar_style());
                            bar.set_draw_target(ProgressDrawTarget::stderr());
                            bar.enable_steady_tick(Duration::from_millis(100));
                        }
                    });
                }
            })
            .on_applied(move |step| {
                let (parents, message) = revisions.get(&step.revision).cloned().unwrap_or_default();
                let (from, to) = match step.direction {
                    Direction::Upgrade => (parents.as_str(), step.revision.as_str()),
                    Direction::Downgrade => (step.revision.as_str(), parents.as_str()),
                };
                let line = format!(
                    "Running {} {from} -> {to}, {message} ({:.1} ms)",
                    step.direction.as_str(),
                    step.duration.as_secs_f64() * 1000.0
                );
                if applied.is_hidden() {
                    let _ = writeln!(std::io::stdout(), "{line}");
                } else {
                    applied.println(line);
                }
                applied.inc(1);
                applied.set_message(step.revision.clone());
            })
    }

    /// Takes the bar away once the run is over.
    pub(super) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// `<base>`, or the revisions this one follows.
fn down_revisions(revision: &Revision) -> String {
    match revision.down_revisions() {
        [] => "<base>".to_owned(),
        parents => parents.join(", "),
    }
}

/// The revisions whose down_revision is `revision`.
fn children<'g>(graph: &'g RevisionGraph, revision: &Revision) -> Vec<&'g str> {
    graph
        .revisions()
        .filter(|other| other.down_revisions().iter().any(|parent| parent == revision.id()))
        .map(Revision::id)
        .collect()
}

/// One line about a revision, as Alembic's `cmd_format` writes it.
fn line(revision: &Revision, marks: Marks) -> String {
    let mut text = revision.id().to_owned();
    if marks.parents {
        text = match revision.depends_on() {
            [] => format!("{} -> {text}", down_revisions(revision)),
            dependencies => format!("{} ({}) -> {text}", down_revisions(revision), dependencies.join(", ")),
        };
    }
    if marks.labels && !revision.branch_labels().is_empty() {
        text.push_str(&format!(" ({})", revision.branch_labels().join(", ")));
    }
    if revision.is_head() {
        text.push_str(" (head)");
    }
    if marks.current {
        text.push_str(" (current)");
    }
    if marks.tree && revision.is_branch_point() {
        text.push_str(" (branchpoint)");
    }
    if marks.tree && revision.is_merge_point() {
        text.push_str(" (mergepoint)");
    }
    if marks.message {
        text.push_str(&format!(", {}", revision.message()));
    }
    text
}

/// A revision in full, as Alembic's `log_entry` writes it.
fn entry(graph: &RevisionGraph, revision: &Revision) -> String {
    let mut text = format!("Rev: {}", line(revision, Marks { tree: true, ..Marks::default() }));
    let parents = revision.down_revisions();
    text.push_str(&format!(
        "\n{}: {}",
        if parents.len() > 1 { "Merges" } else { "Parent" },
        down_revisions(revision)
    ));
    if !revision.depends_on().is_empty() {
        text.push_str(&format!("\nAlso depends on: {}", revision.depends_on().join(", ")));
    }
    if revision.is_branch_point() {
        text.push_str(&format!("\nBranches into: {}", children(graph, revision).join(", ")));
    }
    if !revision.branch_labels().is_empty() {
        text.push_str(&format!("\nBranch names: {}", revision.branch_labels().join(", ")));
    }
    text.push_str(&format!("\nPath: {}", revision.origin()));
    for line in revision.message().lines() {
        text.push_str(&format!("\n\n    {line}"));
    }
    text
}

fn revision_json(revision: &Revision) -> Json {
    json!({
        "revision": revision.id(),
        "down_revisions": revision.down_revisions(),
        "depends_on": revision.depends_on(),
        "branch_labels": revision.branch_labels(),
        "message": revision.message(),
        "origin": revision.origin(),
        "head": revision.is_head(),
        "branch_point": revision.is_branch_point(),
        "merge_point": revision.is_merge_point(),
    })
}
