//! `cargo migrate` on a small app written to a temporary folder: a revision follows the head and
//! is wired in, two revisions from one head are two heads, a merge joins them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A new app crate with two migrations in `src/migrations/`.
fn app() -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let root = std::env::temp_dir().join(format!("cargo_migrate_app_{}_{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("src/migrations")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
    std::fs::write(root.join("src/main.rs"), "mod migrations;\nfn main() {}\n").unwrap();
    std::fs::write(
        root.join("src/migrations/mod.rs"),
        r#"use migrate::prelude::*;

/// Create the users table.
#[migration(revision = "1975ea83b712", down_revision = None)]
fn create_users(op: &mut Operations) {}

mod nested {
    use migrate::prelude::*;

    #[migration(revision = "ae1027a6acf0", down_revision = "1975ea83b712", message = "Create posts")]
    fn create_posts(op: &mut Operations) {}
}
"#,
    )
    .unwrap();
    root
}

fn cargo_migrate(root: &Path, words: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-migrate"))
        .arg("migrate")
        .args(words)
        .current_dir(root)
        .output()
        .unwrap_or_else(|error| panic!("cargo-migrate runs: {error}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn heads(root: &Path) -> Vec<String> {
    let project = migrate_scaffold::Project::open(root).unwrap();
    project.graph().heads().into_iter().map(str::to_owned).collect()
}

#[test]
fn a_revision_follows_the_head_and_is_wired_into_the_module() {
    let root = app();
    let output =
        cargo_migrate(&root, &["revision", "-m", "Add the e-mail column", "--rev-id", "3f2a9c1d8e7b"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("ae1027a6acf0 -> 3f2a9c1d8e7b"), "{}", stdout(&output));
    let file = root.join("src/migrations/3f2a9c1d8e7b_add_the_e_mail_column.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("/// Add the e-mail column\n#[migration(revision = \"3f2a9c1d8e7b\", down_revision = \"ae1027a6acf0\")]\nfn add_the_e_mail_column(op: &mut Operations) {"), "{text}");
    let module = std::fs::read_to_string(root.join("src/migrations/mod.rs")).unwrap();
    assert!(module.ends_with("\n\n#[path = \"3f2a9c1d8e7b_add_the_e_mail_column.rs\"]\nmod add_the_e_mail_column_3f2a9c1d8e7b;\n"), "{module}");
    assert_eq!(heads(&root), ["3f2a9c1d8e7b"]);
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn two_revisions_from_one_head_are_two_heads_until_a_merge_joins_them() {
    let root = app();
    // Two developers, each on a branch of their own, write a revision after the same head; once
    // their branches are merged in git, both files are there (the second here needs --splice).
    let first = cargo_migrate(&root, &["revision", "-m", "Add email", "--rev-id", "aaaa00000001"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = cargo_migrate(
        &root,
        &["revision", "-m", "Add tags", "--head", "ae10", "--splice", "--rev-id", "bbbb00000002"],
    );
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(heads(&root), ["aaaa00000001", "bbbb00000002"]);
    let listed = cargo_migrate(&root, &["heads"]);
    assert_eq!(stdout(&listed), "aaaa00000001 (head)\nbbbb00000002 (head)\n");

    let refused = cargo_migrate(&root, &["revision", "-m", "More"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("there are several heads: aaaa00000001, bbbb00000002"),
        "{}",
        stderr(&refused)
    );

    let merged =
        cargo_migrate(&root, &["merge", "-m", "Merge email and tags", "heads", "--rev-id", "cccc00000003"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert_eq!(heads(&root), ["cccc00000003"]);
    let text =
        std::fs::read_to_string(root.join("src/migrations/cccc00000003_merge_email_and_tags.rs")).unwrap();
    assert!(text.contains("down_revision = (\"aaaa00000001\", \"bbbb00000002\")"), "{text}");
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_revision_off_a_non_head_needs_splice() {
    let root = app();
    let refused = cargo_migrate(&root, &["revision", "-m", "Branch", "--head", "1975"]);
    assert!(
        stderr(&refused).contains("1975ea83b712 is not a head (the heads are ae1027a6acf0); pass --splice"),
        "{}",
        stderr(&refused)
    );
    let spliced = cargo_migrate(
        &root,
        &["revision", "-m", "Branch", "--head", "1975", "--splice", "--branch-label", "shop"],
    );
    assert!(spliced.status.success(), "{}", stderr(&spliced));
    assert_eq!(heads(&root).len(), 2);
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_bad_attribute_is_reported_with_its_file_and_line_as_the_compiler_would() {
    let root = app();
    std::fs::write(
        root.join("src/migrations/broken.rs"),
        "use migrate::prelude::*;\n\n#[migration(revision = \"b-1\", down_revision = None)]\nfn broken(op: &mut Operations) {}\n",
    )
    .unwrap();
    let output = cargo_migrate(&root, &["heads"]);
    assert_eq!(output.status.code(), Some(1));
    let error = stderr(&output);
    assert!(error.contains("broken.rs:3:24: this revision id contains '+' or '-'"), "{error}");
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_new_revision_id_is_twelve_hexadecimal_digits() {
    let root = app();
    let output = cargo_migrate(&root, &["revision", "-m", "Anything"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let [head] = heads(&root).try_into().unwrap_or_else(|heads: Vec<String>| panic!("{heads:?}"));
    assert!(head.len() == 12 && head.bytes().all(|b| b.is_ascii_hexdigit()), "{head}");
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn the_first_revision_makes_the_migrations_folder_and_says_where_to_declare_it() {
    let root = app();
    std::fs::remove_dir_all(root.join("src/migrations")).unwrap();
    std::fs::write(root.join("src/main.rs"), "fn main() {}\n").unwrap();
    let output = cargo_migrate(&root, &["revision", "-m", "Create users", "--rev-id", "0e2cb2f6d84a"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let folder = root.join("src/migrations");
    assert_eq!(
        stdout(&output),
        format!(
            "Generating {} ... done\nGenerating {} ... done (<base> -> 0e2cb2f6d84a)\n\
             Add `mod migrations;` to {}, so that the crate builds its migrations\n",
            folder.join("mod.rs").display(),
            folder.join("0e2cb2f6d84a_create_users.rs").display(),
            root.join("src/main.rs").display(),
        )
    );
    let module = std::fs::read_to_string(folder.join("mod.rs")).unwrap();
    assert_eq!(module, "#[path = \"0e2cb2f6d84a_create_users.rs\"]\nmod create_users_0e2cb2f6d84a;\n");
    assert_eq!(heads(&root), ["0e2cb2f6d84a"]);

    // The next one goes into the module file made for the first, and says nothing more.
    let next = cargo_migrate(&root, &["revision", "-m", "Create posts", "--rev-id", "c591d5ff950b"]);
    assert!(next.status.success(), "{}", stderr(&next));
    assert_eq!(stdout(&next).lines().count(), 1, "{}", stdout(&next));
    assert_eq!(heads(&root), ["c591d5ff950b"]);
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_first_revision_in_a_crate_that_declares_the_module_already_says_nothing_more() {
    let root = app();
    std::fs::remove_dir_all(root.join("src/migrations")).unwrap();
    std::fs::write(root.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(root.join("src/lib.rs"), "pub mod migrations;\n").unwrap();
    let output = cargo_migrate(&root, &["revision", "-m", "Create users"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].ends_with("mod.rs ... done"), "{lines:?}");
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_migrations_folder_with_files_but_no_module_file_is_refused_with_nothing_written() {
    let root = app();
    let folder = root.join("src/migrations");
    std::fs::rename(folder.join("mod.rs"), folder.join("old.rs")).unwrap();
    let output = cargo_migrate(&root, &["revision", "-m", "Create users"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("holds files but no module file: create"), "{}", stderr(&output));
    let files: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert_eq!(files, ["old.rs"]);
    let _ = std::fs::remove_dir_all(root);
}
