//! Emits the user's function unchanged plus its hidden registration.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::LitStr;

use crate::checksum;
use migrate_attribute::Input;
use migrate_names::Declaration;

/// The function as written, then `const _: () = { inventory::submit! { Migration { .. } } };`,
/// whose strings are one `Declaration` text with the function's origin appended (`module::function
/// (file:line)`, from `module_path!()`, `file!()` and `line!()`).
pub fn expand(input: &Input) -> TokenStream {
    let function = &input.function;
    let name = &function.sig.ident;
    let revision = input.revision.as_ref().map(LitStr::value).unwrap_or_default();
    let no_downs = Vec::new();
    let downs = input.down_revision.as_ref().map_or(&no_downs, |(_, downs)| downs);
    let [downs, labels, dependencies, replaced, allowed] =
        [downs, &input.branch_labels, &input.depends_on, &input.replaces, &input.allow]
            .map(|list| list.iter().map(LitStr::value).collect::<Vec<_>>());
    let message = input.message();
    let checksum = checksum::of_function(function);
    let function_name = name.to_string();
    let declaration = Declaration {
        revision: &revision,
        down_revisions: &strs(&downs),
        branch_labels: &strs(&labels),
        depends_on: &strs(&dependencies),
        replaces: &strs(&replaced),
        allow: &strs(&allowed),
        message: &message,
        checksum: &checksum,
        function: &function_name,
    };
    let [infix, before_line, end] = declaration.origin_joints();
    let declaration = declaration.encode();
    let transactional = input.transaction.as_ref().is_none_or(|flag| flag.value);
    // A downgrade takes the upgrade's form: the attribute sees only the downgrade's name.
    let is_async = function.sig.asyncness.is_some();
    let downgrade = match (&input.downgrade, input.irreversible) {
        (Some(path), _) => {
            let function = migration_fn(path, path_span(path), is_async);
            quote!(::migrate::__private::Downgrade::Function(#function))
        }
        (None, Some(_)) => quote!(::migrate::__private::Downgrade::Irreversible),
        (None, None) => quote!(::migrate::__private::Downgrade::Missing),
    };
    let upgrade = migration_fn(name, name.span(), is_async);
    // The line of the function's name, not of the attribute.
    let line = quote_spanned! {name.span()=> ::core::line!() };
    // A function compiled out by `#[cfg]` must take its registration with it.
    let cfgs = function.attrs.iter().filter(|attribute| attribute.path().is_ident("cfg"));
    quote! {
        #function

        #(#cfgs)*
        #[doc(hidden)]
        const _: () = {
            ::migrate::__private::inventory::submit! {
                ::migrate::__private::Migration {
                    declaration: ::core::concat!(
                        #declaration, ::core::module_path!(), #infix, ::core::file!(), #before_line, #line, #end
                    ),
                    upgrade: #upgrade,
                    downgrade: #downgrade,
                    transactional: #transactional,
                }
            }
        };
    }
}

/// The `MigrationFn` that calls `function`, spanned so that a wrong signature is reported on the
/// user's function name rather than on the attribute. An async function is called through a shim
/// that boxes its future and converts its error (`sqlx::Error` works as well as `migrate::Error`).
fn migration_fn(function: impl ToTokens, span: Span, is_async: bool) -> TokenStream {
    if !is_async {
        return quote_spanned! {span=> ::migrate::__private::MigrationFn::Sync(#function) };
    }
    quote_spanned! {span=>
        ::migrate::__private::MigrationFn::Async({
            fn shim<'c>(
                connection: &'c mut ::migrate::Connection,
            ) -> ::migrate::__private::MigrationFuture<'c> {
                ::std::boxed::Box::pin(async move {
                    ::migrate::__private::migration_result(#function(connection).await)
                })
            }
            shim
        })
    }
}

fn strs(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

fn path_span(path: &syn::Path) -> Span {
    path.segments.last().map_or_else(Span::call_site, |segment| segment.ident.span())
}
