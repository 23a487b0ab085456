/// One token of a SQL92 filter expression.
struct SQLFilterToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case identifier(String)
        /// A keyword, upper-cased (AND, OR, NOT, BETWEEN, IN, IS, NULL, TRUE, FALSE, CONTAINS, STARTSWITH, ENDSWITH).
        case keyword(String)
        case string(String)
        case integer(Int64)
        case float(Double)
        /// `=`, `<>`, `>`, `>=`, `<`, `<=`, `(`, `)`, `,`, `-`, `+`.
        case symbol(String)
        case end
    }

    var kind: Kind
    /// 0-based character offset of the token's first character.
    var position: Int
}

/// Splits a SQL92 filter expression into tokens, following RocketMQ's JavaCC grammar (`SelectorParser.jj`):
/// case-insensitive keywords, identifiers `[a-zA-Z_$][a-zA-Z0-9_$.]*`, `'...'` strings with `''` as an escaped
/// quote, decimal integers with an optional `L`, floats with optional exponent, `--` and `/* */` comments.
struct SQLFilterLexer {
    static let keywords: Set<String> = [
        "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE", "CONTAINS", "STARTSWITH", "ENDSWITH",
    ]

    private let characters: [Character]
    private var index = 0

    init(_ text: String) { characters = Array(text) }

    /// - Throws: `SQLFilterError` for a character that starts no token or an unterminated string/comment.
    static func tokenize(_ text: String) throws(SQLFilterError) -> [SQLFilterToken] {
        var lexer = SQLFilterLexer(text)
        var tokens: [SQLFilterToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    private mutating func skipSpaceAndComments() throws(SQLFilterError) {
        while let character = peek() {
            if character.isWhitespace {
                index += 1
            } else if character == "-", peek(1) == "-" {
                while let next = peek(), next != "\n", next != "\r" { index += 1 }
            } else if character == "/", peek(1) == "*" {
                let start = index
                index += 2
                while peek() != nil, !(peek() == "*" && peek(1) == "/") { index += 1 }
                guard peek() != nil else {
                    throw SQLFilterError(.unterminatedComment, "unterminated comment", position: start)
                }
                index += 2
            } else {
                return
            }
        }
    }

    private mutating func next() throws(SQLFilterError) -> SQLFilterToken {
        try skipSpaceAndComments()
        let start = index
        guard let character = peek() else { return SQLFilterToken(kind: .end, position: start) }
        if character.isASCII && (character.isLetter || character == "_" || character == "$") {
            return word(start: start)
        }
        if character.isASCII && character.isNumber || (character == "." && (peek(1)?.isASCII ?? false)
            && (peek(1)?.isNumber ?? false))
        {
            return try number(start: start)
        }
        if character == "'" { return try string(start: start) }
        let twoCharacter = peek(1).map { String(character) + String($0) }
        if let twoCharacter, ["<>", ">=", "<="].contains(twoCharacter) {
            index += 2
            return SQLFilterToken(kind: .symbol(twoCharacter), position: start)
        }
        if "=<>(),-+".contains(character) {
            index += 1
            return SQLFilterToken(kind: .symbol(String(character)), position: start)
        }
        throw SQLFilterError(.unexpectedCharacter, "unexpected character '\(character)'", position: start)
    }

    private mutating func word(start: Int) -> SQLFilterToken {
        while let next = peek(),
            next.isASCII && (next.isLetter || next.isNumber || next == "_" || next == "$" || next == ".")
        {
            index += 1
        }
        let text = String(characters[start..<index])
        let upper = text.uppercased()
        if Self.keywords.contains(upper) { return SQLFilterToken(kind: .keyword(upper), position: start) }
        return SQLFilterToken(kind: .identifier(text), position: start)
    }

    private mutating func digits() {
        while let next = peek(), next.isASCII && next.isNumber { index += 1 }
    }

    private mutating func number(start: Int) throws(SQLFilterError) -> SQLFilterToken {
        digits()
        var isFloat = false
        if peek() == "." {
            isFloat = true
            index += 1
            digits()
        }
        if let e = peek(), e == "e" || e == "E" {
            let save = index
            index += 1
            if let sign = peek(), sign == "+" || sign == "-" { index += 1 }
            if let digit = peek(), digit.isASCII && digit.isNumber {
                digits()
                isFloat = true
            } else {
                index = save
            }
        }
        let text = String(characters[start..<index])
        if isFloat {
            guard let value = Double(text.hasPrefix(".") ? "0" + text : text), value.isFinite else {
                throw SQLFilterError(.invalidNumber, "invalid number \(text)", position: start)
            }
            return SQLFilterToken(kind: .float(value), position: start)
        }
        if let suffix = peek(), suffix == "l" || suffix == "L" { index += 1 }
        guard let value = Int64(text) else {
            throw SQLFilterError(.invalidNumber, "integer \(text) does not fit in 64 bits", position: start)
        }
        return SQLFilterToken(kind: .integer(value), position: start)
    }

    private mutating func string(start: Int) throws(SQLFilterError) -> SQLFilterToken {
        index += 1
        var value = ""
        while true {
            guard let character = peek() else {
                throw SQLFilterError(.unterminatedString, "unterminated string literal", position: start)
            }
            index += 1
            if character == "'" {
                guard peek() == "'" else { break }
                index += 1
            }
            value.append(character)
        }
        return SQLFilterToken(kind: .string(value), position: start)
    }
}
