//! Comparing two schemas: every difference named by the object it is in, one line each.

use std::fmt;

use super::{
    ColumnSchema, EnumSchema, FunctionSchema, Schema, TableSchema, TriggerSchema, ViewSchema, variant_list,
};
use crate::schema::{Constraint, Index};

/// How one schema differs from another: empty when they are equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaDiff {
    /// The differences, tables first (in name order), then views, functions, triggers, then enum
    /// types.
    pub differences: Vec<SchemaDifference>,
}

/// One difference: the object it is in, and what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaDifference {
    /// The object, as a path of names: `table "users": column "email"`.
    pub object: String,
    /// What differs.
    pub change: SchemaChange,
}

/// What differs about an object between the first schema (expected) and the second (found).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaChange {
    /// The first schema has it; the second doesn't.
    Missing,
    /// The second schema has it; the first doesn't.
    Extra,
    /// Both have it, with this property different.
    Changed {
        /// The property: `type`, `nullable`, `default`, ...
        property: &'static str,
        /// Its value in the first schema.
        expected: String,
        /// Its value in the second schema.
        found: String,
    },
}

impl SchemaDiff {
    /// Whether the schemas are equal.
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }
}

impl fmt::Display for SchemaDiff {
    /// One line per difference.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (number, difference) in self.differences.iter().enumerate() {
            if number > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{difference}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SchemaDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.change {
            SchemaChange::Missing => write!(f, "{}: missing", self.object),
            SchemaChange::Extra => write!(f, "{}: extra", self.object),
            SchemaChange::Changed { property, expected, found } => {
                write!(f, "{}: {property} {expected} -> {found}", self.object)
            }
        }
    }
}

/// Collects differences, each under the object being compared.
struct Differences(Vec<SchemaDifference>);

impl Differences {
    fn push(&mut self, object: &str, change: SchemaChange) {
        self.0.push(SchemaDifference { object: object.to_owned(), change });
    }

    fn changed(&mut self, object: &str, property: &'static str, expected: String, found: String) {
        if expected != found {
            self.push(object, SchemaChange::Changed { property, expected, found });
        }
    }

    /// Pairs items of `expected` and `found` by `key`: missing, extra, and each pair compared.
    fn pair<'a, T>(
        &mut self,
        expected: &'a [T],
        found: &'a [T],
        key: impl Fn(&T) -> String,
        object: impl Fn(&T) -> String,
        mut compare: impl FnMut(&mut Self, &str, &'a T, &'a T),
    ) {
        for item in expected {
            match found.iter().find(|other| key(other) == key(item)) {
                Some(other) => compare(self, &object(item), item, other),
                None => self.push(&object(item), SchemaChange::Missing),
            }
        }
        for item in found {
            if !expected.iter().any(|other| key(other) == key(item)) {
                self.push(&object(item), SchemaChange::Extra);
            }
        }
    }
}

/// How `found` differs from `expected`.
pub(super) fn schemas(expected: &Schema, found: &Schema) -> SchemaDiff {
    let mut differences = Differences(Vec::new());
    differences.pair(
        &expected.tables,
        &found.tables,
        |table| table.name.clone(),
        |table| format!("table {}", quoted(&table.name)),
        tables,
    );
    differences.pair(
        &expected.views,
        &found.views,
        |view| view.name.clone(),
        |view| format!("view {}", quoted(&view.name)),
        |differences, object, expected: &ViewSchema, found: &ViewSchema| {
            differences.changed(object, "definition", expected.definition.clone(), found.definition.clone())
        },
    );
    differences.pair(
        &expected.functions,
        &found.functions,
        |function| function.name.clone(),
        |function| format!("function {}", quoted(&function.name)),
        |differences, object, expected: &FunctionSchema, found: &FunctionSchema| {
            differences.changed(object, "arguments", expected.arguments.clone(), found.arguments.clone());
            differences.changed(object, "returns", expected.returns.clone(), found.returns.clone());
            differences.changed(object, "language", expected.language.clone(), found.language.clone());
            differences.changed(object, "body", expected.body.clone(), found.body.clone());
        },
    );
    differences.pair(
        &expected.triggers,
        &found.triggers,
        |trigger| trigger.name.clone(),
        |trigger| format!("trigger {}", quoted(&trigger.name)),
        |differences, object, expected: &TriggerSchema, found: &TriggerSchema| {
            differences.changed(object, "table", expected.table.clone(), found.table.clone());
            differences.changed(object, "timing", expected.timing.to_string(), found.timing.to_string());
            differences.changed(object, "event", expected.event.to_string(), found.event.to_string());
            differences.changed(object, "action", expected.action.clone(), found.action.clone());
        },
    );
    differences.pair(
        &expected.enums,
        &found.enums,
        |enumeration| enumeration.name.clone(),
        |enumeration| format!("enum {}", quoted(&enumeration.name)),
        |differences, object, expected: &EnumSchema, found: &EnumSchema| {
            differences.changed(
                object,
                "variants",
                variant_list(&expected.variants),
                variant_list(&found.variants),
            )
        },
    );
    SchemaDiff { differences: differences.0 }
}

fn tables(differences: &mut Differences, table: &str, expected: &TableSchema, found: &TableSchema) {
    differences.pair(
        &expected.columns,
        &found.columns,
        |column| column.name.clone(),
        |column| format!("{table}: column {}", quoted(&column.name)),
        columns,
    );
    let order = |columns: &[ColumnSchema], others: &[ColumnSchema]| {
        let names: Vec<&str> = columns
            .iter()
            .filter(|column| others.iter().any(|other| other.name == column.name))
            .map(|column| column.name.as_str())
            .collect();
        names.join(", ")
    };
    differences.changed(
        table,
        "column order",
        order(&expected.columns, &found.columns),
        order(&found.columns, &expected.columns),
    );
    differences.changed(table, "comment", comment(&expected.comment), comment(&found.comment));
    let key = |columns: &[String]| {
        if columns.is_empty() { "none".to_owned() } else { format!("({})", columns.join(", ")) }
    };
    differences.changed(table, "primary key", key(&expected.primary_key), key(&found.primary_key));
    differences.pair(
        &expected.constraints,
        &found.constraints,
        constraint_identity,
        |constraint| format!("{table}: {}", constraint_object(constraint)),
        |differences, object, expected, found| {
            differences.changed(
                object,
                "definition",
                constraint_definition(expected),
                constraint_definition(found),
            )
        },
    );
    differences.pair(
        &expected.indexes,
        &found.indexes,
        |index| index.name.clone(),
        |index| format!("{table}: index {}", quoted(&index.name)),
        |differences, object, expected, found| {
            differences.changed(object, "definition", index_definition(expected), index_definition(found))
        },
    );
}

fn columns(differences: &mut Differences, column: &str, expected: &ColumnSchema, found: &ColumnSchema) {
    differences.changed(column, "type", expected.column_type.to_string(), found.column_type.to_string());
    let nullability = |nullable: bool| if nullable { "NULL" } else { "NOT NULL" }.to_owned();
    differences.changed(column, "nullability", nullability(expected.nullable), nullability(found.nullable));
    let default = |default: &Option<String>| default.clone().unwrap_or_else(|| "none".to_owned());
    differences.changed(column, "default", default(&expected.default), default(&found.default));
    let numbering = |auto: bool| if auto { "auto-increment" } else { "none" }.to_owned();
    differences.changed(
        column,
        "numbering",
        numbering(expected.auto_increment),
        numbering(found.auto_increment),
    );
    differences.changed(column, "comment", comment(&expected.comment), comment(&found.comment));
}

/// A comment as a string literal, or `none`.
fn comment(comment: &Option<String>) -> String {
    comment.as_ref().map_or_else(|| "none".to_owned(), |text| format!("'{}'", text.replace('\'', "''")))
}

/// What pairs a constraint with its counterpart: its kind and name, or for an unnamed one its
/// kind and columns (or expression).
fn constraint_identity(constraint: &Constraint) -> String {
    if constraint.name().is_empty() {
        format!("{:?} {}", constraint.kind(), super::constraint_key(constraint))
    } else {
        format!("{:?} {}", constraint.kind(), constraint.name())
    }
}

/// `unique constraint "u"`, `foreign key "fk"`, `check "c"`; unnamed ones by their content.
fn constraint_object(constraint: &Constraint) -> String {
    let kind = match constraint {
        Constraint::Unique { .. } => "unique constraint",
        Constraint::ForeignKey(_) => "foreign key",
        Constraint::Check { .. } => "check",
    };
    if constraint.name().is_empty() {
        format!("{kind} {}", constraint_definition(constraint))
    } else {
        format!("{kind} {}", quoted(constraint.name()))
    }
}

/// A constraint's content: `(a, b)`, `(a) REFERENCES t (id) ON DELETE CASCADE`, `(a > 0)`.
fn constraint_definition(constraint: &Constraint) -> String {
    match constraint {
        Constraint::Unique { columns, .. } => format!("({})", columns.join(", ")),
        Constraint::ForeignKey(key) => {
            let mut text = format!(
                "({}) REFERENCES {} ({})",
                key.columns.join(", "),
                key.referenced_table,
                key.referenced_columns.join(", ")
            );
            if let Some(action) = key.on_delete {
                text.push_str(" ON DELETE ");
                text.push_str(action.sql());
            }
            if let Some(action) = key.on_update {
                text.push_str(" ON UPDATE ");
                text.push_str(action.sql());
            }
            text
        }
        Constraint::Check { expression, .. } => format!("({expression})"),
    }
}

/// An index's content: `UNIQUE (a, b) WHERE x > 0`.
fn index_definition(index: &Index) -> String {
    let mut text = format!("{}({})", if index.unique { "UNIQUE " } else { "" }, index.columns.join(", "));
    if let Some(condition) = &index.partial {
        text.push_str(" WHERE ");
        text.push_str(condition);
    }
    text
}

/// A name in double quotes, for messages.
fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

#[cfg(test)]
mod tests {
    use super::super::{ColumnType, EnumSchema};
    use super::*;
    use crate::schema::{ForeignKey, ReferentialAction, Type};

    fn users() -> TableSchema {
        let mut table = TableSchema::new("users");
        let mut id = ColumnSchema::new("id", ColumnType::Portable(Type::BigInt));
        id.nullable = false;
        id.auto_increment = true;
        table.columns.push(id);
        table.columns.push(ColumnSchema::new("email", ColumnType::Portable(Type::Varchar(255))));
        table.primary_key = vec!["id".to_owned()];
        table.constraints.push(Constraint::Unique {
            name: "users_email_key".to_owned(),
            columns: vec!["email".to_owned()],
        });
        table
    }

    fn schema(tables: Vec<TableSchema>) -> Schema {
        Schema { tables, ..Schema::default() }
    }

    #[test]
    fn equal_schemas_have_no_difference() {
        let diff = schema(vec![users()]).diff(&schema(vec![users()]));
        assert!(diff.is_empty(), "{diff}");
        assert_eq!(diff.to_string(), "");
    }

    #[test]
    fn a_changed_column_type_is_one_line_naming_table_and_column() {
        let mut changed = users();
        changed.columns[1].column_type = ColumnType::Portable(Type::Text);
        let diff = schema(vec![users()]).diff(&schema(vec![changed]));
        assert_eq!(diff.to_string(), "table \"users\": column \"email\": type VARCHAR(255) -> TEXT");
    }

    #[test]
    fn missing_and_extra_objects_are_named() {
        let mut found = users();
        found.columns.remove(1);
        found.columns.push(ColumnSchema::new("name", ColumnType::Portable(Type::Text)));
        found.indexes.push(Index::new("users_name", "users", ["name"]));
        let mut posts = TableSchema::new("posts");
        posts.columns.push(ColumnSchema::new("id", ColumnType::Portable(Type::Integer)));
        let diff = schema(vec![users(), posts]).diff(&schema(vec![found]));
        assert_eq!(
            diff.to_string(),
            "table \"users\": column \"email\": missing\n\
             table \"users\": column \"name\": extra\n\
             table \"users\": index \"users_name\": extra\n\
             table \"posts\": missing"
        );
    }

    #[test]
    fn constraints_compare_by_name_and_definition() {
        let mut expected = users();
        let mut foreign_key = ForeignKey::new("users_org_fkey", ["org_id"], "orgs", ["id"]);
        foreign_key.on_delete(ReferentialAction::Cascade);
        expected.constraints.push(Constraint::ForeignKey(foreign_key.clone()));
        let mut found = users();
        foreign_key.on_delete = Some(ReferentialAction::SetNull);
        found.constraints.push(Constraint::ForeignKey(foreign_key));
        let diff = schema(vec![expected]).diff(&schema(vec![found]));
        assert_eq!(
            diff.to_string(),
            "table \"users\": foreign key \"users_org_fkey\": definition (org_id) REFERENCES orgs (id) ON DELETE CASCADE -> (org_id) REFERENCES orgs (id) ON DELETE SET NULL"
        );
    }

    #[test]
    fn enum_types_and_comments_compare_too() {
        let mut expected = schema(vec![users()]);
        expected.enums.push(EnumSchema::new("mood", ["happy", "sad"]));
        let mut found = schema(vec![users()]);
        found.tables[0].columns[1].comment = Some("it's the address".to_owned());
        found.enums.push(EnumSchema::new("mood", ["happy"]));
        assert_eq!(
            expected.diff(&found).to_string(),
            "table \"users\": column \"email\": comment none -> 'it''s the address'\n\
             enum \"mood\": variants ('happy', 'sad') -> ('happy')"
        );
    }

    #[test]
    fn nullability_default_and_key_changes_are_each_a_line() {
        let mut found = users();
        found.columns[1].nullable = false;
        found.columns[1].default = Some("'x'".to_owned());
        found.primary_key = vec!["id".to_owned(), "email".to_owned()];
        let diff = schema(vec![users()]).diff(&schema(vec![found]));
        assert_eq!(
            diff.to_string(),
            "table \"users\": column \"email\": nullability NULL -> NOT NULL\n\
             table \"users\": column \"email\": default none -> 'x'\n\
             table \"users\": primary key (id) -> (id, email)"
        );
    }
}
