private import CHttp
import Store
import Synchronization

/// One request on one libmicrohttpd connection, from its headers to the completion callback.
///
/// Ownership: the server retains the exchange in the connection's `con_cls` slot (`Unmanaged.passRetained`) and
/// releases it in the request-completed callback; responders keep it alive for late answers.
///
/// `@unchecked Sendable`: the request fields (`method` ... `bodyTooLarge`) are written only by the libmicrohttpd
/// thread that serves the connection (MHD runs one connection on one thread at a time) before the request is
/// dispatched, and only read afterwards. Everything that crosses threads (`phase`, the response) sits in `state`.
final class HTTPExchange: @unchecked Sendable {
    /// The `struct MHD_Connection *`; owned by libmicrohttpd, valid until the completion callback.
    let connection: OpaquePointer
    let requestID: String
    let method: String
    let path: String
    var headers: [(String, String)] = []
    var query: [(String, String)] = []
    var body: [UInt8] = []
    var bodyTooLarge = false
    var remoteAddress = ""
    var remoteHost: HostAddress?
    /// The connection's record, for the reaper's busy/waiting bookkeeping.
    var connectionRecord: HTTPConnectionRecord?
    /// Answered by the server itself (limit, draining) before the body was read.
    var rejectedEarly = false

    enum Phase: Sendable {
        /// Headers and body are arriving.
        case receiving
        /// The handler runs on the MHD thread.
        case dispatching
        /// The connection is suspended, waiting for `complete(with:)`.
        case suspended
        /// `MHD_resume_connection` was called; the next access-handler call queues the response.
        case resuming
        /// The response was handed to libmicrohttpd.
        case queued
        /// libmicrohttpd finished the request; the connection pointer must not be used any more.
        case finished
    }

    private struct State: ~Copyable {
        var phase: Phase = .receiving
        var response: HTTPResponse?
    }

    private let state = Mutex(State())
    private let count: ExchangeCount

    init(connection: OpaquePointer, requestID: String, count: ExchangeCount, method: String, path: String) {
        self.connection = connection
        self.requestID = requestID
        self.method = method
        self.path = path
        self.count = count
        count.wrappingAdd(1)
    }

    deinit { count.wrappingAdd(-1) }

    var request: HTTPRequest {
        HTTPRequest(method: method, path: path, query: query, headers: headers, body: body,
                    remoteAddress: remoteAddress, remoteHost: remoteHost, requestID: requestID)
    }

    /// Stores the response and resumes the connection if it is suspended. Later calls are ignored.
    /// - Returns: whether this call supplied the response.
    @discardableResult
    func complete(with response: HTTPResponse) -> Bool {
        state.withLock { state in
            guard state.response == nil, state.phase != .finished, state.phase != .queued else { return false }
            state.response = response
            if state.phase == .suspended {
                state.phase = .resuming
                // Under the lock so that resume never overtakes the suspend in `suspendUnlessAnswered`.
                MHD_resume_connection(connection)
            }
            return true
        }
    }

    /// Marks the start of dispatch (MHD thread).
    func beginDispatch() { state.withLock { $0.phase = .dispatching } }

    /// After the handler returned (MHD thread): takes the response if it already exists, else suspends the
    /// connection until `complete(with:)` resumes it.
    func suspendUnlessAnswered() -> HTTPResponse? {
        state.withLock { state in
            if let response = state.response {
                state.phase = .queued
                return response
            }
            state.phase = .suspended
            MHD_suspend_connection(connection)
            return nil
        }
    }

    /// On the access-handler call after a resume (MHD thread): the response to queue, if one is ready.
    func takeResponseForQueueing() -> HTTPResponse? {
        state.withLock { state in
            guard state.phase == .resuming || state.phase == .dispatching, let response = state.response else {
                return nil
            }
            state.phase = .queued
            return response
        }
    }

    /// Marks the response as queued by the server itself (early rejection on the MHD thread).
    func markQueued(_ response: HTTPResponse) {
        state.withLock { state in
            state.response = response
            state.phase = .queued
        }
    }

    var phase: Phase { state.withLock { $0.phase } }

    /// Called from the completion callback: the connection pointer is dead from now on.
    func finish() { state.withLock { $0.phase = .finished } }
}

/// Answers one request, once, from any thread; further calls are ignored.
struct HTTPResponder: Sendable {
    let exchange: HTTPExchange

    func respond(_ response: HTTPResponse) { exchange.complete(with: response) }
    var requestID: String { exchange.requestID }
}

/// How many `HTTPExchange`s are alive: a request that stays in memory after its answer is a leak this makes visible.
final class ExchangeCount: Sendable {
    private let storage = Atomic<Int>(0)

    var value: Int { storage.load(ordering: .relaxed) }

    func wrappingAdd(_ delta: Int) { storage.wrappingAdd(delta, ordering: .relaxed) }
}
