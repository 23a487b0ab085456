/// One consume queue of one group as POP sees it: the unit of consume progress and of the per-queue pop lock
/// (RocketMQ's lock key `topic@group@qid`). `topic` is the stored topic, so a retry topic is its own queue.
public struct PopQueueKey: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var topic: String
    public var queueId: Int32

    public init(group: String, topic: String, queueId: Int32) {
        self.group = group
        self.topic = topic
        self.queueId = queueId
    }

    public var description: String { "\(topic)@\(group)@\(queueId)" }
}

/// Identifies a checkpoint the way RocketMQ's revive service matches acks to CKs
/// (topic + group + queueId + startOffset + popTime; the broker name is always ours).
public struct PopCheckpointKey: Sendable, Hashable {
    public var queue: PopQueueKey
    public var startOffset: Int64
    public var popTime: Int64

    public init(queue: PopQueueKey, startOffset: Int64, popTime: Int64) {
        self.queue = queue
        self.startOffset = startOffset
        self.popTime = popTime
    }
}

/// An in-flight pop: the messages one POP_MESSAGE took from one queue, hidden until `deadline` unless acked
/// (RocketMQ's `PopCheckPoint`: so, pt, it, bm, n, q, t, c, rq, d). At most 32 messages, so the ack bitmap is
/// a `UInt32` whose bit i covers `queueOffsets[i]`.
public struct PopCheckpoint: Sendable, Hashable {
    public var key: PopCheckpointKey
    public var invisibleTime: Int64
    public var reviveQueueId: Int32
    /// Queue offsets of the popped messages, ascending (gaps are messages the filter skipped).
    public var queueOffsets: [Int64]
    /// Bit i set ⇔ `queueOffsets[i]` is acked (or already revived).
    public var ackedBits: UInt32
    /// Failed revive attempts so far; each one pushes the deadline further out.
    public var reviveAttempts: Int32
    /// True while the revive service re-puts this checkpoint's messages; not persisted.
    var isReviving: Bool = false

    public init(key: PopCheckpointKey, invisibleTime: Int64, reviveQueueId: Int32, queueOffsets: [Int64],
                ackedBits: UInt32 = 0, reviveAttempts: Int32 = 0) {
        precondition(queueOffsets.count <= 32, "a checkpoint covers at most 32 messages")
        self.key = key
        self.invisibleTime = invisibleTime
        self.reviveQueueId = reviveQueueId
        self.queueOffsets = queueOffsets
        self.ackedBits = ackedBits
        self.reviveAttempts = reviveAttempts
    }

    /// Broker time (ms) at which unacked messages become due for redelivery.
    public var deadline: Int64 { key.popTime + invisibleTime }

    private var fullMask: UInt32 { queueOffsets.count == 32 ? UInt32.max : (UInt32(1) << queueOffsets.count) - 1 }

    /// True when every message is acked.
    public var isFullyAcked: Bool { ackedBits & fullMask == fullMask }

    /// Offsets not yet acked.
    public var unackedOffsets: [Int64] {
        queueOffsets.indices.filter { ackedBits & (UInt32(1) << $0) == 0 }.map { queueOffsets[$0] }
    }

    /// Marks `offset` acked; false when it is not part of this checkpoint.
    @discardableResult
    mutating func markAcked(_ offset: Int64) -> Bool {
        guard let index = queueOffsets.firstIndex(of: offset) else { return false }
        ackedBits |= UInt32(1) << index
        return true
    }

    /// True when `offset` belongs to this checkpoint and is not acked yet.
    func isPending(_ offset: Int64) -> Bool {
        guard let index = queueOffsets.firstIndex(of: offset) else { return false }
        return ackedBits & (UInt32(1) << index) == 0
    }
}
