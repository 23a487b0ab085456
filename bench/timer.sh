#!/usr/bin/env bash
# Timer wheel benchmark (issue 5): `tern bench timer` stores N timer messages due at random times within 60 s in an
# in-memory store, scans them into the wheel (scheduled/s) and fires them into their real topic (delivered/s).
#
#   bench/timer.sh              env: TERN=path/to/tern  PENDING=1000000 (memory: about PENDING x 400 bytes)
set -euo pipefail
cd "$(dirname "$0")/.."
TERN=${TERN:-.build/release/tern}
PENDING=${PENDING:-1000000}
echo "machine: nproc=$(nproc), kernel $(uname -r)"
"$TERN" bench timer --pending "$PENDING"
