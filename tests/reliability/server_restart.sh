#!/usr/bin/env bash
# The database server restarted mid-run, and read-only servers, on private server instances this
# script starts (and stops) itself under /tmp: PostgreSQL 15 on port 5499, MariaDB on port 3399.
# The shared servers aren't touched.
#
# Restarts: `upgrade head` of the reliability app is paused at a named moment (RELIABILITY_PAUSE_AT:
# after a statement, before a recording, after one, after a batch), the server is restarted
# (PostgreSQL: `pg_ctl stop -m immediate` or `-m fast`; MariaDB: SIGKILL or `mariadb-admin
# shutdown`), then started again. The run must exit non-zero with a clear error and no panic; then
# the version table must match the schema and the side effects, the lock be free, and a re-run
# reach head with every migration logged once.
#
# Read-only: MariaDB started with --read-only (the app's user without SUPER, which would bypass
# it), and a PostgreSQL hot standby (a base backup of the private server, in recovery), each with
# the database empty and at r20: `upgrade head` must fail clearly without a panic and record
# nothing; MariaDB is then restarted writable and the re-run must reach head.
#
# Usage: server_restart.sh [restarts=4] (per database; KINDS="postgres mysql" to choose;
# READ_ONLY=no to leave the read-only servers out)
set -euo pipefail
cd "$(dirname "$0")/../.."
restarts=${1:-4}
root=$(mktemp -d /tmp/migrate_servers_XXXXXX)
# Both servers' owners write their data directories and sockets here.
chmod 1777 "$root"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=5499 STANDBY_PORT=5498 MY_PORT=3399
export MIGRATE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
export MIGRATE_TEST_MYSQL_URL="mysql://migrate:migrate@127.0.0.1:$MY_PORT/migrate_home"
KINDS=${KINDS:-postgres mysql}
. tests/reliability/common.sh
build_app
status=0

# Runs a command as the servers' owner when root (initdb and mariadbd refuse to run as root).
as_user() { # user, command
    if [ "$(id -u)" = 0 ]; then su "$1" -s /bin/bash -c "$2"; else bash -c "$2"; fi
}

pg_start() { # data directory, port
    as_user postgres "$PG_BIN/pg_ctl -D $1 -o '-p $2 -k $root -c listen_addresses=127.0.0.1' -l $1.log -w start" >/dev/null
}
pg_stop() { # data directory, mode
    as_user postgres "$PG_BIN/pg_ctl -D $1 -m $2 -w stop" >/dev/null 2>&1 || true
}
my_start() { # extra options of mariadbd
    local user=()
    [ "$(id -u)" = 0 ] && user=(--user=mysql)
    /usr/sbin/mariadbd --no-defaults --datadir="$root/mariadb" --port=$MY_PORT --bind-address=127.0.0.1 \
        --socket="$root/mariadb.sock" --pid-file="$root/mariadb.pid" --log-error="$root/mariadb.err" \
        --skip-log-bin "${user[@]}" "$@" >/dev/null 2>&1 &
    disown
    for _ in $(seq 300); do
        my_root -e "SELECT 1" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "the private MariaDB didn't start: $(tail -5 "$root/mariadb.err")" >&2
    return 1
}
my_stop() { # kill (SIGKILL) or shutdown
    local pid
    pid=$(cat "$root/mariadb.pid" 2>/dev/null) || return 0
    if [ "$1" = kill ]; then kill -9 "$pid"; else my_root_admin shutdown; fi
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}
my_root() { mariadb --socket="$root/mariadb.sock" -u root "$@"; }
my_root_admin() { mariadb-admin --socket="$root/mariadb.sock" -u root "$@"; }

cleanup() {
    pg_stop "$root/standby" immediate
    pg_stop "$root/postgres" immediate
    my_stop kill 2>/dev/null || true
    rm -rf "$root" "$ANCESTORS"
}
trap cleanup EXIT

for kind in $(kinds); do
    case $kind in
        postgres)
            as_user postgres "$PG_BIN/initdb -D $root/postgres -A trust -U postgres" >/dev/null
            pg_start "$root/postgres" $PG_PORT ;;
        mysql)
            user=()
            [ "$(id -u)" = 0 ] && user=(--user=mysql)
            mariadb-install-db --no-defaults --datadir="$root/mariadb" "${user[@]}" \
                --auth-root-authentication-method=socket >"$root/install.log" 2>&1
            my_start
            # The app's user: every privilege on its databases, no SUPER (which would bypass
            # --read-only); the anonymous users would shadow it.
            my_root -e "DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;
                CREATE USER migrate@'%' IDENTIFIED BY 'migrate'; GRANT ALL ON \`migrate\\_%\`.* TO migrate@'%';
                CREATE DATABASE migrate_home" ;;
        *) echo "server_restart.sh: no server of kind $kind" >&2; exit 2 ;;
    esac
    learn_app "$kind"

    # Restarts mid-run.
    moments=("statement ran" "migration ran; recording it" "batch done" "migrated")
    declare -A total=()
    for moment in "${moments[@]}"; do
        url=$(create_database "$kind" migrate_count)
        total[$moment]=$(RELIABILITY_PAUSE_AT="$moment:1000000" DATABASE_URL="$url" "$BIN" -q upgrade head 2>&1 \
            | sed -n 's/^RELIABILITY: \([0-9]*\) such events in all$/\1/p')
        drop_database "$kind" migrate_count
    done
    not_failed=0 panicked=0 unclear=0 mismatched=0 half_applied=0 locked=0 rerun_failed=0
    messages=$(mktemp /tmp/migrate_messages_XXXXXX)
    for trial in $(seq "$restarts"); do
        moment=${moments[$(((trial - 1) % ${#moments[@]}))]}
        n=$((RANDOM % ${total[$moment]} + 1))
        name="migrate_restart_$trial"
        url=$(create_database "$kind" "$name")
        log="$root/$name.log"
        : >"$log"
        RELIABILITY_PAUSE_AT="$moment:$n" RELIABILITY_PAUSE_MS=1000 DATABASE_URL="$url" "$BIN" -q upgrade head >"$log" 2>&1 &
        pid=$!
        while ! grep -q "RELIABILITY: paused" "$log" && kill -0 $pid 2>/dev/null; do sleep 0.02; done
        case $kind/$((trial % 2)) in
            postgres/0) how="pg_ctl stop -m immediate"; pg_stop "$root/postgres" immediate ;;
            postgres/1) how="pg_ctl stop -m fast"; pg_stop "$root/postgres" fast ;;
            mysql/0) how="SIGKILL"; my_stop kill ;;
            mysql/1) how="mariadb-admin shutdown"; my_stop shutdown ;;
        esac
        ended=0
        wait $pid || ended=$?
        case $kind in postgres) pg_start "$root/postgres" $PG_PORT ;; mysql) my_start ;; esac
        where="$kind trial $trial ($moment:$n, $how)"
        if [ $ended = 0 ]; then not_failed=$((not_failed + 1)); echo "$where: the run exited 0"; fi
        if grep -q "panicked at" "$log"; then panicked=$((panicked + 1)); echo "$where: a panic:"; cat "$log"; fi
        error=$(grep "^error:" "$log" || true)
        if ! grep -qE "connection|terminating|shut ?down" <<<"$error"; then
            unclear=$((unclear + 1)); echo "$where: unclear error:"; cat "$log"
        fi
        echo "$error" | sed -E "s/migration 'r[0-9]+'/migration 'rNN'/; s/\`[^\`]*\`/\`...\`/g" >>"$messages"
        if ! check_state "$kind" "$url" >"$log.state"; then
            mismatched=$((mismatched + 1)); echo "$where:"; cat "$log.state"
        elif grep -q half-applied "$log.state"; then
            half_applied=$((half_applied + 1)); echo "$where: $(cat "$log.state")"
        fi
        if ! lock_free "$kind" "$url"; then locked=$((locked + 1)); echo "$where: the run lock is still held"; fi
        if ! DATABASE_URL="$url" "$BIN" -q upgrade head >"$log" 2>&1; then
            rerun_failed=$((rerun_failed + 1)); echo "$where: the re-run failed:"; cat "$log"
        elif ! wrong=$(applied_once "$kind" "$url"); then
            rerun_failed=$((rerun_failed + 1)); echo "$where: after the re-run: $wrong"
        fi
        drop_database "$kind" "$name"
    done
    echo "$kind: $restarts restarts mid-run: $not_failed runs exited 0, $panicked panicked, $unclear unclear errors, $mismatched version tables not matching the schema or side effects, $half_applied migrations left half-applied, $locked run locks left held, $rerun_failed re-runs failed"
    echo "$kind: the errors seen:"; sort "$messages" | uniq -c
    rm -f "$messages"
    [ $((not_failed + panicked + unclear + mismatched + locked + rerun_failed)) -ne 0 ] && status=1
    unset total

    # Read-only servers: the database empty, and at r20.
    [ "${READ_ONLY:-yes}" = no ] && continue
    read_only_failed=0
    for from in empty r20; do
        name="migrate_read_only_$from"
        url=$(create_database "$kind" "$name")
        [ $from != empty ] && DATABASE_URL="$url" "$BIN" -q upgrade $from
        case $kind in
            postgres)
                how="hot standby"
                as_user postgres "$PG_BIN/pg_basebackup -c fast -h 127.0.0.1 -p $PG_PORT -U postgres -D $root/standby -R"
                pg_start "$root/standby" $STANDBY_PORT
                target=${url/":$PG_PORT/"/":$STANDBY_PORT/"} ;;
            mysql)
                how="--read-only"
                my_stop shutdown; my_start --read-only
                target=$url ;;
        esac
        ended=0
        DATABASE_URL="$target" "$BIN" -q upgrade head >"$root/$name.log" 2>&1 || ended=$?
        where="$kind ($how, database $from)"
        echo "$where: exit $ended: $(cat "$root/$name.log")"
        if [ $ended = 0 ] || grep -q "panicked at" "$root/$name.log" || ! grep -q "read-only" "$root/$name.log"; then
            read_only_failed=$((read_only_failed + 1)); echo "$where: not the clear error expected"
        fi
        if ! check_state "$kind" "$target" >"$root/$name.state" || grep -q half-applied "$root/$name.state"; then
            read_only_failed=$((read_only_failed + 1)); echo "$where:"; cat "$root/$name.state"
        fi
        if [ "$(query "$kind" "$target" "SELECT COUNT(*) FROM migrate_version" 2>/dev/null || echo none)" != \
            "$([ $from = empty ] && echo none || echo 1)" ]; then
            read_only_failed=$((read_only_failed + 1)); echo "$where: the version table changed"
        fi
        case $kind in
            postgres) pg_stop "$root/standby" immediate; rm -rf "$root/standby" ;;
            mysql) my_stop shutdown; my_start ;;
        esac
        if ! DATABASE_URL="$url" "$BIN" -q upgrade head >"$root/$name.log" 2>&1 || ! wrong=$(applied_once "$kind" "$url"); then
            read_only_failed=$((read_only_failed + 1)); echo "$where: the re-run on the writable server failed: ${wrong:-}"; cat "$root/$name.log"
        fi
        drop_database "$kind" "$name"
    done
    echo "$kind: read-only ($how), from an empty database and from r20: $read_only_failed failures"
    [ $read_only_failed -ne 0 ] && status=1
done
exit $status
