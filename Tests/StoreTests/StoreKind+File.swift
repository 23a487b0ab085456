import Logging
import Store
import TestSupport

extension StoreKind {
    /// The implementations the contract suite runs against.
    static let implemented: [StoreKind] = [.memory, .file]

    static func makeFileStore(_ configuration: StoreConfiguration, _ directory: TemporaryDirectory) throws -> Harness {
        let store = try FileMessageStore.open(configuration: configuration, logger: Logger(label: "tern.store.test"))
        store.start()
        return Harness(store: store, directory: directory, close: { store.shutdown() })
    }
}

/// Makes everything appended so far visible in consume queues (the file store dispatches asynchronously).
func settle(_ store: any MessageStore) {
    (store as? FileMessageStore)?.waitUntilDispatched()
}
