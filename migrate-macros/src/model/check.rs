//! The rules that span several items of a `#[derive(Model)]` struct, one `check_*` per rule with
//! its reason; each mistake is reported on its own token, all at once.

use proc_macro2::Span;
use syn::LitStr;

use super::ast::{ModelField, ModelStruct};
use super::naming;
use migrate_attribute::Errors;

/// Every check, in order.
pub fn check(model: &ModelStruct, errors: &mut Errors) {
    for field in &model.fields {
        check_skip_stands_alone(field, errors);
        check_no_flatten(field, errors);
        check_primary_key_refuses_null(field, errors);
        check_auto_increment_is_a_primary_key(field, errors);
        check_one_length(field, errors);
        check_one_default(field, errors);
        check_column_agrees_with_sqlx(field, errors);
    }
    check_one_primary_key_declaration(model, errors);
    check_columns_unique(model, errors);
    check_listed_columns_exist(model, errors);
    check_names_unique(model, errors);
}

/// A skipped field has no column, so nothing can be said about its column.
fn check_skip_stands_alone(field: &ModelField, errors: &mut Errors) {
    let skipped_by = match (field.skip, field.sqlx.skip) {
        (Some(_), _) => "`skip`",
        (None, Some(_)) => "#[sqlx(skip)]",
        (None, None) => return,
    };
    for key in field.keys.iter().filter(|key| *key != "skip") {
        errors.push(syn::Error::new(
            key.span(),
            format!("the field is skipped by {skipped_by}: it has no column for `{key}`"),
        ));
    }
}

/// A flattened struct's columns aren't visible to this derive: the model would miss them.
fn check_no_flatten(field: &ModelField, errors: &mut Errors) {
    if let Some(span) = field.sqlx.flatten
        && field.is_column()
    {
        errors.push(syn::Error::new(
            span,
            "#[derive(Model)] can't see the columns of a flattened struct: declare them on this struct, or `#[model(skip)]` the field",
        ));
    }
}

/// A primary key never holds NULL, so an `Option` field (or `nullable`) contradicts it.
fn check_primary_key_refuses_null(field: &ModelField, errors: &mut Errors) {
    let Some(primary_key) = field.primary_key else { return };
    if field.is_written_as_option() {
        errors.push(syn::Error::new(primary_key, "a primary key can't be NULL: this field is an `Option`"));
    }
    if let Some(nullable) = field.nullable {
        errors.push(syn::Error::new(nullable, "a primary key can't be NULL: remove `nullable`"));
    }
}

/// The database numbers rows only through the primary key.
fn check_auto_increment_is_a_primary_key(field: &ModelField, errors: &mut Errors) {
    if let Some(auto_increment) = field.auto_increment
        && field.primary_key.is_none()
    {
        errors.push(syn::Error::new(
            auto_increment,
            "`auto_increment` goes with `primary_key` on the same field",
        ));
    }
}

/// `max_length` turns the mapped text type into varchar; with `column_type` it would be ignored.
fn check_one_length(field: &ModelField, errors: &mut Errors) {
    if let (Some((span, _)), Some(_)) = (field.max_length, &field.column_type) {
        errors.push(syn::Error::new(span, "`max_length` and `column_type` both give the type: write `column_type = migrate::Type::Varchar(n)` alone"));
    }
}

/// A column has one default.
fn check_one_default(field: &ModelField, errors: &mut Errors) {
    if let (Some(_), Some((span, _))) = (&field.default, &field.default_expression) {
        errors
            .push(syn::Error::new(*span, "a column has one default: keep `default` or `default_expression`"));
    }
}

/// `FromRow` reads the column sqlx names; a different `column` would make the two disagree.
fn check_column_agrees_with_sqlx(field: &ModelField, errors: &mut Errors) {
    let Some(column) = &field.column_key else { return };
    if let Some(rename) = &field.sqlx.rename
        && rename.value() != column.value()
    {
        errors.push(syn::Error::new(
            column.span(),
            format!(
                "`column` differs from #[sqlx(rename = \"{}\")]: keep the sqlx rename alone, both read it",
                rename.value()
            ),
        ));
    }
}

/// The primary key is declared in one place, so it can't say two things.
fn check_one_primary_key_declaration(model: &ModelStruct, errors: &mut Errors) {
    let Some((span, _)) = &model.primary_key else { return };
    let on_fields: Vec<String> = model
        .fields
        .iter()
        .filter(|field| field.primary_key.is_some())
        .map(|field| format!("`{}`", field.ident))
        .collect();
    if !on_fields.is_empty() {
        errors.push(syn::Error::new(
            *span,
            format!("the primary key is also given on {}: keep one of the two", on_fields.join(", ")),
        ));
    }
}

/// Two fields can't be stored in one column.
fn check_columns_unique(model: &ModelStruct, errors: &mut Errors) {
    let columns: Vec<&ModelField> = model.fields.iter().filter(|field| field.is_column()).collect();
    for (position, field) in columns.iter().enumerate() {
        if let Some(first) = columns[..position].iter().find(|earlier| earlier.column == field.column) {
            errors.push(syn::Error::new(
                field.ident.span(),
                format!("column `{}` is already the column of `{}`: rename one", field.column, first.ident),
            ));
        }
    }
}

/// Keys, indexes and constraints name columns, not fields: each must be a column of this model.
fn check_listed_columns_exist(model: &ModelStruct, errors: &mut Errors) {
    let lists = model
        .primary_key
        .iter()
        .map(|(_, columns)| columns)
        .chain(model.indexes.iter().map(|index| &index.columns))
        .chain(model.uniques.iter().map(|unique| &unique.columns));
    for column in lists.flatten() {
        if let Some(message) = unknown_column(model, column) {
            errors.push(syn::Error::new(column.span(), message));
        }
    }
}

fn unknown_column(model: &ModelStruct, column: &LitStr) -> Option<String> {
    let name = column.value();
    if model.fields.iter().any(|field| field.is_column() && field.column == name) {
        return None;
    }
    let field = model.fields.iter().find(|field| field.ident == name);
    Some(match field {
        Some(field) if !field.is_column() => format!("`{name}` is skipped: it has no column"),
        Some(field) => format!("`{name}` is a field stored in column `{}`: name the column", field.column),
        None => format!("`{}` has no column `{name}`", model.table),
    })
}

/// Constraint and index names are unique in a table (in a schema, on PostgreSQL).
fn check_names_unique(model: &ModelStruct, errors: &mut Errors) {
    let mut seen: Vec<String> = Vec::new();
    let mut see = |name: String, span: Span, errors: &mut Errors| {
        if seen.contains(&name) {
            errors.push(syn::Error::new(
                span,
                format!("`{name}` names two constraints or indexes: name one of them"),
            ));
        } else {
            seen.push(name);
        }
    };
    for field in model.fields.iter().filter(|field| field.is_column()) {
        let column = std::slice::from_ref(&field.column);
        if let Some(span) = field.unique {
            see(naming::unique(&model.table, column), span, errors);
        }
        if let Some(span) = field.index {
            see(naming::index(&model.table, column), span, errors);
        }
        if let Some(reference) = &field.references {
            let name = reference.name.as_ref().map_or_else(
                || naming::foreign_key(&model.table, &field.column, &reference.table),
                LitStr::value,
            );
            let span = reference.name.as_ref().map_or(reference.key, LitStr::span);
            see(name, span, errors);
        }
    }
    for index in &model.indexes {
        see(model.index_name(index), index.name.as_ref().map_or(index.key, LitStr::span), errors);
    }
    for unique in &model.uniques {
        see(model.unique_name(unique), unique.name.as_ref().map_or(unique.key, LitStr::span), errors);
    }
    for check in &model.checks {
        see(check.name.value(), check.name.span(), errors);
    }
}
