//! The service's migrations: a table, then a data migration that fills a new column from Rust.

use migrate::prelude::*;

/// Create the accounts table.
#[migration(revision = "5d0e3c1a9b27", down_revision = None, downgrade = drop_accounts)]
fn create_accounts(op: &mut Operations) {
    op.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL)");
    op.execute(
        "INSERT INTO accounts (email) VALUES ('ada@example.org'), ('alan@example.org'), ('grace@navy.mil')",
    );
}

fn drop_accounts(op: &mut Operations) {
    op.execute("DROP TABLE accounts");
}

/// Add each account's e-mail domain.
#[migration(revision = "8f41b6e2d0c3", down_revision = "5d0e3c1a9b27", downgrade = drop_domain)]
fn add_domain(op: &mut Operations) {
    op.execute("ALTER TABLE accounts ADD COLUMN domain TEXT");
}

fn drop_domain(op: &mut Operations) {
    op.execute("ALTER TABLE accounts DROP COLUMN domain");
}

/// Fill in the domains: read each address, split it in Rust, write the domain back.
#[migration(revision = "b93a7d5e1f08", down_revision = "8f41b6e2d0c3", downgrade = forget_domains)]
async fn fill_domains(db: &mut Connection) -> migrate::Result<()> {
    let accounts: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, email FROM accounts").fetch_all(db.sqlite()?).await?;
    for (id, email) in accounts {
        let domain = email.rsplit_once('@').map(|(_, domain)| domain.to_lowercase());
        sqlx::query("UPDATE accounts SET domain = ? WHERE id = ?")
            .bind(domain)
            .bind(id)
            .execute(db.sqlite()?)
            .await?;
    }
    Ok(())
}

async fn forget_domains(db: &mut Connection) -> migrate::Result<()> {
    db.execute("UPDATE accounts SET domain = NULL").await
}
