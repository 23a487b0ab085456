import Core
import Logging
import Store
import TestSupport
import Testing

/// The restart scenario on the real file store: both the commit log and the pop-state log (`config/popState/`)
/// are reopened.
@Suite struct PopFileStoreTests {
    static func openStore(_ root: String) throws -> FileMessageStore {
        var configuration = StoreConfiguration(storePathRootDir: root)
        configuration.mappedFileSizeCommitLog = 1 << 20
        configuration.mappedFileSizeConsumeQueue = 20 * 1000
        let store = try FileMessageStore.open(configuration: configuration, logger: Logger(label: "test.store"))
        store.start()
        return store
    }

    @Test func ackedStaysAckedAndUnackedComesBackAfterFullRestart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Self.openStore(directory.path)
        let harness = PopHarness(stateDirectory: directory.path + "/config", store: store,
                                 settle: { store.waitUntilDispatched() })
        for index in 0..<3 { harness.send("m\(index)") }
        let (_, popped) = harness.pop()
        #expect(popped.map(\.body) == ["m0", "m1", "m2"])
        #expect(harness.call(harness.service.ackProcessor, harness.ackRequest(popped[1])).code == 0)
        harness.service.shutdown()
        store.shutdown()

        let reopened = try Self.openStore(directory.path)
        defer { reopened.shutdown() }
        let restarted = PopHarness(stateDirectory: directory.path + "/config", store: reopened,
                                   clock: harness.clock, settle: { reopened.waitUntilDispatched() })
        #expect(restarted.pop().1.isEmpty, "still invisible after restart")
        restarted.expireAndRevive()
        let again = restarted.pop().1
        #expect(again.map(\.body) == ["m0", "m2"])
        #expect(again.allSatisfy { $0.message.reconsumeTimes == 1 })
    }
}
