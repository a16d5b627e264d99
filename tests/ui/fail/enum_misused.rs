use migrate::Enum;

#[derive(Enum)]
#[model(rename_all = "snake", nmae = "mood")]
enum Mood {
    Happy,
    Sad(u8),
    #[model(rename = "Happy")]
    Glad,
}

#[derive(Enum)]
enum Nothing {}

#[derive(Enum)]
struct Colour {
    red: u8,
}

#[derive(Enum, sqlx::Type)]
#[sqlx(type_name = "feeling")]
#[model(name = "mood")]
enum Feeling {
    Fine,
}

fn main() {}
