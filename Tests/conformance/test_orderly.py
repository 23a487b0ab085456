"""Orderly sends: one sharding key (or selector argument) always maps to one queue, in send order."""

import pytest

import clients
from clients import (Collector, make_message, non_probe, shutdown, start_producer, start_push_consumer,
                     start_pull_consumer, fetch_queues, pull, wait_for_max_offset, wait_until_consuming, eventually)

KEYS = ["order-a", "order-b", "order-c"]
PER_KEY = 6


@pytest.mark.skipif(clients.IS_V4, reason="send_orderly_with_sharding_key is the 0.5 API")
def test_sharding_key_keeps_one_queue_and_order(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group, orderly=True)
    plain = start_producer(tern.namesrv, names.group("probe"))
    collector = Collector("orderly")
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, collector, orderly=True)
    try:
        wait_until_consuming(plain, names.topic, [collector], queues=4)
        sent = {key: [] for key in KEYS}
        for i in range(PER_KEY):
            for key in KEYS:
                result = producer.send_orderly_with_sharding_key(
                    make_message(names.topic, f"{key}:{i}", tags="TagS", keys=key), key)
                assert result.status.name == "OK"
                sent[key].append(result.offset)
        for key in KEYS:
            assert sent[key] == sorted(sent[key]) and len(set(sent[key])) == PER_KEY, sent
        total = len(KEYS) * PER_KEY
        eventually(lambda: len(non_probe(collector.snapshot())) >= total, 40, message="orderly messages")
        received = non_probe(collector.snapshot())
        assert len(received) == total
        for key in KEYS:
            mine = [m for m in received if m.keys == key]
            assert len({m.queue_id for m in mine}) == 1, mine
            assert [m.body.decode() for m in mine] == [f"{key}:{i}" for i in range(PER_KEY)]
            assert [m.queue_offset for m in mine] == sorted(m.queue_offset for m in mine)
    finally:
        shutdown(consumer)
        shutdown(producer)
        shutdown(plain)


@pytest.mark.v4
def test_selector_argument_picks_the_queue(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    try:
        for i in range(8):
            # 0.4.4's default hashing_queue_selector picks queue `arg % queue_count`.
            result = producer.send_orderly(make_message(names.topic, f"sel-{i}", tags="TagS"), i)
            assert result.status.name == "OK"
    finally:
        shutdown(producer)
    consumer = start_pull_consumer(tern.namesrv, names.consumer_group)
    try:
        queues = fetch_queues(consumer, names.topic)
        assert [q.queueId for q in queues] == [0, 1, 2, 3]
        for queue in queues:
            wait_for_max_offset(consumer, queue, 2)
            outcome = pull(consumer, queue, 0)
            assert outcome.status == "FOUND"
            assert [m.body for m in outcome.messages] == [f"sel-{queue.queueId}".encode(),
                                                         f"sel-{queue.queueId + 4}".encode()]
    finally:
        shutdown(consumer)
