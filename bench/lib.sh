# Shared helpers for bench/*.sh: start a tern node in the background, wait for its ready line, stop it by PID.
# Sourced, not run. Sets TERN_PID, READY_MS, NAMESRV, BROKER, HTTP.

TERN=${TERN:-.build/release/tern}

# start_tern STORE_DIR [extra tern start flags...]: starts on a fresh store, or on the one there with KEEP_STORE=1.
start_tern() {
    local store=$1
    shift
    [ "${KEEP_STORE:-0}" = 1 ] || rm -rf "$store"
    local fifo
    fifo=$(mktemp -u "${TMPDIR:-/tmp}/tern-ready.XXXXXX")
    mkfifo "$fifo"
    local t0 t1 line
    # This VM's disk is shared and often above RocketMQ's 75 % cleaning threshold (statvfs: 1 - bavail/blocks);
    # without this the cleaner deletes segments mid-run (PULL_OFFSET_MOVED) and writes stop above 90 %.
    printf 'diskMaxUsedSpaceRatio=95\ndiskSpaceCleanForciblyRatio=95\ndiskSpaceWarningLevelRatio=95\n' \
        >"$store.conf"
    t0=$(date +%s%N)
    "$TERN" start --config "$store.conf" --store-path "$store" --namesrv-port 0 --broker-port 0 --http-port 0 --log-level warning "$@" \
        >"$fifo" 2>"$store.log" &
    TERN_PID=$!
    exec 3<"$fifo"
    rm -f "$fifo"
    if ! read -r -t 30 line <&3; then
        echo "tern did not print TERN_READY within 30 s (log: $store.log)" >&2
        kill -TERM "$TERN_PID" 2>/dev/null || true
        return 1
    fi
    t1=$(date +%s%N)
    READY_MS=$(((t1 - t0) / 1000000))
    NAMESRV=$(echo "$line" | sed -nE 's/.*namesrv=([^ ]+).*/\1/p')
    BROKER=$(echo "$line" | sed -nE 's/.*broker=([^ ]+).*/\1/p')
    HTTP=$(echo "$line" | sed -nE 's/.*http=([^ ]+).*/\1/p')
}

# rss_kb PID: resident set size in KiB from /proc.
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# stop_tern: SIGTERM the node started by start_tern and wait for it.
stop_tern() {
    if [ -n "${TERN_PID:-}" ]; then
        kill -TERM "$TERN_PID" 2>/dev/null || true
        wait "$TERN_PID" 2>/dev/null || true
        TERN_PID=
        exec 3<&- || true
    fi

}

disk() { df -P "${1:-/tmp}" | awk 'NR==2 {printf "disk %s: %.1f%% used (1 - bavail/blocks)", $6, 100 - 100*$4/$2}'; }

machine() {
    echo "machine: nproc=$(nproc), $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
        "kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
