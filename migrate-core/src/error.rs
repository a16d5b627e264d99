//! The one error type of `migrate-core`.

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `migrate-core`; each message names the revisions, files or
/// keys involved and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- building the revision graph ----
    /// A revision id is empty or blank.
    #[error("revision declared at {origin} has an empty id: give it a non-blank `revision`")]
    EmptyRevisionId { origin: String },
    /// Two migrations declare the same revision id.
    #[error(
        "revision '{revision}' is declared twice: by {first} and by {second}; give one of them a new id"
    )]
    DuplicateRevision {
        revision: String,
        first: String,
        second: String,
    },
    /// A `down_revision` names a revision that does not exist.
    #[error(
        "revision '{revision}' ({origin}) has down_revision '{down_revision}', which is not a known revision"
    )]
    UnknownDownRevision {
        revision: String,
        origin: String,
        down_revision: String,
    },
    /// A `depends_on` names neither a revision nor a branch label.
    #[error(
        "revision '{revision}' ({origin}) depends on '{dependency}', which is neither a known revision nor a branch label"
    )]
    UnknownDependency {
        revision: String,
        origin: String,
        dependency: String,
    },
    /// Two revisions declare the same branch label, or a label equals a revision id.
    #[error(
        "branch label '{label}' is declared by {first} and by {second}; branch labels must be unique"
    )]
    DuplicateBranchLabel {
        label: String,
        first: String,
        second: String,
    },
    /// The `down_revision` links form a cycle.
    #[error("the revisions form a cycle: {}", path.join(" -> "))]
    Cycle { path: Vec<String> },
    /// The `down_revision` and `depends_on` links together form a cycle.
    #[error("the dependencies form a cycle: {}", path.join(" -> "))]
    DependencyCycle { path: Vec<String> },
}
