import Foundation

/// A RocketMQ-style `broker.conf`: Java properties, `key=value` (or `key: value`) per line, `#`/`!` comments.
struct PropertiesFile {
    private(set) var values: [String: String] = [:]

    /// Why a properties file could not be read.
    struct ReadError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot read \(path): \(reason)" }
    }

    init(values: [String: String] = [:]) { self.values = values }

    /// Reads and parses the file at `path`.
    init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(path: path, reason: "no such file or not readable")
        }
        self.init(parsing: String(decoding: data, as: UTF8.self))
    }

    /// Parses properties text. Continuation lines (trailing backslash) are joined, as Java does.
    init(parsing text: String) {
        var pending = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = pending + rawLine.trimmingCharacters(in: .whitespaces)
            pending = ""
            if line.hasSuffix("\\") {
                line.removeLast()
                pending = line
                continue
            }
            guard let first = line.first, first != "#", first != "!" else { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                values[line] = ""
                continue
            }
            let key = line[..<separator].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            values[key] = value
        }
    }

    subscript(key: String) -> String? { values[key] }

    /// Overlays environment variables named `TERN_<UPPER_SNAKE_KEY>` (e.g. `TERN_BROKER_NAME` for `brokerName`)
    /// for every key in `keys`.
    mutating func overlayEnvironment(_ environment: [String: String], keys: some Sequence<String>) {
        for key in keys {
            if let value = environment[Self.environmentName(for: key)] { values[key] = value }
        }
    }

    /// `brokerClusterName` → `TERN_BROKER_CLUSTER_NAME`; `brokerIP1` → `TERN_BROKER_IP1`.
    static func environmentName(for key: String) -> String {
        var name = "TERN_"
        var previousWasLower = false
        for character in key {
            if character.isUppercase && previousWasLower { name.append("_") }
            name.append(contentsOf: character.uppercased())
            previousWasLower = character.isLowercase || character.isNumber
        }
        return name
    }
}
