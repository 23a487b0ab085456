public import NIOCore

/// Splits a byte stream into remoting frames and decodes each header (spec section 1.2).
///
/// Frame: 4-byte big-endian `frameLength` (not counting itself), then a 4-byte word whose top byte is the serialize
/// type (0 JSON, 1 ROCKETMQ binary) and whose low 24 bits are the header length, then the header, then the body.
///
/// Error split:
/// * Boundary broken (frame too large, header length larger than the frame, unknown serialize type): `decode`
///   throws ``RemotingCodecError``; ``RemotingFrameReader`` (or a `ByteToMessageHandler`) stops decoding and the
///   connection handler closes the connection, as RocketMQ's Java server does.
/// * Boundary intact, header undecodable (bad JSON, truncated binary header, wrong value types): the decoder emits
///   ``RemotingFrame/malformed(_:)`` carrying the opaque, code and flag when they could be salvaged, and carries on
///   with the next frame. The receiver answers two-way requests with `SYSTEM_ERROR` and keeps the connection.
///
/// The body is a slice of the received bytes (no copy).
public struct RemotingFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RemotingFrame

    /// The largest accepted value of the `frameLength` field: Netty's 16 MiB limit minus the 4-byte prefix.
    public static let defaultMaximumFrameLength = 16_777_212

    /// The largest accepted value of the `frameLength` field.
    public let maximumFrameLength: Int

    /// - Parameter maximumFrameLength: the largest accepted `frameLength` value (default 16,777,212).
    public init(maximumFrameLength: Int = RemotingFrameDecoder.defaultMaximumFrameLength) {
        self.maximumFrameLength = maximumFrameLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                                    seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }

    /// Takes the next complete frame off `buffer` and decodes it, or returns nil (consuming nothing) when the frame
    /// is not complete yet.
    /// - Throws: ``RemotingCodecError`` when the frame boundary is broken; the stream cannot be resynchronised.
    public func nextFrame(_ buffer: inout ByteBuffer) throws(RemotingCodecError) -> RemotingFrame? {
        let start = buffer.readerIndex
        guard let lengthField = buffer.getInteger(at: start, as: UInt32.self) else { return nil }
        let frameLength = Int(lengthField)
        guard frameLength <= maximumFrameLength else {
            throw .frameTooLarge(length: frameLength, maximum: maximumFrameLength)
        }
        guard frameLength >= 4 else { throw .headerLengthInvalid(headerLength: 0, frameLength: frameLength) }
        // Check the header-length word as soon as it arrives, so garbage is rejected before waiting for a body.
        guard let word = buffer.getInteger(at: start + 4, as: UInt32.self) else { return nil }
        try Self.checkHeaderWord(word, frameLength: frameLength)
        guard buffer.readableBytes >= 4 + frameLength else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let frame = buffer.readSlice(length: frameLength) else { return nil }
        return try Self.decodeFrame(frame)
    }

    /// Decodes one frame's content: everything after the 4-byte `frameLength` prefix.
    /// - Throws: ``RemotingCodecError`` when the header length or serialize type is invalid.
    /// - Returns: the command, or a ``MalformedRemotingFrame`` when only the header is broken.
    public static func decodeFrame(_ frame: ByteBuffer) throws(RemotingCodecError) -> RemotingFrame {
        var frame = frame
        let frameLength = frame.readableBytes
        guard let word = frame.readInteger(as: UInt32.self) else {
            throw .headerLengthInvalid(headerLength: 0, frameLength: frameLength)
        }
        try checkHeaderWord(word, frameLength: frameLength)
        let headerLength = Int(word & 0x00FF_FFFF)
        let type = RemotingSerializeType(rawValue: UInt8(truncatingIfNeeded: word >> 24))
        guard let header = frame.readSlice(length: headerLength) else {
            throw .headerLengthInvalid(headerLength: headerLength, frameLength: frameLength)
        }
        let body = frame.readableBytes > 0 ? frame : nil
        do {
            var command: RemotingCommand
            if type == .json {
                command = try RemotingCommand(jsonHeader: header)
            } else {
                command = try RemotingCommand(binaryHeader: header)
            }
            command.body = body
            return .command(command)
        } catch {
            return .malformed(salvage(header, type: type, error: error))
        }
    }

    private static func checkHeaderWord(_ word: UInt32, frameLength: Int) throws(RemotingCodecError) {
        let typeByte = UInt8(truncatingIfNeeded: word >> 24)
        guard typeByte == RemotingSerializeType.json.rawValue || typeByte == RemotingSerializeType.rocketMQ.rawValue
        else { throw .unknownSerializeType(typeByte) }
        let headerLength = Int(word & 0x00FF_FFFF)
        guard headerLength <= frameLength - 4 else {
            throw .headerLengthInvalid(headerLength: headerLength, frameLength: frameLength)
        }
    }

    private static func salvage(_ header: ByteBuffer, type: RemotingSerializeType,
                                error: RemotingCodecError) -> MalformedRemotingFrame {
        var malformed = MalformedRemotingFrame(serializeType: type, error: error)
        if type == .json {
            let bytes = Array(header.readableBytesView)
            malformed.code = JSONHeaderScanner.integer(named: "code", in: bytes)
            malformed.opaque = JSONHeaderScanner.integer(named: "opaque", in: bytes)
            malformed.flag = JSONHeaderScanner.integer(named: "flag", in: bytes)
        } else {
            // Binary layout: code (2) language (1) version (2) opaque (4) flag (4).
            malformed.code = header.getInteger(at: header.readerIndex, as: Int16.self).map(Int32.init)
            malformed.opaque = header.getInteger(at: header.readerIndex + 5, as: Int32.self)
            malformed.flag = header.getInteger(at: header.readerIndex + 9, as: Int32.self)
        }
        return malformed
    }
}

@available(*, unavailable)
extension RemotingFrameDecoder: Sendable {}

/// Finds `"name": <integer>` in JSON text that failed to parse, so a malformed request can still be answered.
enum JSONHeaderScanner {
    static func integer(named name: String, in bytes: [UInt8]) -> Int32? {
        let pattern = Array("\"\(name)\"".utf8)
        guard bytes.count > pattern.count else { return nil }
        var index = 0
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0], bytes[index..<(index + pattern.count)].elementsEqual(pattern),
               let value = integerValue(in: bytes, after: index + pattern.count) {
                return value
            }
            index += 1
        }
        return nil
    }

    private static func integerValue(in bytes: [UInt8], after start: Int) -> Int32? {
        var index = start
        func skipSpaces() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        skipSpaces()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipSpaces()
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") { index += 1 }
        let digitsStart = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return Int32(String(decoding: bytes[digitsStart..<index], as: UTF8.self))
    }
}
