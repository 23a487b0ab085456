#!/usr/bin/env bash
# Remoting benchmark: start-up time and idle RSS of `tern start`, then `tern bench producer` / `consumer` against it
# over loopback (client and broker on the same machine), 1 KiB bodies.
#
#   bench/remoting.sh            needs a release build: make release
#                                (swift build -c release --product tern --static-swift-stdlib; idle RSS assumes static)
#   env: TERN=path/to/tern  SECONDS_PER_CASE=10  DIR=$TMPDIR/tern-bench-remoting
#
# Cases (targets from the brief in brackets):
#   ready time on an empty store [<= 300 ms], idle RSS [< 30 MB]
#   async flush: 64 sync senders [>= 60k msg/s]; batches of 32 [>= 150k msg/s]; 64 async senders x8 (info);
#                paced at 20k msg/s [p99 < 5 ms]; consumer drain of everything sent [>= 300k msg/s]
#   SYNC_FLUSH:  64 sync senders [>= 25k msg/s]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SECONDS_PER_CASE=${SECONDS_PER_CASE:-10}
DIR=${DIR:-${TMPDIR:-/tmp}/tern-bench-remoting}
mkdir -p "$DIR"
trap 'stop_tern' EXIT
machine
disk "$DIR"; echo

run() {
    echo "\$ tern $*"
    "$TERN" "$@" | grep -E '^(producer|consumer|\[(summary|drain|codes)\])' || true
}

echo "== start-up and idle memory (empty store, 3 starts)"
for i in 1 2 3; do
    start_tern "$DIR/idle"
    sleep 2
    echo "start $i: TERN_READY after ${READY_MS} ms; idle VmRSS $(rss_kb "$TERN_PID") kB" \
        "($(awk '/^RssAnon|^RssFile/ {printf "%s %s kB  ", $1, $2}' "/proc/$TERN_PID/status"))"
    stop_tern
done

# caught_up: waits until the consume queues have caught up with the commit log (bounded: 60 s).
# settle: each case starts from a broker that has finished the previous one: caught up, then a few seconds for the
# key index and the page cache's write-back (a case run straight after another otherwise measures the broker still
# digesting it: 20-25 % lower in runs here).
caught_up() {
    for _ in $(seq 1 600); do
        behind=$(curl -s "http://$HTTP/metrics" | awk '/^tern_store_dispatch_behind_bytes/ {printf "%d", $2}')
        [ "${behind:-1}" = 0 ] && break
        sleep 0.1
    done
}
settle() {
    caught_up
    sleep "${SETTLE_SECONDS:-5}"
}

echo "== async flush (default)"
start_tern "$DIR/async"
echo "ready after ${READY_MS} ms: namesrv=$NAMESRV broker=$BROKER"
S=$SECONDS_PER_CASE
run bench producer --namesrv "$NAMESRV" --topic BenchSync --threads 64 --size 1024 --sync --seconds "$S"
settle
run bench producer --namesrv "$NAMESRV" --topic BenchBatch --threads 64 --size 1024 --batch 32 --seconds "$S"
settle
run bench producer --namesrv "$NAMESRV" --topic BenchAsync --threads 64 --size 1024 --async --inflight 8 \
    --seconds "$S"
settle
run bench producer --namesrv "$NAMESRV" --topic BenchRate --threads 64 --size 1024 --rate 20000 --seconds "$S"
# Drain measures pulls, not the dispatcher: wait until the consume queues have caught up with the commit log.
caught_up
echo "dispatch behind before draining: ${behind:-?} bytes"
run bench consumer --namesrv "$NAMESRV" --topic BenchBatch --connections 2
run bench consumer --namesrv "$NAMESRV" --topic BenchSync --connections 2
echo "broker VmRSS after the async cases: $(rss_kb "$TERN_PID") kB"
stop_tern

echo "== SYNC_FLUSH"
start_tern "$DIR/sync" --flush-disk-type SYNC_FLUSH
run bench producer --namesrv "$NAMESRV" --topic BenchSyncFlush --threads 64 --size 1024 --sync --seconds "$S"
settle
run bench producer --namesrv "$NAMESRV" --topic BenchSyncFlush --threads 128 --size 1024 --sync --seconds "$S"
stop_tern
rm -rf "$DIR" "$DIR".conf
