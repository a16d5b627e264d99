//! Target expressions: `head`, `heads`, `base`, `current`, ids and prefixes, branch labels
//! (`label@head`, `label@base`, `label@ae10`), and relative steps (`+2`, `-1`, `head-1`, `ae10+2`,
//! `label@+1`, `label@head-1`).

use super::{RESERVED, Revision, RevisionGraph};
use crate::error::{Error, Result};

/// Where a target points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    /// These revisions (and, implicitly, everything they require).
    At(Vec<usize>),
    /// Just below these revisions: none of them, nor anything that requires them. `base` is
    /// `Below` every base; `label@base` is `Below` the lowest revision of that branch.
    Below(Vec<usize>),
}

/// A resolved target.
#[derive(Debug, Clone)]
pub(super) struct Resolved {
    pub(super) place: Place,
    /// The revision whose lineage (ancestors and descendants) the target is restricted to: the
    /// one before `@`, or the current head a bare `-N` walks down from. A downgrade only removes
    /// what lies on that lineage.
    pub(super) branch: Option<usize>,
    /// The step count of a walk from the current heads (`+2`, `label@-1`), if the target is one.
    pub(super) steps_from_current: Option<i64>,
}

impl RevisionGraph {
    /// The revision ids a target names, given the database's current heads; empty for `base`.
    pub fn resolve<S: AsRef<str>>(&self, target: &str, current_heads: &[S]) -> Result<Vec<&str>> {
        let current = self.indices_of(current_heads)?;
        Ok(match self.resolve_target(target, &current)?.place {
            Place::At(revisions) => {
                revisions.into_iter().map(|index| self.nodes[index].id.as_str()).collect()
            }
            Place::Below(_) => Vec::new(),
        })
    }

    /// The one revision a target names, as `show` needs it: `None` for `base`; a target naming
    /// several revisions (`heads` with several heads) is an error listing them.
    pub fn resolve_one(&self, target: &str) -> Result<Option<&Revision>> {
        match self.resolve_target(target, &[])?.place {
            Place::At(revisions) if revisions.len() > 1 => Err(Error::MultipleHeads {
                target: target.to_owned(),
                heads: revisions.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            }),
            Place::At(revisions) => Ok(revisions.first().map(|&i| &self.nodes[i])),
            Place::Below(_) => Ok(None),
        }
    }

    /// Resolves a target against the current heads (indices).
    pub(super) fn resolve_target(&self, target: &str, current: &[usize]) -> Result<Resolved> {
        if target.trim().is_empty() {
            return Err(unknown(target, "the target is empty".to_owned()));
        }
        let (branch_name, expression) = match target.split_once('@') {
            Some((name, expression)) => (Some(name), expression),
            None => (None, target),
        };
        let branch = match branch_name {
            Some(name) => Some(self.branch_anchor(target, name)?),
            None => None,
        };
        let lineage = branch.map(|anchor| self.lineage(anchor));
        let scope = Scope { target, branch_name, branch, lineage: lineage.as_deref() };
        let at = |place| Resolved { place, branch, steps_from_current: None };
        match expression {
            "heads" => return Ok(at(Place::At(self.heads_in(&scope)))),
            "head" => return Ok(at(Place::At(self.single_head(&scope)?))),
            "base" => return Ok(at(self.base_of(&scope))),
            "current" => {
                let current = current.iter().copied().filter(|&i| scope.contains(i));
                return Ok(at(Place::At(current.collect())));
            }
            _ => {}
        }
        // An exact id or label wins over the relative reading (`v-1` may be an id).
        if let Some(&index) = self.by_id.get(expression).or_else(|| self.by_label.get(expression)) {
            return Ok(at(Place::At(vec![self.revision_in(&scope, &self.nodes[index].id)?])));
        }
        if let Some((anchor, steps)) = split_relative(expression) {
            if anchor.is_empty() || anchor == "current" {
                let start = self.start_from_current(&scope, current, steps)?;
                // A bare `-N` walks down the one current head and removes only what lies on its
                // lineage (Alembic does the same).
                let walk_branch = match (&start, branch) {
                    (Place::At(at), None) => at.first().copied(),
                    _ => branch,
                };
                return Ok(Resolved {
                    place: self.walk(&scope, start, steps)?,
                    branch: walk_branch,
                    steps_from_current: Some(steps),
                });
            }
            let start = match anchor {
                "head" => Place::At(self.single_head(&scope)?),
                "base" => self.base_of(&scope),
                anchor => Place::At(vec![self.revision_in(&scope, anchor)?]),
            };
            return Ok(at(self.walk(&scope, start, steps)?));
        }
        if expression.is_empty() {
            return Err(unknown(
                target,
                "nothing follows '@': write `label@head`, `label@base`, `label@<revision>` or `label@+1`"
                    .to_owned(),
            ));
        }
        Ok(at(Place::At(vec![self.revision_in(&scope, expression)?])))
    }

    /// The revision a name before `@` stands for: a branch label, else a revision id or prefix.
    fn branch_anchor(&self, target: &str, name: &str) -> Result<usize> {
        if let Some(&labelled) = self.by_label.get(name) {
            return Ok(labelled);
        }
        let everything = Scope { target, branch_name: None, branch: None, lineage: None };
        self.revision_in(&everything, name).map_err(|error| match error {
            Error::UnknownTarget { .. } => {
                unknown(target, format!("there is no branch labelled '{name}', nor a revision with that id"))
            }
            other => other,
        })
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

    fn heads_in(&self, scope: &Scope) -> Vec<usize> {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].is_head() && scope.contains(i)).collect()
    }

    /// The one head in scope (none when the graph is empty); several is an error listing them.
    fn single_head(&self, scope: &Scope) -> Result<Vec<usize>> {
        let heads = self.heads_in(scope);
        if heads.len() > 1 {
            return Err(Error::MultipleHeads {
                target: scope.target.to_owned(),
                heads: heads.iter().map(|&i| self.nodes[i].id.clone()).collect(),
            });
        }
        Ok(heads)
    }

    /// `base`, or `label@base`: just below the lowest revision carrying the label, or below the
    /// bases a revision named before `@` descends from.
    fn base_of(&self, scope: &Scope) -> Place {
        match (scope.branch_name, scope.branch) {
            (Some(name), Some(anchor)) if self.by_label.contains_key(name) => {
                Place::Below(vec![self.branch_root(anchor, name)])
            }
            _ => Place::Below(
                (0..self.nodes.len()).filter(|&i| self.nodes[i].is_base() && scope.contains(i)).collect(),
            ),
        }
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

    /// Where a walk from the current heads starts: the one current head in scope; for a branch
    /// not applied yet, the tip of what is applied of its lineage; base when nothing is.
    fn start_from_current(&self, scope: &Scope, current: &[usize], steps: i64) -> Result<Place> {
        let mut starts: Vec<usize> = current.iter().copied().filter(|&i| scope.contains(i)).collect();
        starts.sort_unstable();
        starts.dedup();
        if starts.is_empty() && scope.lineage.is_some() && !current.is_empty() {
            let applied = self.requirement_closure(current);
            let on_branch = |i: usize| applied[i] && scope.contains(i);
            starts = (0..self.nodes.len())
                .filter(|&i| on_branch(i) && !self.nodes[i].children.iter().any(|&c| on_branch(c)))
                .collect();
        }
        match starts[..] {
            [] => Ok(self.base_of(scope)),
            [one] => Ok(Place::At(vec![one])),
            _ if steps == 0 => Ok(Place::At(starts)),
            _ => Err(Error::AmbiguousWalk {
                target: scope.target.to_owned(),
                at: starts.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                hint: "the database is at several heads; say which to move, e.g. `<label>@+1`, `<label>@-1` or `<revision>+1`".to_owned(),
            }),
        }
    }

    /// The revision an id, branch label or unique id prefix names, within the scope.
    fn revision_in(&self, scope: &Scope, name: &str) -> Result<usize> {
        let exact = self.by_id.get(name).or_else(|| self.by_label.get(name));
        if let Some(&index) = exact {
            return if scope.contains(index) {
                Ok(index)
            } else {
                Err(unknown(
                    scope.target,
                    format!(
                        "revision '{}' is not on branch '{}' (neither its ancestor nor its descendant)",
                        self.nodes[index].id,
                        scope.branch_name.unwrap_or_default()
                    ),
                ))
            };
        }
        // Alembic's rule: a partial id matches the ids longer than three characters it starts.
        let mut candidates: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                let id = &self.nodes[i].id;
                id.len() > 3 && id.starts_with(name) && scope.contains(i)
            })
            .collect();
        match candidates[..] {
            [one] => Ok(one),
            [] => Err(unknown(
                scope.target,
                if RESERVED.contains(&name) {
                    format!("'{name}' can't be used there")
                } else if name.len() < 4 {
                    format!(
                        "no revision id or branch label is '{name}', and a partial id needs at least four characters"
                    )
                } else {
                    format!("no revision id or branch label is or starts with '{name}'")
                },
            )),
            _ => {
                candidates.sort_by(|a, b| self.nodes[*a].id.cmp(&self.nodes[*b].id));
                Err(Error::AmbiguousPrefix {
                    prefix: name.to_owned(),
                    candidates: candidates.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                })
            }
        }
    }

    /// Walks `steps` revisions up (positive) or down (negative) along `down_revision` links,
    /// refusing to guess at branch and merge points and to go past a head or a base.
    fn walk(&self, scope: &Scope, from: Place, steps: i64) -> Result<Place> {
        let out_of_range = |taken: u64| Error::RelativeOutOfRange {
            target: scope.target.to_owned(),
            steps: taken,
            edge: if steps > 0 { "head" } else { "base" },
        };
        let mut place = match from {
            Place::At(at) if at.is_empty() => self.base_of(scope),
            Place::At(at) if at.len() > 1 && steps != 0 => {
                return Err(Error::AmbiguousWalk {
                    target: scope.target.to_owned(),
                    at: at.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                    hint: "the walk starts from several revisions; name one".to_owned(),
                });
            }
            place => place,
        };
        for taken in 0..steps.unsigned_abs() {
            let next: Vec<usize> = match (&place, steps > 0) {
                (Place::Below(roots), true) => roots.iter().copied().filter(|&i| scope.contains(i)).collect(),
                (Place::At(at), true) => at
                    .iter()
                    .flat_map(|&i| self.nodes[i].children.iter().copied())
                    .filter(|&i| scope.contains(i))
                    .collect(),
                (Place::At(at), false) => {
                    let parents: Vec<usize> =
                        at.iter().flat_map(|&i| self.nodes[i].parents.iter().copied()).collect();
                    if parents.is_empty() {
                        place = Place::Below(at.clone());
                        continue;
                    }
                    let in_scope: Vec<usize> =
                        parents.iter().copied().filter(|&i| scope.contains(i)).collect();
                    if in_scope.is_empty() { parents } else { in_scope }
                }
                (Place::Below(_), false) => return Err(out_of_range(taken)),
            };
            match next[..] {
                [one] => place = Place::At(vec![one]),
                [] => return Err(out_of_range(taken)),
                _ => {
                    return Err(Error::AmbiguousWalk {
                        target: scope.target.to_owned(),
                        at: next.iter().map(|&i| self.nodes[i].id.clone()).collect(),
                        hint: if steps > 0 {
                            "the walk reaches a branch point; name the branch (`<label>@+1`) or a revision (`<revision>+1`)".to_owned()
                        } else {
                            "the walk reaches a merge point; name the revision to walk down from (`<revision>-1`)".to_owned()
                        },
                    });
                }
            }
        }
        Ok(place)
    }
}

/// What a target may name: everything, or the lineage of the revision before `@`.
struct Scope<'a> {
    target: &'a str,
    branch_name: Option<&'a str>,
    branch: Option<usize>,
    lineage: Option<&'a [bool]>,
}

impl Scope<'_> {
    fn contains(&self, index: usize) -> bool {
        self.lineage.is_none_or(|lineage| lineage[index])
    }
}

fn unknown(target: &str, reason: String) -> Error {
    Error::UnknownTarget { target: target.to_owned(), reason }
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
