//! Which way a step moves: the one word the graph, the runner, the log and errors share.

/// Which way a step moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Apply the revision.
    Upgrade,
    /// Revert the revision.
    Downgrade,
}

impl Direction {
    /// The word the migration log records: `upgrade` or `downgrade`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        }
    }
}
