/// On-disk constants of the commit log record (broker-internals §1.3, §1.4; remoting-protocol §4.1, §4.2).
/// All integers are big-endian. Positions assume an IPv4 born host where noted.
public enum CommitLogFormat {
    /// MAGICCODE of a record whose topic length is 1 byte (`MESSAGE_MAGIC_CODE`, 0xDAA320A7).
    public static let magicV1 = Int32(bitPattern: 0xDAA3_20A7)
    /// MAGICCODE of a record whose topic length is 2 bytes (`MESSAGE_MAGIC_CODE_V2`, 0xDAA320AB).
    public static let magicV2 = Int32(bitPattern: 0xDAA3_20AB)
    /// MAGICCODE of the end-of-segment blank record (`BLANK_MAGIC_CODE`, 0xCBD43194).
    public static let blankMagic = Int32(bitPattern: 0xCBD4_3194)
    /// Size of the blank record written at a segment's end: [remaining: int32][blankMagic: int32].
    public static let endOfFileMinBlankLength = 8

    public static let totalSizePosition = 0
    public static let magicPosition = 4
    public static let bodyCRCPosition = 8
    public static let queueIdPosition = 12
    public static let flagPosition = 16
    public static let queueOffsetPosition = 20
    public static let physicalOffsetPosition = 28
    public static let sysFlagPosition = 36
    public static let bornTimestampPosition = 40
    public static let bornHostPosition = 48

    /// Topics longer than this (UTF-8 bytes) are written with magic V2 (`autoMessageVersionOnTopicLen`).
    public static let maxTopicLengthV1 = 127
    /// Properties length is an int16.
    public static let maxPropertiesLength = 32_767

    /// STORETIMESTAMP position: 56 after an IPv4 born host, 68 after an IPv6 one.
    public static func storeTimestampPosition(sysFlag: Int32) -> Int {
        bornHostPosition + ((sysFlag & SysFlag.bornHostV6) != 0 ? 20 : 8)
    }

    /// Length of an encoded record (`calMsgLength`): 92 fixed bytes with IPv4 hosts, +12 per IPv6 host.
    public static func recordLength(sysFlag: Int32, bodyLength: Int, topicLength: Int, propertiesLength: Int,
                                    magicV2: Bool) -> Int {
        let bornHost = (sysFlag & SysFlag.bornHostV6) != 0 ? 20 : 8
        let storeHost = (sysFlag & SysFlag.storeHostV6) != 0 ? 20 : 8
        return 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + bornHost + 8 + storeHost + 4 + 8
            + 4 + bodyLength + (magicV2 ? 2 : 1) + topicLength + 2 + propertiesLength
    }
}

/// `MessageSysFlag` bits (remoting-protocol §4.2).
public enum SysFlag {
    public static let compressed: Int32 = 0x1
    public static let multiTags: Int32 = 0x2
    public static let transactionMask: Int32 = 0xC
    public static let transactionNone: Int32 = 0x0
    public static let transactionPrepared: Int32 = 0x4
    public static let transactionCommit: Int32 = 0x8
    public static let transactionRollback: Int32 = 0xC
    public static let bornHostV6: Int32 = 0x10
    public static let storeHostV6: Int32 = 0x20
    public static let needUnwrap: Int32 = 0x40
    public static let innerBatch: Int32 = 0x80

    /// Whether records of this type get a consume-queue entry (NONE and COMMIT only, as RocketMQ's dispatcher).
    public static func isDispatchedToConsumeQueue(_ sysFlag: Int32) -> Bool {
        let type = sysFlag & transactionMask
        return type == transactionNone || type == transactionCommit
    }
}
