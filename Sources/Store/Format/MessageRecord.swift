public import NIOCore

/// Encodes `MessageToStore` values into commit log records (broker-internals §1.3) and decodes records back.
///
/// Encoding happens outside the commit log lock; the appender then patches QUEUEOFFSET, PHYSICALOFFSET and
/// STORETIMESTAMP in place (positions in `CommitLogFormat`).
public enum MessageRecord {
    /// Why a message cannot be encoded; maps onto `PutMessageStatus`.
    public enum EncodingError: Error, Sendable, Equatable {
        case bodyTooLarge(Int)
        case propertiesTooLarge(Int)
        case topicTooLong(Int)

        /// The put status RocketMQ answers for this error.
        public var putStatus: PutMessageStatus {
            switch self {
            case .bodyTooLarge, .topicTooLong: .messageIllegal
            case .propertiesTooLarge: .propertiesSizeExceeded
            }
        }

        public var remark: String {
            switch self {
            case .bodyTooLarge(let size): "message body of \(size) bytes exceeds maxMessageSize"
            case .propertiesTooLarge(let size): "properties of \(size) bytes exceed 32767 bytes"
            case .topicTooLong(let size): "topic of \(size) bytes is too long"
            }
        }
    }

    /// Encodes one record. IPv6 host bits in SYSFLAG are set from the addresses; BODYCRC is computed here.
    /// - Parameters:
    ///   - maxBodySize: bodies larger than this are refused (`maxMessageSize`, 4 MiB by default).
    /// - Throws: `EncodingError` when the body, topic or properties do not fit the format or the limit.
    public static func encode(_ message: MessageToStore, storeHost: HostAddress,
                              queueOffset: QueueOffset = QueueOffset(0),
                              physicalOffset: PhysicalOffset = PhysicalOffset(0), storeTimestamp: Int64 = 0,
                              maxBodySize: Int = 4 * 1024 * 1024,
                              allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(EncodingError)
        -> ByteBuffer {
        let bodyLength = message.body.readableBytes
        guard bodyLength <= maxBodySize else { throw .bodyTooLarge(bodyLength) }
        let topicLength = message.topic.utf8.count
        guard topicLength <= Int(Int16.max), topicLength > 0 else { throw .topicTooLong(topicLength) }
        let propertiesLength = MessageProperties.encodedLength(message.properties)
        guard propertiesLength <= CommitLogFormat.maxPropertiesLength else {
            throw .propertiesTooLarge(propertiesLength)
        }
        let magicV2 = topicLength > CommitLogFormat.maxTopicLengthV1
        var sysFlag = message.sysFlag & ~(SysFlag.bornHostV6 | SysFlag.storeHostV6)
        if message.bornHost.isIPv6 { sysFlag |= SysFlag.bornHostV6 }
        if storeHost.isIPv6 { sysFlag |= SysFlag.storeHostV6 }
        let length = CommitLogFormat.recordLength(sysFlag: sysFlag, bodyLength: bodyLength, topicLength: topicLength,
                                                  propertiesLength: propertiesLength, magicV2: magicV2)
        let bodyCRC = message.body.withUnsafeReadableBytes { CRC32.bodyCRC($0) }
        var buffer = allocator.buffer(capacity: length)
        buffer.writeInteger(Int32(length))
        buffer.writeInteger(magicV2 ? CommitLogFormat.magicV2 : CommitLogFormat.magicV1)
        buffer.writeInteger(bodyCRC)
        buffer.writeInteger(message.queueId)
        buffer.writeInteger(message.flag)
        buffer.writeInteger(queueOffset.rawValue)
        buffer.writeInteger(physicalOffset.rawValue)
        buffer.writeInteger(sysFlag)
        buffer.writeInteger(message.bornTimestamp)
        writeHost(message.bornHost, into: &buffer)
        buffer.writeInteger(storeTimestamp)
        writeHost(storeHost, into: &buffer)
        buffer.writeInteger(message.reconsumeTimes)
        buffer.writeInteger(message.preparedTransactionOffset)
        buffer.writeInteger(Int32(bodyLength))
        buffer.writeImmutableBuffer(message.body)
        if magicV2 { buffer.writeInteger(Int16(topicLength)) } else { buffer.writeInteger(Int8(topicLength)) }
        buffer.writeString(message.topic)
        buffer.writeInteger(Int16(propertiesLength))
        MessageProperties.write(message.properties, into: &buffer)
        assert(buffer.readableBytes == length, "record length formula and encoder disagree")
        return buffer
    }

    private static func writeHost(_ host: HostAddress, into buffer: inout ByteBuffer) {
        buffer.writeBytes(host.addressBytes)
        buffer.writeInteger(host.port)
    }

    /// Decodes the record starting at the buffer's reader index; nil if it is truncated, has a bad magic, or its
    /// field lengths disagree with TOTALSIZE. The body CRC is not checked here (see `DecodedMessage.isBodyCRCValid`).
    ///
    /// The body is a slice of `buffer` (no copy): pops and pulls render 32 records of 1 KiB each per answer.
    public static func decode(_ buffer: ByteBuffer, readBody: Bool = true) -> DecodedMessage? {
        var bodyStart = 0
        guard var message = buffer.withUnsafeReadableBytes({ decode(bytes: $0, readBody: false, bodyStart: &bodyStart) })
        else { return nil }
        if readBody {
            message.body = buffer.getSlice(at: buffer.readerIndex + bodyStart, length: Int(message.bodyLength))
        }
        return message
    }

    /// Decodes the record at the start of `bytes` (see `decode(_:readBody:)`); the body, when read, is a copy.
    public static func decode(bytes: UnsafeRawBufferPointer, readBody: Bool = true) -> DecodedMessage? {
        var bodyStart = 0
        return decode(bytes: bytes, readBody: readBody, bodyStart: &bodyStart)
    }

    /// Decodes the record at the start of `bytes` without its body, keeping only the properties whose name bytes
    /// `keep` accepts (see `MessageProperties.decode(bytes:keeping:)`).
    public static func decode(bytes: UnsafeRawBufferPointer,
                              keepingProperties keep: (UnsafeRawBufferPointer) -> Bool) -> DecodedMessage? {
        var bodyStart = 0
        return withoutActuallyEscaping(keep) { keep in
            decode(bytes: bytes, readBody: false, bodyStart: &bodyStart, keepProperty: keep)
        }
    }

    private static func decode(bytes: UnsafeRawBufferPointer, readBody: Bool, bodyStart: inout Int,
                               keepProperty: ((UnsafeRawBufferPointer) -> Bool)? = nil) -> DecodedMessage? {
        var reader = BigEndianReader(bytes)
        guard let totalSize = reader.int32(), totalSize > 0, Int(totalSize) <= bytes.count,
              let magic = reader.int32(), magic == CommitLogFormat.magicV1 || magic == CommitLogFormat.magicV2
        else { return nil }
        reader.limit = Int(totalSize)
        guard let bodyCRC = reader.int32(), let queueId = reader.int32(), let flag = reader.int32(),
              let queueOffset = reader.int64(), let physicalOffset = reader.int64(), let sysFlag = reader.int32(),
              let bornTimestamp = reader.int64(),
              let bornHost = reader.host(ipv6: (sysFlag & SysFlag.bornHostV6) != 0),
              let storeTimestamp = reader.int64(),
              let storeHost = reader.host(ipv6: (sysFlag & SysFlag.storeHostV6) != 0),
              let reconsumeTimes = reader.int32(), let preparedTransactionOffset = reader.int64(),
              let bodyLength = reader.int32(), bodyLength >= 0
        else { return nil }
        bodyStart = reader.position
        guard let bodyBytes = reader.bytes(Int(bodyLength)) else { return nil }
        let topicLength: Int?
        if magic == CommitLogFormat.magicV2 {
            topicLength = reader.int16().map { Int(UInt16(bitPattern: $0)) }
        } else {
            topicLength = reader.int8().map { Int($0) }
        }
        guard let topicLength, topicLength >= 0, let topicBytes = reader.bytes(topicLength),
              let propertiesLength = reader.int16(), propertiesLength >= 0,
              let propertiesBytes = reader.bytes(Int(propertiesLength)), reader.position == Int(totalSize)
        else { return nil }
        var body: ByteBuffer?
        if readBody { body = ByteBuffer(bytes: bodyBytes) }
        return DecodedMessage(
            totalSize: totalSize, magic: magic, bodyCRC: bodyCRC, queueId: queueId, flag: flag,
            queueOffset: QueueOffset(queueOffset), physicalOffset: PhysicalOffset(physicalOffset), sysFlag: sysFlag,
            bornTimestamp: bornTimestamp, bornHost: bornHost, storeTimestamp: storeTimestamp, storeHost: storeHost,
            reconsumeTimes: reconsumeTimes, preparedTransactionOffset: preparedTransactionOffset, body: body,
            bodyLength: bodyLength, topic: String(decoding: topicBytes, as: UTF8.self),
            properties: MessageProperties.decode(bytes: propertiesBytes, keeping: keepProperty))
    }
}
