//! `#[migrate::test]`: an async test given a fresh database migrated to the heads.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, Meta, Token};

/// Parses `#[migrate::test]` or `#[migrate::test(database = "postgres", target = "ae10")]` on an
/// `async fn name(pool: DatabasePool)`, and expands it to a `#[test]` that runs it through
/// `migrate::testing::run_test`.
pub fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let function: syn::ItemFn = syn::parse2(item)?;
    let mut database = quote!(::migrate::Database::Sqlite);
    let mut target = "heads".to_owned();
    for meta in Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args)? {
        let Meta::NameValue(pair) = &meta else {
            return Err(syn::Error::new_spanned(meta, "expected `database = \"...\"` or `target = \"...\"`"));
        };
        let Expr::Lit(ExprLit { lit: Lit::Str(value), .. }) = &pair.value else {
            return Err(syn::Error::new_spanned(
                &pair.value,
                "expected a string, as in `database = \"postgres\"`",
            ));
        };
        if pair.path.is_ident("database") {
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
            return Err(syn::Error::new_spanned(&pair.path, "the arguments are `database` and `target`"));
        }
    }
    if function.sig.asyncness.is_none() {
        let span = function.sig.fn_token.span;
        return Err(syn::Error::new(span, "#[migrate::test] goes on an `async fn name(pool: DatabasePool)`"));
    }
    if function.sig.inputs.len() != 1 {
        let span = if function.sig.inputs.is_empty() { function.sig.ident.span() } else { Span::call_site() };
        return Err(syn::Error::new(
            span,
            "#[migrate::test] hands the test one argument, its pool: `async fn name(pool: DatabasePool)`",
        ));
    }
    let name = &function.sig.ident;
    let output = &function.sig.output;
    // The test's own attributes (should_panic, ignore, docs) go on the test function.
    let attributes = &function.attrs;
    let mut inner = function.clone();
    inner.attrs.clear();
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attributes)*
        fn #name() #output {
            #inner
            ::migrate::testing::run_test(#database, #target, |pool| #name(pool))
        }
    })
}
