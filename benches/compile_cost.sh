#!/usr/bin/env bash
# The compile cost of `#[migration]`: three throwaway app crates with N migrations each, built
# with one shared target directory so that their dependencies are built once and not counted.
#
#   attr   N functions with `#[migration(revision = .., down_revision = ..)]`, in a chain, one
#          module per migration (`src/versions/`, like Alembic's versions/ directory)
#   plain  the same N functions without the attribute, each called from `main`
#   sqlx   sqlx's `migrate!("./migrations")` over N `.sql` files of the same SQL, with the build
#          script sqlx asks for so that an edited file rebuilds the app
#
# and four that split the attribute's cost, for VARIANTS="attr expanded section ctor linkme plain sqlx":
#
#   expanded  attr with the attribute's expansion written out (the same `inventory::submit!` of
#             the same `Migration`, a fixed checksum): attr less the proc macro's work
#   section   expanded without `inventory`: each `Migration` a `#[used]` static in a link section,
#             as a linker-section registry would register it; nothing reads them
#   ctor      section registered as `inventory` does it, written out by hand: each `Migration`
#             pushed onto a list by a function of its own that the loader runs (`.init_array`)
#   linkme    each `Migration` an element of a `linkme::distributed_slice` (its attribute), the
#             other registry crate (fetches linkme from crates.io)
#
# and one that shows what the app's own manifest can do about it, for VARIANTS="attr optimised ...":
#
#   optimised attr with proc macros (and what they use) optimised, as the book recommends:
#             `[profile.dev.build-override] opt-level = 3` (and the same for release)
#
# For each profile, run and variant (interleaved: attr plain sqlx attr plain sqlx ...) it times,
# in wall-clock and CPU seconds, `cargo build` of the app alone after `cargo clean -p <app>` (the
# clean build) and after touching one migration's file (the rebuild), then reports medians, ratios
# and binary sizes as a Markdown table.
#
# Usage: benches/compile_cost.sh (from the workspace root). Environment:
#   N=500          migrations per app
#   VARIANTS="attr plain sqlx"   the apps to build (plain and sqlx must be among them)
#   RUNS=5         timed runs per variant and profile
#   PROFILES="dev release"
#   WORK=target/compile-cost   where the apps and their shared target directory go
#   CARGO_INCREMENTAL          passed through (the project builds with 0; set 1 to see what an
#                              incremental debug rebuild costs)
set -euo pipefail

N=${N:-500}
RUNS=${RUNS:-5}
PROFILES=${PROFILES:-"dev release"}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$ROOT/target/compile-cost}
VARIANTS=${VARIANTS:-"attr plain sqlx"}
export CARGO_TARGET_DIR=$WORK/target
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

# The i-th revision id: 12 hex digits, the same in every run.
revision() {
    printf '%012x' $(((($1 + 1) * 2654435761) % 281474976710656))
}

# The name of the i-th migration's module or file stem (1-based, zero-padded).
stem() {
    printf 'r%04d_create_table_%d' "$1" "$1"
}

manifest() {
    local name=$1 dependencies=$2
    cat <<EOF
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$dependencies

# Not a member of migrate's workspace: a workspace of its own.
[workspace]
EOF
}

# The body that every migration runs, and its SQL for sqlx.
body() {
    cat <<EOF
    op.create_table("table_$1", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("name", Type::Text).not_null();
        t.column("active", Type::Boolean).not_null();
    });
EOF
}

# The i-th migration's module up to its registration, for the variants that write it out by hand.
migration_module() {
    echo "use migrate::prelude::*;"
    echo
    echo "/// Create table_$1."
    echo "fn create_table_$1(op: &mut Operations) {"
    body "$1"
    echo "}"
    echo
}

sql() {
    printf 'CREATE TABLE table_%d (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active BOOLEAN NOT NULL);\n' "$1"
}

generate() {
    local app i dir migrate_dependency
    migrate_dependency="migrate = { path = \"$ROOT\", default-features = false, features = [\"sqlite\"] }"
    rm -rf "$WORK/attr" "$WORK/plain" "$WORK/sqlx" "$WORK/expanded" "$WORK/section" "$WORK/ctor" "$WORK/linkme" "$WORK/optimised"
    rm -f "$WORK"/*-clean "$WORK"/*-rebuild
    for app in attr plain expanded section ctor linkme; do
        dir=$WORK/$app
        mkdir -p "$dir/src/versions"
        if [[ $app == linkme ]]; then
            manifest "cc_$app" "$migrate_dependency"$'\nlinkme = "0.3"' >"$dir/Cargo.toml"
        else
            manifest "cc_$app" "$migrate_dependency" >"$dir/Cargo.toml"
        fi
        cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
        : >"$dir/src/versions/mod.rs"
        for ((i = 1; i <= N; i++)); do
            echo "mod $(stem "$i");" >>"$dir/src/versions/mod.rs"
        done
    done
    # The plain functions are public so that `main` can call them.
    sed -i 's/^mod /pub mod /' "$WORK/plain/src/versions/mod.rs"
    for ((i = 1; i <= N; i++)); do
        local down=None declaration fields message="Create table_$i." function="create_table_$i"
        local checksum
        checksum=$(printf '%064x' "$i")
        # The text the attribute registers (migrate_names::Declaration): each field its length,
        # `:` and itself, a list its length then its items; the origin follows.
        declaration="12:$(revision "$i")0:"
        if ((i > 1)); then
            down="\"$(revision $((i - 1)))\""
            declaration="12:$(revision "$i")1:12:$(revision $((i - 1)))"
        fi
        declaration="${declaration}0:0:0:0:${#message}:$message${#checksum}:$checksum"
        fields="declaration: ::core::concat!(\"$declaration\", ::core::module_path!(), \"::$function (\", ::core::file!(), \":\", ::core::line!(), \")\"), upgrade: ::migrate::__private::MigrationFn::Sync(create_table_$i), downgrade: ::migrate::__private::Downgrade::Missing, transactional: true,"
        {
            migration_module "$i"
            echo "const _: () = { ::migrate::__private::inventory::submit! { ::migrate::__private::Migration { $fields } } };"
        } >"$WORK/expanded/src/versions/$(stem "$i").rs"
        {
            migration_module "$i"
            echo "#[used]"
            echo "#[unsafe(link_section = \"migrate_migrations\")]"
            echo "static MIGRATION: ::migrate::__private::Migration = ::migrate::__private::Migration { $fields };"
        } >"$WORK/section/src/versions/$(stem "$i").rs"
        {
            migration_module "$i"
            echo "static MIGRATION: ::migrate::__private::Migration = ::migrate::__private::Migration { $fields };"
            echo "static NODE: crate::Node = crate::Node { migration: &MIGRATION, next: ::core::cell::Cell::new(None) };"
            echo "#[used]"
            echo "#[unsafe(link_section = \".init_array\")]"
            echo "static CONSTRUCTOR: extern \"C\" fn() = register;"
            echo "extern \"C\" fn register() {"
            echo "    crate::register(&NODE);"
            echo "}"
        } >"$WORK/ctor/src/versions/$(stem "$i").rs"
        {
            migration_module "$i"
            echo "#[linkme::distributed_slice(crate::MIGRATIONS)]"
            echo "static MIGRATION: ::migrate::__private::Migration = ::migrate::__private::Migration { $fields };"
        } >"$WORK/linkme/src/versions/$(stem "$i").rs"
        {
            echo "use migrate::prelude::*;"
            echo
            echo "/// Create table_$i."
            echo "#[migration(revision = \"$(revision "$i")\", down_revision = $down)]"
            echo "fn create_table_$i(op: &mut Operations) {"
            body "$i"
            echo "}"
        } >"$WORK/attr/src/versions/$(stem "$i").rs"
        {
            echo "use migrate::prelude::*;"
            echo
            echo "/// Create table_$i."
            echo "pub fn create_table_$i(op: &mut Operations) {"
            body "$i"
            echo "}"
        } >"$WORK/plain/src/versions/$(stem "$i").rs"
    done
    for app in attr expanded; do
        cat >"$WORK/$app/src/main.rs" <<'EOF'
mod versions;

fn main() {
    println!("{} migrations", migrate::Migration::registered().len());
}
EOF
    done
    cp -r "$WORK/attr" "$WORK/optimised"
    sed -i 's/^name = "cc_attr"/name = "cc_optimised"/' "$WORK/optimised/Cargo.toml"
    printf '\n[profile.dev.build-override]\nopt-level = 3\n\n[profile.release.build-override]\nopt-level = 3\n' \
        >>"$WORK/optimised/Cargo.toml"
    cat >"$WORK/section/src/main.rs" <<'EOF'
mod versions;

fn main() {
    println!("the migrations are in the binary's migrate_migrations section");
}
EOF
    cat >"$WORK/ctor/src/main.rs" <<'EOF'
mod versions;

use std::cell::Cell;
use std::sync::atomic::{AtomicPtr, Ordering};

/// One registered migration, linked to the one registered before it.
pub struct Node {
    pub migration: &'static migrate::__private::Migration,
    pub next: Cell<Option<&'static Node>>,
}

// Written only by the constructors, which the loader runs one after the other before `main`.
unsafe impl Sync for Node {}

static HEAD: AtomicPtr<Node> = AtomicPtr::new(std::ptr::null_mut());

pub fn register(node: &'static Node) {
    let head = HEAD.load(Ordering::Acquire);
    node.next.set(unsafe { head.as_ref() });
    HEAD.store((node as *const Node).cast_mut(), Ordering::Release);
}

fn main() {
    let mut count = 0;
    let mut node = unsafe { HEAD.load(Ordering::Acquire).as_ref() };
    while let Some(current) = node {
        count += 1;
        node = current.next.get();
    }
    println!("{count} migrations");
}
EOF
    cat >"$WORK/linkme/src/main.rs" <<'EOF'
mod versions;

#[linkme::distributed_slice]
pub static MIGRATIONS: [migrate::__private::Migration];

fn main() {
    println!("{} migrations", MIGRATIONS.len());
}
EOF
    {
        echo "mod versions;"
        echo
        echo "fn main() {"
        echo "    let mut op = migrate::Operations::new();"
        for ((i = 1; i <= N; i++)); do
            echo "    versions::$(stem "$i")::create_table_$i(&mut op);"
        done
        echo "    println!(\"{} migrations\", $N);"
        echo "    drop(op);"
        echo "}"
    } >"$WORK/plain/src/main.rs"

    dir=$WORK/sqlx
    mkdir -p "$dir/src" "$dir/migrations"
    manifest cc_sqlx 'sqlx = { version = "0.9", default-features = false, features = ["runtime-tokio", "sqlite", "migrate", "macros"] }' >"$dir/Cargo.toml"
    cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
    for ((i = 1; i <= N; i++)); do
        sql "$i" >"$dir/migrations/$(printf '%04d' "$i")_create_table_$i.sql"
    done
    cat >"$dir/build.rs" <<'EOF'
// What `sqlx migrate build-script` writes: rebuild when a migration changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
EOF
    cat >"$dir/src/main.rs" <<'EOF'
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

fn main() {
    println!("{} migrations", MIGRATOR.iter().count());
}
EOF
}

# The file a developer edits: the middle migration.
touched() {
    local app=$1 middle=$((N / 2))
    case $app in
        sqlx) echo "$WORK/sqlx/migrations/$(printf '%04d' "$middle")_create_table_$middle.sql" ;;
        *) echo "$WORK/$app/src/versions/$(stem "$middle").rs" ;;
    esac
}

profile_flag() {
    if [[ $1 == release ]]; then echo --release; else echo --profile=dev; fi
}

profile_dir() {
    if [[ $1 == release ]]; then echo release; else echo debug; fi
}

# Appends the wall-clock and CPU (user + system) seconds of `cargo build` of `app` to `file`.
timed_build() {
    local app=$1 profile=$2 file=$3
    /usr/bin/time -f '%e %U %S' -o "$WORK/time" \
        cargo build --quiet --manifest-path "$WORK/$app/Cargo.toml" "$(profile_flag "$profile")"
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$WORK/time" >>"$file"
}

# The median of column `column` of a file of timings.
median() {
    awk -v column="$2" '{ print $column }' "$1" | sort -g | awk '{ values[NR] = $1 } END { print values[int((NR + 1) / 2)] }'
}

ratio() {
    printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"
}

bytes() {
    stat -c %s "$1"
}

stripped_bytes() {
    strip -o "$WORK/stripped" "$1"
    stat -c %s "$WORK/stripped"
}

mebibytes() {
    printf '%.2f' "$(echo "scale=4; $1 / 1048576" | bc)"
}

generate
echo "Generated N=$N migrations per app under $WORK." >&2
for profile in $PROFILES; do
    for app in $VARIANTS; do
        echo "Building the dependencies of cc_$app ($profile, not timed)..." >&2
        cargo build --quiet --manifest-path "$WORK/$app/Cargo.toml" "$(profile_flag "$profile")"
    done
    for ((run = 1; run <= RUNS; run++)); do
        for app in $VARIANTS; do
            cargo clean --quiet --manifest-path "$WORK/$app/Cargo.toml" -p "cc_$app" "$(profile_flag "$profile")"
            timed_build "$app" "$profile" "$WORK/$profile-$app-clean"
            touch "$(touched "$app")"
            timed_build "$app" "$profile" "$WORK/$profile-$app-rebuild"
            echo "$profile run $run/$RUNS $app: clean $(tail -n1 "$WORK/$profile-$app-clean"), rebuild $(tail -n1 "$WORK/$profile-$app-rebuild") (wall, CPU s)" >&2
        done
    done
done

echo
echo "N = $N migrations, median of $RUNS runs, CARGO_INCREMENTAL=$CARGO_INCREMENTAL, CARGO_BUILD_JOBS=$CARGO_BUILD_JOBS; $(date -u '+%Y-%m-%d %H:%M UTC'); load:$(uptime | sed 's/.*load average://')"
echo
echo "Each time is wall clock / CPU (user + system) seconds; the ratios are of CPU time, which the other load on the machine disturbs less."
echo
echo "| profile | variant | clean build | rebuild after touching one | binary | stripped | clean / plain | rebuild / plain | clean / sqlx | rebuild / sqlx |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for profile in $PROFILES; do
    declare -A clean rebuild clean_cpu rebuild_cpu
    for app in $VARIANTS; do
        clean[$app]=$(median "$WORK/$profile-$app-clean" 1)
        rebuild[$app]=$(median "$WORK/$profile-$app-rebuild" 1)
        clean_cpu[$app]=$(median "$WORK/$profile-$app-clean" 2)
        rebuild_cpu[$app]=$(median "$WORK/$profile-$app-rebuild" 2)
    done
    for app in $VARIANTS; do
        binary=$CARGO_TARGET_DIR/$(profile_dir "$profile")/cc_$app
        printf '| %s | %s | %.2f / %.2f s | %.2f / %.2f s | %s MiB | %s MiB | %s | %s | %s | %s |\n' \
            "$profile" "$app" "${clean[$app]}" "${clean_cpu[$app]}" "${rebuild[$app]}" "${rebuild_cpu[$app]}" \
            "$(mebibytes "$(bytes "$binary")")" "$(mebibytes "$(stripped_bytes "$binary")")" \
            "$(ratio "${clean_cpu[$app]}" "${clean_cpu[plain]}")" "$(ratio "${rebuild_cpu[$app]}" "${rebuild_cpu[plain]}")" \
            "$(ratio "${clean_cpu[$app]}" "${clean_cpu[sqlx]}")" "$(ratio "${rebuild_cpu[$app]}" "${rebuild_cpu[sqlx]}")"
    done
    unset clean rebuild clean_cpu rebuild_cpu
done
