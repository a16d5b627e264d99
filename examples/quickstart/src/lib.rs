//! The quick-start app's library: its migrations, so that the binary and the tests register the
//! same ones.

mod migrations;
