//! `#[derive(Model)]`'s input read from its tokens: the struct, its fields, their `#[model(...)]`
//! items and what sqlx's attributes say about names, with spans kept for messages. Mistakes in one
//! item are collected so that the checks still report the rest.

use heck::ToSnakeCase;
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Expr, ExprLit, ExprUnary, Fields, Ident, Lit, LitStr, UnOp};

use super::meta::{Item, Keys};
use super::naming;
use super::sqlx::{self, SqlxField};
use migrate_attribute::Errors;

const STRUCT_KEYS: Keys<'static> = Keys {
    known: &["table", "primary_key", "index", "unique", "check", "comment"],
    repeatable: &["index", "unique", "check"],
};

const FIELD_KEYS: Keys<'static> = Keys {
    known: &[
        "primary_key",
        "auto_increment",
        "unique",
        "index",
        "column",
        "column_type",
        "max_length",
        "nullable",
        "default",
        "default_expression",
        "references",
        "comment",
        "skip",
    ],
    repeatable: &[],
};

const INDEX_KEYS: Keys<'static> = Keys { known: &["name", "columns", "unique", "partial"], repeatable: &[] };
const UNIQUE_KEYS: Keys<'static> = Keys { known: &["name", "columns"], repeatable: &[] };
const CHECK_KEYS: Keys<'static> = Keys { known: &["name", "expression"], repeatable: &[] };
const REFERENCE_KEYS: Keys<'static> =
    Keys { known: &["table", "column", "name", "on_delete", "on_update"], repeatable: &[] };

/// The struct as `#[derive(Model)]` reads it.
pub struct ModelStruct {
    pub ident: Ident,
    /// `table = "..."`, or the struct's name in snake_case.
    pub table: String,
    /// `primary_key = [...]` for the struct: the key's span and the columns.
    pub primary_key: Option<(Span, Vec<LitStr>)>,
    pub indexes: Vec<IndexDeclaration>,
    pub uniques: Vec<UniqueDeclaration>,
    pub checks: Vec<CheckDeclaration>,
    pub comment: Option<LitStr>,
    pub fields: Vec<ModelField>,
}

/// `index(name = "...", columns = [...], unique, partial = "...")`.
pub struct IndexDeclaration {
    pub key: Span,
    pub name: Option<LitStr>,
    pub columns: Vec<LitStr>,
    pub unique: bool,
    pub partial: Option<LitStr>,
}

/// `unique(name = "...", columns = [...])`.
pub struct UniqueDeclaration {
    pub key: Span,
    pub name: Option<LitStr>,
    pub columns: Vec<LitStr>,
}

/// `check(name = "...", expression = "...")`.
pub struct CheckDeclaration {
    pub name: LitStr,
    pub expression: LitStr,
}

/// One field, as a column or as `skip`ped.
pub struct ModelField {
    pub ident: Ident,
    pub ty: syn::Type,
    /// The column's name: `column = "..."`, sqlx's `rename`, sqlx's `rename_all` or the field's name.
    pub column: String,
    pub sqlx: SqlxField,
    /// Every key given, for the check that `skip` stands alone.
    pub keys: Vec<Ident>,
    pub column_key: Option<LitStr>,
    pub primary_key: Option<Span>,
    pub auto_increment: Option<Span>,
    pub unique: Option<Span>,
    pub index: Option<Span>,
    pub nullable: Option<Span>,
    pub skip: Option<Span>,
    pub column_type: Option<Expr>,
    pub max_length: Option<(Span, u32)>,
    pub default: Option<(Span, DefaultValue)>,
    pub default_expression: Option<(Span, LitStr)>,
    pub references: Option<ReferenceDeclaration>,
    pub comment: Option<LitStr>,
}

/// A literal default.
pub enum DefaultValue {
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Text(String),
}

/// `references = "table.column"` or `references(table = "...", column = "...", ...)`.
pub struct ReferenceDeclaration {
    pub key: Span,
    pub table: String,
    pub column: String,
    pub name: Option<LitStr>,
    pub on_delete: Option<&'static str>,
    pub on_update: Option<&'static str>,
}

/// The referential actions, as written and as `ReferentialAction`'s variants.
const ACTIONS: [(&str, &str); 5] = [
    ("cascade", "Cascade"),
    ("set null", "SetNull"),
    ("set default", "SetDefault"),
    ("restrict", "Restrict"),
    ("no action", "NoAction"),
];

impl ModelStruct {
    /// Reads the struct; `Err` when there is nothing to check (not a struct with named fields).
    pub fn parse(input: &DeriveInput, errors: &mut Errors) -> syn::Result<Self> {
        let Data::Struct(data) = &input.data else {
            let keyword = match &input.data {
                Data::Enum(data) => data.enum_token.span,
                Data::Union(data) => data.union_token.span,
                Data::Struct(data) => data.struct_token.span,
            };
            return Err(syn::Error::new(
                keyword,
                "#[derive(Model)] goes on a struct with named fields (#[derive(Enum)] on an enum)",
            ));
        };
        let Fields::Named(named) = &data.fields else {
            return Err(syn::Error::new(
                data.struct_token.span,
                "#[derive(Model)] goes on a struct with named fields, one per column",
            ));
        };
        if !input.generics.params.is_empty() {
            errors.push(syn::Error::new_spanned(
                &input.generics,
                "a model can't be generic: it declares one table",
            ));
        }
        let container = sqlx::container(&input.attrs);
        let mut model = ModelStruct {
            ident: input.ident.clone(),
            table: unraw(&input.ident).to_snake_case(),
            primary_key: None,
            indexes: Vec::new(),
            uniques: Vec::new(),
            checks: Vec::new(),
            comment: None,
            fields: Vec::new(),
        };
        for item in STRUCT_KEYS.of_attributes(&input.attrs, errors) {
            let result = model.read_item(&item, errors);
            errors.push_result(result);
        }
        for field in &named.named {
            // Invariant: fields of `Fields::Named` have names.
            let Some(ident) = field.ident.clone() else { continue };
            let sqlx = sqlx::field(&field.attrs);
            let written = unraw(&ident);
            let column = match (&sqlx.rename, &container.rename_all) {
                (Some(rename), _) => rename.value(),
                (None, Some((_, rule))) => rule.apply(&written),
                (None, None) => written,
            };
            let mut model_field = ModelField {
                ident,
                ty: field.ty.clone(),
                column,
                sqlx,
                keys: Vec::new(),
                column_key: None,
                primary_key: None,
                auto_increment: None,
                unique: None,
                index: None,
                nullable: None,
                skip: None,
                column_type: None,
                max_length: None,
                default: None,
                default_expression: None,
                references: None,
                comment: None,
            };
            for item in FIELD_KEYS.of_attributes(&field.attrs, errors) {
                model_field.keys.push(item.key.clone());
                let result = model_field.read_item(&item, errors);
                errors.push_result(result);
            }
            if let Some(column) = &model_field.column_key {
                model_field.column = column.value();
            }
            model.fields.push(model_field);
        }
        Ok(model)
    }

    fn read_item(&mut self, item: &Item, errors: &mut Errors) -> syn::Result<()> {
        match item.name().as_str() {
            "table" => self.table = item.name_string("table = \"users\"")?.value(),
            "primary_key" => {
                self.primary_key =
                    Some((item.span(), item.strings("primary_key = [\"user_id\", \"role_id\"]")?));
            }
            "comment" => self.comment = Some(item.string("comment = \"the app's users\"")?),
            "index" => {
                let example = "index(columns = [\"last_name\", \"first_name\"])";
                let mut index = IndexDeclaration {
                    key: item.span(),
                    name: None,
                    columns: Vec::new(),
                    unique: false,
                    partial: None,
                };
                for inner in INDEX_KEYS.of_list(item.list(example)?, errors) {
                    let result = match inner.name().as_str() {
                        "name" => {
                            inner.name_string("name = \"ix_users_name\"").map(|name| index.name = Some(name))
                        }
                        "columns" => inner.strings(example).map(|columns| index.columns = columns),
                        "unique" => inner.flag().map(|_| index.unique = true),
                        _ => inner
                            .string("partial = \"deleted_at IS NULL\"")
                            .map(|sql| index.partial = Some(sql)),
                    };
                    errors.push_result(result);
                }
                if index.columns.is_empty() {
                    return Err(missing(item, "columns", example));
                }
                self.indexes.push(index);
            }
            "unique" => {
                let example = "unique(columns = [\"tenant_id\", \"email\"])";
                let mut unique = UniqueDeclaration { key: item.span(), name: None, columns: Vec::new() };
                for inner in UNIQUE_KEYS.of_list(item.list(example)?, errors) {
                    let result = match inner.name().as_str() {
                        "name" => inner
                            .name_string("name = \"uq_users_email\"")
                            .map(|name| unique.name = Some(name)),
                        _ => inner.strings(example).map(|columns| unique.columns = columns),
                    };
                    errors.push_result(result);
                }
                if unique.columns.is_empty() {
                    return Err(missing(item, "columns", example));
                }
                self.uniques.push(unique);
            }
            _ => {
                let example = "check(name = \"ck_users_age\", expression = \"age >= 0\")";
                let (mut name, mut expression) = (None, None);
                for inner in CHECK_KEYS.of_list(item.list(example)?, errors) {
                    let result = match inner.name().as_str() {
                        "name" => inner.name_string("name = \"ck_users_age\"").map(|text| name = Some(text)),
                        _ => {
                            inner.name_string("expression = \"age >= 0\"").map(|text| expression = Some(text))
                        }
                    };
                    errors.push_result(result);
                }
                match (name, expression) {
                    (Some(name), Some(expression)) => self.checks.push(CheckDeclaration { name, expression }),
                    (None, _) => return Err(missing(item, "name", example)),
                    (_, None) => return Err(missing(item, "expression", example)),
                }
            }
        }
        Ok(())
    }
}

impl ModelStruct {
    /// The index's name: given, or `ix_<table>_<columns>`.
    pub fn index_name(&self, index: &IndexDeclaration) -> String {
        index.name.as_ref().map_or_else(|| naming::index(&self.table, &values(&index.columns)), LitStr::value)
    }

    /// The unique constraint's name: given, or `uq_<table>_<columns>`.
    pub fn unique_name(&self, unique: &UniqueDeclaration) -> String {
        unique
            .name
            .as_ref()
            .map_or_else(|| naming::unique(&self.table, &values(&unique.columns)), LitStr::value)
    }
}

/// The strings' texts.
pub fn values(strings: &[LitStr]) -> Vec<String> {
    strings.iter().map(LitStr::value).collect()
}

impl ModelField {
    fn read_item(&mut self, item: &Item, errors: &mut Errors) -> syn::Result<()> {
        match item.name().as_str() {
            "primary_key" => self.primary_key = Some(item.flag()?),
            "auto_increment" => self.auto_increment = Some(item.flag()?),
            "unique" => self.unique = Some(item.flag()?),
            "index" => self.index = Some(item.flag()?),
            "nullable" => self.nullable = Some(item.flag()?),
            "skip" => self.skip = Some(item.flag()?),
            "column" => self.column_key = Some(item.name_string("column = \"user_name\"")?),
            "column_type" => {
                self.column_type = Some(item.value("column_type = migrate::Type::Varchar(255)")?.clone())
            }
            "max_length" => {
                self.max_length = Some((item.span(), item.positive_integer("max_length = 255")?.1))
            }
            "default" => self.default = Some((item.span(), default_value(item.value("default = 0")?)?)),
            "default_expression" => {
                self.default_expression =
                    Some((item.span(), item.name_string("default_expression = \"CURRENT_TIMESTAMP\"")?));
            }
            "references" => self.references = Some(reference(item, errors)?),
            "comment" => self.comment = Some(item.string("comment = \"shown to other users\"")?),
            _ => {}
        }
        Ok(())
    }

    /// Whether the field's type is written `Option<...>`.
    pub fn is_written_as_option(&self) -> bool {
        is_option(self.sqlx.try_from.as_ref().unwrap_or(&self.ty))
    }

    /// The type whose `SqlType` gives the column's type: sqlx's `try_from` type, or the field's.
    pub fn stored_type(&self) -> &syn::Type {
        self.sqlx.try_from.as_ref().unwrap_or(&self.ty)
    }

    /// Whether the field is a column.
    pub fn is_column(&self) -> bool {
        self.skip.is_none() && self.sqlx.skip.is_none()
    }
}

fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => {
            path.qself.is_none() && path.path.segments.last().is_some_and(|last| last.ident == "Option")
        }
        syn::Type::Group(group) => is_option(&group.elem),
        syn::Type::Paren(paren) => is_option(&paren.elem),
        _ => false,
    }
}

fn missing(item: &Item, key: &str, example: &str) -> syn::Error {
    syn::Error::new(item.span(), format!("`{}` needs `{key}`, as in `{example}`", item.key))
}

fn unraw(ident: &Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_owned()
}

fn default_value(value: &Expr) -> syn::Result<DefaultValue> {
    let wrong = || {
        syn::Error::new(
            value.span(),
            "`default` is a number, `true`, `false` or a string; write SQL in `default_expression`",
        )
    };
    let (negative, literal) = match value {
        Expr::Lit(ExprLit { lit, .. }) => (false, lit),
        Expr::Unary(ExprUnary { op: UnOp::Neg(_), expr, .. }) => match &**expr {
            Expr::Lit(ExprLit { lit: lit @ (Lit::Int(_) | Lit::Float(_)), .. }) => (true, lit),
            _ => return Err(wrong()),
        },
        _ => return Err(wrong()),
    };
    let sign = if negative { "-" } else { "" };
    let out_of_range = |span| syn::Error::new(span, "this default doesn't fit a 64-bit integer");
    Ok(match literal {
        Lit::Int(number) => DefaultValue::Integer(
            format!("{sign}{}", number.base10_digits()).parse().map_err(|_| out_of_range(number.span()))?,
        ),
        Lit::Float(number) => {
            DefaultValue::Float(format!("{sign}{}", number.base10_digits()).parse().map_err(|_| wrong())?)
        }
        Lit::Bool(flag) => DefaultValue::Boolean(flag.value),
        Lit::Str(text) => DefaultValue::Text(text.value()),
        _ => return Err(wrong()),
    })
}

fn reference(item: &Item, errors: &mut Errors) -> syn::Result<ReferenceDeclaration> {
    let example = "references = \"users.id\"";
    if !matches!(item.meta, syn::Meta::List(_)) {
        let target = item.string(example)?;
        let text = target.value();
        return match text.split_once('.') {
            Some((table, column)) if !table.is_empty() && !column.is_empty() && !column.contains('.') => {
                Ok(ReferenceDeclaration {
                    key: item.span(),
                    table: table.to_owned(),
                    column: column.to_owned(),
                    name: None,
                    on_delete: None,
                    on_update: None,
                })
            }
            _ => Err(syn::Error::new(
                target.span(),
                "write the referenced column as `\"table.column\"`, or `references(table = \"...\", column = \"...\")`",
            )),
        };
    }
    let example = "references(table = \"users\", column = \"id\", on_delete = \"cascade\")";
    let mut reference = ReferenceDeclaration {
        key: item.span(),
        table: String::new(),
        column: String::new(),
        name: None,
        on_delete: None,
        on_update: None,
    };
    for inner in REFERENCE_KEYS.of_list(item.list(example)?, errors) {
        let result = match inner.name().as_str() {
            "table" => inner.name_string("table = \"users\"").map(|table| reference.table = table.value()),
            "column" => inner.name_string("column = \"id\"").map(|column| reference.column = column.value()),
            "name" => inner
                .name_string("name = \"fk_posts_author_id_users\"")
                .map(|name| reference.name = Some(name)),
            "on_delete" => action(&inner).map(|action| reference.on_delete = Some(action)),
            _ => action(&inner).map(|action| reference.on_update = Some(action)),
        };
        errors.push_result(result);
    }
    if reference.table.is_empty() {
        return Err(missing(item, "table", example));
    }
    if reference.column.is_empty() {
        return Err(missing(item, "column", example));
    }
    Ok(reference)
}

fn action(item: &Item) -> syn::Result<&'static str> {
    let text = item.string(&format!("{} = \"cascade\"", item.key))?;
    let written = text.value().to_ascii_lowercase();
    let written = written.split_whitespace().collect::<Vec<_>>().join(" ");
    ACTIONS.iter().find(|(sql, _)| *sql == written).map(|(_, variant)| *variant).ok_or_else(|| {
        syn::Error::new(
            text.span(),
            "the action is \"cascade\", \"set null\", \"set default\", \"restrict\" or \"no action\"",
        )
    })
}
