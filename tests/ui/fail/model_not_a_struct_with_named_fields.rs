use migrate::Model;

#[derive(Model)]
enum Shape {
    Circle,
}

#[derive(Model)]
struct Point(i32, i32);

fn main() {}
