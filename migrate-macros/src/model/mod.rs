//! `#[derive(Model)]` and `#[derive(Enum)]`: `ast` reads the struct (`meta` its `#[model(...)]`
//! items, `sqlx` what sqlx's attributes say about names), `check` applies the rules that span
//! several items, `expand` emits the model and its registration; `naming` is the convention for
//! names left out; `enumeration` is `#[derive(Enum)]`.

mod ast;
mod check;
mod enumeration;
mod expand;
mod meta;
mod naming;
mod sqlx;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use migrate_attribute::Errors;

/// `#[derive(Model)]`: the model's `ModelDefinition` and registration, or every mistake found.
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let mut errors = Errors::default();
    let checked = ast::ModelStruct::parse(&input, &mut errors).and_then(|model| {
        check::check(&model, &mut errors);
        errors.finish().map(|()| model)
    });
    match checked {
        Ok(model) => expand::expand(&model),
        Err(errors) => errors.to_compile_error(),
    }
}

/// `#[derive(Enum)]`: `SqlType` for an enum of unit variants, or every mistake found.
pub fn derive_enum(input: TokenStream) -> TokenStream {
    match syn::parse2::<DeriveInput>(input).and_then(|input| enumeration::derive(&input)) {
        Ok(expanded) => expanded,
        Err(errors) => errors.to_compile_error(),
    }
}
