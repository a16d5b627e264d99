use migrate::prelude::*;

struct Migrations;

#[migration(revision = "a1", down_revision = None)]
impl Migrations {
    fn create(_op: &mut Operations) {}
}

fn main() {}
