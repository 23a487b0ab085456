"""The README walk-through over plain HTTP: topics, send (JSON, base64, raw), pull, pop, ack, invisibility,
offsets, routes, admin, metrics, health and the served OpenAPI document."""

from __future__ import annotations

import base64
import subprocess
import time

from conftest import unique

JSON_TYPES = ("application/json",)


def send_json(gateway, topic, body):
    response = gateway.post(f"/v1/topics/{topic}/messages", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def indexed(fetch, ready, seconds=10.0):
    """Calls `fetch` until `ready(result)` holds or `seconds` pass; returns the last result."""
    deadline = time.monotonic() + seconds
    result = fetch()
    while not ready(result) and time.monotonic() < deadline:
        time.sleep(0.05)
        result = fetch()
    return result


def pull_all(gateway, topic, queue_id=0, offset=0, **params):
    """One pull; messages are dispatched to the consume queue asynchronously, so callers that expect messages
    long-poll (`waitMs`) rather than pull once right after the send."""
    response = gateway.get(f"/v1/topics/{topic}/queues/{queue_id}/messages", params={"offset": offset, **params})
    assert response.status_code == 200, response.text
    return response.json()


def pull_found(gateway, topic, count, queue_id=0, offset=0, **params):
    """Long-polls until `count` messages from `offset` are readable, within a deadline (bounded loop)."""
    deadline = time.monotonic() + 15
    while True:
        result = pull_all(gateway, topic, queue_id, offset, waitMs=1000, **params)
        if len(result["messages"]) >= count or time.monotonic() > deadline:
            return result


def pop_until(gateway, topic, group, want, deadline_seconds=15.0, **params):
    """Pops until `want` messages arrived or the deadline passed (bounded loop)."""
    found = []
    deadline = time.monotonic() + deadline_seconds
    while len(found) < want and time.monotonic() < deadline:
        response = gateway.post(f"/v1/topics/{topic}/pop",
                                params={"group": group, "maxCount": 32, "waitMs": 1000, **params})
        assert response.status_code == 200, response.text
        found += response.json()["messages"]
    return found


def test_health_metrics_and_spec(gateway):
    health = gateway.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ready"}
    metrics = gateway.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["Content-Type"].startswith("text/plain")
    assert "# TYPE" in metrics.text
    spec = gateway.get("/openapi.yaml")
    assert spec.status_code == 200
    assert spec.headers["Content-Type"].startswith("application/yaml")
    assert spec.text.startswith("openapi: 3.1")
    assert gateway.request("HEAD", "/healthz").status_code == 200


def test_create_list_describe_delete_topic(gateway):
    topic = unique("Admin")
    created = gateway.put(f"/v1/topics/{topic}", json={"readQueueNums": 2, "writeQueueNums": 2})
    assert created.status_code == 200, created.text
    assert created.json() == {"name": topic, "readQueueNums": 2, "writeQueueNums": 2, "perm": 6, "order": False}
    names = [entry["name"] for entry in gateway.get("/v1/topics").json()["topics"]]
    assert topic in names
    described = gateway.get(f"/v1/topics/{topic}").json()
    assert described["name"] == topic
    assert [queue["queueId"] for queue in described["queues"]] == [0, 1]
    route = gateway.get(f"/v1/topics/{topic}/route")
    assert route.status_code == 200, route.text
    assert route.json()["queueDatas"][0]["readQueueNums"] == 2
    assert gateway.delete(f"/v1/topics/{topic}").status_code == 204
    assert gateway.get(f"/v1/topics/{topic}").status_code == 404
    assert gateway.get(f"/v1/topics/{topic}/route").json()["code"] == "topic_not_found"


def test_send_json_pull_and_lookup(gateway):
    topic = gateway.create_topic(queues=1)
    sent = send_json(gateway, topic, {"body": "hello", "tags": "TagA", "keys": ["order-1", "k2"],
                                      "properties": {"color": "red"}})
    assert sent["status"] == "SEND_OK"
    assert sent["topic"] == topic and sent["queueId"] == 0 and sent["queueOffset"] == 0
    pulled = pull_found(gateway, topic, 1)
    assert pulled["status"] == "FOUND" and pulled["nextOffset"] == 1
    [message] = pulled["messages"]
    assert message["body"] == "hello" and message["bodyEncoding"] == "utf8"
    assert message["tags"] == "TagA" and message["keys"] == ["order-1", "k2"]
    assert message["properties"]["color"] == "red"
    assert message["messageId"] == sent["messageId"]
    by_offset_id = gateway.get(f"/v1/messages/{sent['offsetMessageId']}")
    assert by_offset_id.status_code == 200 and by_offset_id.json()["body"] == "hello"
    # Lookups by client id and key go through the index, which (as in RocketMQ) is built just after the send is
    # acknowledged: poll briefly until it has the message.
    by_client_id = indexed(lambda: gateway.get(f"/v1/messages/{sent['messageId']}", params={"topic": topic}),
                           lambda response: response.status_code == 200)
    assert by_client_id.json()["queueOffset"] == 0
    by_key = indexed(lambda: gateway.get(f"/v1/topics/{topic}/messages", params={"key": "order-1"}).json(),
                     lambda found: found["messages"])
    assert [m["messageId"] for m in by_key["messages"]] == [sent["messageId"]]
    empty = pull_all(gateway, topic, offset=1)
    assert empty["status"] == "NO_NEW_MESSAGE" and empty["messages"] == []
    filtered = pull_all(gateway, topic, tag="TagB")
    assert filtered["messages"] == []


def test_send_base64_batch_and_raw_bodies(gateway):
    topic = gateway.create_topic(queues=1)
    binary = bytes(range(256))
    sent = send_json(gateway, topic, {"body": base64.b64encode(binary).decode(), "bodyEncoding": "base64"})
    batch = send_json(gateway, topic, {"messages": [{"body": "one"}, {"body": "two", "keys": "a b"}]})
    assert [m["queueOffset"] for m in batch["messages"]] == [1, 2]
    raw = gateway.post(f"/v1/topics/{topic}/messages", data=b"raw \xff bytes",
                       params=[("tags", "RawTag"), ("keys", "r1"), ("keys", "r2")],
                       headers={"Content-Type": "application/octet-stream"})
    assert raw.status_code == 200, raw.text
    assert raw.json()["queueOffset"] == 3
    pulled = pull_found(gateway, topic, 4)
    bodies = [(m["bodyEncoding"], m["body"]) for m in pulled["messages"]]
    assert bodies == [("base64", base64.b64encode(binary).decode()), ("utf8", "one"), ("utf8", "two"),
                      ("base64", base64.b64encode(b"raw \xff bytes").decode())]
    assert pulled["messages"][2]["keys"] == ["a", "b"]
    assert pulled["messages"][3]["tags"] == "RawTag" and pulled["messages"][3]["keys"] == ["r1", "r2"]
    forced = pull_all(gateway, topic, offset=1, maxCount=1, bodyEncoding="base64")
    assert forced["messages"][0]["body"] == base64.b64encode(b"one").decode()


def test_curl_data_binary_with_tags_and_keys(gateway, tmp_path):
    """Exactly the README's `curl --data-binary @file` form."""
    topic = gateway.create_topic(queues=1)
    payload = tmp_path / "payload.bin"
    payload.write_bytes(b"\x89PNG\r\n\x1a\n-binary")
    result = subprocess.run(
        ["curl", "-sS", "--max-time", "20", "-H", "Content-Type: application/octet-stream",
         "--data-binary", f"@{payload}", f"{gateway.base_url}/v1/topics/{topic}/messages?tags=Img&keys=photo-1"],
        capture_output=True, text=True, timeout=30, check=True)
    assert '"status":"SEND_OK"' in result.stdout.replace(" ", "")
    [message] = pull_found(gateway, topic, 1)["messages"]
    assert base64.b64decode(message["body"]) == payload.read_bytes()
    assert message["tags"] == "Img" and message["keys"] == ["photo-1"]


def test_sharding_key_picks_one_queue(gateway):
    topic = gateway.create_topic(queues=4)
    queues = {send_json(gateway, topic, {"body": str(i), "shardingKey": "user-7"})["queueId"] for i in range(5)}
    assert len(queues) == 1


def test_pop_ack_and_change_invisible_time(gateway):
    topic = gateway.create_topic(queues=2)
    group = unique("G")
    for index in range(3):
        send_json(gateway, topic, {"body": f"pop-{index}"})
    popped = pop_until(gateway, topic, group, 3, invisibleTimeMs=60000)
    assert sorted(m["body"] for m in popped) == ["pop-0", "pop-1", "pop-2"]
    assert all(m["receiptHandle"] for m in popped)
    # Everything is invisible now.
    again = gateway.post(f"/v1/topics/{topic}/pop", params={"group": group, "maxCount": 32})
    assert again.status_code == 200 and again.json()["messages"] == []
    single = gateway.post("/v1/ack", json={"receiptHandle": popped[0]["receiptHandle"]})
    assert single.status_code == 200, single.text
    assert single.json() == {"acknowledged": 1}
    changed = gateway.post("/v1/change-invisible-time",
                           json={"receiptHandle": popped[1]["receiptHandle"], "invisibleTimeMs": 1000})
    assert changed.status_code == 200, changed.text
    renewed = changed.json()["receiptHandle"]
    assert renewed != popped[1]["receiptHandle"] and changed.json()["invisibleTimeMs"] == 1000
    batch = gateway.post("/v1/ack", json={"receiptHandles": [popped[2]["receiptHandle"]]})
    assert batch.status_code == 200 and batch.json() == {"acknowledged": 1}
    # The shortened one comes back after about a second.
    redelivered = pop_until(gateway, topic, group, 1)
    assert [m["body"] for m in redelivered] == [popped[1]["body"]]
    assert gateway.post("/v1/ack", json={"receiptHandle": redelivered[0]["receiptHandle"]}).status_code == 200


def test_popped_message_never_acked_reaches_the_dlq_and_is_resent(gateway):
    topic, group = gateway.create_topic(queues=1), unique("G")
    # No redelivery allowed: the first revive of an unacknowledged pop is a dead letter (%DLQ%<group>).
    assert gateway.put(f"/v1/consumer-groups/{group}", json={"maxReconsumeTimes": 0}).status_code == 200
    sent = send_json(gateway, topic, {"body": "poison", "tags": "TagD", "keys": ["d-1"], "properties": {"p": "v"}})
    original = pull_found(gateway, topic, 1, offset=sent["queueOffset"])["messages"][0]
    popped = pop_until(gateway, topic, group, 1, invisibleTimeMs=1000)
    assert [m["body"] for m in popped] == ["poison"]
    deadline = time.monotonic() + 30
    dead = []
    while not dead and time.monotonic() < deadline:
        listed = gateway.get(f"/v1/consumer-groups/{group}/dlq")
        assert listed.status_code == 200, listed.text
        dead = listed.json()["messages"]
        if not dead:
            time.sleep(0.5)
    assert len(dead) == 1, "the unacknowledged message did not reach the DLQ in 30 s"
    assert dead[0]["originTopic"] == topic and dead[0]["messageId"] == sent["messageId"]
    assert dead[0]["tags"] == "TagD" and dead[0]["keys"] == ["d-1"]
    resent = gateway.post(f"/v1/consumer-groups/{group}/dlq/resend", json={"messageIds": [dead[0]["messageId"]]})
    assert resent.status_code == 200, resent.text
    result = resent.json()["results"][0]
    assert result["sent"] and result["topic"] == topic and result["messageId"] == sent["messageId"]
    copy = pull_found(gateway, topic, 1, queue_id=result["queueId"], offset=result["queueOffset"])["messages"][0]
    for field in ("body", "tags", "keys", "properties", "messageId"):
        assert copy[field] == original[field], field
    assert copy["reconsumeTimes"] == 0


def test_batch_ack_of_many_handles(gateway):
    topic = gateway.create_topic(queues=1)
    group = unique("G")
    send_json(gateway, topic, [{"body": f"b{i}"} for i in range(4)])
    popped = pop_until(gateway, topic, group, 4)
    response = gateway.post("/v1/ack", json={"receiptHandles": [m["receiptHandle"] for m in popped]})
    assert response.status_code == 200, response.text
    assert response.json() == {"acknowledged": 4}


def test_offsets_commit_read_reset(gateway):
    topic = gateway.create_topic(queues=2)
    group = unique("G")
    assert gateway.put(f"/v1/consumer-groups/{group}", json={"maxReconsumeTimes": 3}).status_code == 200
    path = f"/v1/consumer-groups/{group}/topics/{topic}/queues/0/offset"
    missing = gateway.get(path)
    assert missing.status_code == 404 and missing.json()["code"] == "offset_not_found"
    for index in range(3):
        gateway.post(f"/v1/topics/{topic}/messages", json={"body": f"o{index}"})
    committed = gateway.put(path, json={"offset": 1})
    assert committed.status_code == 200, committed.text
    assert committed.json() == {"group": group, "topic": topic, "queueId": 0, "offset": 1}
    assert gateway.get(path).json()["offset"] == 1
    reset = gateway.post(f"/v1/consumer-groups/{group}/topics/{topic}/offsets/reset", json={"timestamp": 0})
    assert reset.status_code == 200, reset.text
    assert [entry["queueId"] for entry in reset.json()["offsets"]] == [0, 1]
    assert gateway.get(path).json()["offset"] == 0


def test_consumer_groups_admin(gateway):
    group = unique("G")
    created = gateway.put(f"/v1/consumer-groups/{group}", json={"maxReconsumeTimes": 5, "consumeEnable": True})
    assert created.status_code == 200, created.text
    assert created.json()["maxReconsumeTimes"] == 5
    assert group in [entry["name"] for entry in gateway.get("/v1/consumer-groups").json()["groups"]]
    described = gateway.get(f"/v1/consumer-groups/{group}")
    assert described.status_code == 200, described.text
    assert described.json()["name"] == group and "totalLag" in described.json()
    assert gateway.delete(f"/v1/consumer-groups/{group}").status_code == 204
    assert gateway.get(f"/v1/consumer-groups/{group}").json()["code"] == "consumer_group_not_found"


def test_cluster_and_broker_runtime(gateway):
    cluster = gateway.get("/v1/cluster")
    assert cluster.status_code == 200 and "brokerAddrTable" in cluster.json()
    broker = gateway.get("/v1/broker")
    assert broker.status_code == 200
    assert all(isinstance(value, str) for value in broker.json()["runtime"].values())


def test_metrics_count_requests(gateway):
    gateway.get("/v1/topics")
    text = gateway.get("/metrics").text
    assert "tern_gateway_requests_total" in text
