//! The revision graph, specified by example: shapes, targets, plans and refusals. Several cases
//! follow Alembic's own revision-map tests (tests/test_revision.py).

use migrate_core::{Direction, Error, Plan, RevisionGraph, RevisionSpec};

fn rev(id: &str) -> RevisionSpec {
    RevisionSpec::new(id)
}

fn graph(specs: impl IntoIterator<Item = RevisionSpec>) -> RevisionGraph {
    match RevisionGraph::new(specs) {
        Ok(graph) => graph,
        Err(error) => panic!("graph should build: {error}"),
    }
}

const NONE: &[&str] = &[];

fn ids(plan: &Plan) -> Vec<&str> {
    plan.steps.iter().map(|s| s.revision.as_str()).collect()
}

fn sorted<S: ToString>(v: Vec<S>) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(ToString::to_string).collect();
    v.sort();
    v
}

/// a -> b -> c
fn linear() -> RevisionGraph {
    graph([rev("a1b2"), rev("b2c3").down_revision("a1b2"), rev("c3d4").down_revision("b2c3")])
}

/// Alembic's branched shape: a -> b -> {c1 -> c2, d1 -> d2}
fn branched() -> RevisionGraph {
    graph([
        rev("a"),
        rev("b").down_revision("a"),
        rev("c1").down_revision("b"),
        rev("c2").down_revision("c1"),
        rev("d1").down_revision("b"),
        rev("d2").down_revision("d1"),
    ])
}

/// branched() merged again at m, then e after it.
fn merged() -> RevisionGraph {
    graph([
        rev("a"),
        rev("b").down_revision("a"),
        rev("c1").down_revision("b"),
        rev("c2").down_revision("c1"),
        rev("d1").down_revision("b"),
        rev("d2").down_revision("d1"),
        rev("m").down_revisions(["c2", "d2"]),
        rev("e").down_revision("m"),
    ])
}

/// Two labelled histories; n2 depends on a2.
fn labelled() -> RevisionGraph {
    graph([
        rev("a1").branch_labels(["accounts"]),
        rev("a2").down_revision("a1"),
        rev("n1").branch_labels(["networking"]),
        rev("n2").down_revision("n1").depends_on(["a2"]),
        rev("n3").down_revision("n2"),
    ])
}

// ---- shapes ----

#[test]
fn a_linear_graph_has_one_head_and_one_base() {
    let g = linear();
    assert_eq!(g.heads(), ["c3d4"]);
    assert_eq!(g.bases(), ["a1b2"]);
    assert_eq!(g.len(), 3);
}

#[test]
fn revisions_come_after_what_they_require() {
    let g = merged();
    let order: Vec<&str> = g.revisions().map(|r| r.id()).collect();
    let at = |id: &str| order.iter().position(|r| *r == id);
    for r in g.revisions() {
        for down in r.down_revisions() {
            assert!(at(down) < at(r.id()), "{down} before {}", r.id());
        }
    }
}

#[test]
fn a_branch_point_gives_two_heads() {
    let g = branched();
    assert_eq!(sorted(g.heads()), ["c2", "d2"]);
    assert!(g.revision("b").is_some_and(|r| r.is_branch_point()));
}

#[test]
fn a_merge_point_joins_heads() {
    let g = merged();
    assert_eq!(g.heads(), ["e"]);
    assert!(g.revision("m").is_some_and(|r| r.is_merge_point()));
}

#[test]
fn several_bases_are_allowed() {
    assert_eq!(labelled().bases(), ["a1", "n1"]);
}

#[test]
fn a_branch_label_names_every_revision_of_its_branch() {
    let g = labelled();
    assert_eq!(g.revision("a2").map(|r| r.branch_labels().to_vec()), Some(vec!["accounts".to_string()]));
    assert_eq!(g.revision("n3").map(|r| r.branch_labels().to_vec()), Some(vec!["networking".to_string()]));
    assert!(g.revision("n3").is_some_and(|r| r.own_branch_labels().is_empty()));
}

#[test]
fn a_label_on_a_branch_does_not_spread_past_its_branch_point() {
    let g = graph([
        rev("a"),
        rev("b").down_revision("a"),
        rev("c").down_revision("b").branch_labels(["left"]),
        rev("d").down_revision("b"),
    ]);
    assert!(g.revision("b").is_some_and(|r| r.branch_labels().is_empty()));
    assert!(g.revision("d").is_some_and(|r| r.branch_labels().is_empty()));
}

#[test]
fn a_dependency_given_by_label_resolves_to_the_labelled_revision() {
    let g = graph([rev("a1").branch_labels(["accounts"]), rev("n1").depends_on(["accounts"])]);
    assert_eq!(g.revision("n1").map(|r| r.depends_on().to_vec()), Some(vec!["a1".to_string()]));
}

// ---- refusals when building ----

#[test]
fn a_cycle_is_refused_with_its_path() {
    let error = RevisionGraph::new([
        rev("a").down_revision("c"),
        rev("b").down_revision("a"),
        rev("c").down_revision("b"),
    ])
    .unwrap_err();
    let Error::Cycle { path } = &error else { panic!("{error}") };
    assert_eq!(path.first(), path.last());
    assert_eq!(path.len(), 4);
    for id in ["a", "b", "c"] {
        assert!(path.iter().any(|p| p == id), "{error}");
    }
}

#[test]
fn a_revision_following_itself_is_a_cycle() {
    let error = RevisionGraph::new([rev("a").down_revision("a")]).unwrap_err();
    assert!(matches!(&error, Error::Cycle { path } if path == &["a", "a"]), "{error}");
}

#[test]
fn a_dependency_cycle_is_refused_with_its_path() {
    let error = RevisionGraph::new([
        rev("a1"),
        rev("a2").down_revision("a1").depends_on(["b2"]),
        rev("b1").depends_on(["a2"]),
        rev("b2").down_revision("b1"),
    ])
    .unwrap_err();
    let Error::DependencyCycle { path } = &error else { panic!("{error}") };
    assert!(path.iter().any(|p| p == "a2") && path.iter().any(|p| p == "b1"), "{error}");
}

#[test]
fn a_duplicate_revision_id_names_both_declarations() {
    let error = RevisionGraph::new([
        rev("a").origin("app::one (src/one.rs:3)"),
        rev("a").origin("app::two (src/two.rs:9)"),
    ])
    .unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::DuplicateRevision { .. }));
    assert!(message.contains("src/one.rs:3") && message.contains("src/two.rs:9"), "{message}");
}

#[test]
fn an_unknown_down_revision_is_refused() {
    let error = RevisionGraph::new([rev("b").down_revision("nope")]).unwrap_err();
    assert!(
        matches!(&error, Error::UnknownDownRevision { revision, down_revision, .. } if revision == "b" && down_revision == "nope"),
        "{error}"
    );
}

#[test]
fn an_unknown_dependency_is_refused() {
    let error = RevisionGraph::new([rev("b").depends_on(["nope"])]).unwrap_err();
    assert!(matches!(&error, Error::UnknownDependency { dependency, .. } if dependency == "nope"), "{error}");
}

#[test]
fn a_duplicate_branch_label_is_refused() {
    let error =
        RevisionGraph::new([rev("a").branch_labels(["x"]), rev("b").branch_labels(["x"])]).unwrap_err();
    assert!(matches!(&error, Error::DuplicateBranchLabel { label, .. } if label == "x"), "{error}");
}

#[test]
fn a_branch_label_equal_to_a_revision_id_is_refused() {
    let error = RevisionGraph::new([rev("a"), rev("b").branch_labels(["a"])]).unwrap_err();
    assert!(matches!(&error, Error::DuplicateBranchLabel { label, .. } if label == "a"), "{error}");
}

#[test]
fn ids_that_would_break_target_syntax_are_refused() {
    for bad in ["", "  ", "a b", "a@b", "a:b", "a,b", "+a", "-a", "head", "heads", "base", "current"] {
        let error = RevisionGraph::new([rev(bad)]).unwrap_err();
        assert!(matches!(error, Error::InvalidRevisionId { .. }), "{bad:?}: {error}");
    }
    let error = RevisionGraph::new([rev("a").branch_labels(["x@y"])]).unwrap_err();
    assert!(matches!(error, Error::InvalidBranchLabel { .. }), "{error}");
}

#[test]
fn an_empty_graph_builds_and_plans_nothing() {
    let g = graph([]);
    assert!(g.is_empty());
    assert!(g.upgrade_plan(NONE, "heads").unwrap().is_empty());
    assert!(matches!(g.upgrade_plan(NONE, "head"), Err(Error::UnknownTarget { .. })));
}

// ---- targets ----

#[test]
fn a_unique_prefix_names_its_revision() {
    assert_eq!(linear().resolve("b2", NONE).unwrap(), ["b2c3"]);
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates() {
    let g = graph([rev("abc1"), rev("abc2").down_revision("abc1")]);
    let error = g.resolve("abc", NONE).unwrap_err();
    assert!(
        matches!(&error, Error::AmbiguousPrefix { candidates, .. } if candidates == &["abc1", "abc2"]),
        "{error}"
    );
}

#[test]
fn an_unknown_target_is_an_error() {
    assert!(matches!(linear().resolve("zzz", NONE), Err(Error::UnknownTarget { .. })));
    assert!(matches!(linear().resolve("nobranch@head", NONE), Err(Error::UnknownTarget { .. })));
}

#[test]
fn head_with_several_heads_lists_them() {
    let error = branched().resolve("head", NONE).unwrap_err();
    let Error::MultipleHeads { heads, .. } = &error else { panic!("{error}") };
    assert_eq!(sorted(heads.clone()), ["c2", "d2"]);
    assert!(error.to_string().contains("Multiple heads"));
}

#[test]
fn heads_names_every_head() {
    assert_eq!(sorted(branched().resolve("heads", NONE).unwrap()), ["c2", "d2"]);
}

#[test]
fn base_names_no_revision() {
    assert!(linear().resolve("base", NONE).unwrap().is_empty());
}

#[test]
fn current_names_the_current_heads() {
    assert_eq!(branched().resolve("current", &["c1", "d2"]).unwrap(), ["c1", "d2"]);
}

#[test]
fn label_at_head_names_the_head_of_that_branch() {
    assert_eq!(labelled().resolve("accounts@head", NONE).unwrap(), ["a2"]);
    assert_eq!(labelled().resolve("networking@head", NONE).unwrap(), ["n3"]);
}

#[test]
fn label_at_revision_prefix_is_looked_up_within_the_branch() {
    let g = graph([rev("aaa1").branch_labels(["x"]), rev("aaa2").branch_labels(["y"])]);
    assert_eq!(g.resolve("y@aaa", NONE).unwrap(), ["aaa2"]);
}

#[test]
fn relative_steps_move_from_the_current_revision() {
    let g = linear();
    assert_eq!(g.resolve("+1", &["a1b2"]).unwrap(), ["b2c3"]);
    assert_eq!(g.resolve("+2", &["a1b2"]).unwrap(), ["c3d4"]);
    assert_eq!(g.resolve("-1", &["c3d4"]).unwrap(), ["b2c3"]);
    assert_eq!(g.resolve("+1", NONE).unwrap(), ["a1b2"]);
    assert!(g.resolve("-1", &["a1b2"]).unwrap().is_empty(), "one step below the base is base");
}

#[test]
fn relative_steps_move_from_a_named_revision() {
    let g = linear();
    assert_eq!(g.resolve("head-1", NONE).unwrap(), ["b2c3"]);
    assert_eq!(g.resolve("a1b2+2", NONE).unwrap(), ["c3d4"]);
    assert_eq!(g.resolve("c3-2", NONE).unwrap(), ["a1b2"]);
}

#[test]
fn a_revision_id_that_looks_relative_is_taken_as_the_id() {
    let g = graph([rev("v"), rev("v-1").down_revision("v")]);
    assert_eq!(g.resolve("v-1", NONE).unwrap(), ["v-1"]);
}

#[test]
fn a_relative_step_past_the_head_is_an_error() {
    let error = linear().resolve("+3", &["a1b2"]).unwrap_err();
    assert!(matches!(&error, Error::RelativeOutOfRange { steps: 2, edge: "head", .. }), "{error}");
}

#[test]
fn a_relative_step_past_the_base_is_an_error() {
    let error = linear().resolve("-4", &["c3d4"]).unwrap_err();
    assert!(matches!(&error, Error::RelativeOutOfRange { edge: "base", .. }), "{error}");
}

#[test]
fn a_relative_step_through_a_branch_point_is_ambiguous() {
    let error = branched().resolve("+1", &["b"]).unwrap_err();
    assert!(
        matches!(&error, Error::AmbiguousWalk { at, .. } if sorted(at.clone()) == ["c1", "d1"]),
        "{error}"
    );
}

#[test]
fn a_relative_step_down_through_a_merge_point_is_ambiguous() {
    assert!(matches!(merged().resolve("-1", &["m"]), Err(Error::AmbiguousWalk { .. })));
}

#[test]
fn a_relative_step_from_several_current_heads_is_ambiguous() {
    assert!(matches!(branched().resolve("+1", &["c1", "d1"]), Err(Error::AmbiguousWalk { .. })));
}

#[test]
fn a_relative_step_on_a_label_stays_on_that_branch() {
    let g = labelled();
    assert_eq!(g.resolve("networking@+1", &["a2", "n1"]).unwrap(), ["n2"]);
    assert_eq!(g.resolve("networking@+1", &["a2"]).unwrap(), ["n1"]);
    assert_eq!(g.resolve("networking@head-1", NONE).unwrap(), ["n2"]);
}

#[test]
fn an_unknown_current_head_is_reported_like_alembic() {
    let error = linear().upgrade_plan(&["gone"], "head").unwrap_err();
    assert!(matches!(&error, Error::UnknownRevision { revision } if revision == "gone"));
    assert!(error.to_string().contains("Can't locate revision identified by 'gone'"));
}

// ---- upgrade plans ----

#[test]
fn upgrading_from_base_applies_oldest_first() {
    let plan = linear().upgrade_plan(NONE, "head").unwrap();
    assert_eq!(ids(&plan), ["a1b2", "b2c3", "c3d4"]);
    assert!(plan.steps.iter().all(|s| s.direction == Direction::Upgrade));
    let heads: Vec<Vec<String>> = plan.steps.iter().map(|s| s.heads_after.clone()).collect();
    assert_eq!(heads, [["a1b2"], ["b2c3"], ["c3d4"]]);
}

#[test]
fn upgrading_at_the_target_is_a_no_op() {
    assert!(linear().upgrade_plan(&["c3d4"], "head").unwrap().is_empty());
    assert!(linear().upgrade_plan(&["c3d4"], "b2").unwrap().is_empty());
}

#[test]
fn upgrading_from_the_middle_applies_only_what_is_missing() {
    assert_eq!(ids(&linear().upgrade_plan(&["a1b2"], "head").unwrap()), ["b2c3", "c3d4"]);
}

#[test]
fn upgrading_to_heads_applies_each_branch_as_one_run() {
    let plan = branched().upgrade_plan(NONE, "heads").unwrap();
    let order = ids(&plan);
    assert_eq!(&order[..2], ["a", "b"]);
    let c1 = order.iter().position(|r| *r == "c1").unwrap();
    let d1 = order.iter().position(|r| *r == "d1").unwrap();
    assert_eq!(order[c1 + 1], "c2");
    assert_eq!(order[d1 + 1], "d2");
    assert_eq!(sorted(plan.steps[5].heads_after.clone()), ["c2", "d2"]);
}

#[test]
fn the_version_table_holds_both_heads_after_a_branch_point() {
    let plan = branched().upgrade_plan(NONE, "heads").unwrap();
    let order = ids(&plan);
    let first_branch = order[2];
    let after_first = &plan.steps[2].heads_after;
    assert_eq!(after_first, &[first_branch]);
    let second_branch_start = &plan.steps[4];
    assert_eq!(second_branch_start.heads_after.len(), 2, "{:?}", second_branch_start);
}

#[test]
fn a_merge_applies_each_parent_branch_once_and_leaves_one_head() {
    let plan = merged().upgrade_plan(&["c1", "d2"], "head").unwrap();
    assert_eq!(ids(&plan), ["c2", "m", "e"]);
    assert_eq!(sorted(plan.steps[0].heads_after.clone()), ["c2", "d2"]);
    assert_eq!(plan.steps[1].heads_after, ["m"]);
}

#[test]
fn upgrading_one_branch_leaves_the_other_alone() {
    assert_eq!(ids(&branched().upgrade_plan(&["b"], "c2").unwrap()), ["c1", "c2"]);
}

#[test]
fn upgrading_a_branch_applies_its_dependencies_first() {
    let plan = labelled().upgrade_plan(NONE, "networking@head").unwrap();
    assert_eq!(ids(&plan), ["n1", "a1", "a2", "n2", "n3"]);
    // a2 stays a head until n2, which depends on it, is applied.
    assert_eq!(sorted(plan.steps[2].heads_after.clone()), ["a2", "n1"]);
    assert_eq!(plan.steps[3].heads_after, ["n2"]);
}

#[test]
fn upgrading_to_base_does_nothing() {
    assert!(linear().upgrade_plan(&["b2c3"], "base").unwrap().is_empty());
}

// ---- downgrade plans ----

#[test]
fn downgrading_to_base_reverts_everything_newest_first() {
    let plan = linear().downgrade_plan(&["c3d4"], "base").unwrap();
    assert_eq!(ids(&plan), ["c3d4", "b2c3", "a1b2"]);
    assert!(plan.steps.iter().all(|s| s.direction == Direction::Downgrade));
    assert!(plan.steps[2].heads_after.is_empty());
}

#[test]
fn downgrading_minus_one_reverts_one_revision() {
    assert_eq!(ids(&linear().downgrade_plan(&["c3d4"], "-1").unwrap()), ["c3d4"]);
}

#[test]
fn downgrading_a_branch_leaves_the_other_branch_applied() {
    let plan = branched().downgrade_plan(&["c2", "d2"], "d1").unwrap();
    assert_eq!(ids(&plan), ["d2"]);
    assert_eq!(sorted(plan.steps[0].heads_after.clone()), ["c2", "d1"]);
}

#[test]
fn downgrading_below_a_branch_point_reverts_both_branches() {
    let plan = branched().downgrade_plan(&["c2", "d2"], "b").unwrap();
    assert_eq!(sorted(ids(&plan)), ["c1", "c2", "d1", "d2"]);
    assert_eq!(plan.steps.last().map(|s| s.heads_after.clone()), Some(vec!["b".to_string()]));
}

#[test]
fn downgrading_through_a_merge_restores_both_heads() {
    let plan = merged().downgrade_plan(&["e"], "c2").unwrap();
    assert_eq!(ids(&plan), ["e", "m"]);
    assert_eq!(sorted(plan.steps[1].heads_after.clone()), ["c2", "d2"]);
}

#[test]
fn downgrading_a_dependency_reverts_what_depends_on_it() {
    assert_eq!(ids(&labelled().downgrade_plan(&["a2", "n3"], "a1").unwrap()), ["n3", "n2", "a2"]);
}

#[test]
fn downgrading_a_label_to_its_base_removes_only_that_branch() {
    let plan = labelled().downgrade_plan(&["a2", "n1"], "networking@base").unwrap();
    assert_eq!(ids(&plan), ["n1"]);
    assert_eq!(plan.steps[0].heads_after, ["a2"]);
}

#[test]
fn downgrading_to_a_revision_that_is_not_applied_is_an_error() {
    let error = linear().downgrade_plan(&["a1b2"], "c3").unwrap_err();
    assert!(matches!(error, Error::DowngradeTargetNotApplied { .. }), "{error}");
}

#[test]
fn downgrading_reverts_exactly_what_upgrading_applied() {
    let g = merged();
    let up = g.upgrade_plan(NONE, "head").unwrap();
    let down = g.downgrade_plan(&["e"], "base").unwrap();
    assert_eq!(sorted(ids(&up)), sorted(ids(&down)));
    assert_eq!(down.steps[0].revision, "e");
}

// ---- stamp and history ----

#[test]
fn stamping_moves_the_heads_without_steps() {
    let g = branched();
    assert_eq!(g.stamp_heads(NONE, "c2").unwrap(), ["c2"]);
    assert_eq!(sorted(g.stamp_heads(&["c2"], "d1").unwrap()), ["c2", "d1"]);
    assert_eq!(sorted(g.stamp_heads(&["c2", "d2"], "c1").unwrap()), ["c1", "d2"]);
    assert!(g.stamp_heads(&["c2", "d2"], "base").unwrap().is_empty());
}

#[test]
fn history_lists_newest_first() {
    let g = linear();
    let list = |range: &str, current: &[&str]| -> Vec<String> {
        g.history(range, current).unwrap().iter().map(|r| r.id().to_owned()).collect()
    };
    assert_eq!(list("base:head", NONE), ["c3d4", "b2c3", "a1b2"]);
    assert_eq!(list("b2:", NONE), ["c3d4", "b2c3"]);
    assert_eq!(list(":current", &["b2c3"]), ["b2c3", "a1b2"]);
}

// ---- robustness ----

/// A small deterministic generator, so a failure reproduces.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

#[test]
fn random_graphs_and_targets_never_panic_and_plans_stay_valid() {
    let targets = [
        "head", "heads", "base", "current", "+1", "-1", "+2", "-2", "head-1", "r1", "r1+1", "r", "x@head",
        "x@base", "x@+1", "y@-1", "", "@", "r3:", "+", "r99",
    ];
    let mut rng = Lcg(7);
    let mut checked = 0;
    for _ in 0..400 {
        let n = 1 + rng.next(9);
        let specs: Vec<RevisionSpec> = (0..n)
            .map(|i| {
                let downs: Vec<String> = (0..rng.next(3)).map(|_| format!("r{}", rng.next(n + 1))).collect();
                let mut spec = rev(&format!("r{i}")).down_revisions(downs);
                if rng.next(4) == 0 {
                    spec = spec.depends_on([format!("r{}", rng.next(n))]);
                }
                if rng.next(5) == 0 {
                    spec = spec.branch_labels([["x", "y"][rng.next(2)]]);
                }
                spec
            })
            .collect();
        let Ok(g) = RevisionGraph::new(specs) else { continue };
        let picked: Vec<String> =
            g.revisions().map(|r| r.id().to_owned()).filter(|_| rng.next(3) == 0).collect();
        let Ok(current) = g.stamp_heads(&picked, "current") else { continue };
        for target in targets {
            if let Ok(plan) = g.upgrade_plan(&current, target) {
                check_upgrade(&g, &current, &plan);
                checked += 1;
            }
            if let Ok(plan) = g.downgrade_plan(&current, target) {
                let mut seen = std::collections::HashSet::new();
                assert!(plan.steps.iter().all(|s| seen.insert(s.revision.clone())), "reverted twice");
            }
            let _ = g.stamp_heads(&current, target);
            let _ = g.history(target, &current);
        }
    }
    assert!(checked > 150, "the generator should produce many valid plans, made {checked}");
}

fn check_upgrade(g: &RevisionGraph, current: &[String], plan: &Plan) {
    let mut applied: std::collections::HashSet<String> =
        g.history(":current", current).unwrap().iter().map(|r| r.id().to_owned()).collect();
    for step in &plan.steps {
        let r = g.revision(&step.revision).unwrap();
        for needed in r.down_revisions().iter().chain(r.depends_on()) {
            assert!(applied.contains(needed), "{} applied before {needed}", r.id());
        }
        assert!(applied.insert(step.revision.clone()), "{} applied twice", step.revision);
        let expected = g.stamp_heads(&step.heads_after, "current").unwrap();
        assert_eq!(sorted(expected), sorted(step.heads_after.clone()), "heads_after are heads");
    }
}
