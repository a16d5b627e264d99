use migrate::prelude::*;

// `b-1` would read as "one below b" in a target, and `shop-2@head` as a step.
#[migration(revision = "b-1", down_revision = "a+2", branch_labels = ["shop-2"])]
fn create(_op: &mut Operations) {}

fn main() {}
