//! Upgrade, downgrade and stamp plans, and history ranges: which revisions, in which order, and
//! what the version table holds after each step. Orders follow Alembic's revision-map tests.

use migrate_core::{Direction, Error, RevisionGraph};

mod graph_fixtures;

use graph_fixtures::*;

// ---- shapes ----

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
    // Alembic applies a revision's dependencies before its down_revision's branch.
    assert_eq!(ids(&plan), ["a1", "a2", "n1", "n2", "n3"]);
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

/// Alembic's BranchTravellingTest map.
fn travelling() -> RevisionGraph {
    graph([
        rev("a1"),
        rev("a2").down_revision("a1"),
        rev("a3").down_revision("a2"),
        rev("b1").down_revision("a3"),
        rev("b2").down_revision("a3"),
        rev("cb1").down_revision("b1"),
        rev("cb2").down_revision("b2"),
        rev("db1").down_revision("cb1"),
        rev("db2").down_revision("cb2"),
        rev("e1b1").down_revision("db1"),
        rev("fe1b1").down_revision("e1b1"),
        rev("e2b1").down_revision("db1"),
        rev("e2b2").down_revision("db2"),
        rev("merge").down_revisions(["e2b1", "e2b2"]),
    ])
}

#[test]
fn a_merge_is_reached_one_whole_branch_at_a_time_as_in_alembic() {
    // test_two_branches_to_root, read bottom-up.
    let plan = travelling().upgrade_plan(NONE, "merge").unwrap();
    assert_eq!(
        ids(&plan),
        ["a1", "a2", "a3", "b2", "cb2", "db2", "e2b2", "b1", "cb1", "db1", "e2b1", "merge"]
    );
}

#[test]
fn three_branches_from_one_point_are_applied_in_alembics_order() {
    // test_three_branches_end_in_single_branch, read bottom-up.
    let plan = travelling().upgrade_plan(&["a3"], "heads").unwrap();
    assert_eq!(
        ids(&plan),
        ["b2", "cb2", "db2", "e2b2", "b1", "cb1", "db1", "e2b1", "merge", "e1b1", "fe1b1"]
    );
}

#[test]
fn a_diamond_applies_the_last_parent_first_as_in_alembic() {
    // DiamondTest.test_iterate_simple_diamond, read bottom-up.
    let g = graph([
        rev("a"),
        rev("b1").down_revision("a"),
        rev("b2").down_revision("a"),
        rev("c").down_revisions(["b1", "b2"]),
        rev("d").down_revision("c"),
    ]);
    assert_eq!(ids(&g.upgrade_plan(NONE, "d").unwrap()), ["a", "b2", "b1", "c", "d"]);
}

#[test]
fn a_long_and_a_short_branch_are_applied_in_alembics_order() {
    // LongShortBranchTest.test_iterate_full, read bottom-up.
    let g = graph([
        rev("a"),
        rev("b1").down_revision("a"),
        rev("b2").down_revision("a"),
        rev("c1").down_revision("b1"),
        rev("d11").down_revision("c1"),
        rev("d12").down_revision("c1"),
    ]);
    assert_eq!(ids(&g.upgrade_plan(NONE, "heads").unwrap()), ["a", "b1", "c1", "d12", "d11", "b2"]);
}

#[test]
fn upgrading_to_a_revision_below_the_current_one_does_nothing() {
    assert!(linear().upgrade_plan(&["c3d4"], "a1b2").unwrap().is_empty());
}

#[test]
fn upgrading_minus_one_is_refused_as_the_wrong_direction() {
    let error = linear().upgrade_plan(&["c3d4"], "-1").unwrap_err();
    assert!(matches!(error, Error::RelativeAgainstDirection { direction: "upgrade", .. }), "{error}");
    assert!(error.to_string().contains("`downgrade`"), "{error}");
}

#[test]
fn upgrade_steps_carry_the_upgrade_direction() {
    let plan = linear().upgrade_plan(NONE, "head").unwrap();
    assert!(plan.iter().all(|s| s.direction == Direction::Upgrade));
    assert_eq!(plan.len(), 3);
}

#[test]
fn downgrading_plus_one_is_refused_as_the_wrong_direction() {
    let error = linear().downgrade_plan(&["a1b2"], "+1").unwrap_err();
    assert!(matches!(error, Error::RelativeAgainstDirection { direction: "downgrade", .. }), "{error}");
}

#[test]
fn downgrading_minus_one_from_two_heads_is_ambiguous() {
    let error = branched().downgrade_plan(&["c2", "d2"], "-1").unwrap_err();
    assert!(matches!(error, Error::AmbiguousWalk { .. }), "{error}");
}

#[test]
fn downgrading_label_minus_one_reverts_the_head_of_that_branch_only() {
    let g = graph([
        rev("a"),
        rev("b").down_revision("a"),
        rev("c1").down_revision("b").branch_labels(["left"]),
        rev("d1").down_revision("b").branch_labels(["right"]),
    ]);
    let plan = g.downgrade_plan(&["c1", "d1"], "right@-1").unwrap();
    assert_eq!(ids(&plan), ["d1"]);
    assert_eq!(plan.steps[0].heads_after, ["c1"]);
}

#[test]
fn downgrading_label_at_a_branch_point_reverts_only_that_branch() {
    // `label@rev`: Alembic keeps the roots of the downgrade on the named branch.
    let plan = branched_with_labels().downgrade_plan(&["c2", "d2"], "right@b").unwrap();
    assert_eq!(ids(&plan), ["d2", "d1"]);
    assert_eq!(plan.steps[1].heads_after, ["c2"]);
}

fn branched_with_labels() -> RevisionGraph {
    graph([
        rev("a"),
        rev("b").down_revision("a"),
        rev("c1").down_revision("b").branch_labels(["left"]),
        rev("c2").down_revision("c1"),
        rev("d1").down_revision("b").branch_labels(["right"]),
        rev("d2").down_revision("d1"),
    ])
}

#[test]
fn downgrading_to_a_revision_keeps_what_depends_on_it() {
    // Alembic removes the descendants of the target's children, not the target's dependents.
    let plan = labelled().downgrade_plan(&["a2", "n3"], "a2").unwrap();
    assert!(plan.is_empty());
}

#[test]
fn downgrade_heads_after_never_list_a_revision_another_head_depends_on() {
    let plan = labelled().downgrade_plan(&["n3"], "n1").unwrap();
    assert_eq!(ids(&plan), ["n3", "n2"]);
    assert_eq!(sorted(plan.steps[1].heads_after.clone()), ["a2", "n1"]);
}

#[test]
fn downgrading_a_label_to_its_base_keeps_the_shared_trunk() {
    let plan = branched_with_labels().downgrade_plan(&["c2", "d2"], "right@base").unwrap();
    assert_eq!(ids(&plan), ["d2", "d1"]);
    assert_eq!(plan.steps[1].heads_after, ["c2"]);
}

#[test]
fn stamping_heads_records_every_head() {
    assert_eq!(branched().stamp_heads(NONE, "heads").unwrap(), ["c2", "d2"]);
}

#[test]
fn stamping_below_a_merge_restores_both_parents() {
    assert_eq!(sorted(merged().stamp_heads(&["e"], "c2").unwrap()), ["c2", "d2"]);
}

#[test]
fn history_of_the_last_three_from_current_counts_down_from_current() {
    let g = travelling();
    let list: Vec<&str> = g.history("-3:current", &["db2"]).unwrap().iter().map(|r| r.id()).collect();
    assert_eq!(list, ["db2", "cb2", "b2", "a3"]);
}

#[test]
fn history_up_to_a_revision_lists_it_and_its_ancestors() {
    let list: Vec<String> =
        linear().history(":b2c3", NONE).unwrap().iter().map(|r| r.id().to_owned()).collect();
    assert_eq!(list, ["b2c3", "a1b2"]);
}

#[test]
fn history_of_a_branch_excludes_the_other_branch() {
    let list: Vec<String> =
        branched().history("c1:heads", NONE).unwrap().iter().map(|r| r.id().to_owned()).collect();
    assert_eq!(list, ["c2", "c1"]);
}

#[test]
fn history_without_a_colon_is_an_error_showing_the_form() {
    let error = linear().history("a1b2", NONE).unwrap_err();
    assert!(matches!(error, Error::InvalidRange { .. }), "{error}");
}

#[test]
fn history_with_the_ends_swapped_is_an_error() {
    let error = linear().history("c3d4:a1b2", NONE).unwrap_err();
    assert!(matches!(error, Error::NotAnAncestor { .. }), "{error}");
    assert!(error.to_string().contains("c3d4"), "{error}");
}

#[test]
fn several_bases_with_a_merge_are_applied_in_alembics_order() {
    // MultipleBaseTest.test_heads_to_base, read bottom-up.
    let g = graph([
        rev("base1"),
        rev("base2"),
        rev("base3"),
        rev("a1a").down_revision("base1"),
        rev("a1b").down_revision("base1"),
        rev("a2").down_revision("base2"),
        rev("a3").down_revision("base3"),
        rev("b1a").down_revision("a1a"),
        rev("b1b").down_revision("a1b"),
        rev("b2").down_revision("a2"),
        rev("b3").down_revision("a3"),
        rev("c2").down_revision("b2"),
        rev("d2").down_revision("c2"),
        rev("mergeb3d2").down_revisions(["b3", "d2"]),
    ]);
    assert_eq!(
        ids(&g.upgrade_plan(NONE, "heads").unwrap()),
        [
            "base2",
            "a2",
            "b2",
            "c2",
            "d2",
            "base3",
            "a3",
            "b3",
            "mergeb3d2",
            "base1",
            "a1b",
            "b1b",
            "a1a",
            "b1a"
        ]
    );
}

/// Alembic's MultipleBaseCrossDependencyTestOne map.
fn cross_dependencies() -> RevisionGraph {
    graph([
        rev("base1").branch_labels(["b_1"]),
        rev("a1a").down_revision("base1"),
        rev("a1b").down_revision("base1"),
        rev("b1a").down_revision("a1a"),
        rev("b1b").down_revision("a1b").depends_on(["a3"]),
        rev("base2").branch_labels(["b_2"]),
        rev("a2").down_revision("base2"),
        rev("b2").down_revision("a2"),
        rev("c2").down_revision("b2").depends_on(["a3"]),
        rev("d2").down_revision("c2"),
        rev("base3").branch_labels(["b_3"]),
        rev("a3").down_revision("base3"),
        rev("b3").down_revision("a3"),
    ])
}

#[test]
fn heads_with_cross_dependencies_are_the_revisions_nothing_follows() {
    assert_eq!(cross_dependencies().heads(), ["b1a", "b1b", "d2", "b3"]);
}

#[test]
fn cross_dependencies_are_applied_before_the_branches_needing_them() {
    // test_heads_to_base, read bottom-up.
    assert_eq!(
        ids(&cross_dependencies().upgrade_plan(NONE, "heads").unwrap()),
        ["base3", "a3", "b3", "base2", "a2", "b2", "c2", "d2", "base1", "a1b", "b1b", "a1a", "b1a"]
    );
}

#[test]
fn downgrading_everything_with_cross_dependencies_reverts_in_alembics_order() {
    // test_heads_to_base_downgrade.
    let g = cross_dependencies();
    let plan = g.downgrade_plan(&["b1a", "b1b", "d2", "b3"], "base").unwrap();
    assert_eq!(
        ids(&plan),
        ["b1a", "a1a", "b1b", "a1b", "base1", "d2", "c2", "b2", "a2", "base2", "b3", "a3", "base3"]
    );
}

/// Alembic's MultipleBranchEffectiveHead map: y2 depends on x1.
fn effective_head() -> RevisionGraph {
    graph([
        rev("y1").branch_labels(["y"]),
        rev("x1").branch_labels(["x"]),
        rev("y2").down_revision("y1").depends_on(["x1"]),
        rev("x2").down_revision("x1"),
    ])
}

#[test]
fn label_minus_one_reverts_only_the_head_of_that_branch() {
    // test_other_downgrade.
    assert_eq!(ids(&effective_head().downgrade_plan(&["x2", "y2"], "x@-1").unwrap()), ["x2"]);
}

#[test]
fn label_minus_one_below_a_dependency_also_reverts_what_depends_on_it() {
    // test_use_all_current.
    let plan = effective_head().downgrade_plan(&["x1", "y2"], "x@-1").unwrap();
    assert_eq!(ids(&plan), ["y2", "x1"]);
}

#[test]
fn label_minus_one_finds_a_branch_applied_only_as_a_dependency() {
    // test_effective_head: the database records only y2, which implies x1.
    let plan = effective_head().downgrade_plan(&["y2"], "x@-1").unwrap();
    assert_eq!(ids(&plan), ["y2", "x1"]);
    assert_eq!(plan.steps[0].heads_after, ["y1", "x1"]);
    assert!(plan.steps[1].heads_after.len() == 1 && plan.steps[1].heads_after[0] == "y1");
}

#[test]
fn upgrade_to_head_with_two_heads_is_an_error_listing_both() {
    let error = branched().upgrade_plan(&["b"], "head").unwrap_err();
    assert!(matches!(&error, Error::MultipleHeads { heads, .. } if heads == &["c2", "d2"]), "{error}");
    let message = error.to_string();
    assert!(message.contains("c2, d2") && message.contains("`heads`"), "{message}");
}

#[test]
fn upgrade_to_label_at_head_applies_only_that_branch() {
    let plan = branched_with_labels().upgrade_plan(&["b"], "left@head").unwrap();
    assert_eq!(ids(&plan), ["c1", "c2"]);
}
