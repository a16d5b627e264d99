//! What the schema should be: one model per table. `check` compares them with a database at the
//! heads, and `revision --autogenerate` writes the migration that makes a database match them.

use migrate::prelude::*;

/// Someone who writes posts.
#[derive(Model)]
#[model(table = "users")]
pub struct User {
    #[model(primary_key)]
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
}

/// A post, written by a user.
#[derive(Model)]
#[model(table = "posts")]
pub struct Post {
    #[model(primary_key)]
    pub id: i32,
    #[model(references = "users.id")]
    pub user_id: i32,
    pub body: Option<String>,
}
