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

extension ByteKey {
    /// The first two of `names` that are different bytes but the same text to Swift's `String`
    /// (canonically equivalent: `café` precomposed and `café` with a combining accent), or nil.
    ///
    /// Tables keyed by ``ByteKey`` keep such names apart, but they print alike, and any step that
    /// keys or compares them as `String` (a decision per arm, a JSON object of counts, traffic
    /// weights) would merge them; callers refuse the input instead of answering for a merged arm.
    public static func indistinguishablePair(in names: some Sequence<String>) -> (String, String)? {
        var seen: [String: String] = [:]
        for name in names {
            if let earlier = seen[name] {
                if !earlier.bytewiseEquals(name) { return (earlier, name) }
            } else {
                seen[name] = name
            }
        }
        return nil
    }

    /// The refusal for ``indistinguishablePair(in:)``: both names with their UTF-8 bytes in hex.
    public static func indistinguishableMessage(_ pair: (String, String), kind: String) -> String {
        func hex(_ name: String) -> String { name.utf8.map { String($0, radix: 16, uppercase: false) }.joined(separator: " ") }
        return "\(kind) '\(pair.0)' (bytes \(hex(pair.0))) and '\(pair.1)' (bytes \(hex(pair.1))) are the same text in different "
            + "Unicode forms: they are different names in the data but print alike and would be merged in the read-out; rename one"
    }
}
