import Dispatch
public import Logging
import NIOCore
import Synchronization

/// Support for the SIGKILL recovery test: a child process (`tern store-append`) appends under sync flush and
/// prints one line per acknowledged message; the test kills it and checks every acknowledged message survived.
public enum StoreCrashDriver {
    /// Topic the appender writes to.
    public static let topic = "CrashTest"

    /// Opens (recovering) the store at `storePath` with SYNC_FLUSH and small segments, then appends `count`
    /// messages one at a time to queue 0. After each durable put it calls `acknowledge` with
    /// `"ack <queueOffset> <physicalOffset>"`; the body of message n is `"crash-<queueOffset>"`.
    /// Never returns normally when killed; returns after a clean shutdown otherwise.
    /// - Throws: `StoreError` when the store cannot be opened.
    public static func runAppender(storePath: String, count: Int, segmentSizeBytes: Int = 64 * 1024,
                                   logger: Logger, acknowledge: (String) -> Void) throws(StoreError) {
        let store = try FileMessageStore.open(configuration: configuration(storePath, segmentSizeBytes), logger: logger)
        store.start()
        defer { store.shutdown() }
        for _ in 0..<count {
            let next = store.commitLog.appendLock.withLock {
                $0.queueOffsets[CommitLog.QueueKey(topic: topic, queueId: 0)] ?? 0
            }
            let message = MessageToStore(topic: topic, queueId: 0, body: ByteBuffer(string: "crash-\(next)"),
                                         properties: [("WAIT", "true")], bornTimestamp: 0, bornHost: .loopbackIPv4)
            let done = DispatchSemaphore(value: 0)
            let outcome = Mutex<PutMessageResult?>(nil)
            store.putMessage(message) { result in
                outcome.withLock { $0 = result }
                done.signal()
            }
            done.wait()
            guard let result = outcome.withLock({ $0 }), result.status == .putOK else { continue }
            acknowledge("ack \(result.queueOffset.rawValue) \(result.physicalOffset.rawValue)")
        }
    }

    /// The configuration the appender uses, so a verifier can reopen the same store.
    public static func configuration(_ storePath: String, _ segmentSizeBytes: Int = 64 * 1024) -> StoreConfiguration {
        var configuration = StoreConfiguration(storePathRootDir: storePath)
        configuration.flushDiskType = .sync
        configuration.mappedFileSizeCommitLog = segmentSizeBytes
        configuration.mappedFileSizeConsumeQueue = 1000 * 20
        configuration.maxHashSlotNum = 1024
        configuration.maxIndexNum = 4096
        return configuration
    }
}
