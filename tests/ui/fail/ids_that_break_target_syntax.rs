use migrate::prelude::*;

#[migration(
    revision = "add users",
    down_revision = ("+1", "base:a1"),
    branch_labels = ["-x", "current"],
    depends_on = "a1,a2"
)]
fn create(_op: &mut Operations) {}

fn main() {}
