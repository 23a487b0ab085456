import Core
@testable import Gateway
import Logging
import Store
import TestSupport
import Testing

/// A send refused because the broker's disk is full answers 507 `insufficient_storage` with the store's reason, not
/// the 503 of other SERVICE_NOT_AVAILABLE refusals (a full disk is not fixed by retrying soon).
@Suite struct DiskFullRouteTests {
    @Test func aSendRefusedForAFullDiskAnswers507WithTheReason() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-gateway-full")
        defer { directory.remove() }
        var storeConfiguration = StoreConfiguration(storePathRootDir: directory.path)
        storeConfiguration.mappedFileSizeCommitLog = 64 * 1024
        storeConfiguration.diskUsedRatio = { _ in 0.2 }
        storeConfiguration.diskFreeBytes = { _ in 1024 }
        storeConfiguration.diskMinFreeBytes = 1 << 20
        let store = try FileMessageStore.open(configuration: storeConfiguration, logger: Logger(label: "test.store"))
        store.start()
        defer { store.shutdown() }
        var configuration = BrokerConfiguration()
        configuration.storePathRootDir = directory.path
        let broker = Broker(configuration: configuration, store: store, logger: Logger(label: "test.broker"))
        broker.start()
        defer { broker.shutdown() }
        try await withGateway(broker: Dictionary(uniqueKeysWithValues: broker.processors.map {
            (RequestCode(rawValue: $0.key), $0.value)
        })) { _, port in
            let response = try await HTTPTestClient(port: port).request("POST", "/v1/topics/FullTopic/messages",
                                                                        json: #"{"body":"x"}"#)
            #expect(response.status == 507, "\(response.text)")
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.json?["code"]?.stringValue == "insufficient_storage")
            #expect(response.json?["remotingCode"]?.int64Value == Int64(ResponseCode.serviceNotAvailable.rawValue))
            let detail = response.json?["detail"]?.stringValue ?? ""
            #expect(detail.contains("disk full") && detail.contains("diskMinFreeBytes"), "\(detail)")
        }
    }
}
