//! Building the revision graph: shape, branch labels, dependencies, and every refusal.

use migrate_core::{Error, RevisionGraph, RevisionSpec};

fn rev(id: &str, down: &[&str]) -> RevisionSpec {
    RevisionSpec::new(id).down_revisions(down.iter().copied())
}

fn build(specs: Vec<RevisionSpec>) -> RevisionGraph {
    match RevisionGraph::new(specs) {
        Ok(graph) => graph,
        Err(error) => panic!("graph should build: {error}"),
    }
}

fn refuse(specs: Vec<RevisionSpec>) -> Error {
    match RevisionGraph::new(specs) {
        Ok(graph) => panic!("graph should be refused, built {} revisions", graph.len()),
        Err(error) => error,
    }
}

fn ids<'a>(revisions: impl IntoIterator<Item = &'a migrate_core::Revision>) -> Vec<&'a str> {
    revisions.into_iter().map(|r| r.id()).collect()
}

#[test]
fn a_linear_chain_has_one_head_and_one_base() {
    let graph = build(vec![rev("a", &[]), rev("b", &["a"]), rev("c", &["b"])]);
    assert_eq!(graph.heads(), ["c"]);
    assert_eq!(graph.bases(), ["a"]);
    assert_eq!(graph.len(), 3);
}

#[test]
fn revisions_iterate_bases_first_whatever_the_declaration_order() {
    let graph = build(vec![rev("c", &["b"]), rev("b", &["a"]), rev("a", &[])]);
    assert_eq!(ids(graph.revisions()), ["a", "b", "c"]);
}

#[test]
fn two_revisions_following_one_make_a_branch_point_and_two_heads() {
    let graph = build(vec![rev("a", &[]), rev("b", &["a"]), rev("c1", &["b"]), rev("c2", &["b"])]);
    assert_eq!(graph.heads(), ["c1", "c2"]);
    assert!(graph.revision("b").is_some_and(|b| b.is_branch_point()));
}

#[test]
fn a_revision_with_two_down_revisions_is_a_merge_point_and_the_one_head() {
    let graph = build(vec![rev("a", &[]), rev("b1", &["a"]), rev("b2", &["a"]), rev("c", &["b1", "b2"])]);
    assert_eq!(graph.heads(), ["c"]);
    let c = graph.revision("c").expect("c is in the graph");
    assert!(c.is_merge_point());
    assert_eq!(c.down_revisions(), ["b1", "b2"]);
}

#[test]
fn independent_histories_give_several_bases() {
    let graph = build(vec![rev("a", &[]), rev("b", &["a"]), rev("c", &[]), rev("d", &["c"])]);
    assert_eq!(graph.bases(), ["a", "c"]);
    assert_eq!(graph.heads(), ["b", "d"]);
}

#[test]
fn an_empty_graph_has_no_heads_and_no_bases() {
    let graph = build(Vec::new());
    assert!(graph.is_empty());
    assert!(graph.heads().is_empty());
    assert!(graph.bases().is_empty());
}

#[test]
fn revision_lookup_takes_exact_ids_only() {
    let graph = build(vec![rev("ae1027a6acf", &[])]);
    assert!(graph.revision("ae1027a6acf").is_some());
    assert!(graph.revision("ae10").is_none());
}

#[test]
fn a_revision_keeps_its_message_and_origin() {
    let graph =
        build(vec![RevisionSpec::new("a").message("create account table").origin("app::migrations::a")]);
    let a = graph.revision("a").expect("a is in the graph");
    assert_eq!(a.message(), "create account table");
    assert_eq!(a.origin(), "app::migrations::a");
}

#[test]
fn depends_on_a_branch_label_resolves_to_the_labelled_revision() {
    let graph = build(vec![
        rev("a1", &[]),
        rev("a2", &["a1"]).branch_labels(["accounts"]),
        rev("b1", &[]).depends_on(["accounts"]),
    ]);
    assert_eq!(graph.revision("b1").map(|b| b.depends_on().to_vec()), Some(vec!["a2".to_owned()]));
}

#[test]
fn a_revision_only_depended_on_stays_a_head_as_in_alembic() {
    let graph = build(vec![rev("a", &[]), rev("b", &[]).depends_on(["a"])]);
    assert_eq!(graph.heads(), ["a", "b"]);
    assert_eq!(ids(graph.revisions()), ["a", "b"]);
}

#[test]
fn a_branch_label_applies_to_descendants_and_ancestors_down_to_the_branch_point() {
    // Alembic's documented example: 1975ea83b712 is the branch point.
    let graph = build(vec![
        rev("1975ea83b712", &[]),
        rev("ae1027a6acf", &["1975ea83b712"]),
        rev("27c6a30d7c24", &["1975ea83b712"]).branch_labels(["shoppingcart"]),
        rev("d747a8a8879", &["27c6a30d7c24"]),
    ]);
    let labels = |id: &str| graph.revision(id).map(|r| r.branch_labels().to_vec());
    assert_eq!(labels("27c6a30d7c24"), Some(vec!["shoppingcart".to_owned()]));
    assert_eq!(labels("d747a8a8879"), Some(vec!["shoppingcart".to_owned()]));
    assert_eq!(labels("1975ea83b712"), Some(vec![]));
    assert_eq!(labels("ae1027a6acf"), Some(vec![]));
}

#[test]
fn a_branch_label_applies_to_the_whole_chain_below_when_there_is_no_branch_point() {
    let graph = build(vec![rev("a", &[]), rev("b", &["a"]), rev("c", &["b"]).branch_labels(["feature"])]);
    assert_eq!(graph.revision("a").map(|r| r.branch_labels().to_vec()), Some(vec!["feature".to_owned()]));
}

#[test]
fn a_branch_label_does_not_spread_to_a_merge_point_below_it() {
    let graph = build(vec![
        rev("a", &[]),
        rev("b", &[]),
        rev("m", &["a", "b"]),
        rev("c", &["m"]).branch_labels(["after_merge"]),
    ]);
    assert!(graph.revision("m").is_some_and(|m| m.branch_labels().is_empty()));
    assert_eq!(
        graph.revision("c").map(|r| r.own_branch_labels().to_vec()),
        Some(vec!["after_merge".to_owned()])
    );
}

#[test]
fn a_branch_label_does_not_spread_below_a_revision_another_branch_depends_on() {
    // Alembic counts dependents when deciding what is a branch point.
    let graph =
        build(vec![rev("a", &[]), rev("b", &["a"]).branch_labels(["main"]), rev("x", &[]).depends_on(["a"])]);
    assert!(graph.revision("a").is_some_and(|a| a.branch_labels().is_empty()));
}

#[test]
fn a_hundred_thousand_revision_chain_builds_without_overflowing_the_stack() {
    let specs = (0..100_000).map(|i| {
        let spec = RevisionSpec::new(format!("r{i}"));
        if i == 0 { spec } else { spec.down_revision(format!("r{}", i - 1)) }
    });
    let graph = match RevisionGraph::new(specs) {
        Ok(graph) => graph,
        Err(error) => panic!("chain should build: {error}"),
    };
    assert_eq!(graph.heads(), ["r99999"]);
    assert_eq!(graph.revisions().next().map(|r| r.id()), Some("r0"));
}

#[test]
fn a_revision_id_with_a_sign_inside_is_refused_as_alembic_does() {
    // Is `b-1` the revision `b-1`, or one below `b`? Alembic refuses '-' and '+' in ids too.
    assert_invalid_id("2024-01-add-users", "ambiguous");
    assert_invalid_id("b+1", "ambiguous");
}

#[test]
fn a_branch_label_may_hold_a_dash_unless_it_ends_like_a_step() {
    let graph = build(vec![rev("a1", &[]).branch_labels(["shop-v2"])]);
    assert_eq!(graph.resolve("shop-v2@head", &[] as &[&str]).unwrap(), ["a1"]);
    match refuse(vec![rev("a1", &[]).branch_labels(["shop-2"])]) {
        Error::InvalidBranchLabel { label, reason, .. } => {
            assert_eq!(label, "shop-2");
            assert!(reason.contains("relative step"), "{reason}");
        }
        other => panic!("expected InvalidBranchLabel, got {other}"),
    }
}

// ---- refusals ----

fn assert_invalid_id(id: &str, reason_part: &str) {
    match refuse(vec![RevisionSpec::new(id).origin("app::m1")]) {
        Error::InvalidRevisionId { revision, origin, reason } => {
            assert_eq!(revision, id);
            assert_eq!(origin, "app::m1");
            assert!(reason.contains(reason_part), "{id:?}: {reason}");
        }
        other => panic!("{id:?}: expected InvalidRevisionId, got {other}"),
    }
}

#[test]
fn an_empty_or_blank_revision_id_is_refused() {
    assert_invalid_id("", "empty");
    assert_invalid_id("   ", "empty");
}

#[test]
fn a_revision_id_with_whitespace_is_refused() {
    assert_invalid_id("add users", "whitespace");
    assert_invalid_id("add\tusers", "whitespace");
}

#[test]
fn a_revision_id_with_target_separators_is_refused() {
    assert_invalid_id("a@b", "'@'");
    assert_invalid_id("a:b", "':'");
    assert_invalid_id("a,b", "','");
}

#[test]
fn a_revision_id_starting_with_a_sign_is_refused() {
    assert_invalid_id("+1", "relative step");
    assert_invalid_id("-abc", "relative step");
}

#[test]
fn a_revision_id_that_is_a_reserved_word_is_refused() {
    for word in ["head", "heads", "base", "current"] {
        assert_invalid_id(word, "reserved");
    }
}

#[test]
fn a_branch_label_that_breaks_target_syntax_is_refused() {
    for label in ["", "my branch", "x@y", "a:b", "-x", "head"] {
        match refuse(vec![RevisionSpec::new("a").branch_labels([label])]) {
            Error::InvalidBranchLabel { label: got, .. } => assert_eq!(got, label),
            other => panic!("{label:?}: expected InvalidBranchLabel, got {other}"),
        }
    }
}

#[test]
fn a_duplicate_revision_id_names_both_origins() {
    let error = refuse(vec![
        RevisionSpec::new("a").origin("app::first"),
        RevisionSpec::new("a").origin("app::second"),
    ]);
    assert!(matches!(error, Error::DuplicateRevision { .. }));
    let message = error.to_string();
    assert!(
        message.contains("'a'") && message.contains("app::first") && message.contains("app::second"),
        "{message}"
    );
}

#[test]
fn an_unknown_down_revision_names_the_revision_and_the_missing_id() {
    let error = refuse(vec![rev("a", &[]), rev("b", &["zzz"]).origin("app::b")]);
    assert!(matches!(error, Error::UnknownDownRevision { .. }));
    let message = error.to_string();
    assert!(message.contains("'b'") && message.contains("app::b") && message.contains("'zzz'"), "{message}");
}

#[test]
fn a_mistyped_down_revision_names_the_closest_known_ids() {
    let error = refuse(vec![rev("3095fbe1e310", &[]), rev("b", &["3095fbe1e301"]).origin("app::b")]);
    assert!(error.to_string().contains("did you mean '3095fbe1e310'?"), "{error}");
    let error =
        refuse(vec![rev("a", &[]).branch_labels(["billing"]), rev("b", &["a"]).depends_on(["biling"])]);
    assert!(error.to_string().contains("did you mean 'billing'?"), "{error}");
    let error = refuse(vec![rev("a", &[]), rev("b", &["completely_else"])]);
    assert!(!error.to_string().contains("did you mean"), "{error}");
}

#[test]
fn a_cycle_names_the_function_and_file_of_each_revision() {
    let error = refuse(vec![
        rev("a", &["b"]).origin("app::m::first (src/m.rs:3)"),
        rev("b", &["a"]).origin("app::m::second (src/m.rs:9)"),
    ]);
    let message = error.to_string();
    assert!(
        message.contains("a (app::m::first (src/m.rs:3)) -> b (app::m::second (src/m.rs:9)) -> a;")
            || message.contains("b (app::m::second (src/m.rs:9)) -> a (app::m::first (src/m.rs:3)) -> b;"),
        "{message}"
    );
}

#[test]
fn an_unknown_depends_on_names_the_revision_and_the_missing_name() {
    let error = refuse(vec![rev("a", &[]).depends_on(["nowhere"])]);
    assert!(matches!(error, Error::UnknownDependency { .. }));
    assert!(error.to_string().contains("'nowhere'"), "{error}");
}

#[test]
fn a_branch_label_declared_twice_is_refused_naming_both() {
    // Alembic's test_dupe_branch_collection.
    let error = refuse(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("c", &["b"]).branch_labels(["xy1"]).origin("app::c"),
        rev("d", &[]),
        rev("e", &["d"]).branch_labels(["xy1"]).origin("app::e"),
    ]);
    assert!(matches!(error, Error::DuplicateBranchLabel { .. }));
    let message = error.to_string();
    assert!(message.contains("xy1") && message.contains("app::c") && message.contains("app::e"), "{message}");
}

#[test]
fn a_branch_label_equal_to_a_revision_id_is_refused() {
    let error = refuse(vec![rev("a", &[]), rev("b", &["a"]).branch_labels(["a"])]);
    assert!(matches!(error, Error::DuplicateBranchLabel { .. }), "{error}");
}

#[test]
fn a_cycle_is_refused_printing_its_path() {
    let error = refuse(vec![rev("base1", &[]), rev("a", &["c"]), rev("b", &["a"]), rev("c", &["b"])]);
    match &error {
        Error::Cycle { path, .. } => {
            assert_eq!(path.first(), path.last());
            assert_eq!(path.len(), 4, "{path:?}");
        }
        other => panic!("expected Cycle, got {other}"),
    }
    assert!(error.to_string().contains(" -> "), "{error}");
}

#[test]
fn a_revision_that_follows_itself_is_a_cycle() {
    let error = refuse(vec![rev("a", &["a"])]);
    assert!(matches!(&error, Error::Cycle { path, .. } if path == &["a", "a"]), "{error}");
}

#[test]
fn dependencies_that_close_a_loop_are_a_dependency_cycle() {
    let error = refuse(vec![
        rev("a1", &[]),
        rev("a2", &["a1"]).depends_on(["b2"]),
        rev("b1", &[]),
        rev("b2", &["b1"]).depends_on(["a2"]),
    ]);
    match &error {
        Error::DependencyCycle { path, .. } => {
            assert!(path.contains(&"a2".to_owned()) && path.contains(&"b2".to_owned()), "{path:?}");
        }
        other => panic!("expected DependencyCycle, got {other}"),
    }
}

// ---- squashes ----

#[test]
fn a_squash_stands_in_for_the_revisions_it_replaces() {
    let graph = build(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("c", &["b"]),
        rev("s", &["a"]).replaces(["b", "c"]),
        rev("d", &["s"]),
    ]);
    assert_eq!(ids(graph.revisions()), ["a", "s", "d"]);
    assert_eq!(graph.heads(), ["d"]);
    assert_eq!(graph.squash_of("c"), Some(("s", &["b".to_owned(), "c".to_owned()][..])));
    assert_eq!(graph.squash_of("d"), None);
    assert_eq!(
        graph.revision("s").map(|s| s.replaces().to_vec()),
        Some(vec!["b".to_owned(), "c".to_owned()])
    );
}

#[test]
fn a_squash_whose_replaced_files_are_deleted_is_an_ordinary_revision() {
    let graph = build(vec![rev("a", &[]), rev("s", &["a"]).replaces(["b", "c"]), rev("d", &["s"])]);
    assert_eq!(ids(graph.revisions()), ["a", "s", "d"]);
    assert_eq!(graph.squash_of("b").map(|(squash, _)| squash), Some("s"));
}

#[test]
fn a_revision_that_follows_a_replaced_one_is_refused_with_the_squash_to_follow() {
    let error = refuse(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("s", &["a"]).replaces(["b"]),
        rev("d", &["b"]).origin("d.rs"),
    ]);
    assert!(
        matches!(&error, Error::FollowsReplaced { revision, replaced, squash, .. }
        if revision == "d" && replaced == "b" && squash == "s"),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "revision 'd' (d.rs) follows 'b', which squash 's' replaced; make it follow 's'"
    );
}

#[test]
fn a_revision_replaced_by_two_squashes_is_refused() {
    let error =
        refuse(vec![rev("a", &[]), rev("s1", &["a"]).replaces(["b"]), rev("s2", &["a"]).replaces(["b"])]);
    assert!(matches!(&error, Error::ReplacedTwice { revision, .. } if revision == "b"), "{error}");
}
