public import NIOCore

extension RemotingCommand {
    /// Decodes a ROCKETMQ binary header (serialize type 1, spec section 1.4). The body is not set.
    /// - Throws: ``RemotingCodecError/malformedHeader(reason:)`` when a length runs past the header.
    public init(binaryHeader header: ByteBuffer) throws(RemotingCodecError) {
        var header = header
        guard let code = header.readInteger(as: Int16.self),
              let language = header.readInteger(as: UInt8.self),
              let version = header.readInteger(as: Int16.self),
              let opaque = header.readInteger(as: Int32.self),
              let flag = header.readInteger(as: Int32.self)
        else { throw .malformedHeader(reason: "binary header shorter than its 21-byte fixed part") }
        let remark = try Self.readBinaryString(&header, lengthType: Int32.self, what: "remark")
        guard let mapLength = header.readInteger(as: Int32.self) else {
            throw .malformedHeader(reason: "binary header shorter than its 21-byte fixed part")
        }
        guard mapLength >= 0, var map = header.readSlice(length: Int(mapLength)) else {
            throw .malformedHeader(reason: "extFields length \(mapLength) runs past the header")
        }
        var extFields: [String: String] = [:]
        while map.readableBytes > 0 {
            let key = try Self.readBinaryString(&map, lengthType: Int16.self, what: "extFields key")
            let value = try Self.readBinaryString(&map, lengthType: Int32.self, what: "extFields value")
            // A zero length decodes to null in Java; a null key or value is no entry.
            if let key, let value { extFields[key] = value }
        }
        self.init(code: Int32(code), language: LanguageCode(rawValue: language), version: Int32(version),
                  opaque: opaque, flag: flag, remark: remark, extFields: extFields)
    }

    private static func readBinaryString<Length: FixedWidthInteger>(
        _ buffer: inout ByteBuffer, lengthType: Length.Type, what: String
    ) throws(RemotingCodecError) -> String? {
        guard let length = buffer.readInteger(as: Length.self) else {
            throw .malformedHeader(reason: "\(what) length runs past the header")
        }
        guard length >= 0, let text = buffer.readString(length: Int(length)) else {
            throw .malformedHeader(reason: "\(what) of \(length) bytes runs past the header")
        }
        return length == 0 ? nil : text
    }
}
