//! `#[derive(Model)]` and `#[derive(Enum)]`: what a struct declares is the model built by hand
//! with the schema vocabulary, names and all; declared models are registered.

use migrate::{
    Column, Enum, Index, Model, ModelDefinition, ReferentialAction, ServerDefault, SqlType, Table, Type,
    Value,
};

/// The app's users.
#[derive(Model)]
#[model(table = "users", comment = "people who sign in")]
#[model(index(columns = ["last_name", "first_name"]))]
#[model(index(name = "ix_users_active_email", columns = ["email"], unique, partial = "deleted_at IS NULL"))]
#[model(check(name = "ck_users_age", expression = "age >= 0"))]
#[allow(dead_code)]
struct User {
    #[model(primary_key, auto_increment)]
    id: i64,
    #[model(max_length = 320, unique)]
    email: String,
    first_name: String,
    last_name: String,
    #[model(index)]
    nickname: Option<String>,
    #[model(default = 0)]
    age: i32,
    #[model(default = true)]
    active: bool,
    #[model(default = -1.5)]
    balance: f64,
    #[model(default = "reader", comment = "what the user may do")]
    role: String,
    #[model(column = "avatar_bytes", nullable)]
    avatar: Vec<u8>,
    #[model(column_type = migrate::Type::Numeric { precision: 10, scale: 2 })]
    score: Option<f64>,
    #[model(column_type = migrate::Type::Timestamp { with_time_zone: true }, default_expression = "CURRENT_TIMESTAMP")]
    created_at: String,
    #[model(column_type = migrate::Type::Timestamp { with_time_zone: true })]
    deleted_at: Option<String>,
    #[model(skip)]
    session: Vec<String>,
}

fn expected_users() -> Model {
    let mut table = Table::new("users");
    table.column("id", Type::BigInt).primary_key().auto_increment();
    table.column("email", Type::Varchar(320)).not_null();
    table.column("first_name", Type::Text).not_null();
    table.column("last_name", Type::Text).not_null();
    table.column("nickname", Type::Text);
    table.column("age", Type::Integer).not_null().server_default(ServerDefault::Value(Value::Integer(0)));
    table
        .column("active", Type::Boolean)
        .not_null()
        .server_default(ServerDefault::Value(Value::Boolean(true)));
    table.column("balance", Type::Double).not_null().server_default(ServerDefault::Value(Value::Float(-1.5)));
    table
        .column("role", Type::Text)
        .not_null()
        .server_default(ServerDefault::Value(Value::Text("reader".to_owned())))
        .comment("what the user may do");
    table.column("avatar_bytes", Type::Binary);
    table.column("score", Type::Numeric { precision: 10, scale: 2 });
    table
        .column("created_at", Type::Timestamp { with_time_zone: true })
        .not_null()
        .server_default(ServerDefault::CurrentTimestamp);
    table.column("deleted_at", Type::Timestamp { with_time_zone: true });
    table.unique("uq_users_email", ["email"]);
    table.check("ck_users_age", "age >= 0");
    table.comment("people who sign in");
    let mut model = Model::new(table, "models::User");
    model.index(Index::new("ix_users_nickname", "users", ["nickname"]));
    model.index(Index::new("ix_users_last_name_first_name", "users", ["last_name", "first_name"]));
    let mut partial = Index::new("ix_users_active_email", "users", ["email"]);
    partial.unique = true;
    partial.partial = Some("deleted_at IS NULL".to_owned());
    model.index(partial);
    model
}

#[test]
fn a_derived_model_equals_the_model_built_by_hand() {
    assert_eq!(User::model(), expected_users());
}

#[derive(Model)]
#[model(table = "posts")]
#[allow(dead_code)]
struct Post {
    #[model(primary_key)]
    id: i64,
    #[model(references = "users.id")]
    author_id: i64,
    #[model(references(
        table = "users",
        column = "id",
        on_delete = "set null",
        on_update = "CASCADE",
        name = "fk_posts_editor"
    ))]
    editor_id: Option<i64>,
}

#[test]
fn references_become_named_foreign_keys_with_their_actions() {
    let mut table = Table::new("posts");
    table.column("id", Type::BigInt).primary_key();
    table
        .column("author_id", Type::BigInt)
        .not_null()
        .references("users", "id")
        .named("fk_posts_author_id_users");
    table
        .column("editor_id", Type::BigInt)
        .references("users", "id")
        .named("fk_posts_editor")
        .on_delete(ReferentialAction::SetNull)
        .on_update(ReferentialAction::Cascade);
    assert_eq!(Post::model(), Model::new(table, "models::Post"));
}

#[derive(Model)]
#[model(primary_key = ["user_id", "group_id"], unique(columns = ["group_id", "rank"]))]
#[allow(dead_code)]
struct GroupMembership {
    user_id: i64,
    group_id: i64,
    rank: i16,
}

#[test]
fn the_table_defaults_to_the_struct_name_in_snake_case_and_keys_may_span_columns() {
    let model = GroupMembership::model();
    assert_eq!(model.table.name, "group_membership");
    assert_eq!(model.table.primary_key_columns(), ["user_id", "group_id"]);
    assert_eq!(
        model.table.constraints,
        [migrate::Constraint::Unique {
            name: "uq_group_membership_group_id_rank".to_owned(),
            columns: vec!["group_id".to_owned(), "rank".to_owned()],
        }]
    );
}

#[test]
fn an_option_field_makes_a_nullable_column_and_other_fields_refuse_null() {
    let model = User::model();
    let column = |name: &str| -> &Column {
        model.table.columns.iter().find(|column| column.name == name).expect("the model has this column")
    };
    assert!(column("nickname").nullable);
    assert!(!column("first_name").nullable);
    assert!(column("avatar_bytes").nullable, "`nullable` on a non-Option field");
}

#[test]
fn a_skipped_field_has_no_column() {
    assert!(User::model().table.columns.iter().all(|column| column.name != "session"));
}

/// How a user feels.
#[derive(Enum)]
#[model(name = "mood", rename_all = "snake_case")]
#[allow(dead_code)]
enum Mood {
    Happy,
    #[model(rename = "meh")]
    SoSo,
    VerySad,
}

#[derive(Enum)]
#[allow(dead_code)]
enum TicketState {
    Open,
    Closed,
}

#[test]
fn a_derived_enum_is_an_enum_type_with_its_variants_renamed() {
    assert_eq!(Mood::sql_type(), Type::enumeration("mood", ["happy", "meh", "very_sad"]));
    const { assert!(!Mood::NULLABLE) };
}

#[test]
fn an_enum_is_named_in_snake_case_and_its_variants_kept_as_written_by_default() {
    assert_eq!(TicketState::sql_type(), Type::enumeration("ticket_state", ["Open", "Closed"]));
}

#[derive(Model)]
#[allow(dead_code)]
struct Diary {
    #[model(primary_key)]
    id: i32,
    mood: Mood,
    yesterday: Option<Mood>,
}

#[test]
fn an_enum_field_has_the_enum_type() {
    let model = Diary::model();
    assert_eq!(model.table.columns[1].column_type, Mood::sql_type());
    assert!(!model.table.columns[1].nullable);
    assert!(model.table.columns[2].nullable);
}

#[test]
fn registered_models_are_found_and_sorted_by_table() {
    let tables: Vec<String> = Model::registered().into_iter().map(|model| model.table.name).collect();
    assert_eq!(tables, ["diary", "group_membership", "posts", "users"]);
}

#[test]
fn a_registered_model_is_the_one_its_type_declares() {
    let registered = Model::registered().into_iter().find(|model| model.table.name == "users");
    assert_eq!(registered, Some(expected_users()));
}
