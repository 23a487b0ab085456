public import Store

/// A store filter for a SQL92 subscription: every consume-queue unit passes the tag check, then the stored
/// message's properties (TAGS included) must make the expression TRUE (RocketMQ's `isMatchedByCommitLog`).
public struct SQLMessageFilter: MessageFilter {
    public let expression: SQLFilterExpression

    public init(expression: SQLFilterExpression) { self.expression = expression }

    /// - Throws: `SQLFilterError` when `text` does not parse.
    public init(parsing text: String) throws(SQLFilterError) {
        expression = try SQLFilterParser.parse(text)
    }

    public func isMatched(tagsCode: Int64) -> Bool { true }
    public func isMatched(properties: [String: String]) -> Bool { expression.matches(properties) }
}

/// Turns a subscription (TAG or SQL92) into the filter the store applies, as RocketMQ's `ExpressionMessageFilter`.
enum SubscriptionFilter {
    static let sql92 = "SQL92"

    /// - Returns: nil when the subscription accepts every message (`*`), a `TagsCodeFilter` for tags, a
    ///   `SQLMessageFilter` for SQL92.
    /// - Throws: SYSTEM_ERROR when SQL92 is disabled or the type is unknown, SUBSCRIPTION_PARSE_FAILED with the
    ///   parser's message when the expression is invalid.
    static func make(
        _ subscription: SubscriptionData, enablePropertyFilter: Bool
    ) throws(BrokerRequestError) -> (any MessageFilter)? {
        if subscription.isTagType {
            if subscription.matchesAll { return nil }
            return TagsCodeFilter(codes: Set(subscription.codeSet.map(Int64.init)))
        }
        return try sqlFilter(
            type: subscription.expressionType, expression: subscription.subString,
            enablePropertyFilter: enablePropertyFilter)
    }

    /// The SQL92 filter for a non-TAG expression type (see `make`).
    static func sqlFilter(
        type: String, expression: String, enablePropertyFilter: Bool
    ) throws(BrokerRequestError) -> SQLMessageFilter {
        guard enablePropertyFilter else {
            throw BrokerRequestError(
                .systemError, "The broker does not support consumer to filter message by \(type)")
        }
        guard type.uppercased() == sql92 else {
            throw BrokerRequestError(.subscriptionParseFailed, "unsupported expression type \(type)")
        }
        do {
            return try SQLMessageFilter(parsing: expression)
        } catch {
            throw BrokerRequestError(
                .subscriptionParseFailed, "parse SQL92 expression [\(expression)] failed: \(error.description)")
        }
    }
}
