//! `#[derive(Enum)]`: an enum of unit variants stored as a database enum type. Small enough to
//! read, check and expand in one file, in that order.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use super::meta::Keys;
use super::sqlx::{self, RENAME_ALL_RULES, RenameAll};
use migrate_attribute::Errors;

const ENUM_KEYS: Keys<'static> = Keys { known: &["name", "rename_all"], repeatable: &[] };
const VARIANT_KEYS: Keys<'static> = Keys { known: &["rename"], repeatable: &[] };

/// `impl SqlType for Enum`, giving `Type::Enum { name, variants }`; or every mistake found.
pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        let keyword = match &input.data {
            Data::Struct(data) => data.struct_token.span,
            Data::Union(data) => data.union_token.span,
            Data::Enum(data) => data.enum_token.span,
        };
        return Err(syn::Error::new(keyword, "#[derive(Enum)] goes on an enum of unit variants"));
    };
    let mut errors = Errors::default();
    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(&input.generics, "a stored enum can't be generic"));
    }
    let sqlx = sqlx::container(&input.attrs);
    let mut name = sqlx.type_name.as_ref().map(LitStr::value);
    let mut rename_all = sqlx.rename_all.as_ref().map(|(_, rule)| *rule);
    for item in ENUM_KEYS.of_attributes(&input.attrs, &mut errors) {
        let result = match item.name().as_str() {
            "name" => item.name_string("name = \"mood\"").and_then(|given| {
                agree(&given, sqlx.type_name.as_ref(), "type_name")?;
                name = Some(given.value());
                Ok(())
            }),
            _ => item.string("rename_all = \"snake_case\"").and_then(|given| {
                let Some(rule) = RenameAll::parse(&given.value()) else {
                    return Err(syn::Error::new(given.span(), format!("`rename_all` is {RENAME_ALL_RULES}")));
                };
                agree(&given, sqlx.rename_all.as_ref().map(|(text, _)| text), "rename_all")?;
                rename_all = Some(rule);
                Ok(())
            }),
        };
        errors.push_result(result);
    }
    let mut variants: Vec<String> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            errors.push(syn::Error::new_spanned(&variant.fields, "a stored enum's variants hold no data"));
        }
        let sqlx_variant = sqlx::field(&variant.attrs);
        let written = variant.ident.to_string();
        let mut stored = match (&sqlx_variant.rename, rename_all) {
            (Some(rename), _) => rename.value(),
            (None, Some(rule)) => rule.apply(&written),
            (None, None) => written,
        };
        for item in VARIANT_KEYS.of_attributes(&variant.attrs, &mut errors) {
            let result = item.name_string("rename = \"very_happy\"").and_then(|given| {
                agree(&given, sqlx_variant.rename.as_ref(), "rename")?;
                stored = given.value();
                Ok(())
            });
            errors.push_result(result);
        }
        if variants.contains(&stored) {
            errors.push(syn::Error::new(
                variant.ident.span(),
                format!("two variants are stored as \"{stored}\""),
            ));
        }
        variants.push(stored);
    }
    if data.variants.is_empty() {
        errors.push(syn::Error::new(input.ident.span(), "a stored enum needs at least one variant"));
    }
    errors.finish()?;
    let ident = &input.ident;
    let name = name.unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_snake_case());
    Ok(quote! {
        impl ::migrate::SqlType for #ident {
            fn sql_type() -> ::migrate::Type {
                ::migrate::Type::enumeration(#name, [#(#variants),*])
            }
        }
    })
}

/// sqlx reads its own attribute; the two must say the same, or rows and schema disagree.
fn agree(given: &LitStr, sqlx: Option<&LitStr>, key: &str) -> syn::Result<()> {
    match sqlx {
        Some(sqlx) if sqlx.value() != given.value() => Err(syn::Error::new(
            given.span(),
            format!(
                "this differs from #[sqlx({key} = \"{}\")]: keep the sqlx one alone, both read it",
                sqlx.value()
            ),
        )),
        _ => Ok(()),
    }
}
