import Core
import Gateway
import Logging
import Store

/// The embedded HTTP gateway, wired to the very same processor tables the remoting servers use.
struct GatewayRole {
    let gateway: Gateway
    let port: Int

    /// Starts the gateway on `settings.gateway`; `/healthz` is ready once this runs, since the store has recovered
    /// before the broker starts.
    static func start(settings: TernSettings, broker: Broker, nameServer: NameServer?, logger: Logger) throws
        -> GatewayRole
    {
        var configuration = settings.gateway
        configuration.brokerName = settings.broker.brokerName
        let store = broker.store
        let gateway = Gateway(
            configuration: configuration, brokerProcessors: broker.processors,
            nameServerProcessors: nameServer?.processorTable ?? [:],
            gauges: { storeGauges(store.statistics()) }, logger: Logger(label: "tern.gateway"))
        let port = try gateway.start()
        logger.info("gateway listening", metadata: ["http.port": "\(port)"])
        return GatewayRole(gateway: gateway, port: port)
    }

    func stop() async { await gateway.stop() }

    private static func storeGauges(_ statistics: StoreStatistics) -> [GatewayGauge] {
        [
            GatewayGauge(name: "tern_store_commitlog_min_offset", help: "Smallest readable commit log offset.",
                         value: Double(statistics.commitLogMinOffset.rawValue)),
            GatewayGauge(name: "tern_store_commitlog_max_offset", help: "Next commit log write offset.",
                         value: Double(statistics.commitLogMaxOffset.rawValue)),
            GatewayGauge(name: "tern_store_dispatch_behind_bytes", help: "Commit log bytes not yet in consume queues.",
                         value: Double(statistics.dispatchBehindBytes)),
            GatewayGauge(name: "tern_store_put_messages_total", help: "Messages appended since start.",
                         value: Double(statistics.putMessageCount)),
            GatewayGauge(name: "tern_store_put_bytes_total", help: "Bytes appended since start.",
                         value: Double(statistics.putMessageBytes)),
            GatewayGauge(name: "tern_store_disk_used_ratio", help: "Used fraction of the store's disk.",
                         value: statistics.diskUsedRatio),
            GatewayGauge(name: "tern_store_writable", help: "1 when the store accepts writes.",
                         value: statistics.isWritable ? 1 : 0),
        ]
    }
}
