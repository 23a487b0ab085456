/// Hex helpers for golden-byte tests.
public enum Hex {
    /// Parses a hex dump; ignores whitespace, newlines and a leading `0000`-style offset column per line.
    public static func bytes(fromDump dump: String) -> [UInt8] {
        var result: [UInt8] = []
        for line in dump.split(separator: "\n") {
            let fields = line.split(separator: " ")
            for field in fields.dropFirst() where field.count == 2 {
                if let byte = UInt8(field, radix: 16) { result.append(byte) }
            }
        }
        return result
    }

    public static func string(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
