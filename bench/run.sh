#!/usr/bin/env bash
# Runs every benchmark in turn against the release build: store, remoting (producer/consumer), HTTP gateway, timer.
# Each script is bounded in time and stops what it starts by PID. Figures go to stdout; copy them into RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/store.sh
bash bench/remoting.sh
bash bench/http.sh
bash bench/timer.sh
