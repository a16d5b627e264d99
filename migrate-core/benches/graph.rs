//! Revision graph cost: build, upgrade base→heads and downgrade heads→base on graphs of 1,000,
//! 10,000 and 100,000 revisions with periodic branches, merges and cross-history dependencies.
//!
//! Each figure is set against peers timed in the same run over the same edges: petgraph's
//! `toposort` (the yardstick for "linear"), and Alembic's own `RevisionMap` when a Python with
//! Alembic is found (`MIGRATE_BENCH_PYTHON`, else `target/alembic-venv/bin/python`; make it with
//! `python3 -m venv target/alembic-venv && target/alembic-venv/bin/pip install alembic`).
//!
//! Run: `cargo bench -p migrate-core --bench graph`. Prints a Markdown table.

use std::collections::HashMap;
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use migrate_core::{RevisionGraph, RevisionSpec};
use petgraph::algo::toposort;
use petgraph::graph::{DiGraph, NodeIndex};

/// How long Alembic may take for one size before its column is skipped.
const ALEMBIC_TIME_LIMIT: Duration = Duration::from_secs(120);

/// A graph of `n` revisions: a trunk that every 16 revisions splits into two branches of five
/// that merge again, plus a second history (its own base) the trunk depends on periodically.
fn shape(n: usize) -> Vec<RevisionSpec> {
    let id = |i: usize| format!("{:012x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16);
    let mut specs = vec![RevisionSpec::new(id(0))];
    let (mut trunk, mut branch_point, mut left, mut right) = (0, 0, 0, 0);
    let mut side: Option<usize> = None;
    for i in 1..n {
        let spec = RevisionSpec::new(id(i));
        let spec = match i % 16 {
            1 => {
                branch_point = trunk;
                left = i;
                spec.down_revision(id(branch_point))
            }
            2..=5 => {
                let down = left;
                left = i;
                spec.down_revision(id(down))
            }
            6 => {
                right = i;
                spec.down_revision(id(branch_point))
            }
            7..=10 => {
                let down = right;
                right = i;
                spec.down_revision(id(down))
            }
            11 => {
                trunk = i;
                spec.down_revisions([id(left), id(right)])
            }
            12 => {
                let spec = match side {
                    Some(down) => spec.down_revision(id(down)),
                    None => spec,
                };
                side = Some(i);
                spec
            }
            13 => {
                let down = trunk;
                trunk = i;
                spec.down_revision(id(down)).depends_on(side.map(id))
            }
            _ => {
                let down = trunk;
                trunk = i;
                spec.down_revision(id(down))
            }
        };
        specs.push(spec);
    }
    specs
}

/// The median of `runs` timings of `work` (`prepare` runs untimed before each).
fn time<P, T>(runs: usize, mut prepare: impl FnMut() -> P, mut work: impl FnMut(P) -> T) -> Duration {
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let input = prepare();
            let start = Instant::now();
            black_box(work(input));
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn petgraph_build(specs: &[RevisionSpec]) -> DiGraph<(), ()> {
    let mut graph = DiGraph::with_capacity(specs.len(), specs.len() * 2);
    let nodes: HashMap<&str, NodeIndex> =
        specs.iter().map(|spec| (spec.revision.as_str(), graph.add_node(()))).collect();
    for spec in specs {
        let to = nodes[spec.revision.as_str()];
        for from in spec.down_revisions.iter().chain(&spec.depends_on) {
            graph.add_edge(nodes[from.as_str()], to, ());
        }
    }
    graph
}

/// Alembic's timings (seconds) for build, upgrade and downgrade, or why there are none.
fn alembic(specs: &[RevisionSpec], dir: &Path) -> Result<[f64; 3], String> {
    let python = std::env::var_os("MIGRATE_BENCH_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("alembic-venv/bin/python"));
    if !python.exists() {
        return Err(format!("no Python with Alembic at {}", python.display()));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/graph_alembic.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("can't run {}: {error}", python.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        for spec in specs {
            let line = format!(
                "{} {} {}\n",
                spec.revision,
                spec.down_revisions.join(","),
                spec.depends_on.join(",")
            );
            stdin.write_all(line.as_bytes()).map_err(|error| format!("can't feed Alembic: {error}"))?;
        }
    }
    let start = Instant::now();
    while child.try_wait().map_err(|error| error.to_string())?.is_none() {
        if start.elapsed() > ALEMBIC_TIME_LIMIT {
            // The child was spawned here, so killing it by handle ends only that process.
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("took over {} s", ALEMBIC_TIME_LIMIT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().map_err(|error| error.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("failed").to_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let figures: Vec<f64> = text.split_whitespace().filter_map(|word| word.parse().ok()).collect();
    match figures[..] {
        [build, upgrade, downgrade] => Ok([build, upgrade, downgrade]),
        _ => Err(format!("unexpected output: {text}")),
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1e3)
}

fn main() {
    let target_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let none: &[&str] = &[];
    println!(
        "| N | what | ours | petgraph toposort | ours / petgraph | Alembic RevisionMap | Alembic / ours |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|");
    for n in [1_000, 10_000, 100_000] {
        let specs = shape(n);
        let runs = (2_000_000 / n).clamp(5, 200);
        let graph = match RevisionGraph::new(specs.clone()) {
            Ok(graph) => graph,
            Err(error) => panic!("the benchmark graph is valid: {error}"),
        };
        let heads: Vec<String> = graph.heads().iter().map(|h| (*h).to_owned()).collect();
        let upgrade = graph.upgrade_plan(none, "heads").map(|plan| plan.len());
        let downgrade = graph.downgrade_plan(&heads, "base").map(|plan| plan.len());
        assert_eq!((upgrade.ok(), downgrade.ok()), (Some(n), Some(n)), "plans cover the graph");

        let ours = [
            time(runs, || specs.clone(), |specs| RevisionGraph::new(specs).map(|g| g.len())),
            time(runs, || (), |()| graph.upgrade_plan(none, "heads").map(|p| p.len())),
            time(runs, || (), |()| graph.downgrade_plan(&heads, "base").map(|p| p.len())),
        ];
        let peer_graph = petgraph_build(&specs);
        let peer = [
            time(runs, || (), |()| toposort(&petgraph_build(&specs), None).map(|order| order.len())),
            time(runs, || (), |()| toposort(&peer_graph, None).map(|order| order.len())),
            time(
                runs,
                || (),
                |()| {
                    toposort(&peer_graph, None).map(|mut order| {
                        order.reverse();
                        order.len()
                    })
                },
            ),
        ];
        let alembic = alembic(&specs, &target_dir);
        if let Err(reason) = &alembic {
            eprintln!("Alembic column skipped for N = {n}: {reason}");
        }
        for (row, what) in
            ["build + check", "upgrade plan base→heads", "downgrade plan heads→base"].iter().enumerate()
        {
            let (alembic_time, alembic_ratio) = match &alembic {
                Ok(seconds) => (
                    format!("{:.3} ms", seconds[row] * 1e3),
                    format!("{:.0}×", seconds[row] / ours[row].as_secs_f64()),
                ),
                Err(_) => ("skipped".to_owned(), "–".to_owned()),
            };
            println!(
                "| {n} | {what} | {} | {} | {:.2} | {alembic_time} | {alembic_ratio} |",
                ms(ours[row]),
                ms(peer[row]),
                ours[row].as_secs_f64() / peer[row].as_secs_f64(),
            );
        }
    }
}
