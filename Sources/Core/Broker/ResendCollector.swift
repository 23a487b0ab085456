import Synchronization

/// Gathers the outcomes of re-sends that complete on arbitrary threads and runs `finish` once, with the entries in
/// request order, when the last arrives (at once when there are none).
final class ResendCollector: Sendable {
    private struct State {
        var entries: [DeadLetterResendResult.Entry?]
        var remaining: Int
    }

    private let state: Mutex<State>
    private let finish: @Sendable ([DeadLetterResendResult.Entry]) -> Void

    init(count: Int, finish: @escaping @Sendable ([DeadLetterResendResult.Entry]) -> Void) {
        state = Mutex(State(entries: Array(repeating: nil, count: count), remaining: count))
        self.finish = finish
        if count == 0 { finish([]) }
    }

    /// Records the outcome of re-send `index`; the call that records the last one runs `finish`.
    func complete(_ index: Int, _ entry: DeadLetterResendResult.Entry) {
        let done: [DeadLetterResendResult.Entry]? = state.withLock { state in
            guard state.entries.indices.contains(index), state.entries[index] == nil else { return nil }
            state.entries[index] = entry
            state.remaining -= 1
            return state.remaining == 0 ? state.entries.compactMap { $0 } : nil
        }
        if let done { finish(done) }
    }
}
