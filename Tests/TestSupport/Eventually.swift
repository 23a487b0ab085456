/// Polls `condition` every 5 ms until it holds or `timeout` passes; returns whether it held.
///
/// The deadline-based wait STYLE.md §6 asks for instead of fixed sleeps.
public func eventually(timeout: Duration = .seconds(5),
                       _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}
