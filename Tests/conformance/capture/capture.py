"""Captures golden request frames from the real RocketMQ C++-based Python clients.

Runs the fake name server + broker (fake_rocketmq.py) in this process, then each client scenario
(scenarios.py) in a subprocess with that client's venv python, and writes the first frame of every
(scenario, request code) pair to Tests/Fixtures/frames/<client>-<code>-<name>.hex, plus README.md.

Usage (from the repo root, after Tests/conformance/run.sh has made the venvs):
    python3 Tests/conformance/capture/capture.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_rocketmq import CODE_NAMES, FakeRocketMQ, Frame  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
SCENARIO_SCRIPT = Path(__file__).resolve().parent / "scenarios.py"

# Which client produced the frames: label -> (venv, pip requirement, what it is).
CLIENTS = {
    "py050rc2": (".venv-rmq5", "rocketmq-client-python==0.5.0rc2",
                 "rocketmq-client-python 0.5.0rc2 (bundled librocketmq.so, rocketmq-client-cpp 2.x)"),
    "py044": (".venv-rmq4", "rocketmq==0.4.4",
              "rocketmq 0.4.4 (bundled librocketmq.so, rocketmq-client-cpp 2.x; has pull consumer and batch)"),
}

# Scenario order matters: producers first, so the push consumer finds stored messages and commits offsets.
SCENARIOS = {
    "py050rc2": ["send_sync", "send_props", "send_oneway", "send_orderly", "send_batch", "producer_heartbeat",
                 "push_consumer", "push_broadcast"],
    "py044": ["send_sync", "send_props", "send_oneway", "send_orderly", "send_batch", "producer_heartbeat",
              "push_consumer", "pull_consumer"],
}

SCENARIO_DESCRIPTIONS = {
    "send_sync": "Producer.send_sync, body only",
    "send_props": "Producer.send_sync with tags TagA, keys 'key-1 key-2', user properties color=blue size=42",
    "send_oneway": "Producer.send_oneway, tags TagO",
    "send_orderly": "orderly send (0.5: send_orderly_with_sharding_key 'order-7'; 0.4.4: send_orderly arg 7)",
    "send_batch": "batch of 3 (0.4.4: Producer.send_batch; 0.5: librocketmq SendBatchMessage via ctypes)",
    "producer_heartbeat": "producer kept alive 12 s so its scheduled heartbeat fires",
    "push_consumer": "clustering push consumer, subscription 'TagA || TagB', 12 s, then shutdown",
    "push_broadcast": "broadcasting push consumer, 12 s, then shutdown",
    "pull_consumer": "PullConsumer: FetchSubscriptionMessageQueues then Pull(queue 0, offset 5, max 16)",
}


def to_hex_lines(raw: bytes) -> str:
    text = raw.hex()
    return "\n".join(text[i : i + 64] for i in range(0, len(text), 64)) + "\n"


def variant_of(frame: Frame) -> str:
    topic = str((frame.header.get("extFields") or {}).get("topic", ""))
    return "-retry" if topic.startswith("%RETRY%") else ""


def run_scenarios(fake: FakeRocketMQ, client: str, python: Path, home: str) -> None:
    namesrv = f"127.0.0.1:{fake.namesrv_port}"
    for scenario in SCENARIOS[client]:
        fake.set_label(f"{client}/{scenario}")
        started = time.monotonic()
        result = subprocess.run(
            [str(python), str(SCENARIO_SCRIPT), scenario, namesrv],
            env=dict(os.environ, HOME=home), capture_output=True, text=True, timeout=120,
        )
        print(f"{client}/{scenario}: exit {result.returncode} in {time.monotonic() - started:.1f}s", flush=True)
        if result.returncode != 0:
            print(result.stdout[-2000:], result.stderr[-2000:])
        time.sleep(0.3)  # let trailing frames (unregister) land under this label
    fake.set_label("idle")


def select(frames: list[Frame]) -> dict[str, Frame]:
    """First frame per (client, scenario, code, retry-variant), keyed by fixture file stem."""
    chosen: dict[str, Frame] = {}
    for frame in frames:
        if "/" not in frame.label or frame.header.get("flag", 0) & 0x1:
            continue
        client, scenario = frame.label.split("/", 1)
        name = CODE_NAMES.get(frame.code, f"code{frame.code}")
        stem = f"{client}-{frame.code}-{name}-{scenario}{variant_of(frame)}"
        chosen.setdefault(stem, frame)
    return chosen


def write_fixtures(out: Path, chosen: dict[str, Frame], clients: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.hex"):
        old.unlink()
    rows = []
    for stem in sorted(chosen, key=lambda s: (s.split("-")[0], int(s.split("-")[1]), s)):
        frame = chosen[stem]
        (out / f"{stem}.hex").write_text(to_hex_lines(frame.raw))
        ext = frame.header.get("extFields") or {}
        numeric = sorted(k for k, v in ext.items() if not isinstance(v, str))
        rows.append(
            f"| `{stem}.hex` | {frame.code} | {frame.server} | {len(frame.raw)} | {frame.header.get('flag')} "
            f"| {len(frame.body)} | {', '.join(sorted(ext))} | {', '.join(numeric) or '-'} |"
        )
    client_lines = [f"* `{c}`: {CLIENTS[c][2]}, installed as `{CLIENTS[c][1]}`" for c in clients]
    scenario_lines = [f"* `{name}`: {text}" for name, text in SCENARIO_DESCRIPTIONS.items()]
    readme = "\n".join([
        "# Golden request frames from real RocketMQ clients",
        "",
        "Captured by `Tests/conformance/capture/capture.py` (our code: a fake name server + broker that",
        "records raw bytes). Each `.hex` file holds exactly one complete request frame as the client wrote it:",
        "4-byte frameLength, 4-byte header-length word (top byte = serialize type, always 0 = JSON here),",
        "JSON header, body. Lowercase hex, 64 hex characters per line.",
        "",
        "File name: `<client>-<request code>-<code name>-<scenario>[-retry].hex`; `-retry` marks a frame",
        "for the `%RETRY%<group>` topic.",
        "",
        "Clients:",
        *client_lines,
        "",
        "Scenarios:",
        *scenario_lines,
        "",
        "Volatile values (differ on every capture, don't compare them byte for byte): `opaque`, `Signature`,",
        "`bornTimestamp`, `subVersion`, `UNIQ_KEY` in `properties`, the `clientID` (`<pid>-<ip>@DEFAULT`),",
        "queue ids chosen by the client, and the fake's offsets/addresses echoed back by the client.",
        "",
        "Wire facts these frames show (C++ client, `language` `CPP`, `version` 63):",
        "* Every send (sync, oneway, orderly, batch) is code **10 SEND_MESSAGE with long names**, not 310.",
        "* Oneway send and UPDATE_CONSUMER_OFFSET carry `flag` 0: the client does not mark them oneway,",
        "  so the broker answers and the client drops the answer.",
        "* Batch: code 10 with `batch` = `\"1\"` (not `\"true\"`); body = spec 4.6 batch encoding.",
        "  `unitMode` = `\"0\"`. Parse booleans as `true`/`1`.",
        "* extFields mix JSON numbers and strings (see the numeric column); C++ adds `AccessKey` (empty),",
        "  `Signature` (HMAC over the empty secret) and `OnsChannel` (`ALIYUN`) to every request.",
        "* Heartbeat bodies (and other JSON bodies) end with a newline; consumer heartbeats carry enums as",
        "  integers, `subVersion` as a string and `codeSet` [0,0] (no real tag hash codes).",
        "",
        "| file | code | sent to | bytes | flag | body bytes | extFields keys | numeric-valued keys |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ])
    (out / "README.md").write_text(readme)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "Tests" / "Fixtures" / "frames")
    parser.add_argument("--client", action="append", choices=sorted(CLIENTS), help="default: all")
    args = parser.parse_args()
    clients = args.client or list(CLIENTS)
    fake = FakeRocketMQ()
    fake.start()
    home = tempfile.mkdtemp(prefix="tern-capture-home-")
    try:
        for client in clients:
            python = REPO / CLIENTS[client][0] / "bin" / "python"
            if not python.exists():
                print(f"missing {python}: run Tests/conformance/run.sh first", file=sys.stderr)
                return 2
            run_scenarios(fake, client, python, home)
    finally:
        fake.stop()
    chosen = select(fake.frames)
    write_fixtures(args.out, chosen, clients)
    print(f"wrote {len(chosen)} frames to {args.out}")
    # Keep a raw JSON dump of header summaries next to nothing committed; print counts for the log.
    counts: dict[str, int] = {}
    for frame in fake.frames:
        counts[f"{frame.label} {frame.code}"] = counts.get(f"{frame.label} {frame.code}", 0) + 1
    print(json.dumps(counts, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
