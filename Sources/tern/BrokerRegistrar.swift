import Core
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Keeps the broker registered with every nameserver: REGISTER_BROKER at start, every `registerNameServerPeriod`,
/// and soon after topics change; UNREGISTER_BROKER on shutdown. Talks remoting over TCP even to the embedded
/// nameserver, so `tern start` exercises the same path as `tern broker --namesrv`.
final class BrokerRegistrar: Sendable {
    private let broker: Broker
    private let addresses: [String]
    private let group: any EventLoopGroup
    private let logger: Logger
    private let clients = Mutex<[String: RemotingClient]>([:])
    private let timer = Mutex<RepeatedTask?>(nil)
    private let pending = Atomic<Bool>(false)
    private static let requestTimeout = TimeAmount.seconds(3)

    init(broker: Broker, addresses: [String], group: any EventLoopGroup, logger: Logger) {
        self.broker = broker
        self.addresses = addresses
        self.group = group
        self.logger = logger
    }

    /// Registers with every nameserver (waiting for the answers, retrying for up to `firstAttemptWindow` while none
    /// accepts, so a client that asks for a route right after start-up finds one), then schedules the periodic
    /// registration.
    /// - Returns: how many nameservers accepted the registration.
    @discardableResult
    func start(firstAttemptWindow: Duration = .seconds(10)) async -> Int {
        var accepted = await registerAll()
        let deadline = ContinuousClock.now + firstAttemptWindow
        while accepted == 0, !addresses.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(200))
            accepted = await registerAll()
        }
        if accepted == 0, !addresses.isEmpty {
            logger.error("no nameserver accepted the registration; retrying every registration period",
                         metadata: ["namesrv.addresses": "\(addresses.joined(separator: ";"))"])
        }
        let period = TimeAmount.milliseconds(broker.configuration.registerNameServerPeriod)
        let task = group.next().scheduleRepeatedAsyncTask(initialDelay: period, delay: period) { [self] _ in
            group.next().makeFutureWithTask { _ = await self.registerAll() }
        }
        timer.withLock { $0 = task }
        broker.setTopicsChangedHandler { [self] in registerSoon() }
        return accepted
    }

    /// Coalesces bursts of topic changes into one registration shortly after.
    func registerSoon() {
        guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        group.next().scheduleTask(in: .milliseconds(20)) { [self] in
            pending.store(false, ordering: .releasing)
            Task { _ = await self.registerAll() }
        }
    }

    /// Stops the timer, unregisters from every nameserver and closes the connections.
    func shutdown() async {
        timer.withLock { task in
            task?.cancel()
            task = nil
        }
        let configuration = broker.configuration
        let header = [
            "brokerAddr": configuration.brokerAddress, "clusterName": configuration.brokerClusterName,
            "brokerName": configuration.brokerName, "brokerId": String(configuration.brokerId),
        ]
        for address in addresses {
            guard let client = try? await client(for: address) else { continue }
            _ = try? await client.request(.request(.unregisterBroker, extFields: header), timeout: Self.requestTimeout)
            _ = try? await client.close().get()
        }
        clients.withLock { $0.removeAll() }
    }

    private func registerAll() async -> Int {
        var accepted = 0
        for address in addresses {
            do {
                let client = try await client(for: address)
                let response = try await client.request(broker.registerBrokerRequest(), timeout: Self.requestTimeout)
                if response.code == ResponseCode.success.rawValue {
                    accepted += 1
                    logger.debug("registered with nameserver", metadata: ["namesrv.address": "\(address)"])
                } else {
                    logger.warning(
                        "nameserver refused registration",
                        metadata: ["namesrv.address": "\(address)", "remoting.remark": "\(response.remark ?? "")"])
                }
            } catch {
                clients.withLock { _ = $0.removeValue(forKey: address) }
                logger.warning(
                    "cannot register with nameserver",
                    metadata: ["namesrv.address": "\(address)", "error": "\(error)"])
            }
        }
        return accepted
    }

    private func client(for address: String) async throws -> RemotingClient {
        if let existing = clients.withLock({ $0[address] }) { return existing }
        let (host, port) = try NetworkAddress.split(address)
        let client = try await RemotingClient.connect(host: host, port: port, group: group, logger: logger)
        clients.withLock { $0[address] = client }
        client.closeFuture.whenComplete { [weak self] _ in
            self?.clients.withLock { clients in
                if clients[address] === client { clients.removeValue(forKey: address) }
            }
        }
        return client
    }
}

/// `host:port` text, as RocketMQ writes addresses.
enum NetworkAddress {
    struct Invalid: Error, CustomStringConvertible {
        var text: String
        var description: String { "invalid address '\(text)': expected host:port" }
    }

    static func split(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { throw Invalid(text: text) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw Invalid(text: text) }
        return (host, port)
    }
}
