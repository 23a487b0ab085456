import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Generates `UNIQ_KEY` client message ids for messages sent over HTTP (remoting-protocol §4.3): uppercase hex of
/// IP (4) + pid (2) + a random per-process value (4, where Java puts a class-loader hash) + ms since the start of
/// the process (4) + counter (2). 32 characters, like a Java producer's ids.
final class UniqueKeyGenerator: Sendable {
    private let prefix: [UInt8]
    private let started = ContinuousClock.now
    private let counter = Atomic<UInt32>(0)

    init() {
        var prefix: [UInt8] = [127, 0, 0, 1]
        let pid = UInt16(truncatingIfNeeded: getpid())
        prefix += [UInt8(pid >> 8), UInt8(pid & 0xFF)]
        let random = UInt32.random(in: 0...UInt32.max)
        prefix += [UInt8(random >> 24), UInt8(random >> 16 & 0xFF), UInt8(random >> 8 & 0xFF), UInt8(random & 0xFF)]
        self.prefix = prefix
    }

    static let shared = UniqueKeyGenerator()

    func next() -> String {
        let elapsed = ContinuousClock.now - started
        let millis = UInt32(truncatingIfNeeded: elapsed.components.seconds * 1000
            + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let count = UInt16(truncatingIfNeeded: counter.wrappingAdd(1, ordering: .relaxed).newValue)
        var bytes = prefix
        bytes += [UInt8(millis >> 24), UInt8(millis >> 16 & 0xFF), UInt8(millis >> 8 & 0xFF), UInt8(millis & 0xFF)]
        bytes += [UInt8(count >> 8), UInt8(count & 0xFF)]
        return Hex.upper(bytes)
    }
}

enum Hex {
    private static let digits = Array("0123456789ABCDEF".utf8)

    static func upper(_ bytes: [UInt8]) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
