"""Fixtures for the gateway's curl-level and schemathesis tests: one real `tern start` per session.

The binary is started on free loopback ports (`--listen-host 127.0.0.1`) with a throwaway store, and stopped by
PID with SIGTERM at the end. `tern_process.py` is shared with the client conformance suite.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "Tests" / "conformance"))

from tern_process import TernProcess  # noqa: E402

REQUEST_TIMEOUT_SECONDS = 20


class LoopbackTernProcess(TernProcess):
    """A TernProcess that binds loopback only."""

    def command(self) -> list[str]:
        return [*super().command(), "--listen-host", "127.0.0.1"]


class Gateway:
    """A `requests` session bound to the gateway's base URL; every call has a timeout."""

    def __init__(self, base_url: str, process: TernProcess) -> None:
        self.base_url = base_url
        self.process = process
        self.session = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT_SECONDS)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def create_topic(self, queues: int = 4, **body) -> str:
        topic = unique("T")
        response = self.put(f"/v1/topics/{topic}", json={"readQueueNums": queues, **body})
        assert response.status_code == 200, response.text
        return topic


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def tern():
    binary = Path(os.environ.get("TERN_BIN", REPO / ".build" / "debug" / "tern"))
    if not binary.exists():
        pytest.exit(f"{binary} is missing; run `swift build --product tern` first", returncode=2)
    work = Path(tempfile.mkdtemp(prefix="tern-gateway-"))
    process = LoopbackTernProcess(binary, work / "store", work)
    process.start()
    try:
        yield process
    finally:
        code = process.stop()
        if code not in (0, None, -15):
            print(f"tern exited with {code} on SIGTERM\n{process.diagnostics()}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def gateway(tern) -> Gateway:
    return Gateway(f"http://{tern.endpoints.http}", tern)


def pytest_runtest_makereport(item, call):
    """On a failure, append the broker's recent output to the report."""
    if call.when == "call" and call.excinfo is not None and "tern" in item.fixturenames:
        process = item.funcargs.get("tern")
        if process is not None:
            item.add_report_section("call", "tern", process.diagnostics(40))
