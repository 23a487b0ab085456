import Core
import Foundation
import NIOCore
import Store

/// The JSON-lines form of one stored message, as Tests/conformance/README.md ("tern admin") specifies: `msgId`
/// (UNIQ_KEY, else the offset id), `offsetMsgId`, `topic`, `queueId`, `queueOffset`, `commitLogOffset`, `tags`, `keys`,
/// `properties`, `bodyBase64`, `body` (only when valid UTF-8), times, hosts, `reconsumeTimes`, `sysFlag`, `flag`,
/// `bodyCRC`.
enum AdminMessageJSON {
    /// Splits a QUERY_MESSAGE / VIEW_MESSAGE_BY_ID body into decoded records (bodies read).
    static func records(_ body: ByteBuffer?) -> [DecodedMessage] {
        guard var buffer = body else { return [] }
        var records: [DecodedMessage] = []
        while buffer.readableBytes >= 4, let size: Int32 = buffer.getInteger(at: buffer.readerIndex), size > 0,
            let slice = buffer.readSlice(length: Int(size)), let record = MessageRecord.decode(slice)
        {
            records.append(record)
        }
        return records
    }

    /// Prints one line for `message`.
    static func print(_ message: DecodedMessage) {
        AdminJSONLine.print { writer in
            let offsetId = message.offsetMessageId
            writer.field("msgId", message.property(MessageProperties.uniqueKey) ?? offsetId)
            writer.field("offsetMsgId", offsetId)
            writer.field("topic", message.topic)
            writer.field("queueId", message.queueId)
            writer.field("queueOffset", message.queueOffset.rawValue)
            writer.field("commitLogOffset", message.physicalOffset.rawValue)
            writer.field("tags", message.property(MessageProperties.tags) ?? "")
            writer.field("keys", message.property(MessageProperties.keys) ?? "")
            writer.key("properties")
            writer.beginObject()
            let properties = message.propertiesDictionary
            for name in properties.keys.sorted() { writer.field(name, properties[name] ?? "") }
            writer.endObject()
            let bytes = message.body.map { Array($0.readableBytesView) } ?? []
            writer.field("bodyBase64", Data(bytes).base64EncodedString())
            if let text = String(validating: bytes, as: UTF8.self) { writer.field("body", text) }
            writer.field("bornTimestamp", message.bornTimestamp)
            writer.field("storeTimestamp", message.storeTimestamp)
            writer.field("bornHost", hostText(message.bornHost))
            writer.field("storeHost", hostText(message.storeHost))
            writer.field("reconsumeTimes", message.reconsumeTimes)
            writer.field("sysFlag", message.sysFlag)
            writer.field("flag", message.flag)
            writer.field("bodyCRC", message.bodyCRC)
        }
    }

    /// `a.b.c.d:port`, or `[x:x:…]:port` for IPv6.
    static func hostText(_ host: HostAddress) -> String {
        if !host.isIPv6 { return host.addressBytes.map(String.init).joined(separator: ".") + ":\(host.port)" }
        var groups: [String] = []
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(
                String(UInt16(host.addressBytes[index]) << 8 | UInt16(host.addressBytes[index + 1]), radix: 16))
        }
        return "[\(groups.joined(separator: ":"))]:\(host.port)"
    }
}
