public import NIOCore

/// The storage engine as Core sees it: append, read by queue, read by physical offset, query by key.
///
/// Two implementations honour this contract: `FileMessageStore` (RocketMQ's on-disk format, the real one) and
/// `InMemoryMessageStore` (same semantics in RAM, for tests of the layers above). Contract tests run against both.
///
/// Threading: every method may be called from any thread, including NIO event loops. Only the
/// `putMessage` completion may be delayed (until the bytes are durable under sync flush); no method blocks on disk
/// flushes. `messages(...)` and `message(at:)` copy at most once, into the returned `ByteBuffer`s.
public protocol MessageStore: AnyObject, Sendable {
    /// Appends one message (or one batch encoded as several records) and calls `completion` once, on an arbitrary
    /// thread, when the result is final: immediately under async flush, after fsync (or timeout) under sync flush.
    func putMessage(_ message: MessageToStore, completion: @escaping @Sendable (PutMessageResult) -> Void)

    /// Appends a batch of messages to one topic/queue as consecutive records sharing one append and one flush wait.
    func putMessages(_ batch: [MessageToStore], completion: @escaping @Sendable (PutMessageResult) -> Void)

    /// Reads up to `maxCount` messages of one queue starting at `offset`, skipping those `filter` rejects.
    func messages(topic: String, queueId: Int32, offset: QueueOffset, maxCount: Int, maxBytes: Int,
                  filter: (any MessageFilter)?) -> GetMessageResult

    /// The raw record stored at `offset`, or nil when no valid record starts there.
    func message(at offset: PhysicalOffset) -> ByteBuffer?

    /// Candidate records indexed under `key` (a KEYS token or UNIQ_KEY) for `topic`, newest first, stored within
    /// `[beginTimestamp, endTimestamp]` (ms). The caller re-checks keys, as RocketMQ clients do.
    func queryMessages(topic: String, key: String, maxCount: Int, beginTimestamp: Int64, endTimestamp: Int64)
        -> QueryMessageResult

    /// The next offset to be written in the queue (0 for a queue never written).
    func maxOffset(topic: String, queueId: Int32) -> QueueOffset
    /// The smallest offset still readable in the queue.
    func minOffset(topic: String, queueId: Int32) -> QueueOffset
    /// The first offset whose store time is >= `timestamp` (`.lower`) or the last one <= it (`.upper`).
    func offset(forTimestamp timestamp: Int64, topic: String, queueId: Int32, boundary: TimestampBoundary)
        -> QueueOffset
    /// Store time (ms) of the message at `offset` in the queue, if readable.
    func storeTimestamp(topic: String, queueId: Int32, offset: QueueOffset) -> Int64?
    /// Store time (ms) of the oldest readable message in the queue.
    func earliestMessageTimestamp(topic: String, queueId: Int32) -> Int64?

    /// Removes the consume queues of `topics` (the commit log keeps the bytes until retention deletes them).
    func deleteTopics(_ topics: Set<String>)

    /// Every topic that has a consume queue, with its queue count (highest queue id + 1). The broker rebuilds its
    /// topic table from this when topics.json is lost, so stored messages stay reachable.
    func storedQueueCounts() -> [String: Int32]

    /// Registers a callback run after each record is dispatched to its consume queue (long polling wakes on it).
    /// Called on the dispatcher thread; must not block.
    func addArrivalListener(_ listener: @escaping @Sendable (MessageArrival) -> Void)

    /// Figures for runtime info and metrics.
    func statistics() -> StoreStatistics
}

/// Which side of a timestamp `offset(forTimestamp:)` lands on.
public enum TimestampBoundary: Sendable {
    case lower
    case upper
}

/// What the dispatcher reports when a message becomes readable in a consume queue.
public struct MessageArrival: Sendable {
    public var topic: String
    public var queueId: Int32
    /// The queue offset of the message that arrived; the queue's max offset is this + 1.
    public var queueOffset: QueueOffset
    public var tagsCode: Int64
    public var storeTimestamp: Int64

    // No properties: the only listener (held pulls) matches on the tag hash and runs SQL92 filters when the pull
    // re-runs, so the dispatcher decodes nothing but TAGS for an arrival.
    public init(topic: String, queueId: Int32, queueOffset: QueueOffset, tagsCode: Int64, storeTimestamp: Int64) {
        self.topic = topic
        self.queueId = queueId
        self.queueOffset = queueOffset
        self.tagsCode = tagsCode
        self.storeTimestamp = storeTimestamp
    }
}

/// A consumer-side filter, checked first on the consume queue unit (tag hash) and then on the record properties.
public protocol MessageFilter: Sendable {
    /// Cheap check on the 8-byte tag hash of a consume queue unit.
    func isMatched(tagsCode: Int64) -> Bool
    /// Full check on the stored message's properties (SQL92); tag filters return true.
    func isMatched(properties: [String: String]) -> Bool
    /// False when `isMatched(properties:)` accepts everything, so readers need not decode each record's
    /// properties: a pop of 32 spent as long on that as on reading the records.
    var checksProperties: Bool { get }
}

extension MessageFilter {
    public var checksProperties: Bool { true }
}

/// Counters and gauges of the store, read by runtime info and `/metrics`.
public struct StoreStatistics: Sendable {
    public var commitLogMinOffset: PhysicalOffset = PhysicalOffset(0)
    public var commitLogMaxOffset: PhysicalOffset = PhysicalOffset(0)
    public var dispatchBehindBytes: Int64 = 0
    public var putMessageCount: Int64 = 0
    public var putMessageBytes: Int64 = 0
    public var getMessageCount: Int64 = 0
    public var diskUsedRatio: Double = 0
    public var isWritable: Bool = true

    public init() {}
}
