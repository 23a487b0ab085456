/// The durable part of POP state (consume progress and in-flight checkpoints, not locks or revive marks): what a
/// snapshot holds and what recovery rebuilds by replaying log records over it.
struct PopStateImage: Sendable, Equatable {
    var offsets: [PopQueueKey: Int64] = [:]
    var checkpoints: [PopCheckpointKey: PopCheckpoint] = [:]

    /// Applies one logged change. An ack for a checkpoint that is not there is ignored: the checkpoint was removed
    /// later in the same history, or it was never made durable.
    mutating func apply(_ record: PopStateRecord) {
        switch record {
        case let .offset(queue, offset):
            offsets[queue] = offset
        case let .checkpoint(checkpoint):
            checkpoints[checkpoint.key] = checkpoint
        case let .acked(key, bits):
            checkpoints[key]?.ackedBits = bits
        case let .removed(key):
            checkpoints[key] = nil
        case .snapshotEnd:
            break
        }
    }

    /// The records that rebuild this image from nothing, in a stable order, ending with `snapshotEnd`.
    func snapshotRecords() -> [PopStateRecord] {
        var records: [PopStateRecord] = offsets.sorted { $0.key.description < $1.key.description }
            .map { .offset($0.key, $0.value) }
        records += checkpoints.values.sorted { $0.deadline < $1.deadline }.map { .checkpoint($0) }
        records.append(.snapshotEnd(recordCount: UInt64(records.count)))
        return records
    }
}
