#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import Gateway
import Synchronization
import Testing

/// Issue 14.3: slow or idle clients must not starve the gateway. Before the reaper, 1,500 connections trickling
/// their headers made every normal request time out, and 1,024 idle keep-alive connections made every later client
/// get 503 `too_many_connections` for as long as they stayed.
@Suite(.serialized) struct SlowClientTests {
    @Test(.timeLimit(.minutes(2)))
    func slowlorisConnectionsAreClosedAndNormalClientsStayServed() async throws {
        try await withGateway(configure: { $0.headersTimeout = .seconds(2) }) { _, port in
            let slow = try (0..<1500).map { _ in
                let client = try HTTPTestClient(port: port, timeoutSeconds: 10)
                try client.writeAll(Array("POST /v1/topics/T/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))
                return client
            }
            let trickling = Trickle(slow)
            trickling.start()

            var latencies: [Duration] = []
            let clock = ContinuousClock()
            let until = clock.now + .seconds(5)
            var client: HTTPTestClient?
            while clock.now < until {
                let started = clock.now
                if latencies.count % 10 == 0 { client = try? HTTPTestClient(port: port, timeoutSeconds: 5) }
                let response = try? await client?.request("GET", "/healthz")
                latencies.append(clock.now - started)
                guard response?.status == 200 else {
                    Issue.record("a normal request failed among slow clients: \(String(describing: response?.status))")
                    break
                }
            }
            latencies.sort()
            let p99 = latencies[latencies.count * 99 / 100]
            print("slowloris: \(latencies.count) normal requests among 1,500 slow clients, p99 \(p99)")

            // Every slow client is closed by the server once it has waited past the 2 s head timeout.
            trickling.stop()
            let closed = slow.filter { $0.isClosedByServer() }.count
            #expect(closed == slow.count)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func idleKeepAliveConnectionsAreReclaimedNearTheCap() async throws {
        try await withGateway(configure: { $0.maxConnections = 400 }) { _, port in
            var idle: [HTTPTestClient] = []
            var refused = 0
            for _ in 0..<450 {
                let client = try HTTPTestClient(port: port, timeoutSeconds: 10)
                if try await client.request("GET", "/healthz").status == 503 { refused += 1 }
                idle.append(client)
            }
            // Idle connections past 1 s are reclaimed once 7/8 of the cap is open; a newcomer is served.
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(10)
            var status = 0
            while clock.now < deadline {
                status = try await HTTPTestClient(port: port, timeoutSeconds: 5).request("GET", "/healthz").status
                if status == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == 200)
            let metrics = try await HTTPTestClient(port: port).request("GET", "/metrics").text
            let reaped = metrics.split(separator: "\n").first { $0.hasPrefix("tern_gateway_reaped_connections_total ") }
                .flatMap { Double($0.split(separator: " ")[1]) } ?? 0
            print("idle: 450 keep-alive connections against a cap of 400, \(refused) refused while opening, "
                  + "\(Int(reaped)) reclaimed")
            #expect(reaped >= 50)
            withExtendedLifetime(idle) {}
        }
    }
}

/// Writes one header byte to each slow client every 500 ms, on a thread of its own, until stopped.
private final class Trickle: @unchecked Sendable {
    // `@unchecked`: `clients` is written only in init; `running` is atomic.
    private let clients: [HTTPTestClient]
    private let running = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(_ clients: [HTTPTestClient]) { self.clients = clients }

    func start() {
        // Writing to a connection the server closed must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        running.store(true, ordering: .relaxed)
        Thread.detachNewThread { [self] in
            while running.load(ordering: .relaxed) {
                for client in clients { try? client.writeAll([UInt8(ascii: "X")]) }
                Thread.sleep(forTimeInterval: 0.5)
            }
            finished.signal()
        }
    }

    /// Stops the writes and waits for the thread to end.
    func stop() {
        running.store(false, ordering: .relaxed)
        finished.wait()
    }
}
