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

/// A URL without its passwords (`user:password@` and `?password=`), for messages and logs.
pub fn redact_url(url: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(base, query)| (base, Some(query)));
    let mut redacted = match base.find("://") {
        Some(start) => {
            let rest = &base[start + 3..];
            let authority_end = rest.find('/').unwrap_or(rest.len());
            match rest[..authority_end]
                .rfind('@')
                .and_then(|at| rest[..at].split_once(':').map(|(user, _)| (user, at)))
            {
                Some((user, at)) => format!("{}{user}:***{}", &base[..start + 3], &rest[at..]),
                None => base.to_owned(),
            }
        }
        None => base.to_owned(),
    };
    if let Some(query) = query {
        let parameters: Vec<String> = query
            .split('&')
            .map(|parameter| match parameter.split_once('=') {
                Some((key, _)) if is_password_key(key) => format!("{key}=***"),
                _ => parameter.to_owned(),
            })
            .collect();
        redacted.push('?');
        redacted.push_str(&parameters.join("&"));
    }
    redacted
}

/// The passwords a URL carries, as written and percent-decoded, to keep them out of messages
/// that quote the URL in other words (a driver's own error).
pub(crate) fn url_passwords(url: &str) -> Vec<String> {
    let (base, query) = url.split_once('?').map_or((url, None), |(base, query)| (base, Some(query)));
    let mut passwords = Vec::new();
    if let Some(start) = base.find("://") {
        let rest = &base[start + 3..];
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        if let Some(at) = authority.rfind('@')
            && let Some((_, password)) = authority[..at].split_once(':')
        {
            passwords.push(password.to_owned());
        }
    }
    for parameter in query.into_iter().flat_map(|query| query.split('&')) {
        if let Some((key, value)) = parameter.split_once('=')
            && is_password_key(key)
        {
            passwords.push(value.to_owned());
        }
    }
    let decoded: Vec<String> = passwords.iter().filter_map(|password| percent_decoded(password)).collect();
    passwords.extend(decoded);
    passwords.retain(|password| !password.is_empty());
    passwords
}

/// `text` with each of the URL's passwords replaced by `***`.
pub(crate) fn scrub(text: &str, url: &str) -> String {
    url_passwords(url).iter().fold(text.to_owned(), |text, password| text.replace(password.as_str(), "***"))
}

fn is_password_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("password") || key == "pwd"
}

/// `%xx` escapes decoded, when there are any and they make UTF-8.
fn percent_decoded(text: &str) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match (bytes[index], text.get(index + 1..index + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok()))
        {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_left_out_of_urls_in_messages() {
        assert_eq!(redact_url("postgres://app:secret@db:5432/app"), "postgres://app:***@db:5432/app");
        assert_eq!(redact_url("postgres://app@db/app"), "postgres://app@db/app");
        assert_eq!(redact_url("sqlite://app.db"), "sqlite://app.db");
        assert_eq!(
            redact_url("postgres://app@db/app?sslmode=require&password=s3cret"),
            "postgres://app@db/app?sslmode=require&password=***"
        );
        assert_eq!(redact_url("mysql://root:p@ss@db/app?PWD=x"), "mysql://root:***@db/app?PWD=***");
        assert_eq!(
            redact_url("postgres://db/app?application_name=a@b"),
            "postgres://db/app?application_name=a@b"
        );
    }

    #[test]
    fn a_driver_message_quoting_a_password_is_scrubbed() {
        let url = "postgres://app:p%40ss@db/app?password=other";
        assert_eq!(scrub("bad password p@ss, p%40ss or other", url), "bad password ***, *** or ***");
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
