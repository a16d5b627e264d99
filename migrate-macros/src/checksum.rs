//! The checksum of a migration's code: SHA-256 of its normalised tokens.
//!
//! The tokens are written out here rather than with `TokenStream::to_string()`, whose spacing is the
//! compiler's pretty-printer and may change between Rust releases: an upgrade of the toolchain must
//! not make every applied migration look edited. Comments and whitespace are not tokens, doc comments
//! (which are) are skipped, punctuation spacing (`x=-1` against `x = -1`) is left out, and line
//! endings inside literals are made `\n`.
//!
//! rustfmt also rewrites tokens, so its rewrites are undone before hashing: trailing commas, a
//! match arm's or closure's single-expression block, nested parentheses and the `;` after a final
//! `return`/`break`/`continue`. Running `cargo fmt` on an applied migration is therefore not an edit.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::ToTokens;
use sha2::{Digest, Sha256};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ReturnType, Stmt};

/// Hex SHA-256 of the function's signature and body, normalised.
pub fn of_function(function: &syn::ItemFn) -> String {
    let mut signature = function.sig.clone();
    let mut block = (*function.block).clone();
    UndoRustfmt.visit_signature_mut(&mut signature);
    UndoRustfmt.visit_block_mut(&mut block);
    let mut tokens = signature.into_token_stream();
    block.to_tokens(&mut tokens);
    let mut hasher = Sha256::new();
    write(tokens, false, &mut hasher);
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Brings the forms rustfmt switches between to one of them.
struct UndoRustfmt;

impl VisitMut for UndoRustfmt {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        visit_mut::visit_arm_mut(self, arm);
        // `A => { x }` and `A => x,` are one arm; rustfmt turns either into the other.
        if let Some(expression) = single_expression(&arm.body) {
            *arm.body = expression;
        }
        arm.comma = None;
    }

    fn visit_expr_closure_mut(&mut self, closure: &mut syn::ExprClosure) {
        visit_mut::visit_expr_closure_mut(self, closure);
        if let (ReturnType::Default, Some(expression)) = (&closure.output, single_expression(&closure.body)) {
            *closure.body = expression;
        }
    }

    fn visit_expr_mut(&mut self, expression: &mut Expr) {
        visit_mut::visit_expr_mut(self, expression);
        // `((x))` is `(x)`.
        while let Expr::Paren(outer) = expression
            && outer.attrs.is_empty()
            && let Expr::Paren(inner) = &*outer.expr
        {
            *expression = Expr::Paren(inner.clone());
        }
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        visit_mut::visit_block_mut(self, block);
        if let Some(Stmt::Expr(Expr::Return(_) | Expr::Break(_) | Expr::Continue(_), semicolon @ None)) =
            block.stmts.last_mut()
        {
            *semicolon = Some(Default::default());
        }
    }
}

/// `x` for a plain block `{ x }`.
fn single_expression(expression: &Expr) -> Option<Expr> {
    let Expr::Block(block) = expression else { return None };
    if !block.attrs.is_empty() || block.label.is_some() {
        return None;
    }
    match block.block.stmts.as_slice() {
        [Stmt::Expr(inner, None)] => Some(inner.clone()),
        [Stmt::Macro(inner)] if inner.semi_token.is_none() && inner.attrs.is_empty() => {
            Some(Expr::Macro(syn::ExprMacro { attrs: Vec::new(), mac: inner.mac.clone() }))
        }
        _ => None,
    }
}

/// Hashes `tokens`, without a comma right before the end when `drop_trailing_comma`.
fn write(tokens: TokenStream, drop_trailing_comma: bool, hasher: &mut Sha256) {
    let mut tokens: Vec<TokenTree> = tokens.into_iter().collect();
    if drop_trailing_comma && tokens.last().is_some_and(|last| is_punct(last, ',')) {
        tokens.pop();
    }
    let mut index = 0;
    while index < tokens.len() {
        if let Some(length) = doc_attribute_length(&tokens[index..]) {
            index += length;
            continue;
        }
        match &tokens[index] {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                let previous = index.checked_sub(1).map(|previous| &tokens[previous]);
                hasher.update(open);
                write(group.stream(), trailing_comma_is_optional(group, previous), hasher);
                hasher.update(close);
            }
            TokenTree::Ident(ident) => hasher.update(ident.to_string()),
            TokenTree::Punct(punct) => hasher.update(punct.as_char().to_string()),
            TokenTree::Literal(literal) => hasher.update(literal.to_string().replace("\r\n", "\n")),
        }
        // A separator, so that `a b` and `ab` differ.
        hasher.update(" ");
        index += 1;
    }
}

/// Words after which `(...)` is an expression, pattern or type rather than a call's arguments.
const KEYWORDS: [&str; 26] = [
    "as", "async", "await", "box", "break", "const", "continue", "do", "dyn", "else", "for", "if", "impl",
    "in", "let", "loop", "match", "move", "mut", "ref", "return", "static", "unsafe", "where", "while",
    "yield",
];

/// A trailing comma changes nothing, except in a one-element tuple: `(x,)` is not `(x)`. The
/// parentheses of a call (`f(x,)`, `Some(x,)`) follow a name or another group; a tuple's don't.
fn trailing_comma_is_optional(group: &Group, previous: Option<&TokenTree>) -> bool {
    if group.delimiter() != Delimiter::Parenthesis {
        return true;
    }
    let commas = group.stream().into_iter().filter(|token| is_punct(token, ',')).count();
    let after_a_name_or_group = match previous {
        Some(TokenTree::Ident(name)) => !KEYWORDS.contains(&name.to_string().as_str()),
        Some(TokenTree::Group(group)) => group.delimiter() != Delimiter::Brace,
        Some(TokenTree::Punct(punct)) => punct.as_char() == '>',
        _ => false,
    };
    commas > 1 || after_a_name_or_group
}

fn is_punct(token: &TokenTree, char: char) -> bool {
    matches!(token, TokenTree::Punct(punct) if punct.as_char() == char)
}

/// The number of tokens of a doc comment at the start of `tokens` (`///` and `//!` arrive as
/// `#[doc = "..."]` and `#![doc = "..."]`), or `None`: doc comments are comments too.
fn doc_attribute_length(tokens: &[TokenTree]) -> Option<usize> {
    if !tokens.first().is_some_and(|token| is_punct(token, '#')) {
        return None;
    }
    let bang = usize::from(tokens.get(1).is_some_and(|token| is_punct(token, '!')));
    let Some(TokenTree::Group(group)) = tokens.get(1 + bang) else { return None };
    let mut inside = group.stream().into_iter();
    let is_doc = group.delimiter() == Delimiter::Bracket
        && matches!(inside.next(), Some(TokenTree::Ident(name)) if name == "doc")
        && inside.next().is_some_and(|token| is_punct(&token, '='));
    is_doc.then_some(2 + bang)
}

#[cfg(test)]
mod tests {
    use super::of_function;

    fn checksum(source: &str) -> String {
        match syn::parse_str(source) {
            Ok(function) => of_function(&function),
            Err(error) => panic!("test source should parse as a function: {error}\n{source}"),
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
    fn crlf_line_endings_inside_a_literal_keep_the_checksum() {
        let multi_line =
            "fn create(op: &mut Operations) {\n    op.execute(\"CREATE TABLE t (\n  id INT\n)\");\n}";
        assert_eq!(checksum(multi_line), checksum(&multi_line.replace('\n', "\r\n")));
    }

    #[test]
    fn comments_keep_the_checksum() {
        let commented = ORIGINAL.replace("{\n", "{ // the table\n /* block */\n");
        assert_eq!(checksum(ORIGINAL), checksum(&commented));
    }

    #[test]
    fn doc_comments_inside_the_body_keep_the_checksum() {
        let documented = ORIGINAL.replace("{\n", "{\n    /// the table\n    /** block */\n");
        assert_eq!(checksum(ORIGINAL), checksum(&documented));
    }

    #[test]
    fn other_attributes_inside_the_body_change_the_checksum() {
        let hidden = ORIGINAL.replace("let x", "#[allow(unused)] let x");
        assert_ne!(checksum(ORIGINAL), checksum(&hidden));
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
        assert_ne!(checksum("fn f(op: &mut O) { m!(a b) }"), checksum("fn f(op: &mut O) { m!(ab) }"));
    }

    /// Written by hand, unformatted.
    const UNFORMATTED: &str = r#"fn create(op: &mut Operations,) {
    let tables = ["accounts_with_a_really_long_name_for_testing", "another_really_long_table_name_here",];
    for t in tables.iter() { op.execute(&format!("CREATE TABLE {} (id INTEGER PRIMARY KEY, name TEXT NOT NULL)", t,)); }
    let kind = match tables.len() { 0 => "none", 1 => { op.count("SELECT 1 FROM some_table_with_long_name WHERE x = 1") } _ => { "many" }, };
    let f = |x: u32| { x + 1 };
    let y = ((f(1)));
    let s = Spec { name: "x", other: "y", };
    let single = (1,);
    op.execute_many("DROP TABLE IF EXISTS some_really_long_table_name_to_force_a_line_break", "and_another");
    if kind.is_empty() { return }
}"#;

    /// `UNFORMATTED` after `rustfmt` with the default settings.
    const RUSTFMT: &str = r#"fn create(op: &mut Operations) {
    let tables = [
        "accounts_with_a_really_long_name_for_testing",
        "another_really_long_table_name_here",
    ];
    for t in tables.iter() {
        op.execute(&format!(
            "CREATE TABLE {} (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
            t,
        ));
    }
    let kind = match tables.len() {
        0 => "none",
        1 => op.count("SELECT 1 FROM some_table_with_long_name WHERE x = 1"),
        _ => "many",
    };
    let f = |x: u32| x + 1;
    let y = (f(1));
    let s = Spec {
        name: "x",
        other: "y",
    };
    let single = (1,);
    op.execute_many(
        "DROP TABLE IF EXISTS some_really_long_table_name_to_force_a_line_break",
        "and_another",
    );
    if kind.is_empty() {
        return;
    }
}"#;

    #[test]
    fn rustfmt_rewrites_keep_the_checksum() {
        assert_eq!(checksum(UNFORMATTED), checksum(RUSTFMT));
    }

    #[test]
    fn the_comma_of_a_one_element_tuple_counts() {
        assert_ne!(checksum(RUSTFMT), checksum(&RUSTFMT.replace("(1,)", "(1)")));
    }

    #[test]
    fn a_block_with_statements_in_a_match_arm_counts() {
        let with_statement = RUSTFMT.replace(r#"_ => "many","#, r#"_ => { op.log(); "many" }"#);
        assert_ne!(checksum(RUSTFMT), checksum(&with_statement));
    }
}
