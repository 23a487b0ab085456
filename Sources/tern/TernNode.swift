import Core
import Foundation
import Logging
import NIOCore
import NIOPosix
import Store

/// The running parts of one `tern` process and the order they start and stop in. The only composition root: it
/// builds the store, the broker, the nameserver and the servers from `TernSettings` and wires their callbacks.
final class TernNode {
    struct Roles: OptionSet {
        let rawValue: Int
        static let namesrv = Roles(rawValue: 1)
        static let broker = Roles(rawValue: 2)
        static let gateway = Roles(rawValue: 4)
    }

    private var settings: TernSettings
    private let roles: Roles
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private var nameServer: NameServer?
    private var namesrvServer: RemotingServer?
    private var store: FileMessageStore?
    private var broker: Broker?
    private var brokerServers: [RemotingServer] = []
    private var registrar: BrokerRegistrar?
    private var gateway: GatewayRole?
    /// Partially received frames of every remoting connection (name server, broker, VIP) share this budget.
    private let inboundBudget: RemotingInboundBudget

    /// Where each started role listens, for the ready line.
    private(set) var readyFields: [(String, String)] = []

    init(settings: TernSettings, roles: Roles, logger: Logger) {
        self.settings = settings
        self.roles = roles
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(2, System.coreCount))
        inboundBudget = RemotingInboundBudget(capacityBytes: settings.remotingInboundBudgetBytes)
    }

    /// The shared remoting limits with this server's address.
    private func remotingConfiguration(port: Int) -> RemotingServerConfiguration {
        var configuration = settings.remoting
        configuration.host = settings.listenHost
        configuration.port = port
        return configuration
    }

    /// Starts every role in dependency order: nameserver, store (recovery), broker, registration, gateway.
    func start() async throws {
        if roles.contains(.namesrv) { try await startNameServer() }
        if roles.contains(.broker) { try await startBroker() }
        if roles.contains(.gateway), let broker {
            let role = try GatewayRole.start(settings: settings, broker: broker, nameServer: nameServer,
                                             logger: logger)
            gateway = role
            readyFields.append(("http", "\(advertisedHost):\(role.port)"))
        }
    }

    /// The line integration tests and scripts wait for: `TERN_READY namesrv=... broker=... http=...`.
    var readyLine: String {
        (["TERN_READY"] + readyFields.map { "\($0.0)=\($0.1)" }).joined(separator: " ")
    }

    private var advertisedHost: String {
        settings.broker.brokerIP1.contains(":") ? "[\(settings.broker.brokerIP1)]" : settings.broker.brokerIP1
    }

    private func startNameServer() async throws {
        let nameServer = NameServer(configuration: settings.namesrv, logger: Logger(label: "tern.namesrv"))
        try nameServer.start(scanningOn: group.next())
        let server = RemotingServer(
            configuration: remotingConfiguration(port: settings.namesrv.listenPort),
            group: group,
            dispatcher: RemotingDispatcher(processors: nameServer.processorTable,
                                           defaultProcessor: nameServer.defaultProcessor),
            logger: Logger(label: "tern.namesrv.remoting"),
            onConnectionClosed: { nameServer.connectionClosed(connectionID: $0) }, inboundBudget: inboundBudget)
        try await server.start()
        let port = server.port ?? settings.namesrv.listenPort
        settings.namesrv.listenPort = port
        self.nameServer = nameServer
        namesrvServer = server
        readyFields.append(("namesrv", "\(advertisedHost):\(port)"))
        logger.info("nameserver listening", metadata: ["namesrv.port": "\(port)"])
    }

    private func startBroker() async throws {
        if settings.broker.listenPort == 0 { settings.broker.listenPort = try FreePort.pick() }
        let port = settings.broker.listenPort
        guard let storeHost = HostAddressParser.parse("\(advertisedHost):\(port)") else {
            throw TernSettings.InvalidSetting(key: "brokerIP1", value: settings.broker.brokerIP1,
                                              expected: "an IP address")
        }
        settings.store.storeHost = storeHost
        settings.broker.storePathRootDir = settings.store.storePathRootDir
        let store = try FileMessageStore.open(configuration: settings.store, logger: Logger(label: "tern.store"))
        store.start()
        self.store = store
        let broker = Broker(configuration: settings.broker, store: store, logger: Logger(label: "tern.broker"))
        broker.start()
        self.broker = broker
        try await startBrokerServers(broker: broker, port: port)
        readyFields.append(("broker", "\(advertisedHost):\(port)"))
        var namesrvAddresses = settings.namesrvAddresses
        if namesrvAddresses.isEmpty, roles.contains(.namesrv) {
            namesrvAddresses = ["127.0.0.1:\(settings.namesrv.listenPort)"]
        }
        let registrar = BrokerRegistrar(broker: broker, addresses: namesrvAddresses, group: group,
                                        logger: Logger(label: "tern.broker.registrar"))
        await registrar.start()
        self.registrar = registrar
    }

    /// The main port serves every code; the VIP port (listen port - 2, RocketMQ's fast channel for old clients)
    /// refuses pulls and pops as RocketMQ does. A VIP port that cannot be bound is logged, not fatal.
    private func startBrokerServers(broker: Broker, port: Int) async throws {
        let closed: RemotingServer.ConnectionClosed = { broker.connectionClosed($0) }
        let main = RemotingServer(
            configuration: remotingConfiguration(port: port), group: group,
            dispatcher: RemotingDispatcher(processors: broker.processors), logger: Logger(label: "tern.remoting"),
            onConnectionClosed: closed, inboundBudget: inboundBudget)
        try await main.start()
        brokerServers.append(main)
        logger.info("broker listening", metadata: ["broker.port": "\(port)"])
        guard port - 2 >= 1024 else { return }
        let slowCodes: [RequestCode] = [.pullMessage, .litePullMessage, .popMessage, .peekMessage, .notification,
                                        .pollingInfo]
        var vipProcessors = broker.processors
        for code in slowCodes { vipProcessors.removeValue(forKey: code.rawValue) }
        let vip = RemotingServer(
            configuration: remotingConfiguration(port: port - 2), group: group,
            dispatcher: RemotingDispatcher(processors: vipProcessors), logger: Logger(label: "tern.remoting.vip"),
            onConnectionClosed: closed, inboundBudget: inboundBudget)
        do {
            try await vip.start()
            brokerServers.append(vip)
        } catch {
            logger.warning("VIP port not available", metadata: ["broker.port": "\(port - 2)", "error": "\(error)"])
        }
    }

    /// Stops in order: gateway (drains requests), unregister, broker (answers held pulls, writes configs), remoting
    /// servers (drain), store (flush, checkpoint, remove abort), nameserver, event loops.
    func shutdown() async {
        await gateway?.stop()
        await registrar?.shutdown()
        broker?.shutdown()
        for server in brokerServers { await server.shutdown() }
        store?.shutdown()
        await namesrvServer?.shutdown()
        nameServer?.shutdown()
        try? await group.shutdownGracefully()
    }
}
