import NIOCore
import Store
import Synchronization
import TestSupport

/// The implementations every contract test runs against.
enum StoreKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case memory
    case file

    var description: String { rawValue }

    /// A store plus what must be torn down after the test.
    final class Harness: Sendable {
        let store: any MessageStore
        let directory: TemporaryDirectory?
        let close: @Sendable () -> Void

        init(store: any MessageStore, directory: TemporaryDirectory?, close: @escaping @Sendable () -> Void) {
            self.store = store
            self.directory = directory
            self.close = close
        }

        deinit {
            close()
            directory?.remove()
        }
    }

    func make(_ adjust: (inout StoreConfiguration) -> Void = { _ in }) throws -> Harness {
        switch self {
        case .memory:
            var configuration = StoreConfiguration()
            adjust(&configuration)
            return Harness(store: InMemoryMessageStore(configuration: configuration), directory: nil, close: {})
        case .file:
            let directory = try TemporaryDirectory(prefix: "tern-store")
            var configuration = StoreConfiguration(storePathRootDir: directory.path)
            configuration.mappedFileSizeCommitLog = 64 * 1024
            configuration.mappedFileSizeConsumeQueue = 100 * 20
            configuration.maxIndexNum = 1000
            configuration.maxHashSlotNum = 100
            adjust(&configuration)
            return try StoreKind.makeFileStore(configuration, directory)
        }
    }
}

/// Blocks until the completion of a put has run (tests only; the store never blocks its callers).
func put(_ store: any MessageStore, _ message: MessageToStore) -> PutMessageResult {
    let box = ResultBox()
    store.putMessage(message) { box.set($0) }
    defer { settle(store) }
    return box.wait()
}

func putBatch(_ store: any MessageStore, _ batch: [MessageToStore]) -> PutMessageResult {
    let box = ResultBox()
    store.putMessages(batch) { box.set($0) }
    defer { settle(store) }
    return box.wait()
}

final class ResultBox: Sendable {
    private let value = Mutex<PutMessageResult?>(nil)
    private let semaphore = BlockingSemaphore()

    func set(_ result: PutMessageResult) {
        value.withLock { $0 = result }
        semaphore.signal()
    }

    func wait() -> PutMessageResult {
        semaphore.wait()
        return value.withLock { $0! }
    }
}

func message(topic: String = "TopicTest", queueId: Int32 = 0, body: String = "Hello", tags: String? = nil,
             keys: String? = nil, sysFlag: Int32 = 0) -> MessageToStore {
    var properties: [(String, String)] = []
    if let tags { properties.append(("TAGS", tags)) }
    if let keys { properties.append(("KEYS", keys)) }
    properties.append(("WAIT", "true"))
    return MessageToStore(topic: topic, queueId: queueId, body: ByteBuffer(string: body), properties: properties,
                          sysFlag: sysFlag, bornTimestamp: 1_700_000_000_000, bornHost: .loopbackIPv4)
}
