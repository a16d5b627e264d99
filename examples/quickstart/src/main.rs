//! The quick-start app: its migrations, found through `#[migration]`, shown in the order they
//! apply, newest first like `alembic history`.

mod migrations;

use migrate::{Migration, RevisionGraph};

fn main() -> Result<(), migrate::Error> {
    let graph = RevisionGraph::new(Migration::registered().iter().map(|migration| migration.spec()))?;
    println!("{} migrations, heads: {}", graph.len(), graph.heads().join(", "));
    for revision in graph.history("base:heads", &[] as &[&str])? {
        let parents = match revision.down_revisions() {
            [] => "<base>".to_owned(),
            parents => parents.join(", "),
        };
        let mut tags = Vec::new();
        if revision.is_head() {
            tags.push("head");
        }
        if revision.is_merge_point() {
            tags.push("mergepoint");
        }
        if revision.is_branch_point() {
            tags.push("branchpoint");
        }
        let tags = if tags.is_empty() { String::new() } else { format!(" ({})", tags.join(", ")) };
        println!("{parents} -> {}{tags}, {}", revision.id(), revision.message());
    }
    Ok(())
}
