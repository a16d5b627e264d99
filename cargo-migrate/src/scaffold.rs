//! A new migration file, written from a template (the role of Alembic's `script.py.mako`), and the
//! `mod` line that makes the next build register it.

use std::path::{Path, PathBuf};

/// The template a new migration is written from, unless `migrate.toml` names another. Its
/// placeholders: `{{revision}}`, `{{down_revision}}`, `{{arguments}}` (branch labels and
/// dependencies), `{{message}}` and `{{function}}`.
pub const DEFAULT_TEMPLATE: &str = r#"use migrate::prelude::*;

/// {{message}}
#[migration(revision = "{{revision}}", down_revision = {{down_revision}}{{arguments}})]
fn {{function}}(op: &mut Operations) {
    // Record the changes on `op`: op.create_table(..), op.add_column(..), op.create_index(..), ...
    // Without a `downgrade = function`, the downgrade inverts these operations.
    let _ = op;
}
"#;

/// What a new migration says.
pub struct NewMigration<'a> {
    pub revision: &'a str,
    pub down_revisions: &'a [String],
    pub branch_labels: &'a [String],
    pub depends_on: &'a [String],
    pub message: &'a str,
}

impl NewMigration<'_> {
    /// The file's name, as Alembic names its scripts: `{revision}_{slug}.rs`.
    pub fn file_name(&self) -> String {
        format!("{}_{}.rs", self.revision, slug(self.message))
    }

    /// The module's name: the slug, then the revision (a name can't start with a digit).
    pub fn module_name(&self) -> String {
        format!("{}_{}", slug(self.message), self.revision)
    }

    /// The file's text, from `template`.
    pub fn render(&self, template: &str) -> String {
        let down_revision = match self.down_revisions {
            [] => "None".to_owned(),
            [one] => format!("\"{one}\""),
            several => format!("({})", quoted(several)),
        };
        let mut arguments = String::new();
        if !self.branch_labels.is_empty() {
            arguments.push_str(&format!(", branch_labels = [{}]", quoted(self.branch_labels)));
        }
        if !self.depends_on.is_empty() {
            arguments.push_str(&format!(", depends_on = [{}]", quoted(self.depends_on)));
        }
        let first_line = self.message.lines().next().unwrap_or_default();
        template
            .replace("{{revision}}", self.revision)
            .replace("{{down_revision}}", &down_revision)
            .replace("{{arguments}}", &arguments)
            .replace("{{message}}", first_line)
            .replace("{{function}}", &function_name(self.message))
    }
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|name| format!("{name:?}")).collect::<Vec<_>>().join(", ")
}

/// The message as a file-name slug: lower-case words joined by `_`, at most 40 characters.
pub fn slug(message: &str) -> String {
    let words: Vec<String> = message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut slug = String::new();
    for word in words {
        if !slug.is_empty() && slug.len() + 1 + word.len() > 40 {
            break;
        }
        if !slug.is_empty() {
            slug.push('_');
        }
        slug.push_str(&word);
    }
    if slug.is_empty() { "migration".to_owned() } else { slug }
}

/// The function's name: the slug, made a valid identifier that no keyword takes.
fn function_name(message: &str) -> String {
    let slug = slug(message);
    let starts_with_digit = slug.chars().next().is_some_and(|c| c.is_ascii_digit());
    if starts_with_digit || syn::parse_str::<syn::Ident>(&slug).is_err() {
        format!("migrate_{slug}")
    } else {
        slug
    }
}

/// Where the migrations folder's module declares its modules: `folder/mod.rs`, or `folder.rs`
/// beside it; and the `#[path]` of a file in the folder as that module file sees it.
pub fn module_file(folder: &Path, file_name: &str) -> Result<(PathBuf, String), String> {
    let inside = folder.join("mod.rs");
    if inside.exists() {
        return Ok((inside, file_name.to_owned()));
    }
    let beside = folder.with_extension("rs");
    if beside.exists() {
        let folder_name =
            folder.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok((beside, format!("{folder_name}/{file_name}")));
    }
    Err(format!(
        "the migrations folder {} has no module file: create {} (or {}) with the folder's `mod` lines, \
         and declare it in the crate (`mod migrations;`)",
        folder.display(),
        inside.display(),
        beside.display()
    ))
}

/// Writes the migration file and adds its `mod` line to the folder's module file.
pub fn write(folder: &Path, migration: &NewMigration<'_>, template: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(folder).map_err(|error| format!("can't create {}: {error}", folder.display()))?;
    let file_name = migration.file_name();
    let (module_file, path) = module_file(folder, &file_name)?;
    let file = folder.join(&file_name);
    if file.exists() {
        return Err(format!("{} exists already", file.display()));
    }
    std::fs::write(&file, migration.render(template))
        .map_err(|error| format!("can't write {}: {error}", file.display()))?;
    let mut module = std::fs::read_to_string(&module_file)
        .map_err(|error| format!("can't read {}: {error}", module_file.display()))?;
    if !module.is_empty() && !module.ends_with('\n') {
        module.push('\n');
    }
    if !module.is_empty() {
        module.push('\n');
    }
    module.push_str(&format!("#[path = \"{path}\"]\nmod {};\n", migration.module_name()));
    std::fs::write(&module_file, module)
        .map_err(|error| format!("can't write {}: {error}", module_file.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_is_the_message_in_lower_case_words() {
        assert_eq!(slug("Add the users' e-mail address"), "add_the_users_e_mail_address");
        assert_eq!(slug("?!"), "migration");
        assert_eq!(
            slug("a very long message that goes on and on and on and on"),
            "a_very_long_message_that_goes_on_and_on"
        );
    }

    #[test]
    fn the_template_gets_the_revision_its_parents_and_a_function_name() {
        let migration = NewMigration {
            revision: "3f2a9c1d8e7b",
            down_revisions: &["ae1027a6acf0".to_owned(), "27c6a30d7c24".to_owned()],
            branch_labels: &["shop".to_owned()],
            depends_on: &[],
            message: "2nd pass: merge",
        };
        let text = migration.render(DEFAULT_TEMPLATE);
        assert!(text.contains(
            "#[migration(revision = \"3f2a9c1d8e7b\", down_revision = (\"ae1027a6acf0\", \"27c6a30d7c24\"), branch_labels = [\"shop\"])]"
        ), "{text}");
        assert!(text.contains("fn migrate_2nd_pass_merge(op: &mut Operations) {"), "{text}");
        assert_eq!(migration.file_name(), "3f2a9c1d8e7b_2nd_pass_merge.rs");
    }
}
