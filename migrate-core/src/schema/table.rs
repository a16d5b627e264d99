//! Tables, columns, constraints and indexes as plain data, with the builder methods migrations
//! describe them with.

use super::{Type, Value};

/// A table: what `create_table` creates (and what `drop_table` may record, to be reversible).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// The primary key's columns when given for the table (`primary_key([..])`) rather than on a
    /// column.
    pub primary_key: Vec<String>,
    /// Unique, foreign-key and check constraints given for the table.
    pub constraints: Vec<Constraint>,
    /// A comment stored with the table (PostgreSQL, MariaDB).
    pub comment: Option<String>,
}

impl Table {
    /// A table with no columns yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            constraints: Vec::new(),
            comment: None,
        }
    }

    /// Adds a column (nullable unless said otherwise), to be described further.
    pub fn column(&mut self, name: impl Into<String>, column_type: Type) -> &mut Column {
        self.columns.push(Column::new(name, column_type));
        let last = self.columns.len() - 1;
        &mut self.columns[last]
    }

    /// Makes these columns the primary key.
    pub fn primary_key(&mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> &mut Self {
        self.primary_key = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a unique constraint over these columns.
    pub fn unique(
        &mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut Self {
        self.constraints.push(Constraint::Unique {
            name: name.into(),
            columns: columns.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Adds a foreign key from these columns to columns of another table.
    pub fn foreign_key(
        &mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
        referenced_table: impl Into<String>,
        referenced_columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut ForeignKey {
        self.constraints.push(Constraint::ForeignKey(ForeignKey::new(
            name,
            columns,
            referenced_table,
            referenced_columns,
        )));
        match self.constraints.last_mut() {
            Some(Constraint::ForeignKey(foreign_key)) => foreign_key,
            // Invariant: a foreign key was pushed on the line above.
            _ => unreachable!("the constraint just added is a foreign key"),
        }
    }

    /// Adds a check constraint: `expression` is SQL every row must satisfy.
    pub fn check(&mut self, name: impl Into<String>, expression: impl Into<String>) -> &mut Self {
        self.constraints.push(Constraint::Check { name: name.into(), expression: expression.into() });
        self
    }

    /// Sets the table's comment.
    pub fn comment(&mut self, comment: impl Into<String>) -> &mut Self {
        self.comment = Some(comment.into());
        self
    }

    /// The primary key's columns, whether given for the table or on columns.
    pub fn primary_key_columns(&self) -> Vec<&str> {
        if self.primary_key.is_empty() {
            self.columns
                .iter()
                .filter(|column| column.primary_key)
                .map(|column| column.name.as_str())
                .collect()
        } else {
            self.primary_key.iter().map(String::as_str).collect()
        }
    }

    /// Every named constraint of the table: those given for the table, then those its columns
    /// declare (`unique()`, `references(..)`), named as PostgreSQL would name them.
    pub fn all_constraints(&self) -> Vec<Constraint> {
        let mut all = self.constraints.clone();
        for column in &self.columns {
            all.extend(column.constraints(&self.name));
        }
        all
    }
}

/// A column: its name, type, nullability, default and the constraints it declares.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// The column's type.
    pub column_type: Type,
    /// Whether the column accepts NULL (the default, as in SQL).
    pub nullable: bool,
    /// The value the database fills in when an insert leaves the column out.
    pub server_default: Option<ServerDefault>,
    /// Whether the column is (part of) the primary key.
    pub primary_key: bool,
    /// Whether the database numbers new rows itself (an integer primary key).
    pub auto_increment: bool,
    /// Whether no two rows may hold the same value: a constraint named `<table>_<column>_key`.
    pub unique: bool,
    /// The row of another table this column refers to: a constraint named
    /// `<table>_<column>_fkey` unless named.
    pub references: Option<Reference>,
    /// A comment stored with the column (PostgreSQL, MariaDB).
    pub comment: Option<String>,
}

impl Column {
    /// A nullable column of this type.
    pub fn new(name: impl Into<String>, column_type: Type) -> Self {
        Self {
            name: name.into(),
            column_type,
            nullable: true,
            server_default: None,
            primary_key: false,
            auto_increment: false,
            unique: false,
            references: None,
            comment: None,
        }
    }

    /// Refuses NULL.
    pub fn not_null(&mut self) -> &mut Self {
        self.nullable = false;
        self
    }

    /// Accepts NULL (the default; for saying so).
    pub fn nullable(&mut self) -> &mut Self {
        self.nullable = true;
        self
    }

    /// Makes the column (part of) the primary key; primary-key columns refuse NULL.
    pub fn primary_key(&mut self) -> &mut Self {
        self.primary_key = true;
        self.nullable = false;
        self
    }

    /// Lets the database number new rows: an integer primary key that counts up.
    pub fn auto_increment(&mut self) -> &mut Self {
        self.auto_increment = true;
        self
    }

    /// No two rows may hold the same value.
    pub fn unique(&mut self) -> &mut Self {
        self.unique = true;
        self
    }

    /// The value the database fills in when an insert leaves the column out.
    pub fn server_default(&mut self, default: impl Into<ServerDefault>) -> &mut Self {
        self.server_default = Some(default.into());
        self
    }

    /// Sets the column's comment.
    pub fn comment(&mut self, comment: impl Into<String>) -> &mut Self {
        self.comment = Some(comment.into());
        self
    }

    /// Makes the column refer to `column` of `table`; the reference's actions follow.
    pub fn references(&mut self, table: impl Into<String>, column: impl Into<String>) -> &mut Reference {
        self.references.insert(Reference {
            table: table.into(),
            column: column.into(),
            name: None,
            on_delete: None,
            on_update: None,
        })
    }

    /// The constraints the column declares, named for the table `table`.
    pub fn constraints(&self, table: &str) -> Vec<Constraint> {
        let mut constraints = Vec::new();
        if self.unique {
            constraints.push(Constraint::Unique {
                name: format!("{table}_{}_key", self.name),
                columns: vec![self.name.clone()],
            });
        }
        if let Some(reference) = &self.references {
            constraints.push(Constraint::ForeignKey(ForeignKey {
                name: reference.name.clone().unwrap_or_else(|| format!("{table}_{}_fkey", self.name)),
                columns: vec![self.name.clone()],
                referenced_table: reference.table.clone(),
                referenced_columns: vec![reference.column.clone()],
                on_delete: reference.on_delete,
                on_update: reference.on_update,
            }));
        }
        constraints
    }
}

/// A column's reference to a row of another table (a one-column foreign key).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reference {
    /// The referenced table.
    pub table: String,
    /// The referenced column.
    pub column: String,
    /// The constraint's name; `<table>_<column>_fkey` when not given.
    pub name: Option<String>,
    /// What happens to this row when the referenced row is deleted.
    pub on_delete: Option<ReferentialAction>,
    /// What happens to this row when the referenced key changes.
    pub on_update: Option<ReferentialAction>,
}

impl Reference {
    /// What happens to this row when the referenced row is deleted.
    pub fn on_delete(&mut self, action: ReferentialAction) -> &mut Self {
        self.on_delete = Some(action);
        self
    }

    /// What happens to this row when the referenced key changes.
    pub fn on_update(&mut self, action: ReferentialAction) -> &mut Self {
        self.on_update = Some(action);
        self
    }

    /// Names the constraint.
    pub fn named(&mut self, name: impl Into<String>) -> &mut Self {
        self.name = Some(name.into());
        self
    }
}

/// What a foreign key does to referencing rows when the referenced row goes or changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReferentialAction {
    /// Delete (or update) the referencing rows too.
    Cascade,
    /// Set the referencing columns to NULL.
    SetNull,
    /// Set the referencing columns to their defaults (not on MariaDB).
    SetDefault,
    /// Refuse, checked at once.
    Restrict,
    /// Refuse (the default).
    NoAction,
}

impl ReferentialAction {
    /// The action's SQL.
    pub fn sql(self) -> &'static str {
        match self {
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::NoAction => "NO ACTION",
        }
    }
}

/// The value the database fills in when an insert leaves a column out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerDefault {
    /// A constant.
    Value(Value),
    /// The time of the insert.
    CurrentTimestamp,
    /// The date of the insert.
    CurrentDate,
    /// An SQL expression, written for the database(s) the migration runs on.
    Expression(String),
}

impl<T: Into<Value>> From<T> for ServerDefault {
    fn from(value: T) -> Self {
        ServerDefault::Value(value.into())
    }
}

/// A foreign key: columns of one table that refer to the key of another.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: String,
    /// The referenced columns, one for each referencing column.
    pub referenced_columns: Vec<String>,
    /// What happens to referencing rows when the referenced row is deleted.
    pub on_delete: Option<ReferentialAction>,
    /// What happens to referencing rows when the referenced key changes.
    pub on_update: Option<ReferentialAction>,
}

impl ForeignKey {
    /// A foreign key from `columns` to `referenced_columns` of `referenced_table`.
    pub fn new(
        name: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
        referenced_table: impl Into<String>,
        referenced_columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            name: name.into(),
            columns: columns.into_iter().map(Into::into).collect(),
            referenced_table: referenced_table.into(),
            referenced_columns: referenced_columns.into_iter().map(Into::into).collect(),
            on_delete: None,
            on_update: None,
        }
    }

    /// What happens to referencing rows when the referenced row is deleted.
    pub fn on_delete(&mut self, action: ReferentialAction) -> &mut Self {
        self.on_delete = Some(action);
        self
    }

    /// What happens to referencing rows when the referenced key changes.
    pub fn on_update(&mut self, action: ReferentialAction) -> &mut Self {
        self.on_update = Some(action);
        self
    }
}

/// A named table constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Constraint {
    /// No two rows hold the same values in these columns.
    Unique { name: String, columns: Vec<String> },
    /// A foreign key.
    ForeignKey(ForeignKey),
    /// Every row satisfies an SQL expression.
    Check { name: String, expression: String },
}

impl Constraint {
    /// The constraint's name.
    pub fn name(&self) -> &str {
        match self {
            Constraint::Unique { name, .. } | Constraint::Check { name, .. } => name,
            Constraint::ForeignKey(foreign_key) => &foreign_key.name,
        }
    }

    /// Which kind of constraint it is.
    pub fn kind(&self) -> ConstraintKind {
        match self {
            Constraint::Unique { .. } => ConstraintKind::Unique,
            Constraint::ForeignKey(_) => ConstraintKind::ForeignKey,
            Constraint::Check { .. } => ConstraintKind::Check,
        }
    }
}

/// The kinds of named constraint (MariaDB drops each kind with its own syntax).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConstraintKind {
    /// A unique constraint.
    Unique,
    /// A foreign key.
    ForeignKey,
    /// A check constraint.
    Check,
}

/// An index on columns of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// The indexed table.
    pub table: String,
    /// The indexed columns, in order.
    pub columns: Vec<String>,
    /// Whether no two rows may hold the same values in the columns.
    pub unique: bool,
    /// An SQL condition: only rows that satisfy it are indexed (PostgreSQL, SQLite).
    pub partial: Option<String>,
}

impl Index {
    /// An index on these columns.
    pub fn new(
        name: impl Into<String>,
        table: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            name: name.into(),
            table: table.into(),
            columns: columns.into_iter().map(Into::into).collect(),
            unique: false,
            partial: None,
        }
    }

    /// No two rows may hold the same values in the indexed columns.
    pub fn unique(&mut self) -> &mut Self {
        self.unique = true;
        self
    }

    /// Indexes only the rows that satisfy an SQL condition (PostgreSQL, SQLite).
    pub fn partial(&mut self, condition: impl Into<String>) -> &mut Self {
        self.partial = Some(condition.into());
        self
    }
}
