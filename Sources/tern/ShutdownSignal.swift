import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for SIGTERM or SIGINT, the operator's request to stop in order.
enum ShutdownSignal {
    /// Suspends until SIGTERM or SIGINT arrives; returns the signal's name for the log.
    static func wait() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let queue = DispatchQueue(label: "tern.signals")
            let fired = SignalLatch(continuation: continuation)
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                // The default action would kill the process before the source sees the signal.
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { fired.fire(name) }
                source.resume()
                fired.keep(source)
            }
        }
    }
}

/// Resumes the waiting task once, whichever signal comes first; keeps the sources alive meanwhile.
/// Touched only on the `tern.signals` queue after set-up, hence @unchecked.
private final class SignalLatch: @unchecked Sendable {
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }

    func keep(_ source: any DispatchSourceSignal) { sources.append(source) }

    func fire(_ name: String) {
        continuation?.resume(returning: name)
        continuation = nil
    }
}
