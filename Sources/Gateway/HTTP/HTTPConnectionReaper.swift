import Dispatch
import Store
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open libmicrohttpd connection: its peer address (made once, read by every request on it) and how long it
/// has been waiting for a complete request head.
///
/// Created in the connection-started notification and kept in the connection's socket context until it closes.
final class HTTPConnectionRecord: Sendable {
    let text: String
    let host: HostAddress?
    /// The connection's socket; only shut down (never closed) by the reaper, and only while registered.
    let socket: Int32
    /// Monotonic nanoseconds since which the connection has been waiting for a request head (since it opened or
    /// since its previous request completed).
    private let waitingSince: Atomic<UInt64>
    /// A request's head arrived and the request has not completed yet: the connection is busy, not slow.
    private let busy = Atomic<Bool>(false)

    init(text: String, host: HostAddress?, socket: Int32, now: UInt64) {
        self.text = text
        self.host = host
        self.socket = socket
        waitingSince = Atomic(now)
    }

    /// A request head is complete (first access-handler call of a request).
    func requestStarted() { busy.store(true, ordering: .relaxed) }

    /// A request completed; the connection now waits for the next head.
    func requestCompleted(now: UInt64) {
        waitingSince.store(now, ordering: .relaxed)
        busy.store(false, ordering: .relaxed)
    }

    /// Nanoseconds spent waiting for a request head, nil while a request is being served.
    func waiting(now: UInt64) -> UInt64? {
        if busy.load(ordering: .relaxed) { return nil }
        let since = waitingSince.load(ordering: .relaxed)
        return now > since ? now - since : 0
    }
}

/// Closes connections that hold a slot without sending requests, so slow or idle clients cannot starve the rest.
///
/// libmicrohttpd's own connection timeout restarts with every byte received, so a client that trickles its headers
/// (slowloris) keeps a connection forever, and idle keep-alive connections fill `maxConnections` until new clients
/// get 503. Every `interval` this closes, by `shutdown(2)` on the socket (libmicrohttpd then reads end-of-stream and
/// cleans the connection up on its own thread):
/// - a connection that has waited longer than `headersTimeout` for a complete request head;
/// - when more than 7/8 of `maxConnections` are open, connections waiting over `idleReclaimAfter`, longest-waiting
///   first, until 3/4 of the cap is open.
///
/// Thread-safe: `records` is the one lock; the connection callbacks take it once per connection, never per request.
final class HTTPConnectionReaper: Sendable {
    struct Limits: Sendable {
        var maxConnections: Int
        var headersTimeout: Duration
        var idleReclaimAfter: Duration = .seconds(1)
        var interval: Duration = .milliseconds(250)
    }

    let limits: Limits
    private let records = Mutex<[Int32: HTTPConnectionRecord]>([:])
    private let reaped = Atomic<Int>(0)
    private let started = Atomic<Bool>(false)
    /// libdispatch sources are thread-safe (resume and cancel may come from any thread), which the type does not say.
    nonisolated(unsafe) private let timer: any DispatchSourceTimer

    init(limits: Limits) {
        self.limits = limits
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tern.gateway.reaper"))
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Connections closed by the reaper so far.
    var reapedCount: Int { reaped.load(ordering: .relaxed) }

    func register(_ record: HTTPConnectionRecord) {
        records.withLock { $0[record.socket] = record }
    }

    /// Called from the connection-closed notification, before libmicrohttpd closes the socket: once this returns,
    /// the reaper never touches that descriptor again (it may be reused).
    func unregister(_ record: HTTPConnectionRecord) {
        records.withLock { records in
            if records[record.socket] === record { records[record.socket] = nil }
        }
    }

    /// Starts the sweeps; once, before `stop()`.
    func start() {
        timer.schedule(deadline: .now() + limits.interval.dispatchInterval, repeating: limits.interval.dispatchInterval)
        timer.setEventHandler { [weak self] in self?.sweep() }
        started.store(true, ordering: .relaxed)
        timer.resume()
    }

    /// Stops the sweeps; idempotent.
    func stop() { timer.cancel() }

    deinit {
        // libdispatch traps when a source is released while still suspended (a server that never started).
        timer.cancel()
        if !started.load(ordering: .relaxed) { timer.resume() }
    }

    /// One pass; internal so tests can run it without waiting for the timer.
    func sweep() {
        let now = Self.now()
        let headersTimeout = UInt64(limits.headersTimeout.nanoseconds)
        let idleAfter = UInt64(limits.idleReclaimAfter.nanoseconds)
        records.withLock { records in
            var idle: [(waited: UInt64, record: HTTPConnectionRecord)] = []
            var open = records.count
            for record in records.values {
                guard let waited = record.waiting(now: now) else { continue }
                if waited > headersTimeout {
                    close(record, from: &records)
                    open -= 1
                } else if waited > idleAfter {
                    idle.append((waited, record))
                }
            }
            guard open > limits.maxConnections * 7 / 8 else { return }
            for (_, record) in idle.sorted(by: { $0.waited > $1.waited }) where open > limits.maxConnections * 3 / 4 {
                close(record, from: &records)
                open -= 1
            }
        }
    }

    /// Over the cap, a client that sent a whole request head is served instead of refused: the connection that has
    /// waited longest without sending one (slow or idle) is closed in its place, as nginx drains reusable
    /// keep-alive connections when it runs out. Returns false when every connection is busy with a request.
    func evictLongestWaiting() -> Bool {
        let now = Self.now()
        return records.withLock { records in
            var longest: (waited: UInt64, record: HTTPConnectionRecord)?
            for record in records.values {
                guard let waited = record.waiting(now: now), waited >= longest?.waited ?? 0 else { continue }
                longest = (waited, record)
            }
            guard let longest else { return false }
            close(longest.record, from: &records)
            return true
        }
    }

    private func close(_ record: HTTPConnectionRecord, from records: inout [Int32: HTTPConnectionRecord]) {
        records[record.socket] = nil
        _ = shutdown(record.socket, Int32(SHUT_RDWR))
        reaped.wrappingAdd(1, ordering: .relaxed)
    }
}
