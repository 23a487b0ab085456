import Core
import Testing

@Suite struct SQLFilterTests {
    static let properties: [String: String] = [
        "a": "5", "b": "2.5", "s": "hello", "TAGS": "TagA", "neg": "-3", "big": "9000000000", "flag": "true",
        "quote": "it's",
    ]

    /// (expression, expected match against `properties`).
    static let cases: [(String, Bool)] = [
        // Comparison operators, numeric (int/float mixing) and string.
        ("a = 5", true), ("a = 5.0", true), ("a = 6", false), ("a <> 6", true), ("a <> 5", false),
        ("a > 4", true), ("a > 5", false), ("a >= 5", true), ("a < 5.5", true), ("a <= 4", false),
        ("b > 2", true), ("b < 3L", true), ("neg < -2", true), ("big > 8999999999L", true), ("a > 1e0", true),
        ("a < .6E1", true), ("b = 25E-1", true), ("s = 'hello'", true), ("s <> 'hello'", false),
        ("TAGS = 'TagA'", true), ("tags = 'TagA'", false), ("quote = 'it''s'", true),
        // Incompatible types compare false, `<>` included; strings in `>` need numeric values.
        ("s = 5", false), ("s <> 5", false), ("s > 1", false), ("flag = TRUE", false), ("a > b", true),
        // Missing property: every comparison is unknown ⇒ false; IS NULL true.
        ("missing = 1", false), ("missing <> 1", false), ("missing > 1", false), ("NOT (missing > 1)", false),
        ("missing IS NULL", true), ("missing IS NOT NULL", false), ("a IS NULL", false), ("a IS NOT NULL", true),
        ("missing IN ('x')", false), ("missing NOT IN ('x')", false), ("missing BETWEEN 1 AND 2", false),
        ("missing NOT BETWEEN 1 AND 2", false), ("missing CONTAINS 'x'", false), ("missing NOT CONTAINS 'x'", false),
        // Logic and precedence.
        ("a = 5 AND s = 'hello'", true), ("a = 5 AND s = 'x'", false), ("a = 1 OR s = 'hello'", true),
        ("a = 1 OR s = 'x'", false), ("NOT a = 1", true), ("NOT (a = 5)", false), ("a = 1 OR a = 5 AND s = 'x'", false),
        ("(a = 1 OR a = 5) AND s = 'hello'", true), ("a = 1 or A = 5 or a = 5", true), ("missing = 1 OR a = 5", true),
        ("TRUE", true), ("FALSE", false), ("NOT FALSE", true), ("true AND a = 5", true),
        // BETWEEN, IN, string predicates.
        ("a BETWEEN 1 AND 5", true), ("a between 6 and 9", false), ("b BETWEEN 2 AND 2.5", true),
        ("a NOT BETWEEN 6 AND 9", true), ("a NOT BETWEEN 1 AND 9", false),
        ("s IN ('x', 'hello')", true), ("s IN ('x')", false), ("s NOT IN ('x')", true), ("s NOT IN ('hello')", false),
        ("s CONTAINS 'ell'", true), ("s CONTAINS 'z'", false), ("s NOT CONTAINS 'z'", true),
        ("s STARTSWITH 'he'", true), ("s NOT STARTSWITH 'he'", false), ("s ENDSWITH 'lo'", true),
        ("s NOT ENDSWITH 'lo'", false), ("s startswith 'lo'", false),
        // Comments and whitespace.
        ("a = 5 -- trailing comment", true), ("/* lead */ a /* mid */ = 5", true), ("\n\ta\n=\t5 ", true),
    ]

    @Test(arguments: cases)
    func evaluatesLikeRocketMQ(expression: String, expected: Bool) throws {
        let parsed = try SQLFilterParser.parse(expression)
        #expect(parsed.matches(Self.properties) == expected, "\(expression)")
    }

    /// (expression, error code, position).
    static let errors: [(String, SQLFilterError.Code, Int)] = [
        ("", .unexpectedEnd, 0), ("a =", .unexpectedEnd, 3), ("a = 'x", .unterminatedString, 4),
        ("a = 1 /* x", .unterminatedComment, 6), ("a # 1", .unexpectedCharacter, 2), ("a = 1 b", .unexpectedToken, 6),
        ("a", .typeMismatch, 0), ("'x'", .typeMismatch, 0), ("a AND b = 1", .typeMismatch, 0),
        ("a > 'x'", .typeMismatch, 4), ("a = NULL", .typeMismatch, 4), ("a IN (1)", .unexpectedToken, 6),
        ("a IN ('x'", .unexpectedEnd, 9), ("a BETWEEN 5 AND 1", .illegalBetween, 10), ("(a = 1", .unexpectedEnd, 6),
        ("a IS 1", .unexpectedToken, 5), ("a = 99999999999999999999", .invalidNumber, 4),
        ("a CONTAINS 1", .unexpectedToken, 11), ("NOT a", .typeMismatch, 4), ("(a = 1) = TRUE", .typeMismatch, 0),
    ]

    @Test(arguments: errors)
    func refusesInvalidExpressions(expression: String, code: SQLFilterError.Code, position: Int) {
        #expect(throws: SQLFilterError.self) { try SQLFilterParser.parse(expression) }
        do {
            _ = try SQLFilterParser.parse(expression)
        } catch {
            #expect(error.code == code, "\(expression): \(error)")
            #expect(error.position == position, "\(expression): \(error)")
        }
    }

    @Test func errorDescriptionCarriesThePosition() {
        #expect(throws: SQLFilterError.self) { try SQLFilterParser.parse("a > 'x'") }
        do { _ = try SQLFilterParser.parse("a = 1 AND") } catch {
            #expect(error.description == "expected a property, a literal or '(' but the expression ended at position 9")
        }
    }

    @Test func messageFilterPassesEveryTagCodeAndChecksProperties() throws {
        let filter = try SQLMessageFilter(parsing: "TAGS IN ('TagA', 'TagB') AND a > 3")
        #expect(filter.isMatched(tagsCode: 12345))
        #expect(filter.isMatched(properties: ["TAGS": "TagB", "a": "4"]))
        #expect(!filter.isMatched(properties: ["TAGS": "TagC", "a": "4"]))
    }
}
