//! `#[migrate::test]`: an async test given a fresh database migrated to the heads.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, Meta, Token};

/// Parses `#[migrate::test]` or `#[migrate::test(database = "postgres", target = "ae10")]` on an
/// `async fn name(pool: DatabasePool)`, and expands it to a `#[test]` that runs it through
/// `migrate::testing::run_test`; with `transaction` (PostgreSQL), on an
/// `async fn name(db: Connection)`, through `run_transaction_test`.
pub fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let function: syn::ItemFn = syn::parse2(item)?;
    let mut database = quote!(::migrate::Database::Sqlite);
    let mut postgres = false;
    let mut transaction = None;
    let mut target = "heads".to_owned();
    for meta in Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)? {
        if let Meta::Path(path) = &meta
            && path.is_ident("transaction")
        {
            transaction = Some(path.clone());
            continue;
        }
        let Meta::NameValue(pair) = &meta else {
            return Err(syn::Error::new_spanned(
                meta,
                "expected `database = \"...\"`, `target = \"...\"` or `transaction`",
            ));
        };
        let Expr::Lit(ExprLit { lit: Lit::Str(value), .. }) = &pair.value else {
            return Err(syn::Error::new_spanned(
                &pair.value,
                "expected a string, as in `database = \"postgres\"`",
            ));
        };
        if pair.path.is_ident("database") {
            postgres = value.value() == "postgres";
            database = match value.value().as_str() {
                "sqlite" => quote!(::migrate::Database::Sqlite),
                "postgres" => quote!(::migrate::Database::Postgres),
                "mysql" | "mariadb" => quote!(::migrate::Database::MySql),
                _ => {
                    return Err(syn::Error::new_spanned(
                        value,
                        "the database is \"sqlite\", \"postgres\" or \"mysql\" (MySQL or MariaDB)",
                    ));
                }
            };
        } else if pair.path.is_ident("target") {
            target = value.value();
        } else {
            return Err(syn::Error::new_spanned(
                &pair.path,
                "the arguments are `database`, `target` and `transaction`",
            ));
        }
    }
    if let Some(path) = &transaction
        && !postgres
    {
        return Err(syn::Error::new_spanned(
            path,
            "a transaction test runs on PostgreSQL: add `database = \"postgres\"` (elsewhere, a test's DDL would commit, or its writes hold the one write lock every test needs)",
        ));
    }
    let (argument, run) = match transaction {
        Some(_) => ("its connection: `async fn name(db: Connection)`", quote!(run_transaction_test)),
        None => ("its pool: `async fn name(pool: DatabasePool)`", quote!(run_test)),
    };
    if function.sig.asyncness.is_none() {
        let span = function.sig.fn_token.span;
        return Err(syn::Error::new(
            span,
            format!("#[migrate::test] goes on an async fn; it hands the test {argument}"),
        ));
    }
    if function.sig.inputs.len() != 1 {
        let span = if function.sig.inputs.is_empty() { function.sig.ident.span() } else { Span::call_site() };
        return Err(syn::Error::new(
            span,
            format!("#[migrate::test] hands the test one argument, {argument}"),
        ));
    }
    let name = &function.sig.ident;
    let output = &function.sig.output;
    // The test's own attributes (should_panic, ignore, docs) go on the test function.
    let attributes = &function.attrs;
    // A skipped `#[should_panic]` test passes only by panicking with the text it expects.
    let expected_panic = match expected_panic(attributes) {
        Some(expected) => quote!(::core::option::Option::Some(#expected)),
        None => quote!(::core::option::Option::None),
    };
    let mut inner = function.clone();
    inner.attrs.clear();
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attributes)*
        fn #name() #output {
            #inner
            ::migrate::testing::#run(#database, #target, #expected_panic, |argument| #name(argument))
        }
    })
}

/// The text a `#[should_panic]` among `attributes` expects in the panic's message: empty for
/// `#[should_panic]`, the string of `#[should_panic = "..."]` or `#[should_panic(expected = "...")]`;
/// `None` without one. A malformed one reads as empty: rustc reports it.
fn expected_panic(attributes: &[syn::Attribute]) -> Option<String> {
    let attribute = attributes.iter().find(|attribute| attribute.path().is_ident("should_panic"))?;
    let string = |expression: &Expr| match expression {
        Expr::Lit(ExprLit { lit: Lit::Str(value), .. }) => Some(value.value()),
        _ => None,
    };
    let expected = match &attribute.meta {
        Meta::Path(_) => None,
        Meta::NameValue(pair) => string(&pair.value),
        Meta::List(list) => Punctuated::<Meta, Token![,]>::parse_terminated
            .parse2(list.tokens.clone())
            .ok()
            .and_then(|metas| {
                metas.into_iter().find_map(|meta| match meta {
                    Meta::NameValue(pair) if pair.path.is_ident("expected") => string(&pair.value),
                    _ => None,
                })
            }),
    };
    Some(expected.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::expected_panic;

    fn expected(attributes: &str) -> Option<String> {
        let function: syn::ItemFn = syn::parse_str(&format!("{attributes} async fn t(p: P) {{}}")).unwrap();
        expected_panic(&function.attrs)
    }

    #[test]
    fn the_text_a_should_panic_expects_is_read_in_each_form() {
        assert_eq!(expected("#[should_panic(expected = \"boom\")]"), Some("boom".to_owned()));
        assert_eq!(expected("#[should_panic = \"boom\"]"), Some("boom".to_owned()));
        assert_eq!(expected("#[should_panic]"), Some(String::new()));
        assert_eq!(expected("#[should_panic(expected = 1)]"), Some(String::new()));
        assert_eq!(expected("/// A test.\n#[ignore]"), None);
    }
}
