"""Fixtures: a real `tern` broker per test (fresh store, free loopback ports) and unique names."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tern_process import TernProcess  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def pytest_configure(config):
    config.addinivalue_line("markers", "v4: needs the rocketmq 0.4.4 client (pull consumer, batch, selector)")
    config.addinivalue_line("markers", "tern_env(**settings): TERN_* environment variables the test's broker starts with")


def pytest_collection_modifyitems(config, items):
    import clients

    skip_v4 = pytest.mark.skip(reason="needs rocketmq 0.4.4 (run in .venv-rmq4)")
    for item in items:
        if "v4" in item.keywords and not clients.IS_V4:
            item.add_marker(skip_v4)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def tern(request, tmp_path):
    """A started `tern start` process; its stdout/stderr tail is printed if the test fails.

    `@pytest.mark.tern_env(TERN_MESSAGE_DELAY_LEVEL="1s 2s")` starts it with those settings.
    """
    binary = Path(os.environ.get("TERN_BIN", REPO / ".build" / "debug" / "tern"))
    if not binary.exists():
        pytest.fail(f"{binary} not built")
    store = tmp_path / "store"
    store.mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    marker = request.node.get_closest_marker("tern_env")
    process = TernProcess(binary, store, logs, environment=marker.kwargs if marker else None)
    process.start()
    yield process
    process.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(process.diagnostics(), file=sys.stderr)


@pytest.fixture
def names():
    """Unique topic/group names so tests never share state through the client library's caches."""
    suffix = uuid.uuid4().hex[:10]

    class Names:
        topic = f"TernConf_{suffix}"
        producer_group = f"tern_pg_{suffix}"
        consumer_group = f"tern_cg_{suffix}"

        @staticmethod
        def group(label: str) -> str:
            return f"tern_{label}_{suffix}"

    return Names
