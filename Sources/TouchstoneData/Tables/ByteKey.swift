/// A name from the input (variant, segment, experiment, event) compared and hashed as its UTF-8
/// bytes.
///
/// Swift's `String` equality is canonical equivalence: `"café"` with a precomposed `é` (U+00E9)
/// equals `"café"` with `e` + U+0301. Input names are identifiers, not text to be normalised:
/// the two spellings come from different producers and may be different arms, so a
/// `[String: …]` table would silently merge them (or trap building a dictionary from two
/// "unique" keys). Touchstone never normalises or repairs an identifier; tables keyed by an
/// input name use this key instead.
public struct ByteKey: Sendable, Hashable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as text (valid UTF-8: readers reject malformed names before they get here).
    public let string: String

    public init(_ string: String) {
        self.string = string
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        // Length first: ("ab", "c") and ("a", "bc") hash apart when keys are combined.
        hasher.combine(string.utf8.count)
        for byte in string.utf8 { hasher.combine(byte) }
    }

    /// Bytewise order (the order of `sort` on bytes, not a locale's collation).
    public static func < (lhs: ByteKey, rhs: ByteKey) -> Bool {
        lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8)
    }

    public var description: String { string }
}

extension Dictionary where Key == ByteKey {
    /// The value for the input name `name`, compared as bytes.
    public subscript(name: String) -> Value? {
        get { self[ByteKey(name)] }
        set { self[ByteKey(name)] = newValue }
    }

    /// The value for `name`, or `defaultValue`, compared as bytes.
    public subscript(name: String, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[ByteKey(name), default: defaultValue()] }
        set { self[ByteKey(name)] = newValue }
    }
}

extension String {
    /// Whether the two strings have the same UTF-8 bytes (no Unicode normalisation, unlike `==`).
    @inlinable
    public func bytewiseEquals(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}
