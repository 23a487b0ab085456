#if canImport(Glibc)
    import Glibc
#endif

/// Picks a free TCP port on loopback for a role started with port 0 whose port must be known before it binds (the
/// broker advertises its port in routes and message ids before its server exists).
enum FreePort {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "could not find a free TCP port" }
    }

    /// A port that was free a moment ago; SO_REUSEADDR on our listeners makes reuse immediate.
    static func pick() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Unavailable() }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw Unavailable() }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        guard named == 0 else { throw Unavailable() }
        // The VIP port (this - 2) is not checked: TernNode logs and skips it when it is taken.
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
