"""Client-side scenarios for frame capture, run with a venv's python (one client library per venv).

Usage: python scenarios.py SCENARIO NAMESRV_ADDR

Each scenario starts a real client against the fake server, does one thing and shuts the client down.
The capture driver (capture.py) labels the frames that arrive while a scenario runs.
"""

from __future__ import annotations

import ctypes
import sys
import time

import rocketmq.client as rmq
from rocketmq.ffi import dll

TOPIC = "TernCaptureTopic"
PRODUCER_GROUP = "tern_capture_pg"
CONSUMER_GROUP = "tern_capture_cg"


def is_v5() -> bool:
    """True for rocketmq-client-python 0.5.x, False for rocketmq 0.4.4."""
    return hasattr(rmq, "TransactionMQProducer")


def make_message(body: str, tags: str | None = None, keys: str | None = None, props: dict | None = None):
    msg = rmq.Message(TOPIC)
    msg.set_body(body)
    if tags:
        msg.set_tags(tags)
    if keys:
        msg.set_keys(keys)
    for key, value in (props or {}).items():
        msg.set_property(key, value)
    return msg


def producer(namesrv: str, orderly: bool = False):
    if orderly and is_v5():
        p = rmq.Producer(PRODUCER_GROUP, orderly=True)
    else:
        p = rmq.Producer(PRODUCER_GROUP)
    p.set_namesrv_addr(namesrv)
    p.start()
    return p


def send_sync(namesrv: str) -> None:
    p = producer(namesrv)
    print(p.send_sync(make_message("hello-sync")))
    p.shutdown()


def send_props(namesrv: str) -> None:
    p = producer(namesrv)
    msg = make_message("hello-props", tags="TagA", keys="key-1 key-2", props={"color": "blue", "size": "42"})
    print(p.send_sync(msg))
    p.shutdown()


def producer_heartbeat(namesrv: str) -> None:
    """Keeps a started producer alive past its first scheduled heartbeat."""
    p = producer(namesrv)
    p.send_sync(make_message("hello-heartbeat"))
    time.sleep(float(__import__("os").environ.get("TERN_CAPTURE_IDLE", "12")))
    p.shutdown()


def send_oneway(namesrv: str) -> None:
    p = producer(namesrv)
    p.send_oneway(make_message("hello-oneway", tags="TagO"))
    time.sleep(0.5)  # oneway returns before the bytes are surely written
    p.shutdown()


def send_orderly(namesrv: str) -> None:
    if is_v5():
        p = producer(namesrv, orderly=True)
        print(p.send_orderly_with_sharding_key(make_message("hello-orderly", tags="TagS"), "order-7"))
    else:
        p = producer(namesrv)
        print(p.send_orderly(make_message("hello-orderly", tags="TagS"), 7))
    p.shutdown()


def send_batch(namesrv: str) -> None:
    p = producer(namesrv)
    msgs = [make_message(f"hello-batch-{i}", tags="TagB", keys=f"bk-{i}") for i in range(3)]
    if hasattr(p, "send_batch"):
        print(p.send_batch(msgs))
    else:
        # 0.5.0rc2's librocketmq exports SendBatchMessage but the Python wrapper does not expose it.
        batch = dll.CreateBatchMessage()
        for msg in msgs:
            dll.AddMessage(batch, msg)
        result = rmq._CSendResult()
        status = dll.SendBatchMessage(p._handle, batch, ctypes.pointer(result))
        print("batch status", status, result.msgId)
        dll.DestroyBatchMessage(batch)
    p.shutdown()


def push_consumer(namesrv: str, model=None) -> None:
    consumer = rmq.PushConsumer(CONSUMER_GROUP, message_model=rmq.MessageModel.CLUSTERING if model is None else model)
    consumer.set_namesrv_addr(namesrv)

    def on_message(msg):
        return rmq.ConsumeStatus.CONSUME_SUCCESS if is_v5() else None

    consumer.subscribe(TOPIC, on_message, "TagA || TagB")
    consumer.start()
    # Long enough for rebalance, offset queries, a few pulls and one offset-persist round (5 s).
    time.sleep(12)
    consumer.shutdown()


def push_broadcast(namesrv: str) -> None:
    push_consumer(namesrv, rmq.MessageModel.BROADCASTING)


def pull_consumer(namesrv: str) -> None:
    consumer = rmq.PullConsumer(CONSUMER_GROUP)
    consumer.set_namesrv_addr(namesrv)
    consumer.start()
    queues = ctypes.POINTER(rmq._CMessageQueue)()
    size = ctypes.c_int()
    rmq.ffi_check(dll.FetchSubscriptionMessageQueues(consumer._handle, TOPIC.encode(), ctypes.pointer(queues),
                                                     ctypes.pointer(size)))
    result = dll.Pull(consumer._handle, ctypes.pointer(queues[0]), b"*", ctypes.c_longlong(5), 16)
    print("pull status", result.pullStatus, result.nextBeginOffset)
    dll.ReleasePullResult(result)
    dll.ReleaseSubscriptionMessageQueue(queues)
    consumer.shutdown()
    consumer._handle = None  # 0.4.4's __del__ would shut it down a second time


SCENARIOS = {
    "send_sync": send_sync,
    "send_props": send_props,
    "send_oneway": send_oneway,
    "producer_heartbeat": producer_heartbeat,
    "send_orderly": send_orderly,
    "send_batch": send_batch,
    "push_consumer": push_consumer,
    "push_broadcast": push_broadcast,
    "pull_consumer": pull_consumer,
}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]](sys.argv[2])
