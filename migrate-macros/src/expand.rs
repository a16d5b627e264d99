//! Emits the user's function unchanged plus its hidden registration.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::LitStr;

use crate::checksum;
use migrate_attribute::Input;

/// The function as written, then `const _: () = { inventory::submit! { Migration { .. } } };`.
pub fn expand(input: &Input) -> TokenStream {
    let function = &input.function;
    let name = &function.sig.ident;
    let revision = input.revision.as_ref().map(LitStr::value).unwrap_or_default();
    let downs = input.down_revision.iter().flat_map(|(_, downs)| downs);
    let labels = &input.branch_labels;
    let dependencies = &input.depends_on;
    let replaced = &input.replaces;
    let allowed = &input.allow;
    let message = input.message();
    let transactional = input.transaction.as_ref().is_none_or(|flag| flag.value);
    let checksum = checksum::of_function(function);
    let function_name = name.to_string();
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
                    revision: #revision,
                    down_revisions: &[#(#downs),*],
                    branch_labels: &[#(#labels),*],
                    depends_on: &[#(#dependencies),*],
                    replaces: &[#(#replaced),*],
                    message: #message,
                    upgrade: #upgrade,
                    downgrade: #downgrade,
                    transactional: #transactional,
                    allow: &[#(#allowed),*],
                    checksum: #checksum,
                    function: #function_name,
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    line: #line,
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

fn path_span(path: &syn::Path) -> Span {
    path.segments.last().map_or_else(Span::call_site, |segment| segment.ident.span())
}
