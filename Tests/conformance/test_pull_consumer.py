"""The 0.4.4 pull consumer reads from explicit offsets; 0.4.4 batch sends land as separate messages."""

import time

import pytest

from clients import (fetch_queues, make_message, pull, shutdown, start_producer, start_pull_consumer,
                     wait_for_max_offset)

pytestmark = pytest.mark.v4

COUNT = 10
QUEUE = 2


def _fill_queue(tern, names) -> None:
    producer = start_producer(tern.namesrv, names.producer_group)
    try:
        for i in range(COUNT):
            # send_orderly with arg QUEUE puts every message on queue QUEUE % 4.
            result = producer.send_orderly(
                make_message(names.topic, f"pull-{i}", tags="TagP" if i % 2 else "TagQ", keys=f"pk-{i}",
                             props={"seq": str(i)}), QUEUE)
            assert result.status.name == "OK" and result.offset == i
    finally:
        shutdown(producer)


def test_pull_reads_exact_ranges_from_explicit_offsets(tern, names):
    tern.create_topic(names.topic, queues=4)
    _fill_queue(tern, names)
    consumer = start_pull_consumer(tern.namesrv, names.consumer_group)
    try:
        queue = fetch_queues(consumer, names.topic)[QUEUE]
        assert queue.queueId == QUEUE and queue.topic.decode() == names.topic
        wait_for_max_offset(consumer, queue, COUNT)

        middle = pull(consumer, queue, 3, max_num=4)
        assert middle.status == "FOUND"
        assert [m.body for m in middle.messages] == [f"pull-{i}".encode() for i in range(3, 7)]
        assert [m.queue_offset for m in middle.messages] == [3, 4, 5, 6]
        assert [m.keys for m in middle.messages] == [f"pk-{i}" for i in range(3, 7)]
        assert middle.next_begin_offset == 7
        assert (middle.min_offset, middle.max_offset) == (0, COUNT)

        rest = pull(consumer, queue, 7, max_num=32)
        assert [m.queue_offset for m in rest.messages] == [7, 8, 9] and rest.next_begin_offset == COUNT

        at_end = pull(consumer, queue, COUNT)
        assert at_end.status == "NO_NEW_MSG" and at_end.next_begin_offset == COUNT

        beyond = pull(consumer, queue, COUNT + 50)
        assert beyond.status == "OFFSET_ILLEGAL" and beyond.next_begin_offset == COUNT

        empty = pull(consumer, fetch_queues(consumer, names.topic)[0], 0)
        assert empty.status == "NO_NEW_MSG" and empty.next_begin_offset == 0
    finally:
        shutdown(consumer)


def test_pull_with_tag_expression_filters(tern, names):
    tern.create_topic(names.topic, queues=4)
    _fill_queue(tern, names)
    consumer = start_pull_consumer(tern.namesrv, names.consumer_group)
    try:
        queue = fetch_queues(consumer, names.topic)[QUEUE]
        wait_for_max_offset(consumer, queue, COUNT)
        outcome = pull(consumer, queue, 0, max_num=32, expression="TagP")
        # The broker filters by tag hash and the client re-filters by tag text; either way only TagP.
        assert outcome.status in ("FOUND", "NO_MATCHED_MSG")
        assert {m.tags for m in outcome.messages} <= {"TagP"}
        assert [m.body for m in outcome.messages] == [f"pull-{i}".encode() for i in range(1, COUNT, 2)]
    finally:
        shutdown(consumer)


def test_batch_send_stores_each_message(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    try:
        batch = [make_message(names.topic, f"batch-{i}", tags="TagB", keys=f"bk-{i}") for i in range(5)]
        result = producer.send_batch(batch)
        assert result.status.name == "OK"
    finally:
        shutdown(producer)
    consumer = start_pull_consumer(tern.namesrv, names.consumer_group)
    try:
        queues = fetch_queues(consumer, names.topic)
        # The batch lands in one queue, not known in advance, and consume queues are built just after the ack: wait
        # until dispatch has made all five readable somewhere (a first pull may come before it).
        deadline = time.monotonic() + 10
        while sum(pull(consumer, q, 0, max_num=1).max_offset for q in queues) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        found = []
        for queue in queues:
            found += pull(consumer, queue, 0).messages
        assert sorted(m.body for m in found) == [f"batch-{i}".encode() for i in range(5)]
        assert {m.queue_id for m in found} == {found[0].queue_id}, "a batch goes to one queue"
        assert sorted(m.queue_offset for m in found) == list(range(5))
        assert all(m.tags == "TagB" for m in found)
    finally:
        shutdown(consumer)
