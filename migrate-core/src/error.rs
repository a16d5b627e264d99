//! The one error type of `migrate-core`.

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `migrate-core`; each message names the revisions, files or
/// keys involved and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- building the revision graph ----
    /// A revision id can't be used (empty, whitespace, target syntax, reserved word).
    #[error("revision id '{revision}' declared at {origin} can't be used: {reason}; choose another id")]
    InvalidRevisionId { revision: String, origin: String, reason: &'static str },
    /// A branch label can't be used (empty, whitespace, target syntax, reserved word).
    #[error("branch label '{label}' declared at {origin} can't be used: {reason}; choose another label")]
    InvalidBranchLabel { label: String, origin: String, reason: &'static str },
    /// Two migrations declare the same revision id.
    #[error("revision '{revision}' is declared twice: by {first} and by {second}; give one of them a new id")]
    DuplicateRevision { revision: String, first: String, second: String },
    /// A `down_revision` names a revision that does not exist.
    #[error(
        "revision '{revision}' ({origin}) has down_revision '{down_revision}', which is not a known revision{}; correct the id or add the missing migration",
        did_you_mean(suggestions)
    )]
    UnknownDownRevision { revision: String, origin: String, down_revision: String, suggestions: Vec<String> },
    /// Two squashes replace the same revision.
    #[error(
        "revision '{revision}' is replaced by squash '{first}' and by squash '{second}'; a revision is squashed once"
    )]
    ReplacedTwice { revision: String, first: String, second: String },
    /// A revision follows or depends on one a squash replaced.
    #[error(
        "revision '{revision}' ({origin}) follows '{replaced}', which squash '{squash}' replaced; make it follow '{squash}'"
    )]
    FollowsReplaced { revision: String, origin: String, replaced: String, squash: String },
    /// A `depends_on` names neither a revision nor a branch label.
    #[error(
        "revision '{revision}' ({origin}) depends on '{dependency}', which is neither a known revision nor a branch label{}; correct the name or add the missing migration",
        did_you_mean(suggestions)
    )]
    UnknownDependency { revision: String, origin: String, dependency: String, suggestions: Vec<String> },
    /// Two revisions declare the same branch label, or a label equals a revision id.
    #[error(
        "branch label '{label}' is declared by {first} and by {second}; branch labels must be unique, rename one"
    )]
    DuplicateBranchLabel { label: String, first: String, second: String },
    /// The `down_revision` links form a cycle.
    #[error(
        "the down_revision links form a cycle: {}; a revision can't follow itself, fix one down_revision on this path",
        cycle(path, origins)
    )]
    Cycle { path: Vec<String>, origins: Vec<String> },
    /// The `down_revision` and `depends_on` links together form a cycle.
    #[error(
        "the down_revision and depends_on links form a cycle: {}; remove one depends_on on this path",
        cycle(path, origins)
    )]
    DependencyCycle { path: Vec<String>, origins: Vec<String> },

    // ---- targets and plans ----
    /// The database records a revision the program does not know.
    #[error(
        "Can't locate revision identified by '{revision}': the database is at a revision this program does not contain; deploy the build that has it, or `stamp` the database to a known revision"
    )]
    UnknownRevision { revision: String },
    /// The database is inside a squash's range, where this action can't start.
    #[error(
        "the database is at '{revision}', inside the range squash '{squash}' replaced: upgrade it first (the upgrade finishes the range with its old migrations), then {action}"
    )]
    InsideSquash { revision: String, squash: String, action: &'static str },
    /// The database is inside a squash's range, and the code to finish the range is gone.
    #[error(
        "the database is at '{revision}', inside the range squash '{squash}' replaced, and this program no longer has the code of '{missing}' to finish that range; upgrade it with a build that still has the squashed migrations, then with this one"
    )]
    SquashedCodeGone { revision: String, squash: String, missing: String },
    /// A target names nothing in the graph.
    #[error("target '{target}' names no revision: {reason}")]
    UnknownTarget { target: String, reason: String },
    /// A revision named after `label@` is not on that branch's line.
    #[error(
        "target '{target}': revision '{revision}' is not on branch '{branch}' (neither its ancestor nor its descendant); name a revision of that branch, or leave out `{branch}@`"
    )]
    NotOnBranch { target: String, revision: String, branch: String },
    /// `label@-N` while no revision of that branch is applied.
    #[error(
        "can't move '{target}': no revision of branch '{branch}' is applied (the database is at {}), so there is nothing of it to downgrade; other branches are left alone", if current.is_empty() { "base".to_owned() } else { current.join(", ") }
    )]
    BranchNotApplied { target: String, branch: String, current: Vec<String> },
    /// A partial revision id matches several revision ids.
    #[error(
        "'{prefix}' is the start of several revision ids or branch labels: {}; give more characters", candidates.join(", ")
    )]
    AmbiguousPrefix { prefix: String, candidates: Vec<String> },
    /// `head` was asked for while the graph (or branch) has several heads.
    #[error(
        "Multiple heads are present for target '{target}': {}; name one of them, use `heads`, or merge them", heads.join(", ")
    )]
    MultipleHeads { target: String, heads: Vec<String> },
    /// A relative step goes past a head or a base.
    #[error("target '{target}' steps past the {edge}: only {steps} step(s) are possible from there")]
    RelativeOutOfRange { target: String, steps: u64, edge: &'static str },
    /// A relative step reaches a point with several ways to go.
    #[error("target '{target}' is ambiguous at {}: {hint}", at.join(", "))]
    AmbiguousWalk { target: String, at: Vec<String>, hint: String },
    /// A step relative to the current heads goes the other way than the command (`upgrade -1`).
    #[error(
        "can't {direction} to '{target}': it moves {steps} step(s) from the current revision the other way; use {}", if *direction == "upgrade" { "`downgrade`" } else { "`upgrade`" }
    )]
    RelativeAgainstDirection { target: String, steps: i64, direction: &'static str },
    /// A downgrade target that is not applied.
    #[error(
        "can't downgrade to '{target}': revision '{revision}' is not applied (the database is at {}); downgrade only moves to an applied revision", if current.is_empty() { "base".to_owned() } else { current.join(", ") }
    )]
    DowngradeTargetNotApplied { target: String, revision: String, current: Vec<String> },
    /// A downgrade target the current heads depend on without descending from it.
    #[error(
        "can't downgrade to '{target}': revision '{revision}' is applied only because {} depend(s) on it, so nothing above it can be reverted; downgrade to a revision the current heads descend from", current.join(", ")
    )]
    DowngradeTargetOnlyDependedOn { target: String, revision: String, current: Vec<String> },
    /// Steps planned from heads the database is no longer at (another run moved it meanwhile).
    #[error(
        "the database is at {}, not at {} where these steps start; plan again", if found.is_empty() { "base".to_owned() } else { found.join(", ") }, if expected.is_empty() { "base".to_owned() } else { expected.join(", ") }
    )]
    UnexpectedHeads { expected: Vec<String>, found: Vec<String> },
    /// A history range without `:`.
    #[error(
        "history range '{range}' needs the form `lower:upper` (either side optional), e.g. `base:head`, `-3:current`, `ae10:`"
    )]
    InvalidRange { range: String },
    /// The lower end of a range is not below its upper end.
    #[error(
        "Revision {lower} is not an ancestor of revision {upper}; put the older revision on the left of ':'"
    )]
    NotAnAncestor { lower: String, upper: String },

    // ---- operations ----
    /// An operation asks for something no database can do (a table without columns,
    /// `varchar(0)`, an index on no columns, an alter that changes nothing, ...).
    #[error("{operation} can't be run: {reason}")]
    InvalidOperation { operation: String, reason: String },
    /// An operation this database can't carry out (or can't carry out this way).
    #[error("{operation} can't be run on {database}: {reason}")]
    UnsupportedOperation { operation: String, database: &'static str, reason: String },

    // ---- autogenerate ----
    /// Two models declare one table.
    #[error("models {first} and {second} both declare table '{table}'; give one of them another table name")]
    DuplicateModel { table: String, first: String, second: String },
    /// A model declares a table no database could create.
    #[error("model {origin} can't be compared: {reason}")]
    InvalidModel { origin: String, reason: String },

    // ---- running migrations ----
    /// The database (or the way to it) answered with an error. The message says what was being
    /// done and the database's own words (PostgreSQL's DETAIL and HINT included); the driver's
    /// error itself is [`Error::sqlx_error`], not a `source()` that would repeat the same words.
    #[error("database error while {doing}: {}", describe(cause))]
    Database { doing: String, cause: sqlx::Error },
    /// The database gave no answer within the connect timeout.
    #[error(
        "no answer from {url} within {waited:?}: check the host and port, and that the server is running (a longer wait: `DatabasePool::connect_within`)"
    )]
    ConnectTimeout { url: String, waited: std::time::Duration },
    /// A URL names no supported database.
    #[error("'{url}' is not a database URL migrate knows: use a sqlite:, postgres: or mysql:/mariadb: URL")]
    UnsupportedUrl { url: String },
    /// A database whose cargo feature is off in this build.
    #[error("this build has no {database} driver: enable the `{feature}` feature of the migrate crate")]
    DatabaseNotEnabled { database: &'static str, feature: &'static str },
    /// Another run held the lock for longer than the lock timeout.
    #[error(
        "another migration run held the {database} lock for longer than the lock timeout ({waited:?}); try again, or raise `Migrator::lock_timeout`"
    )]
    LockTimeout { database: &'static str, waited: std::time::Duration },
    /// An async migration asked its connection for another database's driver.
    #[error(
        "this migration asked for a {wanted} connection, but the database is {database}; check which database the migration runs on with `Connection::dialect` first"
    )]
    WrongDatabase { wanted: &'static str, database: &'static str },
    /// An offline range that can't be rendered.
    #[error("can't render SQL for '{range}': {reason}")]
    OfflineRange { range: String, reason: &'static str },
    /// An async migration in an offline range: it needs a live database.
    #[error(
        "migration '{revision}' ({origin}) is an async fn that needs a live connection, so it can't be rendered as SQL offline; run it online, or render a range that doesn't include it"
    )]
    OfflineNeedsConnection { revision: String, origin: String },
    /// A portable query that can't run as written, or a row value read as the wrong type.
    #[error("can't run or read the query{}: {reason}", if sql.is_empty() { String::new() } else { format!(" `{sql}`") })]
    InvalidQuery { sql: String, reason: String },
    /// A batched update or copy was asked for something it can't do.
    #[error("can't run the batches over table '{table}': {reason}")]
    InvalidBatch { table: String, reason: String },
    /// A migration failed.
    #[error("{0}")]
    MigrationFailed(Box<MigrationFailure>),
    /// Downgrading through a migration declared irreversible.
    #[error("migration '{revision}' ({origin}) is irreversible: it can't be downgraded")]
    Irreversible { revision: String, origin: String },
    /// Downgrading through a migration that has no downgrade and can't be inverted.
    #[error(
        "migration '{revision}' ({origin}) has no downgrade, and its upgrade can't be reverted automatically: {reason}; add `downgrade = function` to its #[migration], or mark it `irreversible`"
    )]
    NoDowngrade { revision: String, origin: String, reason: String },
    /// Applied migrations whose code changed since.
    #[error(
        "these applied migrations were edited after they were applied: {}; revert the edits and write a new migration instead, or accept them once (`upgrade --repair-checksums` on the command line, `Migrator::repair_checksums(true)` in code)",
        migrations.join(", ")
    )]
    ChecksumMismatch { migrations: Vec<String> },
    /// A version-table or schema name that no database can hold as given.
    #[error(
        "can't use {name:?} as the {what} name: {reason}; choose another with `Migrator::{}`",
        if what.contains("schema") { "schema" } else { "version_table" }
    )]
    InvalidVersionTable { what: &'static str, name: String, reason: String },
    /// A migration that commits as it goes stopped part way, and this run can't resume it.
    #[error(
        "{half}: {reason}; `migrate repair` shows it and settles it (`--mark-applied` once it is finished by hand, `--undo` to revert what it did, `--forget` once that is reverted by hand)"
    )]
    HalfApplied { half: Box<crate::runner::HalfApplied>, reason: String },
    /// The version tables were written by a newer release of migrate.
    #[error(
        "the version tables have layout '{found}' (in {table}), which this release of migrate doesn't know: upgrade migrate"
    )]
    UnsupportedLayout { table: String, found: String },
}

/// `; did you mean 'a' or 'b'?`, for the names closest to a mistyped one; nothing when none is.
fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        names => format!(
            "; did you mean {}?",
            names.iter().map(|name| format!("'{name}'")).collect::<Vec<_>>().join(" or ")
        ),
    }
}

/// A cycle's revisions with where each is declared: `a (app::m::f (src/m.rs:3)) -> b (...) -> a`.
fn cycle(path: &[String], origins: &[String]) -> String {
    let last = path.len().saturating_sub(1);
    path.iter()
        .zip(origins)
        .enumerate()
        .map(|(index, (revision, origin))| {
            // The path ends where it started: the first revision's place is said once.
            if index == last || origin.is_empty() || origin == revision {
                revision.clone()
            } else {
                format!("{revision} ({origin})")
            }
        })
        .collect::<Vec<_>>()
        .join(" -> ")
}

impl Error {
    /// The driver's error behind [`Error::Database`], for code that inspects it (a SQLSTATE, say).
    pub fn sqlx_error(&self) -> Option<&sqlx::Error> {
        match self {
            Error::Database { cause, .. } => Some(cause),
            _ => None,
        }
    }
}

/// A driver's error in the database's own words: the message with its code, PostgreSQL's DETAIL,
/// HINT and position, an I/O error's cause; not the driver's wrapping, nor the line of the
/// server's C source PostgreSQL reports.
pub(crate) fn describe(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(database) => describe_database(database.as_ref()),
        sqlx::Error::Io(io) if connection_lost(io.kind()) => format!(
            "the connection to the database was lost ({io}): the server closed it, restarted, or \
             the session was killed"
        ),
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Tls(tls) => format!("TLS: {tls}"),
        sqlx::Error::Configuration(configuration) => {
            format!("the URL or options are invalid: {configuration}")
        }
        sqlx::Error::PoolTimedOut => "no connection came free in time (the pool timed out)".to_owned(),
        other => other.to_string(),
    }
}

/// An I/O error that means the server is gone from the other end of the connection (a killed
/// session reads as an early end of the stream).
fn connection_lost(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind;
    matches!(
        kind,
        ErrorKind::UnexpectedEof
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::NotConnected
    )
}

fn describe_database(error: &dyn sqlx::error::DatabaseError) -> String {
    #[cfg(feature = "postgres")]
    if let Some(postgres) = error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        let mut text = format!("{} (SQLSTATE {})", postgres.message(), postgres.code());
        if let Some(sqlx::postgres::PgErrorPosition::Original(position)) = postgres.position() {
            text.push_str(&format!(" at character {position} of the statement"));
        }
        if let Some(detail) = postgres.detail() {
            text.push_str(&format!("; DETAIL: {detail}"));
        }
        if let Some(hint) = postgres.hint() {
            text.push_str(&format!("; HINT: {hint}"));
        }
        return text;
    }
    match error.code() {
        Some(code) => format!("{} (code {code})", error.message()),
        None => error.message().to_owned(),
    }
}

/// What failed in a migration, and what of it took effect anyway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "migration '{revision}' ({origin}) failed ({direction:?}){}: {message}{}",
    statement.as_ref().map(|sql| format!(" on statement `{sql}`")).unwrap_or_default(),
    if *rolled_back {
        "; its changes were rolled back and the version table still shows the last migration that succeeded".to_owned()
    } else if *resumable && statement.is_none() {
        "; what it did before failing took effect (MySQL commits DDL as it runs; a `transaction = false` migration has no transaction), and the next run runs it again from its beginning, so check that it finishes the job when run twice (as `UpdateInBatches` does), or undo it by hand first; the version table still shows the last migration that succeeded".to_owned()
    } else if *resumable {
        format!(
            "; it ran without a transaction that could undo it (MySQL commits DDL as it runs; a `transaction = false` migration has none), so check that the failing statement left nothing behind; {}once the cause is fixed, the next run resumes at the failing statement (`migrate repair` shows what ran, `migrate repair --undo` reverts it); the version table still shows the last migration that succeeded",
            if committed.is_empty() {
                String::new()
            } else {
                format!(
                    "the statements of it before that one took effect and are recorded as done ({}); ",
                    committed.iter().map(|sql| format!("`{sql}`")).collect::<Vec<_>>().join(", ")
                )
            }
        )
    } else if committed.is_empty() {
        "; it ran without a transaction that could undo it (MySQL commits DDL as it runs; a `transaction = false` migration has none), so check that the failing statement left nothing behind before running it again; the version table still shows the last migration that succeeded".to_owned()
    } else {
        format!(
            "; these statements of it took effect and were not rolled back (MySQL commits DDL as it runs; a `transaction = false` migration has no transaction): {}; undo them, or make the migration skip what exists (e.g. `if_not_exists`), before running it again; the version table still shows the last migration that succeeded",
            committed.iter().map(|sql| format!("`{sql}`")).collect::<Vec<_>>().join(", ")
        )
    }
)]
pub struct MigrationFailure {
    /// The revision that failed.
    pub revision: String,
    /// Where the migration is declared.
    pub origin: String,
    /// Upgrading or downgrading.
    pub direction: crate::direction::Direction,
    /// The statement that failed; `None` for an async migration, whose error says what it did.
    pub statement: Option<String>,
    /// The database's own message (or the async migration's error).
    pub message: String,
    /// Whether everything the migration did was rolled back (only where the database rolls back
    /// DDL and the migration ran in a transaction, or where nothing of it ran).
    pub rolled_back: bool,
    /// Statements of the failed migration that took effect anyway (MySQL's implicit commits, or a
    /// migration run outside a transaction), in this run.
    pub committed: Vec<String>,
    /// Its progress is recorded (it commits as it goes): the next run resumes it at the statement
    /// that failed, and `Migrator::repair` can settle it instead.
    pub resumable: bool,
}

impl From<sqlx::Error> for Error {
    /// A query an async migration ran with sqlx itself failed.
    fn from(source: sqlx::Error) -> Self {
        Error::Database { doing: "running a migration's query".to_owned(), cause: source }
    }
}
