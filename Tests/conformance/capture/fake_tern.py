"""Stand-in for the `tern` CLI backed by fake_rocketmq, to check the conformance tests' client code.

Only `start` (prints TERN_READY, runs until SIGTERM) and a no-op `admin topic create` are supported; the
fake keeps messages in memory, so restart, offsets and `admin message` tests are expected to fail.
Usage: TERN_BIN=Tests/conformance/capture/fake_tern.sh bash Tests/conformance/run.sh
"""

import argparse
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_rocketmq import FakeRocketMQ  # noqa: E402


def main() -> int:
    if sys.argv[1:3] == ["admin", "topic"]:
        return 0
    if sys.argv[1:2] != ["start"]:
        print("fake tern supports only `start` and `admin topic create`", file=sys.stderr)
        return 1
    parser = argparse.ArgumentParser()
    for name in ("--namesrv-port", "--broker-port", "--http-port"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("--store-path", required=True)
    args = parser.parse_args(sys.argv[2:])
    fake = FakeRocketMQ()
    fake.start(args.namesrv_port, args.broker_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"TERN_READY namesrv=127.0.0.1:{args.namesrv_port} broker=127.0.0.1:{args.broker_port} "
          f"http=127.0.0.1:{args.http_port}", flush=True)
    stop.wait()
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
