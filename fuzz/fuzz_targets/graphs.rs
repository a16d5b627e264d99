//! Arbitrary revision graphs (ids, links, labels, dependencies, squashes anywhere: cycles,
//! duplicates, dangling references) with arbitrary current heads and targets: building and
//! planning answer, never panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use migrate_core::{RevisionGraph, RevisionSpec};

/// A name: mostly an index into the graph's own ids, so links often resolve.
#[derive(Arbitrary, Debug)]
enum Name {
    Revision(u8),
    Text(String),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Revision(index) => format!("r{}", index % 16),
            Name::Text(text) => text.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Revision {
    id: Option<Name>,
    down: Vec<Name>,
    depends_on: Vec<Name>,
    labels: Vec<Name>,
    replaces: Vec<Name>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    revisions: Vec<Revision>,
    current: Vec<Name>,
    targets: Vec<Name>,
}

fuzz_target!(|input: Input| {
    let specs = input.revisions.iter().enumerate().map(|(index, r)| {
        let id = r.id.as_ref().map_or_else(|| format!("r{index}"), Name::text);
        RevisionSpec::new(id)
            .down_revisions(r.down.iter().map(Name::text))
            .depends_on(r.depends_on.iter().map(Name::text))
            .branch_labels(r.labels.iter().map(Name::text))
            .replaces(r.replaces.iter().map(Name::text))
    });
    let Ok(graph) = RevisionGraph::new(specs) else { return };
    let current: Vec<String> = input.current.iter().map(Name::text).collect();
    for target in &input.targets {
        let target = target.text();
        let _ = graph.resolve(&target, &current);
        let _ = graph.upgrade_plan(&current, &target);
        let _ = graph.downgrade_plan(&current, &target);
        let _ = graph.stamp_heads(&current, &target);
        let _ = graph.history(&target, &current);
        let _ = graph.resolve_one(&target);
        let _ = graph.descendants(&target);
    }
});
