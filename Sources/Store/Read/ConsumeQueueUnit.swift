/// One 20-byte consume queue entry (broker-internals §1.5): where a message is and its tag hash.
public struct ConsumeQueueUnit: Sendable, Equatable {
    public var physicalOffset: Int64
    public var size: Int32
    public var tagsCode: Int64

    public init(physicalOffset: Int64, size: Int32, tagsCode: Int64) {
        self.physicalOffset = physicalOffset
        self.size = size
        self.tagsCode = tagsCode
    }

    /// Units written ahead of a queue's first real entry: `(0, Int32.max, 0)`.
    public static let blank = ConsumeQueueUnit(physicalOffset: 0, size: Int32.max, tagsCode: 0)
}

/// A filter that accepts messages whose tag hash is in `codes`; an empty set accepts everything (`*`).
public struct TagsCodeFilter: MessageFilter {
    public var codes: Set<Int64>

    public init(codes: Set<Int64>) { self.codes = codes }

    /// Builds the filter for a subscription expression such as `"TagA || TagB"`; `*` or empty accepts all.
    public init(expression: String) {
        let trimmed = expression.trimmingWhitespace()
        if trimmed.isEmpty || trimmed == "*" {
            codes = []
            return
        }
        let tags = trimmed.split(separator: "||").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        codes = Set(tags.map(TagsCode.hash))
    }

    public func isMatched(tagsCode: Int64) -> Bool { codes.isEmpty || codes.contains(tagsCode) }
    public func isMatched(properties: [String: String]) -> Bool { true }
    public var checksProperties: Bool { false }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
