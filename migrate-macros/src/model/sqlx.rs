//! What sqlx's own attributes say about names, so that `#[derive(Model)]` and `#[derive(Enum)]`
//! agree with `#[derive(sqlx::FromRow)]` and `#[derive(sqlx::Type)]` on the same item.
//!
//! Read leniently: sqlx checks its attributes itself, so anything here that doesn't parse is left
//! for sqlx to report rather than reported twice.

use heck::{ToKebabCase, ToLowerCamelCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Span;
use syn::{Attribute, LitStr, Token};

/// sqlx's `rename_all` rules, applied as sqlx applies them (with `heck`).
// Named as sqlx names them, `Case` and all, so the two lists read side by side.
#[allow(clippy::enum_variant_names)]
#[derive(Clone, Copy)]
pub enum RenameAll {
    LowerCase,
    SnakeCase,
    UpperCase,
    ScreamingSnakeCase,
    KebabCase,
    CamelCase,
    PascalCase,
}

/// The rules' names, for messages.
pub const RENAME_ALL_RULES: &str = "\"lowercase\", \"snake_case\", \"UPPERCASE\", \"SCREAMING_SNAKE_CASE\", \"kebab-case\", \"camelCase\" or \"PascalCase\"";

impl RenameAll {
    /// The rule a `rename_all` value names.
    pub fn parse(rule: &str) -> Option<Self> {
        Some(match rule {
            "lowercase" => RenameAll::LowerCase,
            "snake_case" => RenameAll::SnakeCase,
            "UPPERCASE" => RenameAll::UpperCase,
            "SCREAMING_SNAKE_CASE" => RenameAll::ScreamingSnakeCase,
            "kebab-case" => RenameAll::KebabCase,
            "camelCase" => RenameAll::CamelCase,
            "PascalCase" => RenameAll::PascalCase,
            _ => return None,
        })
    }

    /// `name` renamed by the rule.
    pub fn apply(self, name: &str) -> String {
        match self {
            RenameAll::LowerCase => name.to_lowercase(),
            RenameAll::SnakeCase => name.to_snake_case(),
            RenameAll::UpperCase => name.to_uppercase(),
            RenameAll::ScreamingSnakeCase => name.to_shouty_snake_case(),
            RenameAll::KebabCase => name.to_kebab_case(),
            RenameAll::CamelCase => name.to_lower_camel_case(),
            RenameAll::PascalCase => name.to_upper_camel_case(),
        }
    }
}

/// `#[sqlx(...)]` on a struct or an enum.
#[derive(Default)]
pub struct SqlxContainer {
    pub rename_all: Option<(LitStr, RenameAll)>,
    pub type_name: Option<LitStr>,
}

/// `#[sqlx(...)]` on a field or a variant.
#[derive(Default)]
pub struct SqlxField {
    pub rename: Option<LitStr>,
    pub skip: Option<Span>,
    pub flatten: Option<Span>,
    /// `json` (false) or `json(nullable)` (true): the field is stored as one JSON column.
    pub json: Option<bool>,
    /// `try_from = "i64"`: the column holds this type, converted into the field's.
    pub try_from: Option<syn::Type>,
}

/// What the `#[sqlx(...)]` attributes of a struct or enum say.
pub fn container(attributes: &[Attribute]) -> SqlxContainer {
    let mut found = SqlxContainer::default();
    for attribute in sqlx_attributes(attributes) {
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                let text: LitStr = meta.value()?.parse()?;
                if let Some(rule) = RenameAll::parse(&text.value()) {
                    found.rename_all = Some((text, rule));
                }
            } else if meta.path.is_ident("type_name") {
                found.type_name = Some(meta.value()?.parse()?);
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    found
}

/// What the `#[sqlx(...)]` attributes of a field or variant say.
pub fn field(attributes: &[Attribute]) -> SqlxField {
    let mut found = SqlxField::default();
    for attribute in sqlx_attributes(attributes) {
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                found.rename = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("skip") {
                found.skip = Some(span_of(&meta.path));
            } else if meta.path.is_ident("flatten") {
                found.flatten = Some(span_of(&meta.path));
            } else if meta.path.is_ident("json") {
                let mut nullable = false;
                if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|inner| {
                        nullable |= inner.path.is_ident("nullable");
                        Ok(())
                    })?;
                }
                found.json = Some(nullable);
            } else if meta.path.is_ident("try_from") {
                let text: LitStr = meta.value()?.parse()?;
                found.try_from = text.parse().ok();
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    found
}

fn sqlx_attributes(attributes: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attributes.iter().filter(|attribute| attribute.path().is_ident("sqlx"))
}

fn span_of(path: &syn::Path) -> Span {
    path.get_ident().map_or_else(Span::call_site, syn::Ident::span)
}

/// Steps over the value of a key this module doesn't read (`default`, `transparent`, ...).
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::RenameAll;

    #[test]
    fn rename_all_rules_rename_as_sqlx_does() {
        let rename = |rule: &str, name: &str| RenameAll::parse(rule).map(|rule| rule.apply(name));
        assert_eq!(rename("snake_case", "VerySad").as_deref(), Some("very_sad"));
        assert_eq!(rename("camelCase", "last_name").as_deref(), Some("lastName"));
        assert_eq!(rename("SCREAMING_SNAKE_CASE", "SoSo").as_deref(), Some("SO_SO"));
        assert_eq!(rename("kebab-case", "SoSo").as_deref(), Some("so-so"));
        assert_eq!(rename("snake", "SoSo"), None);
    }
}
