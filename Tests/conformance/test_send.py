"""Producer sends: sync results and oneway delivery."""

import re

from clients import (Collector, make_message, non_probe, shutdown, start_producer, start_push_consumer,
                     wait_until_consuming, eventually)

MESSAGE_COUNT = 8


def test_sync_send_returns_ok_with_unique_ids_and_increasing_offsets(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    try:
        results = [producer.send_sync(make_message(names.topic, f"sync-{i}", tags="TagA", keys=f"k{i}"))
                   for i in range(MESSAGE_COUNT)]
    finally:
        shutdown(producer)
    assert all(r.status.name == "OK" for r in results), results
    ids = [r.msg_id for r in results]
    assert len(set(ids)) == MESSAGE_COUNT
    assert all(re.fullmatch(r"[0-9A-F]{32}", i) for i in ids), ids
    # The C++ producer round-robins 4 queues: 8 sends put two messages in each, at queue offsets 0 and 1.
    assert sorted(r.offset for r in results) == [0, 0, 0, 0, 1, 1, 1, 1]


def test_oneway_send_is_delivered(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    collector = Collector("oneway")
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, collector)
    try:
        wait_until_consuming(producer, names.topic, [collector], queues=4)
        expected = {f"oneway-{i}".encode() for i in range(MESSAGE_COUNT)}
        for body in sorted(expected):
            producer.send_oneway(make_message(names.topic, body, tags="TagO"))
        eventually(lambda: expected <= set(collector.bodies()), 30, message="oneway messages")
        received = [m for m in non_probe(collector.snapshot())]
        assert sorted(m.body for m in received) == sorted(expected)
        assert all(m.tags == "TagO" for m in received)
    finally:
        shutdown(consumer)
        shutdown(producer)
