//! A chain of migrations for the benches, built as `#[migration]` would register them: revision
//! `r0000` first, each following the one before, one function each (through the hidden items the
//! attribute expands to, since the bench makes its chains at run time).

use migrate::__private::{Downgrade, MigrationFn};
use migrate::{Migration, Operations};

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The first `n` functions as a chain of migrations.
pub fn chain(functions: &[fn(&mut Operations)], n: usize) -> Vec<&'static Migration> {
    functions[..n]
        .iter()
        .enumerate()
        .map(|(i, &function)| {
            let down: &'static [&'static str] =
                if i == 0 { &[] } else { Box::leak(vec![leak(format!("r{:04}", i - 1))].into_boxed_slice()) };
            &*Box::leak(Box::new(Migration {
                revision: leak(format!("r{i:04}")),
                down_revisions: down,
                branch_labels: &[],
                depends_on: &[],
                replaces: &[],
                message: "create a table",
                upgrade: MigrationFn::Sync(function),
                downgrade: Downgrade::Irreversible,
                transactional: true,
                allow: &[],
                checksum: leak(format!("{i:064}")),
                function: "create",
                module_path: "bench",
                file: file!(),
                line: line!(),
            }))
        })
        .collect()
}
