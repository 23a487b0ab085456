"""Orderly consumption while consumers of one group join and leave (issue 5), with the real 0.5.0rc2 clients.

What RocketMQ guarantees, and so what this test asserts:

* A sharding key always maps to one queue (`send_orderly_with_sharding_key`), so per key the queue holds the
  sequence numbers in send order.
* A queue is consumed by the one client holding its broker lock (LOCK_BATCH_MQ), one message at a time, in queue
  order. So **each consumer sees a key's sequence numbers strictly increasing**: in this schedule (A; A+B; B; B+C;
  C) every consumer joins once and leaves once, so no consumer gets a queue back after giving it up, and within one
  ownership a queue is never re-read.
* A new lock owner resumes from the committed offset, which can lag what the previous owner consumed, so after a
  hand-over a few messages may be **delivered again, to the new owner**. It never starts past the committed offset,
  so across all consumers, in the order the listeners were called, **a key's sequence number never runs ahead of
  the highest one seen so far plus one** (nothing is consumed before its predecessor), and **every sequence number
  is consumed** by the time the last consumer has drained the queues.

Duration: about half a minute, on purpose. rocketmq-client-cpp 2.x's `Rebalance::unlockAll` never puts the first
queue of each broker into its UNLOCK_BATCH_MQ at shutdown (it creates the list without adding that queue), so a
stopped consumer keeps one queue locked until the broker's lock lifetime runs out; only then can the survivor lock
it and drain it. The survivors retry the lock all that time. The broker runs with `rebalanceLockMaxLiveTime` 30 s
instead of RocketMQ's 60 s: still above the clients' 20 s renewal interval, so a live owner never loses its lock.
"""

import json
import threading

import pytest

import clients
from clients import Collector, eventually, make_message, shutdown, start_producer, start_push_consumer

pytestmark = pytest.mark.skipif(clients.IS_V4, reason="send_orderly_with_sharding_key is the 0.5 API")

KEYS = [f"order-{index}" for index in range(6)]
ROUNDS_PER_PHASE = 8
PHASES = 5


class Timeline:
    """Every delivery of every consumer, in the order the listeners were called."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[str, str, int, int, int]] = []  # consumer, key, seq, queue id, queue offset

    def collector(self, name: str) -> Collector:
        timeline = self

        class Recording(Collector):
            def on_message(self, msg):
                body = bytes(msg.body)
                if not body.startswith(b"probe-"):
                    key, seq = body.decode().split(":")
                    with timeline.lock:
                        timeline.events.append((name, key, int(seq), int(msg.queue_id), int(msg.queue_offset)))
                return super().on_message(msg)

        return Recording(name)

    def snapshot(self):
        with self.lock:
            return list(self.events)

    def consumed(self) -> set[tuple[str, int]]:
        return {(key, seq) for _, key, seq, _, _ in self.snapshot()}

    def count_by(self, consumer: str) -> int:
        return sum(1 for event in self.snapshot() if event[0] == consumer)


def _stored_by_key(tern, topic: str, key: str, expected: int) -> list[dict] | None:
    """The stored messages with `key` once the key index holds all `expected` of them (it is built asynchronously)."""
    result = tern.admin("message", "--key", key, "--topic", topic, check=False)
    stored = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return stored if len(stored) >= expected else None


@pytest.mark.tern_env(TERN_REBALANCE_LOCK_MAX_LIVE_TIME="30000")
def test_orderly_consumers_joining_and_leaving_keep_per_key_order(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group, orderly=True)
    plain = start_producer(tern.namesrv, names.group("probe"))
    timeline = Timeline()
    consumers = {}
    sent_offsets: dict[str, list[int]] = {key: [] for key in KEYS}
    next_seq = iter(range(PHASES * ROUNDS_PER_PHASE))

    def start(name: str):
        collector = timeline.collector(name)
        consumers[name] = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, collector,
                                              orderly=True)
        return collector

    def stop(name: str):
        shutdown(consumers.pop(name))

    def send_phase():
        for _ in range(ROUNDS_PER_PHASE):
            seq = next(next_seq)
            for key in KEYS:
                result = producer.send_orderly_with_sharding_key(
                    make_message(names.topic, f"{key}:{seq}", tags="TagO", keys=key), key)
                assert result.status.name == "OK"
                sent_offsets[key].append(result.offset)

    try:
        a = start("A")
        clients.wait_until_consuming(plain, names.topic, [a], queues=4)
        send_phase()
        eventually(lambda: timeline.count_by("A") > 0, 30, message="A consuming")
        start("B")
        send_phase()
        eventually(lambda: timeline.count_by("B") > 0, 60, message="B taking over queues from A")
        stop("A")
        send_phase()
        start("C")
        send_phase()
        eventually(lambda: timeline.count_by("C") > 0, 60, message="C taking over queues from B")
        stop("B")
        send_phase()
        everything = {(key, seq) for key in KEYS for seq in range(PHASES * ROUNDS_PER_PHASE)}
        eventually(lambda: timeline.consumed() >= everything, 120, interval=0.5,
                   message="every sequence number consumed")

        events = timeline.snapshot()
        for key in KEYS:
            offsets = sent_offsets[key]
            assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets), (key, offsets)
            # Where the sends landed, independent of who consumed them: one queue, in send order.
            stored = eventually(lambda: _stored_by_key(tern, names.topic, key, PHASES * ROUNDS_PER_PHASE), 10,
                                message=f"{key} in the key index")
            assert len({m["queueId"] for m in stored}) == 1, f"{key} stored in several queues"
            assert [m["body"] for m in stored] == [f"{key}:{seq}" for seq in range(PHASES * ROUNDS_PER_PHASE)]
            mine = [event for event in events if event[1] == key]
            assert len({queue for _, _, _, queue, _ in mine}) == 1, f"{key} spread over queues: {mine}"
            for consumer in ("A", "B", "C"):
                seqs = [seq for name, _, seq, _, _ in mine if name == consumer]
                assert all(x < y for x, y in zip(seqs, seqs[1:])), f"{consumer} saw {key} out of order: {seqs}"
            highest = -1
            for name, _, seq, _, _ in mine:
                assert seq <= highest + 1, f"{name} consumed {key}:{seq} before {key}:{highest + 1}: {mine}"
                highest = max(highest, seq)
        assert timeline.consumed() == everything
        assert {name for name, *_ in events} == {"A", "B", "C"}
    finally:
        for name in list(consumers):
            stop(name)
        shutdown(producer)
        shutdown(plain)
