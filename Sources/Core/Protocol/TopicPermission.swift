/// A topic's or queue's permission bits (RocketMQ's `PermName`); 6 = read + write, 7 = read + write + inherit.
public struct TopicPermission: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// PERM_PRIORITY (8)
    public static let priority = TopicPermission(rawValue: 8)
    /// PERM_READ (4): consumers may pull.
    public static let read = TopicPermission(rawValue: 4)
    /// PERM_WRITE (2): producers may send; clients publish only to writable queues of brokers with a master.
    public static let write = TopicPermission(rawValue: 2)
    /// PERM_INHERIT (1): other topics may be auto-created from this one (TBW102).
    public static let inherit = TopicPermission(rawValue: 1)

    /// Read and write, the default of created topics (6).
    public static let readWrite: TopicPermission = [.read, .write]

    public var isReadable: Bool { contains(.read) }
    public var isWritable: Bool { contains(.write) }
    public var isInherited: Bool { contains(.inherit) }

    /// The number, as RocketMQ prints it.
    public var description: String { String(rawValue) }
}

/// Bits of `TopicConfig.topicSysFlag` (RocketMQ's `TopicSysFlag`).
public enum TopicSysFlag {
    /// FLAG_UNIT (bit 0)
    public static let unit: Int32 = 0x1
    /// FLAG_UNIT_SUB (bit 1)
    public static let unitSub: Int32 = 0x2

    public static func hasUnit(_ flag: Int32) -> Bool { flag & unit == unit }
    public static func hasUnitSub(_ flag: Int32) -> Bool { flag & unitSub == unitSub }
}
