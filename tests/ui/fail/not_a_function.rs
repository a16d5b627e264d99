use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None)]
struct Create;

fn main() {}
