import Logging
import Store
import Synchronization

/// One of the broker's `config/*.json` files: loads it (falling back to `.bak`) and writes it only when the table
/// behind it changed, one writer at a time so two persists never interleave their temp files.
///
/// The owner keeps its `dirty` flag inside its own state lock and hands `persist` two closures over that lock, so
/// the snapshot and the flag reset happen together and a failed write marks the table dirty again.
final class BrokerConfigFile: Sendable {
    private let file: ConfigFile
    private let writeLock = Mutex(())
    private let logger: Logger
    /// The file's name, for the log line of a failed write.
    private let name: String

    init(directory: String, name: String, logger: Logger) {
        file = ConfigFile(path: directory + "/" + name)
        self.name = name
        self.logger = logger
    }

    /// The file's bytes if `validate` accepts them (else the `.bak`'s), nil when neither passes; by default any JSON.
    func load(validate: ([UInt8]) -> Bool = { (try? JSONParser.parse($0)) != nil }) -> [UInt8]? {
        file.load(validate: validate)
    }

    /// Writes the bytes `snapshot` returns, unless it returns nil (nothing changed). Blocking.
    /// - Parameters:
    ///   - snapshot: under the owner's lock, clears its dirty flag and encodes the table (nil when clean and not forced).
    ///   - markDirty: under the owner's lock, sets the dirty flag again after a failed write.
    func persist(snapshot: () -> [UInt8]?, markDirty: () -> Void) {
        writeLock.withLock { _ in
            guard let bytes = snapshot() else { return }
            do {
                try file.write(bytes)
            } catch {
                markDirty()
                logger.error("cannot persist \(name)", metadata: ["broker.error": "\(error)"])
            }
        }
    }

    /// `persist(snapshot:markDirty:)` for an owner whose dirty flag sits in its state mutex at `dirty`: clears the
    /// flag and encodes when it was set (or `force`), sets it again when the write fails.
    func persist<State>(_ state: borrowing Mutex<State>, dirty: any WritableKeyPath<State, Bool> & Sendable,
                        force: Bool, encode: () -> [UInt8]) {
        persist(
            snapshot: {
                let wasDirty = state.withLock { state in
                    defer { state[keyPath: dirty] = false }
                    return state[keyPath: dirty]
                }
                return wasDirty || force ? encode() : nil
            },
            markDirty: { state.withLock { $0[keyPath: dirty] = true } })
    }
}
