"""Soak: a steady mixed load on one broker, as a user runs it, with the broker's memory sampled throughout.

Native sends (the C++ client, ~300/s) feed a push consumer that long-polls and hands 5 % back (RECONSUME_LATER, so
the retry topic and delay levels carry load too); HTTP sends (~80/s) feed an HTTP pop consumer that acks 95 % and
lets the rest come back after their invisible time. The broker must stay up, its RSS must stay flat after warm-up,
and every acknowledged send must be consumed by the end.

`TERN_SOAK_SECONDS` sets the load's length (default 75 s, the `make test` run); `make soak` runs the 10-minute one
against the release binary. The RSS series is printed, so a run's figures can be recorded.
"""

from __future__ import annotations

import base64
import glob
import json
import os
import threading
import time

import pytest
import http.client

from clients import IS_V4, make_message, rmq, shutdown, start_producer, unique_instance_name

pytestmark = pytest.mark.skipif(IS_V4, reason="RECONSUME_LATER is the 0.5.0rc2 listener API")

SOAK_SECONDS = float(os.environ.get("TERN_SOAK_SECONDS", "75"))
NATIVE_RATE = 300
HTTP_RATE = 80
# RSS after warm-up may not rise more than this above the warm-up sample (issue 16: within 32 MiB of the 60 s
# sample); the short run takes its warm-up sample earlier.
WARM_UP_SECONDS = 60.0 if SOAK_SECONDS >= 300 else 20.0
RSS_SLACK_BYTES = 32 * 1024 * 1024
SAMPLE_SECONDS = 5.0
DRAIN_SECONDS = 90.0


def rss_bytes(pid: int, field: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for pid {pid}")


class Paced:
    """Calls `step` about `rate` times a second until `stop` is set or the deadline passes."""

    def __init__(self, rate: int, deadline: float, stop: threading.Event) -> None:
        self.interval = 1.0 / rate
        self.deadline = deadline
        self.stop = stop

    def run(self, step) -> None:
        next_at = time.monotonic()
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            step()
            next_at += self.interval
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -1.0:
                next_at = time.monotonic()  # fell behind by a second: don't burst to catch up


class KeepAlive:
    """One keep-alive HTTP/1.1 connection (stdlib), reopened after any error."""

    def __init__(self, address: str) -> None:
        host, port = address.rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise


class Ledger:
    """What was acknowledged by the broker and what was consumed, by body."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: set[bytes] = set()
        self.message_ids: dict[bytes, str] = {}
        self.consumed: set[bytes] = set()
        self.send_failures: list[str] = []

    def add_sent(self, body: bytes, message_id: str = "") -> None:
        with self.lock:
            self.sent.add(body)
            self.message_ids[body] = message_id

    def add_consumed(self, body: bytes) -> None:
        with self.lock:
            self.consumed.add(body)

    def fail(self, text: str) -> None:
        with self.lock:
            self.send_failures.append(text)

    def missing(self) -> set[bytes]:
        with self.lock:
            return self.sent - self.consumed


def send_backs_failed_in_client() -> set[str]:
    """Message ids whose CONSUMER_SEND_MSG_BACK the C++ client failed to send, from its own log.

    rocketmq-client-cpp logs "consume fail ... msgId is:<id>" and then calls sendMessageBack; when that fails inside
    the client (its transport lock times out under contention: "GetTransport ... get timed_mutex timeout", then
    "response is null ... [sendMessageBack:...]") it drops the message without a local retry, a known defect of that
    client. Such a message never reaches the broker, so the soak cannot hold the broker to it.
    """
    failed: set[str] = set()
    last_failed_consume = ""
    logs = sorted(glob.glob(os.path.join(os.environ.get("HOME", ""), "logs", "rocketmq-cpp", "*")))
    for path in logs:
        with open(path, errors="replace") as log:
            for line in log:
                if "consume fail" in line and "msgId is:" in line:
                    last_failed_consume = line.split("msgId is:", 1)[1].split(",", 1)[0]
                elif "(error)" in line and "sendMessageBack" in line and last_failed_consume:
                    failed.add(last_failed_consume)
    return failed


class RetryingListener:
    """Consumes native messages; every 20th first delivery is handed back with RECONSUME_LATER."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.count = 0
        self.lock = threading.Lock()
        # Every delivery of an original message, by (queueId, queueOffset): for the failure message.
        self.deliveries: dict[tuple[int, int], int] = {}

    def __call__(self, msg):
        body = bytes(msg.body)
        reconsume_times = int(msg.reconsume_times)
        with self.lock:
            self.count += 1
            hand_back = self.count % 20 == 0 and reconsume_times == 0
            if reconsume_times == 0:
                position = (int(msg.queue_id), int(msg.queue_offset))
                self.deliveries[position] = self.deliveries.get(position, 0) + 1
        if hand_back:
            return rmq.ConsumeStatus.RECONSUME_LATER
        self.ledger.add_consumed(body)
        return rmq.ConsumeStatus.CONSUME_SUCCESS


@pytest.mark.tern_env(TERN_MESSAGE_DELAY_LEVEL="1s 1s 1s 2s 3s", TERN_MAPPED_FILE_SIZE_COMMIT_LOG=str(128 << 20))
@pytest.mark.timeout(int(SOAK_SECONDS + DRAIN_SECONDS + 120))
def test_mixed_load_keeps_the_broker_up_with_flat_memory_and_loses_nothing(tern, names):
    native_topic, http_topic = names.topic + "_native", names.topic + "_http"
    tern.create_topic(native_topic, queues=4)
    tern.create_topic(http_topic, queues=4)
    pid = tern.process.pid
    native, web = Ledger(), Ledger()
    stop = threading.Event()
    started = time.monotonic()
    load_deadline = started + SOAK_SECONDS

    producer = start_producer(tern.namesrv, names.producer_group)
    consumer = rmq.PushConsumer(names.consumer_group)
    consumer.set_instance_name(unique_instance_name("soak"))
    consumer.set_namesrv_addr(tern.namesrv)
    consumer.set_thread_count(2)
    listener = RetryingListener(native)
    consumer.subscribe(native_topic, listener)
    consumer.start()

    def native_send_loop() -> None:
        counter = iter(range(10**9))

        def step() -> None:
            body = f"n-{next(counter)}".encode()
            try:
                result = producer.send_sync(make_message(native_topic, body, tags="soak", keys=body.decode()))
                if result.status == rmq.SendStatus.OK:
                    native.add_sent(body, result.msg_id.decode() if isinstance(result.msg_id, bytes)
                                    else str(result.msg_id))
            except Exception as error:  # noqa: BLE001 - a failed send is recorded, not acknowledged
                native.fail(str(error))

        Paced(NATIVE_RATE, load_deadline, stop).run(step)

    def http_send_loop() -> None:
        client = KeepAlive(tern.endpoints.http)
        counter = iter(range(10**9))
        path = f"/v1/topics/{http_topic}/messages"

        def step() -> None:
            body = f"h-{next(counter)}".encode()
            message = {"body": body.decode(), "tags": "soak", "keys": [body.decode()]}
            try:
                status, payload = client.request("POST", path, json.dumps(message).encode())
                if status == 200:
                    web.add_sent(body)
                else:
                    web.fail(f"{status} {payload[:200]!r}")
            except (OSError, http.client.HTTPException) as error:
                web.fail(str(error))

        Paced(HTTP_RATE, load_deadline, stop).run(step)

    pop_deadline = load_deadline + DRAIN_SECONDS

    def pop_loop() -> None:
        client = KeepAlive(tern.endpoints.http)
        path = f"/v1/topics/{http_topic}/pop?group={names.group('pop')}&maxCount=16&waitMs=1000" \
            "&invisibleTimeMs=2000&bodyEncoding=base64"
        popped = 0
        while not stop.is_set() and time.monotonic() < pop_deadline:
            if time.monotonic() > load_deadline and not web.missing():
                return
            try:
                status, payload = client.request("POST", path)
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
                continue
            if status != 200:
                time.sleep(0.1)
                continue
            handles = []
            for message in json.loads(payload).get("messages", []):
                popped += 1
                if popped % 20 == 0:
                    continue  # not acked: comes back after its invisible time
                web.add_consumed(base64.b64decode(message["body"]))
                handles.append(message["receiptHandle"])
            if handles:
                try:
                    client.request("POST", "/v1/ack", json.dumps({"receiptHandles": handles}).encode())
                except (OSError, http.client.HTTPException):
                    pass  # unacked messages come back; the ledger waits for them

    samples: list[tuple[float, int]] = []
    anonymous: list[int] = []
    threads = [threading.Thread(target=target, daemon=True)
               for target in (native_send_loop, http_send_loop, pop_loop)]
    for thread in threads:
        thread.start()
    try:
        while time.monotonic() < load_deadline:
            assert tern.process.poll() is None, f"broker exited with {tern.process.returncode}\n{tern.diagnostics()}"
            samples.append((time.monotonic() - started, rss_bytes(pid)))
            anonymous.append(rss_bytes(pid, "RssAnon"))
            time.sleep(min(SAMPLE_SECONDS, max(0.0, load_deadline - time.monotonic())))
        for thread in threads[:2]:
            thread.join(30)
        drain_deadline = time.monotonic() + DRAIN_SECONDS
        while (native.missing() or web.missing()) and time.monotonic() < drain_deadline:
            assert tern.process.poll() is None, f"broker exited with {tern.process.returncode}\n{tern.diagnostics()}"
            time.sleep(0.5)
        samples.append((time.monotonic() - started, rss_bytes(pid)))
        anonymous.append(rss_bytes(pid, "RssAnon"))
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        shutdown(consumer)
        shutdown(producer)

    series = " ".join(f"{int(at)}s={rss // (1 << 20)}MiB" for at, rss in samples)
    anonymous_series = " ".join(f"{rss // (1 << 20)}" for rss in anonymous)
    print(f"\nsoak: {SOAK_SECONDS:.0f}s, native sent {len(native.sent)}, http sent {len(web.sent)}, "
          f"send failures native {len(native.send_failures)} http {len(web.send_failures)}\nsoak RSS: {series}\n"
          f"soak RssAnon MiB: {anonymous_series}")
    assert tern.process.poll() is None, f"broker exited with {tern.process.returncode}\n{tern.diagnostics()}"
    assert len(native.sent) > NATIVE_RATE * SOAK_SECONDS * 0.5, "native sends fell far below the planned rate"
    assert len(web.sent) > HTTP_RATE * SOAK_SECONDS * 0.5, f"HTTP sends fell far below plan: {web.send_failures[:3]}"
    with listener.lock:
        repeats = sum(1 for count in listener.deliveries.values() if count > 1)
        queues = {queue for queue, _ in listener.deliveries}
        gaps = [(queue, offset) for queue in queues
                for offset in range(max(o for q, o in listener.deliveries if q == queue))
                if (queue, offset) not in listener.deliveries]
    print(f"soak: native deliveries {listener.count}, positions delivered more than once {repeats}, "
          f"positions never delivered {gaps[:20]} ({len(gaps)})")
    client_dropped = send_backs_failed_in_client()
    unexplained = {body for body in native.missing() if native.message_ids.get(body) not in client_dropped}
    print(f"soak: {len(native.missing())} native messages not consumed, of which {len(native.missing()) - len(unexplained)}"
          f" after a send-back that failed inside the C++ client ({len(client_dropped)} such failures logged)")
    assert not unexplained, f"{len(unexplained)} acknowledged native sends never consumed: {sorted(unexplained)[:10]}"
    assert not web.missing(), f"{len(web.missing())} acknowledged HTTP sends never popped"
    warm = next(rss for at, rss in samples if at >= WARM_UP_SECONDS)
    peak = max(rss for at, rss in samples if at >= WARM_UP_SECONDS)
    assert peak - warm <= RSS_SLACK_BYTES, f"RSS grew {(peak - warm) >> 20} MiB after warm-up: {series}"
