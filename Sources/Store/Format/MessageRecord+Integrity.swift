public import NIOCore

/// The read-side CRC check (STYLE §4: check CRCs before writing and after reading back). BODYCRC covers the body
/// only (RocketMQ's `UtilAll.crc32(body)`, broker-internals §1.3), so this finds a damaged body, not a damaged header.
extension MessageRecord {
    /// Whether the body of the record at the start of `bytes` matches its stored BODYCRC. False when the header
    /// is too short or its body length points outside `bytes`: such a record cannot be served either.
    ///
    /// Reads only the fixed header to find the body (no property decoding): it runs on every pulled record.
    public static func hasIntactBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= CommitLogFormat.bornHostPosition else { return false }
        func int32(_ position: Int) -> Int32 {
            Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int32.self))
        }
        let sysFlag = int32(CommitLogFormat.sysFlagPosition)
        let bornHostLength = (sysFlag & SysFlag.bornHostV6) != 0 ? 20 : 8
        let storeHostLength = (sysFlag & SysFlag.storeHostV6) != 0 ? 20 : 8
        // BORNHOST, STORETIMESTAMP, STOREHOST, RECONSUMETIMES, PREPAREDTRANSACTIONOFFSET, then BODYLENGTH.
        let bodyLengthPosition = CommitLogFormat.bornHostPosition + bornHostLength + 8 + storeHostLength + 4 + 8
        guard bodyLengthPosition + 4 <= bytes.count else { return false }
        let bodyLength = Int(int32(bodyLengthPosition))
        let bodyStart = bodyLengthPosition + 4
        guard bodyLength >= 0, bodyStart + bodyLength <= bytes.count else { return false }
        let body = UnsafeRawBufferPointer(rebasing: bytes[bodyStart..<(bodyStart + bodyLength)])
        return CRC32.bodyCRC(body) == int32(CommitLogFormat.bodyCRCPosition)
    }

    /// `hasIntactBody` of the record at the buffer's reader index.
    public static func hasIntactBody(_ buffer: ByteBuffer) -> Bool {
        buffer.withUnsafeReadableBytes { hasIntactBody($0) }
    }
}
