use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None, downgrade = drop_users)]
async fn backfill(db: &mut Connection) -> migrate::Result<()> {
    db.execute("UPDATE users SET name = 'x'").await
}

fn drop_users(op: &mut Operations) {
    op.execute("DROP TABLE users");
}

fn main() {}
