//! A statement with its arguments kept apart from its text, so that one statement renders either
//! with bind placeholders (run online) or with literals (offline SQL): each is written once.

/// An argument of a [`Statement`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Argument {
    Text(String),
    Integer(i64),
    Null,
}

impl From<&str> for Argument {
    fn from(text: &str) -> Self {
        Argument::Text(text.to_owned())
    }
}

impl From<i64> for Argument {
    fn from(number: i64) -> Self {
        Argument::Integer(number)
    }
}

impl From<Option<&str>> for Argument {
    fn from(text: Option<&str>) -> Self {
        text.map_or(Argument::Null, Argument::from)
    }
}

/// SQL text with arguments between its pieces: `pieces[0] arg[0] pieces[1] arg[1] ... pieces[n]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    pieces: Vec<String>,
    arguments: Vec<Argument>,
}

impl Statement {
    /// A statement of SQL text alone.
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        Self { pieces: vec![sql.into()], arguments: Vec::new() }
    }

    /// Appends SQL text.
    pub(crate) fn sql(mut self, sql: &str) -> Self {
        if let Some(last) = self.pieces.last_mut() {
            last.push_str(sql);
        }
        self
    }

    /// Appends an argument.
    pub(crate) fn argument(mut self, argument: impl Into<Argument>) -> Self {
        self.arguments.push(argument.into());
        self.pieces.push(String::new());
        self
    }

    /// The arguments, in order.
    pub(crate) fn arguments(&self) -> &[Argument] {
        &self.arguments
    }

    /// The text with each argument written by `write` (given its 1-based position).
    pub(crate) fn render(&self, mut write: impl FnMut(usize, &Argument) -> String) -> String {
        let mut sql = String::with_capacity(self.pieces.iter().map(String::len).sum::<usize>() + 8);
        for (index, piece) in self.pieces.iter().enumerate() {
            sql.push_str(piece);
            if let Some(argument) = self.arguments.get(index) {
                sql.push_str(&write(index + 1, argument));
            }
        }
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_stand_between_the_pieces_of_text() {
        let statement = Statement::new("UPDATE t SET a = ")
            .argument("x")
            .sql(" WHERE b = ")
            .argument(2)
            .sql(" AND c IS NULL");
        assert_eq!(
            statement.render(|index, _| format!("${index}")),
            "UPDATE t SET a = $1 WHERE b = $2 AND c IS NULL"
        );
        assert_eq!(statement.arguments(), [Argument::from("x"), Argument::Integer(2)]);
    }
}
