import Dispatch
import Synchronization

/// Runs periodic work on its own queue: retention every `cleanResourceInterval` (`CleanCommitLogService` schedule),
/// and the disk guard's measurement every second.
final class Cleaner: Sendable {
    private let queue: DispatchQueue

    init(label: String = "tern.store.clean") {
        queue = DispatchQueue(label: label)
    }
    private let running = Atomic<Bool>(false)

    func start(interval: Duration, _ work: @escaping @Sendable () -> Void) {
        running.store(true, ordering: .releasing)
        schedule(FlushService.milliseconds(interval), work)
    }

    private func schedule(_ milliseconds: Int, _ work: @escaping @Sendable () -> Void) {
        queue.asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [self] in
            guard running.load(ordering: .acquiring) else { return }
            work()
            schedule(milliseconds, work)
        }
    }

    func stop() {
        running.store(false, ordering: .releasing)
        queue.sync {}
    }
}
