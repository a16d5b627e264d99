//! The items of `#[model(...)]`: `key`, `key = value` and `key(...)`, read with their spans, each
//! key checked against the known ones and against those given before it.

use proc_macro2::Span;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Ident, Lit, LitInt, LitStr, Meta, MetaList, Token};

use migrate_attribute::Errors;

/// One item of a `#[model(...)]` list.
pub struct Item {
    /// The key, as written: the span errors about the item point at.
    pub key: Ident,
    pub meta: Meta,
}

impl Item {
    /// The key's name.
    pub fn name(&self) -> String {
        self.key.to_string()
    }

    /// The key's span.
    pub fn span(&self) -> Span {
        self.key.span()
    }

    /// A key written alone: `unique`.
    pub fn flag(&self) -> syn::Result<Span> {
        match &self.meta {
            Meta::Path(_) => Ok(self.span()),
            other => Err(syn::Error::new_spanned(
                other,
                format!("`{}` is written alone, without a value", self.key),
            )),
        }
    }

    /// `key = value`'s value.
    pub fn value(&self, example: &str) -> syn::Result<&Expr> {
        match &self.meta {
            Meta::NameValue(pair) => Ok(&pair.value),
            other => Err(syn::Error::new_spanned(other, format!("expected a value, as in `{example}`"))),
        }
    }

    /// `key = "text"`'s text.
    pub fn string(&self, example: &str) -> syn::Result<LitStr> {
        string(self.value(example)?, example)
    }

    /// `key = "text"` with text that isn't empty.
    pub fn name_string(&self, example: &str) -> syn::Result<LitStr> {
        let text = self.string(example)?;
        if text.value().trim().is_empty() {
            return Err(syn::Error::new(text.span(), format!("`{}` can't be empty", self.key)));
        }
        Ok(text)
    }

    /// `key = ["a", "b"]`'s strings (one string alone is a list of one).
    pub fn strings(&self, example: &str) -> syn::Result<Vec<LitStr>> {
        let value = self.value(example)?;
        let elements = match value {
            Expr::Array(array) => &array.elems,
            single => return string(single, example).map(|text| vec![text]),
        };
        let strings =
            elements.iter().map(|element| string(element, example)).collect::<syn::Result<Vec<_>>>()?;
        if strings.is_empty() {
            return Err(syn::Error::new_spanned(value, format!("`{}` needs at least one column", self.key)));
        }
        Ok(strings)
    }

    /// `key = 255`'s number.
    pub fn positive_integer(&self, example: &str) -> syn::Result<(LitInt, u32)> {
        let value = self.value(example)?;
        let Expr::Lit(ExprLit { lit: Lit::Int(number), .. }) = value else {
            return Err(syn::Error::new_spanned(
                value,
                format!("expected a whole number, as in `{example}`"),
            ));
        };
        match number.base10_parse::<u32>() {
            Ok(0) => Err(syn::Error::new(number.span(), format!("`{}` must be at least 1", self.key))),
            Ok(parsed) => Ok((number.clone(), parsed)),
            Err(_) => Err(syn::Error::new(number.span(), format!("`{}` is at most {}", self.key, u32::MAX))),
        }
    }

    /// `key(...)`'s list.
    pub fn list(&self, example: &str) -> syn::Result<&MetaList> {
        match &self.meta {
            Meta::List(list) => Ok(list),
            other => Err(syn::Error::new_spanned(other, format!("expected a list, as in `{example}`"))),
        }
    }
}

/// The keys a list accepts, and which of them may be given more than once.
pub struct Keys<'a> {
    pub known: &'a [&'a str],
    pub repeatable: &'a [&'a str],
}

impl Keys<'_> {
    /// The items of every `#[model(...)]` among `attributes`, in order.
    pub fn of_attributes(&self, attributes: &[Attribute], errors: &mut Errors) -> Vec<Item> {
        let mut metas = Vec::new();
        for attribute in attributes.iter().filter(|attribute| attribute.path().is_ident("model")) {
            match attribute.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
                Ok(list) => metas.extend(list),
                Err(error) => errors.push(syn::Error::new(
                    error.span(),
                    format!("{error}: write `#[model(key, key = value, ...)]`"),
                )),
            }
        }
        self.check(metas, errors)
    }

    /// The items of a nested list such as `index(...)`.
    pub fn of_list(&self, list: &MetaList, errors: &mut Errors) -> Vec<Item> {
        match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(list.tokens.clone()) {
            Ok(metas) => self.check(metas, errors),
            Err(error) => {
                errors.push(error);
                Vec::new()
            }
        }
    }

    fn check(&self, metas: impl IntoIterator<Item = Meta>, errors: &mut Errors) -> Vec<Item> {
        let mut items: Vec<Item> = Vec::new();
        for meta in metas {
            let Some(key) = meta.path().get_ident().cloned() else {
                let last =
                    meta.path().segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default();
                errors.push(syn::Error::new_spanned(
                    meta.path(),
                    format!("write the key without a path: `{last}`"),
                ));
                continue;
            };
            let name = key.to_string();
            if !self.known.contains(&name.as_str()) {
                errors.push(syn::Error::new(key.span(), self.unknown_key(&name)));
                continue;
            }
            if !self.repeatable.contains(&name.as_str()) && items.iter().any(|item| item.key == key) {
                errors.push(syn::Error::new(key.span(), format!("`{name}` is given twice: keep one")));
                continue;
            }
            items.push(Item { key, meta });
        }
        items
    }

    fn unknown_key(&self, name: &str) -> String {
        let known = self.known.iter().map(|known| format!("`{known}`")).collect::<Vec<_>>().join(", ");
        // A key cut short (`primary` for `primary_key`) is as likely a slip as a misspelled one.
        let closest = self.known.iter().min_by_key(|known| strsim::levenshtein(name, known));
        let closest = closest.filter(|closest| strsim::levenshtein(name, closest) <= 3);
        let closest = closest.or_else(|| self.known.iter().find(|known| known.starts_with(name)));
        match closest {
            Some(closest) => format!("unknown key `{name}`: did you mean `{closest}`? (known: {known})"),
            None => format!("unknown key `{name}` (known: {known})"),
        }
    }
}

fn string(value: &Expr, example: &str) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(text), .. }) => Ok(text.clone()),
        other => Err(syn::Error::new(other.span(), format!("expected a string, as in `{example}`"))),
    }
}
