//! Target expressions: `head`, `heads`, `base`, `current`, ids and prefixes, branch labels
//! (`label@head`, `label@base`, `label@ae10`), and relative steps (`+2`, `-1`, `head-1`, `ae10+2`,
//! `label@+1`).

use super::{RESERVED, RevisionGraph};
use crate::error::{Error, Result};

/// Where a target points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    /// These revisions (and, implicitly, everything they require).
    Revisions(Vec<usize>),
    /// Before anything: `None` is the base of the whole graph; `Some(root)` is just below `root`,
    /// the base of one branch (or of one history when the graph has several bases).
    Base(Option<usize>),
}

impl RevisionGraph {
    /// The revision ids a target names, given the database's current heads; empty for `base`.
    pub fn resolve<S: AsRef<str>>(&self, target: &str, current_heads: &[S]) -> Result<Vec<&str>> {
        let current = self.indices_of(current_heads)?;
        Ok(match self.place(target, &current)? {
            Place::Revisions(revisions) => revisions.into_iter().map(|i| self.nodes[i].id.as_str()).collect(),
            Place::Base(_) => Vec::new(),
        })
    }

    /// Resolves a target against the current heads (indices).
    pub(super) fn place(&self, target: &str, current: &[usize]) -> Result<Place> {
        let target = target.trim();
        if target.is_empty() {
            return Err(self.unknown(target, "the target is empty"));
        }
        if let Some((label, rest)) = target.split_once('@') {
            let branch = self
                .by_label
                .get(label)
                .ok_or_else(|| self.unknown(target, &format!("there is no branch labelled '{label}'")))?;
            let label = self.nodes[*branch].own_branch_labels.iter().find(|l| *l == label);
            let label = label.map(String::as_str).unwrap_or_default();
            return self.place_in_branch(target, label, rest, current);
        }
        self.place_in_branch(target, "", target, current)
    }

    /// Resolves `expression` within the branch `label` (every revision when `label` is empty).
    fn place_in_branch(
        &self,
        target: &str,
        label: &str,
        expression: &str,
        current: &[usize],
    ) -> Result<Place> {
        let in_branch =
            |index: &usize| label.is_empty() || self.nodes[*index].branch_labels.iter().any(|l| l == label);
        let current_here: Vec<usize> = current.iter().copied().filter(in_branch).collect();
        match expression {
            "heads" => {
                return Ok(Place::Revisions(self.head_indices().into_iter().filter(in_branch).collect()));
            }
            "head" => {
                return self.single_head(target, self.head_indices().into_iter().filter(in_branch).collect());
            }
            "base" if label.is_empty() => return Ok(Place::Base(None)),
            "base" => return Ok(Place::Base(Some(self.branch_root(label)))),
            "current" => return Ok(Place::Revisions(current_here)),
            _ => {}
        }
        if let Some(&index) = self.by_id.get(expression).filter(|index| in_branch(index)) {
            return Ok(Place::Revisions(vec![index]));
        }
        if let Some((anchor, steps)) = split_relative(expression) {
            let from = match anchor {
                "" => self.single_current(target, &current_here, steps)?,
                "head" => {
                    self.single_head(target, self.head_indices().into_iter().filter(in_branch).collect())?
                }
                "base" if label.is_empty() => Place::Base(None),
                "base" => Place::Base(Some(self.branch_root(label))),
                "current" => self.single_current(target, &current_here, steps)?,
                anchor => Place::Revisions(vec![self.by_prefix(target, anchor, &in_branch)?]),
            };
            return self.walk(target, from, steps, &in_branch);
        }
        if label.is_empty()
            && let Some(&labelled) = self.by_label.get(expression)
        {
            return Ok(Place::Revisions(vec![labelled]));
        }
        Ok(Place::Revisions(vec![self.by_prefix(target, expression, &in_branch)?]))
    }

    fn head_indices(&self) -> Vec<usize> {
        self.order.iter().copied().filter(|&i| self.nodes[i].is_head()).collect()
    }

    fn single_head(&self, target: &str, heads: Vec<usize>) -> Result<Place> {
        match heads[..] {
            [_] => Ok(Place::Revisions(heads)),
            [] => Err(self.unknown(target, "there is no revision")),
            _ => Err(Error::MultipleHeads {
                target: target.to_owned(),
                heads: heads.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            }),
        }
    }

    /// The one place a relative step starts from: the current head, or base when nothing is applied.
    fn single_current(&self, target: &str, current: &[usize], steps: i64) -> Result<Place> {
        match current {
            [] => Ok(Place::Base(None)),
            [one] => Ok(Place::Revisions(vec![*one])),
            several if steps != 0 => Err(Error::AmbiguousWalk {
                target: target.to_owned(),
                at: several.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                hint: "the database is at several heads; name one, e.g. `<label>@+1` or `<revision>+1`"
                    .to_owned(),
            }),
            several => Ok(Place::Revisions(several.to_vec())),
        }
    }

    /// The lowest revision carrying `label`: the base of that branch.
    fn branch_root(&self, label: &str) -> usize {
        // `by_label` holds every label a caller can pass here (checked by `place`).
        let mut node = self.by_label.get(label).copied().unwrap_or_default();
        while let [parent] = self.nodes[node].parents[..] {
            if !self.nodes[parent].branch_labels.iter().any(|l| l == label) {
                break;
            }
            node = parent;
        }
        node
    }

    /// The revision an id prefix names uniquely.
    fn by_prefix(&self, target: &str, prefix: &str, in_branch: &impl Fn(&usize) -> bool) -> Result<usize> {
        if let Some(&index) = self.by_id.get(prefix).filter(|i| in_branch(i)) {
            return Ok(index);
        }
        let mut candidates: Vec<usize> = self
            .order
            .iter()
            .copied()
            .filter(|i| in_branch(i) && self.nodes[*i].id.starts_with(prefix))
            .collect();
        match candidates.len() {
            1 => Ok(candidates[0]),
            0 => Err(self.unknown(
                target,
                &if RESERVED.contains(&prefix) {
                    format!("'{prefix}' can't be used here")
                } else {
                    format!("no revision id is or starts with '{prefix}'")
                },
            )),
            _ => {
                candidates.sort_by(|a, b| self.nodes[*a].id.cmp(&self.nodes[*b].id));
                Err(Error::AmbiguousPrefix {
                    prefix: prefix.to_owned(),
                    candidates: candidates.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                })
            }
        }
    }

    /// Walks `steps` revisions up (positive) or down (negative) along `down_revision` links,
    /// refusing to guess at branch and merge points and to go past a head or a base.
    fn walk(
        &self,
        target: &str,
        from: Place,
        steps: i64,
        in_branch: &impl Fn(&usize) -> bool,
    ) -> Result<Place> {
        let mut place = from;
        for taken in 0..steps.unsigned_abs() {
            let next: Vec<usize> = match (&place, steps > 0) {
                (Place::Base(None), true) => {
                    self.order.iter().copied().filter(|&i| self.nodes[i].is_base() && in_branch(&i)).collect()
                }
                (Place::Base(Some(root)), true) => vec![*root],
                (Place::Revisions(at), true) => at
                    .iter()
                    .flat_map(|&i| self.nodes[i].children.iter().copied())
                    .filter(in_branch)
                    .collect(),
                (Place::Revisions(at), false) => {
                    let parents: Vec<usize> =
                        at.iter().flat_map(|&i| self.nodes[i].parents.iter().copied()).collect();
                    if parents.is_empty() {
                        place = Place::Base(
                            at.first()
                                .copied()
                                .filter(|_| self.nodes.iter().filter(|n| n.is_base()).count() > 1),
                        );
                        continue;
                    }
                    parents
                }
                (Place::Base(_), false) => Vec::new(),
            };
            match next[..] {
                [one] => place = Place::Revisions(vec![one]),
                [] => {
                    return Err(Error::RelativeOutOfRange {
                        target: target.to_owned(),
                        steps: taken,
                        edge: if steps > 0 { "head" } else { "base" },
                    });
                }
                _ => {
                    return Err(Error::AmbiguousWalk {
                        target: target.to_owned(),
                        at: next.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                        hint: if steps > 0 {
                            "the walk reaches a branch point; name the branch (`<label>@+1`) or a revision"
                                .to_owned()
                        } else {
                            "the walk reaches a merge point; name a revision on the branch to follow"
                                .to_owned()
                        },
                    });
                }
            }
        }
        Ok(place)
    }

    fn unknown(&self, target: &str, reason: &str) -> Error {
        Error::UnknownTarget { target: target.to_owned(), reason: reason.to_owned() }
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
        assert_eq!(split_relative("99999999999999999999+1"), Some(("99999999999999999999", 1)));
        assert_eq!(split_relative("+99999999999999999999"), None);
    }
}
