"""Runs the real `tern` binary for conformance tests: start, wait for TERN_READY, stop by PID, restart.

Contract (see README.md): `tern start --namesrv-port P1 --broker-port P2 --http-port P3 --store-path DIR`
prints `TERN_READY namesrv=127.0.0.1:P1 broker=127.0.0.1:P2 http=127.0.0.1:P3` on stdout once all three
listeners accept connections, and exits cleanly on SIGTERM.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

READY_PATTERN = re.compile(r"^TERN_READY namesrv=(\S+) broker=(\S+)(?: http=(\S+))?\s*$")
READY_DEADLINE_SECONDS = 20.0
STOP_GRACE_SECONDS = 10.0
ADMIN_DEADLINE_SECONDS = 30.0


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports() -> tuple[int, int, int]:
    """Three distinct free loopback ports, found by binding port 0.

    The broker port is chosen so that broker-2 is free too, because RocketMQ brokers also serve the
    "fast"/VIP port at listenPort-2 (spec 1.1) and Tern may do the same.
    """
    held: list[socket.socket] = []
    try:
        ports: list[int] = []
        for _ in range(200):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
            port = sock.getsockname()[1]
            if len(ports) == 1 and not (port > 1026 and _port_is_free(port - 2) and port - 2 not in ports):
                continue
            ports.append(port)
            if len(ports) == 3:
                return ports[0], ports[1], ports[2]
        raise RuntimeError("could not find free loopback ports")
    finally:
        for sock in held:
            sock.close()


@dataclass
class Endpoints:
    namesrv: str
    broker: str
    http: str


class TernProcess:
    """One `tern start` process with its own store directory; restartable on the same store and ports."""

    def __init__(self, binary: Path, store_path: Path, log_dir: Path,
                 environment: dict[str, str] | None = None) -> None:
        self.binary = binary
        # Extra TERN_<KEY> settings (README "Configuration"), e.g. short delay levels for retry tests.
        self.environment = dict(environment or {})
        self.store_path = store_path
        self.log_dir = log_dir
        self.namesrv_port, self.broker_port, self.http_port = free_ports()
        self.process: subprocess.Popen | None = None
        self.endpoints: Endpoints | None = None
        self.stdout_lines: list[str] = []
        self._starts = 0

    @property
    def namesrv(self) -> str:
        assert self.endpoints is not None, "broker not started"
        return self.endpoints.namesrv

    def command(self) -> list[str]:
        return [
            str(self.binary), "start",
            "--namesrv-port", str(self.namesrv_port),
            "--broker-port", str(self.broker_port),
            "--http-port", str(self.http_port),
            "--store-path", str(self.store_path),
        ]

    def start(self) -> Endpoints:
        assert self.process is None, "already running"
        self._starts += 1
        self.stdout_lines = []
        stderr_path = self.log_dir / f"tern-stderr-{self._starts}.log"
        self.stderr_file = open(stderr_path, "wb")
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=self.stderr_file, stdin=subprocess.DEVNULL,
            text=True, bufsize=1, env={**os.environ, **self.environment},
        )
        ready = threading.Event()
        found: dict[str, Endpoints] = {}
        process = self.process

        def read_stdout() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                self.stdout_lines.append(line.rstrip("\n"))
                match = READY_PATTERN.match(line.strip())
                if match and not ready.is_set():
                    found["endpoints"] = Endpoints(*match.groups())
                    ready.set()
            ready.set()  # EOF: the process died or closed stdout

        threading.Thread(target=read_stdout, daemon=True).start()
        deadline = time.monotonic() + READY_DEADLINE_SECONDS
        while not ready.wait(0.1):
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"tern did not print TERN_READY within {READY_DEADLINE_SECONDS}s\n{self.diagnostics()}")
        if "endpoints" not in found:
            code = self.process.wait(5)
            self.process = None
            self.stderr_file.close()
            raise RuntimeError(f"tern exited ({code}) before TERN_READY\n{self.diagnostics()}")
        self.endpoints = found["endpoints"]
        expected = Endpoints(f"127.0.0.1:{self.namesrv_port}", f"127.0.0.1:{self.broker_port}",
                             f"127.0.0.1:{self.http_port}")
        if self.endpoints.http is None:
            # Started without the gateway (TERN_HTTP_ENABLE=false): only the remoting endpoints are checked.
            expected = dataclasses.replace(expected, http=None)
        if self.endpoints != expected:
            self.stop()
            raise RuntimeError(f"TERN_READY reported {self.endpoints}, expected {expected}")
        return self.endpoints

    def stop(self) -> int | None:
        """SIGTERM by PID, wait up to 10 s, then SIGKILL. Returns the exit code."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(5)
        self.stderr_file.close()
        return process.returncode

    def restart(self) -> Endpoints:
        """Stops and starts again on the same store path and the same ports."""
        code = self.stop()
        if code not in (0, None, -signal.SIGTERM):
            raise RuntimeError(f"tern exited with {code} on SIGTERM\n{self.diagnostics()}")
        return self.start()

    def diagnostics(self, lines: int = 80) -> str:
        parts = ["--- tern stdout ---", *self.stdout_lines[-lines:]]
        for path in sorted(self.log_dir.glob("tern-stderr-*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts += [f"--- {path.name} ---", *text]
        return "\n".join(parts)

    # --- admin CLI -------------------------------------------------------------------------------

    def admin(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Runs `tern admin ARGS --namesrv <this namesrv>`."""
        result = subprocess.run(
            [str(self.binary), "admin", *args, "--namesrv", self.namesrv],
            capture_output=True, text=True, timeout=ADMIN_DEADLINE_SECONDS, stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"tern admin {' '.join(args)} exited {result.returncode}\nstdout:{result.stdout}\nstderr:{result.stderr}"
            )
        return result

    def admin_json_lines(self, *args: str) -> list[dict]:
        """Runs an admin command whose stdout is JSON lines (one object per line) and parses it."""
        result = self.admin(*args)
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def create_topic(self, topic: str, queues: int = 4) -> None:
        self.admin("topic", "create", "--topic", topic, "--queues", str(queues))
