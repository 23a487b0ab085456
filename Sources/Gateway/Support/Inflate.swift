/// A small zlib (RFC 1950) / DEFLATE (RFC 1951) decoder for compressed message bodies (sysFlag bit 0 with
/// compression type ZLIB). Pure Swift so the gateway needs no extra C library; bodies are at most a few MiB.
enum Inflate {
    struct Failure: Error, Sendable {
        var reason: String
    }

    /// Inflates a zlib stream (2-byte header, deflate data, Adler-32); a raw deflate stream is accepted too.
    /// - Parameter limit: output larger than this is refused (a defence against decompression bombs).
    static func zlib(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var start = 0
        if input.count >= 2, input[0] & 0x0F == 8, (UInt16(input[0]) << 8 | UInt16(input[1])) % 31 == 0 {
            guard input[1] & 0x20 == 0 else { throw Failure(reason: "preset dictionaries are not supported") }
            start = 2
        }
        var decoder = Decoder(input: input, position: start, limit: limit)
        try decoder.run()
        return decoder.output
    }

    private struct Huffman {
        var counts = [UInt16](repeating: 0, count: 16)
        var symbols: [UInt16]

        init(lengths: ArraySlice<UInt8>) {
            symbols = [UInt16](repeating: 0, count: lengths.count)
            for length in lengths { counts[Int(length)] += 1 }
            counts[0] = 0
            var offsets = [UInt16](repeating: 0, count: 16)
            for bits in 1..<16 { offsets[bits] = offsets[bits - 1] + counts[bits - 1] }
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[Int(offsets[Int(length)])] = UInt16(symbol)
                offsets[Int(length)] += 1
            }
        }
    }

    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                            67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                             5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                              513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
                                               10, 11, 11, 12, 12, 13, 13]
    private static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private struct Decoder {
        let input: [UInt8]
        var position: Int
        let limit: Int
        var bitBuffer: UInt32 = 0
        var bitCount = 0
        var output: [UInt8] = []

        init(input: [UInt8], position: Int, limit: Int) {
            self.input = input
            self.position = position
            self.limit = limit
        }

        mutating func bits(_ count: Int) throws(Failure) -> Int {
            while bitCount < count {
                guard position < input.count else { throw Failure(reason: "truncated deflate stream") }
                bitBuffer |= UInt32(input[position]) << UInt32(bitCount)
                position += 1
                bitCount += 8
            }
            let value = Int(bitBuffer & ((1 << UInt32(count)) - 1))
            bitBuffer >>= UInt32(count)
            bitCount -= count
            return value
        }

        mutating func decodeSymbol(_ table: Huffman) throws(Failure) -> Int {
            var code = 0, first = 0, index = 0
            for length in 1..<16 {
                code |= try bits(1)
                let count = Int(table.counts[length])
                if code - count < first { return Int(table.symbols[index + (code - first)]) }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            throw Failure(reason: "invalid Huffman code")
        }

        mutating func run() throws(Failure) {
            var last = 0
            repeat {
                last = try bits(1)
                switch try bits(2) {
                case 0: try stored()
                case 1: try fixed()
                case 2: try dynamic()
                default: throw Failure(reason: "invalid block type")
                }
            } while last == 0
        }

        mutating func stored() throws(Failure) {
            bitBuffer = 0
            bitCount = 0
            guard position + 4 <= input.count else { throw Failure(reason: "truncated stored block") }
            let length = Int(input[position]) | Int(input[position + 1]) << 8
            let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
            guard length == ~complement & 0xFFFF else { throw Failure(reason: "corrupt stored block length") }
            position += 4
            guard position + length <= input.count else { throw Failure(reason: "truncated stored block") }
            guard output.count + length <= limit else { throw Failure(reason: "inflated body exceeds \(limit) bytes") }
            output.append(contentsOf: input[position..<position + length])
            position += length
        }

        mutating func fixed() throws(Failure) {
            var lengths = [UInt8](repeating: 8, count: 288)
            for index in 144..<256 { lengths[index] = 9 }
            for index in 256..<280 { lengths[index] = 7 }
            try codes(literal: Huffman(lengths: lengths[...]),
                      distance: Huffman(lengths: [UInt8](repeating: 5, count: 30)[...]))
        }

        mutating func dynamic() throws(Failure) {
            let literalCount = try bits(5) + 257
            let distanceCount = try bits(5) + 1
            let codeLengthCount = try bits(4) + 4
            var codeLengths = [UInt8](repeating: 0, count: 19)
            for index in 0..<codeLengthCount { codeLengths[Inflate.codeLengthOrder[index]] = UInt8(try bits(3)) }
            let codeLengthTable = Huffman(lengths: codeLengths[...])
            var lengths: [UInt8] = []
            lengths.reserveCapacity(literalCount + distanceCount)
            while lengths.count < literalCount + distanceCount {
                let symbol = try decodeSymbol(codeLengthTable)
                switch symbol {
                case 0..<16: lengths.append(UInt8(symbol))
                case 16:
                    guard let previous = lengths.last else { throw Failure(reason: "repeat with no length") }
                    lengths.append(contentsOf: repeatElement(previous, count: 3 + (try bits(2))))
                case 17: lengths.append(contentsOf: repeatElement(0, count: 3 + (try bits(3))))
                default: lengths.append(contentsOf: repeatElement(0, count: 11 + (try bits(7))))
                }
            }
            guard lengths.count == literalCount + distanceCount else { throw Failure(reason: "too many lengths") }
            try codes(literal: Huffman(lengths: lengths[0..<literalCount]),
                      distance: Huffman(lengths: lengths[literalCount...]))
        }

        mutating func codes(literal: Huffman, distance: Huffman) throws(Failure) {
            while true {
                let symbol = try decodeSymbol(literal)
                if symbol < 256 {
                    guard output.count < limit else { throw Failure(reason: "inflated body exceeds \(limit) bytes") }
                    output.append(UInt8(symbol))
                    continue
                }
                if symbol == 256 { return }
                let lengthIndex = symbol - 257
                guard lengthIndex < Inflate.lengthBase.count else { throw Failure(reason: "invalid length code") }
                let length = Inflate.lengthBase[lengthIndex] + (try bits(Inflate.lengthExtra[lengthIndex]))
                let distanceIndex = try decodeSymbol(distance)
                guard distanceIndex < Inflate.distanceBase.count else { throw Failure(reason: "invalid distance") }
                let back = Inflate.distanceBase[distanceIndex] + (try bits(Inflate.distanceExtra[distanceIndex]))
                guard back <= output.count else { throw Failure(reason: "distance before start of output") }
                guard output.count + length <= limit else {
                    throw Failure(reason: "inflated body exceeds \(limit) bytes")
                }
                let start = output.count - back
                for offset in 0..<length { output.append(output[start + offset]) }
            }
        }
    }
}
