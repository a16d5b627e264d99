//! Emits `ModelDefinition` for a checked `#[derive(Model)]` struct, and its hidden registration.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{DefaultValue, ModelField, ModelStruct, values};
use super::naming;

/// `impl ModelDefinition for Struct { fn model() -> Model { .. } }`, then
/// `const _: () = { inventory::submit! { ModelRegistration { .. } } };`.
pub fn expand(model: &ModelStruct) -> TokenStream {
    let ident = &model.ident;
    let table = &model.table;
    let columns = model.fields.iter().filter(|field| field.is_column()).map(|field| column(model, field));
    let primary_key = model.primary_key.iter().map(|(_, columns)| {
        let columns = values(columns);
        quote!(table.primary_key([#(#columns),*]);)
    });
    let field_uniques =
        model.fields.iter().filter(|field| field.is_column() && field.unique.is_some()).map(|field| {
            let column = &field.column;
            let name = naming::unique(table, std::slice::from_ref(column));
            quote!(table.unique(#name, [#column]);)
        });
    let uniques = model.uniques.iter().map(|unique| {
        let name = model.unique_name(unique);
        let columns = values(&unique.columns);
        quote!(table.unique(#name, [#(#columns),*]);)
    });
    let checks = model.checks.iter().map(|check| {
        let (name, expression) = (check.name.value(), check.expression.value());
        quote!(table.check(#name, #expression);)
    });
    let comment = model.comment.iter().map(|comment| quote!(table.comment(#comment);));
    let field_indexes =
        model.fields.iter().filter(|field| field.is_column() && field.index.is_some()).map(|field| {
            let column = std::slice::from_ref(&field.column);
            index(&naming::index(table, column), table, column, false, None)
        });
    let indexes = model.indexes.iter().map(|declared| {
        let partial = declared.partial.as_ref().map(syn::LitStr::value);
        index(&model.index_name(declared), table, &values(&declared.columns), declared.unique, partial)
    });
    quote! {
        impl ::migrate::ModelDefinition for #ident {
            fn model() -> ::migrate::Model {
                let mut table = ::migrate::Table::new(#table);
                #(#columns)*
                #(#primary_key)*
                #(#field_uniques)*
                #(#uniques)*
                #(#checks)*
                #(#comment)*
                let mut model = ::migrate::Model::new(
                    table,
                    ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#ident)),
                );
                #(#field_indexes)*
                #(#indexes)*
                model
            }
        }

        #[doc(hidden)]
        const _: () = {
            ::migrate::__private::inventory::submit! {
                ::migrate::__private::ModelRegistration {
                    model: <#ident as ::migrate::ModelDefinition>::model,
                }
            }
        };
    }
}

/// The statements that add one field's column to `table`.
fn column(model: &ModelStruct, field: &ModelField) -> TokenStream {
    let name = &field.column;
    let stored = field.stored_type();
    // Spanned on the field's type: a type without a column type is reported there.
    let column_type = match (&field.column_type, field.sqlx.json, field.max_length) {
        (Some(column_type), _, _) => quote_spanned!(column_type.span()=> #column_type),
        (None, Some(_), _) => quote!(::migrate::Type::Json),
        (None, None, Some((_, length))) => {
            quote_spanned!(stored.span()=> ::migrate::__private::varchar::<#stored>(#length))
        }
        (None, None, None) => quote_spanned!(stored.span()=> <#stored as ::migrate::SqlType>::sql_type()),
    };
    let nullable = match (field.nullable, &field.column_type, field.sqlx.json) {
        (Some(_), _, _) => quote!(true),
        (None, Some(_), _) => {
            let option = field.is_written_as_option();
            quote!(#option)
        }
        (None, None, Some(json_nullable)) => quote!(#json_nullable),
        (None, None, None) => quote_spanned!(stored.span()=> <#stored as ::migrate::SqlType>::NULLABLE),
    };
    let primary_key = field.primary_key.map(|_| quote!(column.primary_key();));
    let auto_increment = field.auto_increment.map(|_| quote!(column.auto_increment();));
    let default = field.default.as_ref().map(|(_, value)| {
        let value = match value {
            DefaultValue::Integer(number) => quote!(::migrate::Value::Integer(#number)),
            DefaultValue::Float(number) => quote!(::migrate::Value::Float(#number)),
            DefaultValue::Boolean(flag) => quote!(::migrate::Value::Boolean(#flag)),
            DefaultValue::Text(text) => quote!(::migrate::Value::Text(::std::string::String::from(#text))),
        };
        quote!(column.server_default(::migrate::ServerDefault::Value(#value));)
    });
    let default_expression = field.default_expression.as_ref().map(|(_, sql)| {
        let sql = sql.value();
        let default = match sql.trim().to_ascii_uppercase().as_str() {
            "CURRENT_TIMESTAMP" => quote!(::migrate::ServerDefault::CurrentTimestamp),
            "CURRENT_DATE" => quote!(::migrate::ServerDefault::CurrentDate),
            _ => quote!(::migrate::ServerDefault::Expression(::std::string::String::from(#sql))),
        };
        quote!(column.server_default(#default);)
    });
    let references = field.references.as_ref().map(|reference| {
        let (referenced_table, referenced_column) = (&reference.table, &reference.column);
        let name = reference.name.as_ref().map_or_else(
            || naming::foreign_key(&model.table, &field.column, referenced_table),
            syn::LitStr::value,
        );
        let on_delete = reference.on_delete.map(|action| {
            let action = quote::format_ident!("{action}");
            quote!(.on_delete(::migrate::ReferentialAction::#action))
        });
        let on_update = reference.on_update.map(|action| {
            let action = quote::format_ident!("{action}");
            quote!(.on_update(::migrate::ReferentialAction::#action))
        });
        quote!(column.references(#referenced_table, #referenced_column).named(#name) #on_delete #on_update;)
    });
    let comment = field.comment.as_ref().map(|comment| quote!(column.comment(#comment);));
    quote! {
        {
            let column = table.column(#name, #column_type);
            column.nullable = #nullable;
            #primary_key
            #auto_increment
            #default
            #default_expression
            #references
            #comment
        }
    }
}

/// `model.index(..)` for one index.
fn index(name: &str, table: &str, columns: &[String], unique: bool, partial: Option<String>) -> TokenStream {
    let partial = match partial {
        Some(sql) => quote!(::core::option::Option::Some(::std::string::String::from(#sql))),
        None => quote!(::core::option::Option::None),
    };
    quote! {
        {
            let mut index = ::migrate::Index::new(#name, #table, [#(#columns),*]);
            index.unique = #unique;
            index.partial = #partial;
            model.index(index);
        }
    }
}
