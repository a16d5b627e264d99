//! The `#[migration]` attribute, `#[migrate::test]` and the `#[derive(Model)]` and
//! `#[derive(Enum)]` macros of the migrate framework.
//!
//! A thin shell: `migrate_attribute` parses the attribute and the function and checks them (every
//! mistake reported at once, each on its own token; `cargo migrate` reads attributes with the same
//! code), `expand` emits the function unchanged plus a hidden registration through `inventory`.
//! `model/` is the two derives, with the same parse → check → expand pipeline.
//! Use them through the `migrate` crate: `use migrate::prelude::*;`.

mod checksum;
mod expand;
mod model;
mod test;

use proc_macro::TokenStream;

// The reference lives in a file that the `migrate` crate also compiles as doctests, since this
// crate can't depend on `migrate` to run them itself.
#[doc = include_str!("migration.md")]
#[proc_macro_attribute]
pub fn migration(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let mut errors = migrate_attribute::Errors::default();
    let checked = migrate_attribute::Input::parse(args.into(), item.clone(), &mut errors).and_then(|input| {
        migrate_attribute::check(&input, &mut errors);
        errors.finish().map(|()| input)
    });
    match checked {
        Ok(input) => expand::expand(&input).into(),
        Err(errors) => {
            // Keep the user's item so that one mistake in the attribute doesn't cascade into
            // "cannot find function" errors elsewhere.
            let errors = errors.to_compile_error();
            quote::quote!(#errors #item).into()
        }
    }
}

/// An async test given a fresh database migrated to the heads with every registered migration,
/// removed afterwards (also when the test fails): `#[migrate::test] async fn name(pool:
/// DatabasePool)`. `database = "postgres"` or `"mysql"` makes it on the server that
/// `MIGRATE_TEST_POSTGRES_URL` or `MIGRATE_TEST_MYSQL_URL` names (skipped, with a line saying so,
/// when unset: a skipped test passes, a `#[should_panic]` one by panicking with the text it
/// expects); SQLite is the default. `target = "ae10"` migrates to another target. Needs the
/// `testing` feature of `migrate`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    match test::expand(args.into(), item.into()) {
        Ok(expanded) => expanded.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// Declares the table a struct is stored in, for autogenerate: implements
/// `migrate::ModelDefinition` and registers the model (`migrate::Model::registered()`). Each named
/// field is a column; `#[model(...)]` on the struct (`table`, `primary_key`, `index(..)`,
/// `unique(..)`, `check(..)`, `comment`) and on fields (`primary_key`, `auto_increment`, `unique`,
/// `index`, `column`, `column_type`, `max_length`, `nullable`, `default`, `default_expression`,
/// `references`, `comment`, `skip`) say the rest. It reads `#[sqlx(rename, rename_all, skip)]`
/// so that it agrees with `#[derive(sqlx::FromRow)]`. The guide's chapter "Declaring models"
/// describes each key.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(item: TokenStream) -> TokenStream {
    model::derive_model(item.into()).into()
}

/// Stores an enum of unit variants as a database enum type: implements `migrate::SqlType` as
/// `Type::Enum`. `#[model(name = "mood", rename_all = "snake_case")]` on the enum and
/// `#[model(rename = "...")]` on a variant name the type and its values (by default the enum's
/// name in snake_case and the variants as written, as `#[derive(sqlx::Type)]` does); sqlx's
/// `type_name`, `rename_all` and `rename` are read too.
#[proc_macro_derive(Enum, attributes(model))]
pub fn derive_enum(item: TokenStream) -> TokenStream {
    model::derive_enum(item.into()).into()
}
