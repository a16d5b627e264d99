//! The same code formatted three ways: rustfmt's layout, squeezed onto few lines, and with CRLF line
//! endings (a Windows checkout). The checksums must be equal, because formatting is not an edit.

mod crlf;

mod tidy {
    use migrate::prelude::*;

    #[migration(revision = "lib0002", down_revision = "lib0001")]
    fn add_name(op: &mut Operations) {
        // rustfmt's layout
        op.execute(
            "CREATE TABLE IF NOT EXISTS names
(id INTEGER)",
        );
        let steps = -1;
        let _ = steps;
    }
}

#[rustfmt::skip]
mod compressed {
    use migrate::prelude::*;
    #[migration(revision = "lib0003", down_revision = "lib0002")]
    fn add_name  (  op:&mut Operations){op.execute("CREATE TABLE IF NOT EXISTS names
(id INTEGER)");let steps=-1;let _=steps;}
}
