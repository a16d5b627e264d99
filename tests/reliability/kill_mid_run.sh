#!/usr/bin/env bash
# Killed mid-run: `upgrade head` on an empty database is killed with SIGKILL after a random delay,
# K times per database. After each kill: the version table matches the schema read back with the
# server's own client (each table or column exists exactly when the migration that makes it is
# recorded, or, on MariaDB, is the one the progress table names), `current` answers at once with a 2 s lock timeout (no lock left held), and a re-run
# reaches head with every migration logged once. Usage: kill_mid_run.sh [kills=10] [max_delay_ms=150]
set -euo pipefail
cd "$(dirname "$0")/../.."
# Its checks know the quickstart app's schema (kill_at_moments.sh drives the reliability app).
APP=quickstart
. tests/reliability/common.sh
kills=${1:-10} max_delay=${2:-150}
build_app
status=0

table_count() { # kind url table
    case $1 in
        sqlite) query "$1" "$2" "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '$3'" ;;
        postgres) query "$1" "$2" "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '$3'" ;;
        mysql) query "$1" "$2" "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '$3'" ;;
    esac
}
column_count() { # kind url table column
    case $1 in
        sqlite) query "$1" "$2" "SELECT COUNT(*) FROM pragma_table_info('$3') WHERE name = '$4'" ;;
        postgres) query "$1" "$2" "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$3' AND column_name = '$4'" ;;
        mysql) query "$1" "$2" "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '$3' AND column_name = '$4'" ;;
    esac
}

for kind in $(kinds); do
    mismatched=0 stuck=0 rerun_failed=0 finished_before_kill=0
    for trial in $(seq "$kills"); do
        name="migrate_kill_$$_$trial"
        url=$(create_database "$kind" "$name")
        DATABASE_URL="$url" "$BIN" upgrade head >/dev/null 2>&1 & pid=$!
        sleep "$(printf '0.%03d' $((RANDOM % max_delay)))"
        if kill -9 "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; else finished_before_kill=$((finished_before_kill + 1)); wait "$pid" || true; fi
        # What the version table says is applied, and what the schema shows.
        heads=$(query "$kind" "$url" "SELECT version_num FROM migrate_version" 2>/dev/null | tr '\n' ' ' || true)
        users=0 posts=0 email=0
        [ -n "$heads" ] && users=1
        case " $heads" in *" ae1027a6acf0 "*|*" $HEAD "*) posts=1 ;; esac
        case " $heads" in *" 27c6a30d7c24 "*|*" $HEAD "*) email=1 ;; esac
        # On MariaDB, whose DDL commits as it runs, the migration the progress table names may
        # have taken effect before it was recorded (a re-run resumes it).
        if [ "$kind" = mysql ]; then
            case $(query "$kind" "$url" "SELECT DISTINCT revision FROM migrate_version_progress" 2>/dev/null || true) in
                1975ea83b712) [ "$(table_count "$kind" "$url" users)" = 1 ] && users=1 ;;
                ae1027a6acf0) [ "$(table_count "$kind" "$url" posts)" = 1 ] && posts=1 ;;
                27c6a30d7c24) [ "$(column_count "$kind" "$url" users email)" = 1 ] && email=1 ;;
            esac
        fi
        seen="$(table_count "$kind" "$url" users) $(table_count "$kind" "$url" posts) $(column_count "$kind" "$url" users email)"
        if [ "$seen" != "$users $posts $email" ]; then
            mismatched=$((mismatched + 1)); echo "$kind trial $trial: version table [$heads] but users/posts/email = $seen"
        fi
        if ! DATABASE_URL="$url" timeout 20 "$BIN" current >/dev/null 2>&1; then
            stuck=$((stuck + 1)); echo "$kind trial $trial: current failed after the kill"
        fi
        if ! DATABASE_URL="$url" "$BIN" upgrade head >"/tmp/$name.log" 2>&1 \
            || [ "$(query "$kind" "$url" "SELECT COUNT(*) FROM migrate_version_log WHERE direction = 'upgrade'")" -ne "$MIGRATIONS" ]; then
            rerun_failed=$((rerun_failed + 1)); echo "$kind trial $trial: the re-run failed:"; cat "/tmp/$name.log"
        fi
        rm -f "/tmp/$name.log"
        drop_database "$kind" "$name"
    done
    echo "$kind: $kills kills (delay 0-${max_delay} ms; $finished_before_kill runs finished first): $mismatched version tables not matching the schema, $stuck databases left locked, $rerun_failed re-runs failed"
    [ $((mismatched + stuck + rerun_failed)) -ne 0 ] && status=1
done
exit $status
