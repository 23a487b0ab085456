"""Two clustering push consumers in one group split the queues; one takes over when the other leaves."""

import time

from clients import (Collector, make_message, non_probe, shutdown, start_producer, start_push_consumer,
                     eventually)

QUEUES = 4


def test_two_consumers_split_queues_and_survivor_takes_over(tern, names):
    tern.create_topic(names.topic, queues=QUEUES)
    producer = start_producer(tern.namesrv, names.producer_group)
    first, second = Collector("member-1"), Collector("member-2")
    consumer_one = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, first)
    consumer_two = start_push_consumer(tern.namesrv, names.consumer_group, names.topic, second)
    try:
        # Rebalance settles when one round of QUEUES probes is split between both members, each queue
        # owned by exactly one of them. The C++ client rebalances every 20 s and on the broker's
        # NOTIFY_CONSUMER_IDS_CHANGED, so allow a generous deadline.
        round_number = [0]

        def split_round() -> bool:
            round_number[0] += 1
            tag = f"probe-r{round_number[0]}-"
            for q in range(QUEUES):
                producer.send_sync(make_message(names.topic, f"{tag}{q}", tags="probe"))
            time.sleep(1.5)
            one = {m.queue_id for m in first.snapshot() if m.body.startswith(tag.encode())}
            two = {m.queue_id for m in second.snapshot() if m.body.startswith(tag.encode())}
            return bool(one) and bool(two) and not (one & two) and len(one | two) == QUEUES

        eventually(split_round, 75, interval=0.5, message="both members to own disjoint queues")

        batch = [f"split-{i}".encode() for i in range(16)]
        for body in batch:
            producer.send_sync(make_message(names.topic, body, tags="TagA"))
        union = lambda: {m.body for m in non_probe(first.snapshot() + second.snapshot())}
        eventually(lambda: set(batch) <= union(), 30, message="split batch")
        assert non_probe(first.snapshot()) and non_probe(second.snapshot()), "one member got nothing"
        delivered = [m.body for m in non_probe(first.snapshot() + second.snapshot())]
        assert sorted(delivered) == sorted(batch), "a message was delivered twice or lost"

        shutdown(consumer_two)
        after = [f"takeover-{i}".encode() for i in range(12)]
        sent_after = []

        def survivor_has_all() -> bool:
            if len(sent_after) < len(after):
                body = after[len(sent_after)]
                producer.send_sync(make_message(names.topic, body, tags="TagA"))
                sent_after.append(body)
            return set(after) <= {m.body for m in first.snapshot()}

        eventually(survivor_has_all, 60, interval=0.5, message="survivor to take over every queue")
        taken = {m.queue_id for m in first.snapshot() if m.body.startswith(b"takeover-")}
        assert taken == set(range(QUEUES))
    finally:
        shutdown(consumer_one)
        shutdown(consumer_two)
        shutdown(producer)
