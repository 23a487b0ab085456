import Logging
@testable import Store
import TestSupport
import Testing

/// A record whose consume queue cannot be created for a reason other than a full disk must not stop dispatch: the
/// gateway's schemathesis run made a pop retry topic (`%RETRY%<group>_<topic>`) longer than a file name may be, and
/// dispatch paused on it for good, so no later message of any topic became readable.
@Suite struct DispatchFailureTests {
    @Test(.timeLimit(.minutes(1)))
    func aTopicWhoseQueueDirectoryCannotBeCreatedDoesNotStopDispatch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try FileMessageStore.open(configuration: StoreConfiguration(storePathRootDir: directory.path),
                                              logger: Logger(label: "tern.store.test"))
        store.start()
        defer { store.shutdown() }
        let tooLong = "%RETRY%" + String(repeating: "g", count: 300)  // NAME_MAX is 255 bytes
        #expect(DispatchVisibilityTests.putAcknowledged(store, message(topic: tooLong)).status == .putOK)
        #expect(DispatchVisibilityTests.putAcknowledged(store, message(topic: "After")).status == .putOK)
        let read = DispatchVisibilityTests.pollUntilReadable(store, topic: "After", queueId: 0, offset: 0)
        #expect(read.status == .found)
    }
}
