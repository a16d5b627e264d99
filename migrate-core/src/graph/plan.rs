//! Plans: the ordered steps that move a database from its current heads to a target, each with the
//! heads the version table holds once it is done.

use std::collections::BTreeSet;

use super::target::{Overwalk, Spot};
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
    /// The steps that apply everything `target` needs and the database lacks, in Alembic's order;
    /// a target below the current heads needs nothing.
    pub fn upgrade_plan<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Plan> {
        let current = self.indices_of(current_heads)?;
        let applied = self.requirement_closure(&current);
        let targets = self.upgrade_targets(target, &current, Overwalk::Refuse)?;
        // Everything lies below some head nothing depends on: `heads` needs all that is missing.
        let mut needed = if targets == self.real_heads {
            vec![true; self.nodes.len()]
        } else {
            self.requirement_closure(&targets)
        };
        for (needed, applied) in needed.iter_mut().zip(&applied) {
            *needed &= !applied;
        }
        let mut order = self.alembic_order(needed, &targets, None);
        order.reverse();
        let mut set = AppliedSet::new(self, &applied);
        Ok(Plan { steps: order.into_iter().map(|index| set.step(index, Direction::Upgrade)).collect() })
    }

    /// The steps that revert what lies above `target`, each revision after everything that
    /// requires it, in Alembic's order; branches not above the target stay.
    pub fn downgrade_plan<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Plan> {
        let current = self.indices_of(current_heads)?;
        let applied = self.requirement_closure(&current);
        let reverted = self.reverted_by(target, &current, &applied)?;
        let order = self.alembic_order(reverted, &current, None);
        let mut set = AppliedSet::new(self, &applied);
        Ok(Plan { steps: order.into_iter().map(|index| set.step(index, Direction::Downgrade)).collect() })
    }

    /// The heads the version table holds after `stamp target`: as if upgraded or downgraded to the
    /// target, without running anything.
    pub fn stamp_heads<S: AsRef<str>>(&self, current_heads: &[S], target: &str) -> Result<Vec<String>> {
        let current = self.indices_of(current_heads)?;
        let mut applied = self.requirement_closure(&current);
        // Upward (as `upgrade` would go) unless the target is a step down or is applied already.
        let upward = match self.relative_steps(target) {
            Some(steps) if steps < 0 => None,
            Some(_) => Some(self.upgrade_targets(target, &current, Overwalk::Refuse)?),
            None => Some(self.upgrade_targets(target, &current, Overwalk::Refuse)?)
                .filter(|targets| targets.len() > 1 || targets.iter().any(|&index| !applied[index])),
        };
        let (added, reverted) = match upward {
            Some(targets) if targets.iter().all(|&index| applied[index]) => {
                // Several applied targets (`heads`): keep them and what they require, drop what
                // lies above them.
                let keep = self.requirement_closure(&targets);
                let children: Vec<usize> =
                    targets.iter().flat_map(|&i| self.nodes[i].children.clone()).collect();
                let mut above = self.dependent_closure(&children);
                for (above, keep) in above.iter_mut().zip(&keep) {
                    *above &= !keep;
                }
                (keep, above)
            }
            Some(targets) => (self.requirement_closure(&targets), vec![false; self.nodes.len()]),
            None => match self.reverted_by(target, &current, &applied) {
                Ok(reverted) => (vec![false; self.nodes.len()], reverted),
                Err(Error::DowngradeTargetOnlyDependedOn { .. }) => {
                    (vec![false; self.nodes.len()], vec![false; self.nodes.len()])
                }
                Err(other) => return Err(other),
            },
        };
        for ((applied, added), reverted) in applied.iter_mut().zip(added).zip(reverted) {
            *applied = (*applied || added) && !reverted;
        }
        Ok(self.heads_of(&applied))
    }

    /// The revisions in `lower:upper`, newest first, as `alembic history -r` lists them: `upper`
    /// and what it requires, down to and including `lower` (only `lower`'s descendants when it is
    /// a revision). A side left out means `base` or `heads`; `current` is the database's heads; a
    /// bare relative side counts from the other side.
    pub fn history<S: AsRef<str>>(&self, range: &str, current_heads: &[S]) -> Result<Vec<&Revision>> {
        let current = self.indices_of(current_heads)?;
        let Some((lower, upper)) = range.split_once(':') else {
            return Err(Error::InvalidRange { range: range.to_owned() });
        };
        let lower = if lower.is_empty() { "base" } else { lower };
        let upper = if upper.is_empty() { "heads" } else { upper };
        let bare_relative = |side: &str| self.is_bare_relative(side);
        let lower_revisions = if bare_relative(lower) {
            None
        } else {
            Some(self.upgrade_targets(lower, &current, Overwalk::StopAtEdge)?)
        };
        // A bare `+N` upper counts from the lower side; `current` is always the database's heads.
        let mut targets = match &lower_revisions {
            Some(lower_revisions) if bare_relative(upper) => {
                self.upgrade_targets(upper, lower_revisions, Overwalk::StopAtEdge)?
            }
            _ => self.upgrade_targets(upper, &current, Overwalk::StopAtEdge)?,
        };
        let lower_revisions = match lower_revisions {
            Some(revisions) => revisions,
            None => {
                let from = if targets.len() == 1 { targets.clone() } else { current.clone() };
                self.downgrade_target(lower, &from)?.spot.revisions()
            }
        };
        // `label@...:` lists only that branch (Alembic keeps the targets carrying the label).
        if let Some((name, _)) = lower.split_once('@') {
            let label = match self.by_label.get(name) {
                Some(_) => Some(name),
                None => self.by_id.get(name).and_then(|&i| match &self.nodes[i].branch_labels[..] {
                    [one] => Some(one.as_str()),
                    _ => None,
                }),
            };
            if let Some(label) = label {
                targets.retain(|&i| self.nodes[i].branch_labels.iter().any(|l| l == label));
            }
        }
        let mut members = self.requirement_closure(&targets);
        if let Some(&outside) = lower_revisions.iter().find(|&&root| !members[root]) {
            return Err(Error::NotAnAncestor {
                lower: self.nodes[outside].id.clone(),
                upper: if targets.is_empty() {
                    "base".to_owned()
                } else {
                    targets.iter().map(|&i| self.nodes[i].id.as_str()).collect::<Vec<_>>().join(", ")
                },
            });
        }
        if !lower_revisions.is_empty() {
            let below = self.requirement_closure(&lower_revisions);
            let above = self.closure(&lower_revisions, |node| node.children.iter().copied());
            for (index, member) in members.iter_mut().enumerate() {
                *member &= above[index] && (!below[index] || lower_revisions.contains(&index));
            }
        }
        // A revision may lie on a path between two members without being one (a dependency of a
        // member that does not descend from `lower`): Alembic's order still sees it.
        let paths = self.requirement_closure(&targets);
        Ok(self.alembic_order(members, &targets, Some(paths)).into_iter().map(|i| &self.nodes[i]).collect())
    }

    /// The applied revisions a downgrade to `target` reverts (Alembic's
    /// `_collect_downgrade_revisions`): everything applied above the revisions just over the
    /// target, on the target's branch.
    fn reverted_by(&self, target: &str, current: &[usize], applied: &[bool]) -> Result<Vec<bool>> {
        let resolved = self.downgrade_target(target, current)?;
        let mut roots: Vec<usize> = match (resolved.spot, resolved.branch) {
            // `label@base` reverts that branch's own revisions only (Alembic: everything above the
            // bases the label descends from).
            (Spot::Below, Some(branch)) if branch.is_label => {
                vec![self.branch_root(branch.anchor, branch.name)]
            }
            (Spot::Below, _) => (0..self.nodes.len()).filter(|&i| self.nodes[i].is_base()).collect(),
            (Spot::At(revision), _) => self.nodes[revision].children.to_vec(),
        };
        if let (Some(branch), true) = (resolved.branch, roots.len() > 1) {
            let ancestors = self.closure(&[branch.anchor], |node| node.parents.iter().copied());
            roots.retain(|&root| ancestors[root]);
            if roots.is_empty() {
                return Err(Error::NotOnBranch {
                    target: target.to_owned(),
                    revision: match resolved.spot {
                        Spot::At(index) => self.nodes[index].id.clone(),
                        Spot::Below => "base".to_owned(),
                    },
                    branch: branch.name.to_owned(),
                });
            }
        }
        let mut reverted = if resolved.spot == Spot::Below && resolved.branch.is_none() {
            // Everything lies above some base: `base` reverts all that is applied.
            applied.to_vec()
        } else {
            self.dependent_closure(&roots)
        };
        for (reverted, applied) in reverted.iter_mut().zip(applied) {
            *reverted &= *applied;
        }
        if let Spot::At(revision) = resolved.spot
            && !current.contains(&revision)
            && !reverted.contains(&true)
        {
            let current = current.iter().map(|&i| self.nodes[i].id.clone()).collect();
            return Err(if applied[revision] {
                Error::DowngradeTargetOnlyDependedOn {
                    target: target.to_owned(),
                    revision: self.nodes[revision].id.clone(),
                    current,
                }
            } else {
                Error::DowngradeTargetNotApplied {
                    target: target.to_owned(),
                    revision: self.nodes[revision].id.clone(),
                    current,
                }
            });
        }
        Ok(reverted)
    }

    /// The lowest revision carrying `label`, found walking down from the revision declaring it.
    fn branch_root(&self, labelled: usize, label: &str) -> usize {
        let mut node = labelled;
        while let [parent] = self.nodes[node].parents[..] {
            if !self.nodes[parent].branch_labels.iter().any(|l| l == label) {
                break;
            }
            node = parent;
        }
        node
    }
}
