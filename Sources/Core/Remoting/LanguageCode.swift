/// The sender's language, carried as a name in JSON headers and as a byte in ROCKETMQ binary headers.
public struct LanguageCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let java = LanguageCode(rawValue: 0)
    public static let cpp = LanguageCode(rawValue: 1)
    public static let dotnet = LanguageCode(rawValue: 2)
    public static let python = LanguageCode(rawValue: 3)
    public static let delphi = LanguageCode(rawValue: 4)
    public static let erlang = LanguageCode(rawValue: 5)
    public static let ruby = LanguageCode(rawValue: 6)
    public static let other = LanguageCode(rawValue: 7)
    public static let http = LanguageCode(rawValue: 8)
    public static let go = LanguageCode(rawValue: 9)
    public static let php = LanguageCode(rawValue: 10)
    public static let oms = LanguageCode(rawValue: 11)
    public static let rust = LanguageCode(rawValue: 12)
    public static let nodeJS = LanguageCode(rawValue: 13)

    private static let names = [
        "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST",
        "NODE_JS",
    ]

    /// The JSON name; unknown codes print as OTHER.
    public var description: String {
        Int(rawValue) < Self.names.count ? Self.names[Int(rawValue)] : "OTHER"
    }

    /// Parses a JSON name; unknown names map to `.other`, as the Java decoder tolerates them.
    public init(name: String) {
        self = Self.names.firstIndex(of: name).map { LanguageCode(rawValue: UInt8($0)) } ?? .other
    }
}
