//! The whole-process benchmark: the same N migrations (one `CREATE TABLE` each, a `DROP TABLE` to
//! undo it) run as separate processes by migrate (a binary with the migrations compiled in through
//! `#[migration]`, in a line and in a graph with branches and merges), by sqlx 0.9's `Migrator`
//! (a binary reading the same SQL as `.up.sql` / `.down.sql` files) and by the database's own
//! client (`sqlite3`, `psql`, `mariadb`) fed the same SQL: the floor. Each process's wall time
//! (spawn to exit) and peak resident memory (`wait4`'s `ru_maxrss`) are taken; the table has
//! the medians and their ratios.
//!
//! Each run, for each tool: a new database, a cold upgrade, a no-op upgrade (the database is at
//! head), a downgrade to base; then the database is dropped. migrate runs with a transaction per
//! migration (the default) and with one for the run (`TransactionMode::WholeRun`); the floor's
//! SQL wraps each migration in `BEGIN`/`COMMIT`, or the whole file in one. The floor's no-op is
//! the client connecting and running `SELECT 1`. Offline SQL: migrate's `upgrade_sql` of the
//! whole graph written to a file, against `cat` copying that file (sqlx has no offline mode).
//!
//! `cargo bench -p bench-process --bench process`. Settings, from the environment:
//! `BENCH_PROCESS_N` (sizes, default `100,1000`; each one of 10, 100, 1000),
//! `BENCH_PROCESS_RUNS` (runs per case, default 5), `BENCH_PROCESS_DATABASES` (default
//! `sqlite,postgres,mysql`), `BENCH_PROCESS_SHAPES` (default `line,graph`); the servers are `MIGRATE_TEST_POSTGRES_URL` and
//! `MIGRATE_TEST_MYSQL_URL`, as for the tests (a server whose URL is unset is skipped, with a
//! line that says so).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use bench_process::shape::{SIZES, Shape, create_sql, drop_sql};

/// The migrate binary of a set of migrations.
fn migrate_binary(shape: Shape, n: usize) -> &'static str {
    match (shape, n) {
        (Shape::Line, 10) => env!("CARGO_BIN_EXE_migrate-line-10"),
        (Shape::Line, 100) => env!("CARGO_BIN_EXE_migrate-line-100"),
        (Shape::Line, 1000) => env!("CARGO_BIN_EXE_migrate-line-1000"),
        (Shape::Graph, 10) => env!("CARGO_BIN_EXE_migrate-graph-10"),
        (Shape::Graph, 100) => env!("CARGO_BIN_EXE_migrate-graph-100"),
        (Shape::Graph, 1000) => env!("CARGO_BIN_EXE_migrate-graph-1000"),
        _ => panic!("no migrate binary for {n} migrations; BENCH_PROCESS_N takes {SIZES:?}"),
    }
}

const SQLX_BINARY: &str = env!("CARGO_BIN_EXE_sqlx-migrator");

/// One process's wall time and peak resident memory.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    peak_kb: i64,
}

/// Runs `command` to its end, with standard output discarded; panics if it fails.
fn measure(command: &mut Command) -> Sample {
    command.stdout(Stdio::null());
    let started = Instant::now();
    #[allow(clippy::zombie_processes, reason = "reaped by wait4 below, which also reports its peak memory")]
    let child = command.spawn().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let pid = i32::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not waited for yet; both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(waited, pid, "wait4 {command:?}: {}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed (wait status {status})"
    );
    Sample { wall, peak_kb: usage.ru_maxrss }
}

/// A server URL's parts, for the command-line clients.
#[derive(Debug, Clone)]
struct Server {
    url: String,
    user: String,
    password: Option<String>,
    host: String,
    port: Option<String>,
}

impl Server {
    fn parse(url: &str) -> Self {
        let rest = url.split_once("://").unwrap_or_else(|| panic!("not a URL: {url}")).1;
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let (credentials, address) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (user, password) = match credentials.split_once(':') {
            Some((user, password)) => (user, Some(password.to_owned())),
            None => (credentials, None),
        };
        let (host, port) = match address.rsplit_once(':') {
            Some((host, port)) => (host, Some(port.to_owned())),
            None => (address, None),
        };
        Self { url: url.to_owned(), user: user.to_owned(), password, host: host.to_owned(), port }
    }

    /// The URL with `database` as its database.
    fn url_of(&self, database: &str) -> String {
        let (base, query) = self.url.split_once('?').map_or((self.url.as_str(), None), |(b, q)| (b, Some(q)));
        let start = base.find("://").map_or(0, |i| i + 3);
        let base = base[start..].find('/').map_or(base, |slash| &base[..start + slash]);
        match query {
            Some(query) => format!("{base}/{database}?{query}"),
            None => format!("{base}/{database}"),
        }
    }

    /// `mariadb` with this server's address and login, on `database` if one is given.
    fn mariadb(&self, database: Option<&str>) -> Command {
        let mut command = Command::new("mariadb");
        command.args(["--protocol=tcp", "--batch", "-h", &self.host, "-u", &self.user]);
        if let Some(port) = &self.port {
            command.args(["-P", port]);
        }
        if let Some(password) = &self.password {
            command.arg(format!("--password={password}"));
        }
        command.args(database);
        command
    }
}

/// The databases the bench runs on.
#[derive(Debug, Clone)]
enum Kind {
    Sqlite,
    Postgres(Server),
    MySql(Server),
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Sqlite => "SQLite",
            Kind::Postgres(_) => "PostgreSQL",
            Kind::MySql(_) => "MariaDB",
        }
    }

    /// The name `BENCH_PROCESS_DATABASES` knows it by.
    fn setting(&self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite",
            Kind::Postgres(_) => "postgres",
            Kind::MySql(_) => "mysql",
        }
    }

    /// The URL of this database's server (for offline SQL, only its scheme matters).
    fn url(&self) -> String {
        match self {
            Kind::Sqlite => "sqlite://offline.db".to_owned(),
            Kind::Postgres(server) | Kind::MySql(server) => server.url.clone(),
        }
    }

    /// A new, empty database.
    fn create(&self) -> TestDatabase {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name =
            format!("bench_process_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let database = TestDatabase { kind: self.clone(), name };
        match self {
            Kind::Sqlite => database.remove_files(),
            Kind::Postgres(_) | Kind::MySql(_) => {
                database.admin(&format!("CREATE DATABASE {}", database.name))
            }
        }
        database
    }
}

/// A database made for one tool's run.
struct TestDatabase {
    kind: Kind,
    name: String,
}

impl TestDatabase {
    fn path(&self) -> PathBuf {
        std::env::temp_dir().join(format!("{}.db", self.name))
    }

    fn url(&self) -> String {
        match &self.kind {
            Kind::Sqlite => format!("sqlite://{}?mode=rwc", self.path().display()),
            Kind::Postgres(server) | Kind::MySql(server) => server.url_of(&self.name),
        }
    }

    /// The database's client, reading SQL from standard input.
    fn client(&self) -> Command {
        match &self.kind {
            Kind::Sqlite => {
                let mut command = Command::new("sqlite3");
                command.args(["-bail"]).arg(self.path());
                command
            }
            Kind::Postgres(_) => {
                let mut command = Command::new("psql");
                command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &self.url()]);
                command
            }
            Kind::MySql(server) => server.mariadb(Some(&self.name)),
        }
    }

    /// Runs a statement on the server's administration database.
    fn admin(&self, sql: &str) {
        let mut command = match &self.kind {
            Kind::Sqlite => unreachable!("SQLite databases are files"),
            Kind::Postgres(server) => {
                let mut command = Command::new("psql");
                command.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &server.url, "-c", sql]);
                command
            }
            Kind::MySql(server) => {
                let mut command = server.mariadb(None);
                command.args(["-e", sql]);
                command
            }
        };
        measure(&mut command);
    }

    fn remove_files(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path().display()));
        }
    }

    fn remove(self) {
        match &self.kind {
            Kind::Sqlite => self.remove_files(),
            Kind::Postgres(_) => self.admin(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)),
            Kind::MySql(_) => self.admin(&format!("DROP DATABASE IF EXISTS {}", self.name)),
        }
    }
}

/// Who runs the migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Tool {
    Migrate {
        shape: Shape,
        whole_run: bool,
    },
    Sqlx,
    /// The database's client; `one_transaction` wraps the whole file in one, else each migration.
    Floor {
        one_transaction: bool,
    },
}

/// What a process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Phase {
    Cold,
    NoOp,
    Downgrade,
    Offline,
}

/// The SQL files of N migrations: sqlx's folder and the floor's scripts.
struct Files {
    folder: PathBuf,
}

impl Files {
    fn write(n: usize) -> Self {
        let folder = std::env::temp_dir().join(format!("bench_process_{}_{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        let sqlx = folder.join("sqlx");
        std::fs::create_dir_all(&sqlx).unwrap();
        for i in 0..n {
            std::fs::write(sqlx.join(format!("{:05}_create.up.sql", i + 1)), format!("{};\n", create_sql(i)))
                .unwrap();
            std::fs::write(sqlx.join(format!("{:05}_create.down.sql", i + 1)), format!("{};\n", drop_sql(i)))
                .unwrap();
        }
        let creates: Vec<String> = (0..n).map(create_sql).collect();
        let drops: Vec<String> = (0..n).rev().map(drop_sql).collect();
        for (name, statements) in [("up", &creates), ("down", &drops)] {
            let (mut each, mut one) = (String::new(), String::from("BEGIN;\n"));
            for statement in statements {
                writeln!(each, "BEGIN;\n{statement};\nCOMMIT;").unwrap();
                writeln!(one, "{statement};").unwrap();
            }
            one.push_str("COMMIT;\n");
            std::fs::write(folder.join(format!("{name}_each.sql")), each).unwrap();
            std::fs::write(folder.join(format!("{name}_one.sql")), one).unwrap();
        }
        Self { folder }
    }

    fn script(&self, phase: Phase, one_transaction: bool) -> File {
        let direction = if phase == Phase::Downgrade { "down" } else { "up" };
        let wrapping = if one_transaction { "one" } else { "each" };
        File::open(self.folder.join(format!("{direction}_{wrapping}.sql"))).unwrap()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// The command that runs `phase` with `tool` on `database`.
fn command(tool: Tool, phase: Phase, n: usize, database: &TestDatabase, files: &Files) -> Command {
    let verb = if phase == Phase::Downgrade { "downgrade" } else { "upgrade" };
    match tool {
        Tool::Migrate { shape, whole_run } => {
            let mut command = Command::new(migrate_binary(shape, n));
            command.args([verb, &database.url()]);
            if whole_run {
                command.arg("whole-run");
            }
            command
        }
        Tool::Sqlx => {
            let mut command = Command::new(SQLX_BINARY);
            command.args([verb, &database.url()]).arg(files.folder.join("sqlx"));
            command
        }
        Tool::Floor { one_transaction } => {
            let mut command = database.client();
            if phase == Phase::NoOp {
                command.stdin(Stdio::null());
                match database.kind {
                    Kind::Postgres(_) => command.args(["-c", "SELECT 1"]),
                    Kind::MySql(_) => command.args(["-e", "SELECT 1"]),
                    Kind::Sqlite => command.arg("SELECT 1"),
                };
            } else {
                command.stdin(files.script(phase, one_transaction));
            }
            command
        }
    }
}

/// Every sample taken for one size on one database.
#[derive(Default)]
struct Samples(HashMap<(Tool, Phase), Vec<Sample>>);

impl Samples {
    fn push(&mut self, tool: Tool, phase: Phase, sample: Sample) {
        self.0.entry((tool, phase)).or_default().push(sample);
    }

    /// The median wall time and the median peak memory.
    fn median(&self, tool: Tool, phase: Phase) -> Sample {
        let samples = &self.0[&(tool, phase)];
        let mut walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
        let mut peaks: Vec<i64> = samples.iter().map(|s| s.peak_kb).collect();
        walls.sort();
        peaks.sort();
        Sample { wall: walls[walls.len() / 2], peak_kb: peaks[peaks.len() / 2] }
    }
}

fn milliseconds(sample: Sample) -> String {
    format!("{:.1} ms", sample.wall.as_secs_f64() * 1000.0)
}

fn megabytes(sample: Sample) -> String {
    format!("{:.1}", sample.peak_kb as f64 / 1024.0)
}

fn ratio(ours: Sample, theirs: Sample) -> String {
    format!("{:.2}", ours.wall.as_secs_f64() / theirs.wall.as_secs_f64())
}

fn setting(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_owned())
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect()
}

fn main() {
    let sizes: Vec<usize> = setting("BENCH_PROCESS_N", "100,1000")
        .iter()
        .map(|n| n.parse().unwrap_or_else(|e| panic!("BENCH_PROCESS_N: {n}: {e}")))
        .collect();
    let runs: usize =
        setting("BENCH_PROCESS_RUNS", "5")[0].parse().unwrap_or_else(|e| panic!("BENCH_PROCESS_RUNS: {e}"));
    let chosen = setting("BENCH_PROCESS_DATABASES", "sqlite,postgres,mysql");
    let mut kinds = vec![];
    for name in &chosen {
        let (variable, kind): (&str, fn(Server) -> Kind) = match name.as_str() {
            "sqlite" => {
                kinds.push(Kind::Sqlite);
                continue;
            }
            "postgres" => ("MIGRATE_TEST_POSTGRES_URL", Kind::Postgres),
            "mysql" => ("MIGRATE_TEST_MYSQL_URL", Kind::MySql),
            other => panic!("BENCH_PROCESS_DATABASES: unknown database {other} (sqlite, postgres, mysql)"),
        };
        match std::env::var(variable) {
            Ok(url) => kinds.push(kind(Server::parse(&url))),
            Err(_) => println!("skipped {name}: set {variable} to run it"),
        }
    }

    let shapes: Vec<Shape> = setting("BENCH_PROCESS_SHAPES", "line,graph")
        .iter()
        .map(|name| match name.as_str() {
            "line" => Shape::Line,
            "graph" => Shape::Graph,
            other => panic!("BENCH_PROCESS_SHAPES: unknown shape {other} (line, graph)"),
        })
        .collect();
    let mut tools: Vec<Tool> = shapes
        .iter()
        .flat_map(|&shape| [false, true].map(|whole_run| Tool::Migrate { shape, whole_run }))
        .collect();
    tools.extend([Tool::Sqlx, Tool::Floor { one_transaction: false }, Tool::Floor { one_transaction: true }]);

    println!(
        "| database | N | shape | what | migrate | sqlx | migrate / sqlx | floor | migrate / floor \
         | peak RSS MB: migrate / sqlx / floor | settings |"
    );
    println!("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|");
    for kind in &kinds {
        for &n in &sizes {
            let files = Files::write(n);
            let mut samples = Samples::default();
            for _ in 0..runs {
                for &tool in &tools {
                    let database = kind.create();
                    for phase in [Phase::Cold, Phase::NoOp, Phase::Downgrade] {
                        samples.push(tool, phase, measure(&mut command(tool, phase, n, &database, &files)));
                    }
                    database.remove();
                }
                for &shape in &shapes {
                    let output = files.folder.join(format!("{}.sql", shape.name()));
                    let mut render = Command::new(migrate_binary(shape, n));
                    render.args(["sql", &kind.url()]).arg(&output);
                    samples.push(
                        Tool::Migrate { shape, whole_run: false },
                        Phase::Offline,
                        measure(&mut render),
                    );
                    let mut copy = Command::new("cat");
                    copy.arg(&output);
                    let sample = measure(copy.stdout(File::create(files.folder.join("copy.sql")).unwrap()));
                    samples.push(Tool::Floor { one_transaction: false }, Phase::Offline, sample);
                }
            }
            for &shape in &shapes {
                let settings = format!(
                    "BENCH_PROCESS_N={n} BENCH_PROCESS_DATABASES={} BENCH_PROCESS_SHAPES={}",
                    kind.setting(),
                    shape.name()
                );
                for (what, phase, whole_run) in [
                    ("cold upgrade, a transaction per migration", Phase::Cold, false),
                    ("cold upgrade, one transaction (WholeRun)", Phase::Cold, true),
                    ("no-op upgrade at head", Phase::NoOp, false),
                    ("downgrade to base, a transaction per migration", Phase::Downgrade, false),
                    ("downgrade to base, one transaction (WholeRun)", Phase::Downgrade, true),
                    ("offline SQL (floor: cat)", Phase::Offline, false),
                ] {
                    let ours = samples.median(Tool::Migrate { shape, whole_run }, phase);
                    let floor = samples.median(Tool::Floor { one_transaction: whole_run }, phase);
                    let (sqlx, sqlx_ratio, sqlx_peak) = if phase == Phase::Offline {
                        ("–".to_owned(), "–".to_owned(), "–".to_owned())
                    } else {
                        let sqlx = samples.median(Tool::Sqlx, phase);
                        (milliseconds(sqlx), ratio(ours, sqlx), megabytes(sqlx))
                    };
                    println!(
                        "| {} | {n} | {} | {what} | {} | {sqlx} | {sqlx_ratio} | {} | {} | {} / {sqlx_peak} / {} | `{settings}` |",
                        kind.name(),
                        shape.name(),
                        milliseconds(ours),
                        milliseconds(floor),
                        ratio(ours, floor),
                        megabytes(ours),
                        megabytes(floor),
                    );
                }
            }
        }
    }
}
