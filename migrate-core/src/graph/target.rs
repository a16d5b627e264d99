//! Target expressions: `head`, `heads`, `base`, `current`, ids and prefixes, branch labels
//! (`label@head`, `label@base`, `label@ae10`), and relative steps (`+2`, `-1`, `head-1`, `ae10+2`,
//! `label@+1`, `label@head-1`, `ae10@-1`), read as Alembic's revision map reads them.
//!
//! Upgrades and downgrades read a target differently, as in Alembic: an upgrade's `label@+N` walks
//! up the branch's own line from what is applied of it; a downgrade's `label@-N` walks down from
//! the applied head of that branch, and `label@rev` names `rev` wherever it is (the label only
//! limits which branch is reverted).

use super::{RESERVED, Revision, RevisionGraph};
use crate::error::{Error, Result};

/// A place in the graph: a revision, or below every base (nothing applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Spot {
    Below,
    At(usize),
}

impl Spot {
    /// The revisions the place names: none below the bases.
    pub(super) fn revisions(self) -> Vec<usize> {
        match self {
            Spot::At(index) => vec![index],
            Spot::Below => Vec::new(),
        }
    }
}

/// The name before `@`: a branch label or a revision, and the revision it stands for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Branch<'t> {
    pub(super) name: &'t str,
    pub(super) anchor: usize,
    /// The name is a branch label (not a revision id or prefix).
    pub(super) is_label: bool,
}

/// A target split the way Alembic's `_relative_destination` splits it.
enum Expression<'t> {
    /// `[branch@]symbol`.
    Absolute { branch: Option<&'t str>, symbol: &'t str },
    /// `[branch@][symbol]±N`.
    Relative { branch: Option<&'t str>, symbol: Option<&'t str>, steps: i64 },
}

/// What a downgrade target means: the branch it is limited to and the revision to stop at.
pub(super) struct DowngradeTarget<'t> {
    pub(super) branch: Option<Branch<'t>>,
    pub(super) spot: Spot,
}

/// Whether a walk past a head or base is an error (plans) or stops at the edge (history ranges).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Overwalk {
    Refuse,
    StopAtEdge,
}

impl RevisionGraph {
    /// The revision ids a target names, given the database's current heads; empty for `base`.
    /// A relative target is where an upgrade (`+N`) or a downgrade (`-N`) would walk to.
    pub fn resolve<S: AsRef<str>>(&self, target: &str, current_heads: &[S]) -> Result<Vec<&str>> {
        let current = self.indices_of(current_heads)?;
        let revisions = match self.split(target) {
            Expression::Relative { steps, .. } if steps < 0 => {
                self.downgrade_target(target, &current)?.spot.revisions()
            }
            _ => self.upgrade_targets(target, &current, Overwalk::Refuse)?,
        };
        Ok(revisions.into_iter().map(|index| self.nodes[index].id.as_str()).collect())
    }

    /// The one revision a target names, as `alembic show` needs it: `None` for `base`; a target
    /// naming several revisions (`heads` with several heads) is an error listing them.
    pub fn resolve_one(&self, target: &str) -> Result<Option<&Revision>> {
        let revisions = match self.split(target) {
            Expression::Absolute { branch, symbol } => {
                let branch = self.branch(target, branch)?;
                self.revisions_named(target, branch, symbol, &[])?
            }
            Expression::Relative { symbol: None, .. } => {
                return Err(unknown(
                    target,
                    "a step with no revision before it counts from the database's current revision; name the revision to count from, e.g. `head-1` or `<revision>+1`"
                        .to_owned(),
                ));
            }
            Expression::Relative { steps, .. } if steps < 0 => {
                self.downgrade_target(target, &[])?.spot.revisions()
            }
            Expression::Relative { .. } => self.upgrade_targets(target, &[], Overwalk::Refuse)?,
        };
        match revisions[..] {
            [] => Ok(None),
            [one] => Ok(Some(&self.nodes[one])),
            _ => Err(Error::MultipleHeads {
                target: target.to_owned(),
                heads: revisions.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            }),
        }
    }

    /// The revisions an upgrade to `target` must reach (Alembic's `_parse_upgrade_target`).
    pub(super) fn upgrade_targets(
        &self,
        target: &str,
        current: &[usize],
        overwalk: Overwalk,
    ) -> Result<Vec<usize>> {
        if target.trim().is_empty() {
            return Err(unknown(target, "the target is empty".to_owned()));
        }
        match self.split(target) {
            Expression::Absolute { branch, symbol } => {
                let branch = self.branch(target, branch)?;
                self.revisions_named(target, branch, symbol, current)
            }
            Expression::Relative { branch, symbol, steps } if steps > 0 => {
                let branch = self.branch(target, branch)?;
                let start = match symbol {
                    None => self.upgrade_start(target, branch, current)?,
                    Some(symbol) => self.spot_named(target, None, symbol, current)?,
                };
                Ok(self.walk(target, start, steps, branch, overwalk)?.revisions())
            }
            Expression::Relative { symbol: None, steps, .. } => Err(Error::RelativeAgainstDirection {
                target: target.to_owned(),
                steps,
                direction: "upgrade",
            }),
            Expression::Relative { branch, symbol: Some(symbol), steps } => {
                let branch = self.branch(target, branch)?;
                let start = self.spot_named(target, branch, symbol, current)?;
                Ok(self.walk(target, start, steps, None, overwalk)?.revisions())
            }
        }
    }

    /// Where a downgrade to `target` stops, and the branch it is limited to (Alembic's
    /// `_parse_downgrade_target`).
    pub(super) fn downgrade_target<'t>(
        &'t self,
        target: &'t str,
        current: &[usize],
    ) -> Result<DowngradeTarget<'t>> {
        if target.trim().is_empty() {
            return Err(unknown(target, "the target is empty".to_owned()));
        }
        match self.split(target) {
            // `label@rev` names `rev` even off the label's line: the label limits what is reverted.
            Expression::Absolute { branch, symbol } => {
                let branch = self.branch(target, branch)?;
                Ok(DowngradeTarget { branch, spot: self.spot_named(target, None, symbol, current)? })
            }
            Expression::Relative { symbol: None, steps, .. } if steps >= 0 => {
                Err(Error::RelativeAgainstDirection {
                    target: target.to_owned(),
                    steps,
                    direction: "downgrade",
                })
            }
            Expression::Relative { branch, symbol: Some(symbol), steps } if steps >= 0 => {
                let branch = self.branch(target, branch)?;
                let start = self.spot_named(target, None, symbol, current)?;
                Ok(DowngradeTarget {
                    branch,
                    spot: self.walk(target, start, steps, branch, Overwalk::Refuse)?,
                })
            }
            Expression::Relative { branch, symbol: Some(symbol), steps } => {
                let branch = self.branch(target, branch)?;
                let start = self.spot_named(target, branch, symbol, current)?;
                Ok(DowngradeTarget { branch, spot: self.walk(target, start, steps, None, Overwalk::Refuse)? })
            }
            Expression::Relative { branch, symbol: None, steps } => {
                let branch = self.branch(target, branch)?;
                let (branch, start) = self.downgrade_start(target, branch, current)?;
                Ok(DowngradeTarget {
                    branch: Some(branch),
                    spot: self.walk(target, start, steps, None, Overwalk::Refuse)?,
                })
            }
        }
    }

    /// The step count of a relative target (`+2`, `head-1`, `label@-1`), if it is one.
    pub(super) fn relative_steps(&self, target: &str) -> Option<i64> {
        match self.split(target) {
            Expression::Relative { steps, .. } => Some(steps),
            Expression::Absolute { .. } => None,
        }
    }

    /// A step count from the current heads (`+2`, `label@-1`), with no revision to count from.
    pub(super) fn is_bare_relative(&self, target: &str) -> bool {
        matches!(self.split(target), Expression::Relative { symbol: None, .. })
    }

    /// The revision a name before `@` stands for: a branch label, else a revision id or prefix.
    fn branch<'t>(&'t self, target: &str, name: Option<&'t str>) -> Result<Option<Branch<'t>>> {
        let Some(name) = name else { return Ok(None) };
        if name.is_empty() {
            return Err(unknown(
                target,
                "nothing comes before '@': write `label@head`, `label@base`, `label@<revision>` or `label@+1`"
                    .to_owned(),
            ));
        }
        if let Some(&anchor) = self.by_label.get(name) {
            return Ok(Some(Branch { name, anchor, is_label: true }));
        }
        match self.lookup(target, name, None) {
            Ok(anchor) => Ok(Some(Branch { name, anchor, is_label: false })),
            Err(Error::UnknownTarget { .. }) => Err(unknown(
                target,
                format!("there is no branch labelled '{name}', nor a revision with that id"),
            )),
            Err(other) => Err(other),
        }
    }

    /// What an absolute symbol names (Alembic's `get_revisions`): `heads` (the heads nothing
    /// depends on; on a branch, the heads of its line), `head`, `base`, `current`, or a revision.
    fn revisions_named(
        &self,
        target: &str,
        branch: Option<Branch>,
        symbol: &str,
        current: &[usize],
    ) -> Result<Vec<usize>> {
        let lineage = branch.map(|branch| self.lineage(branch.anchor));
        let on_line = |index: usize| lineage.as_ref().is_none_or(|lineage| lineage[index]);
        match symbol {
            "heads" if branch.is_none() => Ok(self.real_heads.clone()),
            "heads" => Ok((0..self.nodes.len()).filter(|&i| self.nodes[i].is_head() && on_line(i)).collect()),
            "head" => {
                let heads: Vec<usize> =
                    (0..self.nodes.len()).filter(|&i| self.nodes[i].is_head() && on_line(i)).collect();
                if heads.len() > 1 {
                    return Err(Error::MultipleHeads {
                        target: target.to_owned(),
                        heads: heads.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                    });
                }
                Ok(heads)
            }
            "base" => Ok(Vec::new()),
            "current" => Ok(current.iter().copied().filter(|&i| on_line(i)).collect()),
            "" => Err(unknown(
                target,
                "nothing follows '@': write `label@head`, `label@base`, `label@<revision>` or `label@+1`"
                    .to_owned(),
            )),
            name => Ok(vec![self.lookup(target, name, branch)?]),
        }
    }

    /// The one place a symbol names (Alembic's `get_revision`): several is an error.
    fn spot_named(
        &self,
        target: &str,
        branch: Option<Branch>,
        symbol: &str,
        current: &[usize],
    ) -> Result<Spot> {
        let revisions = self.revisions_named(target, branch, symbol, current)?;
        match revisions[..] {
            [] => Ok(Spot::Below),
            [one] => Ok(Spot::At(one)),
            _ => Err(Error::MultipleHeads {
                target: target.to_owned(),
                heads: revisions.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            }),
        }
    }

    /// The revision an id, branch label or partial id names, on the branch's line if one is given.
    /// A partial id is the start of exactly one id or label of four characters or more.
    fn lookup(&self, target: &str, name: &str, branch: Option<Branch>) -> Result<usize> {
        let lineage = branch.map(|branch| self.lineage(branch.anchor));
        let found = match self.by_id.get(name).or_else(|| self.by_label.get(name)) {
            Some(&index) => index,
            None => {
                let mut keys: Vec<(&str, usize)> = self
                    .by_id
                    .iter()
                    .chain(&self.by_label)
                    .filter(|&(key, &index)| {
                        key.len() > 3
                            && key.starts_with(name)
                            && lineage.as_ref().is_none_or(|lineage| lineage[index])
                    })
                    .map(|(key, &index)| (key.as_str(), index))
                    .collect();
                keys.sort_unstable();
                match keys[..] {
                    [(_, one)] => one,
                    [] => {
                        return Err(unknown(
                            target,
                            if RESERVED.contains(&name) {
                                format!("'{name}' can't be used there")
                            } else {
                                format!(
                                    "no revision id or branch label is or starts with '{name}' (a partial id matches only ids and labels of four characters or more)"
                                )
                            },
                        ));
                    }
                    _ => {
                        return Err(Error::AmbiguousPrefix {
                            prefix: name.to_owned(),
                            candidates: keys.iter().map(|(key, _)| (*key).to_owned()).collect(),
                        });
                    }
                }
            }
        };
        if let (Some(branch), Some(lineage)) = (branch, &lineage)
            && !lineage[found]
        {
            return Err(Error::NotOnBranch {
                target: target.to_owned(),
                revision: self.nodes[found].id.clone(),
                branch: branch.name.to_owned(),
            });
        }
        Ok(found)
    }

    /// Marks the revisions that share a lineage with `anchor`: its ancestors and descendants along
    /// `down_revision` links (Alembic's `_shares_lineage`).
    pub(super) fn lineage(&self, anchor: usize) -> Vec<bool> {
        let mut marked = self.closure(&[anchor], |node| node.parents.iter().copied());
        let below = self.closure(&[anchor], |node| node.children.iter().copied());
        for (marked, below) in marked.iter_mut().zip(below) {
            *marked |= below;
        }
        marked
    }

    /// Where an upgrade's `+N` starts: the one current head (on the branch's line), else the tip
    /// of what is applied of that line, else below the bases.
    fn upgrade_start(&self, target: &str, branch: Option<Branch>, current: &[usize]) -> Result<Spot> {
        let mut starts: Vec<usize> = current.to_vec();
        if let Some(branch) = branch {
            let lineage = self.lineage(branch.anchor);
            starts.retain(|&i| lineage[i]);
            if starts.is_empty() {
                let applied = self.requirement_closure(current);
                let active = |i: usize| applied[i] && lineage[i];
                starts = (0..self.nodes.len())
                    .filter(|&i| active(i) && !self.nodes[i].required_by().any(active))
                    .collect();
            }
        }
        self.single_start(target, starts)
    }

    /// Where a downgrade's `-N` starts and the branch it is limited to: the one current head (on
    /// the branch's line; for a label, one that carries it).
    fn downgrade_start<'t>(
        &'t self,
        target: &'t str,
        branch: Option<Branch<'t>>,
        current: &[usize],
    ) -> Result<(Branch<'t>, Spot)> {
        let Some(branch) = branch else {
            let start = match current[..] {
                [] => {
                    return Err(Error::RelativeOutOfRange {
                        target: target.to_owned(),
                        steps: 0,
                        edge: "base",
                    });
                }
                [one] => one,
                _ => {
                    return Err(Error::AmbiguousWalk {
                        target: target.to_owned(),
                        at: current.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                        hint: "the database is at several heads; say which branch to move down, e.g. `<label>@-1` or `<revision>@-1`".to_owned(),
                    });
                }
            };
            // A bare `-N` stays on the line of the one current head (Alembic does the same).
            return Ok((
                Branch { name: &self.nodes[start].id, anchor: start, is_label: false },
                Spot::At(start),
            ));
        };
        let lineage = self.lineage(branch.anchor);
        let mut starts: Vec<usize> = current.iter().copied().filter(|&i| lineage[i]).collect();
        if starts.is_empty() {
            let applied = self.requirement_closure(current);
            starts = (0..self.nodes.len())
                .filter(|&i| applied[i] && lineage[i] && !self.nodes[i].children.iter().any(|&c| applied[c]))
                .collect();
        }
        if branch.is_label {
            // Never walk down from a revision of another branch: that would revert it.
            starts.retain(|&i| self.nodes[i].branch_labels.iter().any(|label| label == branch.name));
            if starts.is_empty() {
                return Err(Error::BranchNotApplied {
                    target: target.to_owned(),
                    branch: branch.name.to_owned(),
                    current: current.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                });
            }
        }
        Ok((branch, self.single_start(target, starts)?))
    }

    fn single_start(&self, target: &str, starts: Vec<usize>) -> Result<Spot> {
        match starts[..] {
            [] => Ok(Spot::Below),
            [one] => Ok(Spot::At(one)),
            _ => Err(Error::AmbiguousWalk {
                target: target.to_owned(),
                at: starts.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                hint: "the database is at several heads; say which to move, e.g. `<label>@+1`, `<label>@-1` or `<revision>+1`".to_owned(),
            }),
        }
    }

    /// Alembic's `_walk`: `steps` revisions up (children, kept to the branch's line) or down
    /// (parents), refusing to guess at branch and merge points.
    pub(super) fn walk(
        &self,
        target: &str,
        from: Spot,
        steps: i64,
        branch: Option<Branch>,
        overwalk: Overwalk,
    ) -> Result<Spot> {
        let lineage = branch.map(|branch| self.lineage(branch.anchor));
        let mut spot = from;
        let total = steps.unsigned_abs();
        for taken in 0..total {
            let next: Vec<Spot> = if steps > 0 {
                let candidates: Vec<usize> = match spot {
                    Spot::Below => (0..self.nodes.len()).filter(|&i| self.nodes[i].is_base()).collect(),
                    Spot::At(index) => self.nodes[index].children.to_vec(),
                };
                candidates
                    .into_iter()
                    .filter(|&i| lineage.as_ref().is_none_or(|lineage| lineage[i]))
                    .map(Spot::At)
                    .collect()
            } else {
                match spot {
                    Spot::Below => Vec::new(),
                    Spot::At(index) if self.nodes[index].parents.is_empty() => vec![Spot::Below],
                    Spot::At(index) => self.nodes[index].parents.iter().map(|&i| Spot::At(i)).collect(),
                }
            };
            match next[..] {
                [one] => spot = one,
                [] if overwalk == Overwalk::StopAtEdge => break,
                [] => {
                    return Err(Error::RelativeOutOfRange {
                        target: target.to_owned(),
                        steps: taken,
                        edge: if steps > 0 { "head" } else { "base" },
                    });
                }
                _ => {
                    let ids: Vec<String> = next
                        .iter()
                        .filter_map(|spot| match spot {
                            Spot::At(i) => Some(self.nodes[*i].id.clone()),
                            Spot::Below => None,
                        })
                        .collect();
                    let remaining = total - taken - 1;
                    let example = |id: &str, sign: char| {
                        if remaining == 0 { format!("`{id}`") } else { format!("`{id}{sign}{remaining}`") }
                    };
                    let hint = match spot {
                        Spot::At(index) if steps < 0 => format!(
                            "revision '{}' is a merge point; walk down from one of its down_revisions, e.g. {}",
                            self.nodes[index].id,
                            example(&ids[0], '-')
                        ),
                        Spot::At(index) => format!(
                            "revision '{}' is a branch point; name the branch (`<label>@+{}`) or walk up from one of its children, e.g. {}",
                            self.nodes[index].id,
                            total - taken,
                            example(&ids[0], '+')
                        ),
                        Spot::Below => format!(
                            "the graph has several bases; name the branch (`<label>@+{}`) or start from one of them, e.g. {}",
                            total - taken,
                            example(&ids[0], '+')
                        ),
                    };
                    return Err(Error::AmbiguousWalk { target: target.to_owned(), at: ids, hint });
                }
            }
        }
        Ok(spot)
    }
}

fn unknown(target: &str, reason: String) -> Error {
    Error::UnknownTarget { target: target.to_owned(), reason }
}

impl RevisionGraph {
    /// Splits a target into its branch, its symbol and its step count. An exact id or label is
    /// never read as a relative step (`v-1` may be an id).
    fn split<'t>(&self, target: &'t str) -> Expression<'t> {
        let (branch, expression) = match target.split_once('@') {
            Some((name, expression)) => (Some(name), expression),
            None => (None, target),
        };
        if self.by_id.contains_key(expression) || self.by_label.contains_key(expression) {
            return Expression::Absolute { branch, symbol: expression };
        }
        split_expression(branch, expression)
    }
}

fn split_expression<'t>(branch: Option<&'t str>, expression: &'t str) -> Expression<'t> {
    match split_relative(expression) {
        Some((anchor, steps)) => Expression::Relative {
            branch,
            symbol: match anchor {
                "" | "current" => None,
                anchor => Some(anchor),
            },
            steps,
        },
        None => Expression::Absolute { branch, symbol: expression },
    }
}

/// Splits `anchor+N` / `anchor-N` (anchor may be empty); `None` when the expression is not relative.
fn split_relative(expression: &str) -> Option<(&str, i64)> {
    let at = expression.rfind(['+', '-'])?;
    let (anchor, step) = expression.split_at(at);
    let digits = &step[1..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let count: i64 = digits.parse().ok()?;
    Some((anchor, if step.starts_with('-') { -count } else { count }))
}

#[cfg(test)]
mod tests {
    use super::split_relative;

    #[test]
    fn relative_expressions_split_into_anchor_and_signed_steps() {
        assert_eq!(split_relative("+2"), Some(("", 2)));
        assert_eq!(split_relative("-1"), Some(("", -1)));
        assert_eq!(split_relative("head-1"), Some(("head", -1)));
        assert_eq!(split_relative("ae10+12"), Some(("ae10", 12)));
        assert_eq!(split_relative("ae10"), None);
        assert_eq!(split_relative("rev-x"), None);
        assert_eq!(split_relative("+99999999999999999999"), None);
    }
}
