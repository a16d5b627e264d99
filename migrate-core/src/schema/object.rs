//! Views, functions and triggers: what `create_view`, `create_function` and `create_trigger`
//! create, and what an app declares for autogenerate to compare (`SchemaObject::registered`
//! lives in `registry/object.rs`). Only what is portable is said once: a view's query, a
//! trigger's table, timing and event; a function's body and a trigger's body are each
//! database's own SQL, given per database.

use std::fmt;

use crate::database::Database;

/// A view: a name for a query.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct View {
    /// The view's name.
    pub name: String,
    /// The query (`SELECT ...`), the same on every database.
    pub definition: String,
}

impl View {
    /// A view of this name and query.
    pub fn new(name: impl Into<String>, definition: impl Into<String>) -> Self {
        Self { name: name.into(), definition: definition.into() }
    }
}

/// A stored function (PostgreSQL, MariaDB; SQLite has none): its signature said once, its body
/// per database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Function {
    /// The function's name.
    pub name: String,
    /// The parameters as SQL (`x integer, y integer`); empty for none.
    pub arguments: String,
    /// The type it returns (`integer`; `trigger` for a PostgreSQL trigger function).
    pub returns: String,
    /// The language of the PostgreSQL body (`plpgsql` unless said otherwise).
    pub language: String,
    /// The body for each database named: PostgreSQL's goes between dollar quotes, MariaDB's is
    /// the routine body (`RETURN x + 1`, `BEGIN ... END`).
    pub bodies: Vec<(Database, String)>,
}

impl Function {
    /// A function of this name, without parameters, returning `returns`, with no body yet.
    pub fn new(name: impl Into<String>, returns: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            arguments: String::new(),
            returns: returns.into(),
            language: "plpgsql".to_owned(),
            bodies: Vec::new(),
        }
    }

    /// Sets the parameters, as SQL both databases take (`x integer, y integer`).
    pub fn arguments(mut self, arguments: impl Into<String>) -> Self {
        self.arguments = arguments.into();
        self
    }

    /// Sets the language of the PostgreSQL body (`plpgsql` by default, or `sql`).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = language.into();
        self
    }

    /// Gives the body on `database`.
    pub fn on(mut self, database: Database, body: impl Into<String>) -> Self {
        set_body(&mut self.bodies, database, body.into());
        self
    }

    /// The body on `database`, if the function has one there.
    pub fn body_for(&self, database: Database) -> Option<&str> {
        body_on(&self.bodies, database)
    }
}

/// When a trigger fires, relative to the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TriggerTiming {
    /// Before the row is changed (it may change the row).
    Before,
    /// After the row is changed.
    After,
}

/// The change a trigger fires on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TriggerEvent {
    /// A row inserted.
    Insert,
    /// A row updated.
    Update,
    /// A row deleted.
    Delete,
}

impl TriggerTiming {
    /// `BEFORE` or `AFTER`.
    pub fn sql(self) -> &'static str {
        match self {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
        }
    }
}

impl TriggerEvent {
    /// `INSERT`, `UPDATE` or `DELETE`.
    pub fn sql(self) -> &'static str {
        match self {
            TriggerEvent::Insert => "INSERT",
            TriggerEvent::Update => "UPDATE",
            TriggerEvent::Delete => "DELETE",
        }
    }
}

/// A row trigger: one event of one table, before or after it, running a function
/// (PostgreSQL) or a body (SQLite, MariaDB).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Trigger {
    /// The trigger's name.
    pub name: String,
    /// The table it watches.
    pub table: String,
    /// Before or after the change.
    pub timing: TriggerTiming,
    /// The change it fires on.
    pub event: TriggerEvent,
    /// The function it runs on PostgreSQL (`EXECUTE FUNCTION name()`), one returning `trigger`.
    pub function: Option<String>,
    /// The body for each other database named: on SQLite `BEGIN ...; END`, on MariaDB a
    /// statement or `BEGIN ... END`.
    pub bodies: Vec<(Database, String)>,
}

impl Trigger {
    /// A trigger of `table`, firing `timing` each row's `event`, with nothing to run yet.
    pub fn new(
        name: impl Into<String>,
        table: impl Into<String>,
        timing: TriggerTiming,
        event: TriggerEvent,
    ) -> Self {
        Self { name: name.into(), table: table.into(), timing, event, function: None, bodies: Vec::new() }
    }

    /// Runs `function` on PostgreSQL (a function returning `trigger`, created first).
    pub fn execute_function(mut self, function: impl Into<String>) -> Self {
        self.function = Some(function.into());
        self
    }

    /// Runs `body` on `database` (SQLite or MariaDB).
    pub fn on(mut self, database: Database, body: impl Into<String>) -> Self {
        set_body(&mut self.bodies, database, body.into());
        self
    }

    /// The body on `database`, if the trigger has one there.
    pub fn body_for(&self, database: Database) -> Option<&str> {
        body_on(&self.bodies, database)
    }

    /// Whether the trigger has something to run on `database`.
    pub fn exists_on(&self, database: Database) -> bool {
        match database {
            Database::Postgres => self.function.is_some(),
            other => self.body_for(other).is_some(),
        }
    }
}

/// A view, function or trigger an app declares, for autogenerate to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaObject {
    /// A view.
    View(View),
    /// A stored function.
    Function(Function),
    /// A trigger.
    Trigger(Trigger),
}

impl SchemaObject {
    /// The object's name.
    pub fn name(&self) -> &str {
        match self {
            SchemaObject::View(view) => &view.name,
            SchemaObject::Function(function) => &function.name,
            SchemaObject::Trigger(trigger) => &trigger.name,
        }
    }

    /// `view`, `function` or `trigger`.
    pub fn kind(&self) -> &'static str {
        match self {
            SchemaObject::View(_) => "view",
            SchemaObject::Function(_) => "function",
            SchemaObject::Trigger(_) => "trigger",
        }
    }
}

impl From<View> for SchemaObject {
    fn from(view: View) -> Self {
        SchemaObject::View(view)
    }
}

impl From<Function> for SchemaObject {
    fn from(function: Function) -> Self {
        SchemaObject::Function(function)
    }
}

impl From<Trigger> for SchemaObject {
    fn from(trigger: Trigger) -> Self {
        SchemaObject::Trigger(trigger)
    }
}

impl fmt::Display for TriggerTiming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}

impl fmt::Display for TriggerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sql())
    }
}

/// Sets the body on `database`, replacing one given before.
fn set_body(bodies: &mut Vec<(Database, String)>, database: Database, body: String) {
    bodies.retain(|(named, _)| *named != database);
    bodies.push((database, body));
}

/// The body on `database`, if one was given.
fn body_on(bodies: &[(Database, String)], database: Database) -> Option<&str> {
    bodies.iter().find(|(named, _)| *named == database).map(|(_, body)| body.as_str())
}
