"""Message semantics with the real 0.5.0rc2 client: delay levels and transactions (commit, rollback)."""

import time

import pytest
import rocketmq.client as rmq

from clients import (Collector, IS_V4, eventually, make_message, non_probe, shutdown, start_producer,
                     start_push_consumer, unique_instance_name, wait_until_consuming)
from rocketmq.ffi import dll

pytestmark = pytest.mark.skipif(IS_V4, reason="TransactionMQProducer is in rocketmq-client-python 0.5.0rc2")


def test_delay_level_one_is_delivered_after_a_second_not_before(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    received = Collector("delay")
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, received)
    try:
        wait_until_consuming(producer, names.topic, [received], queues=4)
        message = make_message(names.topic, "delayed-1s", tags="TagD")
        message.set_delay_time_level(1)  # level 1 = 1 s
        sent_at = time.monotonic()
        producer.send_sync(message)
        arrival = {}

        def delivered():
            if any(m.body == b"delayed-1s" for m in non_probe(received.snapshot())):
                arrival.setdefault("at", time.monotonic())
                return True
            return False

        eventually(delivered, 30, interval=0.02, message="the delayed message")
        assert arrival["at"] - sent_at >= 1.0, "a level-1 delayed message arrived before its second"
    finally:
        shutdown(consumer)
        shutdown(producer)


def test_committed_transactions_are_consumed_once_and_rolled_back_never(tern, names):
    tern.create_topic(names.topic, queues=4)
    probe_producer = start_producer(tern.namesrv, names.group("probe"))
    received = Collector("transactions")
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, received)
    checks = []
    producer = rmq.TransactionMQProducer(names.producer_group, lambda msg: checks.append(msg) or
                                         rmq.TransactionStatus.COMMIT, timeout=10000)
    dll.SetProducerInstanceName(producer._handle, unique_instance_name(names.producer_group).encode())
    producer.set_namesrv_addr(tern.namesrv)
    producer.start()
    try:
        wait_until_consuming(probe_producer, names.topic, [received], queues=4)
        decisions = {"commit": rmq.TransactionStatus.COMMIT, "rollback": rmq.TransactionStatus.ROLLBACK}
        for body, status in decisions.items():
            result = producer.send_message_in_transaction(
                make_message(names.topic, f"tx-{body}", tags="TagT"), lambda msg, args, s=status: s)
            assert result.status == rmq.SendStatus.OK
        eventually(lambda: any(m.body == b"tx-commit" for m in received.snapshot()), 30,
                   message="the committed transaction")
        time.sleep(3)  # room for a wrongly delivered rollback or a duplicate commit to show up
        bodies = [m.body for m in non_probe(received.snapshot())]
        assert bodies.count(b"tx-commit") == 1
        assert b"tx-rollback" not in bodies
    finally:
        shutdown(producer)
        shutdown(consumer)
        shutdown(probe_producer)
