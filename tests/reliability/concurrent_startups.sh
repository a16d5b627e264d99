#!/usr/bin/env bash
# Concurrent startups: N separate processes run `upgrade head` on the same empty database at once,
# R rounds per database. Every process must exit 0 at head, and every migration be applied exactly
# once (the log's upgrade rows, and with the reliability app its side-effect rows).
# Usage: [APP=reliability|quickstart] concurrent_startups.sh [processes=4] [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/reliability/common.sh
processes=${1:-4} rounds=${2:-2}
build_app
status=0
for kind in $(kinds); do
    failed=0 duplicated=0 not_at_head=0
    for round in $(seq "$rounds"); do
        name="migrate_startups_$$_$round"
        url=$(create_database "$kind" "$name")
        pids=()
        for i in $(seq "$processes"); do
            DATABASE_URL="$url" "$BIN" upgrade head >"/tmp/$name.$i.log" 2>&1 & pids+=($!)
        done
        for i in "${!pids[@]}"; do
            if ! wait "${pids[$i]}"; then
                failed=$((failed + 1)); echo "$kind round $round process $((i + 1)) failed:"; cat "/tmp/$name.$((i + 1)).log"
            fi
        done
        if ! wrong=$(applied_once "$kind" "$url"); then
            duplicated=$((duplicated + 1)); echo "$kind round $round: $wrong"
        fi
        heads=$(query "$kind" "$url" "SELECT version_num FROM migrate_version" || echo none)
        [ "$heads" != "$HEAD" ] && { not_at_head=$((not_at_head + 1)); echo "$kind round $round: at $heads"; }
        drop_database "$kind" "$name"
        rm -f /tmp/"$name".*.log
    done
    echo "$kind: $APP, $rounds rounds x $processes processes: $failed processes failed, $duplicated rounds not applying each migration exactly once, $not_at_head rounds not at head"
    [ $((failed + duplicated + not_at_head)) -ne 0 ] && status=1
done
exit $status
