//! Which database: the one list of supported databases and the one table of URL schemes, used to
//! connect and to render SQL offline.

use crate::error::{Error, Result};

/// The databases migrate runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Database {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// The MySQL family: MySQL and MariaDB (named "MySQL" in messages).
    MySql,
}

impl Database {
    /// The database a URL names: `sqlite:`, `postgres:`/`postgresql:`, `mysql:`/`mariadb:`.
    ///
    /// ```
    /// use migrate_core::Database;
    ///
    /// assert_eq!(Database::from_url("postgresql://app@db/app")?, Database::Postgres);
    /// assert_eq!(Database::from_url("sqlite://app.db?mode=rwc")?, Database::Sqlite);
    /// assert!(Database::from_url("oracle://db").is_err());
    /// # Ok::<(), migrate_core::Error>(())
    /// ```
    pub fn from_url(url: &str) -> Result<Self> {
        match url.split(':').next().unwrap_or_default() {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "mysql" | "mariadb" => Ok(Self::MySql),
            _ => Err(Error::UnsupportedUrl { url: redact_url(url) }),
        }
    }

    /// The database's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
            Self::MySql => "MySQL",
        }
    }
}

impl Database {
    /// The cargo feature of the `migrate` crate that brings this database's driver.
    pub(crate) fn feature(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::MySql => "mysql",
        }
    }
}

impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A URL without its password, for messages and logs.
pub(crate) fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => match url[start + 3..at].split_once(':') {
            Some((user, _password)) => format!("{}{user}:***{}", &url[..start + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_left_out_of_urls_in_messages() {
        assert_eq!(redact_url("postgres://app:secret@db:5432/app"), "postgres://app:***@db:5432/app");
        assert_eq!(redact_url("postgres://app@db/app"), "postgres://app@db/app");
        assert_eq!(redact_url("sqlite://app.db"), "sqlite://app.db");
    }

    #[test]
    fn mariadb_urls_are_the_mysql_family() {
        assert_eq!(Database::from_url("mariadb://root@db/app").ok(), Some(Database::MySql));
    }

    #[test]
    fn an_unknown_scheme_is_refused_with_the_url_redacted() {
        let error = Database::from_url("oracle://scott:tiger@db/orcl").unwrap_err();
        assert!(error.to_string().contains("oracle://scott:***@db/orcl"), "{error}");
    }
}
