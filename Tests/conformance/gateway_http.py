"""Minimal HTTP client for Tern's REST gateway (stdlib only, every request deadline-bound)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

REQUEST_TIMEOUT_SECONDS = 40.0  # above the gateway's 30 s long-poll maximum


class Gateway:
    def __init__(self, address: str) -> None:
        self.base = f"http://{address}"

    @staticmethod
    def quote(segment: str) -> str:
        """One path segment; `%RETRY%g` and `%DLQ%g` need their percent signs escaped."""
        return urllib.parse.quote(segment, safe="")

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None,
                query: dict | list | None = None) -> tuple[int, dict]:
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        request = urllib.request.Request(url, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                return error.code, json.loads(payload)
            except ValueError:
                return error.code, {"raw": payload.decode(errors="replace")}

    def ok(self, method: str, path: str, **kwargs) -> dict:
        status, payload = self.request(method, path, **kwargs)
        assert status == 200, f"{method} {path} answered {status}: {payload}"
        return payload

    def send_json(self, topic: str, message: dict) -> dict:
        return self.ok("POST", f"/v1/topics/{self.quote(topic)}/messages", body=json.dumps(message).encode(),
                       content_type="application/json")

    def pull(self, topic: str, queue_id: int, offset: int, wait_ms: int = 0, **query) -> dict:
        return self.ok("GET", f"/v1/topics/{self.quote(topic)}/queues/{queue_id}/messages",
                       query={"offset": offset, "waitMs": wait_ms, "bodyEncoding": "base64", **query})

    def pop(self, topic: str, group: str, max_count: int = 32, wait_ms: int = 1000, **query) -> dict:
        return self.ok("POST", f"/v1/topics/{self.quote(topic)}/pop",
                       query={"group": group, "maxCount": max_count, "waitMs": wait_ms, "bodyEncoding": "base64",
                              **query})

    def pull_all(self, topic: str, queue_id: int, expected: int, deadline_seconds: float = 20.0) -> list[dict]:
        """Pulls `queue_id` from offset 0 until `expected` messages arrived or the deadline passed."""
        messages: list[dict] = []
        offset = 0
        deadline = time.monotonic() + deadline_seconds
        while len(messages) < expected and time.monotonic() < deadline:
            result = self.pull(topic, queue_id, offset, wait_ms=1000)
            messages += result.get("messages", [])
            offset = result.get("nextOffset", offset)
        return messages
