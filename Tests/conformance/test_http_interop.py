"""HTTP gateway and native clients see the same messages (issue 4), with the real 0.5.0rc2 clients.

Bodies avoid NUL bytes: the C client passes bodies through C strings (README "Client limits").
"""

import base64
import json

import pytest

from clients import (Collector, IS_V4, eventually, make_message, non_probe, shutdown, start_producer,
                     start_push_consumer, wait_until_consuming)
from gateway_http import Gateway

pytestmark = pytest.mark.skipif(IS_V4, reason="uses the 0.5.0rc2 producer and push consumer")

BINARY_BODY = bytes(range(1, 256)) * 3  # every byte value but NUL, not valid UTF-8
# Above the C++ producer's 4 KiB compression threshold (compressMsgBodyOverHowmuch), so it is stored zlib-compressed.
LARGE_BODY = "".join(f"line {index:05d}: the quick brown fox jumps over the lazy dog\n" for index in range(200)).encode()
PROPERTY_NAMES = ("color", "count", "note", "urgent")


def test_http_sends_reach_the_push_consumer_unchanged(tern, names):
    tern.create_topic(names.topic, queues=1)
    gateway = Gateway(tern.endpoints.http)
    probe_producer = start_producer(tern.namesrv, names.producer_group)
    received = Collector("http-to-push", prop_names=PROPERTY_NAMES)
    consumer = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, received)
    try:
        wait_until_consuming(probe_producer, names.topic, [received], queues=1)
        text = gateway.send_json(names.topic, {
            "body": "grüße, text body", "tags": "TagText", "keys": ["order-1", "order-2"],
            "properties": {"color": "blue", "count": 7, "note": "a b=c", "urgent": True}})
        binary = gateway.send_json(names.topic, {
            "body": base64.b64encode(BINARY_BODY).decode(), "bodyEncoding": "base64", "tags": "TagBin",
            "keys": "bin-1", "properties": {"color": "green"}})
        raw_status, raw = gateway.request(
            "POST", f"/v1/topics/{names.topic}/messages", body=LARGE_BODY, content_type="application/octet-stream",
            query=[("tags", "TagRaw"), ("keys", "raw-1"), ("keys", "raw-2")])
        assert raw_status == 200, raw
        for result in (text, binary, raw):
            assert result["status"] == "SEND_OK" and result["topic"] == names.topic, result

        eventually(lambda: len(non_probe(received.snapshot())) >= 3, 30, message="the three HTTP messages")
        by_id = {m.msg_id: m for m in non_probe(received.snapshot())}
        assert len(non_probe(received.snapshot())) == 3
        assert set(by_id) == {text["messageId"], binary["messageId"], raw["messageId"]}

        got = by_id[text["messageId"]]
        assert (got.topic, got.body, got.tags, got.keys) == (
            names.topic, "grüße, text body".encode(), "TagText", "order-1 order-2")
        # JSON numbers and booleans arrive as their JSON text, the only form a RocketMQ property has.
        assert got.props == {"color": "blue", "count": "7", "note": "a b=c", "urgent": "true"}
        got = by_id[binary["messageId"]]
        assert (got.body, got.tags, got.keys, got.props["color"]) == (BINARY_BODY, "TagBin", "bin-1", "green")
        got = by_id[raw["messageId"]]
        assert (got.body, got.tags, got.keys) == (LARGE_BODY, "TagRaw", "raw-1 raw-2")
    finally:
        shutdown(consumer)
        shutdown(probe_producer)


def _same_as_sent(message: dict, body: bytes, tags: str, keys: list[str], props: dict) -> None:
    assert base64.b64decode(message["body"]) == body, message.get("bodySize")
    assert "bodyCompression" not in message
    assert message["bodySize"] == len(body)
    assert (message["tags"], message["keys"]) == (tags, keys)
    for name, value in props.items():
        assert message["properties"][name] == value, message["properties"]


def test_native_sends_are_pulled_and_popped_over_http_unchanged(tern, names):
    tern.create_topic(names.topic, queues=1)
    gateway = Gateway(tern.endpoints.http)
    producer = start_producer(tern.namesrv, names.producer_group)
    sent = {
        "text": (b"plain text from the C++ client", "TagA", ["native-1"], {"color": "red"}),
        "binary": (BINARY_BODY, "TagB", ["native-2", "extra"], {"color": "black", "count": "3"}),
        "large": (LARGE_BODY, "TagC", ["native-3"], {"note": "compressed on the wire"}),
    }
    ids = {}
    try:
        for name, (body, tags, keys, props) in sent.items():
            result = producer.send_sync(make_message(names.topic, body, tags=tags, keys=" ".join(keys), props=props))
            assert result.status.name == "OK"
            ids[result.msg_id] = name
    finally:
        shutdown(producer)

    # The large body really is stored compressed (sysFlag bit 0), so the reads below prove the gateway inflates it.
    large_id = next(msg_id for msg_id, name in ids.items() if name == "large")
    # The key index is built after the send is acknowledged (as in RocketMQ), so look until it is there.
    lookup = eventually(lambda: tern.admin("message", "--id", large_id, check=False).stdout.strip(), 10,
                        message="the large message in the key index")
    stored = json.loads(lookup.splitlines()[0])
    assert stored["sysFlag"] & 1 == 1 and base64.b64decode(stored["bodyBase64"]) != LARGE_BODY

    pulled = gateway.pull_all(names.topic, 0, expected=len(sent))
    assert [ids.get(m["messageId"]) for m in pulled] == ["text", "binary", "large"]
    for message in pulled:
        _same_as_sent(message, *sent[ids[message["messageId"]]])

    popped: list[dict] = []

    def pop_everything():
        popped.extend(gateway.pop(names.topic, names.consumer_group, max_count=32, wait_ms=1000)["messages"])
        return len(popped) >= len(sent)

    eventually(pop_everything, 20, interval=0, message="three popped messages")
    assert sorted(ids.get(m["messageId"]) for m in popped) == ["binary", "large", "text"]
    for message in popped:
        _same_as_sent(message, *sent[ids[message["messageId"]]])
    acked = gateway.ok("POST", "/v1/ack", body=json.dumps(
        {"receiptHandles": [m["receiptHandle"] for m in popped]}).encode(), content_type="application/json")
    assert acked == {"acknowledged": len(sent)}
