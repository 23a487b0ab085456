import Core
import NIOCore
// Only the record codec (MessageRecord, DecodedMessage, SysFlag, MessageId): the gateway reads what processors
// return, never the store itself.
import Store

/// Turns commit-log records (pull, pop, view and query bodies) into JSON messages.
struct MessageRendering {
    /// Force base64 bodies (`bodyEncoding=base64`); otherwise UTF-8 text when valid, base64 when not.
    var forceBase64 = false
    /// Largest body after decompression.
    var maxInflatedBytes = 64 * 1024 * 1024

    /// Decodes every complete record of a concatenated body, in order.
    static func decodeRecords(_ body: ByteBuffer?) throws(GatewayProblem) -> [DecodedMessage] {
        guard var buffer = body else { return [] }
        var messages: [DecodedMessage] = []
        while buffer.readableBytes >= 4 {
            guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self), size > 0,
                  Int(size) <= buffer.readableBytes,
                  let slice = buffer.readSlice(length: Int(size)), let message = MessageRecord.decode(slice)
            else {
                throw GatewayProblem(.brokerError, "the broker returned a malformed message record")
            }
            messages.append(message)
        }
        return messages
    }

    /// Writes one message object; `extra` adds fields (the receipt handle of popped messages).
    func write(_ message: DecodedMessage, to writer: JSONWriter, extra: (JSONWriter) -> Void = { _ in }) {
        // Properties sorted by name, the last of equal names winning (as a dictionary of them would): no
        // dictionary per message, and the named look-ups below read the same list.
        let properties = Self.sortedLastWins(message.properties)
        writer.beginObject()
        writer.field("topic", message.topic)
        writer.field("queueId", message.queueId)
        writer.field("queueOffset", message.queueOffset.rawValue)
        writer.field("commitLogOffset", message.physicalOffset.rawValue)
        writer.field("messageId", message.property(MessageProperties.uniqueKey) ?? message.offsetMessageId)
        writer.field("offsetMessageId", message.offsetMessageId)
        if let tags = message.property(MessageProperties.tags) { writer.field("tags", tags) }
        writer.key("keys")
        writer.beginArray()
        if let keys = message.property(MessageProperties.keys) {
            for key in keys.utf8.split(separator: UInt8(ascii: " ")) { writer.string(String(Substring(key))) }
        }
        writer.endArray()
        writer.key("properties")
        writer.beginObject()
        for (name, value) in properties { writer.field(name, value) }
        writer.endObject()
        writer.field("bornTimestamp", message.bornTimestamp)
        writer.field("bornHost", Self.format(message.bornHost))
        writer.field("storeTimestamp", message.storeTimestamp)
        writer.field("storeHost", Self.format(message.storeHost))
        writer.field("reconsumeTimes", message.reconsumeTimes)
        writer.field("flag", message.flag)
        writer.field("sysFlag", message.sysFlag)
        extra(writer)
        writeBody(message, to: writer)
        writer.endObject()
    }

    /// `properties` sorted by name (stable), keeping only the last of each name.
    static func sortedLastWins(_ properties: [(String, String)]) -> [(String, String)] {
        let sorted = properties.enumerated().sorted { $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0
                                                                                  : $0.offset < $1.offset }
        var result: [(String, String)] = []
        result.reserveCapacity(sorted.count)
        for (index, entry) in sorted.enumerated() {
            if index + 1 < sorted.count, sorted[index + 1].element.0 == entry.element.0 { continue }
            result.append(entry.element)
        }
        return result
    }

    private func writeBody(_ message: DecodedMessage, to writer: JSONWriter) {
        guard let body = message.body else {
            writer.field("bodySize", 0)
            writer.field("bodyEncoding", forceBase64 ? "base64" : "utf8")
            writer.field("body", "")
            return
        }
        if message.sysFlag & SysFlag.compressed != 0 {
            // Compression type bits 8-10: 0 (legacy) and 3 are zlib; LZ4 (1) and ZSTD (2) are passed through.
            let type = (message.sysFlag >> 8) & 0x7
            var bytes = Optional(body).readableByteArray
            if type == 0 || type == 3, let inflated = try? Inflate.zlib(bytes, limit: maxInflatedBytes) {
                bytes = inflated
            } else {
                writer.field("bodyCompression", type == 1 ? "lz4" : type == 2 ? "zstd" : "zlib")
            }
            return bytes.withUnsafeBytes { writeBody($0, to: writer) }
        }
        // Straight from the record's bytes: no array, no String of the body.
        body.withUnsafeReadableBytes { writeBody($0, to: writer) }
    }

    private func writeBody(_ bytes: UnsafeRawBufferPointer, to writer: JSONWriter) {
        writer.field("bodySize", bytes.count)
        if !forceBase64, Self.isUTF8(bytes) {
            writer.field("bodyEncoding", "utf8")
            writer.key("body")
            writer.string(utf8: bytes)
        } else {
            writer.field("bodyEncoding", "base64")
            writer.field("body", Base64.encode(bytes))
        }
    }

    /// ASCII is checked eight bytes at a time; anything else goes through the standard library's validation.
    static func isUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        var high: UInt64 = 0
        while index + 8 <= count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            high |= UInt64(bytes[index])
            index += 1
        }
        if high & 0x8080_8080_8080_8080 == 0 { return true }
        return String(validating: UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                                   count: count), as: UTF8.self) != nil
    }

    static func format(_ host: HostAddress) -> String {
        let bytes = host.addressBytes
        if bytes.count == 4 { return "\(bytes[0]).\(bytes[1]).\(bytes[2]).\(bytes[3]):\(host.port)" }
        var groups: [String] = []
        var index = 0
        while index + 1 < bytes.count {
            groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16))
            index += 2
        }
        return "[\(groups.joined(separator: ":"))]:\(host.port)"
    }
}
