//! `migrate.toml`: where the database is and how to run, per environment.
//!
//! ```toml
//! database_url = "sqlite://app.db?mode=rwc"
//! version_table = "migrate_version"
//! transaction_mode = "per-migration"   # or "whole-run"
//! lock_timeout_seconds = 60
//! connect_timeout_seconds = 10
//! lint_since = "ae1027a6acf0"        # `lint` checks only the revisions after this one
//!
//! [environments.production]
//! database_url = "postgres://app@db.internal/app"
//! ```
//!
//! An environment's section overrides the settings above it; `--env` or `MIGRATE_ENV` chooses it.
//! `migrations` and `template` are `cargo migrate`'s keys, welcome in the same file.
//! `--url`, then `MIGRATE_DATABASE_URL`, then `DATABASE_URL` override the URL.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

/// The settings of one environment, or the defaults of all.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Settings {
    pub(super) database_url: Option<String>,
    pub(super) version_table: Option<String>,
    pub(super) schema: Option<String>,
    pub(super) transaction_mode: Option<TransactionModeSetting>,
    pub(super) lock_timeout_seconds: Option<u64>,
    pub(super) connect_timeout_seconds: Option<u64>,
    pub(super) lint_since: Option<String>,
}

/// `transaction_mode` as written in the file.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum TransactionModeSetting {
    PerMigration,
    WholeRun,
}

/// The whole file: the defaults' keys (serde's `flatten` would lose `deny_unknown_fields`), then
/// the environments.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// `cargo migrate`'s keys: known here so that one file serves both.
    #[serde(default, rename = "migrations")]
    _migrations: Option<String>,
    #[serde(default, rename = "template")]
    _template: Option<String>,
    database_url: Option<String>,
    version_table: Option<String>,
    schema: Option<String>,
    transaction_mode: Option<TransactionModeSetting>,
    lock_timeout_seconds: Option<u64>,
    connect_timeout_seconds: Option<u64>,
    lint_since: Option<String>,
    #[serde(default)]
    environments: BTreeMap<String, Settings>,
}

impl File {
    fn defaults(&self) -> Settings {
        Settings {
            database_url: self.database_url.clone(),
            version_table: self.version_table.clone(),
            schema: self.schema.clone(),
            transaction_mode: self.transaction_mode,
            lock_timeout_seconds: self.lock_timeout_seconds,
            connect_timeout_seconds: self.connect_timeout_seconds,
            lint_since: self.lint_since.clone(),
        }
    }
}

impl Settings {
    /// The settings of `environment` read from `path`: the file's defaults with the environment's
    /// section over them. A file that doesn't exist is no settings, unless `required`.
    pub(super) fn read(path: &Path, environment: Option<&str>, required: bool) -> Result<Self, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && !required => {
                return match environment {
                    Some(environment) => Err(format!(
                        "environment '{environment}' was asked for, but there is no {}",
                        path.display()
                    )),
                    None => Ok(Self::default()),
                };
            }
            Err(error) => return Err(format!("can't read {}: {error}", path.display())),
        };
        let file: File = toml::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
        let Some(environment) = environment else { return Ok(file.defaults()) };
        let Some(section) = file.environments.get(environment) else {
            let known: Vec<&str> = file.environments.keys().map(String::as_str).collect();
            return Err(format!(
                "{} has no [environments.{environment}] section (it has: {})",
                path.display(),
                if known.is_empty() { "none".to_owned() } else { known.join(", ") }
            ));
        };
        Ok(file.defaults().overridden_by(section.clone()))
    }

    /// The settings of every place `path` knows: the defaults (named `default`) when they name a
    /// database, then each environment; none when the file doesn't exist.
    pub(super) fn every_environment(path: &Path) -> Result<Vec<(String, Self)>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(format!("can't read {}: {error}", path.display())),
        };
        let file: File = toml::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
        let defaults = file.defaults();
        let mut every = Vec::new();
        if defaults.database_url.is_some() {
            every.push(("default".to_owned(), defaults.clone()));
        }
        for (name, section) in file.environments {
            every.push((name, defaults.clone().overridden_by(section)));
        }
        Ok(every)
    }

    fn overridden_by(self, other: Settings) -> Self {
        Settings {
            database_url: other.database_url.or(self.database_url),
            version_table: other.version_table.or(self.version_table),
            schema: other.schema.or(self.schema),
            transaction_mode: other.transaction_mode.or(self.transaction_mode),
            lock_timeout_seconds: other.lock_timeout_seconds.or(self.lock_timeout_seconds),
            connect_timeout_seconds: other.connect_timeout_seconds.or(self.connect_timeout_seconds),
            lint_since: other.lint_since.or(self.lint_since),
        }
    }

    pub(super) fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_seconds.unwrap_or(10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> std::path::PathBuf {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("migrate_config_{}_{n}.toml", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn an_environment_overrides_the_defaults() {
        let path = write(
            "database_url = \"sqlite://dev.db\"\nlock_timeout_seconds = 5\n\
             [environments.production]\ndatabase_url = \"postgres://db/app\"\n",
        );
        let production = Settings::read(&path, Some("production"), false).unwrap();
        assert_eq!(production.database_url.as_deref(), Some("postgres://db/app"));
        assert_eq!(production.lock_timeout_seconds, Some(5));
        let error = Settings::read(&path, Some("staging"), false).unwrap_err();
        assert!(error.ends_with("has no [environments.staging] section (it has: production)"), "{error}");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn cargo_migrates_keys_are_welcome_in_the_same_file() {
        let path = write(
            "migrations = \"src/db\"\ntemplate = \"new.rs.template\"\ndatabase_url = \"sqlite://a.db\"\n",
        );
        let settings = Settings::read(&path, None, false).unwrap();
        assert_eq!(settings.database_url.as_deref(), Some("sqlite://a.db"));
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn a_misspelt_key_names_the_file_and_the_key() {
        let path = write("databse_url = \"sqlite://dev.db\"\n");
        let error = Settings::read(&path, None, false).unwrap_err();
        assert!(error.contains("migrate_config_") && error.contains("databse_url"), "{error}");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn a_wrong_type_says_what_was_expected() {
        let path = write("transaction_mode = \"sometimes\"\n");
        let error = Settings::read(&path, None, false).unwrap_err();
        assert!(error.contains("per-migration") && error.contains("whole-run"), "{error}");
        let _ = std::fs::remove_file(path);
    }
}
