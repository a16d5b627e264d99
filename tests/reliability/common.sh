# Helpers shared by the reliability scripts: a fresh database per round on each server, and SQL
# run on it through the servers' own clients (psql, mariadb, sqlite3), not through migrate.

# The app driven: $APP, `reliability` (examples/reliability: 50 migrations, two branch points, two
# merges, `depends_on`, two batched backfills, a side-effect row per migration; the default) or
# `quickstart` (four migrations: two branches and a merge).
APP=${APP:-reliability}
case $APP in
    reliability) BIN=target/debug/reliability HEAD=r50 MIGRATIONS=50 ;;
    quickstart) BIN=${QUICKSTART:-target/debug/quickstart} HEAD=53fffde5ad5a MIGRATIONS=4 ;;
    *) echo "APP is reliability or quickstart, not '$APP'" >&2; exit 2 ;;
esac
build_app() { cargo build -q -p "$APP"; }

# The databases to try: $KINDS if set (e.g. "sqlite postgres"), else SQLite and every server the
# environment names.
kinds() {
    if [ -n "${KINDS:-}" ]; then echo "$KINDS" | tr ' ' '\n'; return 0; fi
    echo sqlite
    [ -n "${MIGRATE_TEST_POSTGRES_URL:-}" ] && echo postgres
    [ -n "${MIGRATE_TEST_MYSQL_URL:-}" ] && echo mysql
    return 0
}

# Prints the URL of a new empty database named $2 of kind $1.
create_database() {
    local kind=$1 name=$2
    case $kind in
        sqlite) rm -f "/tmp/$name.db"*; echo "sqlite:///tmp/$name.db?mode=rwc" ;;
        postgres) psql -q "$MIGRATE_TEST_POSTGRES_URL" -c "CREATE DATABASE $name" >/dev/null
                  echo "${MIGRATE_TEST_POSTGRES_URL%/*}/$name" ;;
        mysql) mariadb_on "${MIGRATE_TEST_MYSQL_URL}" -e "CREATE DATABASE $name"
               echo "${MIGRATE_TEST_MYSQL_URL%/*}/$name" ;;
    esac
}

drop_database() {
    local kind=$1 name=$2
    case $kind in
        sqlite) rm -f "/tmp/$name.db"* ;;
        postgres) psql -q "$MIGRATE_TEST_POSTGRES_URL" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null ;;
        mysql) mariadb_on "$MIGRATE_TEST_MYSQL_URL" -e "DROP DATABASE $name" ;;
    esac
}

# mariadb's client from a mysql://user[:password]@host:port/database URL.
mariadb_on() {
    local url=$1; shift
    local rest=${url#*://} auth host database
    auth=${rest%%@*}; host=${rest#*@}; database=${host#*/}; host=${host%%/*}
    local user=${auth%%:*} password=""
    [ "$auth" != "$user" ] && password=${auth#*:}
    MYSQL_PWD=$password mariadb -N -B -u "$user" -h "${host%%:*}" -P "${host##*:}" "$database" "$@"
}

# Prints the result of one query on the database at $2 (kind $1).
query() {
    local kind=$1 url=$2 sql=$3
    case $kind in
        sqlite) local path=${url#sqlite://}; sqlite3 "${path%%\?*}" "$sql" ;;
        postgres) psql -tA "$url" -c "$sql" ;;
        mysql) mariadb_on "$url" -e "$sql" ;;
    esac
}

# Whether exactly $MIGRATIONS upgrades are logged, one per revision (and, for the reliability app,
# one side-effect row per revision); prints what is wrong otherwise.
applied_once() {
    local kind=$1 url=$2 logged effects
    logged=$(query "$kind" "$url" "SELECT COUNT(*), COUNT(DISTINCT revision) FROM migrate_version_log WHERE direction = 'upgrade'" 2>/dev/null | tr '|\t' '  ' || true)
    [ "$logged" != "$MIGRATIONS $MIGRATIONS" ] && { echo "log: $logged upgrades (all, distinct)"; return 1; }
    [ "$APP" != reliability ] && return 0
    effects=$(query "$kind" "$url" "SELECT COUNT(*), COUNT(DISTINCT revision) FROM applied_effects" 2>/dev/null | tr '|\t' '  ' || true)
    [ "$effects" != "$MIGRATIONS $MIGRATIONS" ] && { echo "side effects: $effects rows (all, distinct)"; return 1; }
    return 0
}

# The run lock, as the runner names it for the default version table `migrate_version`:
# PostgreSQL's advisory-lock key is FNV-1a of the name, shifted right by one
# (migrate-core/src/dialect/postgres.rs); MariaDB's GET_LOCK name is hashed with the database's name
# (migrate-core/src/dialect/mysql.rs); SQLite's is the database's write lock.
PG_LOCK_KEY=4929889233322022902
MYSQL_LOCK_NAME="CONCAT('migrate:', SHA1(CONCAT(DATABASE(), ':', 'migrate_version')))"

# Whether the run lock of the database at $2 is free; waits up to 5 s for a killed run's session
# to end.
lock_free() {
    local kind=$1 url=$2 path
    for _ in $(seq 50); do
        case $kind in
            sqlite) path=${url#sqlite://}; sqlite3 "${path%%\?*}" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 && return 0 ;;
            postgres) [ "$(query "$kind" "$url" "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")" = 0 ] && return 0 ;;
            mysql) [ "$(query "$kind" "$url" "SELECT IS_FREE_LOCK($MYSQL_LOCK_NAME)")" = 1 ] && return 0 ;;
        esac
        sleep 0.1
    done
    return 1
}

# Takes the run lock of the database at $2 with the database's own client, in the background,
# and returns once it is held; `release_lock` lets it go. The client reads its statements from a
# pipe on descriptor 3, so closing that ends its session.
hold_lock() {
    local kind=$1 url=$2 fifo path
    fifo=$(mktemp -u /tmp/migrate_lock_XXXXXX); mkfifo "$fifo"
    case $kind in
        sqlite) path=${url#sqlite://}; sqlite3 "${path%%\?*}" <"$fifo" >/dev/null 2>&1 & ;;
        postgres) psql -q "$url" <"$fifo" >/dev/null 2>&1 & ;;
        mysql) mariadb_on "$url" <"$fifo" >/dev/null 2>&1 & ;;
    esac
    HOLDER=$!
    exec 3>"$fifo"; rm -f "$fifo"
    case $kind in
        sqlite) echo "BEGIN IMMEDIATE;" >&3 ;;
        postgres) echo "SELECT pg_advisory_lock($PG_LOCK_KEY);" >&3 ;;
        mysql) echo "SELECT GET_LOCK($MYSQL_LOCK_NAME, 10);" >&3 ;;
    esac
    for _ in $(seq 100); do
        case $kind in
            sqlite) path=${url#sqlite://}; sqlite3 "${path%%\?*}" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1 || return 0 ;;
            postgres) [ "$(query "$kind" "$url" "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")" = 1 ] && return 0 ;;
            mysql) [ "$(query "$kind" "$url" "SELECT IS_FREE_LOCK($MYSQL_LOCK_NAME)")" = 0 ] && return 0 ;;
        esac
        sleep 0.05
    done
    echo "could not take the run lock of $url by hand" >&2
    return 1
}

release_lock() { exec 3>&-; wait "$HOLDER" 2>/dev/null || true; }

# The reliability app's objects: every table, column and index whose name is a letter and two
# digits (t07, c08, i12), and `applied_effects`, which r01 makes, as e01; read with the database's
# own client, one a line, sorted.
schema_objects() {
    local kind=$1 url=$2 sql
    case $kind in
        sqlite) sql="SELECT name FROM sqlite_master WHERE type IN ('table', 'index') UNION ALL SELECT p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'" ;;
        postgres) sql="SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' UNION ALL SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = 'public'" ;;
        mysql) sql="SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() UNION ALL SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() UNION ALL SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE()" ;;
    esac
    query "$kind" "$url" "$sql" 2>/dev/null | sed 's/^applied_effects$/e01/' | grep -E '^[tcie][0-9]{2}$' | sort -u || true
}

# What each revision of the reliability app makes, read from a database at head (EXPECTED[rNN] =
# "cNN iNN tNN"), and what each needs applied first (ANCESTORS, one line per revision: it, then
# them; `reliability ancestors`).
declare -A EXPECTED=()
ANCESTORS=$(mktemp /tmp/migrate_ancestors_XXXXXX)
trap 'rm -f "$ANCESTORS"' EXIT
learn_app() {
    local kind=$1 name="migrate_learn_$$" url object
    "$BIN" ancestors >"$ANCESTORS"
    url=$(create_database "$kind" "$name")
    DATABASE_URL="$url" "$BIN" -q upgrade head
    EXPECTED=()
    for object in $(schema_objects "$kind" "$url"); do EXPECTED[r${object:1}]+="$object "; done
    drop_database "$kind" "$name"
}

# Compares what the version table says is applied with the schema and the side-effect rows, read
# with the database's own client; prints each difference and returns non-zero if there is one.
# On MariaDB, whose DDL commits as it runs, the one migration that was running (all it needs
# applied, itself not recorded) may be partly done: what the runner promises there is that the
# version table still names the revisions before it, the progress table names it, and a re-run
# resumes it. Such a migration is printed as "half-applied", and isn't a difference.
check_state() {
    local kind=$1 url=$2 heads head revision needs applied=" " wrong=0 object partial=0
    heads=$(query "$kind" "$url" "SELECT version_num FROM migrate_version" 2>/dev/null | tr '\n' ' ' || true)
    for head in $heads; do applied+="$(grep "^$head " "$ANCESTORS") "; done
    local -A present=() effects=()
    for object in $(schema_objects "$kind" "$url"); do present[r${object:1}]+="$object "; done
    while read -r revision count; do
        [ -n "$revision" ] && effects[$revision]=$count
    done < <(query "$kind" "$url" "SELECT revision, COUNT(*) FROM applied_effects GROUP BY revision" 2>/dev/null | tr '|' ' ' || true)
    while read -r revision needs; do
        local want_objects="" want_effect=0 is_applied=no
        if [[ $applied == *" $revision "* ]]; then want_objects=${EXPECTED[$revision]:-}; want_effect=1; is_applied=yes; fi
        local got_objects=${present[$revision]:-} got_effect=${effects[$revision]:-0}
        [ "$got_objects" = "$want_objects" ] && [ "$got_effect" = "$want_effect" ] && continue
        # r47 runs outside a transaction: a kill between its side-effect row and its recording
        # leaves the row, which its re-run doesn't add again.
        [ "$revision" = r47 ] && [ $is_applied = no ] && [ "$got_effect" = 1 ] && continue
        # Only where the progress table names it: what took effect is recorded there.
        if [ "$kind" = mysql ] && [ $is_applied = no ] && [ $partial = 0 ] && all_in "$needs" "$applied" \
            && [ "$(query "$kind" "$url" "SELECT DISTINCT revision FROM migrate_version_progress" 2>/dev/null)" = "$revision" ]; then
            partial=1; echo "$revision half-applied: schema has [$got_objects], side effect $got_effect times; version table [$heads]"
            continue
        fi
        echo "$revision: version table [$heads] says applied=$is_applied, but the schema has [$got_objects] (applied: [$want_objects]) and the side effect is there $got_effect times"
        wrong=1
    done <"$ANCESTORS"
    # The backfills of t05's 5,000 rows: every row filled when the backfill is recorded. r32 (c31)
    # commits with its recording, so none is filled when it isn't; r47 (c46) commits each batch,
    # so any number may be.
    local backfill column filler unfilled
    for backfill in r31:c31:r32 r46:c46:r47; do
        IFS=: read -r revision column filler <<<"$backfill"
        [ -n "${present[$revision]:-}" ] || continue
        unfilled=$(query "$kind" "$url" "SELECT COUNT(*) FROM t05 WHERE $column IS NULL")
        if [[ $applied == *" $filler "* ]]; then
            [ "$unfilled" != 0 ] && { echo "$filler recorded but $unfilled rows of t05 without $column"; wrong=1; }
        elif [ "$filler" = r32 ] && [ "$unfilled" != 5000 ]; then
            echo "r32 not recorded but $((5000 - unfilled)) rows of t05 with c31"; wrong=1
        fi
    done
    return $wrong
}

all_in() { # words, in " a b c "
    local word
    for word in $1; do [[ $2 == *" $word "* ]] || return 1; done
    return 0
}
