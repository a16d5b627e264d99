//! The attribute leaves the function an ordinary function: visibility, other attributes, any
//! parameter pattern, paths to downgrades, and `#[cfg]` taking the registration with it.

pub mod migrations {
    use migrate::prelude::*;

    /// Create the users table.
    ///
    /// More detail that is not part of the message.
    #[migration(revision = "a1", down_revision = None, downgrade = super::reverts::drop_users)]
    #[allow(clippy::needless_pass_by_ref_mut)]
    pub fn create_users(mut op: &mut Operations) {
        op = op.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)");
        let _ = op;
    }

    #[migration(revision = "a2", down_revision = ("a1"))]
    pub(crate) fn nothing(_: &mut Operations) {}

    #[migration(revision = "gone", down_revision = "a2")]
    #[cfg(any())]
    fn compiled_out(_op: &mut Operations) {}
}

mod reverts {
    use migrate::prelude::*;

    pub fn drop_users(op: &mut Operations) {
        op.execute("DROP TABLE users");
    }
}

fn main() {
    let mut recorded = migrate::Operations::new();
    migrations::create_users(&mut recorded);
    assert_eq!(recorded.recorded().len(), 1);

    let all = migrate::Migration::registered();
    let revisions: Vec<&str> = all.iter().map(|migration| migration.revision()).collect();
    assert_eq!(revisions, ["a1", "a2"]);
    assert_eq!(all[0].message(), "Create the users table.");
    assert_eq!(all[0].function(), "create_users");
    assert!(all[0].origin().contains("::migrations::create_users ("), "{}", all[0].origin());
    assert!(matches!(all[0].downgrade, migrate::__private::Downgrade::Function(_)));
    assert!(matches!(all[1].downgrade, migrate::__private::Downgrade::Missing));
    assert!(all[1].transactional);
}
