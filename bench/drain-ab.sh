#!/usr/bin/env bash
# A/B consumer drain: fills one store once (1 KiB bodies, batches of 32), then drains all of it with
# `tern bench consumer` from each binary in turn on that same store, ROUNDS times interleaved (A B A B ...), so both
# see the same records and page cache. Used for the cost of the body CRC check on reads (bench/RESULTS.md, issue 15).
#
#   bench/drain-ab.sh BEFORE_BINARY AFTER_BINARY     (release builds)
#   env: FILL_SECONDS=8  ROUNDS=3  DIR=$TMPDIR/tern-bench-drain
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BEFORE=$1
AFTER=$2
FILL_SECONDS=${FILL_SECONDS:-8}
ROUNDS=${ROUNDS:-3}
DIR=${DIR:-${TMPDIR:-/tmp}/tern-bench-drain}
mkdir -p "$DIR"
trap 'stop_tern' EXIT
machine
disk "$DIR"; echo

# cpu_ticks PID: user + system clock ticks of the process so far (/proc/PID/stat fields 14 and 15).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "== fill: $FILL_SECONDS s of batches of 32 x 1 KiB (binary: $BEFORE)"
TERN=$BEFORE start_tern "$DIR/store"
"$BEFORE" bench producer --namesrv "$NAMESRV" --topic BenchDrain --threads 64 --size 1024 --batch 32 \
    --seconds "$FILL_SECONDS" | grep -E '^(producer|\[summary)' || true
stop_tern

for round in $(seq 1 "$ROUNDS"); do
    for side in before after; do
        binary=$BEFORE
        [ "$side" = after ] && binary=$AFTER
        TERN=$binary KEEP_STORE=1 start_tern "$DIR/store"
        echo "round $round, $side:"
        ticks_before=$(cpu_ticks "$TERN_PID")
        "$binary" bench consumer --namesrv "$NAMESRV" --topic BenchDrain --connections 2 \
            --group "drain_${side}_$round" | grep -E '^(\[(summary|drain))' || true
        # Broker CPU (user + system) spent on the drain: less sensitive to other load on the machine than wall time.
        echo "broker CPU during the drain: $(( ($(cpu_ticks "$TERN_PID") - ticks_before) * 1000 / $(getconf CLK_TCK) )) ms"
        stop_tern
    done
done
rm -rf "$DIR"
