public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted on a fresh temp directory: a disk that fills up for real, for the disk-full tests.
/// Mounting needs root (CAP_SYS_ADMIN) and the fillers need `fallocate` and `dd`; tests check `isAvailable` and
/// are skipped without them.
public final class TmpfsMount: Sendable {
    public let path: String
    private let directory: TemporaryDirectory

    public enum MountError: Error, CustomStringConvertible {
        case failed(String, Int32)
        public var description: String {
            switch self {
            case let .failed(what, code): "\(what) failed: \(String(cString: strerror(code)))"
            }
        }
    }

    /// Whether this process may mount a tmpfs (probed once by mounting and unmounting one) and has the filler tools.
    public static let isAvailable: Bool = {
        guard access("/usr/bin/fallocate", X_OK) == 0, access("/bin/dd", X_OK) == 0,
              let probe = try? TmpfsMount(sizeBytes: 1 << 20) else { return false }
        probe.unmount()
        return true
    }()

    public init(sizeBytes: Int) throws {
        directory = try TemporaryDirectory(prefix: "tern-tmpfs")
        path = directory.path
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(sizeBytes),mode=0755") == 0 else {
            let code = errno
            directory.remove()
            throw MountError.failed("mount -t tmpfs -o size=\(sizeBytes) \(path)", code)
        }
    }

    /// Changes the size in place, keeping the files: "space returns" without deleting anything.
    public func resize(toBytes sizeBytes: Int) throws {
        guard mount("tmpfs", path, "tmpfs", UInt(MS_REMOUNT), "size=\(sizeBytes)") == 0 else {
            throw MountError.failed("remount \(path) with size=\(sizeBytes)", errno)
        }
    }

    /// Free bytes as an unprivileged process sees them (`f_bavail`).
    public var freeBytes: Int64 {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return -1 }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// Writes a file of `bytes` (exactly, with `fallocate`), as another process filling the disk would.
    public func fill(_ name: String, bytes: Int64) throws {
        try Self.run("/usr/bin/fallocate", ["-l", String(bytes), path + "/" + name])
    }

    /// Writes zeroes with `dd` until the disk is full (dd's own ENOSPC failure is expected and ignored).
    public func fillUp(_ name: String) throws {
        _ = try? Self.run("/bin/dd", ["if=/dev/zero", "of=" + path + "/" + name, "bs=64k", "status=none"])
    }

    public func remove(_ name: String) {
        unlink(path + "/" + name)
    }

    /// Lazily unmounts (a process may still hold files open) and removes the directory.
    public func unmount() {
        _ = umount2(path, Int32(MNT_DETACH))
        directory.remove()
    }

    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MountError.failed("\(executable) \(arguments.joined(separator: " "))", EIO)
        }
        return process.terminationStatus
    }
}
