#!/usr/bin/env bash
# Kills at named moments: `upgrade head` of the reliability app (50 migrations) is killed with
# SIGKILL by itself at the n-th `tracing` event of one kind (RELIABILITY_KILL_AT), K times per
# database, the moments taken in turn and n at random among the events a whole run has:
#
#   statement ran                                  after a statement of a migration's operations
#   migration ran; recording it                    after a migration, before its version update
#   migrated                                       after a migration's version update
#   batch done                                     after a batch of r32's backfill (21 batches)
#   another migration run holds the lock; waiting  while the lock is held by the database's own
#                                                  client; these runs start from a random revision
#
# After each kill: the version table matches the schema and the side-effect rows read back with the
# database's own client (check_state in common.sh), the run lock is free, `current` answers, and a
# re-run with a 2 s lock timeout reaches head with every migration logged once and its side effect
# there once. Usage: kill_at_moments.sh [kills=14] (KINDS to choose databases).
#
# POINTS="<message>:<n>|..." aims the kills at those points instead, in turn (a negative n counts
# from the run's last such event): every boundary of `r50`, the last migration, with its five
# statements, is
#   POINTS="migrated:-2|statement ran:-5|statement ran:-4|statement ran:-3|statement ran:-2|statement ran:-1|migration ran; recording it:-1"
# (before its first statement, after each, before its recording).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/reliability/common.sh
kills=${1:-14}
build_app
MOMENTS=("statement ran" "migration ran; recording it" "batch done" "another migration run holds the lock; waiting"
    "statement ran" "migration ran; recording it" "migrated")
POINT_LIST=()
if [ -n "${POINTS:-}" ]; then
    IFS='|' read -r -a POINT_LIST <<<"$POINTS"
    MOMENTS=()
    for point in "${POINT_LIST[@]}"; do MOMENTS+=("${point%:*}"); done
fi
config=$(mktemp /tmp/migrate_kill_XXXXXX.toml)
echo "lock_timeout_seconds = 2" >"$config"
trap 'rm -f "$ANCESTORS" "$config"' EXIT
status=0

# How many events with message $3 a whole run from an empty database has.
events_in_a_run() {
    local kind=$1 name="migrate_count_$$" url count
    url=$(create_database "$kind" "$name")
    count=$(RELIABILITY_KILL_AT="$2:1000000" DATABASE_URL="$url" "$BIN" -q upgrade head 2>&1 \
        | sed -n 's/^RELIABILITY: \([0-9]*\) such events in all$/\1/p')
    drop_database "$kind" "$name"
    echo "$count"
}

for kind in $(kinds); do
    learn_app "$kind"
    declare -A total=() landed=()
    for moment in "${MOMENTS[@]}"; do
        case $moment in
            "another migration run holds the lock; waiting") total[$moment]=1 ;;
            *) total[$moment]=$(events_in_a_run "$kind" "$moment") ;;
        esac
        landed[$moment]=0
    done
    mismatched=0 half_applied=0 locked=0 current_failed=0 rerun_failed=0 not_killed=0
    for trial in $(seq "$kills"); do
        moment=${MOMENTS[$(((trial - 1) % ${#MOMENTS[@]}))]}
        if [ ${#POINT_LIST[@]} -gt 0 ]; then
            n=${POINT_LIST[$(((trial - 1) % ${#POINT_LIST[@]}))]##*:}
            [ "$n" -lt 0 ] && n=$((${total[$moment]} + 1 + n))
        else
            n=$((RANDOM % ${total[$moment]} + 1))
        fi
        name="migrate_moment_$$_$trial"
        url=$(create_database "$kind" "$name")
        from=""
        if [ "$moment" = "another migration run holds the lock; waiting" ]; then
            from=$(printf 'r%02d' $((RANDOM % MIGRATIONS)))
            [ "$from" != r00 ] && DATABASE_URL="$url" "$BIN" -q upgrade "$from"
            hold_lock "$kind" "$url"
        fi
        ended=0
        RELIABILITY_KILL_AT="$moment:$n" DATABASE_URL="$url" "$BIN" -q upgrade head >"/tmp/$name.log" 2>&1 &
        wait $! 2>/dev/null || ended=$?
        [ -n "$from" ] && release_lock
        where="$kind trial $trial ($moment:$n${from:+, from $from})"
        if [ $ended = 137 ]; then
            landed["$moment"]=$((${landed["$moment"]} + 1))
        else
            not_killed=$((not_killed + 1)); echo "$where: not killed (exit $ended):"; cat "/tmp/$name.log"
        fi
        if ! check_state "$kind" "$url" >"/tmp/$name.state"; then
            mismatched=$((mismatched + 1)); echo "$where:"; cat "/tmp/$name.state"
        elif grep -q half-applied "/tmp/$name.state"; then
            half_applied=$((half_applied + 1)); echo "$where: $(cat "/tmp/$name.state")"
        fi
        if ! lock_free "$kind" "$url"; then
            locked=$((locked + 1)); echo "$where: the run lock is still held"
        fi
        if ! DATABASE_URL="$url" timeout 20 "$BIN" --config "$config" current >"/tmp/$name.log" 2>&1; then
            current_failed=$((current_failed + 1)); echo "$where: current failed:"; cat "/tmp/$name.log"
        fi
        if ! DATABASE_URL="$url" "$BIN" -q --config "$config" upgrade head >"/tmp/$name.log" 2>&1; then
            rerun_failed=$((rerun_failed + 1)); echo "$where: the re-run failed:"; cat "/tmp/$name.log"
        elif ! wrong=$(applied_once "$kind" "$url") || ! state=$(check_state "$kind" "$url") \
            || [ "$(query "$kind" "$url" "SELECT version_num FROM migrate_version")" != "$HEAD" ]; then
            rerun_failed=$((rerun_failed + 1)); echo "$where: after the re-run: ${wrong:-} ${state:-}"
        fi
        rm -f "/tmp/$name.log" "/tmp/$name.state"
        drop_database "$kind" "$name"
    done
    summary=""
    for moment in "${!landed[@]}"; do summary+="${landed[$moment]} at '$moment' (of ${total[$moment]}); "; done
    echo "$kind: $kills kills: ${summary}$not_killed not killed; $mismatched version tables not matching the schema or side effects, $half_applied migrations left half-applied, $locked run locks left held, $current_failed current failed, $rerun_failed re-runs failed"
    # A half-applied migration is what MariaDB's DDL leaves; what counts is that the re-run finishes it.
    [ $((mismatched + locked + current_failed + rerun_failed + not_killed)) -ne 0 ] && status=1
    unset total landed
done
exit $status
