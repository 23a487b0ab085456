/// A value while a SQL92 filter is evaluated: a literal, a property (always a string) or a condition's outcome.
/// `.null` is SQL's "unknown": what a missing property reads as, and what comparisons with it give.
public enum SQLFilterValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case float(Double)
    case string(String)

    /// The value as a number, parsing strings (property values are strings on the wire); nil when not numeric.
    var number: Number? {
        switch self {
        case .integer(let value): .integer(value)
        case .float(let value): .float(value)
        case .string(let text): Number(parsing: text)
        case .null, .bool: nil
        }
    }

    var isNumeric: Bool {
        switch self {
        case .integer, .float: true
        default: false
        }
    }

    /// An integer or a float, compared exactly when both are integers and as doubles otherwise (RocketMQ widens
    /// Long to Double when the other side is a Double).
    enum Number {
        case integer(Int64)
        case float(Double)

        init?(parsing text: String) {
            let trimmed = text.trimmingSpaces()
            if let value = Int64(trimmed) {
                self = .integer(value)
            } else if let value = Double(trimmed), value.isFinite {
                self = .float(value)
            } else {
                return nil
            }
        }

        var double: Double {
            switch self {
            case .integer(let value): Double(value)
            case .float(let value): value
            }
        }

        static func compare(_ left: Number, _ right: Number) -> Int {
            if case .integer(let l) = left, case .integer(let r) = right { return l < r ? -1 : (l == r ? 0 : 1) }
            let l = left.double
            let r = right.double
            return l < r ? -1 : (l == r ? 0 : 1)
        }
    }
}

/// The comparison operators of the grammar.
public enum SQLFilterComparison: String, Sendable, Equatable {
    case equal = "="
    case notEqual = "<>"
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="

    var isOrdering: Bool { self != .equal && self != .notEqual }
}

/// The string predicates RocketMQ added to the ActiveMQ grammar.
public enum SQLFilterStringPredicate: String, Sendable, Equatable {
    case contains = "CONTAINS"
    case startsWith = "STARTSWITH"
    case endsWith = "ENDSWITH"
}

/// A parsed SQL92 filter expression (RocketMQ's `filter/expression` classes as one value type).
///
/// Evaluation follows RocketMQ: properties are strings, compared numerically against numeric literals (and with
/// each other by `>`, `<`, ... when both parse as numbers); a comparison with a missing property is unknown, an
/// unknown condition is false in AND/OR and at the top; operands of incompatible types compare false.
public indirect enum SQLFilterExpression: Sendable, Equatable {
    case constant(SQLFilterValue)
    case property(String)
    case and(SQLFilterExpression, SQLFilterExpression)
    case or(SQLFilterExpression, SQLFilterExpression)
    case not(SQLFilterExpression)
    case comparison(SQLFilterComparison, SQLFilterExpression, SQLFilterExpression)
    case isNull(SQLFilterExpression, negated: Bool)
    case inList(SQLFilterExpression, values: Set<String>, negated: Bool)
    case stringPredicate(SQLFilterStringPredicate, SQLFilterExpression, String, negated: Bool)

    /// True when the expression evaluates to TRUE for a message with these properties (TAGS included).
    public func matches(_ properties: [String: String]) -> Bool {
        evaluate(properties) == .bool(true)
    }

    /// The expression's value for a message with these properties.
    public func evaluate(_ properties: [String: String]) -> SQLFilterValue {
        switch self {
        case .constant(let value):
            return value
        case .property(let name):
            return properties[name].map(SQLFilterValue.string) ?? .null
        case .and(let left, let right):
            // RocketMQ's LogicExpression: an unknown side makes AND false rather than unknown.
            guard left.evaluate(properties) == .bool(true) else { return .bool(false) }
            return .bool(right.evaluate(properties) == .bool(true))
        case .or(let left, let right):
            if left.evaluate(properties) == .bool(true) { return .bool(true) }
            return .bool(right.evaluate(properties) == .bool(true))
        case .not(let operand):
            guard case .bool(let value) = operand.evaluate(properties) else { return .null }
            return .bool(!value)
        case .comparison(let op, let left, let right):
            return Self.compare(op, left.evaluate(properties), right.evaluate(properties))
        case .isNull(let operand, let negated):
            return .bool((operand.evaluate(properties) == .null) != negated)
        case .inList(let operand, let values, let negated):
            guard case .string(let value) = operand.evaluate(properties) else { return .null }
            return .bool(values.contains(value) != negated)
        case .stringPredicate(let predicate, let operand, let pattern, let negated):
            guard case .string(let value) = operand.evaluate(properties) else { return .null }
            let found =
                switch predicate {
                case .contains: value.contains(pattern)
                case .startsWith: value.hasPrefix(pattern)
                case .endsWith: value.hasSuffix(pattern)
                }
            return .bool(found != negated)
        }
    }

    static func compare(_ op: SQLFilterComparison, _ left: SQLFilterValue, _ right: SQLFilterValue) -> SQLFilterValue {
        if left == .null || right == .null { return .null }
        guard let order = order(left, right, ordering: op.isOrdering) else {
            // Incompatible operands: RocketMQ answers false for every operator, `<>` included.
            return .bool(false)
        }
        switch op {
        case .equal: return .bool(order == 0)
        case .notEqual: return .bool(order != 0)
        case .greater: return .bool(order > 0)
        case .greaterOrEqual: return .bool(order >= 0)
        case .less: return .bool(order < 0)
        case .lessOrEqual: return .bool(order <= 0)
        }
    }

    /// -1/0/1 when the values can be compared, nil when their types are incompatible. For `=`/`<>` two strings
    /// compare as strings; for ordering operators they must both parse as numbers (RocketMQ converts to double).
    private static func order(_ left: SQLFilterValue, _ right: SQLFilterValue, ordering: Bool) -> Int? {
        switch (left, right) {
        case (.bool(let l), .bool(let r)):
            return ordering ? nil : (l == r ? 0 : 1)
        case (.bool, _), (_, .bool):
            return nil
        case (.string(let l), .string(let r)) where !ordering:
            return l == r ? 0 : 1
        default:
            guard let l = left.number, let r = right.number else { return nil }
            return SQLFilterValue.Number.compare(l, r)
        }
    }
}

