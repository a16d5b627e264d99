//! `CREATE TABLE` statements as a database holds them (SQLite's `sqlite_master.sql`, MariaDB's
//! `SHOW CREATE TABLE`), split into columns, clauses and table constraints so that one part can be
//! changed while everything else is kept exactly as written.

/// What a token of SQL text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A bare word: keyword or unquoted identifier.
    Word,
    /// A quoted identifier: `"x"`, `` `x` ``, `[x]`.
    Quoted,
    /// A string or blob literal: `'x'`, `X'00'`, `_utf8mb4'x'`.
    String,
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// `,`.
    Comma,
    /// A number or any other character.
    Other,
}

/// One token: its kind, where it is in the text, and how deep in parentheses it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    pub depth: usize,
}

impl Token {
    /// The token's text.
    pub fn text<'s>(&self, sql: &'s str) -> &'s str {
        &sql[self.start..self.end]
    }

    /// Whether this is the bare word `keyword` (any case).
    pub fn is_word(&self, sql: &str, keyword: &str) -> bool {
        self.kind == TokenKind::Word && self.text(sql).eq_ignore_ascii_case(keyword)
    }

    /// The identifier the token names, unquoted; `None` for anything but words and quoted names.
    pub fn identifier(&self, sql: &str) -> Option<String> {
        let text = self.text(sql);
        match self.kind {
            TokenKind::Word => Some(text.to_owned()),
            TokenKind::Quoted => {
                let inner = &text[1..text.len() - 1];
                Some(match text.as_bytes()[0] {
                    b'"' => inner.replace("\"\"", "\""),
                    b'`' => inner.replace("``", "`"),
                    _ => inner.to_owned(),
                })
            }
            _ => None,
        }
    }
}

/// The tokens of `sql`, comments and whitespace left out.
pub(crate) fn tokenize(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    // The end of a quoted run starting at `start` with `quote`, doubled quotes inside.
    let quoted_end = |start: usize, quote: u8| {
        let mut end = start + 1;
        while end < bytes.len() {
            if bytes[end] == quote {
                if bytes.get(end + 1) == Some(&quote) {
                    end += 2;
                    continue;
                }
                return end + 1;
            }
            end += 1;
        }
        bytes.len()
    };
    while at < bytes.len() {
        let byte = bytes[at];
        let start = at;
        let kind = match byte {
            b if b.is_ascii_whitespace() => {
                at += 1;
                continue;
            }
            b'-' if bytes.get(at + 1) == Some(&b'-') => {
                at = sql[at..].find('\n').map_or(bytes.len(), |newline| at + newline + 1);
                continue;
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = sql[at + 2..].find("*/").map_or(bytes.len(), |close| at + 2 + close + 2);
                continue;
            }
            b'"' | b'`' => {
                at = quoted_end(at, byte);
                TokenKind::Quoted
            }
            b'[' => {
                at = sql[at..].find(']').map_or(bytes.len(), |close| at + close + 1);
                TokenKind::Quoted
            }
            b'\'' => {
                at = quoted_end(at, b'\'');
                TokenKind::String
            }
            b'(' => {
                at += 1;
                TokenKind::Open
            }
            b')' => {
                at += 1;
                TokenKind::Close
            }
            b',' => {
                at += 1;
                TokenKind::Comma
            }
            b if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => {
                while at < bytes.len()
                    && (bytes[at].is_ascii_alphanumeric()
                        || matches!(bytes[at], b'_' | b'$')
                        || bytes[at] >= 0x80)
                {
                    at += 1;
                }
                // X'00', N'x', _utf8mb4'x': a prefix glued to a string is part of it.
                if bytes.get(at) == Some(&b'\'') {
                    at = quoted_end(at, b'\'');
                    TokenKind::String
                } else {
                    TokenKind::Word
                }
            }
            _ => {
                at += 1;
                while at < bytes.len()
                    && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'.')
                    && byte.is_ascii_digit()
                {
                    at += 1;
                }
                TokenKind::Other
            }
        };
        if kind == TokenKind::Close {
            depth = depth.saturating_sub(1);
        }
        tokens.push(Token { kind, start, end: at, depth });
        if kind == TokenKind::Open {
            depth += 1;
        }
    }
    tokens
}

/// A `CREATE TABLE` statement split into its parts.
#[derive(Debug, Clone)]
pub(crate) struct TableDefinition<'s> {
    /// The items between the parentheses, in order, as written.
    pub items: Vec<&'s str>,
    /// What follows the closing parenthesis (`WITHOUT ROWID`, `ENGINE=InnoDB ...`).
    pub options: &'s str,
}

/// Splits a `CREATE TABLE` statement; `None` when it has no column list.
pub(crate) fn split_table(sql: &str) -> Option<TableDefinition<'_>> {
    let tokens = tokenize(sql);
    let open = tokens.iter().position(|token| token.kind == TokenKind::Open && token.depth == 0)?;
    let close =
        tokens.iter().skip(open).position(|token| token.kind == TokenKind::Close && token.depth == 0)? + open;
    let mut items = Vec::new();
    let mut item_start = tokens[open].end;
    for token in &tokens[open + 1..close] {
        if token.kind == TokenKind::Comma && token.depth == 1 {
            items.push(sql[item_start..token.start].trim());
            item_start = token.end;
        }
    }
    items.push(sql[item_start..tokens[close].start].trim());
    Some(TableDefinition { items, options: sql[tokens[close].end..].trim_end() })
}

/// The keywords that start a table constraint rather than a column.
const TABLE_CONSTRAINT_STARTS: &[&str] =
    &["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "KEY", "INDEX", "FULLTEXT", "SPATIAL"];

/// A table constraint item: `CONSTRAINT "n" UNIQUE ("a")`, `PRIMARY KEY (..)`, `CHECK (..)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableConstraint {
    /// The name after `CONSTRAINT` (or after `KEY`/`INDEX` on MariaDB), if any.
    pub name: Option<String>,
    /// The keyword saying what it is, uppercase: `UNIQUE`, `PRIMARY`, `FOREIGN`, `CHECK`, ...
    pub kind: String,
    /// Every identifier the constraint names before any `REFERENCES`: its own columns (and,
    /// for a check, whatever its expression mentions).
    pub columns: Vec<String>,
}

/// The item as a table constraint, or `None` when it defines a column.
pub(crate) fn table_constraint(item: &str) -> Option<TableConstraint> {
    let tokens = tokenize(item);
    let first = tokens.first()?;
    if !TABLE_CONSTRAINT_STARTS.iter().any(|keyword| first.is_word(item, keyword)) {
        return None;
    }
    let (name, kind_at) = if first.is_word(item, "CONSTRAINT") {
        (tokens.get(1).and_then(|token| token.identifier(item)), 2)
    } else {
        (None, 0)
    };
    let kind = tokens.get(kind_at).map(|token| token.text(item).to_ascii_uppercase()).unwrap_or_default();
    let body = &tokens[(kind_at + 1).min(tokens.len())..];
    let until = body.iter().position(|token| token.is_word(item, "REFERENCES")).unwrap_or(body.len());
    let columns = body[..until]
        .iter()
        .filter(|token| token.depth > 0 && matches!(token.kind, TokenKind::Word | TokenKind::Quoted))
        .filter_map(|token| token.identifier(item))
        .collect();
    Some(TableConstraint { name, kind, columns })
}

/// A column definition split into its name, its type and its clauses.
#[derive(Debug, Clone)]
pub(crate) struct ColumnDefinition<'s> {
    /// The column's name, unquoted.
    pub name: String,
    /// The type as written (may be empty on SQLite).
    pub type_text: &'s str,
    /// The clauses after the type, in order.
    pub clauses: Vec<Clause<'s>>,
}

/// One clause of a column definition: `NOT NULL`, `DEFAULT 0`, `CONSTRAINT "c" CHECK (..)`, ...
#[derive(Debug, Clone)]
pub(crate) struct Clause<'s> {
    /// The keyword saying what it is, uppercase (after any `CONSTRAINT name`).
    pub kind: String,
    /// The name after `CONSTRAINT`, if any.
    pub name: Option<String>,
    /// The clause as written.
    pub text: &'s str,
}

impl ColumnDefinition<'_> {
    /// The definition written out again under `name` (already quoted).
    pub fn write(&self, quoted_name: &str, type_text: &str) -> String {
        let mut sql = quoted_name.to_owned();
        for part in std::iter::once(type_text).chain(self.clauses.iter().map(|clause| clause.text)) {
            if !part.is_empty() {
                sql.push(' ');
                sql.push_str(part);
            }
        }
        sql
    }

    /// Whether the column is computed from others (not copied when a table is rebuilt).
    pub fn is_generated(&self) -> bool {
        self.clauses.iter().any(|clause| clause.kind == "GENERATED" || clause.kind == "AS")
    }
}

/// Splits a column definition; `clause_starts` are the keywords that begin a clause on this
/// database.
pub(crate) fn split_column<'s>(item: &'s str, clause_starts: &[&str]) -> Option<ColumnDefinition<'s>> {
    let tokens = tokenize(item);
    let name = tokens.first()?.identifier(item)?;
    let upper = |index: usize| tokens.get(index).map(|token| token.text(item).to_ascii_uppercase());
    let mut boundaries = Vec::new();
    let mut index = 1;
    while index < tokens.len() {
        let token = &tokens[index];
        let word = (token.kind == TokenKind::Word && token.depth == 0)
            .then(|| token.text(item).to_ascii_uppercase());
        let Some(word) = word.filter(|word| clause_starts.contains(&word.as_str())) else {
            index += 1;
            continue;
        };
        let previous = upper(index - 1).unwrap_or_default();
        let continues = match word.as_str() {
            // SET NULL / SET DEFAULT in a REFERENCES clause, DEFAULT NULL, NOT NULL.
            "NULL" => matches!(previous.as_str(), "NOT" | "SET" | "DEFAULT"),
            "DEFAULT" => previous == "SET",
            // NOT DEFERRABLE in a REFERENCES clause.
            "NOT" => upper(index + 1).as_deref() == Some("DEFERRABLE"),
            // GENERATED ALWAYS AS (..).
            "AS" => previous == "ALWAYS",
            _ => false,
        };
        if continues {
            index += 1;
            continue;
        }
        boundaries.push(index);
        // CONSTRAINT <name> <kind>: the name and the kind belong to this clause.
        index += if word == "CONSTRAINT" { 3 } else { 1 };
    }
    // Each part ends with its last token, so that a trailing comment is left out.
    let end_before = |next: usize| tokens[next - 1].end;
    let type_end = boundaries.first().map_or(end_before(tokens.len()), |&first| end_before(first));
    let type_text = item[tokens[0].end..type_end.max(tokens[0].end)].trim();
    let clauses = boundaries
        .iter()
        .enumerate()
        .map(|(number, &start)| {
            let end = end_before(boundaries.get(number + 1).copied().unwrap_or(tokens.len()));
            let (kind, name) = if tokens[start].is_word(item, "CONSTRAINT") {
                (
                    upper(start + 2).unwrap_or_default(),
                    tokens.get(start + 1).and_then(|token| token.identifier(item)),
                )
            } else {
                (upper(start).unwrap_or_default(), None)
            };
            Clause { kind, name, text: item[tokens[start].start..end].trim() }
        })
        .collect();
    Some(ColumnDefinition { name, type_text, clauses })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQLITE: &[&str] = crate::dialect::SQLITE_CLAUSE_STARTS;

    #[test]
    fn a_table_splits_into_items_at_top_level_commas_only() {
        let table = split_table(
            "CREATE TABLE \"a, b\" (\"x\" NUMERIC(10, 2) DEFAULT 'a,b', -- c, d\n y TEXT, CHECK (x IN (1, 2))) WITHOUT ROWID",
        )
        .unwrap();
        assert_eq!(
            table.items,
            ["\"x\" NUMERIC(10, 2) DEFAULT 'a,b'", "-- c, d\n y TEXT", "CHECK (x IN (1, 2))"]
        );
        assert_eq!(table.options, " WITHOUT ROWID");
    }

    #[test]
    fn a_column_splits_into_name_type_and_clauses() {
        let column = split_column(
            "\"the \"\"order\"\"\" VARCHAR(20) NOT NULL DEFAULT NULL CONSTRAINT \"c\" CHECK (x > 0) REFERENCES t (id) ON DELETE SET NULL NOT DEFERRABLE",
            SQLITE,
        )
        .unwrap();
        assert_eq!(column.name, "the \"order\"");
        assert_eq!(column.type_text, "VARCHAR(20)");
        let clauses: Vec<(&str, Option<&str>, &str)> =
            column.clauses.iter().map(|c| (c.kind.as_str(), c.name.as_deref(), c.text)).collect();
        assert_eq!(
            clauses,
            [
                ("NOT", None, "NOT NULL"),
                ("DEFAULT", None, "DEFAULT NULL"),
                ("CHECK", Some("c"), "CONSTRAINT \"c\" CHECK (x > 0)"),
                ("REFERENCES", None, "REFERENCES t (id) ON DELETE SET NULL NOT DEFERRABLE"),
            ]
        );
    }

    #[test]
    fn table_constraints_name_their_columns() {
        let unique = table_constraint("CONSTRAINT \"u\" UNIQUE (\"a\", b)").unwrap();
        assert_eq!(
            unique,
            TableConstraint {
                name: Some("u".into()),
                kind: "UNIQUE".into(),
                columns: vec!["a".into(), "b".into()]
            }
        );
        let foreign = table_constraint("FOREIGN KEY (x) REFERENCES t (id)").unwrap();
        assert_eq!(foreign.columns, ["x"]);
        assert!(table_constraint("\"primary\" INTEGER").is_none(), "a quoted name is a column");
    }
}
