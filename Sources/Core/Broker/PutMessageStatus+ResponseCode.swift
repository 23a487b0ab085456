import Store

extension PutMessageStatus {
    /// The send response code for this store outcome (RocketMQ's `SendMessageProcessor#handlePutMessageResult`).
    var responseCode: ResponseCode {
        switch self {
        case .putOK: .success
        case .flushDiskTimeout: .flushDiskTimeout
        case .serviceNotAvailable, .diskFull: .serviceNotAvailable
        case .createMappedFileFailed, .unknownError: .systemError
        case .messageIllegal, .propertiesSizeExceeded: .messageIllegal
        case .osPageCacheBusy: .systemBusy
        }
    }

    /// Whether the message was stored, so the response carries the full send header (codes 0, 10, 11, 12).
    var isStored: Bool {
        self == .putOK || self == .flushDiskTimeout
    }

    /// The remark Java sends for failures; nil on success.
    func remark(storeRemark: String?) -> String? {
        switch self {
        case .putOK: nil
        case .flushDiskTimeout: "flush disk timeout"
        case .serviceNotAvailable:
            "service not available now. It may be caused by one of the following reasons: "
                + "the broker's disk is full, messages are put to the slave, permission denied, etc."
        case .diskFull: storeRemark ?? "disk full: the broker refuses writes until space is freed"
        case .createMappedFileFailed: "create mapped file failed, server is busy or broken."
        case .messageIllegal, .propertiesSizeExceeded:
            storeRemark ?? "the message is illegal, maybe msg body or properties length not matched."
        case .osPageCacheBusy: "[PC_SYNCHRONIZED]broker busy, start flow control for a while"
        case .unknownError: storeRemark ?? "UNKNOWN_ERROR"
        }
    }
}
