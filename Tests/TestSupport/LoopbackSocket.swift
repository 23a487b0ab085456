#if canImport(Glibc)
    import Glibc
#endif

/// Opens the plain TCP connections the socket-level test clients build on (HTTP, raw remoting frames).
public enum LoopbackSocket {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A blocking socket connected to `127.0.0.1:port`; the caller closes it.
    /// - Parameters:
    ///   - receiveTimeoutSeconds: `SO_RCVTIMEO`, so a read that gets nothing fails instead of hanging.
    ///   - receiveBufferBytes: `SO_RCVBUF`, set before connecting so the window is announced with it.
    public static func connect(port: Int, receiveTimeoutSeconds: Int? = nil,
                               receiveBufferBytes: Int32? = nil) throws(Failure) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket failed: \(errno)") }
        if let seconds = receiveTimeoutSeconds {
            var timeout = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        if var size = receiveBufferBytes {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: \(code)")
        }
        return descriptor
    }
}
