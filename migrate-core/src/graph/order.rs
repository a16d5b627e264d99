//! Alembic's order: which of the valid orders a plan or a history listing takes.
//!
//! Alembic's `RevisionMap._topological_sort` lists a set of revisions from its heads down: it
//! follows one head down its line and, when the revision it reached is still needed by another
//! head's line, switches to the first such head (in the order the revisions were given). It
//! compares ancestor sets at every step, which costs quadratic time; here "still needed by
//! another head" is whether an unlisted revision of the set needs it, and the head to switch to is
//! found by walking up from the revision through unlisted ones only when a switch happens. The
//! answer is the same: every unlisted member lies below some head still to list, and the walk
//! passes through every revision on a path between two members (a plan's set holds them all; a
//! history range passes the ones it leaves out).

use super::RevisionGraph;

impl RevisionGraph {
    /// The revisions in `members`, listed from `heads` down in Alembic's order (a downgrade runs
    /// them in this order, an upgrade in reverse). `paths`, when given, holds every revision on a
    /// path between two members (for a set that does not, as a history range); plans pass `None`:
    /// their sets hold their paths.
    pub(super) fn alembic_order(
        &self,
        mut members: Vec<bool>,
        heads: &[usize],
        paths: Option<Vec<bool>>,
    ) -> Vec<usize> {
        // The revisions through which a head may still need a revision: members not listed yet,
        // and the revisions on paths between them.
        let mut pending = paths;
        let mut current: Vec<usize> = heads.iter().copied().filter(|&i| members[i]).collect();
        current.sort_unstable();
        current.dedup();
        let mut listed_heads = vec![false; self.nodes.len()];
        for &head in &current {
            listed_heads[head] = true;
        }
        let mut search = HeadSearch { mark: Vec::new(), round: 0, queue: Vec::new() };
        let mut order = Vec::with_capacity(members.iter().filter(|&&member| member).count());
        let mut at = 0;
        // The head was reached from the one revision that requires it, just listed (the common
        // walk down a line): nothing else can still need it.
        let mut reached_from_its_only_requirer = false;
        while let Some(&candidate) = current.get(at) {
            // Another head's line still needs it when a revision still waiting requires it: that
            // revision lies below some head other than this one.
            let waiting: &[bool] = pending.as_deref().unwrap_or(&members);
            if !std::mem::take(&mut reached_from_its_only_requirer)
                && self.nodes[candidate].required_by().any(|up| waiting[up])
                && let Some(other) = search.first_head_above(self, candidate, &current, waiting)
            {
                at = other;
                continue;
            }
            order.push(candidate);
            members[candidate] = false;
            if let Some(pending) = &mut pending {
                pending[candidate] = false;
            }
            listed_heads[candidate] = false;
            // Its revisions still to list become heads: the first takes its place, the others
            // go last (a revision is never twice among them: parents and dependencies differ).
            let mut replaced = false;
            for down in self.normalized_down(candidate) {
                if members[down] && !listed_heads[down] {
                    listed_heads[down] = true;
                    if replaced {
                        current.push(down);
                    } else {
                        current[at] = down;
                        replaced = true;
                        let down_node = &self.nodes[down];
                        reached_from_its_only_requirer =
                            down_node.children.len() + down_node.dependents.len() == 1;
                    }
                }
            }
            if !replaced {
                current.remove(at);
                at = at.saturating_sub(1);
            }
        }
        order
    }
}

/// The search for the head to switch to, with its marks kept between searches (a search marks
/// with its own round number, so nothing is cleared).
struct HeadSearch {
    mark: Vec<u32>,
    round: u32,
    queue: Vec<usize>,
}

impl HeadSearch {
    /// The position in `current` of the first head whose line still needs `revision`: a walk up
    /// from it through the revisions still `waiting` (members not listed yet, and the paths
    /// between them).
    fn first_head_above(
        &mut self,
        graph: &RevisionGraph,
        revision: usize,
        current: &[usize],
        waiting: &[bool],
    ) -> Option<usize> {
        if self.mark.is_empty() {
            self.mark = vec![0; graph.nodes.len()];
        }
        self.round += 1;
        let round = self.round;
        self.queue.clear();
        self.queue.push(revision);
        self.mark[revision] = round;
        let mut next = 0;
        while let Some(&index) = self.queue.get(next) {
            next += 1;
            for up in graph.nodes[index].required_by() {
                if waiting[up] && self.mark[up] != round {
                    self.mark[up] = round;
                    self.queue.push(up);
                }
            }
        }
        current.iter().position(|&head| head != revision && self.mark[head] == round)
    }
}
