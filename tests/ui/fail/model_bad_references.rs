use migrate::Model;

#[derive(Model)]
struct Post {
    #[model(primary_key)]
    id: i64,
    #[model(references = "users")]
    author_id: i64,
    #[model(references = "public.users.id")]
    editor_id: i64,
    #[model(references(table = "users"))]
    reviewer_id: i64,
    #[model(references(table = "users", column = "id", on_delete = "delete", on_update = "set nul"))]
    owner_id: i64,
}

fn main() {}
