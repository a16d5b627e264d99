//! Squashes: a revision that `replaces` a line of older ones stands in their place in the graph.
//! The older revisions are kept out of the graph (their code may stay registered, so that a
//! database stamped inside the range can still be brought to its end), and no revision outside the
//! range may follow or depend on one of them.

use std::collections::HashMap;

use super::RevisionSpec;
use crate::error::{Error, Result};

/// The specs the graph is built from, and each replaced revision with the squash that replaces it
/// and the squash's range.
pub(super) struct Split {
    pub(super) kept: Vec<RevisionSpec>,
    pub(super) replaced: HashMap<String, Replaced>,
}

/// Where a replaced revision went: the squash that replaces it, directly.
#[derive(Debug, Clone)]
pub(super) struct Replaced {
    pub(super) squash: String,
    /// The squash's whole range, oldest first.
    pub(super) range: std::sync::Arc<[String]>,
}

/// Takes the revisions squashes replace out of `specs`, checking that nothing else names them.
pub(super) fn split(specs: Vec<RevisionSpec>) -> Result<Split> {
    let mut replaced: HashMap<String, Replaced> = HashMap::new();
    for spec in &specs {
        let range: std::sync::Arc<[String]> = spec.replaces.clone().into();
        for old in &spec.replaces {
            let entry = Replaced { squash: spec.revision.clone(), range: range.clone() };
            if let Some(first) = replaced.insert(old.clone(), entry) {
                return Err(Error::ReplacedTwice {
                    revision: old.clone(),
                    first: first.squash,
                    second: spec.revision.clone(),
                });
            }
        }
    }
    if replaced.is_empty() {
        return Ok(Split { kept: specs, replaced });
    }
    let kept: Vec<RevisionSpec> =
        specs.into_iter().filter(|spec| !replaced.contains_key(&spec.revision)).collect();
    for spec in &kept {
        for name in spec.down_revisions.iter().chain(&spec.depends_on) {
            if let Some(by) = replaced.get(name) {
                return Err(Error::FollowsReplaced {
                    revision: spec.revision.clone(),
                    origin: spec.origin.to_string(),
                    replaced: name.clone(),
                    squash: by.squash.clone(),
                });
            }
        }
    }
    Ok(Split { kept, replaced })
}
