//! Inverting operations: a migration written without a downgrade is reverted by running the
//! inverse of each of its operations, last first, when every one of them has one (like Rails'
//! `change`).

use super::{
    AddColumn, AddConstraint, AlterColumn, CreateIndex, CreateTable, DropColumn, DropConstraint, DropIndex,
    DropTable, Operation, RenameTable,
};

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
            Operation::AddConstraint(AddConstraint { table, constraint }) => {
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
            }) => Ok(Operation::AddConstraint(AddConstraint { table: table.clone(), constraint: constraint.clone() })),
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
            Operation::DropEnum(_) => Err(format!("{} doesn't record the enum's variants", describe())),
        }
    }

    /// The inverses of `operations`, last first: the downgrade of a migration that recorded them.
    pub fn invert_all(operations: &[Operation]) -> Result<Vec<Operation>, String> {
        operations.iter().rev().map(Operation::inverse).collect()
    }
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
            op.create_table("t", |t| {
                t.column("id", Type::BigInt).primary_key();
            });
            op.add_column("t", "c", Type::Text);
            op.create_index("t_c", "t", ["c"]).unique();
            op.alter_column("t", "c").set_type(Type::Varchar(10)).existing_type(Type::Text).rename_to("d");
            op.rename_table("t", "u");
        });
        let inverse = Operation::invert_all(&operations).unwrap();
        assert!(matches!(inverse[0], Operation::RenameTable(_)), "last first");
        assert_eq!(Operation::invert_all(&inverse).unwrap().len(), operations.len());
        let Operation::AlterColumn(back) = &inverse[1] else { panic!("{:?}", inverse[1]) };
        assert_eq!((back.column.as_str(), back.new_name.as_deref()), ("d", Some("c")));
        assert_eq!(back.new_type, Some(Type::Text));
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
}
