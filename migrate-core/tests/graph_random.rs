//! Robustness: many random small graphs (valid and broken) and targets never make the graph panic,
//! and every plan it returns is valid, checked against a model computed here independently.

use std::collections::BTreeSet;

use migrate_core::{RevisionGraph, RevisionSpec};

mod graph_model;
use graph_model::Model;

/// A small deterministic generator (64-bit LCG), so a failure reproduces from its seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const NAMES: [&str; 12] =
    ["r0000", "r0001", "r0002", "r0100", "r0101", "abc", "abd", "x", "v", "v-1", "bad id", "head"];

/// A random graph description: mostly valid (links point at earlier revisions), sometimes broken
/// (unknown links, links forward that may close cycles, bad or duplicate ids and labels).
fn random_specs(rng: &mut Lcg) -> Vec<RevisionSpec> {
    let n = 1 + rng.below(10);
    let broken = rng.chance(4);
    let id = |rng: &mut Lcg, i: usize| -> String {
        if broken && rng.chance(6) { NAMES[rng.below(NAMES.len())].to_owned() } else { format!("r{i:04}") }
    };
    let mut specs = Vec::with_capacity(n);
    for i in 0..n {
        let reach = if broken { n + 1 } else { i };
        let mut downs = Vec::new();
        if reach > 0 {
            for _ in 0..[0, 1, 1, 1, 2, 3][rng.below(6)] {
                downs.push(format!("r{:04}", rng.below(reach)));
            }
        }
        let mut spec = RevisionSpec::new(id(rng, i)).down_revisions(downs);
        if reach > 0 && rng.chance(4) {
            let dependency = if rng.chance(3) {
                ["left", "right", "nowhere"][rng.below(3)].to_owned()
            } else {
                format!("r{:04}", rng.below(reach))
            };
            spec = spec.depends_on([dependency]);
        }
        if rng.chance(5) {
            spec = spec.branch_labels([["left", "right", "r0000"][rng.below(if broken { 3 } else { 2 })]]);
        }
        specs.push(spec);
    }
    specs
}

/// The targets tried on every graph.
fn targets(graph: &RevisionGraph, rng: &mut Lcg) -> Vec<String> {
    let mut targets: Vec<String> = [
        "head",
        "heads",
        "base",
        "current",
        "+1",
        "-1",
        "+2",
        "-2",
        "+0",
        "head-1",
        "head+1",
        "base+1",
        "base-1",
        "left@head",
        "left@heads",
        "left@base",
        "left@+1",
        "left@-1",
        "right@head-1",
        "right@current",
        "r00",
        "r000",
        "r0001+1",
        "r0002-2",
        "nowhere@head",
        "",
        "@",
        "+",
        "x@",
        "current+1",
        "-99",
        "+9223372036854775807",
    ]
    .iter()
    .map(|t| (*t).to_owned())
    .collect();
    let ids: Vec<String> = graph.revisions().map(|r| r.id().to_owned()).collect();
    for _ in 0..3 {
        if let Some(id) = ids.get(rng.below(ids.len())) {
            targets.push(id.clone());
            targets.push(format!("{id}+1"));
            targets.push(format!("{id}-1"));
            targets.push(format!("left@{id}"));
        }
    }
    targets
}

#[test]
fn random_graphs_and_targets_never_panic_and_every_plan_is_valid() {
    let mut rng = Lcg(0x5eed);
    let (mut graphs, mut upgrades, mut downgrades) = (0, 0, 0);
    for round in 0..1_500 {
        let specs = random_specs(&mut rng);
        let Ok(graph) = RevisionGraph::new(specs) else {
            continue;
        };
        graphs += 1;
        let model = Model::of(&graph);
        let ids: Vec<String> = graph.revisions().map(|r| r.id().to_owned()).collect();
        assert_eq!(ids.len(), graph.len());
        for (position, id) in ids.iter().enumerate() {
            for needed in &model.requires[id] {
                assert!(ids[..position].contains(needed), "revisions() lists {id} before {needed}");
            }
        }
        let mut current: Vec<String> = ids.iter().filter(|_| rng.chance(3)).cloned().collect();
        if rng.chance(10) {
            current.push("gone".to_owned());
        }
        for target in targets(&graph, &mut rng) {
            let context = format!("round {round}, current {current:?}, target {target:?}");
            let resolved = graph.resolve(&target, &current);
            if let Ok(plan) = graph.upgrade_plan(&current, &target) {
                upgrades += 1;
                let applied = model.replay(&current, &plan, &context);
                if let Ok(named) = &resolved {
                    let named: Vec<String> = named.iter().map(|s| (*s).to_owned()).collect();
                    assert!(
                        model.closure(&named).is_subset(&applied),
                        "{context}: upgrade stops short of the target"
                    );
                }
            }
            if let Ok(plan) = graph.downgrade_plan(&current, &target) {
                downgrades += 1;
                let applied = model.replay(&current, &plan, &context);
                if let Ok(named) = &resolved {
                    for id in named {
                        assert!(applied.contains(*id), "{context}: downgrade removed its target {id}");
                    }
                }
            }
            if let Ok(heads) = graph.stamp_heads(&current, &target) {
                let stamped: BTreeSet<String> = heads.iter().cloned().collect();
                assert_eq!(stamped, model.heads(&model.closure(&heads)), "{context}: stamp heads");
            }
            for range in
                [format!("{target}:"), format!(":{target}"), format!("base:{target}"), target.clone()]
            {
                if let Ok(listed) = graph.history(&range, &current) {
                    let listed: BTreeSet<&str> = listed.iter().map(|r| r.id()).collect();
                    assert!(listed.iter().all(|id| graph.revision(id).is_some()), "{context}");
                }
            }
        }
    }
    assert!(graphs > 500, "the generator should build many graphs, built {graphs}");
    assert!(upgrades > 5_000 && downgrades > 3_000, "{upgrades} upgrades, {downgrades} downgrades");
}
