/// A byte position in the commit log stream (RocketMQ's "physical offset", `commitLogOffset`).
public struct PhysicalOffset: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64

    @inlinable public init(rawValue: Int64) { self.rawValue = rawValue }
    @inlinable public init(_ value: Int64) { self.rawValue = value }

    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    @inlinable public static func + (lhs: Self, rhs: Int64) -> Self { Self(lhs.rawValue + rhs) }

    public var description: String { String(rawValue) }
}

/// An entry index in one consume queue (RocketMQ's "logical" or "queue" offset).
public struct QueueOffset: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64

    @inlinable public init(rawValue: Int64) { self.rawValue = rawValue }
    @inlinable public init(_ value: Int64) { self.rawValue = value }

    @inlinable public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    @inlinable public static func + (lhs: Self, rhs: Int64) -> Self { Self(lhs.rawValue + rhs) }

    public var description: String { String(rawValue) }
}
