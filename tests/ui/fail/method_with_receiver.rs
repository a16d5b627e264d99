use migrate::prelude::*;

struct App;
impl App {
    #[migration(revision = "a1", down_revision = None)]
    fn create(&self) {}
}

fn main() {}
