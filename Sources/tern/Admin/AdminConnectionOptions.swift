import ArgumentParser
import Foundation

/// Options every `tern admin` command takes.
struct AdminConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Name server address host:port (several separated by ';', first reachable wins).")
    var namesrv: String = "127.0.0.1:9876"

    @Option(name: .customLong("timeout-ms"), help: "Timeout of each request, in milliseconds.")
    var timeoutMilliseconds: Int64 = 5000

    /// `host:port` pairs from `--namesrv`.
    func nameServerAddresses() throws -> [(host: String, port: Int)] {
        let addresses = namesrv.split(separator: ";").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !addresses.isEmpty else { throw AdminFailure(.usage, "--namesrv is empty") }
        return try addresses.map { address in
            guard let parsed = AdminSession.split(address: address) else {
                throw AdminFailure(.usage, "invalid --namesrv address '\(address)', expected host:port")
            }
            return parsed
        }
    }
}
