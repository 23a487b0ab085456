"""Transaction check-back with the real 0.5.0rc2 TransactionMQProducer (issue 5).

Every local transaction answers UNKNOWN, so nothing is decided at send time; the broker's check service
(short `transactionCheckInterval` / `transactionTimeOut` here) sends CHECK_TRANSACTION_STATE to the producer group
and the producer's check listener decides: COMMIT, ROLLBACK, or UNKNOWN once and then COMMIT (checked again).
"""

import threading
import time

import pytest
import rocketmq.client as rmq

from clients import (Collector, IS_V4, eventually, make_message, non_probe, shutdown, start_producer,
                     unique_instance_name, wait_until_consuming)
from rocketmq.ffi import dll

pytestmark = pytest.mark.skipif(IS_V4, reason="TransactionMQProducer is in rocketmq-client-python 0.5.0rc2")

CHECK_INTERVAL_MS = 1000
TRANSACTION_TIMEOUT_MS = 1000


class CheckListener:
    """Answers checks by body: `tx-commit` COMMIT, `tx-rollback` ROLLBACK, `tx-late` UNKNOWN once then COMMIT."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checks: list[tuple[float, bytes, str]] = []

    def __call__(self, msg):
        body = bytes(msg.body)
        with self.lock:
            self.checks.append((time.monotonic(), body, (msg.get_property("__transactionId__") or b"").decode()))
            seen = sum(1 for _, b, _ in self.checks if b == body)
        if body == b"tx-rollback":
            return rmq.TransactionStatus.ROLLBACK
        if body == b"tx-late" and seen == 1:
            return rmq.TransactionStatus.UNKNOWN
        return rmq.TransactionStatus.COMMIT

    def count(self, body: bytes) -> int:
        with self.lock:
            return sum(1 for _, b, _ in self.checks if b == body)

    def first_check(self, body: bytes) -> float:
        with self.lock:
            return min(at for at, b, _ in self.checks if b == body)


@pytest.mark.tern_env(TERN_TRANSACTION_CHECK_INTERVAL=str(CHECK_INTERVAL_MS),
                      TERN_TRANSACTION_TIME_OUT=str(TRANSACTION_TIMEOUT_MS))
def test_unknown_transactions_are_resolved_by_the_check_listener(tern, names):
    tern.create_topic(names.topic, queues=4)
    probe_producer = start_producer(tern.namesrv, names.group("probe"))
    received = Collector("checkback")
    arrivals: dict[bytes, float] = {}

    def on_message(msg):
        arrivals.setdefault(bytes(msg.body), time.monotonic())
        return received.on_message(msg)

    # The broker finds the producer group's connection through HEART_BEAT. A C++ producer alone sends its first
    # heartbeat only with the 30 s periodic one (it knows no broker at start), and checks before that find no
    # channel, as in RocketMQ. Sharing one client instance with the consumer (as Java clients do by default) puts
    # the producer group into the consumer's start-up heartbeat, so the checks start at once.
    instance = unique_instance_name("checkback")
    checker = CheckListener()
    producer = rmq.TransactionMQProducer(names.producer_group, checker, timeout=10000)
    dll.SetProducerInstanceName(producer._handle, instance.encode())
    producer.set_namesrv_addr(tern.namesrv)
    producer.start()
    consumer = rmq.PushConsumer(names.consumer_group)
    consumer.set_instance_name(instance)
    consumer.set_namesrv_addr(tern.namesrv)
    consumer.set_thread_count(2)
    consumer.subscribe(names.topic, on_message)
    consumer.start()
    try:
        wait_until_consuming(probe_producer, names.topic, [received], queues=4)
        bodies = [b"tx-commit", b"tx-rollback", b"tx-late"]
        for body in bodies:
            result = producer.send_message_in_transaction(
                make_message(names.topic, body, tags="TagT", keys=body.decode()),
                lambda msg, args: rmq.TransactionStatus.UNKNOWN)
            assert result.status == rmq.SendStatus.OK

        eventually(lambda: all(checker.count(body) >= 1 for body in bodies) and checker.count(b"tx-late") >= 2,
                   40, message="check-backs of all three transactions (tx-late twice)")
        eventually(lambda: {b"tx-commit", b"tx-late"} <= {m.body for m in received.snapshot()}, 20,
                   message="the committed transactions")
        time.sleep(3 * CHECK_INTERVAL_MS / 1000)  # room for a duplicate, a rolled-back delivery or another check
        checks_after_settling = {body: checker.count(body) for body in bodies}
        time.sleep(2 * CHECK_INTERVAL_MS / 1000)

        delivered = [m.body for m in non_probe(received.snapshot())]
        assert delivered.count(b"tx-commit") == 1, delivered
        assert delivered.count(b"tx-late") == 1, delivered
        assert b"tx-rollback" not in delivered, delivered
        # A half message is invisible until its check answered COMMIT.
        assert arrivals[b"tx-commit"] > checker.first_check(b"tx-commit")
        assert arrivals[b"tx-late"] > checker.first_check(b"tx-late")
        # A decided transaction is not checked again.
        assert {body: checker.count(body) for body in bodies} == checks_after_settling
        # Exact counts would depend on scheduling (an answer slower than one check interval earns another check).
        assert checks_after_settling[b"tx-late"] >= 2
        committed = [m for m in received.snapshot() if m.body == b"tx-commit"][0]
        assert (committed.topic, committed.tags, committed.keys) == (names.topic, "TagT", "tx-commit")
    finally:
        shutdown(producer)
        shutdown(consumer)
        shutdown(probe_producer)
