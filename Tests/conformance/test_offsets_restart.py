"""Committed consumer offsets survive a broker restart: no redelivery before the committed offset."""

import time

from clients import (Collector, make_message, non_probe, shutdown, start_producer, start_push_consumer,
                     wait_until_consuming, eventually)

FIRST, SECOND = 10, 6


def test_offsets_survive_restart(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    before = Collector("before-restart")
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, before)
    try:
        wait_until_consuming(producer, names.topic, [before], queues=4)
        first = [f"first-{i}".encode() for i in range(FIRST)]
        for body in first:
            producer.send_sync(make_message(names.topic, body, tags="TagA"))
        eventually(lambda: set(first) <= set(before.bodies()), 30, message="first batch")
        # The C++ client commits offsets every 5 s and again on shutdown; wait past one period.
        time.sleep(6)
    finally:
        shutdown(consumer)
        shutdown(producer)

    tern.restart()

    producer = start_producer(tern.namesrv, names.group("pg2"))
    after = Collector("after-restart")
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, after)
    try:
        second = [f"second-{i}".encode() for i in range(SECOND)]
        for body in second:
            producer.send_sync(make_message(names.topic, body, tags="TagA"))
        eventually(lambda: set(second) <= set(after.bodies()), 60, message="second batch after restart")
        time.sleep(3)  # room for any wrongly redelivered old message to show up
        redelivered = [m.body for m in after.snapshot() if m.body.startswith((b"first-", b"probe-"))]
        assert redelivered == [], f"redelivered after restart: {redelivered}"
        assert sorted(m.body for m in non_probe(after.snapshot())) == sorted(second)
    finally:
        shutdown(consumer)
        shutdown(producer)
