//! What the `#[migration]` attribute and the runtime must agree on, in one place so that the two
//! can't drift: the rule for revision ids and branch labels (the attribute refuses a bad name at
//! compile time, on its token; the revision graph refuses one built from data), the lint rules'
//! names, and the text a migration's declaration is registered as ([`Declaration`]). A name must
//! read unambiguously inside a target: `label@head`, `base:head`, `ae10+2`, `head-1`.
//!
//! ```
//! use migrate_names::{Name, Problem, check};
//!
//! assert_eq!(check("ae1027a6acf", Name::Revision), Ok(()));
//! assert_eq!(check("b-1", Name::Revision), Err(Problem::PlusOrMinus));
//! assert_eq!(check("shop-v2", Name::BranchLabel), Ok(()));
//! assert_eq!(check("shop-2", Name::BranchLabel), Err(Problem::LooksRelative));
//! ```

mod declaration;
mod lint;

pub use declaration::{Declaration, DeclarationText, Fields, NameList};
pub use lint::{LINT_RULES, is_lint_rule};

/// Words that already name a place in the graph.
pub const RESERVED: [&str; 4] = ["head", "heads", "base", "current"];

/// What is being named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    /// A revision id.
    Revision,
    /// A branch label (a `depends_on` entry is either).
    BranchLabel,
}

/// Why a name can't be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Empty, or only whitespace.
    Empty,
    /// Whitespace inside.
    Whitespace,
    /// A `,`, which separates several names.
    Comma,
    /// An `@` or `:`, which separate the parts of a target.
    Separator,
    /// Starts with `+` or `-`, which mark a relative step.
    StartsWithSign,
    /// A revision id with `+` or `-` inside: is `b-1` a revision, or `b` minus one? (Alembic
    /// refuses both characters in revision ids too.)
    PlusOrMinus,
    /// A label that ends like a relative step (`shop-2`), which a target would read as one.
    LooksRelative,
    /// One of the [`RESERVED`] words.
    Reserved,
}

/// Checks a revision id or a branch label.
pub fn check(name: &str, kind: Name) -> Result<(), Problem> {
    if name.trim().is_empty() {
        Err(Problem::Empty)
    } else if name.chars().any(char::is_whitespace) {
        Err(Problem::Whitespace)
    } else if name.contains(',') {
        Err(Problem::Comma)
    } else if name.contains(['@', ':']) {
        Err(Problem::Separator)
    } else if name.starts_with(['+', '-']) {
        Err(Problem::StartsWithSign)
    } else if kind == Name::Revision && name.contains(['+', '-']) {
        Err(Problem::PlusOrMinus)
    } else if kind == Name::BranchLabel && ends_like_a_step(name) {
        Err(Problem::LooksRelative)
    } else if RESERVED.contains(&name) {
        Err(Problem::Reserved)
    } else {
        Ok(())
    }
}

/// Whether `name` ends in `+N` or `-N`.
fn ends_like_a_step(name: &str) -> bool {
    let digits = name.trim_end_matches(|c: char| c.is_ascii_digit());
    digits.len() < name.len() && digits.ends_with(['+', '-'])
}

impl Problem {
    /// Why, in a few words, for a message that names the id or label.
    pub fn reason(self) -> &'static str {
        match self {
            Problem::Empty => "it is empty",
            Problem::Whitespace => "it contains whitespace",
            Problem::Comma => "it contains ',', which separates several names",
            Problem::Separator => {
                "it contains '@' or ':', which separate parts of a target like `label@head` or `base:head`"
            }
            Problem::StartsWithSign => "it starts with '+' or '-', which mean a relative step",
            Problem::PlusOrMinus => {
                "it contains '+' or '-', which make a target like `b-1` ambiguous (a revision, or `b` minus one?)"
            }
            Problem::LooksRelative => {
                "it ends like a relative step (`-2`, `+1`), which a target would read as one"
            }
            Problem::Reserved => "it is one of the reserved words head, heads, base and current",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_and_words_are_names() {
        for name in ["ae1027a6acf", "1975ea83b712", "a1", "shoppingcart", "plug_in.v2"] {
            assert_eq!(check(name, Name::Revision), Ok(()), "{name}");
            assert_eq!(check(name, Name::BranchLabel), Ok(()), "{name}");
        }
    }

    #[test]
    fn each_problem_is_named() {
        let cases = [
            ("", Problem::Empty),
            (" ", Problem::Empty),
            ("a b", Problem::Whitespace),
            ("a,b", Problem::Comma),
            ("shop@head", Problem::Separator),
            ("base:head", Problem::Separator),
            ("+2", Problem::StartsWithSign),
            ("-ab", Problem::StartsWithSign),
            ("head", Problem::Reserved),
            ("current", Problem::Reserved),
        ];
        for (name, problem) in cases {
            assert_eq!(check(name, Name::Revision), Err(problem), "{name:?}");
            assert_eq!(check(name, Name::BranchLabel), Err(problem), "{name:?}");
        }
    }

    #[test]
    fn a_sign_inside_a_revision_id_is_refused_as_alembic_does() {
        assert_eq!(check("b-1", Name::Revision), Err(Problem::PlusOrMinus));
        assert_eq!(check("ae10+x", Name::Revision), Err(Problem::PlusOrMinus));
    }

    #[test]
    fn a_label_may_hold_a_dash_unless_it_ends_like_a_step() {
        assert_eq!(check("shop-v2", Name::BranchLabel), Ok(()));
        assert_eq!(check("shop-2", Name::BranchLabel), Err(Problem::LooksRelative));
        assert_eq!(check("shop+10", Name::BranchLabel), Err(Problem::LooksRelative));
    }
}
