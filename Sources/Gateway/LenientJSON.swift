/// Rewrites fastjson's non-standard map keys into valid JSON (remoting-protocol §3.0 items 4 and 5): unquoted
/// numeric keys (`{0:"a"}`) become strings (`{"0":"a"}`), and object keys (`{{"queueId":0}:1}`) become the string
/// of their JSON text (`{"{\"queueId\":0}":1}`), the form Java clients also accept. Valid JSON passes unchanged.
enum LenientJSON {
    static func normalize(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 16)
        var containers: [UInt8] = []
        var index = 0
        var atKeyPosition = false
        while index < input.count {
            let byte = input[index]
            if atKeyPosition, !isSpace(byte) {
                atKeyPosition = false
                if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                    let end = scanNumber(input, from: index)
                    output.append(UInt8(ascii: "\""))
                    output.append(contentsOf: input[index..<end])
                    output.append(UInt8(ascii: "\""))
                    index = end
                    continue
                }
                if byte == UInt8(ascii: "{") {
                    let end = scanBalancedObject(input, from: index)
                    appendAsString(input[index..<end], to: &output)
                    index = end
                    continue
                }
            }
            switch byte {
            case UInt8(ascii: "\""):
                let end = scanString(input, from: index)
                output.append(contentsOf: input[index..<end])
                index = end
                continue
            case UInt8(ascii: "{"):
                containers.append(byte)
                atKeyPosition = true
            case UInt8(ascii: "["):
                containers.append(byte)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = containers.popLast()
            case UInt8(ascii: ","):
                atKeyPosition = containers.last == UInt8(ascii: "{")
            default:
                break
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The index after the string starting at `start` (a quote).
    private static func scanString(_ input: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < input.count {
            if input[index] == UInt8(ascii: "\\") { index += 2; continue }
            if input[index] == UInt8(ascii: "\"") { return index + 1 }
            index += 1
        }
        return input.count
    }

    private static func scanNumber(_ input: [UInt8], from start: Int) -> Int {
        var index = start
        while index < input.count, !isSpace(input[index]), input[index] != UInt8(ascii: ":") { index += 1 }
        return index
    }

    private static func scanBalancedObject(_ input: [UInt8], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: "\""):
                index = scanString(input, from: index)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
            index += 1
        }
        return input.count
    }

    private static func appendAsString(_ text: ArraySlice<UInt8>, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
    }
}
