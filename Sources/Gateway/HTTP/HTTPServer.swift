private import CHttp
import Dispatch
import Logging
import Store
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the HTTP server could not start.
struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// An HTTP/1.1 server over libmicrohttpd (internal epoll threads, optionally a pool of them).
///
/// Requests are read completely (streamed in chunks, capped at `maxBodyBytes`) and handed to an `HTTPHandler` on
/// the libmicrohttpd thread. A handler that answers later makes the server suspend the connection
/// (`MHD_suspend_connection`); its answer resumes it, so no thread waits for a pending request.
///
/// Lifecycle: `start()` once, then `stop(gracePeriod:)` once. Thread-safe.
final class HTTPServer: Sendable {
    struct Configuration: Sendable {
        var host: String
        /// 0 picks a free port; `boundPort` tells which.
        var port: Int
        var threadPoolSize: Int
        var maxConnections: Int
        var connectionIdleTimeoutSeconds: Int
        var maxBodyBytes: Int
        /// How long a dispatched request may stay unanswered before the server answers `.timedOut` itself.
        var requestTimeout: Duration
        /// How long a connection may take to send a complete request head (after opening, or after its previous
        /// request completed) before the server closes it; see `HTTPConnectionReaper`.
        var headersTimeout: Duration = .seconds(10)
    }

    let configuration: Configuration
    let handler: any HTTPHandler
    let logger: Logger

    /// The daemon (`struct MHD_Daemon *`), nil before start and after stop.
    /// `@unchecked Sendable`: libmicrohttpd's daemon functions used here (quiesce, stop, info) are thread-safe,
    /// and `daemonState`'s lock orders start against stop.
    private struct DaemonHandle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private struct DaemonState: ~Copyable {
        var daemon: DaemonHandle?
        var boundPort: Int?
        var retainedSelf: Unmanaged<HTTPServer>?
    }

    private let daemonState = Mutex(DaemonState())
    /// Requests between their first access-handler call and their completion callback. Every request registers and
    /// unregisters: an adaptive lock (see `AdaptiveLock`) keeps the libmicrohttpd threads out of the kernel.
    private let live = AdaptiveLock<[ObjectIdentifier: HTTPExchange]>([:])
    let openConnections = Atomic<Int>(0)
    let draining = Atomic<Bool>(false)
    private let requestCounter = Atomic<UInt64>(0)
    private let requestIDPrefix: String

    fileprivate let reaper: HTTPConnectionReaper

    init(configuration: Configuration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        reaper = HTTPConnectionReaper(limits: .init(maxConnections: configuration.maxConnections,
                                                    headersTimeout: configuration.headersTimeout))
        self.requestIDPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// libmicrohttpd's per-connection pool: request line, headers and the read buffer (bodies stream through it).
    /// It zeroes the pool after every request (a 64 KiB memset per request showed at 3 % of the gateway's CPU), so it
    /// is kept at 32 KiB: a 20 KB request head still fits (nginx allows 8 KiB by default).
    static let connectionMemory = 32 * 1024

    /// The bound port once started.
    var boundPort: Int? { daemonState.withLock { $0.boundPort } }

    /// Number of requests not yet completed.
    var inFlightRequests: Int { live.withLock { $0.count } }

    /// Connections closed for sending no complete request head in time, or reclaimed idle near the cap.
    var reapedConnections: Int { reaper.reapedCount }

    /// Requests whose memory is still held, completed or not (the `tern_gateway_retained_requests` gauge).
    var retainedRequests: Int { exchangeCount.value }

    fileprivate let exchangeCount = ExchangeCount()

    /// Binds and starts the polling threads.
    /// - Returns: the bound port (useful with port 0).
    /// - Throws: `HTTPServerError` when the address is invalid or cannot be bound.
    func start() throws(HTTPServerError) -> Int {
        let retained = Unmanaged.passRetained(self)
        let closure = retained.toOpaque()
        // TURBO: with epoll, read, write and accept optimistically before asking epoll (fewer syscalls per request).
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_TURBO.rawValue
        let daemon: OpaquePointer?
        let threads = UInt32(max(1, configuration.threadPoolSize))
        // libmicrohttpd refuses connections beyond its own limit without an HTTP answer; the gateway answers 503 for
        // connections beyond `maxConnections`, so the hard limit leaves some headroom for those answers.
        let hardLimit = UInt32(configuration.maxConnections + max(8, configuration.maxConnections / 8))
        let timeout = UInt32(max(1, configuration.connectionIdleTimeoutSeconds))
        if var address = Self.ipv4Address(configuration.host, port: configuration.port) {
            daemon = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    chttp_start_daemon(flags, UInt16(configuration.port), socketAddress, httpAccessHandler, closure,
                                       httpRequestCompleted, closure, httpConnectionNotified, closure,
                                       httpUnescape, threads, hardLimit, timeout, Self.connectionMemory)
                }
            }
        } else if var address = Self.ipv6Address(configuration.host, port: configuration.port) {
            flags |= MHD_USE_IPv6.rawValue
            daemon = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    chttp_start_daemon(flags, UInt16(configuration.port), socketAddress, httpAccessHandler, closure,
                                       httpRequestCompleted, closure, httpConnectionNotified, closure,
                                       httpUnescape, threads, hardLimit, timeout, Self.connectionMemory)
                }
            }
        } else {
            retained.release()
            throw HTTPServerError(message: "invalid listen address \(configuration.host)")
        }
        guard let daemon else {
            let code = errno
            retained.release()
            throw HTTPServerError(
                message: "cannot listen on \(configuration.host):\(configuration.port): \(String(cString: strerror(code)))")
        }
        let port = chttp_get_daemon_info(daemon, .DAEMON_INFO_BIND_PORT).map { Int($0.pointee.port) }
            ?? configuration.port
        daemonState.withLock { state in
            state.daemon = DaemonHandle(pointer: daemon)
            state.boundPort = port
            state.retainedSelf = retained
        }
        reaper.start()
        return port
    }

    /// Stops accepting connections, lets in-flight requests finish for up to `gracePeriod`, answers the rest with
    /// `.shuttingDown`, then stops the threads. Idempotent.
    func stop(gracePeriod: Duration) async {
        guard let daemon = daemonState.withLock({ $0.daemon })?.pointer else { return }
        draining.store(true, ordering: .sequentiallyConsistent)
        let listenSocket = MHD_quiesce_daemon(daemon)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: gracePeriod)
        while inFlightRequests > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        // libmicrohttpd must not be stopped with suspended connections: answer whatever is still pending.
        for exchange in live.withLock({ Array($0.values) }) {
            exchange.complete(with: handler.response(for: .shuttingDown, requestID: exchange.requestID))
        }
        let forcedDeadline = clock.now.advanced(by: .seconds(2))
        while live.withLock({ $0.values.contains { $0.phase == .suspended || $0.phase == .resuming } }),
              clock.now < forcedDeadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let retained = daemonState.withLock { state -> Unmanaged<HTTPServer>? in
            let retained = state.retainedSelf
            state.daemon = nil
            state.retainedSelf = nil
            return retained
        }
        reaper.stop()
        MHD_stop_daemon(daemon)
        if listenSocket >= 0 { close(listenSocket) }
        retained?.release()
    }

    // MARK: - Called from the libmicrohttpd callbacks (MHD threads)

    fileprivate func nextRequestID() -> String {
        let number = requestCounter.wrappingAdd(1, ordering: .relaxed).newValue
        return "\(requestIDPrefix)-\(number)"
    }

    fileprivate func register(_ exchange: HTTPExchange) {
        live.withLock { $0[ObjectIdentifier(exchange)] = exchange }
    }

    fileprivate func unregister(_ exchange: HTTPExchange) {
        _ = live.withLock { $0.removeValue(forKey: ObjectIdentifier(exchange)) }
    }

    /// A rejection decided from the headers alone, before the body is read.
    ///
    /// An announced body over `maxBodyBytes` is refused at once only when the client waits for `100-continue` or the
    /// body is larger than `lingeringBodyBytes`. Otherwise it is read and discarded and the 413 follows it: most
    /// clients (Python requests, urllib, most SDKs) send the whole body before reading, and a server that answers
    /// and closes meanwhile makes them see a connection reset instead of the 413.
    fileprivate func earlyRejection(for exchange: HTTPExchange) -> HTTPRejection? {
        if draining.load(ordering: .relaxed) { return .shuttingDown }
        if openConnections.load(ordering: .relaxed) > configuration.maxConnections, !reaper.evictLongestWaiting() {
            return .tooManyConnections(limit: configuration.maxConnections)
        }
        if let length = exchange.headers.first(where: { $0.0 == "content-length" }).flatMap({ Int($0.1) }),
           length > configuration.maxBodyBytes {
            let waitsForContinue = exchange.headers.contains {
                $0.0 == "expect" && $0.1.lowercased() == "100-continue"
            }
            if waitsForContinue || length > lingeringBodyBytes {
                return .bodyTooLarge(limit: configuration.maxBodyBytes)
            }
            exchange.bodyTooLarge = true
        }
        return nil
    }

    /// The largest over-limit body read and discarded so that its client can read the 413 (see `earlyRejection`).
    var lingeringBodyBytes: Int { 4 * configuration.maxBodyBytes }

    /// Runs the handler for a complete request (MHD thread) and arms the request deadline if it answers later.
    fileprivate func dispatch(_ exchange: HTTPExchange) -> HTTPResponse? {
        exchange.beginDispatch()
        let responder = HTTPResponder(exchange: exchange)
        if exchange.bodyTooLarge {
            responder.respond(handler.response(for: .bodyTooLarge(limit: configuration.maxBodyBytes),
                                               requestID: exchange.requestID))
        } else {
            handler.handle(exchange.request, responder: responder)
        }
        let response = exchange.suspendUnlessAnswered()
        if response == nil {
            armDeadline(for: exchange)
        }
        return response
    }

    /// Answers `.timedOut` if the request is still unanswered when `requestTimeout` passes.
    ///
    /// The timer holds the exchange weakly: an answered request (its completion callback released it) must not stay
    /// in memory, with its request and response bodies, until the deadline (issue 16: every long poll and every
    /// SYNC_FLUSH send was kept for the whole 40 s).
    private func armDeadline(for exchange: HTTPExchange) {
        let handler = self.handler
        let requestID = exchange.requestID
        let deadline = DispatchTime.now() + configuration.requestTimeout.dispatchInterval
        DispatchQueue.global().asyncAfter(deadline: deadline) { [weak exchange] in
            exchange?.complete(with: handler.response(for: .timedOut, requestID: requestID))
        }
    }

    // MARK: - Addresses

    private static func ipv4Address(_ host: String, port: Int) -> sockaddr_in? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
        let host = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        return address
    }

    private static func ipv6Address(_ host: String, port: Int) -> sockaddr_in6? {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = UInt16(truncatingIfNeeded: port).bigEndian
        let host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { return nil }
        return address
    }
}

// MARK: - libmicrohttpd callbacks
//
// Plain C-convention functions: `closure` is the `Unmanaged<HTTPServer>` passed at start (retained until stop); each
// request's `HTTPExchange` lives in `con_cls`, retained from the first call to the completion callback.

private func httpAccessHandler(closure: UnsafeMutableRawPointer?, connection: OpaquePointer?,
                               url: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?,
                               version: UnsafePointer<CChar>?, uploadData: UnsafePointer<CChar>?,
                               uploadDataSize: UnsafeMutablePointer<Int>?,
                               requestSlot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> MHD_Result {
    guard let closure, let connection, let requestSlot, let uploadDataSize else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(closure).takeUnretainedValue()
    guard let existing = requestSlot.pointee else {
        let exchange = HTTPExchange(connection: connection, requestID: server.nextRequestID(),
                                    count: server.exchangeCount, method: method.map { String(cString: $0) } ?? "GET",
                                    path: url.map { String(cString: $0) } ?? "/")
        readRequestHead(connection: connection, into: exchange)
        exchange.connectionRecord?.requestStarted()
        requestSlot.pointee = Unmanaged.passRetained(exchange).toOpaque()
        server.register(exchange)
        if let rejection = server.earlyRejection(for: exchange) {
            exchange.rejectedEarly = true
            var response = server.handler.response(for: rejection, requestID: exchange.requestID)
            response.headers.append(("Connection", "close"))
            exchange.markQueued(response)
            return queue(response, requestID: exchange.requestID, on: connection)
        }
        return .YES
    }
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(existing).takeUnretainedValue()
    if uploadDataSize.pointee > 0 {
        let count = uploadDataSize.pointee
        uploadDataSize.pointee = 0
        if exchange.rejectedEarly || exchange.bodyTooLarge { return .YES }
        if exchange.body.count + count > server.configuration.maxBodyBytes {
            exchange.bodyTooLarge = true
            exchange.body = []
        } else if let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                exchange.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
            }
        }
        return .YES
    }
    switch exchange.phase {
    case .receiving:
        guard let response = server.dispatch(exchange) else { return .YES }
        return queue(response, requestID: exchange.requestID, on: connection)
    case .resuming:
        guard let response = exchange.takeResponseForQueueing() else { return .YES }
        return queue(response, requestID: exchange.requestID, on: connection)
    case .dispatching, .suspended, .queued, .finished:
        return .YES
    }
}

private func httpRequestCompleted(closure: UnsafeMutableRawPointer?, connection: OpaquePointer?,
                                  requestSlot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                  termination: MHD_RequestTerminationCode) {
    guard let closure, let requestSlot, let pointer = requestSlot.pointee else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(closure).takeUnretainedValue()
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(pointer)
    requestSlot.pointee = nil
    exchange.takeUnretainedValue().connectionRecord?.requestCompleted(now: HTTPConnectionReaper.now())
    exchange.takeUnretainedValue().finish()
    server.unregister(exchange.takeUnretainedValue())
    exchange.release()
}

private func httpConnectionNotified(closure: UnsafeMutableRawPointer?, connection: OpaquePointer?,
                                    socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                                    code: MHD_ConnectionNotificationCode) {
    guard let closure else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(closure).takeUnretainedValue()
    if code == .CONNECTION_NOTIFY_STARTED {
        server.openConnections.wrappingAdd(1, ordering: .relaxed)
        if let connection, let socketContext,
           let info = chttp_get_connection_info(connection, .CONNECTION_INFO_CLIENT_ADDRESS),
           let address = info.pointee.client_addr,
           let socketInfo = chttp_get_connection_info(connection, .CONNECTION_INFO_CONNECTION_FD) {
            // The peer address as text and as the BORNHOST of what it sends, made once per connection and kept in
            // its socket context (retained there until it closes) for every request on it.
            let record = HTTPConnectionRecord(text: formatAddress(address), host: hostAddress(address),
                                              socket: socketInfo.pointee.connect_fd, now: HTTPConnectionReaper.now())
            server.reaper.register(record)
            socketContext.pointee = Unmanaged.passRetained(record).toOpaque()
        }
    } else {
        server.openConnections.wrappingSubtract(1, ordering: .relaxed)
        if let socketContext, let pointer = socketContext.pointee {
            socketContext.pointee = nil
            let record = Unmanaged<HTTPConnectionRecord>.fromOpaque(pointer)
            server.reaper.unregister(record.takeUnretainedValue())
            record.release()
        }
    }
}

/// Collects headers, query arguments and the peer address (MHD thread, first call of a request).
private func readRequestHead(connection: OpaquePointer, into exchange: HTTPExchange) {
    let context = Unmanaged.passUnretained(exchange).toOpaque()
    _ = MHD_get_connection_values(connection, .HEADER_KIND, collectValue, context)
    _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, collectValue, context)
    if let info = chttp_get_connection_info(connection, .CONNECTION_INFO_SOCKET_CONTEXT),
       let pointer = info.pointee.socket_context {
        let peer = Unmanaged<HTTPConnectionRecord>.fromOpaque(pointer).takeUnretainedValue()
        exchange.connectionRecord = peer
        exchange.remoteAddress = peer.text
        exchange.remoteHost = peer.host
    } else if let info = chttp_get_connection_info(connection, .CONNECTION_INFO_CLIENT_ADDRESS),
              let address = info.pointee.client_addr {
        exchange.remoteAddress = formatAddress(address)
    }
}

private func collectValue(context: UnsafeMutableRawPointer?, kind: MHD_ValueKind, key: UnsafePointer<CChar>?,
                          value: UnsafePointer<CChar>?) -> MHD_Result {
    guard let context, let key else { return .YES }
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(context).takeUnretainedValue()
    let text = value.map { String(cString: $0) } ?? ""
    if kind == .HEADER_KIND {
        // Lower-cased while copied out of libmicrohttpd's buffer: no second string per header.
        let length = strlen(key)
        let name = String(unsafeUninitializedCapacity: length) { bytes in
            for index in 0..<length {
                let byte = UInt8(bitPattern: key[index])
                bytes[index] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return length
        }
        exchange.headers.append((name, text))
    } else {
        exchange.query.append((String(cString: key), text))
    }
    return .YES
}

private func hostAddress(_ address: UnsafePointer<sockaddr>) -> HostAddress? {
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
            HostAddress(addressBytes: withUnsafeBytes(of: v4.pointee.sin_addr) { Array($0) },
                        port: Int32(UInt16(bigEndian: v4.pointee.sin_port)))
        }
    case AF_INET6:
        return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
            HostAddress(addressBytes: withUnsafeBytes(of: v6.pointee.sin6_addr) { Array($0) },
                        port: Int32(UInt16(bigEndian: v6.pointee.sin6_port)))
        }
    default:
        return nil
    }
}

private func formatAddress(_ address: UnsafePointer<sockaddr>) -> String {
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    if Int32(address.pointee.sa_family) == AF_INET {
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
            var ip = v4.pointee.sin_addr
            inet_ntop(AF_INET, &ip, &buffer, socklen_t(buffer.count))
            return "\(text(buffer)):\(UInt16(bigEndian: v4.pointee.sin_port))"
        }
    }
    if Int32(address.pointee.sa_family) == AF_INET6 {
        return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
            var ip = v6.pointee.sin6_addr
            inet_ntop(AF_INET6, &ip, &buffer, socklen_t(buffer.count))
            return "[\(text(buffer))]:\(UInt16(bigEndian: v6.pointee.sin6_port))"
        }
    }
    return "unknown"

    func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Hands a response to libmicrohttpd (MHD thread); the body is copied.
private func queue(_ response: HTTPResponse, requestID: String, on connection: OpaquePointer) -> MHD_Result {
    let mhdResponse = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress),
                                        .RESPMEM_MUST_COPY)
    }
    guard let mhdResponse else { return .NO }
    defer { MHD_destroy_response(mhdResponse) }
    for (name, value) in response.headers {
        _ = MHD_add_response_header(mhdResponse, name, value)
    }
    _ = MHD_add_response_header(mhdResponse, "X-Request-Id", requestID)
    return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
}
