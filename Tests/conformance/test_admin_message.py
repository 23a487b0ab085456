"""`tern admin message` finds a stored message by id and by key (JSON lines; contract in README.md)."""

import base64
import json

from clients import make_message, shutdown, start_producer, eventually


def _body(line: dict) -> bytes:
    return base64.b64decode(line["bodyBase64"])


def test_message_found_by_id_and_by_key(tern, names):
    tern.create_topic(names.topic, queues=4)
    producer = start_producer(tern.namesrv, names.producer_group)
    try:
        target = producer.send_sync(make_message(names.topic, b"find-me\x01\xff", tags="TagF",
                                                 keys="order-42 extra", props={"color": "red"}))
        others = [producer.send_sync(make_message(names.topic, f"same-key-{i}", tags="TagF", keys="order-42"))
                  for i in range(2)]
        producer.send_sync(make_message(names.topic, "other-key", tags="TagF", keys="order-43"))
    finally:
        shutdown(producer)

    by_id = tern.admin_json_lines("message", "--id", target.msg_id)
    assert len(by_id) == 1
    found = by_id[0]
    assert found["msgId"] == target.msg_id
    assert found["topic"] == names.topic
    assert _body(found) == b"find-me\x01\xff"
    assert found["tags"] == "TagF"
    assert found["keys"] == "order-42 extra"
    assert found["properties"]["color"] == "red"
    assert found["properties"]["UNIQ_KEY"] == target.msg_id
    assert found["queueOffset"] == target.offset
    assert isinstance(found["queueId"], int) and 0 <= found["queueId"] < 4

    # The key index may lag the commit log briefly, as RocketMQ's does.
    def lookup():
        result = tern.admin("message", "--key", "order-42", "--topic", names.topic, check=False)
        lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        return lines if len(lines) >= 3 else None

    by_key = eventually(lookup, 10, message="3 messages by key")
    assert len(by_key) == 3
    assert sorted(line["msgId"] for line in by_key) == sorted([target.msg_id] + [o.msg_id for o in others])
    assert all(line["topic"] == names.topic for line in by_key)


def test_unknown_id_and_key_report_not_found(tern, names):
    tern.create_topic(names.topic, queues=4)
    missing = tern.admin("message", "--id", "0" * 32, check=False)
    assert missing.returncode == 1 and missing.stdout.strip() == ""
    none = tern.admin("message", "--key", "no-such-key", "--topic", names.topic, check=False)
    assert none.returncode == 1 and none.stdout.strip() == ""
