import Dispatch

extension Duration {
    /// Whole nanoseconds (fractions dropped), for the `DispatchTime` and `DispatchTimeInterval` arithmetic of the
    /// HTTP server's timers.
    var nanoseconds: Int {
        Int(components.seconds) * 1_000_000_000 + Int(components.attoseconds / 1_000_000_000)
    }

    var dispatchInterval: DispatchTimeInterval { .nanoseconds(nanoseconds) }
}
