import Store

/// One topic subscription of a consumer group, RocketMQ's `SubscriptionData` (remoting-protocol §3.2).
///
/// Built either from a HEART_BEAT body or from a pull request's `subscription` expression. For TAG expressions
/// `tagsSet` holds the `||`-separated tags and `codeSet` their Java `String.hashCode`s, which the broker compares with
/// the consume queue's tag hash.
public struct SubscriptionData: Sendable, Equatable {
    /// The expression that matches every message.
    public static let subscribeAll = "*"

    public var topic: String
    public var subString: String
    public var tagsSet: [String]
    public var codeSet: [Int32]
    public var subVersion: Int64
    /// `TAG` (default) or `SQL92`.
    public var expressionType: String
    public var classFilterMode: Bool

    public init(
        topic: String, subString: String, tagsSet: [String] = [], codeSet: [Int32] = [],
        subVersion: Int64 = 0, expressionType: String = "TAG", classFilterMode: Bool = false
    ) {
        self.topic = topic
        self.subString = subString
        self.tagsSet = tagsSet
        self.codeSet = codeSet
        self.subVersion = subVersion
        self.expressionType = expressionType
        self.classFilterMode = classFilterMode
    }

    /// True for TAG subscriptions (also when the type is absent, as C++ sends it).
    public var isTagType: Bool { expressionType.isEmpty || expressionType.uppercased() == "TAG" }

    /// True when the subscription matches every tag.
    public var matchesAll: Bool {
        let trimmed = subString.trimmingSpaces()
        return trimmed.isEmpty || trimmed == Self.subscribeAll
    }

    /// Builds a subscription from an expression as Java's `FilterAPI.build` does: `*` or empty matches all; a TAG
    /// expression is split on `||`, pieces trimmed and empty ones dropped.
    public static func build(
        topic: String, expression: String?, expressionType: String?,
        subVersion: Int64
    ) -> SubscriptionData {
        let type = expressionType.flatMap { $0.isEmpty ? nil : $0 } ?? "TAG"
        let text = expression?.trimmingSpaces() ?? ""
        guard type.uppercased() == "TAG" else {
            return SubscriptionData(topic: topic, subString: text, subVersion: subVersion, expressionType: type)
        }
        if text.isEmpty || text == subscribeAll {
            return SubscriptionData(topic: topic, subString: subscribeAll, subVersion: subVersion)
        }
        var tags: [String] = []
        var codes: [Int32] = []
        for piece in text.split(separator: "||", omittingEmptySubsequences: true) {
            let tag = String(piece).trimmingSpaces()
            guard !tag.isEmpty else { continue }
            tags.append(tag)
            codes.append(TagsCode.javaHashCode(tag))
        }
        return SubscriptionData(topic: topic, subString: text, tagsSet: tags, codeSet: codes, subVersion: subVersion)
    }

    /// Reads a heartbeat's SubscriptionData. Tolerates C++'s `subVersion` string, missing `expressionType` and
    /// missing sets; when `codeSet` is absent it is recomputed from `tagsSet`.
    /// - Returns: nil without a `topic`.
    public init?(json: JSONValue) {
        guard let topic = json["topic"]?.stringValue else { return nil }
        let tags = (json["tagsSet"]?.arrayValue ?? []).compactMap(\.stringValue)
        var codes = (json["codeSet"]?.arrayValue ?? []).compactMap {
            $0.int64Value.map { Int32(truncatingIfNeeded: $0) }
        }
        if codes.isEmpty && !tags.isEmpty { codes = tags.map(TagsCode.javaHashCode) }
        self.init(
            topic: topic, subString: json["subString"]?.stringValue ?? Self.subscribeAll, tagsSet: tags,
            codeSet: codes, subVersion: json["subVersion"]?.int64Value ?? 0,
            expressionType: json["expressionType"]?.stringValue ?? "TAG",
            classFilterMode: json["classFilterMode"]?.boolValue ?? false)
    }

    /// Writes the object with keys in fastjson's (alphabetical) order.
    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.field("classFilterMode", classFilterMode)
        writer.key("codeSet")
        writer.beginArray()
        for code in codeSet { writer.int(code) }
        writer.endArray()
        writer.field("expressionType", expressionType)
        writer.field("subString", subString)
        writer.field("subVersion", subVersion)
        writer.key("tagsSet")
        writer.beginArray()
        for tag in tagsSet { writer.string(tag) }
        writer.endArray()
        writer.field("topic", topic)
        writer.endObject()
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (Java's `String.trim` for ASCII).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
