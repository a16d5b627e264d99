//! Plans: the ordered steps that move a database from its current heads to a target, each with the
//! heads the version table holds once it is done.

use std::collections::BTreeSet;

use super::target::{Place, Resolved};
use super::{Revision, RevisionGraph};
use crate::direction::Direction;
use crate::error::{Error, Result};

/// One revision applied or reverted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The revision id.
    pub revision: String,
    /// Apply or revert.
    pub direction: Direction,
    /// What the version table holds after this step: the heads of the applied revisions.
    pub heads_after: Vec<String>,
}

/// The steps that move a database to a target, in the order to run them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Plan {
    /// Nothing to do: the database is at the target.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// How many steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// The steps, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Step> {
        self.steps.iter()
    }
}

impl<'a> IntoIterator for &'a Plan {
    type Item = &'a Step;
    type IntoIter = std::slice::Iter<'a, Step>;

    fn into_iter(self) -> Self::IntoIter {
        self.steps.iter()
    }
}

impl IntoIterator for Plan {
    type Item = Step;
    type IntoIter = std::vec::IntoIter<Step>;

    fn into_iter(self) -> Self::IntoIter {
        self.steps.into_iter()
    }
}

/// Applied revisions, how many applied revisions require each revision, and the heads: the applied
/// revisions nothing applied requires, kept up to date step by step (in declaration order).
struct AppliedSet<'g> {
    graph: &'g RevisionGraph,
    required_by_applied: Vec<usize>,
    heads: BTreeSet<usize>,
}

impl<'g> AppliedSet<'g> {
    fn new(graph: &'g RevisionGraph, applied: &[bool]) -> Self {
        let mut required_by_applied = vec![0; graph.nodes.len()];
        for (index, node) in graph.nodes.iter().enumerate() {
            if applied[index] {
                for required in node.requirements() {
                    required_by_applied[required] += 1;
                }
            }
        }
        let heads = (0..graph.nodes.len())
            .filter(|&index| applied[index] && required_by_applied[index] == 0)
            .collect();
        Self { graph, required_by_applied, heads }
    }

    /// Applies or reverts one revision. The plans only pass revisions whose requirements are
    /// applied (upgrade) or whose dependents are reverted (downgrade), so the counts never
    /// underflow.
    fn step(&mut self, index: usize, direction: Direction) -> Step {
        let node = &self.graph.nodes[index];
        match direction {
            Direction::Upgrade => {
                self.heads.insert(index);
                for required in node.requirements() {
                    self.required_by_applied[required] += 1;
                    self.heads.remove(&required);
                }
            }
            Direction::Downgrade => {
                self.heads.remove(&index);
                for required in node.requirements() {
                    self.required_by_applied[required] -= 1;
                    if self.required_by_applied[required] == 0 {
                        self.heads.insert(required);
                    }
                }
            }
        }
        let heads_after = self.heads.iter().map(|&head| self.graph.nodes[head].id.clone()).collect();
        Step { revision: node.id.clone(), direction, heads_after }
    }
}

impl RevisionGraph {
    /// The steps that apply everything `target` needs and the database lacks, in Alembic's order
    /// (each branch as one run); a target below the current heads needs nothing.
    pub fn upgrade_plan<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Plan> {
        let current = self.indices_of(current_heads)?;
        let applied = self.requirement_closure(&current);
        let resolved = self.resolve_target(target, &current)?;
        if let Some(steps) = resolved.steps_from_current.filter(|&steps| steps < 0) {
            return Err(Error::RelativeAgainstDirection {
                target: target.to_owned(),
                steps,
                direction: "upgrade",
            });
        }
        let targets = match resolved.place {
            Place::At(revisions) => revisions,
            Place::Below(_) => Vec::new(),
        };
        let order = self.upgrade_order(&targets, &applied);
        let mut set = AppliedSet::new(self, &applied);
        Ok(Plan { steps: order.into_iter().map(|index| set.step(index, Direction::Upgrade)).collect() })
    }

    /// The steps that revert what lies above `target`, each revision after everything that
    /// requires it; branches not above the target stay.
    pub fn downgrade_plan<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Plan> {
        let current = self.indices_of(current_heads)?;
        let applied = self.requirement_closure(&current);
        let resolved = self.resolve_target(target, &current)?;
        if let Some(steps) = resolved.steps_from_current.filter(|&steps| steps > 0) {
            return Err(Error::RelativeAgainstDirection {
                target: target.to_owned(),
                steps,
                direction: "downgrade",
            });
        }
        let missing = match &resolved.place {
            Place::At(revisions) => revisions.iter().copied().find(|&index| !applied[index]),
            Place::Below(_) => None,
        };
        if let Some(missing) = missing {
            return Err(Error::DowngradeTargetNotApplied {
                target: target.to_owned(),
                revision: self.nodes[missing].id.clone(),
                current: current.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            });
        }
        let removed = self.removed_by(&resolved, &applied);
        let kept: Vec<bool> = removed.iter().map(|removed| !removed).collect();
        let mut order = self.upgrade_order(&self.sorted(current), &kept);
        order.reverse();
        let mut set = AppliedSet::new(self, &applied);
        Ok(Plan { steps: order.into_iter().map(|index| set.step(index, Direction::Downgrade)).collect() })
    }

    /// The heads the version table holds after `stamp target`: as if upgraded or downgraded to the
    /// target, without running anything.
    pub fn stamp_heads<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Vec<String>> {
        let current = self.indices_of(current_heads)?;
        let mut applied = self.requirement_closure(&current);
        let resolved = self.resolve_target(target, &current)?;
        let removed = self.removed_by(&resolved, &applied);
        let added = match &resolved.place {
            Place::At(revisions) => self.requirement_closure(revisions),
            Place::Below(_) => vec![false; self.nodes.len()],
        };
        for (index, applied) in applied.iter_mut().enumerate() {
            *applied = (*applied && !removed[index]) || added[index];
        }
        Ok(self.heads_of(&applied))
    }

    /// The revisions in `lower:upper`, newest first, as `alembic history -r` lists them: `upper`
    /// and what it requires, down to and including `lower`. A side left out means `base` or
    /// `heads`; a bare relative `lower` (`-3:current`) counts from `upper`.
    pub fn history<S: AsRef<str>>(&self, range: &str, current_heads: &[S]) -> Result<Vec<&Revision>> {
        let current = self.indices_of(current_heads)?;
        let Some((lower, upper)) = range.split_once(':') else {
            return Err(Error::InvalidRange { range: range.to_owned() });
        };
        let upper = match upper {
            "" => self.head_indices(),
            upper => match self.resolve_target(upper, &current)?.place {
                Place::At(revisions) => revisions,
                Place::Below(_) => Vec::new(),
            },
        };
        let mut members = self.requirement_closure(&upper);
        if !lower.is_empty() {
            let lower_is_relative_to_upper = lower.starts_with(['+', '-'])
                || lower.split_once('@').is_some_and(|(_, rest)| rest.starts_with(['+', '-']));
            let from = if lower_is_relative_to_upper { &upper } else { &current };
            let roots = match self.resolve_target(lower, from)?.place {
                Place::At(revisions) => revisions,
                Place::Below(roots) => roots,
            };
            if let Some(&outside) = roots.iter().find(|&&root| !members[root]) {
                return Err(Error::NotAnAncestor {
                    lower: self.nodes[outside].id.clone(),
                    upper: if upper.is_empty() {
                        "base".to_owned()
                    } else {
                        upper.iter().map(|&i| self.nodes[i].id.as_str()).collect::<Vec<_>>().join(", ")
                    },
                });
            }
            let above = self.closure(&roots, |node| node.children.iter().copied());
            for (member, above) in members.iter_mut().zip(above) {
                *member &= above;
            }
        }
        Ok(self.order.iter().rev().filter(|&&i| members[i]).map(|&i| &self.nodes[i]).collect())
    }

    fn head_indices(&self) -> Vec<usize> {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].is_head()).collect()
    }

    fn sorted(&self, mut indices: Vec<usize>) -> Vec<usize> {
        indices.sort_unstable();
        indices.dedup();
        indices
    }

    /// Applied revisions that moving to the target reverts: everything (children and dependents,
    /// transitively) above the target on the target's branch, keeping what the target requires.
    fn removed_by(&self, resolved: &Resolved, applied: &[bool]) -> Vec<bool> {
        let on_branch = resolved.branch.map(|anchor| self.lineage(anchor));
        let on_branch = |index: &usize| on_branch.as_ref().is_none_or(|lineage| lineage[*index]);
        let mut above = match &resolved.place {
            Place::Below(roots) => self.dependent_closure(roots),
            Place::At(revisions) => {
                let mut children: Vec<usize> = revisions
                    .iter()
                    .flat_map(|&i| self.nodes[i].children.iter().copied())
                    .filter(on_branch)
                    .collect();
                children.sort_unstable();
                children.dedup();
                let keep = self.requirement_closure(revisions);
                let mut above = self.dependent_closure(&children);
                for (above, keep) in above.iter_mut().zip(keep) {
                    *above &= !keep;
                }
                above
            }
        };
        for (above, applied) in above.iter_mut().zip(applied) {
            *above &= *applied;
        }
        above
    }
}
