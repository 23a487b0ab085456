public import NIOCore

/// A message on its way into the commit log: RocketMQ's `MessageExtBrokerInner` minus what the store assigns
/// (queue offset, physical offset, store timestamp, store host, body CRC).
public struct MessageToStore: Sendable {
    public var topic: String
    public var queueId: Int32
    /// The user flag carried in the record (`FLAG`).
    public var flag: Int32
    public var body: ByteBuffer
    /// Properties in insertion order; encoded as `key\u{1}value\u{2}` pairs.
    public var properties: [(String, String)]
    /// `MessageSysFlag` bits (compressed, transaction type, ...). The store sets the IPv6 host bits itself.
    public var sysFlag: Int32
    public var bornTimestamp: Int64
    public var bornHost: HostAddress
    public var reconsumeTimes: Int32
    public var preparedTransactionOffset: Int64

    public init(topic: String, queueId: Int32, flag: Int32 = 0, body: ByteBuffer, properties: [(String, String)] = [],
                sysFlag: Int32 = 0, bornTimestamp: Int64, bornHost: HostAddress, reconsumeTimes: Int32 = 0,
                preparedTransactionOffset: Int64 = 0) {
        self.topic = topic
        self.queueId = queueId
        self.flag = flag
        self.body = body
        self.properties = properties
        self.sysFlag = sysFlag
        self.bornTimestamp = bornTimestamp
        self.bornHost = bornHost
        self.reconsumeTimes = reconsumeTimes
        self.preparedTransactionOffset = preparedTransactionOffset
    }

    /// The value of property `key`, if present.
    public func property(_ key: String) -> String? {
        properties.first { $0.0 == key }?.1
    }
}

/// An IPv4 or IPv6 address with a port, as stored in BORNHOST / STOREHOSTADDRESS (4 or 16 bytes + 4-byte port).
public struct HostAddress: Hashable, Sendable {
    /// 4 bytes for IPv4, 16 for IPv6, network order.
    public var addressBytes: [UInt8]
    public var port: Int32

    public init(addressBytes: [UInt8], port: Int32) {
        precondition(addressBytes.count == 4 || addressBytes.count == 16, "an IP address has 4 or 16 bytes")
        self.addressBytes = addressBytes
        self.port = port
    }

    public var isIPv6: Bool { addressBytes.count == 16 }

    /// `127.0.0.1` and port 0: the born host of messages that did not come from a socket.
    public static let loopbackIPv4 = HostAddress(addressBytes: [127, 0, 0, 1], port: 0)
}

/// Outcome of an append, RocketMQ's `PutMessageStatus`.
public enum PutMessageStatus: Sendable, Equatable {
    case putOK
    /// Stored, but not flushed within `syncFlushTimeout`.
    case flushDiskTimeout
    /// The store is shut down.
    case serviceNotAvailable
    /// The store's file system is full: its used ratio is past `diskSpaceWarningLevelRatio`, its free bytes are below
    /// `diskMinFreeBytes`, or the blocks of a file could not be reserved. Nothing was written; the remark says which.
    /// Answered as SERVICE_NOT_AVAILABLE (as RocketMQ does for a full disk) and HTTP 507.
    case diskFull
    case createMappedFileFailed
    /// Body too large, topic too long, or otherwise malformed.
    case messageIllegal
    case propertiesSizeExceeded
    case osPageCacheBusy
    case unknownError
}

/// Result of `putMessage` / `putMessages`.
public struct PutMessageResult: Sendable {
    public var status: PutMessageStatus
    /// Physical offset of the first record written.
    public var physicalOffset: PhysicalOffset
    /// Total bytes of the records written.
    public var wroteBytes: Int
    /// Queue offset of the first message written.
    public var queueOffset: QueueOffset
    /// Offset message ids (hex of store host + physical offset), one per message, in order.
    public var messageIds: [String]
    public var storeTimestamp: Int64
    /// A sentence for remoting remarks and HTTP problem details when `status` is not `.putOK`.
    public var remark: String?

    public init(status: PutMessageStatus, physicalOffset: PhysicalOffset = PhysicalOffset(0), wroteBytes: Int = 0,
                queueOffset: QueueOffset = QueueOffset(0), messageIds: [String] = [], storeTimestamp: Int64 = 0,
                remark: String? = nil) {
        self.status = status
        self.physicalOffset = physicalOffset
        self.wroteBytes = wroteBytes
        self.queueOffset = queueOffset
        self.messageIds = messageIds
        self.storeTimestamp = storeTimestamp
        self.remark = remark
    }
}

/// Outcome of a queue read, RocketMQ's `GetMessageStatus`.
public enum GetMessageStatus: Sendable, Equatable {
    case found
    case noMatchedMessage
    case messageWasRemoving
    case offsetFoundNull
    case offsetOverflowBadly
    case offsetOverflowOne
    case offsetTooSmall
    case noMessageInQueue
}

/// Result of `messages(topic:queueId:offset:...)`.
public struct GetMessageResult: Sendable {
    public var status: GetMessageStatus
    public var nextBeginOffset: QueueOffset
    public var minOffset: QueueOffset
    public var maxOffset: QueueOffset
    /// Complete commit log records, one buffer each, in queue order.
    public var messages: [ByteBuffer]
    /// Queue offset of each entry of `messages`.
    public var queueOffsets: [QueueOffset]

    public init(status: GetMessageStatus, nextBeginOffset: QueueOffset, minOffset: QueueOffset,
                maxOffset: QueueOffset, messages: [ByteBuffer] = [], queueOffsets: [QueueOffset] = []) {
        self.status = status
        self.nextBeginOffset = nextBeginOffset
        self.minOffset = minOffset
        self.maxOffset = maxOffset
        self.messages = messages
        self.queueOffsets = queueOffsets
    }
}

/// Result of `queryMessages`.
public struct QueryMessageResult: Sendable {
    public var messages: [ByteBuffer]
    public var indexLastUpdateTimestamp: Int64
    public var indexLastUpdatePhysicalOffset: PhysicalOffset

    public init(messages: [ByteBuffer], indexLastUpdateTimestamp: Int64,
                indexLastUpdatePhysicalOffset: PhysicalOffset) {
        self.messages = messages
        self.indexLastUpdateTimestamp = indexLastUpdateTimestamp
        self.indexLastUpdatePhysicalOffset = indexLastUpdatePhysicalOffset
    }
}
