//! Asking whether a column or table that the database has and the models don't was renamed to
//! one the models have and the database doesn't (as Django's `makemigrations` asks): a rename
//! keeps the data, a drop and an add lose it. Without a terminal, nothing is guessed.

use std::io::{BufRead, Write};

use crate::autogenerate::PossibleRename;

/// Whether there is someone to ask.
pub(super) enum Asking {
    /// Ask on the terminal.
    Terminal,
    /// Don't ask: every possible rename is a drop and an add, with a warning.
    No,
}

/// The possible renames the user says are renames.
pub(super) fn ask(possible: &[PossibleRename], asking: Asking) -> Result<Vec<PossibleRename>, String> {
    match asking {
        Asking::Terminal => answers(possible, std::io::stdin().lock(), std::io::stderr()),
        Asking::No => {
            for rename in possible {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: {rename} may be a rename; with no terminal to ask, it is written as a drop \
                     and an add, which loses the data: edit the migration if it is a rename"
                );
            }
            Ok(Vec::new())
        }
    }
}

/// Asks about each possible rename on `prompt`, reading `y` or `n` from `input`; a rename's
/// names can't be in a second rename (a column renamed once).
fn answers(
    possible: &[PossibleRename],
    mut input: impl BufRead,
    mut prompt: impl Write,
) -> Result<Vec<PossibleRename>, String> {
    let mut renames: Vec<PossibleRename> = Vec::new();
    for rename in possible {
        if renames.iter().any(|taken| overlaps(taken, rename)) {
            continue;
        }
        let _ = write!(prompt, "Was {rename} a rename? [y/N] ");
        let _ = prompt.flush();
        let mut line = String::new();
        input.read_line(&mut line).map_err(|error| format!("can't read the answer: {error}"))?;
        if matches!(line.trim(), "y" | "Y" | "yes") {
            renames.push(rename.clone());
        }
    }
    Ok(renames)
}

/// Whether two possible renames share a name they move from or to.
fn overlaps(a: &PossibleRename, b: &PossibleRename) -> bool {
    match (a, b) {
        (PossibleRename::Table { from, to }, PossibleRename::Table { from: other_from, to: other_to }) => {
            from == other_from || to == other_to
        }
        (
            PossibleRename::Column { table, from, to },
            PossibleRename::Column { table: other_table, from: other_from, to: other_to },
        ) => table == other_table && (from == other_from || to == other_to),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(from: &str, to: &str) -> PossibleRename {
        PossibleRename::Column { table: "users".to_owned(), from: from.to_owned(), to: to.to_owned() }
    }

    #[test]
    fn a_yes_is_a_rename_and_anything_else_is_not() {
        let possible = [column("name", "full_name"), column("nick", "handle")];
        let mut prompt = Vec::new();
        let renames = answers(&possible, "y\n\n".as_bytes(), &mut prompt).unwrap();
        assert_eq!(renames, [column("name", "full_name")]);
        assert_eq!(
            String::from_utf8(prompt).unwrap(),
            "Was column \"users\".\"name\" -> \"full_name\" a rename? [y/N] \
             Was column \"users\".\"nick\" -> \"handle\" a rename? [y/N] "
        );
    }

    #[test]
    fn a_column_renamed_once_is_not_asked_about_again() {
        let possible = [column("name", "full_name"), column("name", "handle"), column("nick", "handle")];
        let mut prompt = Vec::new();
        let renames = answers(&possible, "y\ny\n".as_bytes(), &mut prompt).unwrap();
        assert_eq!(renames, [column("name", "full_name"), column("nick", "handle")]);
    }
}
