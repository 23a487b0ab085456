"""Every documented problem code the running binary can produce from outside, as application/problem+json.

Codes that need a failing or overloaded broker (5xx, `illegal_operation`, `subscription_invalid`) cannot be
caused by a client of a healthy single node; `UNREACHABLE` names where each is tested instead, and
`test_every_documented_code_is_accounted_for` keeps this file in step with the document's `ProblemCode`.
"""

from __future__ import annotations

import base64
import re

import pytest

from conftest import HERE, unique

SPEC = HERE.parent.parent / "openapi" / "openapi.yaml"

UNREACHABLE = {
    "illegal_operation": "only mapped from remoting codes no HTTP route can provoke (topic exists, consumer offline)",
    "subscription_invalid": "the gateway always sends TAG expressions the broker can parse",
    "broker_error": "GatewayTests (MessageRoutesTests) with a failing processor",
    "not_implemented": "GatewayTests (ConsumerRoutesTests) without a POP processor",
    "busy": "GatewayTests (MessageRoutesTests) with a SYSTEM_BUSY processor",
    "not_ready": "GatewayTests (HTTPServerTests) before the store is ready",
    "too_many_connections": "GatewayTests (HTTPServerTests) with a small connection limit",
    "shutting_down": "GatewayTests (HTTPServerTests) while stopping",
    "service_unavailable": "GatewayTests (MessageRoutesTests) with a SERVICE_NOT_AVAILABLE processor",
    "upstream_timeout": "GatewayTests (HTTPServerTests) with a processor that never answers",
    "insufficient_storage": "IntegrationTests (DiskFullTests) on a full tmpfs, and GatewayTests (MessageRoutesTests)",
}

STATUS = {}
CASES = []


def case(code, status):
    def register(function):
        STATUS[code] = status
        CASES.append(pytest.param(code, function, id=code))
        return function
    return register


def handle(topic, real_topic, group, extra_info):
    text = f"1\n{topic}\n{real_topic}\n{group}\n{extra_info}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def pop_one(gateway, topic, group):
    gateway.post(f"/v1/topics/{topic}/messages", json={"body": "x"})
    for _ in range(10):
        messages = gateway.post(f"/v1/topics/{topic}/pop", params={"group": group, "waitMs": 1000}).json()["messages"]
        if messages:
            return messages[0]
    raise AssertionError("nothing popped")


@case("invalid_json", 400)
def _(gateway):
    return gateway.post("/v1/ack", data=b'{"receiptHandle":', headers={"Content-Type": "application/json"})


@case("invalid_parameter", 400)
def _(gateway):
    return gateway.get(f"/v1/topics/{gateway.create_topic()}/queues/0/messages", params={"maxCount": 0})


@case("invalid_topic_name", 400)
def _(gateway):
    return gateway.put("/v1/topics/bad.name")


@case("invalid_group_name", 400)
def _(gateway):
    return gateway.post(f"/v1/topics/{gateway.create_topic()}/pop", params={"group": "no spaces"})


@case("invalid_encoding", 400)
def _(gateway):
    return gateway.post(f"/v1/topics/{gateway.create_topic()}/messages",
                        json={"body": "!!not base64!!", "bodyEncoding": "base64"})


@case("wait_too_long", 400)
def _(gateway):
    return gateway.get(f"/v1/topics/{gateway.create_topic()}/queues/0/messages", params={"waitMs": 3_600_000})


@case("bad_receipt_handle", 400)
def _(gateway):
    return gateway.post("/v1/ack", json={"receiptHandle": "not-a-handle"})


@case("message_illegal", 400)
def _(gateway):
    # 4 MiB + 1 byte: under the gateway's body limit, over the store's maxMessageSize.
    return gateway.post(f"/v1/topics/{gateway.create_topic()}/messages", data=b"x" * (4 * 1024 * 1024 + 1),
                        headers={"Content-Type": "application/octet-stream"})


@case("no_permission", 403)
def _(gateway):
    topic = gateway.create_topic(perm=4)  # read only
    return gateway.post(f"/v1/topics/{topic}/messages", json={"body": "x"})


@case("route_not_found", 404)
def _(gateway):
    return gateway.get("/v2/nothing-here")


@case("topic_not_found", 404)
def _(gateway):
    return gateway.get(f"/v1/topics/{unique('Missing')}")


@case("consumer_group_not_found", 404)
def _(gateway):
    return gateway.get(f"/v1/consumer-groups/{unique('Missing')}")


@case("message_not_found", 404)
def _(gateway):
    return gateway.get("/v1/messages/0A0000010000000000000000", params={"topic": gateway.create_topic()})


@case("offset_not_found", 404)
def _(gateway):
    return gateway.get(f"/v1/consumer-groups/{unique('G')}/topics/{gateway.create_topic()}/queues/0/offset")


@case("queue_not_found", 404)
def _(gateway):
    return gateway.get(f"/v1/topics/{gateway.create_topic(queues=1)}/queues/7/messages")


@case("method_not_allowed", 405)
def _(gateway):
    response = gateway.request("PATCH", "/v1/topics")
    assert response.headers["Allow"] == "GET"
    return response


@case("receipt_handle_expired", 409)
def _(gateway):
    topic, group = gateway.create_topic(queues=1), unique("G")
    message = pop_one(gateway, topic, group)
    assert gateway.post("/v1/ack", json={"receiptHandle": message["receiptHandle"]}).status_code == 200
    return gateway.post("/v1/change-invisible-time",
                        json={"receiptHandle": message["receiptHandle"], "invisibleTimeMs": 5000})


@case("body_too_large", 413)
def _(gateway):
    return gateway.post(f"/v1/topics/{gateway.create_topic()}/messages", data=b"x" * (5 * 1024 * 1024),
                        headers={"Content-Type": "application/octet-stream"})


@case("batch_too_large", 413)
def _(gateway):
    return gateway.post(f"/v1/topics/{gateway.create_topic()}/messages", json=[{"body": "x"}] * 257)


@pytest.mark.parametrize("code, provoke", CASES)
def test_problem(gateway, code, provoke):
    response = provoke(gateway)
    assert response.status_code == STATUS[code], response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert problem["type"] == f"urn:tern:problem:{code}"
    assert problem["status"] == STATUS[code]
    assert problem["title"] and problem["detail"]
    assert isinstance(problem["errorNumber"], int)
    assert problem["requestId"] == response.headers["X-Request-Id"]


def test_message_illegal_from_a_forged_receipt_handle(gateway):
    topic, group = gateway.create_topic(queues=1), unique("G")
    message = pop_one(gateway, topic, group)
    extra = base64.urlsafe_b64decode(message["receiptHandle"] + "==").decode().split("\n")[4].split(" ")
    extra[6] = "99"  # a queue the topic does not have
    response = gateway.post("/v1/ack", json={"receiptHandle": handle(topic, topic, group, " ".join(extra))})
    assert response.status_code == 400 and response.json()["code"] == "message_illegal"


def test_every_documented_code_is_accounted_for():
    text = SPEC.read_text()
    block = text.split("    ProblemCode:", 1)[1].split("    Health:", 1)[0]
    documented = set(re.findall(r"^\s+- (\w+)$", block, re.MULTILINE))
    assert documented == set(STATUS) | set(UNREACHABLE)
    assert not set(STATUS) & set(UNREACHABLE)


@pytest.mark.parametrize("method,path", [
    ("POST", "/v1/topics/Orders%00/messages"),  # was cut to /v1/topics/Orders and answered 405
    ("GET", "/v1/topics/Or%00ders"),
    ("GET", "/v1/consumer-groups/G%00/dlq"),
    ("GET", "/v1/topics/Orders%1F"),
])
def test_control_characters_in_the_path_are_a_bad_request(gateway, method, path):
    # requests would re-quote a raw path; a prepared request keeps it byte for byte.
    import requests

    prepared = requests.Request(method, gateway.base_url + "/").prepare()
    prepared.url = gateway.base_url + path
    with requests.Session() as session:
        response = session.send(prepared, timeout=10)
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_parameter"


def test_dead_letter_problems(gateway):
    missing_group = gateway.get(f"/v1/consumer-groups/{unique('G')}/dlq")
    assert missing_group.status_code == 404 and missing_group.json()["code"] == "consumer_group_not_found"
    group = unique("G")
    assert gateway.put(f"/v1/consumer-groups/{group}", json={}).status_code == 200
    empty = gateway.get(f"/v1/consumer-groups/{group}/dlq")
    assert empty.status_code == 200 and empty.json()["messages"] == []
    not_dead = gateway.post(f"/v1/consumer-groups/{group}/dlq/resend", json={"messageIds": ["NOT-A-DEAD-LETTER"]})
    assert not_dead.status_code == 404 and not_dead.json()["code"] == "message_not_found"
    neither = gateway.post(f"/v1/consumer-groups/{group}/dlq/resend", json={})
    assert neither.status_code == 400 and neither.json()["code"] == "invalid_parameter"


def test_a_20_kb_request_head_is_served(gateway):
    # The connection pool is 32 KiB (README, HTTP gateway): a head this size still fits.
    response = gateway.get("/healthz", headers={"X-Padding": "a" * 20_000})
    assert response.status_code == 200


def test_a_request_head_beyond_the_connection_pool_gets_431(gateway):
    # libmicrohttpd answers this itself, before the gateway sees the request (README, HTTP gateway).
    response = gateway.get("/healthz", headers={"X-Padding": "a" * 40_000})
    assert response.status_code == 431
