/// Why a SQL92 filter expression was refused, with the position of the offending text.
///
/// The `description` is what CHECK_CLIENT_CONFIG and PULL answer in their remark (SUBSCRIPTION_PARSE_FAILED).
public struct SQLFilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem; a struct around a private enum so that kinds can be added later.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case unexpectedCharacter, unterminatedString, unterminatedComment, invalidNumber
            case unexpectedToken, unexpectedEnd, typeMismatch, illegalBetween
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A character that starts no token.
        public static let unexpectedCharacter = Code(.unexpectedCharacter)
        /// A string literal without its closing quote.
        public static let unterminatedString = Code(.unterminatedString)
        /// A `/*` comment without `*/`.
        public static let unterminatedComment = Code(.unterminatedComment)
        /// A numeric literal that does not fit (e.g. an integer beyond Int64).
        public static let invalidNumber = Code(.invalidNumber)
        /// A token the grammar does not allow here.
        public static let unexpectedToken = Code(.unexpectedToken)
        /// The expression ended too early.
        public static let unexpectedEnd = Code(.unexpectedEnd)
        /// An operand of the wrong type (a string in `>`, a non-boolean where a condition is needed).
        public static let typeMismatch = Code(.typeMismatch)
        /// `BETWEEN a AND b` with constant bounds where a > b.
        public static let illegalBetween = Code(.illegalBetween)

        public var description: String { "\(value)" }
    }

    public var code: Code
    public var message: String
    /// 0-based character offset into the expression where the problem starts.
    public var position: Int

    public init(_ code: Code, _ message: String, position: Int) {
        self.code = code
        self.message = message
        self.position = position
    }

    public var description: String { "\(message) at position \(position)" }
}
