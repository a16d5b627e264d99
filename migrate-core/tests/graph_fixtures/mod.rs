//! Graphs and helpers shared by the graph test files.
// Each test crate uses a different subset of these.
#![allow(dead_code)]

use migrate_core::{Plan, RevisionGraph, RevisionSpec};

pub fn rev(id: &str) -> RevisionSpec {
    RevisionSpec::new(id)
}

pub fn graph(specs: impl IntoIterator<Item = RevisionSpec>) -> RevisionGraph {
    match RevisionGraph::new(specs) {
        Ok(graph) => graph,
        Err(error) => panic!("graph should build: {error}"),
    }
}

pub const NONE: &[&str] = &[];

pub fn ids(plan: &Plan) -> Vec<&str> {
    plan.steps.iter().map(|s| s.revision.as_str()).collect()
}

pub fn sorted<S: ToString>(v: Vec<S>) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(ToString::to_string).collect();
    v.sort();
    v
}

/// a -> b -> c
pub fn linear() -> RevisionGraph {
    graph([rev("a1b2"), rev("b2c3").down_revision("a1b2"), rev("c3d4").down_revision("b2c3")])
}

/// Alembic's branched shape: a -> b -> {c1 -> c2, d1 -> d2}
pub fn branched_specs() -> Vec<RevisionSpec> {
    vec![
        rev("a"),
        rev("b").down_revision("a"),
        rev("c1").down_revision("b"),
        rev("c2").down_revision("c1"),
        rev("d1").down_revision("b"),
        rev("d2").down_revision("d1"),
    ]
}

pub fn branched() -> RevisionGraph {
    graph(branched_specs())
}

/// branched() merged again at m, then e after it.
pub fn merged() -> RevisionGraph {
    let mut specs = branched_specs();
    specs.extend([rev("m").down_revisions(["c2", "d2"]), rev("e").down_revision("m")]);
    graph(specs)
}

/// Two labelled histories; n2 depends on a2.
pub fn labelled() -> RevisionGraph {
    graph([
        rev("a1").branch_labels(["accounts"]),
        rev("a2").down_revision("a1"),
        rev("n1").branch_labels(["networking"]),
        rev("n2").down_revision("n1").depends_on(["a2"]),
        rev("n3").down_revision("n2"),
    ])
}
