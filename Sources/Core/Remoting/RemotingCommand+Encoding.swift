public import NIOCore

extension RemotingCommand {
    /// Writes this command as one complete frame (length prefix, header-length word, header, body).
    ///
    /// JSON headers follow spec 1.3 "Encoder rules": compact, keys in fastjson's alphabetical order, extFields values
    /// always strings (sorted by key, so output is deterministic), `remark` and `extFields` omitted when nil or empty,
    /// `language` as its name, `serializeTypeCurrentRPC` `"JSON"`.
    /// - Parameters:
    ///   - buffer: where the frame is appended.
    ///   - serializeType: `.json` (what Tern always answers with) or `.rocketMQ`.
    /// - Throws: ``RemotingCodecError/malformedHeader(reason:)`` when the command does not fit the binary header
    ///   (code or version beyond int16, key longer than 32767 bytes) or the header exceeds 24 bits of length.
    public func encode(into buffer: inout ByteBuffer,
                       serializeType: RemotingSerializeType = .json) throws(RemotingCodecError) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // frameLength, patched below
        buffer.writeInteger(UInt32(0))  // header-length word, patched below
        let headerStart = buffer.writerIndex
        if serializeType == .rocketMQ {
            try encodeBinaryHeader(into: &buffer)
        } else {
            writeJSONHeader(into: &buffer)
        }
        let headerLength = buffer.writerIndex - headerStart
        guard headerLength <= 0x00FF_FFFF else {
            buffer.moveWriterIndex(to: start)
            throw .malformedHeader(reason: "header of \(headerLength) bytes exceeds 24 bits")
        }
        let bodyLength = body?.readableBytes ?? 0
        let word = UInt32(serializeType.rawValue) << 24 | UInt32(headerLength)
        buffer.setInteger(UInt32(truncatingIfNeeded: 4 + headerLength + bodyLength), at: start)
        buffer.setInteger(word, at: start + 4)
        if let body { buffer.writeImmutableBuffer(body) }
    }

    /// The compact JSON header text (see ``encode(into:serializeType:)``).
    public func jsonHeader() -> [UInt8] {
        var buffer = ByteBuffer()
        writeJSONHeader(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Writes the JSON header straight into the frame buffer: every request and response goes through here, so no
    /// generator object, no intermediate byte array and no per-key dictionary lookups. Strings are escaped as yajl's
    /// generator escapes them (a test compares the two), so the bytes are what the JSON writer used to produce.
    private func writeJSONHeader(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"code\":")
        buffer.writeDecimal(code)
        if !extFields.isEmpty {
            buffer.writeStaticString(",\"extFields\":{")
            var first = true
            for (key, value) in extFields.sorted(by: { $0.key < $1.key }) {
                if !first { buffer.writeInteger(UInt8(ascii: ",")) }
                first = false
                buffer.writeJSONString(key)
                buffer.writeInteger(UInt8(ascii: ":"))
                buffer.writeJSONString(value)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
        buffer.writeStaticString(",\"flag\":")
        buffer.writeDecimal(flag)
        buffer.writeStaticString(",\"language\":")
        buffer.writeJSONString(language.description)
        buffer.writeStaticString(",\"opaque\":")
        buffer.writeDecimal(opaque)
        if let remark, !remark.isEmpty {
            buffer.writeStaticString(",\"remark\":")
            buffer.writeJSONString(remark)
        }
        buffer.writeStaticString(",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":")
        buffer.writeDecimal(version)
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    private func encodeBinaryHeader(into buffer: inout ByteBuffer) throws(RemotingCodecError) {
        guard let code16 = Int16(exactly: code) else {
            throw .malformedHeader(reason: "code \(code) does not fit the binary header")
        }
        guard let version16 = Int16(exactly: version) else {
            throw .malformedHeader(reason: "version \(version) does not fit the binary header")
        }
        buffer.writeInteger(code16)
        buffer.writeInteger(language.rawValue)
        buffer.writeInteger(version16)
        buffer.writeInteger(opaque)
        buffer.writeInteger(flag)
        if let remark, !remark.isEmpty {
            buffer.writeInteger(Int32(remark.utf8.count))
            buffer.writeString(remark)
        } else {
            buffer.writeInteger(Int32(0))
        }
        let mapLengthIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        for key in extFields.keys.sorted() {
            guard let value = extFields[key], !key.isEmpty, !value.isEmpty else { continue }
            guard let keyLength = Int16(exactly: key.utf8.count) else {
                throw .malformedHeader(reason: "extFields key of \(key.utf8.count) bytes does not fit int16")
            }
            buffer.writeInteger(keyLength)
            buffer.writeString(key)
            buffer.writeInteger(Int32(value.utf8.count))
            buffer.writeString(value)
        }
        buffer.setInteger(Int32(buffer.writerIndex - mapLengthIndex - 4), at: mapLengthIndex)
    }
}
