use migrate::prelude::*;

#[migration("a1", None)]
fn create(_op: &mut Operations) {}

fn main() {}
