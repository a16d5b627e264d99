//! The migrations every tool runs: migration `i` creates table `bench_i` (and its downgrade drops
//! it), in a line or in a graph that splits into two branches and merges again every ten
//! revisions. Shared by build.rs, which writes them as `#[migration]` functions, and the driver,
//! which writes the same SQL as files for sqlx and the database clients.

/// The sets of migrations compiled into a binary each.
pub const SIZES: [usize; 3] = [10, 100, 1000];

/// How the migrations follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Each migration follows the one before.
    Line,
    /// Blocks of ten: a revision, two branches of four from it, and a merge of the two.
    Graph,
}

impl Shape {
    /// `line` or `graph`, as in the binaries' names.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Line => "line",
            Shape::Graph => "graph",
        }
    }

    /// The migrations that migration `i` follows. Every migration follows only earlier ones, so
    /// counting up is a valid order to apply them in (the one sqlx and the clients get).
    pub fn down_revisions(self, i: usize) -> Vec<usize> {
        let start = i - i % 10;
        match (self, i % 10) {
            _ if i == 0 => vec![],
            (Shape::Line, _) | (Shape::Graph, 0..=4 | 6..=8) => vec![i - 1],
            (Shape::Graph, 5) => vec![start],
            (Shape::Graph, _) => vec![start + 4, start + 8],
        }
    }
}

/// The revision id of migration `i`.
pub fn revision(i: usize) -> String {
    format!("r{i:05}")
}

/// Migration `i`'s upgrade.
pub fn create_sql(i: usize) -> String {
    format!("CREATE TABLE bench_{i} (id INTEGER PRIMARY KEY, name VARCHAR(100))")
}

/// Migration `i`'s downgrade.
pub fn drop_sql(i: usize) -> String {
    format!("DROP TABLE bench_{i}")
}
