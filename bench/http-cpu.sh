#!/usr/bin/env bash
# CPU per gateway send: runs wrk (1 KiB POSTs, 50 keep-alive connections, 14 s) against a fresh node and reads the
# broker's and wrk's thread CPU times from /proc over 8 s in the middle. Prints req/s, broker and wrk CPU microseconds
# per request, and the whole machine's user/sys/idle/softirq split. Throughput swings with this VM's speed; the
# broker's microseconds per request, read beside wrk's, tell more when comparing two builds with the same settings.
#
#   bench/http-cpu.sh           needs wrk and a release build; env: TERN=path/to/tern  DIR=$TMPDIR/tern-bench-cpu
#   TERN_HTTP_THREADS=4 ...     any TERN_* setting applies to the node
#   PERF="-F 3000 -g" ...       also `perf record`s the broker over the same 8 s into $DIR/perf.data (perf report -i)
#   PERF="-e probe_libc:malloc -g" ...  counts mallocs instead, after
#                               `perf probe -x /usr/lib/x86_64-linux-gnu/libc.so.6 malloc`
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
DIR=${DIR:-${TMPDIR:-/tmp}/tern-bench-cpu}
mkdir -p "$DIR"
WRK_PID=
cleanup() {
    stop_tern
    if [ -n "$WRK_PID" ]; then kill -TERM "$WRK_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
machine
start_tern "$DIR/store"
"$TERN" admin topic create --namesrv "$NAMESRV" --topic HttpBench --queues 8 >/dev/null
echo "\$ wrk -t2 -c50 -d14s -s bench/http-post.lua http://$HTTP/v1/topics/HttpBench/messages"
wrk -t2 -c50 -d14s -s bench/http-post.lua "http://$HTTP/v1/topics/HttpBench/messages" >"$DIR/wrk.txt" &
WRK_PID=$!
# Summed utime + stime (clock ticks) of every thread of a process.
ticks() { cat /proc/"$1"/task/*/stat 2>/dev/null | awk '{s += $14 + $15} END {print s}'; }
sleep 3
tern_a=$(ticks "$TERN_PID"); wrk_a=$(ticks "$WRK_PID"); cpu_a=$(head -1 /proc/stat)
if [ -n "${PERF:-}" ]; then
    # shellcheck disable=SC2086
    perf record $PERF -o "$DIR/perf.data" -p "$TERN_PID" -- sleep 8 >/dev/null 2>&1
else
    sleep 8
fi
tern_b=$(ticks "$TERN_PID"); wrk_b=$(ticks "$WRK_PID"); cpu_b=$(head -1 /proc/stat)
wait "$WRK_PID"
WRK_PID=
rps=$(awk '/^Requests\/sec/ {print $2}' "$DIR/wrk.txt")
hz=$(getconf CLK_TCK)
awk -v r="$rps" -v t=$((tern_b - tern_a)) -v w=$((wrk_b - wrk_a)) -v hz="$hz" 'BEGIN {
    printf "%.0f req/s; broker %.1f us/req, wrk %.1f us/req (ratio %.2f)\n",
        r, t * 1e6 / hz / (r * 8), w * 1e6 / hz / (r * 8), t / w }'
if [ -n "${PERF:-}" ]; then echo "perf data (perf itself slows the broker): $DIR/perf.data"; fi
echo "$cpu_a $cpu_b" | awk -v hz="$hz" '{
    printf "machine, %% of one core: user %.0f, sys %.0f, idle %.0f, softirq %.0f\n",
        ($13 - $2) * 100 / hz / 8, ($15 - $4) * 100 / hz / 8, ($16 - $5) * 100 / hz / 8, ($19 - $8) * 100 / hz / 8 }'
