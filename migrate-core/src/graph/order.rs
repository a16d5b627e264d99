//! Alembic's order: which of the valid orders a plan or a history listing takes.
//!
//! Alembic's `RevisionMap._topological_sort` lists a set of revisions from its heads down: it
//! follows one head down its line and, when the revision it reached is still needed by another
//! head's line, switches to the first such head (in the order the revisions were given). It
//! compares ancestor sets at every step, which costs quadratic time; here "still needed by
//! another head" is a count of the unlisted revisions that need it, and the head to switch to is
//! found by walking up from the revision through unlisted ones only when a switch happens. The
//! answer is the same: every unlisted revision of the set lies below some head still to list.

use super::RevisionGraph;

impl RevisionGraph {
    /// The revisions in `members`, listed from `heads` down in Alembic's order (a downgrade runs
    /// them in this order, an upgrade in reverse).
    pub(super) fn alembic_order(&self, mut members: Vec<bool>, heads: &[usize]) -> Vec<usize> {
        let mut current: Vec<usize> = heads.iter().copied().filter(|&i| members[i]).collect();
        current.sort_unstable();
        current.dedup();
        let mut listed_heads = vec![false; self.nodes.len()];
        for &head in &current {
            listed_heads[head] = true;
        }
        // How many unlisted members need each revision (as a parent or a kept dependency).
        let mut waiting = vec![0u32; self.nodes.len()];
        for (index, node) in self.nodes.iter().enumerate() {
            if members[index] {
                for down in node.normalized_down() {
                    if members[down] {
                        waiting[down] += 1;
                    }
                }
            }
        }
        let mut seen = Vec::new();
        let mut order = Vec::new();
        let mut at = 0;
        while let Some(&candidate) = current.get(at) {
            if waiting[candidate] > 0 {
                at = self.first_head_above(candidate, &current, &members, &mut seen).unwrap_or(at);
                if waiting[candidate] > 0 && current[at] == candidate {
                    // Unreachable for a DAG (an unlisted member needing it lies below a head);
                    // list it rather than loop.
                    waiting[candidate] = 0;
                }
                continue;
            }
            order.push(candidate);
            members[candidate] = false;
            listed_heads[candidate] = false;
            let mut added = Vec::new();
            for down in self.nodes[candidate].normalized_down() {
                if members[down] {
                    waiting[down] -= 1;
                    if !listed_heads[down] && !added.contains(&down) {
                        added.push(down);
                    }
                }
            }
            match added.split_first() {
                None => {
                    current.remove(at);
                    at = at.saturating_sub(1);
                }
                Some((&first, rest)) => {
                    current[at] = first;
                    listed_heads[first] = true;
                    for &other in rest {
                        current.push(other);
                        listed_heads[other] = true;
                    }
                }
            }
        }
        order
    }

    /// The position in `current` of the first head whose line still needs `revision`.
    fn first_head_above(
        &self,
        revision: usize,
        current: &[usize],
        members: &[bool],
        seen: &mut Vec<usize>,
    ) -> Option<usize> {
        // `seen` is a scratch list of the revisions marked in this walk.
        let mut marked = std::collections::HashSet::new();
        seen.clear();
        seen.push(revision);
        marked.insert(revision);
        let mut next = 0;
        while let Some(&index) = seen.get(next) {
            next += 1;
            for up in self.nodes[index].required_by() {
                if members[up] && marked.insert(up) {
                    seen.push(up);
                }
            }
        }
        current.iter().position(|head| *head != revision && marked.contains(head))
    }
}
