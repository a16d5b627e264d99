//! The revision graph: plain data in, plain answers out (no globals, no I/O, no async).
//!
//! Built from [`RevisionSpec`]s, it checks the graph (ids, cycles, unknown links, labels), resolves
//! targets and plans upgrades and downgrades with the heads the version table holds after each step.
//! Alembic's revision map is the behaviour reference; every walk is iterative and about linear in
//! revisions plus links.
//!
//! ```
//! use migrate_core::{RevisionGraph, RevisionSpec};
//!
//! let graph = RevisionGraph::new([
//!     RevisionSpec::new("1975ea83b712"),
//!     RevisionSpec::new("ae1027a6acf").down_revision("1975ea83b712"),
//!     RevisionSpec::new("27c6a30d7c24").down_revision("1975ea83b712").branch_labels(["shoppingcart"]),
//! ])?;
//! assert_eq!(graph.heads(), ["ae1027a6acf", "27c6a30d7c24"]);
//! assert_eq!(graph.resolve("shoppingcart@head", &[] as &[&str])?, ["27c6a30d7c24"]);
//! let plan = graph.upgrade_plan(&["1975ea83b712"], "ae10")?;
//! assert_eq!(plan.steps[0].heads_after, ["ae1027a6acf"]);
//! # Ok::<(), migrate_core::Error>(())
//! ```
//!
//! Targets (read as Alembic's revision map reads them; `book/src/revisions.md` lists where and why
//! ours differs):
//! - a revision id, a branch label (its declaring revision), or a partial id: the start of exactly
//!   one id or label of four characters or more;
//! - `head` (the one head; several is an error), `heads` (the heads nothing depends on), `base`,
//!   `current` (the database's heads);
//! - `name@...` limits these to the line of `name` (a label or a revision): its ancestors and
//!   descendants; a downgrade's `label@rev` names `rev` and limits what is reverted to the branch;
//!   a downgrade to `label@base` reverts that branch's own revisions;
//! - relative steps: `+N`/`-N` from the current heads, `<rev>+N`, `head-N`, `base+N`, `label@+N`
//!   (up the branch's own line), `label@-N` and `<rev>@-N` (down from the applied head of that
//!   line; never from another branch); a step past a head or base, or through a branch or merge
//!   point, is an error naming the choices.
//!
//! A branch label names its branch: the labelled revision, its descendants, and (when its line
//! has one tip) the revisions below down to the nearest branch point or merge point.
//!
//! Where several orders are valid, plans and history take Alembic's, with ties broken by the
//! order the revisions were given (callers give ascending revision id, as Alembic's script
//! directory does).

mod order;
mod plan;
mod spec;
mod squash;
mod target;

use std::borrow::Cow;
use std::collections::HashMap;

use migrate_names::{Name, Problem};

use crate::error::{Error, Result};

pub use plan::{Plan, Step};
pub use spec::RevisionSpec;

/// Words that mean a place in the graph, so no revision id or branch label may be one.
use migrate_names::RESERVED;

/// One revision in a built graph. Its lists are boxed slices, allocated at their length: a graph
/// keeps one of these per revision for as long as the program runs.
#[derive(Debug, Clone)]
pub struct Revision {
    id: String,
    down_revisions: Box<[String]>,
    depends_on: Box<[String]>,
    own_branch_labels: Box<[String]>,
    branch_labels: Box<[String]>,
    replaces: Box<[String]>,
    message: String,
    origin: Cow<'static, str>,
    parents: Box<[usize]>,
    dependencies: Box<[usize]>,
    children: Box<[usize]>,
    dependents: Box<[usize]>,
}

impl Revision {
    /// The revision id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The revisions this one follows.
    pub fn down_revisions(&self) -> &[String] {
        &self.down_revisions
    }

    /// The revisions this one depends on, branch labels resolved to revision ids.
    pub fn depends_on(&self) -> &[String] {
        &self.depends_on
    }

    /// The branch labels this revision declares itself.
    pub fn own_branch_labels(&self) -> &[String] {
        &self.own_branch_labels
    }

    /// Every branch label this revision belongs to: its own and those inherited along its branch.
    pub fn branch_labels(&self) -> &[String] {
        &self.branch_labels
    }

    /// The revisions this one squashes, oldest first: none unless it is a squash.
    pub fn replaces(&self) -> &[String] {
        &self.replaces
    }

    /// The human description.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the revision is declared.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// No revision follows this one.
    pub fn is_head(&self) -> bool {
        self.children.is_empty()
    }

    /// This revision follows no other.
    pub fn is_base(&self) -> bool {
        self.parents.is_empty()
    }

    /// This revision joins several branches.
    pub fn is_merge_point(&self) -> bool {
        self.parents.len() > 1
    }

    /// Several revisions follow this one.
    pub fn is_branch_point(&self) -> bool {
        self.children.len() > 1
    }

    /// Revisions that must be applied before this one: parents, then dependencies.
    fn requirements(&self) -> impl Iterator<Item = usize> + '_ {
        self.parents.iter().chain(&self.dependencies).copied()
    }

    /// The `n`-th requirement counting from the last: dependencies last-first, then parents.
    fn requirement_from_last(&self, n: usize) -> Option<usize> {
        let dependencies = self.dependencies.len();
        if n < dependencies {
            Some(self.dependencies[dependencies - 1 - n])
        } else {
            let parents = self.parents.len();
            (n - dependencies < parents).then(|| self.parents[parents - 1 - (n - dependencies)])
        }
    }

    /// Revisions that require this one: children, then dependents.
    fn required_by(&self) -> impl Iterator<Item = usize> + '_ {
        self.children.iter().chain(&self.dependents).copied()
    }
}

/// The directed acyclic graph of revisions: merges, branch points, labels, dependencies.
#[derive(Debug, Clone)]
pub struct RevisionGraph {
    nodes: Vec<Revision>,
    by_id: HashMap<String, usize>,
    by_label: HashMap<String, usize>,
    /// Every revision, requirements before the revisions that need them (upgrade order).
    order: Vec<usize>,
    /// The revisions nothing follows nor depends on, in declaration order (Alembic's real heads).
    real_heads: Vec<usize>,
    /// The revisions squashes replaced, each with its squash: kept out of the graph.
    replaced: HashMap<String, squash::Replaced>,
    /// Dependencies that Alembic's normalization drops because a `down_revision` ancestor
    /// declares them too, by revision (usually none); Alembic's order does not follow them.
    dropped_dependencies: HashMap<usize, Vec<usize>>,
}

impl RevisionGraph {
    /// Builds and checks the graph; an error names the revisions (and their origins) at fault.
    /// The order of `specs` is kept: where several plan orders are valid, it breaks the tie, as
    /// in Alembic (give them in ascending revision id, as the registry and Alembic's script
    /// directory do).
    pub fn new(specs: impl IntoIterator<Item = RevisionSpec>) -> Result<Self> {
        let squash::Split { kept: specs, replaced } = squash::split(specs.into_iter().collect())?;
        let mut by_id = HashMap::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            check_name(&spec.revision, Name::Revision).map_err(|reason| Error::InvalidRevisionId {
                revision: spec.revision.clone(),
                origin: spec.origin.to_string(),
                reason,
            })?;
            if let Some(&first) = by_id.get(spec.revision.as_str()) {
                let first: &RevisionSpec = &specs[first];
                return Err(Error::DuplicateRevision {
                    revision: spec.revision.clone(),
                    first: first.origin.to_string(),
                    second: spec.origin.to_string(),
                });
            }
            by_id.insert(spec.revision.clone(), index);
        }
        let by_label = map_labels(&specs, &by_id)?;

        let mut links = Vec::with_capacity(specs.len());
        for spec in &specs {
            let mut parents: Vec<usize> = Vec::with_capacity(spec.down_revisions.len());
            for down in &spec.down_revisions {
                let index = by_id.get(down.as_str()).copied().ok_or_else(|| Error::UnknownDownRevision {
                    revision: spec.revision.clone(),
                    origin: spec.origin.to_string(),
                    down_revision: down.clone(),
                    suggestions: closest(down, by_id.keys()),
                })?;
                if !parents.contains(&index) {
                    parents.push(index);
                }
            }
            let mut dependencies = Vec::with_capacity(spec.depends_on.len());
            let mut parent_dependencies = Vec::new();
            for dependency in &spec.depends_on {
                let index = by_id
                    .get(dependency.as_str())
                    .or_else(|| by_label.get(dependency.as_str()))
                    .copied()
                    .ok_or_else(|| Error::UnknownDependency {
                        revision: spec.revision.clone(),
                        origin: spec.origin.to_string(),
                        dependency: dependency.clone(),
                        suggestions: closest(dependency, by_id.keys().chain(by_label.keys())),
                    })?;
                if parents.contains(&index) {
                    parent_dependencies.push(index);
                } else if !dependencies.contains(&index) {
                    dependencies.push(index);
                }
            }
            links.push((parents, dependencies, parent_dependencies));
        }
        let parent_dependencies: Vec<Vec<usize>> =
            links.iter().map(|(_, _, parent_dependencies)| parent_dependencies.clone()).collect();
        let depends_on: Vec<Vec<String>> = links
            .iter()
            .map(|(_, dependencies, _)| dependencies.iter().map(|&d| specs[d].revision.clone()).collect())
            .collect();
        let mut children = vec![Vec::new(); specs.len()];
        let mut dependents = vec![Vec::new(); specs.len()];
        for (index, (parents, dependencies, _)) in links.iter().enumerate() {
            for &parent in parents {
                children[parent].push(index);
            }
            for &dependency in dependencies {
                dependents[dependency].push(index);
            }
        }
        let nodes: Vec<Revision> = specs
            .into_iter()
            .zip(links)
            .zip(depends_on)
            .zip(children.into_iter().zip(dependents))
            .map(|(((spec, (parents, dependencies, _)), depends_on), (children, dependents))| Revision {
                id: spec.revision,
                down_revisions: spec.down_revisions.into_boxed_slice(),
                depends_on: depends_on.into_boxed_slice(),
                own_branch_labels: spec.branch_labels.into_boxed_slice(),
                branch_labels: Box::default(),
                replaces: spec.replaces.into_boxed_slice(),
                message: spec.message,
                origin: spec.origin,
                parents: parents.into_boxed_slice(),
                dependencies: dependencies.into_boxed_slice(),
                children: children.into_boxed_slice(),
                dependents: dependents.into_boxed_slice(),
            })
            .collect();

        if let Some(path) = find_cycle(&nodes, |node, n| node.parents.get(n).copied()) {
            return Err(Error::Cycle {
                path: path.iter().map(|&i| nodes[i].id.clone()).collect(),
                origins: path.iter().map(|&i| nodes[i].origin.to_string()).collect(),
            });
        }
        if let Some(path) = find_cycle(&nodes, Revision::requirement_from_last) {
            return Err(Error::DependencyCycle {
                path: path.iter().map(|&i| nodes[i].id.clone()).collect(),
                origins: path.iter().map(|&i| nodes[i].origin.to_string()).collect(),
            });
        }

        let mut graph = RevisionGraph {
            nodes,
            by_id,
            by_label,
            order: Vec::new(),
            real_heads: Vec::new(),
            replaced,
            dropped_dependencies: HashMap::new(),
        };
        graph.real_heads =
            (0..graph.nodes.len()).filter(|&i| graph.nodes[i].required_by().next().is_none()).collect();
        graph.order = graph.upgrade_order(&graph.real_heads, &vec![false; graph.nodes.len()]);
        graph.normalize_dependencies(&parent_dependencies);
        graph.propagate_labels();
        Ok(graph)
    }

    /// The squash that replaced `revision` and the squash's range (oldest first), when one did:
    /// `revision` is not in the graph, and a database at it is at a point inside that range. The
    /// squash may itself be replaced by a later one.
    pub fn squash_of(&self, revision: &str) -> Option<(&str, &[String])> {
        self.replaced.get(revision).map(|replaced| (replaced.squash.as_str(), &replaced.range[..]))
    }

    /// How many revisions the graph holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// The graph holds no revision.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The revision with exactly this id.
    pub fn revision(&self, id: &str) -> Option<&Revision> {
        self.by_id.get(id).map(|&index| &self.nodes[index])
    }

    /// Every revision, each after all it requires (bases first).
    pub fn revisions(&self) -> impl Iterator<Item = &Revision> {
        self.order.iter().map(|&index| &self.nodes[index])
    }

    /// The revisions newer than `revision` (a revision id or a label): those that require it,
    /// directly or through others, by `down_revision` or `depends_on`; not `revision` itself.
    pub fn descendants(&self, revision: &str) -> Result<Vec<&str>> {
        let Some(start) = self.resolve_one(revision)? else { return Ok(Vec::new()) };
        let Some(&start) = self.by_id.get(start.id()) else { return Ok(Vec::new()) };
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![start];
        while let Some(index) = stack.pop() {
            for next in self.nodes[index].required_by() {
                if !seen[next] {
                    seen[next] = true;
                    stack.push(next);
                }
            }
        }
        Ok(self
            .order
            .iter()
            .filter(|&&index| seen[index])
            .map(|&index| self.nodes[index].id.as_str())
            .collect())
    }

    /// The revisions no other revision follows (`down_revision` links), in declaration order.
    pub fn heads(&self) -> Vec<&str> {
        self.nodes.iter().filter(|r| r.is_head()).map(Revision::id).collect()
    }

    /// The revisions that follow no other, in declaration order.
    pub fn bases(&self) -> Vec<&str> {
        self.nodes.iter().filter(|r| r.is_base()).map(Revision::id).collect()
    }

    /// The revisions nothing follows nor depends on, in declaration order: what the `heads` target
    /// upgrades to (Alembic's "real heads").
    pub fn heads_nothing_depends_on(&self) -> Vec<&str> {
        self.real_heads.iter().map(|&index| self.nodes[index].id.as_str()).collect()
    }

    /// The revisions that follow no other and depend on none, in declaration order (Alembic's
    /// "real bases").
    pub fn bases_depending_on_nothing(&self) -> Vec<&str> {
        self.nodes.iter().filter(|r| r.requirements().next().is_none()).map(Revision::id).collect()
    }

    /// Finds the dependencies a `down_revision` ancestor declares too (Alembic drops them from
    /// its normalized dependencies). `parent_dependencies` are the parents each revision also
    /// names in `depends_on`: Alembic counts those declarations.
    fn normalize_dependencies(&mut self, parent_dependencies: &[Vec<usize>]) {
        let mut position = vec![0; self.nodes.len()];
        for (at, &index) in self.order.iter().enumerate() {
            position[index] = at;
        }
        let mut marked = vec![false; self.nodes.len()];
        let mut dropped_dependencies = HashMap::new();
        for index in 0..self.nodes.len() {
            let mut dropped = Vec::new();
            for &dependency in &self.nodes[index].dependencies {
                let dependency_node = &self.nodes[dependency];
                let mut declarers = dependency_node.dependents.iter().chain(
                    dependency_node
                        .children
                        .iter()
                        .filter(|&&child| parent_dependencies[child].contains(&dependency)),
                );
                if declarers.any(|&other| {
                    other != index && self.is_down_ancestor(other, index, &position, &mut marked)
                }) {
                    dropped.push(dependency);
                }
            }
            if !dropped.is_empty() {
                dropped_dependencies.insert(index, dropped);
            }
        }
        self.dropped_dependencies = dropped_dependencies;
    }

    /// The revisions Alembic's order walks down to from `index`: parents, then the dependencies
    /// normalization keeps.
    fn normalized_down(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let node = &self.nodes[index];
        let dropped =
            if self.dropped_dependencies.is_empty() { None } else { self.dropped_dependencies.get(&index) };
        node.parents
            .iter()
            .chain(
                node.dependencies.iter().filter(move |d| dropped.is_none_or(|dropped| !dropped.contains(d))),
            )
            .copied()
    }

    /// Whether `ancestor` lies below `revision` along `down_revision` links. The walk skips
    /// revisions listed before `ancestor` in upgrade order: none of them can lead to it.
    fn is_down_ancestor(
        &self,
        ancestor: usize,
        revision: usize,
        position: &[usize],
        marked: &mut [bool],
    ) -> bool {
        if position[ancestor] >= position[revision] {
            return false;
        }
        let mut stack = vec![revision];
        let mut visited = Vec::new();
        let mut found = false;
        while let Some(index) = stack.pop() {
            for &parent in &self.nodes[index].parents {
                if parent == ancestor {
                    found = true;
                    break;
                }
                if !marked[parent] && position[parent] > position[ancestor] {
                    marked[parent] = true;
                    visited.push(parent);
                    stack.push(parent);
                }
            }
            if found {
                break;
            }
        }
        for index in visited {
            marked[index] = false;
        }
        found
    }

    /// Gives every revision of a labelled branch its label, as Alembic does: the labelled
    /// revision and its descendants along `down_revision` links; then, walking down from the tip
    /// of its line (when the line has one tip), every revision down to (not including) the
    /// nearest branch point (counting `depends_on`) or merge point. So a labelled revision that
    /// is itself a branch point, or whose line branches or merges above it, passes nothing to its
    /// ancestors.
    fn propagate_labels(&mut self) {
        let mut labels: Vec<Vec<String>> = vec![Vec::new(); self.nodes.len()];
        let mut seen = vec![false; self.nodes.len()];
        for start in 0..self.nodes.len() {
            let own = &self.nodes[start].own_branch_labels;
            if own.is_empty() {
                continue;
            }
            let mut stack = vec![start];
            let mut visited = vec![start];
            seen[start] = true;
            while let Some(index) = stack.pop() {
                labels[index].extend(own.iter().cloned());
                for &child in &self.nodes[index].children {
                    if !seen[child] {
                        seen[child] = true;
                        visited.push(child);
                        stack.push(child);
                    }
                }
            }
            for index in visited {
                seen[index] = false;
            }
            let mut tip = start;
            while let [child] = self.nodes[tip].children[..] {
                tip = child;
            }
            if !self.nodes[tip].children.is_empty() {
                continue;
            }
            let mut node = tip;
            loop {
                let here = &self.nodes[node];
                if here.children.len() + here.dependents.len() > 1 || here.is_merge_point() {
                    break;
                }
                labels[node].extend(own.iter().cloned());
                match here.parents[..] {
                    [parent] => node = parent,
                    _ => break,
                }
            }
        }
        for (node, mut labels) in self.nodes.iter_mut().zip(labels) {
            labels.sort();
            labels.dedup();
            node.branch_labels = labels.into_boxed_slice();
        }
    }

    /// The revisions among `targets` and everything they require that are not `done`, in
    /// upgrade order. This is Alembic's order: a depth-first post-order that takes the targets and
    /// each revision's requirements last-first, so each branch is applied as one run and a merge
    /// applies its last parent's branch first.
    fn upgrade_order(&self, targets: &[usize], done: &[bool]) -> Vec<usize> {
        let mut emitted = done.to_vec();
        let mut visiting = vec![false; self.nodes.len()];
        let mut order = Vec::new();
        for &target in targets.iter().rev() {
            if emitted[target] || visiting[target] {
                continue;
            }
            // Each frame: a revision and how many of its requirements were visited.
            let mut stack = vec![(target, 0usize)];
            visiting[target] = true;
            while let Some(frame) = stack.last_mut() {
                let (index, next) = *frame;
                match self.nodes[index].requirement_from_last(next) {
                    Some(required) => {
                        frame.1 += 1;
                        if !emitted[required] && !visiting[required] {
                            visiting[required] = true;
                            stack.push((required, 0));
                        }
                    }
                    None => {
                        stack.pop();
                        emitted[index] = true;
                        order.push(index);
                    }
                }
            }
        }
        order
    }

    /// Marks `starts` and everything they require (ancestors and dependencies).
    fn requirement_closure(&self, starts: &[usize]) -> Vec<bool> {
        self.closure(starts, |node| node.requirements())
    }

    /// Marks `starts` and everything that requires them (descendants and dependents).
    fn dependent_closure(&self, starts: &[usize]) -> Vec<bool> {
        self.closure(starts, |node| node.required_by())
    }

    fn closure<'a, I>(&'a self, starts: &[usize], next: impl Fn(&'a Revision) -> I) -> Vec<bool>
    where
        I: Iterator<Item = usize>,
    {
        let mut marked = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = starts.to_vec();
        for &start in starts {
            marked[start] = true;
        }
        while let Some(index) = stack.pop() {
            for linked in next(&self.nodes[index]) {
                if !marked[linked] {
                    marked[linked] = true;
                    stack.push(linked);
                }
            }
        }
        marked
    }

    /// The indices of the given ids, each of which must be in the graph (the database's heads).
    fn indices_of<S: AsRef<str>>(&self, ids: &[S]) -> Result<Vec<usize>> {
        ids.iter()
            .map(|id| {
                let id = id.as_ref();
                self.by_id.get(id).copied().ok_or_else(|| Error::UnknownRevision { revision: id.to_owned() })
            })
            .collect()
    }

    /// The heads of a closed set of revisions: members nothing else in the set requires.
    fn heads_of(&self, members: &[bool]) -> Vec<String> {
        (0..self.nodes.len())
            .filter(|&index| members[index] && !self.nodes[index].required_by().any(|other| members[other]))
            .map(|index| self.nodes[index].id.clone())
            .collect()
    }
}

/// Why an id or label can't be used, if it can't: the rule the `#[migration]` attribute applies.
fn check_name(name: &str, kind: Name) -> std::result::Result<(), &'static str> {
    migrate_names::check(name, kind).map_err(Problem::reason)
}

/// The known names closest to a mistyped one (at most two edits away, or a third of its length):
/// the best, and any as good.
fn closest<'n>(wanted: &str, known: impl Iterator<Item = &'n String>) -> Vec<String> {
    let limit = (wanted.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &String)> = known
        .map(|name| (strsim::levenshtein(wanted, name), name))
        .filter(|(distance, _)| *distance <= limit)
        .collect();
    scored.sort();
    let best = scored.first().map(|(distance, _)| *distance);
    scored
        .into_iter()
        .take_while(|(distance, _)| Some(*distance) == best)
        .map(|(_, name)| name.clone())
        .collect()
}

/// Maps each branch label to the revision declaring it, refusing bad and duplicate labels.
fn map_labels(specs: &[RevisionSpec], by_id: &HashMap<String, usize>) -> Result<HashMap<String, usize>> {
    let mut by_label: HashMap<String, usize> = HashMap::new();
    for (index, spec) in specs.iter().enumerate() {
        for label in &spec.branch_labels {
            check_name(label, Name::BranchLabel).map_err(|reason| Error::InvalidBranchLabel {
                label: label.clone(),
                origin: spec.origin.to_string(),
                reason,
            })?;
            if let Some(&first) = by_label.get(label.as_str()) {
                if first == index {
                    continue;
                }
                return Err(Error::DuplicateBranchLabel {
                    label: label.clone(),
                    first: specs[first].origin.to_string(),
                    second: spec.origin.to_string(),
                });
            }
            if let Some(&same) = by_id.get(label.as_str()) {
                return Err(Error::DuplicateBranchLabel {
                    label: label.clone(),
                    first: format!("the revision id of {}", specs[same].origin),
                    second: spec.origin.to_string(),
                });
            }
            by_label.insert(label.clone(), index);
        }
    }
    Ok(by_label)
}

/// A cycle along `link` (the `n`-th linked revision of a revision), as a path from a revision to
/// the ones it names and back to itself, if there is one.
fn find_cycle(nodes: &[Revision], link: impl Fn(&Revision, usize) -> Option<usize>) -> Option<Vec<usize>> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; nodes.len()];
    // Each frame: a revision and how many of its links were followed.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..nodes.len() {
        if state[root] != NEW {
            continue;
        }
        stack.push((root, 0));
        state[root] = ON_PATH;
        while let Some((index, followed)) = stack.last_mut() {
            match link(&nodes[*index], *followed) {
                Some(linked) => {
                    *followed += 1;
                    match state[linked] {
                        NEW => {
                            state[linked] = ON_PATH;
                            stack.push((linked, 0));
                        }
                        ON_PATH => {
                            // `linked` is on the path, so it is on the stack.
                            let start = stack.iter().position(|frame| frame.0 == linked).unwrap_or(0);
                            let mut path: Vec<usize> = stack[start..].iter().map(|frame| frame.0).collect();
                            path.push(linked);
                            return Some(path);
                        }
                        _ => {}
                    }
                }
                None => {
                    state[*index] = DONE;
                    stack.pop();
                }
            }
        }
    }
    None
}
