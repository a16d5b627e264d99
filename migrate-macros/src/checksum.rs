//! The checksum of a migration's code: SHA-256 of its normalised tokens.
//!
//! The tokens are written out here rather than with `TokenStream::to_string()`, whose spacing is the
//! compiler's pretty-printer and may change between Rust releases: an upgrade of the toolchain must
//! not make every applied migration look edited. Comments and whitespace are not tokens, and
//! punctuation spacing (`x=-1` against `x = -1`) is left out, so formatting never counts as an edit.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use sha2::{Digest, Sha256};

/// Hex SHA-256 of the normalised tokens.
pub fn of(tokens: TokenStream) -> String {
    let mut hasher = Sha256::new();
    write(tokens, &mut hasher);
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

fn write(tokens: TokenStream, hasher: &mut Sha256) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                hasher.update(open);
                write(group.stream(), hasher);
                hasher.update(close);
            }
            TokenTree::Ident(ident) => hasher.update(ident.to_string()),
            TokenTree::Punct(punct) => hasher.update(punct.as_char().to_string()),
            TokenTree::Literal(literal) => hasher.update(literal.to_string().replace("\r\n", "\n")),
        }
        // A separator, so that `a b` and `ab` differ.
        hasher.update(" ");
    }
}

#[cfg(test)]
mod tests {
    use super::of;

    fn checksum(source: &str) -> String {
        match source.parse() {
            Ok(tokens) => of(tokens),
            Err(error) => panic!("test source should lex: {error}"),
        }
    }

    const ORIGINAL: &str =
        "fn create(op: &mut Operations) {\n    op.execute(\"CREATE TABLE t (id INT)\");\n    let x = -1;\n}";

    #[test]
    fn reformatting_keeps_the_checksum() {
        let compressed = "fn create(op:&mut Operations){op.execute(\"CREATE TABLE t (id INT)\");let x=-1;}";
        assert_eq!(checksum(ORIGINAL), checksum(compressed));
    }

    #[test]
    fn crlf_line_endings_keep_the_checksum() {
        assert_eq!(checksum(ORIGINAL), checksum(&ORIGINAL.replace('\n', "\r\n")));
    }

    #[test]
    fn comments_keep_the_checksum() {
        let commented = ORIGINAL.replace("{\n", "{ // the table\n /* block */\n");
        assert_eq!(checksum(ORIGINAL), checksum(&commented));
    }

    #[test]
    fn a_changed_literal_changes_the_checksum() {
        assert_ne!(checksum(ORIGINAL), checksum(&ORIGINAL.replace("id INT", "id BIGINT")));
    }

    #[test]
    fn a_changed_statement_changes_the_checksum() {
        assert_ne!(checksum(ORIGINAL), checksum(&ORIGINAL.replace("let x = -1;", "let x = 1;")));
        assert_ne!(checksum(ORIGINAL), checksum(&ORIGINAL.replace("op.execute", "op.execute_twice")));
    }

    #[test]
    fn joined_identifiers_differ_from_separate_ones() {
        assert_ne!(checksum("a b"), checksum("ab"));
    }
}
