import Dispatch
import Logging
import NIOCore
import Store

/// Throughput of the timer wheel over an in-memory store, for the benchmark suite: `pending` timer messages with
/// deliver times spread over 60 s are stored, scanned into the wheel, then fired by moving a fake clock.
///
/// * scheduled/s: scanning `rmq_sys_wheel_timer` into the wheel (decode + insert), with everything pending.
/// * delivered/s: firing the wheel and re-putting every message into its real topic.
public enum TimerBenchmark {
    /// Figures of one run.
    public struct Result: Sendable, CustomStringConvertible {
        public var pending: Int
        public var storedPerSecond: Double
        public var scheduledPerSecond: Double
        public var deliveredPerSecond: Double

        public var description: String {
            "timer wheel: \(pending) pending; stored \(Int(storedPerSecond))/s, scheduled \(Int(scheduledPerSecond))/s, "
                + "delivered \(Int(deliveredPerSecond))/s"
        }
    }

    /// Runs the benchmark and prints its figures. Blocking; uses about `pending` × 400 bytes of memory.
    @discardableResult
    public static func run(pending: Int) -> Result {
        let scheduler = ManualTimerScheduler()
        var storeConfiguration = StoreConfiguration()
        storeConfiguration.clock = scheduler.clock
        let store = InMemoryMessageStore(configuration: storeConfiguration)
        let service = TimerMessageService(store: store, configDirectory: nil, clock: scheduler.clock,
                                          scheduler: scheduler, logger: Logger(label: "bench.timer"))
        let start = scheduler.now()
        let body = ByteBuffer(string: "timer-benchmark")
        var generator = SystemRandomNumberGenerator()

        // InMemoryMessageStore copies a queue's unit array on every append, so appends go in batches of 1000 and
        // deliveries spread over 4096 real queues; otherwise the benchmark measures that copy, not the wheel.
        let storeBegin = DispatchTime.now()
        var batch: [MessageToStore] = []
        batch.reserveCapacity(1000)
        for index in 0..<pending {
            let deliverAt = start + 1000 + Int64.random(in: 0..<59_000, using: &generator)
            let message = MessageToStore(
                topic: ScheduleMessageProperties.timerTopic, queueId: 0, body: body,
                properties: [
                    (MessageProperties.uniqueKey, "BENCH\(index)"),
                    (ScheduleMessageProperties.timerOutMilliseconds, String(deliverAt / 1000 * 1000)),
                    (ScheduleMessageProperties.realTopic, "BenchTimerTopic"),
                    (ScheduleMessageProperties.realQueueId, String(index % 4096)),
                ], bornTimestamp: start, bornHost: .loopbackIPv4)
            batch.append(message)
            if batch.count == 1000 || index == pending - 1 {
                store.putMessages(batch) { _ in }
                batch.removeAll(keepingCapacity: true)
            }
        }
        let stored = seconds(since: storeBegin)

        service.start()  // the wheel starts empty; the scan below fills it
        let scanBegin = DispatchTime.now()
        service.scanAvailable()
        let scanned = seconds(since: scanBegin)
        precondition(service.pendingCount == pending, "every timer message should be pending")

        let deliverBegin = DispatchTime.now()
        service.deliverDue(now: start + 61_000)
        let delivered = seconds(since: deliverBegin)
        precondition(service.deliveredCount == Int64(pending), "every timer message should be delivered")
        service.shutdown()

        let result = Result(
            pending: pending, storedPerSecond: Double(pending) / stored,
            scheduledPerSecond: Double(pending) / scanned, deliveredPerSecond: Double(pending) / delivered)
        print(result)
        return result
    }

    private static func seconds(since begin: DispatchTime) -> Double {
        max(Double(DispatchTime.now().uptimeNanoseconds - begin.uptimeNanoseconds) / 1e9, 1e-9)
    }
}
