//! One spelling for what the databases write differently: SQL expressions (checks, partial
//! indexes, defaults) with casts, redundant parentheses, identifier quotes and spacing taken
//! out, and the type names each database gives a portable type.

use crate::dialect::definition::{Token, TokenKind, tokenize};
use crate::schema::{TriggerEvent, TriggerTiming, Type};

use super::ColumnType;

/// Words that continue a type name after `::` (`::character varying`, `::timestamp with time zone`).
const TYPE_NAME_WORDS: &[&str] = &["varying", "precision", "with", "without", "time", "zone"];

/// An expression in one spelling: casts (`::text`) and quotes around identifiers dropped, bare
/// words lowercase, redundant outer parentheses removed, one space between tokens.
pub(super) fn expression(sql: &str) -> String {
    let tokens = without_redundant_parentheses(sql, without_casts(sql, &tokenize(sql)));
    write_tokens(sql, &tokens, |token, text| match token.kind {
        TokenKind::Word => text.to_ascii_lowercase(),
        _ => text.to_owned(),
    })
}

/// A column default in one spelling: as [`expression`], but keywords keep their case, the
/// current time and date have one name each, and a quoted number in a numeric column is a
/// number. A NULL default is no default: `None`.
pub(super) fn default(sql: &str, column_type: &ColumnType) -> Option<String> {
    let tokens = without_casts(sql, &tokenize(sql));
    let text = write_tokens(sql, &tokens, |_, text| text.to_owned());
    if text.eq_ignore_ascii_case("null") {
        return None;
    }
    Some(spelled(text, column_type))
}

/// The default's one spelling, casts and parentheses already gone.
fn spelled(text: String, column_type: &ColumnType) -> String {
    let lower = text.to_ascii_lowercase();
    // A call's precision says how many fractional digits: `current_timestamp(6)`.
    let function = match lower.strip_suffix(')').and_then(|call| call.rsplit_once('(')) {
        Some((function, precision)) if precision.bytes().all(|b| b.is_ascii_digit()) => function,
        _ => lower.as_str(),
    };
    match function {
        "current_timestamp" | "now" | "localtimestamp" => return "CURRENT_TIMESTAMP".to_owned(),
        "current_date" | "curdate" => return "CURRENT_DATE".to_owned(),
        "true" | "false" => return lower,
        _ => {}
    }
    let numeric = matches!(column_type, ColumnType::Portable(portable) if is_numeric(portable));
    if numeric
        && let Some(inner) = text.strip_prefix('\'').and_then(|rest| rest.strip_suffix('\''))
        && is_number(inner)
    {
        return inner.to_owned();
    }
    text
}

/// Whether a column of this type holds numbers (or booleans, which are numbers where read).
pub(super) fn is_numeric(column_type: &Type) -> bool {
    matches!(
        column_type,
        Type::SmallInt
            | Type::Integer
            | Type::BigInt
            | Type::Numeric { .. }
            | Type::Float
            | Type::Double
            | Type::Boolean
    )
}

/// A view's query in one spelling: whitespace collapsed, no trailing semicolon.
pub(super) fn view_definition(sql: &str) -> String {
    collapse_whitespace(sql.trim().trim_end_matches(';').trim_end())
}

/// A function's or trigger's body in one spelling: whitespace collapsed, no trailing semicolon.
pub(super) fn body(sql: &str) -> String {
    view_definition(sql)
}

/// A function's parameters or return type in one spelling: lowercase, one space between words,
/// none inside parentheses or before commas, display widths dropped (MariaDB's `int(11)`), and
/// each type's one name (`int4` and `int` are `integer`).
pub(super) fn signature(sql: &str) -> String {
    let lower = sql.to_ascii_lowercase();
    let spaced = lower.replace('(', " ( ").replace(')', " ) ").replace(',', " , ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut at = 0;
    while at < words.len() {
        let word = words[at];
        let display_width =
            matches!(word, "int" | "integer" | "bigint" | "smallint" | "tinyint" | "mediumint")
                && words.get(at + 1) == Some(&"(")
                && words.get(at + 3) == Some(&")")
                && words.get(at + 2).is_some_and(|width| width.bytes().all(|b| b.is_ascii_digit()));
        out.push(
            match word {
                "int" | "int4" => "integer",
                "int8" => "bigint",
                "int2" => "smallint",
                "bool" => "boolean",
                "float8" => "double precision",
                "float4" => "real",
                "varchar" => "character varying",
                "timestamptz" => "timestamp with time zone",
                other => other,
            }
            .to_owned(),
        );
        at += if display_width { 4 } else { 1 };
    }
    out.join(" ").replace(" ( ", "(").replace("( ", "(").replace(" )", ")").replace(" ,", ",")
}

/// `BEFORE` or `AFTER`, in any case.
pub(super) fn trigger_timing(word: &str) -> Option<TriggerTiming> {
    match word.to_ascii_uppercase().as_str() {
        "BEFORE" => Some(TriggerTiming::Before),
        "AFTER" => Some(TriggerTiming::After),
        _ => None,
    }
}

/// `INSERT`, `UPDATE` or `DELETE`, in any case.
pub(super) fn trigger_event(word: &str) -> Option<TriggerEvent> {
    match word.to_ascii_uppercase().as_str() {
        "INSERT" => Some(TriggerEvent::Insert),
        "UPDATE" => Some(TriggerEvent::Update),
        "DELETE" => Some(TriggerEvent::Delete),
        _ => None,
    }
}

/// Runs of whitespace as one space.
pub(super) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A type name split into its lowercase words and its numeric arguments:
/// `NUMERIC(10, 2)` is `("numeric", [10, 2])`; `None` when an argument is not a number.
pub(super) fn split_type_name(name: &str) -> Option<(String, Vec<u32>)> {
    let (words, arguments) = match name.split_once('(') {
        Some((words, rest)) => {
            let (inside, after) = rest.split_once(')')?;
            let arguments: Option<Vec<u32>> =
                inside.split(',').map(|argument| argument.trim().parse().ok()).collect();
            (format!("{words} {after}"), arguments?)
        }
        None => (name.to_owned(), Vec::new()),
    };
    Some((collapse_whitespace(&words.to_ascii_lowercase()), arguments))
}

/// Whether `text` is a decimal number, with an optional sign and point.
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The tokens without PostgreSQL's casts: `::` and the type name after it.
fn without_casts(sql: &str, tokens: &[Token]) -> Vec<Token> {
    let mut kept = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while index < tokens.len() {
        let is_colon = |at: usize| tokens.get(at).is_some_and(|token| token.text(sql) == ":");
        if is_colon(index) && is_colon(index + 1) {
            index += 2;
            // The type's name: a word or quoted name, more words, then `(n)` and `[]`.
            if tokens
                .get(index)
                .is_some_and(|token| matches!(token.kind, TokenKind::Word | TokenKind::Quoted))
            {
                index += 1;
            }
            while tokens
                .get(index)
                .is_some_and(|token| TYPE_NAME_WORDS.iter().any(|word| token.is_word(sql, word)))
            {
                index += 1;
            }
            if tokens.get(index).is_some_and(|token| token.kind == TokenKind::Open) {
                let depth = tokens[index].depth;
                index += 1;
                while tokens
                    .get(index)
                    .is_some_and(|token| !(token.kind == TokenKind::Close && token.depth == depth))
                {
                    index += 1;
                }
                index += 1;
            }
            while tokens.get(index).is_some_and(|token| matches!(token.text(sql), "[" | "]" | "[]")) {
                index += 1;
            }
            continue;
        }
        kept.push(tokens[index]);
        index += 1;
    }
    kept
}

/// The tokens without parentheses that say nothing: around one token (`(kind) = 'a'`), or
/// inside another pair (`((a > 0))`). A call's own parentheses stay: `f(x)`, `IN (..)`.
fn without_redundant_parentheses(sql: &str, mut tokens: Vec<Token>) -> Vec<Token> {
    let closing = |tokens: &[Token], open: usize| {
        let depth = tokens[open].depth;
        (open + 1..tokens.len()).find(|&at| tokens[at].kind == TokenKind::Close && tokens[at].depth == depth)
    };
    let mut open = 0;
    while open < tokens.len() {
        let after_word = open > 0 && tokens[open - 1].kind == TokenKind::Word;
        let redundant = tokens[open].kind == TokenKind::Open
            && closing(&tokens, open).is_some_and(|close| {
                let single = close == open + 2
                    && !after_word
                    && matches!(
                        tokens[open + 1].kind,
                        TokenKind::Word | TokenKind::Quoted | TokenKind::String
                    );
                // This pair is all that another pair holds: `((a > 0))`, `any ((x))`.
                let inside_pair = open > 0
                    && tokens[open - 1].kind == TokenKind::Open
                    && closing(&tokens, open - 1) == Some(close + 1);
                single || inside_pair
            });
        match redundant.then(|| closing(&tokens, open)).flatten() {
            Some(close) => {
                tokens.remove(close);
                tokens.remove(open);
            }
            None => open += 1,
        }
    }
    let _ = sql;
    tokens
}

/// The tokens written with one space between them (none inside parentheses or before a comma),
/// identifiers unquoted, and parentheses around the whole taken off.
fn write_tokens(sql: &str, tokens: &[Token], word: impl Fn(&Token, &str) -> String) -> String {
    let mut tokens = tokens;
    while tokens.len() >= 2 && wraps_all(tokens) {
        tokens = &tokens[1..tokens.len() - 1];
    }
    let mut text = String::new();
    let mut previous: Option<&Token> = None;
    for token in tokens {
        let glued = matches!(token.kind, TokenKind::Close | TokenKind::Comma)
            || previous.is_some_and(|previous| previous.kind == TokenKind::Open)
            // A call as written: `now()`, `json_valid(x)` (but `IN (..)` keeps its space).
            || ((token.kind == TokenKind::Open || token.text(sql).starts_with('['))
                && previous.is_some_and(|previous| previous.kind == TokenKind::Word && previous.end == token.start))
            // An operator of several characters (`>=`, `<>`, `||`), or a sign: each is a token.
            || (token.kind == TokenKind::Other
                && previous.is_some_and(|previous| {
                    previous.kind == TokenKind::Other
                        && previous.end == token.start
                        && !previous.text(sql).bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
                }));
        if previous.is_some() && !glued {
            text.push(' ');
        }
        match token.kind {
            // PostgreSQL's `ARRAY[..]`, which reads as a bracket-quoted name: its items.
            TokenKind::Quoted if token.text(sql).starts_with('[') => {
                let inner = token.text(sql);
                text.push('[');
                text.push_str(&expression(inner[1..].strip_suffix(']').unwrap_or(&inner[1..])));
                text.push(']');
            }
            TokenKind::Quoted => text.push_str(&token.identifier(sql).unwrap_or_default()),
            TokenKind::Word => text.push_str(&word(token, token.text(sql))),
            _ => text.push_str(token.text(sql)),
        }
        previous = Some(token);
    }
    text
}

/// Whether the first token opens a parenthesis that the last token closes.
fn wraps_all(tokens: &[Token]) -> bool {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else { return false };
    if first.kind != TokenKind::Open || last.kind != TokenKind::Close {
        return false;
    }
    // The first parenthesis must close at the very end, not earlier: `(a) AND (b)`.
    let depth = first.depth;
    tokens[1..tokens.len() - 1].iter().all(|token| token.depth > depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> ColumnType {
        ColumnType::Portable(Type::Text)
    }

    #[test]
    fn expressions_lose_quotes_casts_and_outer_parentheses() {
        assert_eq!(expression("((\"age\" > 0))"), "age > 0");
        assert_eq!(expression("(`age` >= -1)"), "age >= -1");
        assert_eq!(expression("(`age` > 0)"), "age > 0");
        assert_eq!(expression("(status = 'on'::text)"), "status = 'on'");
        assert_eq!(expression("(a > 0) AND (b > 0)"), "(a > 0) and (b > 0)");
        assert_eq!(
            expression(
                "((kind)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"
            ),
            "kind = any (array['a', 'b'])"
        );
        assert_eq!(expression("deleted_at IS NULL"), expression("(deleted_at IS NULL)"));
    }

    #[test]
    fn expressions_keep_string_literals_as_written() {
        assert_eq!(expression("name <> 'The  \"X\"'"), "name <> 'The  \"X\"'");
    }

    #[test]
    fn defaults_lose_casts_and_parentheses() {
        assert_eq!(default("'x'::text", &text()), Some("'x'".to_owned()));
        assert_eq!(default("'x'::character varying", &text()), Some("'x'".to_owned()));
        assert_eq!(default("'x'", &text()), Some("'x'".to_owned()));
        assert_eq!(default("(lower('A'))", &text()), Some("lower('A')".to_owned()));
    }

    #[test]
    fn a_null_default_is_no_default() {
        assert_eq!(default("NULL::character varying", &text()), None);
        assert_eq!(default("NULL", &text()), None);
        assert_eq!(default("'NULL'", &text()), Some("'NULL'".to_owned()), "the text NULL is a value");
    }

    #[test]
    fn the_current_time_and_date_have_one_name_each() {
        let timestamp = ColumnType::Portable(Type::Timestamp { with_time_zone: true });
        for spelling in [
            "CURRENT_TIMESTAMP",
            "current_timestamp()",
            "current_timestamp(6)",
            "now()",
            "(CURRENT_TIMESTAMP)",
        ] {
            assert_eq!(default(spelling, &timestamp), Some("CURRENT_TIMESTAMP".to_owned()), "{spelling}");
        }
        for spelling in ["CURRENT_DATE", "curdate()", "(CURRENT_DATE)"] {
            assert_eq!(
                default(spelling, &ColumnType::Portable(Type::Date)),
                Some("CURRENT_DATE".to_owned()),
                "{spelling}"
            );
        }
    }

    #[test]
    fn quoted_numbers_in_numeric_columns_are_numbers() {
        let integer = ColumnType::Portable(Type::Integer);
        assert_eq!(default("'-1'::integer", &integer), Some("-1".to_owned()));
        assert_eq!(
            default("'10.50'::numeric", &ColumnType::Portable(Type::Numeric { precision: 10, scale: 2 })),
            Some("10.50".to_owned())
        );
        assert_eq!(default("'5'::text", &text()), Some("'5'".to_owned()), "text stays text");
    }

    #[test]
    fn type_names_split_into_words_and_arguments() {
        assert_eq!(split_type_name("NUMERIC(10, 2)"), Some(("numeric".to_owned(), vec![10, 2])));
        assert_eq!(
            split_type_name("character varying(255)"),
            Some(("character varying".to_owned(), vec![255]))
        );
        assert_eq!(split_type_name("int(11) unsigned"), Some(("int unsigned".to_owned(), vec![11])));
        assert_eq!(
            split_type_name("TIMESTAMP WITH TIME ZONE"),
            Some(("timestamp with time zone".to_owned(), vec![]))
        );
        assert_eq!(split_type_name("enum('a','b')"), None);
    }

    #[test]
    fn signatures_read_alike_from_every_database() {
        assert_eq!(signature("x INT, y int(11)"), "x integer, y integer");
        assert_eq!(signature("x int4, name VARCHAR( 20 )"), "x integer, name character varying(20)");
        assert_eq!(signature("TRIGGER"), "trigger");
    }

    #[test]
    fn views_lose_layout() {
        assert_eq!(view_definition(" SELECT a,\n   b FROM t;"), "SELECT a, b FROM t");
    }
}
