"""Thin helpers over the two C++-based Python clients (rocketmq-client-python 0.5.0rc2, rocketmq 0.4.4).

Both install the module `rocketmq`; `IS_V4` tells which one this venv has. Every wait is deadline-bound.
"""

from __future__ import annotations

import ctypes
import itertools
import threading
import time
from dataclasses import dataclass, field

import rocketmq.client as rmq
from rocketmq.exceptions import RocketMQException
from rocketmq.ffi import dll

IS_V4 = hasattr(rmq, "PullConsumer")  # only rocketmq 0.4.4 ships the pull consumer
_instance_counter = itertools.count(1)


def unique_instance_name(prefix: str) -> str:
    # The C++ client shares one client instance (and one clientId) per instance name within a process;
    # two consumers of one group in one process must have different names or the broker sees one client.
    return f"{prefix}-{next(_instance_counter)}-{time.monotonic_ns()}"


def _text(value) -> str:
    if value is None:
        return ""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def make_message(topic: str, body: str | bytes, tags: str = "", keys: str = "", props: dict | None = None):
    msg = rmq.Message(topic)
    msg.set_body(body)
    if tags:
        msg.set_tags(tags)
    if keys:
        msg.set_keys(keys)
    for key, value in (props or {}).items():
        msg.set_property(key, value)
    return msg


def start_producer(namesrv: str, group: str, orderly: bool = False):
    if orderly and not IS_V4:
        producer = rmq.Producer(group, orderly=True, timeout=10000)
    else:
        producer = rmq.Producer(group, timeout=10000)
    dll.SetProducerInstanceName(producer._handle, unique_instance_name(group).encode())
    producer.set_namesrv_addr(namesrv)
    producer.start()
    return producer


def shutdown(client) -> None:
    """Shuts a client down exactly once (0.4.4's __del__ would otherwise shut it down again)."""
    if getattr(client, "_handle", None) is None:
        return
    client.shutdown()
    if IS_V4:
        client._handle = None


@dataclass(frozen=True)
class Received:
    """A copy of a delivered message (the C++ message handle is only valid inside the callback)."""

    consumer: str
    msg_id: str
    topic: str
    body: bytes
    tags: str
    keys: str
    props: dict
    queue_id: int
    queue_offset: int
    reconsume_times: int


@dataclass
class Collector:
    """Thread-safe record of what a push consumer received."""

    name: str
    prop_names: tuple[str, ...] = ()
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_message(self, msg):
        props = {name: _text(msg.get_property(name)) for name in self.prop_names}
        record = Received(
            self.name, _text(msg.id), _text(msg.topic), bytes(msg.body), _text(msg.tags), _text(msg.keys), props,
            int(msg.queue_id), int(msg.queue_offset), int(msg.reconsume_times),
        )
        with self.lock:
            self.messages.append(record)
        return None if IS_V4 else rmq.ConsumeStatus.CONSUME_SUCCESS

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.messages)

    def bodies(self) -> list[bytes]:
        return [m.body for m in self.snapshot()]


def start_push_consumer(namesrv: str, group: str, topic: str, collector: Collector, expression: str = "*",
                        broadcasting: bool = False, orderly: bool = False):
    model = rmq.MessageModel.BROADCASTING if broadcasting else rmq.MessageModel.CLUSTERING
    consumer = rmq.PushConsumer(group, orderly=orderly, message_model=model)
    consumer.set_instance_name(unique_instance_name(collector.name))
    consumer.set_namesrv_addr(namesrv)
    consumer.set_thread_count(2)
    consumer.subscribe(topic, collector.on_message, expression)
    consumer.start()
    return consumer


def eventually(predicate, timeout: float, interval: float = 0.2, message: str = "condition"):
    """Polls `predicate` until it returns a truthy value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def wait_until_consuming(producer, topic: str, collectors: list[Collector], queues: int, timeout: float = 60.0,
                         all_collectors_each_queue: bool = False) -> None:
    """Sends probe messages until the consumers have received probes from every queue.

    A push consumer's start is asynchronous (route lookup, rebalance, offset query), so messages sent
    right after start() may land before its start offset. Probes make later assertions exact: the
    probes' bodies start with b"probe-" and tests filter them out.
    """
    counter = itertools.count()

    def queues_seen(collector: Collector) -> set[int]:
        return {m.queue_id for m in collector.snapshot() if m.body.startswith(b"probe-")}

    failures: list[str] = []

    def ready() -> bool:
        for _ in range(queues):  # the producer round-robins queues, so `queues` sends cover them all
            try:
                producer.send_sync(make_message(topic, f"probe-{next(counter)}", tags="probe"))
            except RocketMQException as error:
                # On a loaded machine the C++ client's first sends can fail while it sets up its connections
                # (it reports any exhausted retry as "No route info of this topic"); a probe just tries again.
                failures.append(str(error))
        if all_collectors_each_queue:
            return all(len(queues_seen(c)) >= queues for c in collectors)
        return len(set().union(*(queues_seen(c) for c in collectors))) >= queues

    try:
        eventually(ready, timeout, interval=1.0, message=f"consumers to receive probes from {queues} queues")
    except AssertionError as error:
        raise AssertionError(f"{error}; last probe send failures: {failures[-3:]}") from None


def non_probe(messages: list[Received]) -> list[Received]:
    return [m for m in messages if not m.body.startswith(b"probe-")]


# --- 0.4.4 pull consumer ---------------------------------------------------------------------------

@dataclass
class PullOutcome:
    status: str  # FOUND, NO_NEW_MSG, NO_MATCHED_MSG, OFFSET_ILLEGAL, BROKER_TIMEOUT
    next_begin_offset: int
    min_offset: int
    max_offset: int
    messages: list[Received]


def start_pull_consumer(namesrv: str, group: str):
    consumer = rmq.PullConsumer(group)
    consumer.set_namesrv_addr(namesrv)
    consumer.start()
    return consumer


def fetch_queues(consumer, topic: str) -> list:
    """Returns copies of the topic's message queues (as the C struct), sorted by queue id."""
    from rocketmq.ffi import _CMessageQueue

    queues = ctypes.POINTER(_CMessageQueue)()
    size = ctypes.c_int()
    rmq.ffi_check(dll.FetchSubscriptionMessageQueues(consumer._handle, topic.encode(), ctypes.pointer(queues),
                                                     ctypes.pointer(size)))
    copies = []
    for index in range(size.value):
        copy = _CMessageQueue()
        ctypes.pointer(copy)[0] = queues[index]
        copies.append(copy)
    dll.ReleaseSubscriptionMessageQueue(queues)
    return sorted(copies, key=lambda q: q.queueId)


def pull(consumer, queue, offset: int, max_num: int = 32, expression: str = "*") -> PullOutcome:
    """One synchronous PULL_MESSAGE from an explicit queue offset (no client-side offset bookkeeping)."""
    from rocketmq.ffi import _CPullStatus

    result = dll.Pull(consumer._handle, ctypes.pointer(queue), expression.encode(), ctypes.c_longlong(offset),
                      max_num)
    try:
        collector = Collector("pull")
        messages = []
        if result.pullStatus == _CPullStatus.FOUND:
            for index in range(result.size):
                collector.on_message(rmq.RecvMessage(result.msgFoundList[index]))
            messages = collector.snapshot()
        return PullOutcome(_CPullStatus(result.pullStatus).name, int(result.nextBeginOffset),
                           int(result.minOffset), int(result.maxOffset), messages)
    finally:
        dll.ReleasePullResult(result)


def wait_for_max_offset(consumer, queue, expected: int, deadline_seconds: float = 10.0) -> None:
    """Waits until the broker reports `expected` messages in `queue`.

    The broker builds consume queues asynchronously after acknowledging a send (as RocketMQ does), so a pull issued
    within milliseconds of the last ack may not see it yet; real pull consumers simply pull again.
    """
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if pull(consumer, queue, 0, max_num=1).max_offset >= expected:
            return
        time.sleep(0.02)
