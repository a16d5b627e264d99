//! Target strings and history ranges, as typed on the command line, against a graph with every
//! feature (branches, a merge, labels, `depends_on`, two roots) from several current states: any
//! text gets an answer, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migrate_core::{RevisionGraph, RevisionSpec};

fn graph() -> Option<RevisionGraph> {
    let rev = RevisionSpec::new;
    RevisionGraph::new([
        rev("a1").branch_labels(["core"]),
        rev("b2").down_revision("a1"),
        rev("c3").down_revision("b2"),
        rev("d4").down_revision("b2").branch_labels(["side"]),
        rev("e5").down_revisions(["c3", "d4"]),
        rev("f6").down_revision("e5"),
        rev("n1").branch_labels(["other"]),
        rev("n2").down_revision("n1").depends_on(["b2"]),
        rev("n3").down_revision("n2").depends_on(["side"]),
    ])
    .ok()
}

const STATES: [&[&str]; 6] = [&[], &["a1"], &["c3", "d4"], &["f6"], &["f6", "n3"], &["b2", "n1"]];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(graph) = graph() else { return };
    for current in STATES {
        let _ = graph.resolve(text, current);
        let _ = graph.upgrade_plan(current, text);
        let _ = graph.downgrade_plan(current, text);
        let _ = graph.stamp_heads(current, text);
        let _ = graph.history(text, current);
    }
    let _ = graph.resolve_one(text);
    let _ = graph.descendants(text);
});
