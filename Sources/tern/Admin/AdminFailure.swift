import ArgumentParser
import Foundation

/// Why a `tern admin` command failed, and the exit status it maps to (docs/ADMIN.md): 1 when what was asked for
/// does not exist or a broker refused the operation, 2 for usage and connection problems.
struct AdminFailure: Error, CustomStringConvertible {
    enum Kind {
        /// The topic, group, message or cluster does not exist (exit 1).
        case notFound
        /// A broker or the name server answered with an error code (exit 1).
        case refused
        /// Bad arguments (exit 2).
        case usage
        /// Could not connect, or no answer in time (exit 2).
        case connection
    }

    var kind: Kind
    var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    var description: String { message }

    var exitCode: Int32 {
        switch kind {
        case .notFound, .refused: return 1
        case .usage, .connection: return 2
        }
    }
}

/// Output of admin commands: JSON lines on stdout, messages on stderr.
enum AdminOutput {
    /// Prints `message` to stderr with a `tern admin: ` prefix.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("tern admin: \(message)\n".utf8))
    }

    /// Runs `body` with a session, closes it, and turns an ``AdminFailure`` into its message on stderr and its exit
    /// status (other errors exit 2).
    static func run(
        _ options: AdminConnectionOptions, _ body: (AdminSession) async throws -> Void
    ) async throws {
        let session: AdminSession
        do {
            session = try AdminSession(options: options)
        } catch {
            throw exit(for: error)
        }
        do {
            try await body(session)
        } catch {
            await session.close()
            throw exit(for: error)
        }
        await session.close()
    }

    private static func exit(for error: any Error) -> ExitCode {
        if let failure = error as? AdminFailure {
            warn(failure.message)
            return ExitCode(failure.exitCode)
        }
        warn("\(error)")
        return ExitCode(2)
    }
}
