#!/usr/bin/env bash
# Gateway suite: curl-level HTTP tests and schemathesis against the built `tern` binary (Tests/gateway/*.py).
#
# One venv, .venv-gateway under the repo, holds pytest, requests and schemathesis (created once, then reused).
# The pytest session starts `tern start` on free loopback ports with a throwaway store and stops it by PID.
# Prints pytest's summary line; exits non-zero on failure.
# Environment: TERN_BIN (default .build/debug/tern), TERN_GATEWAY_ARGS (extra pytest arguments),
# TERN_SCHEMATHESIS_MAX_EXAMPLES / _SEED / _ARGS (see test_schemathesis.py).
set -uo pipefail

cd "$(dirname "$0")/../.."
REPO="$PWD"
HERE="$REPO/Tests/gateway"
VENV="$REPO/.venv-gateway"
export TERN_BIN="${TERN_BIN:-$REPO/.build/debug/tern}"
PYTHON="${PYTHON:-python3}"
REQUIREMENTS=(schemathesis==4.32.5 pytest==9.2.0 pytest-timeout==2.4.0 requests==2.34.2)

# ensure_venv: creates the venv and installs the pinned requirements unless they are already there.
ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV" || return 1
    fi
    local installed
    installed="$("$VENV/bin/python" -m pip freeze --disable-pip-version-check 2>/dev/null)"
    local requirement missing=()
    for requirement in "${REQUIREMENTS[@]}"; do
        grep -qixF "$requirement" <<<"$installed" || missing+=("$requirement")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "gateway: installing ${missing[*]} into ${VENV#$REPO/}"
        "$VENV/bin/python" -m pip install --disable-pip-version-check -q "${REQUIREMENTS[@]}" || return 1
    fi
}

if ! ensure_venv; then
    echo "gateway: could not set up ${VENV#$REPO/}"
    echo "gateway: 0 passed, 1 failed"
    exit 1
fi
if [ ! -x "$TERN_BIN" ]; then
    echo "gateway: $TERN_BIN is missing; build it first (swift build --product tern)"
    echo "gateway: 0 passed, 1 failed"
    exit 1
fi

LOG="$(mktemp "${TMPDIR:-/tmp}/tern-gateway.XXXXXX")"
trap 'rm -f "$LOG"' EXIT
# shellcheck disable=SC2086
(cd "$HERE" && "$VENV/bin/python" -m pytest "$HERE" -p no:cacheprovider -o console_output_style=classic \
    --timeout=420 --timeout_method=thread ${TERN_GATEWAY_ARGS:-}) >"$LOG" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
    echo "gateway: pytest exit $status; last lines of its output:"
    tail -n 150 "$LOG"
fi
grep -E '^(=+ .*(passed|failed|error|skipped|no tests ran).* =+$|FAILED |ERROR )' "$LOG"
exit "$status"
