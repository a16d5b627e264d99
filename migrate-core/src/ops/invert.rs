//! Inverting operations: a migration written without a downgrade is reverted by running the
//! inverse of each of its operations, last first, when every one of them has one (like Rails'
//! `change`).

use super::{
    AddColumn, AddConstraint, AlterColumn, BatchAlterTable, CreateEnum, CreateFunction, CreateIndex,
    CreateTable, CreateTrigger, CreateView, DropColumn, DropConstraint, DropEnum, DropFunction, DropIndex,
    DropTable, DropTrigger, DropView, Operation, RenameTable,
};
use crate::schema::View;
use crate::schema::{Column, Constraint, ConstraintKind, Table};

impl Operation {
    /// The operation that undoes this one; `Err` says why there is none (raw SQL, data, a drop
    /// whose definition wasn't recorded, an idempotent form that can't know what it did).
    pub fn inverse(&self) -> Result<Operation, String> {
        let describe = || self.describe();
        match self {
            Operation::CreateTable(CreateTable { table, if_not_exists: false }) => {
                Ok(Operation::DropTable(DropTable {
                    name: table.name.clone(),
                    if_exists: false,
                    definition: Some(table.clone()),
                }))
            }
            Operation::DropTable(DropTable { definition: Some(table), if_exists: false, .. }) => {
                Ok(Operation::CreateTable(CreateTable { table: table.clone(), if_not_exists: false }))
            }
            Operation::DropTable(DropTable { definition: None, .. }) => Err(format!(
                "{} doesn't record the table's definition; give it with `.definition(|t| ...)`",
                describe()
            )),
            Operation::RenameTable(RenameTable { from, to }) => {
                Ok(Operation::RenameTable(RenameTable { from: to.clone(), to: from.clone() }))
            }
            Operation::AddColumn(AddColumn { table, column, if_not_exists: false }) => {
                Ok(Operation::DropColumn(DropColumn {
                    table: table.clone(),
                    column: column.name.clone(),
                    if_exists: false,
                    definition: Some(column.clone()),
                }))
            }
            Operation::DropColumn(DropColumn { table, definition: Some(column), if_exists: false, .. }) => {
                Ok(Operation::AddColumn(AddColumn {
                    table: table.clone(),
                    column: column.clone(),
                    if_not_exists: false,
                }))
            }
            Operation::DropColumn(DropColumn { definition: None, .. }) => Err(format!(
                "{} doesn't record the column's definition; give it with `.definition(Type::...)`",
                describe()
            )),
            Operation::AlterColumn(alter) => invert_alter(alter).ok_or_else(|| {
                format!(
                    "{} doesn't record what it changes from; give `.existing_type(..)`, `.existing_nullable(..)` or `.existing_server_default(..)` for each change",
                    describe()
                )
            }),
            Operation::CreateIndex(CreateIndex { index, if_not_exists: false, concurrently }) => {
                Ok(Operation::DropIndex(DropIndex {
                    name: index.name.clone(),
                    table: index.table.clone(),
                    if_exists: false,
                    concurrently: *concurrently,
                    definition: Some(index.clone()),
                }))
            }
            Operation::DropIndex(DropIndex { definition: Some(index), if_exists: false, concurrently, .. }) => {
                Ok(Operation::CreateIndex(CreateIndex {
                    index: index.clone(),
                    if_not_exists: false,
                    concurrently: *concurrently,
                }))
            }
            Operation::DropIndex(DropIndex { definition: None, .. }) => Err(format!(
                "{} doesn't record the index's columns; give them with `.definition([...])`",
                describe()
            )),
            Operation::AddConstraint(AddConstraint { table, constraint, .. }) => {
                Ok(Operation::DropConstraint(DropConstraint {
                    table: table.clone(),
                    name: constraint.name().to_owned(),
                    kind: constraint.kind(),
                    if_exists: false,
                    definition: Some(constraint.clone()),
                }))
            }
            Operation::DropConstraint(DropConstraint {
                table, definition: Some(constraint), if_exists: false, ..
            }) => Ok(Operation::AddConstraint(AddConstraint {
                table: table.clone(),
                constraint: constraint.clone(),
                not_valid: false,
            })),
            // A timeout limits the statements after it, the downgrade's too (`invert_all` keeps
            // it first).
            Operation::SetTimeout(timeout) => Ok(Operation::SetTimeout(*timeout)),
            Operation::ValidateConstraint(_) => Err(format!(
                "{} can't be undone (a validated constraint can't be made NOT VALID again): write a downgrade, \
                 or drop the constraint in the downgrade of the migration that added it",
                describe()
            )),
            Operation::DropConstraint(DropConstraint { definition: None, .. }) => Err(format!(
                "{} doesn't record the constraint; give it with `.definition(..)`",
                describe()
            )),
            Operation::CreateTable(_)
            | Operation::DropTable(_)
            | Operation::AddColumn(_)
            | Operation::DropColumn(_)
            | Operation::CreateIndex(_)
            | Operation::DropIndex(_)
            | Operation::DropConstraint(_) => Err(format!(
                "{} is an `if_exists`/`if_not_exists` form, which can't tell whether it changed anything",
                describe()
            )),
            Operation::Execute { .. } | Operation::ExecuteOn(_) => {
                Err(format!("{} runs SQL whose inverse only its author knows", describe()))
            }
            Operation::BulkInsert(_) => Err(format!("{} inserts data, which isn't reverted", describe())),
            Operation::CreateEnum(CreateEnum { name, variants }) => Ok(Operation::DropEnum(DropEnum {
                name: name.clone(),
                if_exists: false,
                definition: Some(variants.clone()),
            })),
            Operation::DropEnum(DropEnum { name, definition: Some(variants), if_exists: false }) => {
                Ok(Operation::CreateEnum(CreateEnum { name: name.clone(), variants: variants.clone() }))
            }
            Operation::DropEnum(DropEnum { definition: None, .. }) => Err(format!(
                "{} doesn't record the enum's variants; give them with `.definition([...])`",
                describe()
            )),
            Operation::DropEnum(_) => Err(format!(
                "{} is an `if_exists` form, which can't tell whether it changed anything",
                describe()
            )),
            Operation::AddEnumValue(_) => Err(format!(
                "{} can't be reverted: PostgreSQL can't drop a value of an enum type (recreate the type instead)",
                describe()
            )),
            Operation::CreateView(CreateView { view, or_replace: false }) => Ok(Operation::DropView(DropView {
                name: view.name.clone(),
                if_exists: false,
                definition: Some(view.definition.clone()),
            })),
            Operation::DropView(DropView { name, definition: Some(sql), if_exists: false }) => {
                Ok(Operation::CreateView(CreateView { view: View::new(name, sql), or_replace: false }))
            }
            Operation::DropView(DropView { definition: None, .. }) => Err(format!(
                "{} doesn't record the view's query; give it with `.definition(\"SELECT ...\")`",
                describe()
            )),
            Operation::CreateFunction(CreateFunction { function, or_replace: false }) => {
                Ok(Operation::DropFunction(DropFunction {
                    name: function.name.clone(),
                    if_exists: false,
                    definition: Some(function.clone()),
                }))
            }
            Operation::DropFunction(DropFunction { definition: Some(function), if_exists: false, .. }) => {
                Ok(Operation::CreateFunction(CreateFunction { function: function.clone(), or_replace: false }))
            }
            Operation::DropFunction(DropFunction { definition: None, .. }) => Err(format!(
                "{} doesn't record the function; give it with `.definition(Function::new(..))`",
                describe()
            )),
            Operation::CreateTrigger(CreateTrigger { trigger }) => Ok(Operation::DropTrigger(DropTrigger {
                name: trigger.name.clone(),
                table: trigger.table.clone(),
                if_exists: false,
                definition: Some(trigger.clone()),
            })),
            Operation::DropTrigger(DropTrigger { definition: Some(trigger), if_exists: false, .. }) => {
                Ok(Operation::CreateTrigger(CreateTrigger { trigger: trigger.clone() }))
            }
            Operation::DropTrigger(DropTrigger { definition: None, .. }) => Err(format!(
                "{} doesn't record the trigger; give it with `.definition(Trigger::new(..))`",
                describe()
            )),
            Operation::CreateView(_) | Operation::CreateFunction(_) => Err(format!(
                "{} is an `or_replace` form, which can't tell what it replaced: write a downgrade",
                describe()
            )),
            Operation::DropView(_) | Operation::DropFunction(_) | Operation::DropTrigger(_) => Err(format!(
                "{} is an `if_exists` form, which can't tell whether it changed anything",
                describe()
            )),
            // One batch of the inverses, last first: SQLite still rebuilds the table once.
            Operation::BatchAlterTable(BatchAlterTable { table, operations }) => {
                Ok(Operation::BatchAlterTable(BatchAlterTable {
                    table: table.clone(),
                    operations: Operation::invert_all(operations)?,
                }))
            }
        }
    }

    /// The inverses of `operations`, last first: the downgrade of a migration that recorded them,
    /// in an order every database accepts (see [`order_for_every_database`]).
    pub fn invert_all(operations: &[Operation]) -> Result<Vec<Operation>, String> {
        let mut inverses = operations.iter().rev().map(Operation::inverse).collect::<Result<Vec<_>, _>>()?;
        // Timeouts first, as in the upgrade: they limit the statements after them.
        inverses.sort_by_key(|inverse| !matches!(inverse, Operation::SetTimeout(_)));
        Ok(order_for_every_database(inverses))
    }
}

/// A downgrade every database runs: the inverses taken last first are correct, but MariaDB refuses
/// to drop an index a foreign key needs (`1553: Cannot drop index .. needed in a foreign key
/// constraint`), and it picks that index itself. So changes to a table the downgrade then drops
/// are left out (dropping the table undoes them, indexes and constraints included), and a foreign
/// key is dropped before an index or unique constraint that may be the one holding it up.
pub(crate) fn order_for_every_database(mut operations: Vec<Operation>) -> Vec<Operation> {
    let mut at = 0;
    while at < operations.len() {
        if changes_a_table_dropped_later(&operations, at) {
            operations.remove(at);
        } else {
            at += 1;
        }
    }
    for at in 0..operations.len() {
        if let Some(earlier) = index_holding_up_foreign_key(&operations, at) {
            let foreign_key = operations.remove(at);
            operations.insert(earlier, foreign_key);
        }
    }
    operations
}

/// The table an operation changes, when it changes only that one table and leaves its name.
fn only_changed_table(operation: &Operation) -> Option<&str> {
    match operation {
        Operation::AddColumn(_)
        | Operation::DropColumn(_)
        | Operation::AlterColumn(_)
        | Operation::CreateIndex(_)
        | Operation::DropIndex(_)
        | Operation::AddConstraint(_)
        | Operation::DropConstraint(_)
        | Operation::BatchAlterTable(_) => operation.table(),
        _ => None,
    }
}

/// Whether `operations[at]` changes a table that a later operation drops, under its name or a
/// name it is renamed to, with no other table taking that name in between, and with nothing in
/// between touching a table the change's foreign keys refer to (left in place, a foreign key
/// would keep that table from being dropped or changed).
fn changes_a_table_dropped_later(operations: &[Operation], at: usize) -> bool {
    let Some(mut table) = only_changed_table(&operations[at]) else { return false };
    let referenced = referenced_tables(&operations[at]);
    for later in &operations[at + 1..] {
        match later {
            Operation::DropTable(DropTable { name, if_exists: false, .. }) if name == table => return true,
            Operation::RenameTable(RenameTable { from, to }) if from == table => table = to,
            Operation::RenameTable(RenameTable { to: name, .. })
            | Operation::CreateTable(CreateTable { table: Table { name, .. }, .. })
                if name == table =>
            {
                return false;
            }
            _ => {}
        }
        let touched = [later.table(), renamed_to(later)];
        let touches_referenced = touched.into_iter().flatten().any(|touched| match &referenced {
            // A key of the table to itself goes with it.
            Some(referenced) => touched != table && referenced.contains(&touched),
            None => touched != table,
        });
        if touches_referenced {
            return false;
        }
    }
    false
}

/// The new name a table is given, for a rename.
fn renamed_to(operation: &Operation) -> Option<&str> {
    match operation {
        Operation::RenameTable(RenameTable { to, .. }) => Some(to),
        _ => None,
    }
}

/// The tables the foreign keys an operation adds or drops refer to; `None` when it may drop one
/// without saying where to (a drop whose definition wasn't recorded).
fn referenced_tables(operation: &Operation) -> Option<Vec<&str>> {
    fn column_references(column: &Column) -> Vec<&str> {
        column.references.iter().map(|reference| reference.table.as_str()).collect()
    }
    Some(match operation {
        Operation::AddConstraint(AddConstraint {
            constraint: Constraint::ForeignKey(foreign_key), ..
        })
        | Operation::DropConstraint(DropConstraint {
            definition: Some(Constraint::ForeignKey(foreign_key)),
            ..
        }) => vec![foreign_key.referenced_table.as_str()],
        Operation::DropConstraint(DropConstraint {
            kind: ConstraintKind::ForeignKey,
            definition: None,
            ..
        })
        | Operation::DropColumn(DropColumn { definition: None, .. }) => return None,
        Operation::AddColumn(AddColumn { column, .. })
        | Operation::DropColumn(DropColumn { definition: Some(column), .. }) => column_references(column),
        Operation::BatchAlterTable(BatchAlterTable { operations, .. }) => {
            let mut tables = Vec::new();
            for operation in operations {
                tables.extend(referenced_tables(operation)?);
            }
            tables
        }
        _ => Vec::new(),
    })
}

/// Where a foreign-key drop at `at` must move to: the first earlier drop of an index or unique
/// constraint of the same table whose columns start with the key's (MariaDB may hold the key up
/// with it), with nothing between them that renames the table or a column.
fn index_holding_up_foreign_key(operations: &[Operation], at: usize) -> Option<usize> {
    let Operation::DropConstraint(DropConstraint {
        table,
        definition: Some(Constraint::ForeignKey(foreign_key)),
        ..
    }) = &operations[at]
    else {
        return None;
    };
    let mut earliest = None;
    for earlier in (0..at).rev() {
        let columns: Option<&[String]> = match &operations[earlier] {
            Operation::DropIndex(DropIndex { table: of, definition: Some(index), .. }) if of == table => {
                Some(&index.columns)
            }
            Operation::DropConstraint(DropConstraint {
                table: of,
                definition: Some(Constraint::Unique { columns, .. }),
                ..
            }) if of == table => Some(columns),
            Operation::RenameTable(RenameTable { from, to }) if from == table || to == table => break,
            Operation::AlterColumn(alter) if alter.table == *table && alter.new_name.is_some() => break,
            _ => None,
        };
        if columns.is_some_and(|columns| columns.starts_with(&foreign_key.columns)) {
            earliest = Some(earlier);
        }
    }
    earliest
}

/// The change back, when everything the change alters was recorded as it was before.
fn invert_alter(alter: &AlterColumn) -> Option<Operation> {
    let back_type = match &alter.new_type {
        Some(new_type) => Some((alter.existing_type.clone()?, new_type.clone())),
        None => None,
    };
    let back_nullable = match alter.new_nullable {
        Some(new_nullable) => Some((alter.existing_nullable?, new_nullable)),
        None => None,
    };
    let back_default = match &alter.new_server_default {
        Some(new_default) => Some((alter.existing_server_default.clone()?, new_default.clone())),
        None => None,
    };
    Some(Operation::AlterColumn(AlterColumn {
        table: alter.table.clone(),
        column: alter.new_name.clone().unwrap_or_else(|| alter.column.clone()),
        new_type: back_type.as_ref().map(|(old, _)| old.clone()),
        new_nullable: back_nullable.map(|(old, _)| old),
        new_server_default: back_default.as_ref().map(|(old, _)| old.clone()),
        new_name: alter.new_name.as_ref().map(|_| alter.column.clone()),
        // What the column is after the change: changed, or as recorded before it.
        existing_type: back_type.map(|(_, new)| new).or_else(|| alter.existing_type.clone()),
        existing_nullable: back_nullable.map(|(_, new)| new).or(alter.existing_nullable),
        existing_server_default: back_default
            .map(|(_, new)| new)
            .or_else(|| alter.existing_server_default.clone()),
    }))
}

#[cfg(test)]
mod tests {
    use crate::ops::{Operation, Operations};
    use crate::schema::Type;

    fn recorded(record: impl FnOnce(&mut Operations)) -> Vec<Operation> {
        let mut operations = Operations::new();
        record(&mut operations);
        operations.into_recorded()
    }

    #[test]
    fn inverting_twice_gives_the_operations_back() {
        let operations = recorded(|op| {
            op.add_column("t", "c", Type::Text);
            op.create_index("t_c", "t", ["c"]).unique();
            op.alter_column("t", "c").set_type(Type::Varchar(10)).existing_type(Type::Text).rename_to("d");
            op.rename_table("t", "u");
        });
        let inverse = Operation::invert_all(&operations).unwrap();
        assert!(matches!(inverse[0], Operation::RenameTable(_)), "last first");
        assert_eq!(Operation::invert_all(&inverse).unwrap(), operations);
        let Operation::AlterColumn(back) = &inverse[1] else { panic!("{:?}", inverse[1]) };
        assert_eq!((back.column.as_str(), back.new_name.as_deref()), ("d", Some("c")));
        assert_eq!(back.new_type, Some(Type::Text));
    }

    #[test]
    fn views_functions_and_triggers_invert_to_drops_that_record_them_and_back() {
        use crate::database::Database;
        use crate::schema::{Function, Trigger, TriggerEvent, TriggerTiming};
        let operations = recorded(|op| {
            op.create_view("active", "SELECT id FROM users");
            op.create_function(
                Function::new("touch", "trigger").on(Database::Postgres, "BEGIN RETURN NEW; END"),
            );
            op.create_trigger(
                Trigger::new("users_touch", "users", TriggerTiming::Before, TriggerEvent::Update)
                    .execute_function("touch"),
            );
        });
        let inverse = Operation::invert_all(&operations).unwrap();
        assert_eq!(
            described(&inverse),
            ["drop_trigger \"users_touch\" on \"users\"", "drop_function \"touch\"", "drop_view \"active\""]
        );
        assert_eq!(Operation::invert_all(&inverse).unwrap(), operations);
    }

    #[test]
    fn a_replaced_view_and_an_unrecorded_drop_have_no_inverse() {
        let operations = recorded(|op| {
            op.create_view("active", "SELECT 1").or_replace();
            op.drop_view("old");
        });
        assert!(operations[0].inverse().unwrap_err().contains("or_replace"));
        assert!(operations[1].inverse().unwrap_err().contains(".definition("));
    }

    /// What each operation of a downgrade is, in order: `drop_table "posts"`, ...
    fn described(operations: &[Operation]) -> Vec<String> {
        operations.iter().map(Operation::describe).collect()
    }

    #[test]
    fn a_table_the_downgrade_drops_is_dropped_without_its_indexes_and_constraints_first() {
        // MariaDB refuses to drop `posts_author` while the foreign key needs it.
        let operations = recorded(|op| {
            op.create_table("posts", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("author_id", Type::BigInt).references("users", "id");
            });
            op.create_index("posts_author", "posts", ["author_id"]);
            op.add_column("posts", "title", Type::Text);
            op.create_unique("posts_title", "posts", ["title"]);
        });
        assert_eq!(described(&Operation::invert_all(&operations).unwrap()), ["drop_table \"posts\""]);
    }

    #[test]
    fn a_table_renamed_and_then_dropped_is_dropped_alone() {
        let operations = recorded(|op| {
            op.create_table("t", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
            op.rename_table("t", "u");
            op.create_index("u_id", "u", ["id"]);
        });
        assert_eq!(
            described(&Operation::invert_all(&operations).unwrap()),
            ["rename_table \"u\" to \"t\"", "drop_table \"t\""]
        );
    }

    #[test]
    fn the_changes_to_a_table_the_downgrade_keeps_are_reverted() {
        let operations = recorded(|op| {
            op.create_table("posts", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
            op.create_index("users_email", "users", ["email"]);
        });
        assert_eq!(
            described(&Operation::invert_all(&operations).unwrap()),
            ["drop_index \"users_email\" on \"users\"", "drop_table \"posts\""]
        );
    }

    #[test]
    fn a_foreign_key_is_dropped_before_the_table_it_refers_to_even_when_its_own_table_goes_later() {
        let operations = recorded(|op| {
            op.create_table("children", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.column("parent_id", Type::BigInt);
            });
            op.create_table("parents", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
            op.create_foreign_key("children_parent_fkey", "children", ["parent_id"], "parents", ["id"]);
            op.add_column("children", "guardian_id", Type::BigInt).references("parents", "id");
            op.create_index("children_guardian", "children", ["guardian_id"]);
        });
        assert_eq!(
            described(&Operation::invert_all(&operations).unwrap()),
            [
                "drop_column \"children\".\"guardian_id\"",
                "drop_foreign_key \"children_parent_fkey\" on \"children\"",
                "drop_table \"parents\"",
                "drop_table \"children\"",
            ],
            "the index goes with the table (it refers to nothing); the key and the referencing column don't"
        );
    }

    #[test]
    fn a_foreign_key_of_a_table_to_itself_goes_with_the_table() {
        let operations = recorded(|op| {
            op.create_table("employees", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
            op.create_index("employees_id", "employees", ["id"]);
            op.add_column("employees", "manager_id", Type::BigInt).references("employees", "id");
        });
        assert_eq!(described(&Operation::invert_all(&operations).unwrap()), ["drop_table \"employees\""]);
    }

    #[test]
    fn a_foreign_key_is_dropped_before_an_index_that_may_hold_it_up() {
        // The index created after the key replaces the one MariaDB made for the key.
        let operations = recorded(|op| {
            op.add_column("players", "captain_id", Type::BigInt);
            op.create_foreign_key("players_captain_fkey", "players", ["captain_id"], "users", ["id"]);
            op.create_index("players_captain", "players", ["captain_id", "id"]);
            op.create_unique("players_captain_number", "players", ["captain_id", "number"]);
            op.create_index("players_number", "players", ["number"]);
        });
        assert_eq!(
            described(&Operation::invert_all(&operations).unwrap()),
            [
                "drop_index \"players_number\" on \"players\"",
                "drop_foreign_key \"players_captain_fkey\" on \"players\"",
                "drop_unique \"players_captain_number\" on \"players\"",
                "drop_index \"players_captain\" on \"players\"",
                "drop_column \"players\".\"captain_id\"",
            ]
        );
    }

    #[test]
    fn a_foreign_key_dropped_first_already_stays_where_it_is() {
        let operations = recorded(|op| {
            op.create_index("players_team", "players", ["team_id"]);
            op.create_foreign_key("players_team_fkey", "players", ["team_id"], "teams", ["id"]);
        });
        assert_eq!(
            described(&Operation::invert_all(&operations).unwrap()),
            [
                "drop_foreign_key \"players_team_fkey\" on \"players\"",
                "drop_index \"players_team\" on \"players\""
            ]
        );
    }

    #[test]
    fn what_has_no_inverse_says_why() {
        let cases: Vec<(Vec<Operation>, &str)> = vec![
            (
                recorded(|op| {
                    op.execute("DELETE FROM t");
                }),
                "only its author knows",
            ),
            (
                recorded(|op| {
                    op.alter_column("t", "c").set_nullable(false);
                }),
                "existing_nullable",
            ),
            (
                recorded(|op| {
                    op.drop_table("t");
                }),
                ".definition(|t| ...)",
            ),
            (
                recorded(|op| {
                    op.create_index("i", "t", ["c"]).if_not_exists();
                }),
                "if_not_exists",
            ),
        ];
        for (operations, reason) in cases {
            let error = Operation::invert_all(&operations).unwrap_err();
            assert!(error.contains(reason), "{error}");
        }
    }

    #[test]
    fn the_inverse_of_a_batch_is_one_batch_of_the_inverses_last_first() {
        let operations = recorded(|op| {
            op.batch_alter_table("books", |t| {
                t.add_column("subtitle", Type::Text);
                t.alter_column("title").set_nullable(true).existing_nullable(false);
                t.create_index("books_subtitle", ["subtitle"]);
            });
        });
        let inverse = Operation::invert_all(&operations).unwrap();
        let [Operation::BatchAlterTable(batch)] = inverse.as_slice() else { panic!("{inverse:?}") };
        assert_eq!(batch.table, "books");
        assert_eq!(
            described(&batch.operations),
            [
                "drop_index \"books_subtitle\" on \"books\"",
                "alter_column \"books\".\"title\"",
                "drop_column \"books\".\"subtitle\"",
            ]
        );
        assert_eq!(Operation::invert_all(&inverse).unwrap(), operations);
    }

    #[test]
    fn a_batch_without_an_inverse_names_the_change_inside_it() {
        let operations = recorded(|op| {
            op.batch_alter_table("books", |t| {
                t.add_column("subtitle", Type::Text);
                t.drop_column("isbn");
            });
        });
        let error = Operation::invert_all(&operations).unwrap_err();
        assert!(
            error.starts_with("drop_column \"books\".\"isbn\" doesn't record the column's definition"),
            "{error}"
        );
    }
}
