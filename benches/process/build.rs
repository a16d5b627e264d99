//! Writes each set of migrations (see src/shape.rs) as `#[migration]` functions into
//! `OUT_DIR/<shape>_<n>.rs`, which the binary of that name includes.

#[path = "src/shape.rs"]
mod shape;

use std::fmt::Write as _;

use shape::{SIZES, Shape, create_sql, drop_sql, revision};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/shape.rs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    for shape in [Shape::Line, Shape::Graph] {
        for n in SIZES {
            let mut code = String::new();
            for i in 0..n {
                let down = match shape.down_revisions(i).as_slice() {
                    [] => "None".to_owned(),
                    [one] => format!("{:?}", revision(*one)),
                    several => {
                        let ids: Vec<String> =
                            several.iter().map(|j| format!("{:?}", revision(*j))).collect();
                        format!("({})", ids.join(", "))
                    }
                };
                writeln!(
                    code,
                    "/// Create table bench_{i}.\n\
                     #[migrate::migration(revision = {:?}, down_revision = {down}, downgrade = drop_{i})]\n\
                     fn create_{i}(op: &mut migrate::Operations) {{\n    op.execute({:?});\n}}\n\n\
                     fn drop_{i}(op: &mut migrate::Operations) {{\n    op.execute({:?});\n}}\n",
                    revision(i),
                    create_sql(i),
                    drop_sql(i),
                )
                .expect("writing to a String can't fail");
            }
            let path = format!("{out}/{}_{n}.rs", shape.name());
            std::fs::write(&path, code).unwrap_or_else(|error| panic!("writing {path}: {error}"));
        }
    }
}
