//! The revision graph as the randomised tests see it, computed here independently of the graph's
//! own code: what each revision requires, the closure of a state, its heads, and a plan replayed
//! step by step with every step checked.

use std::collections::{BTreeSet, HashMap};

use migrate_core::{Direction, Plan, RevisionGraph};

/// What each revision requires (its down revisions and its dependencies).
pub struct Model {
    pub requires: HashMap<String, Vec<String>>,
}

impl Model {
    pub fn of(graph: &RevisionGraph) -> Self {
        let requires = graph
            .revisions()
            .map(|r| {
                let mut needs: Vec<String> = r.down_revisions().to_vec();
                needs.extend(r.depends_on().iter().cloned());
                (r.id().to_owned(), needs)
            })
            .collect();
        Model { requires }
    }

    /// Everything the given revisions require, themselves included.
    pub fn closure(&self, ids: &[String]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = ids.to_vec();
        while let Some(id) = stack.pop() {
            if seen.insert(id.clone()) {
                stack.extend(self.requires[&id].iter().cloned());
            }
        }
        seen
    }

    /// The applied revisions nothing applied requires.
    pub fn heads(&self, applied: &BTreeSet<String>) -> BTreeSet<String> {
        let required: BTreeSet<&String> = applied.iter().flat_map(|id| self.requires[id].iter()).collect();
        applied.iter().filter(|id| !required.contains(id)).cloned().collect()
    }

    /// Replays a plan from `current`, checking every step (requirements applied first, dependents
    /// reverted first, nothing twice, the recorded heads right); returns the final applied set.
    pub fn replay(&self, current: &[String], plan: &Plan, context: &str) -> BTreeSet<String> {
        let mut applied = self.closure(current);
        for step in &plan.steps {
            let id = &step.revision;
            match step.direction {
                Direction::Upgrade => {
                    for needed in &self.requires[id] {
                        assert!(applied.contains(needed), "{context}: {id} applied before {needed}");
                    }
                    assert!(applied.insert(id.clone()), "{context}: {id} applied twice");
                }
                Direction::Downgrade => {
                    assert!(applied.remove(id), "{context}: {id} reverted but not applied");
                    for other in &applied {
                        assert!(
                            !self.requires[other].contains(id),
                            "{context}: {id} reverted while {other} still needs it"
                        );
                    }
                }
            }
            let recorded: BTreeSet<String> = step.heads_after.iter().cloned().collect();
            assert_eq!(recorded.len(), step.heads_after.len(), "{context}: duplicate heads");
            assert_eq!(recorded, self.heads(&applied), "{context}: heads after {id}");
        }
        applied
    }
}
