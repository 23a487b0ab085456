"""A tiny fake RocketMQ name server + broker that records every frame a client sends.

It speaks just enough of the remoting protocol (shared/spec/remoting-protocol.md sections 1-3) for the
C++-based Python clients to start, send, pull and shut down. It stores nothing: sends are acknowledged
with a made-up offset message id, pulls always answer PULL_NOT_FOUND. Plain sockets and threads only,
loopback only.

Frame: 4-byte big-endian frameLength (not counting itself), 4-byte header-length word whose top byte
is the serialize type (0 = JSON), JSON header, body.
"""

from __future__ import annotations

import json
import socket
import zlib
import struct
import threading
import time
from dataclasses import dataclass, field

# Request codes (RocketMQ RequestCode names).
SEND_MESSAGE = 10
PULL_MESSAGE = 11
QUERY_CONSUMER_OFFSET = 14
UPDATE_CONSUMER_OFFSET = 15
SEARCH_OFFSET_BY_TIMESTAMP = 29
GET_MAX_OFFSET = 30
GET_MIN_OFFSET = 31
HEART_BEAT = 34
UNREGISTER_CLIENT = 35
CONSUMER_SEND_MSG_BACK = 36
GET_CONSUMER_LIST_BY_GROUP = 38
LOCK_BATCH_MQ = 41
UNLOCK_BATCH_MQ = 42
GET_ROUTEINFO_BY_TOPIC = 105
SEND_MESSAGE_V2 = 310
SEND_BATCH_MESSAGE = 320

CODE_NAMES = {
    SEND_MESSAGE: "send_message",
    PULL_MESSAGE: "pull_message",
    QUERY_CONSUMER_OFFSET: "query_consumer_offset",
    UPDATE_CONSUMER_OFFSET: "update_consumer_offset",
    SEARCH_OFFSET_BY_TIMESTAMP: "search_offset_by_timestamp",
    GET_MAX_OFFSET: "get_max_offset",
    GET_MIN_OFFSET: "get_min_offset",
    HEART_BEAT: "heart_beat",
    UNREGISTER_CLIENT: "unregister_client",
    CONSUMER_SEND_MSG_BACK: "consumer_send_msg_back",
    GET_CONSUMER_LIST_BY_GROUP: "get_consumer_list_by_group",
    LOCK_BATCH_MQ: "lock_batch_mq",
    UNLOCK_BATCH_MQ: "unlock_batch_mq",
    GET_ROUTEINFO_BY_TOPIC: "get_routeinfo_by_topic",
    SEND_MESSAGE_V2: "send_message_v2",
    SEND_BATCH_MESSAGE: "send_batch_message",
}

# Response codes.
SUCCESS = 0
SYSTEM_ERROR = 1
REQUEST_CODE_NOT_SUPPORTED = 3
TOPIC_NOT_EXIST = 17
PULL_NOT_FOUND = 19
QUERY_NOT_FOUND = 22

BROKER_NAME = "broker-a"
CLUSTER_NAME = "DefaultCluster"
QUEUE_COUNT = 4
# Version ordinal we answer with (V4_9_4); see spec 1.8.
SERVER_VERSION = 401


@dataclass
class Frame:
    """One request frame as received, with its decoded header."""

    server: str  # "namesrv" or "broker"
    label: str  # scenario label active when it arrived
    raw: bytes
    header: dict
    body: bytes
    received_at: float = field(default_factory=time.time)

    @property
    def code(self) -> int:
        return int(self.header.get("code", -1))

    @property
    def oneway(self) -> bool:
        return bool(int(self.header.get("flag", 0)) & 0x2)


def encode_frame(header: dict, body: bytes = b"") -> bytes:
    """Encodes a JSON-header frame (serialize type 0, compact JSON, as spec 1.3 asks of a server)."""
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return struct.pack(">II", 4 + len(header_bytes) + len(body), len(header_bytes)) + header_bytes + body


def decode_frame(raw: bytes) -> tuple[dict, bytes]:
    """Splits one complete frame (including its length prefix) into header dict and body."""
    frame_length, header_word = struct.unpack(">II", raw[:8])
    serialize_type = header_word >> 24
    header_length = header_word & 0xFFFFFF
    if serialize_type != 0:
        raise ValueError(f"unsupported serialize type {serialize_type}")
    header = json.loads(raw[8 : 8 + header_length].decode("utf-8"))
    body = raw[8 + header_length : 4 + frame_length]
    return header, body


def read_exactly(sock: socket.socket, count: int) -> bytes | None:
    chunks = []
    while count > 0:
        chunk = sock.recv(count)
        if not chunk:
            return None
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def offset_message_id(port: int, physical_offset: int) -> str:
    """Offset message id (spec 4.3): store host IPv4 + port (4 bytes) + commit-log offset, upper-case hex."""
    return (socket.inet_aton("127.0.0.1") + struct.pack(">iq", port, physical_offset)).hex().upper()


class FakeRocketMQ:
    """Fake name server and broker on loopback; records every inbound frame in `frames`."""

    def __init__(self) -> None:
        self.frames: list[Frame] = []
        self.label = "startup"
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._sockets: list[socket.socket] = []
        self._client_ids: dict[str, set[str]] = {}
        self._next_physical_offset = 0
        # (topic, queueId) -> list of stored records (spec 4.1 bytes), index = queue offset.
        self._queues: dict[tuple[str, int], list[bytes]] = {}
        self.namesrv_port = 0
        self.broker_port = 0

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self, namesrv_port: int = 0, broker_port: int = 0) -> None:
        namesrv = self._listen(namesrv_port)
        if broker_port:
            self.broker_port = broker_port
            self._serve(self._listen(broker_port), "broker")
            self._serve(namesrv, "namesrv")
            return
        self.namesrv_port = namesrv.getsockname()[1]
        # Serve the broker on P and also on P-2 (the "VIP" port some old clients use, spec 1.1).
        for _ in range(50):
            broker = self._listen(0)
            port = broker.getsockname()[1]
            try:
                vip = self._listen(port - 2)
            except OSError:
                broker.close()
                continue
            self.broker_port = port
            self._serve(broker, "broker")
            self._serve(vip, "broker")
            break
        else:
            raise RuntimeError("could not bind broker and VIP ports")
        self._serve(namesrv, "namesrv")

    def stop(self) -> None:
        self._stopping.set()
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def set_label(self, label: str) -> None:
        with self._lock:
            self.label = label

    def _listen(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(16)
        self._sockets.append(sock)
        return sock

    def _serve(self, listener: socket.socket, role: str) -> None:
        def accept_loop() -> None:
            while not self._stopping.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                self._sockets.append(conn)
                threading.Thread(target=self._connection, args=(conn, role), daemon=True).start()

        threading.Thread(target=accept_loop, daemon=True).start()

    def _connection(self, conn: socket.socket, role: str) -> None:
        write_lock = threading.Lock()
        while not self._stopping.is_set():
            try:
                prefix = read_exactly(conn, 4)
                if prefix is None:
                    return
                (frame_length,) = struct.unpack(">I", prefix)
                rest = read_exactly(conn, frame_length)
                if rest is None:
                    return
            except OSError:
                return
            raw = prefix + rest
            header, body = decode_frame(raw)
            with self._lock:
                frame = Frame(role, self.label, raw, header, body)
                self.frames.append(frame)
            if int(header.get("flag", 0)) & 0x1:
                continue  # a response to something we sent; we never send requests
            reply = self._handle(frame)
            if reply is None or frame.oneway:
                continue
            code, ext_fields, reply_body, remark = reply
            response = {
                "code": code,
                "flag": 1,
                "language": "JAVA",
                "opaque": header.get("opaque", 0),
                "serializeTypeCurrentRPC": "JSON",
                "version": SERVER_VERSION,
            }
            if ext_fields is not None:
                # Spec 1.3 encoder rule 1: every extFields value is a JSON string.
                response["extFields"] = {k: str(v) for k, v in ext_fields.items()}
            if remark is not None:
                response["remark"] = remark
            try:
                with write_lock:
                    conn.sendall(encode_frame(response, reply_body))
            except OSError:
                return

    # --- request handling ------------------------------------------------------------------------

    def _handle(self, frame: Frame):
        """Returns (code, extFields or None, body, remark) or None for no answer."""
        ext = frame.header.get("extFields") or {}
        code = frame.code
        if code == GET_ROUTEINFO_BY_TOPIC:
            return SUCCESS, None, self._route_body(), None
        if code == HEART_BEAT:
            self._remember_consumers(frame.body)
            return SUCCESS, None, b"", None
        if code in (SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE):
            return self._send_reply(ext, frame.body)
        if code == PULL_MESSAGE:
            return self._pull_reply(ext)
        if code == QUERY_CONSUMER_OFFSET:
            # Not found first, so the client goes on to ask for the max/min offset (spec 2.3).
            return QUERY_NOT_FOUND, None, b"", "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first"
        if code == UPDATE_CONSUMER_OFFSET:
            return SUCCESS, None, b"", None
        if code == GET_MAX_OFFSET:
            with self._lock:
                count = len(self._queues.get((str(ext.get("topic")), int(ext.get("queueId", 0))), []))
            return SUCCESS, {"offset": count}, b"", None
        if code in (GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP):
            return SUCCESS, {"offset": 0}, b"", None
        if code == UNREGISTER_CLIENT:
            return SUCCESS, None, b"", None
        if code == GET_CONSUMER_LIST_BY_GROUP:
            group = str(ext.get("consumerGroup", ""))
            with self._lock:
                ids = sorted(self._client_ids.get(group, set()))
            if not ids:
                return SYSTEM_ERROR, None, b"", f"no consumer for this group, {group}"
            return SUCCESS, None, json.dumps({"consumerIdList": ids}).encode(), None
        if code == LOCK_BATCH_MQ:
            try:
                mq_set = json.loads(frame.body.decode("utf-8")).get("mqSet", [])
            except ValueError:
                mq_set = []
            return SUCCESS, None, json.dumps({"lockOKMQSet": mq_set}).encode(), None
        if code in (UNLOCK_BATCH_MQ, CONSUMER_SEND_MSG_BACK):
            return SUCCESS, None, b"", None
        return REQUEST_CODE_NOT_SUPPORTED, None, b"", f" request type {code} not supported"

    def _route_body(self) -> bytes:
        route = {
            "brokerDatas": [
                {
                    "brokerAddrs": {"0": f"127.0.0.1:{self.broker_port}"},
                    "brokerName": BROKER_NAME,
                    "cluster": CLUSTER_NAME,
                    "enableActingMaster": False,
                }
            ],
            "filterServerTable": {},
            "queueDatas": [
                {
                    "brokerName": BROKER_NAME,
                    "perm": 6,
                    "readQueueNums": QUEUE_COUNT,
                    "topicSysFlag": 0,
                    "writeQueueNums": QUEUE_COUNT,
                }
            ],
        }
        return json.dumps(route, separators=(",", ":")).encode()

    def _remember_consumers(self, body: bytes) -> None:
        try:
            data = json.loads(body.decode("utf-8"))
        except ValueError:
            return
        client_id = data.get("clientID")
        for consumer in data.get("consumerDataSet") or []:
            group = consumer.get("groupName")
            if client_id and group:
                with self._lock:
                    self._client_ids.setdefault(group, set()).add(client_id)

    def _send_reply(self, ext: dict, body: bytes):
        # SEND_MESSAGE uses long names; V2/batch use one-letter keys (spec 2.3). Accept both.
        def field(short: str, long: str, default=""):
            return ext.get(short, ext.get(long, default))

        topic = str(field("b", "topic"))
        queue_id = max(0, int(field("e", "queueId", 0)))
        batch = str(field("m", "batch", "false")).lower() in ("true", "1")
        if batch:
            messages = decode_batch(body)
        else:
            messages = [(int(field("h", "flag", 0)), body, str(field("i", "properties", "")))]
        ids = []
        with self._lock:
            queue = self._queues.setdefault((topic, queue_id), [])
            first_offset = len(queue)
            for user_flag, message_body, properties in messages:
                physical_offset = self._next_physical_offset
                record = encode_record(
                    topic, queue_id, len(queue), physical_offset, user_flag, message_body, properties,
                    int(field("g", "bornTimestamp", 0)), self.broker_port,
                )
                queue.append(record)
                self._next_physical_offset += len(record)
                ids.append(offset_message_id(self.broker_port, physical_offset))
        fields = {
            "msgId": ",".join(ids),
            "queueId": queue_id,
            "queueOffset": first_offset,
            "MSG_REGION": "DefaultRegion",
            "TRACE_ON": "true",
        }
        return SUCCESS, fields, b"", None

    def _pull_reply(self, ext: dict):
        topic = str(ext.get("topic", ""))
        queue_id = int(ext.get("queueId", 0))
        queue_offset = int(ext.get("queueOffset", 0))
        max_count = int(ext.get("maxMsgNums", 32))
        with self._lock:
            queue = list(self._queues.get((topic, queue_id), []))
        fields = {"suggestWhichBrokerId": 0, "minOffset": 0, "maxOffset": len(queue)}
        if queue_offset < len(queue):
            records = queue[queue_offset : queue_offset + max_count]
            fields["nextBeginOffset"] = queue_offset + len(records)
            return SUCCESS, fields, b"".join(records), "FOUND"
        fields["nextBeginOffset"] = min(queue_offset, len(queue))
        # Answer NOT_FOUND after a short pause instead of parking the pull as a real broker would,
        # so a push consumer does not spin.
        time.sleep(0.2)
        return PULL_NOT_FOUND, fields, b"", "NO_MESSAGE_IN_QUEUE"


def decode_batch(body: bytes) -> list[tuple[int, bytes, str]]:
    """Decodes a batch body (spec 4.6): per message totalSize, magic, bodyCRC, flag, body, properties."""
    messages = []
    position = 0
    while position + 20 <= len(body):
        total_size, _magic, _crc, user_flag, body_length = struct.unpack(">iiiii", body[position : position + 20])
        cursor = position + 20
        message_body = body[cursor : cursor + body_length]
        cursor += body_length
        (properties_length,) = struct.unpack(">h", body[cursor : cursor + 2])
        properties = body[cursor + 2 : cursor + 2 + properties_length].decode("utf-8")
        messages.append((user_flag, message_body, properties))
        position += total_size
    return messages


def encode_record(topic, queue_id, queue_offset, physical_offset, user_flag, body, properties, born_ms, port):
    """Encodes one stored message record (spec 4.1, magic v1, IPv4 hosts)."""
    topic_bytes = topic.encode("utf-8")
    properties_bytes = properties.encode("utf-8")
    host = socket.inet_aton("127.0.0.1")
    total = 91 + len(body) + len(topic_bytes) + len(properties_bytes)
    return b"".join([
        struct.pack(">iIIii", total, 0xDAA320A7, zlib.crc32(body) & 0x7FFFFFFF, queue_id, user_flag),
        struct.pack(">qqi", queue_offset, physical_offset, 0),
        struct.pack(">q", born_ms), host, struct.pack(">i", 40000),
        struct.pack(">q", int(time.time() * 1000)), host, struct.pack(">i", port),
        struct.pack(">iq", 0, 0),
        struct.pack(">i", len(body)), body,
        struct.pack(">B", len(topic_bytes)), topic_bytes,
        struct.pack(">h", len(properties_bytes)), properties_bytes,
    ])
