//! The graph against the real Alembic: the same graphs are built in both, every query is asked of
//! both, and the answers are compared. Alembic's answers come from `alembic_oracle/oracle.py`, run
//! by the Python that `MIGRATE_TEST_ALEMBIC_PYTHON` names (one with `alembic==1.20.1`; `.ci/run`
//! makes one in `target/alembic-venv`).
//!
//! Graphs: the shapes of Alembic's own tests (`alembic_oracle/shapes.json`, extracted by
//! `extract_shapes.py`), then seeded random graphs: branches, merges, several bases, branch labels,
//! `depends_on` on labels and ids, and defective graphs. `MIGRATE_ORACLE_CASES` sets how many random
//! graphs (default 400), `MIGRATE_ORACLE_SEED` the seed.
//!
//! An answer is the same when it has the same revisions (plans: the same steps, ending at the same
//! heads) or both sides refuse; it is in Alembic's exact order when the lists are equal. Every
//! other difference must be one of the documented deliberate differences or an Alembic defect
//! (`classify`), each counted with its reason; anything else fails the test.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::process::{Command, Stdio};

use migrate_core::{Direction, Error, RevisionGraph, RevisionSpec};
use serde_json::{Value, json};

/// One revision as both sides are given it.
#[derive(Debug, Clone)]
struct Rev {
    id: String,
    down: Vec<String>,
    depends_on: Vec<String>,
    labels: Vec<String>,
}

#[derive(Debug, Clone)]
enum Query {
    /// Heads and bases (both kinds) and every revision's branch labels.
    Graph,
    /// What a target names (relative targets: where upgrade or downgrade walks to).
    Resolve {
        target: String,
        current: Vec<String>,
    },
    /// The single revision `show` displays.
    Revision {
        target: String,
    },
    Upgrade {
        target: String,
        current: Vec<String>,
    },
    Downgrade {
        target: String,
        current: Vec<String>,
    },
    History {
        range: String,
        current: Vec<String>,
    },
}

impl Query {
    fn kind(&self) -> &'static str {
        match self {
            Query::Graph => "graph",
            Query::Resolve { .. } => "resolve",
            Query::Revision { .. } => "revision",
            Query::Upgrade { .. } => "upgrade",
            Query::Downgrade { .. } => "downgrade",
            Query::History { .. } => "history",
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Query::Graph => json!({"kind": "graph"}),
            Query::Resolve { target, current }
            | Query::Upgrade { target, current }
            | Query::Downgrade { target, current } => {
                json!({"kind": self.kind(), "target": target, "current": current})
            }
            Query::Revision { target } => json!({"kind": "revision", "target": target}),
            Query::History { range, current } => {
                json!({"kind": "history", "range": range, "current": current})
            }
        }
    }

    fn current(&self) -> &[String] {
        match self {
            Query::Resolve { current, .. }
            | Query::Upgrade { current, .. }
            | Query::Downgrade { current, .. }
            | Query::History { current, .. } => current,
            Query::Graph | Query::Revision { .. } => &[],
        }
    }

    fn target(&self) -> &str {
        match self {
            Query::Resolve { target, .. }
            | Query::Upgrade { target, .. }
            | Query::Downgrade { target, .. }
            | Query::Revision { target } => target,
            Query::History { range, .. } => range,
            Query::Graph => "",
        }
    }
}

struct Case {
    name: String,
    revisions: Vec<Rev>,
    queries: Vec<Query>,
}

// ---------------------------------------------------------------------------------------------
// Graphs

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

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const LABELS: [&str; 5] = ["ebranch", "shop", "comments", "lib1", "netw"];

/// A random graph: revisions made in an order where links point back, then handed over sorted by
/// id (as Alembic's script directory and our registry hand them over). One in eight is defective.
fn random_graph(rng: &mut Lcg, number: usize) -> Case {
    // Mostly small graphs, where Alembic answers fast; one in ten is larger (up to 24).
    let n = if rng.chance(10) { 12 + rng.below(13) } else { 1 + rng.below(11) };
    let mut ids: Vec<String> = Vec::new();
    while ids.len() < n {
        // Short ids from a small alphabet, so prefixes collide and some ids are prefixes of labels.
        let len = 3 + rng.below(3);
        let id: String = (0..len).map(|_| *rng.pick(&['a', 'b', 'e', '1', '2'])).collect();
        if !ids.contains(&id) && !LABELS.contains(&id.as_str()) {
            ids.push(id);
        }
    }
    let mut revisions: Vec<Rev> = Vec::new();
    let mut free_labels: Vec<&str> = LABELS.to_vec();
    for i in 0..n {
        let mut down = Vec::new();
        if i > 0 && !rng.chance(6) {
            let parents = [1, 1, 1, 1, 2, 2, 3][rng.below(7)].min(i);
            while down.len() < parents {
                let parent = ids[rng.below(i)].clone();
                if !down.contains(&parent) {
                    down.push(parent);
                }
            }
        }
        let mut depends_on = Vec::new();
        if i > 0 && rng.chance(4) {
            let used: Vec<String> =
                revisions.iter().flat_map(|r| r.labels.iter().cloned()).collect::<Vec<_>>();
            if !used.is_empty() && rng.chance(3) {
                depends_on.push(rng.pick(&used).clone());
            } else {
                depends_on.push(ids[rng.below(i)].clone());
            }
        }
        let mut labels = Vec::new();
        if !free_labels.is_empty() && rng.chance(4) {
            let at = rng.below(free_labels.len());
            labels.push(free_labels.remove(at).to_owned());
        }
        revisions.push(Rev { id: ids[i].clone(), down, depends_on, labels });
    }
    let mut defect = "";
    if rng.chance(8) {
        let victim = rng.below(n);
        match rng.below(6) {
            0 if n > 1 => {
                // A cycle: an earlier revision follows a later one.
                let later = ids[victim.max(1)..][rng.below(n - victim.max(1))].clone();
                let early = rng.below(victim.max(1));
                revisions[early].down.push(later);
                defect = " (cycle)";
            }
            1 => {
                revisions[victim].down.push("zzzz99".to_owned());
                defect = " (dangling down_revision)";
            }
            2 => {
                revisions[victim].depends_on.push("nowhere".to_owned());
                defect = " (dangling depends_on)";
            }
            3 if n > 1 => {
                let other = ids[(victim + 1) % n].clone();
                revisions[victim].id = other;
                defect = " (duplicate id)";
            }
            4 => {
                let id = ids[rng.below(n)].clone();
                revisions[victim].labels = vec![id];
                defect = " (label equal to an id)";
            }
            _ if n > 1 => {
                let later = ids[victim.max(1)..][rng.below(n - victim.max(1))].clone();
                let early = rng.below(victim.max(1));
                revisions[early].depends_on.push(later);
                defect = " (dependency cycle)";
            }
            _ => {}
        }
    }
    revisions.sort_by(|a, b| a.id.cmp(&b.id));
    Case { name: format!("random #{number}{defect}"), revisions, queries: Vec::new() }
}

/// The shapes of Alembic's own tests.
fn alembic_shapes() -> Vec<Case> {
    let shapes: Value =
        serde_json::from_str(include_str!("alembic_oracle/shapes.json")).expect("shapes.json is JSON");
    let strings = |value: &Value| -> Vec<String> {
        value.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect()
    };
    shapes["shapes"]
        .as_array()
        .expect("a list of shapes")
        .iter()
        .map(|shape| Case {
            name: shape["name"].as_str().unwrap_or_default().to_owned(),
            revisions: shape["revisions"]
                .as_array()
                .expect("a list of revisions")
                .iter()
                .map(|r| Rev {
                    id: r["id"].as_str().unwrap_or_default().to_owned(),
                    down: strings(&r["down"]),
                    depends_on: strings(&r["depends_on"]),
                    labels: strings(&r["labels"]),
                })
                .collect(),
            queries: Vec::new(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Queries

/// What each revision requires, labels in `depends_on` resolved (valid graphs only).
fn requirements(revisions: &[Rev]) -> HashMap<&str, Vec<&str>> {
    let by_label: HashMap<&str, &str> =
        revisions.iter().flat_map(|r| r.labels.iter().map(move |l| (l.as_str(), r.id.as_str()))).collect();
    revisions
        .iter()
        .map(|r| {
            let mut needs: Vec<&str> = r.down.iter().map(String::as_str).collect();
            needs.extend(r.depends_on.iter().map(|d| by_label.get(d.as_str()).copied().unwrap_or(d)));
            (r.id.as_str(), needs)
        })
        .collect()
}

/// A version table a real run could leave: the heads of a set closed under requirements.
fn random_current(rng: &mut Lcg, revisions: &[Rev]) -> Vec<String> {
    let requires = requirements(revisions);
    let mut applied: BTreeSet<&str> = BTreeSet::new();
    let picks = 1 + rng.below(2);
    let mut stack: Vec<&str> =
        revisions.iter().filter(|_| rng.chance(3)).map(|r| r.id.as_str()).take(picks).collect();
    while let Some(id) = stack.pop() {
        if applied.insert(id) {
            stack.extend(requires.get(id).into_iter().flatten().copied());
        }
    }
    let required: BTreeSet<&str> =
        applied.iter().flat_map(|id| requires.get(id).into_iter().flatten().copied()).collect();
    revisions
        .iter()
        .filter(|r| applied.contains(r.id.as_str()) && !required.contains(r.id.as_str()))
        .map(|r| r.id.clone())
        .collect()
}

/// Every kind of target, built from the graph's ids and labels.
fn targets(rng: &mut Lcg, revisions: &[Rev]) -> Vec<String> {
    let mut targets: Vec<String> =
        ["head", "heads", "base", "+1", "+2", "-1", "-2", "head-1", "head-2", "base+1", "base+2"]
            .iter()
            .map(|t| (*t).to_owned())
            .collect();
    let labels: Vec<&String> = revisions.iter().flat_map(|r| r.labels.iter()).collect();
    for _ in 0..4 {
        if revisions.is_empty() {
            break;
        }
        let id = &rng.pick(revisions).id;
        let prefix = &id[..id.len().min(3 + rng.below(2))];
        targets.extend([
            id.clone(),
            prefix.to_owned(),
            format!("{id}+1"),
            format!("{id}-1"),
            format!("{id}@-1"),
            format!("{id}@head"),
            format!("{id}@base"),
            format!("{id}@+1"),
        ]);
        if let Some(label) = labels.get(rng.below(labels.len().max(1))) {
            targets.extend([
                (*label).clone(),
                label[..label.len().min(4)].to_owned(),
                format!("{label}@head"),
                format!("{label}@heads"),
                format!("{label}@base"),
                format!("{label}@+1"),
                format!("{label}@+2"),
                format!("{label}@-1"),
                format!("{label}@base+1"),
                format!("{label}@head-1"),
                format!("{label}@{id}"),
                format!("{label}@{prefix}"),
            ]);
        }
    }
    targets.sort();
    targets.dedup();
    targets
}

fn add_queries(rng: &mut Lcg, case: &mut Case, per_target: usize) {
    case.queries.push(Query::Graph);
    let targets = targets(rng, &case.revisions);
    let mut currents: Vec<Vec<String>> = vec![Vec::new()];
    for _ in 0..3 {
        let current = random_current(rng, &case.revisions);
        if !currents.contains(&current) {
            currents.push(current);
        }
    }
    for target in &targets {
        if !target.contains(['+', '-']) || target.ends_with("@-1") {
            case.queries.push(Query::Revision { target: target.clone() });
        }
        for _ in 0..per_target {
            let current = rng.pick(&currents).clone();
            case.queries.push(match rng.below(4) {
                0 => Query::Resolve { target: target.clone(), current },
                1 | 2 => Query::Upgrade { target: target.clone(), current },
                _ => Query::Downgrade { target: target.clone(), current },
            });
        }
    }
    for _ in 0..6 {
        let lower = ["", "base", "current", rng.pick(&targets).as_str()];
        let upper = ["", "heads", "head", "current", rng.pick(&targets).as_str()];
        let range = format!("{}:{}", rng.pick(&lower), rng.pick(&upper));
        case.queries.push(Query::History { range, current: rng.pick(&currents).clone() });
    }
}

// ---------------------------------------------------------------------------------------------
// Our answers, in the oracle's shape

fn error_kind(error: &Error) -> String {
    let debug = format!("{error:?}");
    debug.split([' ', '(', '{']).next().unwrap_or_default().to_owned()
}

fn refused(error: &Error) -> Value {
    json!({"error": error_kind(error), "message": error.to_string()})
}

fn ours(graph: &RevisionGraph, query: &Query) -> Value {
    let ids = |revisions: Vec<&str>| json!(revisions);
    let answer = match query {
        Query::Graph => {
            let labels: BTreeMap<&str, Vec<&String>> = graph
                .revisions()
                .map(|r| {
                    let mut labels: Vec<&String> = r.branch_labels().iter().collect();
                    labels.sort();
                    (r.id(), labels)
                })
                .collect();
            Ok(json!({
                "heads": graph.heads(),
                "real_heads": graph.heads_nothing_depends_on(),
                "bases": graph.bases(),
                "real_bases": graph.bases_depending_on_nothing(),
                "labels": labels,
            }))
        }
        Query::Resolve { target, current } => graph.resolve(target, current).map(ids),
        Query::Revision { target } => graph.resolve_one(target).map(|r| json!(r.map(|r| r.id()))),
        Query::Upgrade { target, current } => {
            graph.upgrade_plan(current, target).map(|plan| plan_json(&plan))
        }
        Query::Downgrade { target, current } => {
            graph.downgrade_plan(current, target).map(|plan| plan_json(&plan))
        }
        Query::History { range, current } => {
            graph.history(range, current).map(|revisions| ids(revisions.iter().map(|r| r.id()).collect()))
        }
    };
    match answer {
        Ok(value) => json!({"ok": value}),
        Err(error) => refused(&error),
    }
}

fn plan_json(plan: &migrate_core::Plan) -> Value {
    json!(
        plan.steps
            .iter()
            .map(|step| {
                debug_assert!(matches!(step.direction, Direction::Upgrade | Direction::Downgrade));
                let mut heads = step.heads_after.clone();
                heads.sort();
                json!([step.revision, heads])
            })
            .collect::<Vec<_>>()
    )
}

// ---------------------------------------------------------------------------------------------
// Comparing

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// Ours differs on purpose; the book lists it with the reason and what Alembic does.
    Deliberate,
    /// Alembic is at fault (a crash, a missed defect, an answer that breaks its own rules).
    AlembicDefect,
}

/// The answer with its order forgotten: sorted lists, and for plans the steps and the final heads.
fn unordered(query: &Query, answer: &Value) -> Value {
    let Some(ok) = answer.get("ok") else {
        return json!("refused");
    };
    match query {
        Query::Upgrade { .. } | Query::Downgrade { .. } => {
            let steps = ok.as_array().cloned().unwrap_or_default();
            let mut revisions: Vec<String> =
                steps.iter().map(|s| s[0].as_str().unwrap_or_default().to_owned()).collect();
            revisions.sort();
            json!({"steps": revisions, "heads": steps.last().map(|s| s[1].clone())})
        }
        Query::Resolve { .. } | Query::History { .. } => {
            let mut items: Vec<String> =
                ok.as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or("").to_owned()).collect();
            items.sort();
            json!(items)
        }
        Query::Graph => {
            let sorted = |v: &Value| {
                let mut items: Vec<String> =
                    v.as_array().into_iter().flatten().map(|v| v.as_str().unwrap_or("").to_owned()).collect();
                items.sort();
                json!(items)
            };
            json!({
                "heads": sorted(&ok["heads"]),
                "real_heads": sorted(&ok["real_heads"]),
                "bases": sorted(&ok["bases"]),
                "real_bases": sorted(&ok["real_bases"]),
                "labels": ok["labels"],
            })
        }
        Query::Revision { .. } => ok.clone(),
    }
}

fn error_of(answer: &Value) -> Option<&str> {
    answer.get("error").and_then(Value::as_str)
}

/// Whether our error is the kind Alembic raised: its `MultipleHeads`, its `ResolutionError`
/// (a name that names nothing), its `RangeNotAncestorError`, and its plain `RevisionError`, which
/// covers everything else (walks, directions, cycles).
fn same_error_kind(ours: &str, alembic: &str) -> bool {
    match alembic {
        "MultipleHeads" => ours == "MultipleHeads",
        "ResolutionError" => matches!(ours, "UnknownTarget" | "AmbiguousPrefix" | "NotOnBranch"),
        "RangeNotAncestorError" => {
            matches!(ours, "NotAnAncestor" | "DowngradeTargetNotApplied" | "DowngradeTargetOnlyDependedOn")
        }
        _ => true,
    }
}

/// Why a difference is allowed, if it is: a documented deliberate difference or Alembic's defect.
fn classify(case: &Case, query: &Query, ours: &Value, theirs: &Value) -> Option<(Class, String)> {
    classify_reason(case, query, ours, theirs).map(|(class, reason)| {
        let crash = error_of(theirs).and_then(|e| e.strip_prefix("crash:"));
        (
            class,
            match crash {
                Some(crash) => format!("{reason} ({crash})"),
                None => reason.to_owned(),
            },
        )
    })
}

fn classify_reason(
    case: &Case,
    query: &Query,
    ours: &Value,
    theirs: &Value,
) -> Option<(Class, &'static str)> {
    let target = query.target();
    let current = query.current();
    let theirs_error = error_of(theirs);
    let ours_error = error_of(ours);
    if theirs_error.is_some_and(|e| e.starts_with("crash:")) {
        // Alembic gives no answer to compare with; ours must at least be a plan that can run.
        let valid = match (query, ours.get("ok").and_then(Value::as_array)) {
            (Query::Upgrade { .. }, Some(steps)) => plan_runs(case, current, steps, true),
            (Query::Downgrade { .. }, Some(steps)) => plan_runs(case, current, steps, false),
            _ => true,
        };
        return valid.then_some((Class::AlembicDefect, "Alembic crashes instead of answering"));
    }
    let on_label = |t: &str| {
        t.split_once('@')
            .is_some_and(|(name, _)| case.revisions.iter().any(|r| r.labels.iter().any(|l| l == name)))
    };
    let theirs_names_none =
        theirs.get("ok").and_then(Value::as_array).is_some_and(|ids| ids.iter().any(Value::is_null));
    if ours_error == Some("BranchNotApplied") && theirs_error.is_none() {
        return Some((
            Class::Deliberate,
            "`label@-N` walks down only from an applied revision of that branch: Alembic walks from any current head on the label's lineage and reverts shared revisions while nothing of the branch is applied",
        ));
    }
    if ours_error == Some("RelativeOutOfRange")
        && theirs_error.is_none()
        && (case.revisions.is_empty() || relative_anchor(target).is_some_and(|a| a == "base"))
    {
        return Some((
            Class::AlembicDefect,
            "walking down from base (`base-1`, or `head-1` in an empty graph): Alembic starts again from the heads or stays at base instead of refusing",
        ));
    }
    if theirs_error == Some("RevisionError")
        && theirs["message"].as_str().is_some_and(|m| m.contains("overlaps with other requested"))
        && ours_error.is_none()
    {
        return Some((
            Class::AlembicDefect,
            "`label@heads` where one of those heads depends on another: Alembic refuses the overlap though the upgrade is well defined",
        ));
    }
    if let (Query::Downgrade { .. } | Query::Upgrade { .. }, Some(ours_steps), Some(theirs_steps)) =
        (query, ours.get("ok").and_then(Value::as_array), theirs.get("ok").and_then(Value::as_array))
        && only_non_head_rows_differ(case, ours_steps, theirs_steps)
    {
        return Some((
            Class::AlembicDefect,
            "Alembic's version table keeps a row another row requires (not a head), e.g. both parents after reverting a merge",
        ));
    }
    match query {
        Query::Resolve { .. } if theirs_names_none && ours_error == Some("RelativeOutOfRange") => Some((
            Class::AlembicDefect,
            "`<rev>+N` past a head: Alembic names no revision (None), and its upgrade then crashes",
        )),
        Query::History { current, .. } => {
            let (lower, upper) = target.split_once(':').unwrap_or_default();
            if target.contains("current") && current.is_empty() && (lower != "current" || upper != "current")
            {
                Some((
                    Class::AlembicDefect,
                    "`current` in a history range with nothing applied: Alembic reads the empty version table as `heads` (or `base`)",
                ))
            } else if lower == "current" && upper == "current" && theirs_error.is_some() {
                Some((
                    Class::AlembicDefect,
                    "`history current:current`: Alembic replaces only one side's `current`, then can't read the other",
                ))
            } else if relative_anchor(lower).is_some_and(|anchor| !anchor.is_empty())
                && theirs_error.is_some()
            {
                Some((
                    Class::Deliberate,
                    "a history bound may be any target (`<rev>-1`, `head-2`, `base+1`): Alembic reads only ids, symbols and bare `-N` as a lower bound",
                ))
            } else if relative_anchor(lower) == Some("") {
                Some((
                    Class::Deliberate,
                    "a bare relative lower bound (`-3:current`) counts down from the upper bound: Alembic counts from the graph's heads whatever the upper bound",
                ))
            } else {
                None
            }
        }
        Query::Downgrade { .. } if target.ends_with("@base") && on_label(target) && ours_error.is_none() => {
            Some((Class::Deliberate, "`label@base` downgrades only that branch's own revisions"))
        }
        Query::Downgrade { .. } | Query::Resolve { .. }
            if ours_error == Some("AmbiguousWalk") && target.starts_with('-') && current.len() > 1 =>
        {
            Some((Class::Deliberate, "a relative `-N` from several current heads is an error"))
        }
        _ => None,
    }
}

/// Whether a plan can run from `current`: each upgrade step finds what it requires applied, each
/// downgrade step reverts an applied revision nothing applied still requires, and every step
/// records the heads of what is applied.
fn plan_runs(case: &Case, current: &[String], steps: &[Value], upgrade: bool) -> bool {
    let requires = requirements(&case.revisions);
    let needs = |id: &str| requires.get(id).cloned().unwrap_or_default();
    let mut applied: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = current.to_vec();
    while let Some(id) = stack.pop() {
        if applied.insert(id.clone()) {
            stack.extend(needs(&id).into_iter().map(str::to_owned));
        }
    }
    steps.iter().all(|step| {
        let Some(id) = step[0].as_str() else { return false };
        let ok = if upgrade {
            needs(id).iter().all(|need| applied.contains(*need)) && applied.insert(id.to_owned())
        } else {
            applied.remove(id) && !applied.iter().any(|other| needs(other).contains(&id))
        };
        let required: BTreeSet<&str> = applied.iter().flat_map(|id| needs(id)).collect();
        let heads: Vec<&str> =
            applied.iter().map(String::as_str).filter(|id| !required.contains(id)).collect();
        let recorded: Vec<&str> =
            step[1].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        ok && heads == recorded
    })
}

/// Whether the two plans take the same steps and differ only in rows Alembic keeps that are not
/// heads: after each step, Alembic's rows less those another row requires are our heads.
fn only_non_head_rows_differ(case: &Case, ours: &[Value], theirs: &[Value]) -> bool {
    let requires = requirements(&case.revisions);
    let below = |id: &str| {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack: Vec<&str> = requires.get(id).into_iter().flatten().copied().collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                stack.extend(requires.get(id).into_iter().flatten().copied());
            }
        }
        seen
    };
    let rows = |step: &Value| -> Vec<String> {
        step[1].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
    };
    ours.len() == theirs.len()
        && ours.iter().zip(theirs).all(|(ours, theirs)| {
            let theirs_rows = rows(theirs);
            let required: BTreeSet<String> =
                theirs_rows.iter().flat_map(|row| below(row)).map(str::to_owned).collect();
            let heads: Vec<String> =
                theirs_rows.iter().filter(|row| !required.contains(*row)).cloned().collect();
            ours[0] == theirs[0] && heads == rows(ours)
        })
}

/// The revision (or symbol) a relative target counts from: `""` for a bare `-N` or `label@-N`;
/// `None` when the target is not relative.
fn relative_anchor(target: &str) -> Option<&str> {
    let expression = target.split_once('@').map_or(target, |(_, expression)| expression);
    let at = expression.rfind(['+', '-'])?;
    let digits = &expression[at + 1..];
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| &expression[..at])
}

struct Tally {
    queries: usize,
    same: usize,
    exact: usize,
    allowed: BTreeMap<(Class, String), usize>,
    by_kind: BTreeMap<&'static str, (usize, usize, usize)>,
    mismatches: Vec<Value>,
    /// Answers in another order in graphs where a revision has several `depends_on`, which
    /// Alembic keeps in a Python set: its order there follows the string hash seed.
    set_order: usize,
    /// Queries both refuse, and of those, refused with the corresponding error kind.
    both_refuse: usize,
    same_error_kind: usize,
    other_error_kinds: BTreeMap<String, usize>,
    /// Plans in Alembic's order whose version table differs only by Alembic's non-head rows.
    non_head_rows: usize,
    /// The same answers in another valid order, for the report.
    other_order: Vec<Value>,
    /// Every allowed difference, for the report.
    allowed_records: Vec<Value>,
}

// ---------------------------------------------------------------------------------------------

fn alembic_answers(python: &str, cases: &[Case]) -> Value {
    let request = json!({
        "cases": cases.iter().map(|case| json!({
            "revisions": case.revisions.iter().map(|r| json!({
                "id": r.id, "down": r.down, "depends_on": r.depends_on, "labels": r.labels,
            })).collect::<Vec<_>>(),
            "queries": case.queries.iter().map(Query::to_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alembic_oracle/oracle.py");
    let mut child = Command::new(python)
        .arg(script)
        // Alembic iterates sets of ids in places; a fixed hash seed keeps its answers stable.
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("can't run {python}: {error}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let body = request.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(body.as_bytes()));
    let output = child.wait_with_output().expect("the oracle runs");
    writer.join().expect("writer thread").expect("the oracle reads its input");
    assert!(output.status.success(), "oracle.py failed: {}", output.status);
    serde_json::from_slice(&output.stdout).expect("the oracle prints JSON")
}

fn specs(revisions: &[Rev]) -> Vec<RevisionSpec> {
    revisions
        .iter()
        .map(|r| {
            RevisionSpec::new(r.id.clone())
                .down_revisions(r.down.clone())
                .depends_on(r.depends_on.clone())
                .branch_labels(r.labels.clone())
        })
        .collect()
}

#[test]
fn the_graph_gives_alembics_answers() {
    let Ok(python) = std::env::var("MIGRATE_TEST_ALEMBIC_PYTHON") else {
        println!(
            "alembic oracle skipped: set MIGRATE_TEST_ALEMBIC_PYTHON to a Python with alembic==1.20.1 (`.ci/run` makes one in target/alembic-venv)"
        );
        return;
    };
    let graphs: usize =
        std::env::var("MIGRATE_ORACLE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(400);
    let seed: u64 =
        std::env::var("MIGRATE_ORACLE_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(0x00a1_eb1c);
    let mut rng = Lcg(seed);
    let mut cases = alembic_shapes();
    for case in &mut cases {
        add_queries(&mut rng, case, 3);
    }
    for number in 0..graphs {
        let mut case = random_graph(&mut rng, number);
        add_queries(&mut rng, &mut case, 1);
        cases.push(case);
    }

    let started = std::time::Instant::now();
    let answers = alembic_answers(&python, &cases);
    let alembic_time = started.elapsed();
    let mut tally = Tally {
        queries: 0,
        same: 0,
        exact: 0,
        allowed: BTreeMap::new(),
        by_kind: BTreeMap::new(),
        mismatches: Vec::new(),
        allowed_records: Vec::new(),
        other_order: Vec::new(),
        non_head_rows: 0,
        set_order: 0,
        both_refuse: 0,
        same_error_kind: 0,
        other_error_kinds: BTreeMap::new(),
    };
    for (case, answer) in cases.iter().zip(answers["cases"].as_array().expect("one answer per case")) {
        compare_case(case, answer, &mut tally);
    }

    let deliberate: usize =
        tally.allowed.iter().filter(|((class, _), _)| *class == Class::Deliberate).map(|(_, n)| n).sum();
    let defects: usize =
        tally.allowed.iter().filter(|((class, _), _)| *class == Class::AlembicDefect).map(|(_, n)| n).sum();
    let comparable = tally.queries - deliberate - defects;
    let percent = |n: usize| 100.0 * n as f64 / comparable.max(1) as f64;
    println!(
        "alembic oracle: Alembic {}, {} graphs ({} of Alembic's test shapes, {graphs} random, seed {seed:#x}), Alembic took {:.1} s",
        answers["alembic"].as_str().unwrap_or("?"),
        cases.len(),
        cases.len() - graphs,
        alembic_time.as_secs_f64(),
    );
    println!(
        "  {} queries: {deliberate} deliberate differences, {defects} Alembic defects (ours better), {comparable} comparable; of those, same answer {:.2}%, Alembic's exact order {:.2}%",
        tally.queries,
        percent(tally.same),
        percent(tally.exact),
    );
    println!(
        "  ({} queries both refuse; {} of them with the corresponding error kind, the others with these kinds:)",
        tally.both_refuse, tally.same_error_kind
    );
    for (pair, count) in &tally.other_error_kinds {
        println!("    - {count} {pair}");
    }
    println!(
        "  ({} of the answers in another order are in graphs where a revision has several depends_on, which Alembic keeps in a Python set: its order there follows the string hash seed)",
        tally.set_order
    );
    println!(
        "  ({} plans in Alembic's order where Alembic's version table keeps, after some step, a row another row requires; ours keeps the heads)",
        tally.non_head_rows
    );
    for (kind, (count, same, exact)) in &tally.by_kind {
        println!("  - {kind}: {count} queries, {same} same answer, {exact} exact order");
    }
    for ((class, reason), count) in &tally.allowed {
        let class = match class {
            Class::Deliberate => "deliberate",
            Class::AlembicDefect => "ours-better (Alembic defect)",
        };
        println!("  - {count} {class}: {reason}");
    }
    for mismatch in tally.mismatches.iter().take(20) {
        println!("MISMATCH {mismatch}");
    }
    if let Ok(path) = std::env::var("MIGRATE_ORACLE_REPORT") {
        let lines: Vec<String> = tally.mismatches.iter().map(Value::to_string).collect();
        std::fs::write(&path, lines.join("\n")).expect("the report is written");
        let lines: Vec<String> = tally.allowed_records.iter().map(Value::to_string).collect();
        std::fs::write(format!("{path}.allowed"), lines.join("\n")).expect("the report is written");
        let lines: Vec<String> = tally.other_order.iter().map(Value::to_string).collect();
        std::fs::write(format!("{path}.order"), lines.join("\n")).expect("the report is written");
    }
    assert!(
        tally.mismatches.is_empty(),
        "{} answers differ from Alembic's (first ones printed above)",
        tally.mismatches.len()
    );
}

fn compare_case(case: &Case, answer: &Value, tally: &mut Tally) {
    let built = RevisionGraph::new(specs(&case.revisions));
    let alembic_built = &answer["build"];
    let alembic_warned = alembic_built["warnings"].as_array().is_some_and(|w| !w.is_empty());
    tally.queries += 1;
    let entry = tally.by_kind.entry("build").or_default();
    entry.0 += 1;
    let theirs_error = error_of(alembic_built);
    match (&built, theirs_error) {
        (Ok(_), None) | (Err(_), Some(_)) => {
            tally.same += 1;
            tally.exact += 1;
            entry.1 += 1;
            entry.2 += 1;
        }
        (Err(error), None) => {
            let reason = match error {
                Error::DuplicateRevision { .. } if alembic_warned => {
                    "a duplicate id: Alembic only warns and keeps the last"
                }
                Error::Cycle { .. } | Error::DependencyCycle { .. } => "a cycle Alembic misses",
                Error::UnknownDownRevision { .. } | Error::UnknownDependency { .. } if alembic_warned => {
                    "a dangling reference: Alembic only warns"
                }
                _ => {
                    tally.mismatches.push(json!({"case": case.name, "kind": "build", "ours": error.to_string(), "alembic": alembic_built}));
                    return;
                }
            };
            *tally.allowed.entry((Class::AlembicDefect, reason.to_owned())).or_default() += 1;
            return;
        }
        (Ok(_), Some(kind)) => {
            if kind.starts_with("crash:") {
                *tally
                    .allowed
                    .entry((
                        Class::AlembicDefect,
                        format!("Alembic crashes building a graph we accept ({kind})"),
                    ))
                    .or_default() += 1;
            } else {
                tally.mismatches.push(
                    json!({"case": case.name, "kind": "build", "ours": "built", "alembic": alembic_built}),
                );
            }
            return;
        }
    }
    let Ok(graph) = built else { return };
    for (query, theirs) in case.queries.iter().zip(answer["answers"].as_array().into_iter().flatten()) {
        let ours = ours(&graph, query);
        tally.queries += 1;
        let entry = tally.by_kind.entry(query.kind()).or_default();
        entry.0 += 1;
        let both_refuse =
            error_of(&ours).is_some() && error_of(theirs).is_some_and(|e| !e.starts_with("crash:"));
        if both_refuse {
            tally.both_refuse += 1;
            let (ours_kind, theirs_kind) =
                (error_of(&ours).unwrap_or_default(), error_of(theirs).unwrap_or_default());
            if same_error_kind(ours_kind, theirs_kind) {
                tally.same_error_kind += 1;
            } else {
                *tally
                    .other_error_kinds
                    .entry(format!("{ours_kind} for Alembic's {theirs_kind}"))
                    .or_default() += 1;
            }
        }
        let mut exact = both_refuse || ours.get("ok") == theirs.get("ok") && ours.get("ok").is_some();
        let same = exact || (ours.get("ok").is_some() && unordered(query, &ours) == unordered(query, theirs));
        // The same steps in the same order, where only Alembic's version table keeps rows that
        // are not heads after some step (its defect): Alembic's order.
        if same
            && !exact
            && let (Some(ours_steps), Some(theirs_steps)) =
                (ours.get("ok").and_then(Value::as_array), theirs.get("ok").and_then(Value::as_array))
            && matches!(query, Query::Upgrade { .. } | Query::Downgrade { .. })
            && only_non_head_rows_differ(case, ours_steps, theirs_steps)
        {
            exact = true;
            tally.non_head_rows += 1;
        }
        if same {
            tally.same += 1;
            entry.1 += 1;
            if exact {
                tally.exact += 1;
                entry.2 += 1;
            } else {
                if case.revisions.iter().any(|r| r.depends_on.len() > 1) {
                    tally.set_order += 1;
                }
                tally.other_order.push(json!({
                    "case": case.name,
                    "revisions": case.revisions.iter().map(|r| json!({"id": r.id, "down": r.down, "depends_on": r.depends_on, "labels": r.labels})).collect::<Vec<_>>(),
                    "kind": query.kind(),
                    "target": query.target(),
                    "current": query.current(),
                    "ours": ours,
                    "alembic": theirs,
                }));
            }
            continue;
        }
        let record = json!({
            "case": case.name,
            "kind": query.kind(),
            "target": query.target(),
            "current": query.current(),
            "revisions": case.revisions.iter().map(|r| format!("{}<-{:?} dep{:?} lbl{:?}", r.id, r.down, r.depends_on, r.labels)).collect::<Vec<_>>(),
            "ours": ours,
            "alembic": theirs,
        });
        match classify(case, query, &ours, theirs) {
            Some(allowed) => {
                tally.allowed_records.push(
                    json!({"class": format!("{:?}", allowed.0), "reason": allowed.1, "record": record}),
                );
                *tally.allowed.entry(allowed).or_default() += 1;
            }
            None => tally.mismatches.push(record),
        }
    }
}
