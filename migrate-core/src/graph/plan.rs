//! Plans: the ordered steps that move a database from its current heads to a target, each with the
//! heads the version table holds once it is done.

use std::collections::BTreeSet;

use super::target::Place;
use super::{Revision, RevisionGraph};
use crate::error::{Error, Result};

/// Which way a step moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Apply the revision.
    Upgrade,
    /// Revert the revision.
    Downgrade,
}

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
}

/// Applied revisions, how many applied revisions require each revision, and the heads: the applied
/// revisions nothing applied requires, kept up to date step by step (ordered by graph position).
struct AppliedSet<'g> {
    graph: &'g RevisionGraph,
    required_by_applied: Vec<usize>,
    heads: BTreeSet<(usize, usize)>,
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
            .map(|index| (graph.position[index], index))
            .collect();
        Self { graph, required_by_applied, heads }
    }

    /// Applies or reverts one revision; the plans only pass revisions whose requirements are
    /// applied (upgrade) or whose dependents are reverted (downgrade).
    fn step(&mut self, index: usize, direction: Direction) -> Step {
        let node = &self.graph.nodes[index];
        let key = |index: usize| (self.graph.position[index], index);
        match direction {
            Direction::Upgrade => {
                self.heads.insert(key(index));
                for required in node.requirements() {
                    self.required_by_applied[required] += 1;
                    self.heads.remove(&key(required));
                }
            }
            Direction::Downgrade => {
                self.heads.remove(&key(index));
                for required in node.requirements() {
                    self.required_by_applied[required] -= 1;
                    if self.required_by_applied[required] == 0 {
                        self.heads.insert(key(required));
                    }
                }
            }
        }
        let heads_after = self.heads.iter().map(|&(_, index)| self.graph.nodes[index].id.clone()).collect();
        Step { revision: node.id.clone(), direction, heads_after }
    }
}

impl RevisionGraph {
    /// The steps that apply everything `target` needs and the database lacks, each branch as one run.
    pub fn upgrade_plan<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Plan> {
        let current = self.indices_of(current_heads)?;
        let applied = self.requirement_closure(&current);
        let targets = match self.place(target, &current)? {
            Place::Revisions(revisions) => revisions,
            Place::Base(_) => Vec::new(),
        };
        let order = self.upgrade_order(&targets, &applied);
        let mut set = AppliedSet::new(self, &applied);
        Ok(Plan { steps: order.into_iter().map(|index| set.step(index, Direction::Upgrade)).collect() })
    }

    /// The steps that revert what lies above `target`, newest first; other branches stay.
    pub fn downgrade_plan<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Plan> {
        let current = self.indices_of(current_heads)?;
        let applied = self.requirement_closure(&current);
        let place = self.place(target, &current)?;
        if let Place::Revisions(revisions) = &place
            && let Some(&missing) = revisions.iter().find(|&&index| !applied[index])
        {
            return Err(Error::DowngradeTargetNotApplied {
                target: target.to_owned(),
                revision: self.nodes[missing].id.clone(),
                current: current.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            });
        }
        let removed = self.removed_by(&place, &applied);
        let keep: Vec<bool> = removed.iter().map(|removed| !removed).collect();
        let removed_in_order: Vec<usize> = self.order.iter().copied().filter(|&i| removed[i]).collect();
        let mut order = self.upgrade_order(&removed_in_order, &keep);
        order.reverse();
        let mut set = AppliedSet::new(self, &applied);
        Ok(Plan { steps: order.into_iter().map(|index| set.step(index, Direction::Downgrade)).collect() })
    }

    /// The heads the version table holds after `stamp target`: as if upgraded or downgraded to the
    /// target, without running anything.
    pub fn stamp_heads<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Vec<String>> {
        let current = self.indices_of(current_heads)?;
        let mut applied = self.requirement_closure(&current);
        let place = self.place(target, &current)?;
        let removed = self.removed_by(&place, &applied);
        let added = match &place {
            Place::Revisions(revisions) => self.requirement_closure(revisions),
            Place::Base(_) => vec![false; self.nodes.len()],
        };
        for index in 0..applied.len() {
            applied[index] = (applied[index] && !removed[index]) || added[index];
        }
        Ok(self.heads_of(&applied))
    }

    /// The revisions in `lower:upper` (either side may be left out), newest first, as `alembic
    /// history -r` lists them: what `upper` requires, less what lies below `lower`.
    pub fn history<S: AsRef<str>>(&self, range: &str, current_heads: &[S]) -> Result<Vec<&Revision>> {
        let current = self.indices_of(current_heads)?;
        let (lower, upper) = range.split_once(':').unwrap_or((range, ""));
        let upper = match upper.trim() {
            "" => self.head_indices_in_order(),
            upper => match self.place(upper, &current)? {
                Place::Revisions(revisions) => revisions,
                Place::Base(_) => Vec::new(),
            },
        };
        let mut members = self.requirement_closure(&upper);
        if !lower.trim().is_empty() {
            match self.place(lower, &current)? {
                Place::Revisions(revisions) => {
                    let below = self.requirement_closure(&revisions);
                    for index in 0..members.len() {
                        members[index] &= !below[index] || revisions.contains(&index);
                    }
                }
                Place::Base(_) => {}
            }
        }
        Ok(self.order.iter().rev().filter(|&&i| members[i]).map(|&i| &self.nodes[i]).collect())
    }

    fn head_indices_in_order(&self) -> Vec<usize> {
        self.order.iter().copied().filter(|&i| self.nodes[i].is_head()).collect()
    }

    /// Applied revisions that moving to `place` reverts: those above it that depend on it.
    fn removed_by(&self, place: &Place, applied: &[bool]) -> Vec<bool> {
        let above = match place {
            Place::Base(None) => vec![true; self.nodes.len()],
            Place::Base(Some(root)) => self.dependent_closure(&[*root]),
            Place::Revisions(revisions) => {
                let keep = self.requirement_closure(revisions);
                let mut above = self.dependent_closure(revisions);
                for index in 0..above.len() {
                    above[index] &= !keep[index];
                }
                above
            }
        };
        above.iter().zip(applied).map(|(above, applied)| *above && *applied).collect()
    }
}
