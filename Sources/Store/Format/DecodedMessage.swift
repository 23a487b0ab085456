public import NIOCore

/// Every field of one commit log record, as `MessageRecord.decode` reads it.
public struct DecodedMessage: Sendable {
    public var totalSize: Int32
    public var magic: Int32
    /// BODYCRC as stored (`crc32 & 0x7FFFFFFF`).
    public var bodyCRC: Int32
    public var queueId: Int32
    public var flag: Int32
    public var queueOffset: QueueOffset
    public var physicalOffset: PhysicalOffset
    public var sysFlag: Int32
    public var bornTimestamp: Int64
    public var bornHost: HostAddress
    public var storeTimestamp: Int64
    public var storeHost: HostAddress
    public var reconsumeTimes: Int32
    public var preparedTransactionOffset: Int64
    /// The stored body, nil when decoded with `readBody: false`.
    public var body: ByteBuffer?
    public var bodyLength: Int32
    public var topic: String
    /// Properties in stored order (pairs with an empty name or value dropped, as Java's parser does).
    public var properties: [(String, String)]

    /// Properties by name; a later duplicate overwrites an earlier one.
    public var propertiesDictionary: [String: String] { MessageProperties.dictionary(properties) }

    /// The value of property `name` (the last one, if repeated).
    public func property(_ name: String) -> String? { properties.last { $0.0 == name }?.1 }

    /// The offset message id clients compute for this record.
    public var offsetMessageId: String {
        MessageId.offsetMessageId(storeHost: storeHost, physicalOffset: physicalOffset)
    }

    /// The consume queue tag hash of this record.
    public var tagsCode: Int64 { TagsCode.of(properties: properties) }

    /// True when the body was read and its CRC equals BODYCRC.
    public var isBodyCRCValid: Bool {
        guard let body else { return false }
        return body.withUnsafeReadableBytes { CRC32.bodyCRC($0) } == bodyCRC
    }
}
