import NIOCore

/// Bytes on their way into a `RemotingCommand` body (keeps NIO's allocator out of the handlers).
struct ByteBufferBytes: Sendable {
    let buffer: ByteBuffer

    init(_ bytes: some Collection<UInt8>) {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        self.buffer = buffer
    }

    init(buffer: ByteBuffer) {
        self.buffer = buffer
    }
}

extension Optional where Wrapped == ByteBuffer {
    /// The readable bytes of a response body, empty when absent.
    var readableByteArray: [UInt8] {
        guard let buffer = self else { return [] }
        return buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
    }
}
