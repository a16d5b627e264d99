use migrate::prelude::*;

/// Lower-case every email.
#[migration(revision = "a1", down_revision = None, downgrade = keep_emails)]
async fn lower_emails(db: &mut Connection) -> migrate::Result<()> {
    db.execute("UPDATE users SET email = lower(email)").await
}

async fn keep_emails(_db: &mut Connection) -> migrate::Result<()> {
    Ok(())
}

#[migration(revision = "b2", down_revision = "a1")]
async fn count_users(db: &mut Connection) -> migrate::Result<()> {
    let users = db.quote_identifier("users");
    db.execute(&format!("DELETE FROM {users} WHERE email IS NULL")).await
}

// sqlx's own error (re-exported by migrate) works as the error type too.
#[migration(revision = "c3", down_revision = "b2")]
async fn touch(db: &mut Connection) -> Result<(), migrate::sqlx::Error> {
    if db.database() == Database::Sqlite {
        return Err(migrate::sqlx::Error::RowNotFound);
    }
    Ok(())
}

fn main() {
    let all = Migration::registered();
    assert_eq!(all.len(), 3);
    assert!(matches!(all[0].upgrade, migrate::__private::MigrationFn::Async(_)));
    assert!(matches!(all[0].downgrade, migrate::__private::Downgrade::Function(migrate::__private::MigrationFn::Async(_))));
    assert_eq!(all[0].message(), "Lower-case every email.");
}
