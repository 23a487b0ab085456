"""Retry and dead letter with the real 0.5.0rc2 push consumer (issue 5).

The consumer answers RECONSUME_LATER; the C++ client hands the message back with CONSUMER_SEND_MSG_BACK
(delayLevel 0, no maxReconsumeTimes in its header), so the broker parks each retry at level 3 + reconsumeTimes
and dead-letters it once reconsumeTimes reaches the group's retryMaxTimes, which the test sets with
`tern admin group create --retry-max-times`.
"""

import base64
import threading
import time

import pytest
import rocketmq.client as rmq

from clients import (IS_V4, eventually, make_message, shutdown, start_producer, unique_instance_name,
                     wait_until_consuming, Collector)
from gateway_http import Gateway

pytestmark = pytest.mark.skipif(IS_V4, reason="ConsumeStatus.RECONSUME_LATER is the 0.5.0rc2 listener API")

MAX_RECONSUME_TIMES = 3
# Levels 3, 4 and 5 (the first, second and third retry) wait 1 s, 2 s and 3 s; levels 1 and 2 are unused.
DELAY_LEVELS = "1s 1s 1s 2s 3s"
RETRY_DELAYS = [1.0, 2.0, 3.0]
# A retry is parked when the broker stores the send-back, which is after the listener returned, so the gap
# between two deliveries is at least the level's delay; the slack covers millisecond rounding of timestamps.
SLACK_SECONDS = 0.05


class FailingListener:
    """Answers RECONSUME_LATER for bodies starting with `fail-`, CONSUME_SUCCESS for everything else."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[dict] = []
        self.probes = Collector("probes")

    def __call__(self, msg):
        body = bytes(msg.body)
        if not body.startswith(b"fail-"):
            self.probes.on_message(msg)
            return rmq.ConsumeStatus.CONSUME_SUCCESS
        with self.lock:
            self.deliveries.append({
                "at": time.monotonic(), "body": body, "id": msg.id.decode() if isinstance(msg.id, bytes) else msg.id,
                "topic": msg.topic.decode() if isinstance(msg.topic, bytes) else msg.topic,
                "reconsume_times": int(msg.reconsume_times),
                "color": (msg.get_property("color") or b"").decode(),
            })
        return rmq.ConsumeStatus.RECONSUME_LATER

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.deliveries)


@pytest.mark.tern_env(TERN_MESSAGE_DELAY_LEVEL=DELAY_LEVELS)
def test_reconsume_later_retries_with_growing_delay_then_dead_letters(tern, names):
    tern.create_topic(names.topic, queues=2)
    tern.admin("group", "create", "--group", names.consumer_group, "--retry-max-times", str(MAX_RECONSUME_TIMES))
    gateway = Gateway(tern.endpoints.http)
    producer = start_producer(tern.namesrv, names.producer_group)
    listener = FailingListener()
    consumer = rmq.PushConsumer(names.consumer_group)
    consumer.set_instance_name(unique_instance_name("retry"))
    consumer.set_namesrv_addr(tern.namesrv)
    consumer.set_thread_count(1)
    consumer.subscribe(names.topic, listener)
    consumer.start()
    try:
        wait_until_consuming(producer, names.topic, [listener.probes], queues=2)
        sent = producer.send_sync(make_message(names.topic, "fail-always", tags="TagR", keys="retry-key",
                                               props={"color": "red"}))
        assert sent.status == rmq.SendStatus.OK

        def lookup_original():
            # The key index is built after the send is acknowledged (as in RocketMQ), so look until it is there.
            status, payload = gateway.request("GET", f"/v1/messages/{sent.msg_id}", query={"topic": names.topic})
            assert status in (200, 404), payload
            return payload if status == 200 else None

        origin = eventually(lookup_original, 10, message="the original message in the key index")

        attempts = 1 + MAX_RECONSUME_TIMES
        eventually(lambda: len(listener.snapshot()) >= attempts, 40, message=f"{attempts} deliveries")

        dlq = f"%DLQ%{names.consumer_group}"

        def dead_letters():
            status, payload = gateway.request("GET", f"/v1/topics/{gateway.quote(dlq)}/queues/0/messages",
                                              query={"offset": 0, "waitMs": 500, "bodyEncoding": "base64"})
            return payload.get("messages") if status == 200 else None

        letters = eventually(dead_letters, 20, message=f"the message in {dlq}")
        time.sleep(RETRY_DELAYS[-1] + 2)  # longer than any retry delay: room for a wrong extra delivery
        deliveries = listener.snapshot()

        assert len(deliveries) == attempts, f"delivered {len(deliveries)} times, expected {attempts}: {deliveries}"
        assert [d["reconsume_times"] for d in deliveries] == list(range(attempts))
        for delivery in deliveries:
            # The client restores the topic from RETRY_TOPIC; the message id (UNIQ_KEY) survives every hop.
            assert (delivery["body"], delivery["topic"], delivery["id"], delivery["color"]) == (
                b"fail-always", names.topic, sent.msg_id, "red"), delivery
        gaps = [later["at"] - earlier["at"] for earlier, later in zip(deliveries, deliveries[1:])]
        for gap, delay in zip(gaps, RETRY_DELAYS):
            assert gap >= delay - SLACK_SECONDS, f"retry gaps {gaps} shorter than the levels' {RETRY_DELAYS}"

        assert len(letters) == 1, letters
        letter = letters[0]
        assert base64.b64decode(letter["body"]) == b"fail-always"
        assert letter["topic"] == dlq and letter["queueId"] == 0
        assert letter["tags"] == "TagR" and letter["keys"] == ["retry-key"]
        assert letter["reconsumeTimes"] == MAX_RECONSUME_TIMES
        properties = letter["properties"]
        assert properties["RETRY_TOPIC"] == names.topic
        assert properties["ORIGIN_MESSAGE_ID"] == origin["offsetMessageId"]
        assert properties["UNIQ_KEY"] == sent.msg_id
        assert properties["color"] == "red"
    finally:
        shutdown(consumer)
        shutdown(producer)
