//! The parsed attribute and function: what the user wrote, with spans kept for messages.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, LitBool, LitStr, Meta, Token};

/// The arguments the attribute accepts, for "did you mean" suggestions and docs.
pub const ARGUMENTS: [&str; 10] = [
    "revision",
    "down_revision",
    "message",
    "downgrade",
    "irreversible",
    "branch_labels",
    "depends_on",
    "transaction",
    "replaces",
    "allow",
];

/// The attribute's arguments and the function it is on.
pub struct Input {
    /// The whole attribute, for errors about something missing.
    pub attribute: Span,
    pub revision: Option<LitStr>,
    /// `None` when the argument is absent; `Some(vec![])` for `down_revision = None`.
    pub down_revision: Option<(Span, Vec<LitStr>)>,
    pub message: Option<LitStr>,
    pub downgrade: Option<syn::Path>,
    pub irreversible: Option<Span>,
    pub branch_labels: Vec<LitStr>,
    pub depends_on: Vec<LitStr>,
    /// The revisions a squash stands in for, oldest first.
    pub replaces: Vec<LitStr>,
    pub transaction: Option<LitBool>,
    /// The safety-lint rules the migration breaks on purpose.
    pub allow: Vec<LitStr>,
    /// The argument names written, valid or not, so a bad value isn't also reported as missing.
    pub given: Vec<String>,
    /// The arguments that misspelled ones most likely meant, which aren't reported as missing either.
    pub meant: Vec<&'static str>,
    pub function: syn::ItemFn,
}

impl Input {
    /// Parses the attribute arguments and the item. Mistakes in single arguments are collected
    /// into `errors` so that validation can still report the rest; the `Err` case means there is
    /// nothing to validate (not a function, or arguments that don't parse at all).
    pub fn parse(args: TokenStream, item: TokenStream, errors: &mut Errors) -> syn::Result<Self> {
        let function = syn::parse2::<syn::Item>(item).and_then(|item| match item {
            syn::Item::Fn(function) => Ok(function),
            other => Err(syn::Error::new(
                item_keyword_span(&other),
                "#[migration] goes on a function: `fn name(op: &mut Operations) { ... }`",
            )),
        });
        let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args).map_err(|error| {
            syn::Error::new(
                error.span(),
                format!(
                    "{error}: the arguments are `name = value` pairs, as in \
                     `#[migration(revision = \"ae1027a6acf\", down_revision = None)]`"
                ),
            )
        });
        let (function, metas) = match (function, metas) {
            (Ok(function), Ok(metas)) => (function, metas),
            (function, metas) => {
                let mut errors = Errors::default();
                errors.push_result(function.map(drop));
                errors.push_result(metas.map(drop));
                return Err(errors
                    .finish()
                    .err()
                    .unwrap_or_else(|| syn::Error::new(Span::call_site(), "invalid input")));
            }
        };
        let mut input = Input {
            attribute: Span::call_site(),
            revision: None,
            down_revision: None,
            message: None,
            downgrade: None,
            irreversible: None,
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            replaces: Vec::new(),
            transaction: None,
            allow: Vec::new(),
            given: Vec::new(),
            meant: Vec::new(),
            function,
        };
        for meta in metas {
            let path = meta.path();
            let name =
                path.segments.iter().map(|segment| segment.ident.to_string()).collect::<Vec<_>>().join("::");
            if input.given.contains(&name) {
                errors.push(syn::Error::new_spanned(path, format!("`{name}` is given twice: keep one")));
                continue;
            }
            input.given.push(name.clone());
            errors.push_result(input.set(&name, meta));
        }
        Ok(input)
    }

    fn set(&mut self, name: &str, meta: Meta) -> syn::Result<()> {
        match name {
            "irreversible" => {
                let Meta::Path(path) = meta else {
                    return Err(syn::Error::new_spanned(
                        meta,
                        "`irreversible` takes no value: write just `irreversible`",
                    ));
                };
                self.irreversible = Some(path.span());
                return Ok(());
            }
            _ if !ARGUMENTS.contains(&name) => {
                let (message, meant) = unknown_argument(name);
                self.meant.extend(meant);
                return Err(syn::Error::new_spanned(meta.path(), message));
            }
            _ => {}
        }
        let value = match meta {
            Meta::NameValue(name_value) => name_value.value,
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    format!("`{name}` needs a value: `{name} = ...`"),
                ));
            }
        };
        match name {
            "revision" => self.revision = Some(string(&value, "revision = \"ae1027a6acf\"")?),
            "message" => self.message = Some(string(&value, "message = \"create users table\"")?),
            "down_revision" => self.down_revision = Some((value.span(), down_revisions(&value)?)),
            "branch_labels" => self.branch_labels = strings(&value, "branch_labels = [\"billing\"]")?,
            "depends_on" => self.depends_on = strings(&value, "depends_on = [\"ae1027a6acf\"]")?,
            "replaces" => self.replaces = strings(&value, "replaces = [\"ae1027a6acf\", \"27c6a30d7c24\"]")?,
            "allow" => self.allow = strings(&value, "allow = [\"drop-column\"]")?,
            "downgrade" => match value {
                Expr::Path(path) if path.qself.is_none() => self.downgrade = Some(path.path),
                other => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "`downgrade` names a function: `downgrade = drop_users`",
                    ));
                }
            },
            "transaction" => match value {
                Expr::Lit(ExprLit { lit: Lit::Bool(flag), .. }) => self.transaction = Some(flag),
                other => {
                    return Err(syn::Error::new_spanned(other, "`transaction` is `true` or `false`"));
                }
            },
            _ => {}
        }
        Ok(())
    }
}

/// Errors gathered so that the user sees every mistake at once.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub fn push_result(&mut self, result: syn::Result<()>) {
        if let Err(error) = result {
            self.push(error);
        }
    }

    pub fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

fn string(value: &Expr, example: &str) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(text), .. }) => Ok(text.clone()),
        other => Err(syn::Error::new_spanned(other, format!("expected a string literal, as in `{example}`"))),
    }
}

/// One string or a list of them: `"a"`, `["a", "b"]` or `("a", "b")`.
fn strings(value: &Expr, example: &str) -> syn::Result<Vec<LitStr>> {
    let elements = match value {
        Expr::Array(array) => &array.elems,
        Expr::Tuple(tuple) => &tuple.elems,
        Expr::Paren(paren) => return strings(&paren.expr, example),
        single => return string(single, example).map(|text| vec![text]),
    };
    elements.iter().map(|element| string(element, example)).collect()
}

/// `None`, one id, or several ids for a merge point.
fn down_revisions(value: &Expr) -> syn::Result<Vec<LitStr>> {
    if let Expr::Path(path) = value
        && path.path.is_ident("None")
    {
        return Ok(Vec::new());
    }
    strings(value, "down_revision = \"ae1027a6acf\"").map_err(|error| {
        syn::Error::new(
            error.span(),
            "expected `None` (the first migration), a revision id (`down_revision = \"ae1027a6acf\"`) \
             or several for a merge (`down_revision = (\"ae1027a6acf\", \"27c6a30d7c24\")`)",
        )
    })
}

/// The message for an unknown argument, and the known argument it most likely means.
fn unknown_argument(name: &str) -> (String, Option<&'static str>) {
    if let Some((_, last)) = name.rsplit_once("::")
        && let Some(known) = ARGUMENTS.iter().find(|known| **known == last)
    {
        return (format!("write `{known}` without a path: `{known} = ...`"), Some(known));
    }
    let closest = ARGUMENTS.iter().min_by_key(|known| strsim::levenshtein(name, known)).copied();
    let known = ARGUMENTS.map(|a| format!("`{a}`")).join(", ");
    match closest.filter(|closest| strsim::levenshtein(name, closest) <= 3) {
        Some(closest) => {
            (format!("unknown argument `{name}`: did you mean `{closest}`? (known: {known})"), Some(closest))
        }
        None => (format!("unknown argument `{name}` (known: {known})"), None),
    }
}

/// The span of the keyword that says what the item is (`struct`, `impl`, ...), for the error.
fn item_keyword_span(item: &syn::Item) -> Span {
    match item {
        syn::Item::Struct(item) => item.struct_token.span,
        syn::Item::Enum(item) => item.enum_token.span,
        syn::Item::Impl(item) => item.impl_token.span,
        syn::Item::Mod(item) => item.mod_token.span,
        syn::Item::Const(item) => item.const_token.span,
        syn::Item::Static(item) => item.static_token.span,
        syn::Item::Trait(item) => item.trait_token.span,
        syn::Item::Type(item) => item.type_token.span,
        syn::Item::Use(item) => item.use_token.span,
        other => other.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::unknown_argument;

    #[test]
    fn a_misspelled_argument_gets_the_closest_name_suggested() {
        let message = |name| unknown_argument(name).0;
        assert!(message("down_revisions").contains("did you mean `down_revision`?"));
        assert!(message("revison").contains("did you mean `revision`?"));
        assert!(!message("colour").contains("did you mean"));
        assert!(message("migrate::revision").contains("write `revision` without a path"));
    }
}
