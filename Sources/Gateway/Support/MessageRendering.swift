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
        let properties = message.propertiesDictionary
        writer.beginObject()
        writer.field("topic", message.topic)
        writer.field("queueId", message.queueId)
        writer.field("queueOffset", message.queueOffset.rawValue)
        writer.field("commitLogOffset", message.physicalOffset.rawValue)
        writer.field("messageId", properties[MessageProperties.uniqueKey] ?? message.offsetMessageId)
        writer.field("offsetMessageId", message.offsetMessageId)
        if let tags = properties[MessageProperties.tags] { writer.field("tags", tags) }
        writer.key("keys")
        writer.beginArray()
        for key in (properties[MessageProperties.keys] ?? "").split(separator: " ") { writer.string(String(key)) }
        writer.endArray()
        writer.key("properties")
        writer.beginObject()
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) { writer.field(name, value) }
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

    private func writeBody(_ message: DecodedMessage, to writer: JSONWriter) {
        var bytes = message.body.readableByteArray
        if message.sysFlag & SysFlag.compressed != 0 {
            // Compression type bits 8-10: 0 (legacy) and 3 are zlib; LZ4 (1) and ZSTD (2) are passed through.
            let type = (message.sysFlag >> 8) & 0x7
            if type == 0 || type == 3, let inflated = try? Inflate.zlib(bytes, limit: maxInflatedBytes) {
                bytes = inflated
            } else {
                writer.field("bodyCompression", type == 1 ? "lz4" : type == 2 ? "zstd" : "zlib")
            }
        }
        writer.field("bodySize", bytes.count)
        if !forceBase64, let text = String(validating: bytes, as: UTF8.self) {
            writer.field("bodyEncoding", "utf8")
            writer.field("body", text)
        } else {
            writer.field("bodyEncoding", "base64")
            writer.field("body", Base64.encode(bytes))
        }
    }

    static func format(_ host: HostAddress) -> String {
        let bytes = host.addressBytes
        if bytes.count == 4 { return "\(bytes.map(String.init).joined(separator: ".")):\(host.port)" }
        var groups: [String] = []
        var index = 0
        while index + 1 < bytes.count {
            groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16))
            index += 2
        }
        return "[\(groups.joined(separator: ":"))]:\(host.port)"
    }
}
