//! Operations: what a migration function records, to be run against a database or rendered as SQL.

/// One schema or data change recorded by a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// Raw SQL, run as given.
    Execute { sql: String },
}

/// The recorder handed to a migration function (Alembic's `op`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Operations {
    recorded: Vec<Operation>,
}

impl Operations {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records raw SQL to run as given.
    pub fn execute(&mut self, sql: impl Into<String>) -> &mut Self {
        self.recorded.push(Operation::Execute { sql: sql.into() });
        self
    }

    /// The operations recorded so far, in order.
    pub fn recorded(&self) -> &[Operation] {
        &self.recorded
    }

    /// Takes the recorded operations, leaving the recorder empty.
    pub fn into_recorded(self) -> Vec<Operation> {
        self.recorded
    }
}
