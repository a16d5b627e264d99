//! Resolving targets: ids, prefixes, `head`/`heads`/`base`/`current`, branch labels and relative
//! steps. Several cases follow Alembic's own revision-map tests (tests/test_revision.py).

use migrate_core::{Error, RevisionGraph};

mod graph_fixtures;

use graph_fixtures::*;

// ---- shapes ----

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

#[test]
fn a_partial_id_matches_only_ids_longer_than_three_characters() {
    // Alembic's rule: short ids must be given in full, so `a` never picks `abc`.
    let g = graph([rev("abc"), rev("abcd").down_revision("abc")]);
    assert_eq!(g.resolve("ab", NONE).unwrap(), ["abcd"]);
    assert_eq!(g.resolve("abc", NONE).unwrap(), ["abc"]);
}

#[test]
fn an_empty_target_is_an_error() {
    assert!(matches!(linear().resolve("", NONE), Err(Error::UnknownTarget { .. })));
}

#[test]
fn head_of_an_empty_graph_names_nothing() {
    // Alembic's EmptyMapTest: head and base of an empty map are both empty.
    assert!(graph([]).resolve("head", NONE).unwrap().is_empty());
}

#[test]
fn a_branch_label_alone_names_the_revision_that_declares_it() {
    assert_eq!(labelled().resolve("networking", NONE).unwrap(), ["n1"]);
}

#[test]
fn label_at_base_names_no_revision() {
    assert!(labelled().resolve("networking@base", NONE).unwrap().is_empty());
}

#[test]
fn label_at_heads_names_the_heads_of_that_branch() {
    assert_eq!(alembic_labelled().resolve("abranch@heads", NONE).unwrap(), ["c"]);
}

/// Alembic's LabeledBranchTest map.
fn alembic_labelled() -> RevisionGraph {
    graph([
        rev("a").branch_labels(["abranch"]),
        rev("b").down_revision("a"),
        rev("somelongername").down_revision("b"),
        rev("c").down_revision("somelongername"),
        rev("d"),
        rev("e").down_revision("d").branch_labels(["ebranch"]),
        rev("someothername").down_revision("e"),
        rev("f").down_revision("someothername"),
    ])
}

#[test]
fn a_partial_id_after_a_label_is_matched_within_that_branch() {
    let g = alembic_labelled();
    assert_eq!(g.resolve("ebranch@some", NONE).unwrap(), ["someothername"]);
    assert_eq!(g.resolve("abranch@some", NONE).unwrap(), ["somelongername"]);
}

#[test]
fn label_at_its_own_label_names_the_labelled_revision() {
    assert_eq!(alembic_labelled().resolve("ebranch@ebranch", NONE).unwrap(), ["e"]);
}

#[test]
fn a_revision_outside_the_named_branch_is_an_error_naming_both() {
    let error = alembic_labelled().resolve("ebranch@b", NONE).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::NotOnBranch { .. }), "{message}");
    assert!(message.contains("'b'") && message.contains("'ebranch'"), "{message}");
}

#[test]
fn a_revision_id_before_at_stands_for_its_lineage() {
    let g = alembic_labelled();
    assert_eq!(g.resolve("e@d", NONE).unwrap(), ["d"]);
    assert_eq!(g.resolve("someoth@d", NONE).unwrap(), ["d"]);
    assert_eq!(g.resolve("b@head", NONE).unwrap(), ["c"]);
}

#[test]
fn an_unknown_name_before_at_is_an_error() {
    let error = alembic_labelled().resolve("x@d", NONE).unwrap_err();
    assert!(error.to_string().contains("no branch labelled 'x'"), "{error}");
}

#[test]
fn label_at_plus_two_walks_up_that_branch_from_its_base() {
    // Alembic's test_branch_w_up_relative: ebranch@+2 from nothing applied.
    assert_eq!(alembic_labelled().resolve("ebranch@+2", NONE).unwrap(), ["e"]);
}

#[test]
fn label_at_plus_one_starts_from_the_branch_point_when_the_branch_is_not_applied() {
    let g = graph([
        rev("a"),
        rev("b").down_revision("a"),
        rev("c1").down_revision("b").branch_labels(["left"]),
        rev("d1").down_revision("b").branch_labels(["right"]),
    ]);
    assert_eq!(g.resolve("right@+1", &["c1"]).unwrap(), ["d1"]);
}

#[test]
fn label_at_minus_one_walks_down_from_that_branchs_current_head() {
    assert_eq!(labelled().resolve("networking@-1", &["a2", "n3"]).unwrap(), ["n2"]);
}

#[test]
fn a_relative_step_from_an_unknown_revision_is_an_unknown_target() {
    assert!(matches!(linear().resolve("zzzz+1", NONE), Err(Error::UnknownTarget { .. })));
}

#[test]
fn a_huge_relative_step_is_an_error_not_a_hang() {
    let error = linear().resolve("+9223372036854775807", NONE).unwrap_err();
    assert!(matches!(error, Error::RelativeOutOfRange { steps: 3, .. }), "{error}");
}
