/// The gateway's opaque receipt handle for one popped message.
///
/// Format (version 1): the unpadded base64url (RFC 4648 §5) of the message's POP_CK / `extraInfo` string, i.e.
/// `base64url("<ckQueueOffset> <popTime> <invisibleTime> <reviveQid> <retryMark> <brokerName> <queueId>
/// <msgQueueOffset>")`. It therefore carries exactly what a native client echoes in ACK_MESSAGE and
/// CHANGE_MESSAGE_INVISIBLETIME, so the gateway builds those requests with `extraInfo = handle.extraInfo.description`
/// and `offset = handle.extraInfo.queueOffset` and goes through the same processors. Clients must treat it as opaque.
public struct PopReceiptHandle: Sendable, Hashable, CustomStringConvertible {
    /// The decoded POP_CK fields.
    public var extraInfo: PopExtraInfo

    public init(extraInfo: PopExtraInfo) {
        self.extraInfo = extraInfo
    }

    /// Parses and validates a handle string.
    /// - Throws: `PopReceiptHandleError` (`.malformedEncoding` or `.malformedFields`); the gateway answers 400.
    public init(parsing handle: String) throws(PopReceiptHandleError) {
        guard !handle.isEmpty, handle.utf8.count <= 512, let bytes = PopBase64.decode(handle) else {
            throw PopReceiptHandleError(kind: .malformedEncoding, handle: handle)
        }
        guard let text = String(validating: bytes, as: UTF8.self), let extraInfo = PopExtraInfo(text),
              extraInfo.checkpointOffset >= 0, extraInfo.queueOffset >= extraInfo.checkpointOffset,
              extraInfo.invisibleTime >= 0, extraInfo.queueId >= 0
        else { throw PopReceiptHandleError(kind: .malformedFields, handle: handle) }
        self.extraInfo = extraInfo
    }

    /// The handle string.
    public var encoded: String { PopBase64.encode(Array(extraInfo.description.utf8), urlSafe: true) }

    public var description: String { encoded }

    /// Broker time (ms) after which the message becomes visible again unless acked.
    public var visibleAgainAt: Int64 { extraInfo.popTime + extraInfo.invisibleTime }
}

/// A receipt handle the gateway could not accept.
public struct PopReceiptHandleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the handle.
    public struct Kind: Hashable, Sendable {
        private enum Value: Hashable, Sendable { case malformedEncoding, malformedFields }
        private let value: Value
        /// Not base64url text (or empty / too long).
        public static let malformedEncoding = Kind(value: .malformedEncoding)
        /// Decodes, but not into a valid POP_CK string.
        public static let malformedFields = Kind(value: .malformedFields)
    }

    public var kind: Kind
    public var handle: String

    public init(kind: Kind, handle: String) {
        self.kind = kind
        self.handle = handle
    }

    public var description: String {
        kind == .malformedEncoding ? "receipt handle is not valid base64url" : "receipt handle has invalid fields"
    }
}
