"""Push consumers receive every message with exact body, tags, keys and user properties."""

from clients import (Collector, make_message, non_probe, shutdown, start_producer, start_push_consumer,
                     wait_until_consuming, eventually)

PROPS = ("color", "size", "unicode")


def _send_batch_of_distinct_messages(producer, topic: str, count: int) -> list[dict]:
    sent = []
    for i in range(count):
        spec = {
            # No NUL byte: both C wrappers pass bodies as C strings, so a NUL truncates the body.
            "body": f"body-{i}-\u00e9\u6d88\u606f".encode("utf-8") + bytes([1, 2, 127, 255]),
            "tags": "TagA" if i % 2 == 0 else "TagB",
            "keys": f"key-{i} shared-key",
            "props": {"color": f"c{i}", "size": str(i * 10), "unicode": "\u00fcber"},
        }
        result = producer.send_sync(make_message(topic, spec["body"], spec["tags"], spec["keys"], spec["props"]))
        assert result.status.name == "OK"
        sent.append(spec)
    return sent


def _assert_exact(received, sent) -> None:
    by_body = {m.body: m for m in received}
    assert len(by_body) == len(received), "duplicates delivered"
    assert set(by_body) == {s["body"] for s in sent}
    for spec in sent:
        message = by_body[spec["body"]]
        assert message.tags == spec["tags"]
        assert message.keys == spec["keys"]
        assert message.props == spec["props"]
        assert message.reconsume_times == 0


def test_clustering_consumer_receives_every_message_exactly(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    collector = Collector("clustering", PROPS)
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, collector)
    try:
        wait_until_consuming(producer, names.topic, [collector], queues=4)
        sent = _send_batch_of_distinct_messages(producer, names.topic, 12)
        eventually(lambda: len(non_probe(collector.snapshot())) >= len(sent), 30, message="12 messages")
        _assert_exact(non_probe(collector.snapshot()), sent)
    finally:
        shutdown(consumer)
        shutdown(producer)


def test_tag_subscription_filters(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    collector = Collector("tags", PROPS)
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, collector,
                                   expression="TagA || probe")
    try:
        wait_until_consuming(producer, names.topic, [collector], queues=4)
        sent = _send_batch_of_distinct_messages(producer, names.topic, 8)
        wanted = [s for s in sent if s["tags"] == "TagA"]
        eventually(lambda: len(non_probe(collector.snapshot())) >= len(wanted), 30, message="TagA messages")
        producer.send_sync(make_message(names.topic, "probe-last", tags="probe"))
        eventually(lambda: b"probe-last" in collector.bodies(), 30, message="final probe")
        _assert_exact(non_probe(collector.snapshot()), wanted)
    finally:
        shutdown(consumer)
        shutdown(producer)


def test_broadcasting_consumers_each_receive_every_message(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    first, second = Collector("bc-1", PROPS), Collector("bc-2", PROPS)
    consumers = [start_push_consumer(tern.namesrv, names.consumer_group, names.topic, c, broadcasting=True)
                 for c in (first, second)]
    try:
        wait_until_consuming(producer, names.topic, [first, second], queues=4, all_collectors_each_queue=True)
        sent = _send_batch_of_distinct_messages(producer, names.topic, 10)
        for collector in (first, second):
            eventually(lambda: len(non_probe(collector.snapshot())) >= len(sent), 30,
                       message=f"{collector.name} to receive all")
            _assert_exact(non_probe(collector.snapshot()), sent)
    finally:
        for consumer in consumers:
            shutdown(consumer)
        shutdown(producer)
