import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Generates `UNIQ_KEY` values for messages that arrive without one, in the layout of RocketMQ's
/// `MessageClientIDSetter` (remoting-protocol §4.3): hex of IP (4) + pid (2) + random (4) + ms since the start of
/// the month (4, approximated as ms since a 31-day boundary) + counter (2).
final class MessageUniqueKeyGenerator: Sendable {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    private let prefix: [UInt8]
    private let counter = Mutex<UInt16>(0)
    private let clock: @Sendable () -> Int64

    init(brokerIP: String, clock: @escaping @Sendable () -> Int64) {
        let address = HostAddressParser.parse(brokerIP + ":0")?.addressBytes ?? [127, 0, 0, 1]
        let pid = UInt16(truncatingIfNeeded: getpid())
        let random = UInt32.random(in: 0...UInt32.max)
        prefix =
            address + [UInt8(pid >> 8), UInt8(pid & 0xFF)]
            + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: random >> $0) }
        self.clock = clock
    }

    /// A new 32-character (IPv4) uppercase hex id.
    func next() -> String {
        let sequence = counter.withLock { value -> UInt16 in
            value &+= 1
            return value
        }
        let monthMillis: Int64 = 31 * 24 * 3600 * 1000
        let sinceMonth = UInt32(truncatingIfNeeded: clock() % monthMillis)
        let bytes =
            prefix + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: sinceMonth >> $0) }
            + [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            characters.append(Self.hexDigits[Int(byte >> 4)])
            characters.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
