#!/usr/bin/env bash
# Store benchmark: the disk's own sequential write and fdatasync rates (dd), then `tern bench store`
# (StoreBenchmark: appends/s and MB/s for 128 B / 1 KiB / 16 KiB bodies, async and sync flush, 1/8/64 writers).
#
#   bench/store.sh [DIR]        DIR defaults to $TMPDIR/tern-bench-store (needs ~8 GiB free)
#   env: TERN=path/to/tern  SECONDS_PER_CASE=5  SUSTAINED_SECONDS=60  DD_MB=4096  DSYNC_COUNT=5000
set -euo pipefail

DIR=${1:-${TMPDIR:-/tmp}/tern-bench-store}
TERN=${TERN:-.build/release/tern}
SECONDS_PER_CASE=${SECONDS_PER_CASE:-5}
SUSTAINED_SECONDS=${SUSTAINED_SECONDS:-60}
DD_MB=${DD_MB:-4096}
DSYNC_COUNT=${DSYNC_COUNT:-5000}
mkdir -p "$DIR"
trap 'rm -f "$DIR/dd.bin" "$DIR/dsync.bin"' EXIT

echo "machine: nproc=$(nproc), kernel $(uname -r), $(df -h "$DIR" | awk 'NR==2 {print $1 " (" $2 ")"}')"

# Sequential write rate, including the final fdatasync so the page cache does not flatter it.
seq=$(dd if=/dev/zero of="$DIR/dd.bin" bs=1M count="$DD_MB" conv=fdatasync 2>&1 | tail -1)
echo "dd sequential write (${DD_MB} MiB, bs=1M, conv=fdatasync): $seq"
rm -f "$DIR/dd.bin"

# fdatasync rate: every 4 KiB write is synced (oflag=dsync), so writes/s == syncs/s.
dsync=$(dd if=/dev/zero of="$DIR/dsync.bin" bs=4k count="$DSYNC_COUNT" oflag=dsync 2>&1 | tail -1)
secs=$(echo "$dsync" | sed -E 's/.*copied, ([0-9.]+) s.*/\1/')
echo "dd 4 KiB dsync writes: $dsync => $(awk -v n="$DSYNC_COUNT" -v s="$secs" 'BEGIN {printf "%d", n / s}') fdatasync/s"
rm -f "$DIR/dsync.bin"

if ! "$TERN" bench store --help 2>&1 | grep -q -- "--sustained-seconds"; then
    echo "skipping the store benchmark: $TERN has no 'bench store' subcommand yet (wire StoreBenchmark.run)" >&2
    exit 0
fi
"$TERN" bench store --path "$DIR" --seconds "$SECONDS_PER_CASE" --sustained-seconds "$SUSTAINED_SECONDS"
