public import NIOCore

/// Splits the body of a batch send (remoting-protocol §4.6) into one `MessageToStore` per element.
public enum BatchMessageDecoder {
    /// Decodes `blob` (entries of TOTALSIZE, MAGIC, BODYCRC, FLAG, body, properties). Each element takes topic,
    /// queueId, sysFlag, born timestamp/host and reconsume times from `template`, and its own flag, body and
    /// properties. Batch-level properties are not merged in (the spec's recommendation).
    /// - Returns: nil when an entry is truncated or its lengths disagree with its TOTALSIZE.
    public static func decode(_ blob: ByteBuffer, template: MessageToStore) -> [MessageToStore]? {
        var buffer = blob
        var result: [MessageToStore] = []
        while buffer.readableBytes > 0 {
            guard let totalSize = buffer.readInteger(as: Int32.self), totalSize >= 22,
                  Int(totalSize) - 4 <= buffer.readableBytes,
                  var entry = buffer.readSlice(length: Int(totalSize) - 4),
                  entry.readInteger(as: Int32.self) != nil, entry.readInteger(as: Int32.self) != nil,
                  let flag = entry.readInteger(as: Int32.self), let bodyLength = entry.readInteger(as: Int32.self),
                  bodyLength >= 0, let body = entry.readSlice(length: Int(bodyLength)),
                  let propertiesLength = entry.readInteger(as: Int16.self), propertiesLength >= 0,
                  entry.readableBytes == Int(propertiesLength)
            else { return nil }
            var message = template
            message.flag = flag
            message.body = body
            // Straight from the bytes: no intermediate String per element.
            message.properties = entry.withUnsafeReadableBytes { MessageProperties.decode(bytes: $0) }
            result.append(message)
        }
        return result
    }

    /// Encodes messages as a producer's batch blob (for tests and tools). Sized once and written in place: the
    /// batch benchmark's producer shares the machine with the broker it measures.
    public static func encode(_ messages: [MessageToStore]) -> ByteBuffer {
        let propertyLengths = messages.map { MessageProperties.encodedLength($0.properties) }
        let capacity = zip(messages, propertyLengths).reduce(0) { $0 + 22 + $1.0.body.readableBytes + $1.1 }
        var buffer = ByteBufferAllocator().buffer(capacity: capacity)
        for (message, propertiesLength) in zip(messages, propertyLengths) {
            let total = 4 + 4 + 4 + 4 + 4 + message.body.readableBytes + 2 + propertiesLength
            buffer.writeInteger(Int32(total))
            buffer.writeInteger(Int32(0))
            buffer.writeInteger(Int32(0))
            buffer.writeInteger(message.flag)
            buffer.writeInteger(Int32(message.body.readableBytes))
            buffer.writeImmutableBuffer(message.body)
            buffer.writeInteger(Int16(propertiesLength))
            MessageProperties.write(message.properties, into: &buffer)
        }
        return buffer
    }
}
