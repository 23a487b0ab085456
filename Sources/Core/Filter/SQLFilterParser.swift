/// Parses RocketMQ's SQL92 message selector subset into an `SQLFilterExpression`.
///
/// Grammar (precedence low to high; keywords case-insensitive):
/// ```
/// or         := and ("OR" and)*
/// and        := not ("AND" not)*
/// not        := "NOT" not | predicate
/// predicate  := operand [ ("=" | "<>" | ">" | ">=" | "<" | "<=") operand
///                       | "IS" ["NOT"] "NULL"
///                       | ["NOT"] "BETWEEN" operand "AND" operand
///                       | ["NOT"] "IN" "(" string ("," string)* ")"
///                       | ["NOT"] ("CONTAINS" | "STARTSWITH" | "ENDSWITH") string ]
/// operand    := "(" or ")" | identifier | string | ["+" | "-"] number | "TRUE" | "FALSE"
/// ```
/// Unlike the JavaCC grammar, `NOT a = 1` means `NOT (a = 1)` (standard SQL precedence). Type checks RocketMQ makes
/// at parse time are made here too: conditions must be boolean, `>`-style operators need numeric literals, NULL is
/// only allowed in `IS [NOT] NULL`, constant BETWEEN bounds must be ordered.
public struct SQLFilterParser {
    private let tokens: [SQLFilterToken]
    private var index = 0

    private init(tokens: [SQLFilterToken]) { self.tokens = tokens }

    /// - Throws: `SQLFilterError` with the position of the first problem.
    public static func parse(_ text: String) throws(SQLFilterError) -> SQLFilterExpression {
        var parser = SQLFilterParser(tokens: try SQLFilterLexer.tokenize(text))
        guard parser.current.kind != .end else {
            throw SQLFilterError(.unexpectedEnd, "the expression is empty", position: 0)
        }
        let start = parser.current.position
        let expression = try parser.parseOr()
        guard parser.current.kind == .end else {
            throw parser.unexpected("end of expression")
        }
        try requireBoolean(expression, position: start)
        return expression
    }

    private var current: SQLFilterToken { tokens[index] }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isKeyword(_ word: String, offset: Int = 0) -> Bool {
        let position = min(index + offset, tokens.count - 1)
        return tokens[position].kind == .keyword(word)
    }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private func unexpected(_ expected: String) -> SQLFilterError {
        if current.kind == .end {
            return SQLFilterError(.unexpectedEnd, "expected \(expected) but the expression ended", position: current.position)
        }
        return SQLFilterError(
            .unexpectedToken, "expected \(expected) but found \(Self.describe(current.kind))", position: current.position)
    }

    private static func describe(_ kind: SQLFilterToken.Kind) -> String {
        switch kind {
        case .identifier(let name): "identifier '\(name)'"
        case .keyword(let word): "keyword \(word)"
        case .string(let text): "string '\(text)'"
        case .integer(let value): "number \(value)"
        case .float(let value): "number \(value)"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "end of expression"
        }
    }

    private mutating func expectKeyword(_ word: String) throws(SQLFilterError) {
        guard isKeyword(word) else { throw unexpected(word) }
        advance()
    }

    private mutating func parseOr() throws(SQLFilterError) -> SQLFilterExpression {
        var position = current.position
        var left = try parseAnd()
        while isKeyword("OR") {
            advance()
            try Self.requireBoolean(left, position: position)
            position = current.position
            let right = try parseAnd()
            try Self.requireBoolean(right, position: position)
            left = .or(left, right)
        }
        return left
    }

    private mutating func parseAnd() throws(SQLFilterError) -> SQLFilterExpression {
        var position = current.position
        var left = try parseNot()
        while isKeyword("AND") {
            advance()
            try Self.requireBoolean(left, position: position)
            position = current.position
            let right = try parseNot()
            try Self.requireBoolean(right, position: position)
            left = .and(left, right)
        }
        return left
    }

    private mutating func parseNot() throws(SQLFilterError) -> SQLFilterExpression {
        guard isKeyword("NOT") else { return try parsePredicate() }
        advance()
        let position = current.position
        let operand = try parseNot()
        try Self.requireBoolean(operand, position: position)
        return .not(operand)
    }

    private mutating func parsePredicate() throws(SQLFilterError) -> SQLFilterExpression {
        let leftPosition = current.position
        let left = try parseOperand()
        if case .symbol(let symbol) = current.kind, let op = SQLFilterComparison(rawValue: symbol) {
            advance()
            let rightPosition = current.position
            let right = try parseOperand()
            try Self.requireComparable(left, op: op, position: leftPosition)
            try Self.requireComparable(right, op: op, position: rightPosition)
            return .comparison(op, left, right)
        }
        if isKeyword("IS") {
            advance()
            let negated = isKeyword("NOT")
            if negated { advance() }
            try expectKeyword("NULL")
            return .isNull(left, negated: negated)
        }
        let negated = isKeyword("NOT")
        let keywordOffset = negated ? 1 : 0
        if isKeyword("BETWEEN", offset: keywordOffset) {
            if negated { advance() }
            advance()
            return try parseBetween(left, leftPosition: leftPosition, negated: negated)
        }
        if isKeyword("IN", offset: keywordOffset) {
            if negated { advance() }
            advance()
            return try parseIn(left, leftPosition: leftPosition, negated: negated)
        }
        for predicate in [SQLFilterStringPredicate.contains, .startsWith, .endsWith]
        where isKeyword(predicate.rawValue, offset: keywordOffset) {
            if negated { advance() }
            advance()
            guard case .string(let pattern) = current.kind else { throw unexpected("a string literal") }
            advance()
            try Self.requireValue(left, what: predicate.rawValue, position: leftPosition)
            return .stringPredicate(predicate, left, pattern, negated: negated)
        }
        return left
    }

    private mutating func parseBetween(
        _ value: SQLFilterExpression, leftPosition: Int, negated: Bool
    ) throws(SQLFilterError) -> SQLFilterExpression {
        let lowPosition = current.position
        let low = try parseOperand()
        try expectKeyword("AND")
        let highPosition = current.position
        let high = try parseOperand()
        try Self.requireComparable(value, op: .greaterOrEqual, position: leftPosition)
        try Self.requireComparable(low, op: .greaterOrEqual, position: lowPosition)
        try Self.requireComparable(high, op: .lessOrEqual, position: highPosition)
        if case .constant(let lowValue) = low, case .constant(let highValue) = high,
            SQLFilterExpression.compare(.greater, lowValue, highValue) == .bool(true)
        {
            throw SQLFilterError(
                .illegalBetween, "illegal values of BETWEEN: the lower bound is greater than the upper bound",
                position: lowPosition)
        }
        if negated {
            return .or(.comparison(.less, value, low), .comparison(.greater, value, high))
        }
        return .and(.comparison(.greaterOrEqual, value, low), .comparison(.lessOrEqual, value, high))
    }

    private mutating func parseIn(
        _ value: SQLFilterExpression, leftPosition: Int, negated: Bool
    ) throws(SQLFilterError) -> SQLFilterExpression {
        guard case .property = value else {
            throw SQLFilterError(.typeMismatch, "IN needs a property on its left", position: leftPosition)
        }
        guard isSymbol("(") else { throw unexpected("'('") }
        advance()
        var values: Set<String> = []
        while true {
            guard case .string(let text) = current.kind else { throw unexpected("a string literal") }
            values.insert(text)
            advance()
            if isSymbol(",") {
                advance()
                continue
            }
            guard isSymbol(")") else { throw unexpected("',' or ')'") }
            advance()
            return .inList(value, values: values, negated: negated)
        }
    }

    private mutating func parseOperand() throws(SQLFilterError) -> SQLFilterExpression {
        let token = current
        switch token.kind {
        case .symbol("("):
            advance()
            let inner = try parseOr()
            guard isSymbol(")") else { throw unexpected("')'") }
            advance()
            return inner
        case .symbol("-"), .symbol("+"):
            advance()
            let negative = token.kind == .symbol("-")
            switch current.kind {
            case .integer(let value):
                advance()
                return .constant(.integer(negative ? -value : value))
            case .float(let value):
                advance()
                return .constant(.float(negative ? -value : value))
            default:
                throw unexpected("a number after '\(negative ? "-" : "+")'")
            }
        case .identifier(let name):
            advance()
            return .property(name)
        case .string(let text):
            advance()
            return .constant(.string(text))
        case .integer(let value):
            advance()
            return .constant(.integer(value))
        case .float(let value):
            advance()
            return .constant(.float(value))
        case .keyword("TRUE"):
            advance()
            return .constant(.bool(true))
        case .keyword("FALSE"):
            advance()
            return .constant(.bool(false))
        case .keyword("NULL"):
            throw SQLFilterError(
                .typeMismatch, "NULL can only be used in IS NULL / IS NOT NULL", position: token.position)
        default:
            throw unexpected("a property, a literal or '('")
        }
    }

    /// Conditions (top level, AND/OR/NOT operands) must produce a boolean.
    private static func requireBoolean(_ expression: SQLFilterExpression, position: Int) throws(SQLFilterError) {
        switch expression {
        case .constant(.bool), .and, .or, .not, .comparison, .isNull, .inList, .stringPredicate:
            return
        case .constant, .property:
            throw SQLFilterError(.typeMismatch, "the expression will not result in a boolean value", position: position)
        }
    }

    /// Comparison operands are values (properties or literals), never conditions; ordering operators take only
    /// numeric literals (RocketMQ's `checkLessThanOperand`).
    private static func requireComparable(
        _ expression: SQLFilterExpression, op: SQLFilterComparison, position: Int
    ) throws(SQLFilterError) {
        try requireValue(expression, what: op.rawValue, position: position)
        guard op.isOrdering, case .constant(let value) = expression, !value.isNumeric else { return }
        throw SQLFilterError(.typeMismatch, "a non-numeric literal cannot be compared by \(op.rawValue)", position: position)
    }

    private static func requireValue(
        _ expression: SQLFilterExpression, what: String, position: Int
    ) throws(SQLFilterError) {
        switch expression {
        case .constant, .property: return
        default:
            throw SQLFilterError(.typeMismatch, "a condition cannot be an operand of \(what)", position: position)
        }
    }
}
