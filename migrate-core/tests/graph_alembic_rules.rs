//! The rules where Alembic's revision map is subtle (issue 9), one behaviour per test, with
//! Alembic's answer (checked against Alembic 1.20.1 by `alembic_oracle.rs`) or, where ours differs
//! on purpose, the reason.

use migrate_core::{Error, RevisionGraph};

mod graph_fixtures;

use graph_fixtures::*;

/// Alembic's BranchedPathTest: a -> b -> {c1 (c1branch) -> d1, c2 (c2branch) -> d2}.
fn branched_path() -> RevisionGraph {
    graph([
        rev("a"),
        rev("b").down_revision("a"),
        rev("c1").down_revision("b").branch_labels(["c1branch"]),
        rev("d1").down_revision("c1"),
        rev("c2").down_revision("b").branch_labels(["c2branch"]),
        rev("d2").down_revision("c2"),
    ])
}

/// A shared trunk with two labelled branches, as in an app with a shop and a comments feature.
fn shop_and_comments() -> RevisionGraph {
    graph([
        rev("base0"),
        rev("shared1").down_revision("base0"),
        rev("shop1").down_revision("shared1").branch_labels(["shop"]),
        rev("shop2").down_revision("shop1"),
        rev("comm1").down_revision("shared1").branch_labels(["comments"]),
        rev("comm2").down_revision("comm1"),
    ])
}

// ---- 1. branch-relative walks ----

#[test]
fn label_minus_one_with_nothing_of_that_branch_applied_reverts_nothing_else() {
    // The data-loss case: the comments branch and the shared trunk are applied, shop is not.
    let error = shop_and_comments().downgrade_plan(&["comm2"], "shop@-1").unwrap_err();
    assert!(matches!(&error, Error::BranchNotApplied { branch, .. } if branch == "shop"), "{error}");
    assert!(error.to_string().contains("no revision of branch 'shop' is applied"), "{error}");
}

#[test]
fn label_minus_one_with_only_the_shared_trunk_applied_reverts_nothing() {
    // Alembic walks down from `shared1` (on shop's lineage) and reverts it; ours refuses.
    let error = shop_and_comments().downgrade_plan(&["shared1"], "shop@-1").unwrap_err();
    assert!(matches!(error, Error::BranchNotApplied { .. }), "{error}");
}

#[test]
fn label_minus_one_reverts_only_the_head_of_that_branch() {
    let plan = shop_and_comments().downgrade_plan(&["shop2", "comm2"], "shop@-1").unwrap();
    assert_eq!(ids(&plan), ["shop2"]);
    assert_eq!(sorted(plan.steps[0].heads_after.clone()), ["comm2", "shop1"]);
}

#[test]
fn label_plus_n_from_an_empty_database_walks_the_branch_own_line() {
    // Alembic: `c1branch@+2` from nothing applies a, b (the line from the base up to c1's branch).
    let plan = branched_path().upgrade_plan(NONE, "c1branch@+2").unwrap();
    assert_eq!(ids(&plan), ["a", "b"]);
}

#[test]
fn label_at_base_plus_n_counts_from_the_bases_along_the_branch_line() {
    assert_eq!(branched_path().resolve("c2branch@base+3", NONE).unwrap(), ["c2"]);
}

#[test]
fn a_branch_relative_walk_through_a_branch_point_is_ambiguous_and_names_the_choices() {
    // `d1` walks up: b's children are c1 and c2, and `d1`'s lineage keeps only c1, so it is fine;
    // a bare `+1` from b is not.
    let g = branched_path();
    assert_eq!(g.resolve("d1@+1", &["b"]).unwrap(), ["c1"]);
    let error = g.resolve("+1", &["b"]).unwrap_err();
    let Error::AmbiguousWalk { at, hint, .. } = &error else { panic!("{error}") };
    assert_eq!(sorted(at.clone()), ["c1", "c2"]);
    assert!(hint.contains("branch point"), "{hint}");
}

#[test]
fn the_merge_point_hint_suggests_a_walk_that_works() {
    let g = merged();
    let error = g.resolve("m-2", NONE).unwrap_err();
    let Error::AmbiguousWalk { hint, .. } = &error else { panic!("{error}") };
    assert!(hint.contains("`c2-1`"), "{hint}");
    // The suggestion resolves.
    assert_eq!(g.resolve("c2-1", NONE).unwrap(), ["c1"]);
}

#[test]
fn revision_at_minus_one_reverts_exactly_that_revision_when_it_is_a_current_head() {
    let plan = branched().downgrade_plan(&["c2", "d2"], "c2@-1").unwrap();
    assert_eq!(ids(&plan), ["c2"]);
    assert_eq!(sorted(plan.steps[0].heads_after.clone()), ["c1", "d2"]);
}

// ---- 2. partial ids ----

#[test]
fn a_partial_id_matches_branch_labels_too() {
    let g = graph([rev("d"), rev("e").down_revision("d").branch_labels(["ebranch"])]);
    assert_eq!(g.resolve("ebra", NONE).unwrap(), ["e"]);
}

#[test]
fn a_short_prefix_of_a_long_id_resolves_and_the_message_states_the_rule() {
    let g = graph([rev("abcdef")]);
    assert_eq!(g.resolve("ab", NONE).unwrap(), ["abcdef"]);
    let error = graph([rev("abc")]).resolve("ab", NONE).unwrap_err();
    assert!(error.to_string().contains("four characters or more"), "{error}");
}

// ---- 3. heads and bases, both kinds ----

/// Two histories; y2 depends on x2, a head by `down_revision` links.
fn depends_on_a_head() -> RevisionGraph {
    graph([
        rev("x1"),
        rev("x2").down_revision("x1"),
        rev("y1"),
        rev("y2").down_revision("y1").depends_on(["x2"]),
    ])
}

#[test]
fn heads_as_a_target_means_the_heads_nothing_depends_on() {
    let g = depends_on_a_head();
    assert_eq!(g.heads(), ["x2", "y2"]);
    assert_eq!(g.heads_nothing_depends_on(), ["y2"]);
    assert_eq!(g.resolve("heads", NONE).unwrap(), ["y2"]);
    assert_eq!(g.bases(), ["x1", "y1"]);
    assert_eq!(g.bases_depending_on_nothing(), ["x1", "y1"]);
}

#[test]
fn bases_depending_on_nothing_leave_out_a_base_with_a_dependency() {
    let g = graph([rev("a"), rev("b").depends_on(["a"])]);
    assert_eq!(g.bases(), ["a", "b"]);
    assert_eq!(g.bases_depending_on_nothing(), ["a"]);
}

// ---- 4. label propagation ----

#[test]
fn a_label_spreads_to_descendants_and_down_to_the_nearest_branch_point() {
    let g = branched_path();
    let labels = |id: &str| g.revision(id).unwrap().branch_labels().to_vec();
    assert_eq!(labels("d1"), ["c1branch"]);
    assert_eq!(labels("c1"), ["c1branch"]);
    assert!(labels("b").is_empty(), "b is a branch point");
}

#[test]
fn a_labelled_branch_point_passes_nothing_to_its_ancestors() {
    let g = graph([
        rev("a"),
        rev("b").down_revision("a").branch_labels(["lib"]),
        rev("c1").down_revision("b"),
        rev("c2").down_revision("b"),
    ]);
    assert!(g.revision("a").unwrap().branch_labels().is_empty());
    assert_eq!(g.revision("c2").unwrap().branch_labels(), ["lib"]);
}

#[test]
fn a_revision_another_depends_on_stops_the_label_like_a_branch_point() {
    // Alembic's DependsOnBranchLabelTest: c1lib is depended on, so lib1's revisions below keep only lib1.
    let g = graph([
        rev("a1").branch_labels(["lib1"]),
        rev("a2").down_revision("a1"),
        rev("a3").down_revision("a2").branch_labels(["c1lib"]),
        rev("a4").down_revision("a3"),
        rev("x").depends_on(["c1lib"]),
    ]);
    assert_eq!(g.revision("a2").unwrap().branch_labels(), ["lib1"]);
    assert_eq!(g.revision("a4").unwrap().branch_labels(), ["c1lib", "lib1"]);
}

// ---- 5. label@rev off the label's line ----

#[test]
fn downgrading_to_label_at_a_revision_off_its_line_goes_to_that_revision() {
    // Alembic lets the revision win; the label only limits which branch is reverted.
    let g = branched_with_labels();
    let plan = g.downgrade_plan(&["c2", "d2"], "left@d1").unwrap();
    assert_eq!(ids(&plan), ["d2"]);
}

#[test]
fn upgrading_to_label_at_a_revision_off_its_line_says_why() {
    let error = branched_with_labels().upgrade_plan(NONE, "left@d1").unwrap_err();
    assert!(matches!(error, Error::NotOnBranch { .. }), "{error}");
    assert!(error.to_string().contains("is not on branch 'left'"), "{error}");
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

// ---- 6. history ----

#[test]
fn history_from_base_to_a_label_head_lists_that_branch_with_several_bases() {
    let g = graph([
        rev("x1"),
        rev("x2").down_revision("x1"),
        rev("n1").branch_labels(["networking"]),
        rev("n2").down_revision("n1").depends_on(["x1"]),
    ]);
    let listed: Vec<&str> = g.history("base:networking@head", NONE).unwrap().iter().map(|r| r.id()).collect();
    assert_eq!(listed, ["n2", "n1", "x1"]);
}

// ---- 7. downgrading to a revision the heads only depend on ----

#[test]
fn downgrading_to_a_revision_the_heads_only_depend_on_is_an_error() {
    // y2 needs x1, but nothing applied descends from x1: Alembic's "Nothing to drop".
    let g = graph([
        rev("x1"),
        rev("x2").down_revision("x1"),
        rev("y1"),
        rev("y2").down_revision("y1").depends_on(["x1"]),
    ]);
    let error = g.downgrade_plan(&["y2"], "x1").unwrap_err();
    assert!(matches!(error, Error::DowngradeTargetOnlyDependedOn { .. }), "{error}");
}

// ---- 8. order ----

#[test]
fn ties_are_broken_by_the_order_the_revisions_were_given() {
    let specs = || vec![rev("a"), rev("b1").down_revision("a"), rev("b2").down_revision("a")];
    let plan = graph(specs()).upgrade_plan(NONE, "heads").unwrap();
    assert_eq!(ids(&plan), ["a", "b2", "b1"]);
    let mut reversed = specs();
    reversed.swap(1, 2);
    let plan = graph(reversed).upgrade_plan(NONE, "heads").unwrap();
    assert_eq!(ids(&plan), ["a", "b1", "b2"]);
}

// ---- 10. single-revision lookup ----

#[test]
fn looking_up_one_revision_refuses_several_heads_listing_them() {
    let error = branched().resolve_one("heads").unwrap_err();
    let Error::MultipleHeads { heads, .. } = &error else { panic!("{error}") };
    assert_eq!(sorted(heads.clone()), ["c2", "d2"]);
    assert_eq!(branched().resolve_one("c2").unwrap().map(|r| r.id()), Some("c2"));
    assert!(branched().resolve_one("base").unwrap().is_none());
}

// ---- stamp ----

#[test]
fn stamping_heads_while_at_several_heads_keeps_them() {
    assert_eq!(sorted(branched().stamp_heads(&["c2", "d2"], "heads").unwrap()), ["c2", "d2"]);
    assert_eq!(sorted(branched().stamp_heads(&["c2", "d1"], "heads").unwrap()), ["c2", "d2"]);
}

#[test]
fn stamping_below_the_current_head_moves_the_row_down() {
    assert_eq!(branched().stamp_heads(&["c2", "d2"], "c1").unwrap(), ["c1", "d2"]);
    assert_eq!(branched().stamp_heads(&["c2"], "-1").unwrap(), ["c1"]);
}

#[test]
fn looking_up_one_revision_by_a_step_needs_a_revision_to_count_from() {
    assert_eq!(linear().resolve_one("head-1").unwrap().map(|r| r.id()), Some("b2c3"));
    let error = linear().resolve_one("-1").unwrap_err();
    assert!(error.to_string().contains("name the revision to count from"), "{error}");
}
