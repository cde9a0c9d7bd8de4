/// 32-bit FNV-1a over UTF-16 code units, the hash of GrowthBook's SDKs.
///
/// GrowthBook's JavaScript SDK feeds `charCodeAt(i)` (a UTF-16 code unit, up to 0xFFFF) into
/// each step rather than bytes; every other GrowthBook SDK copies that so buckets agree across
/// languages. Reproducing it over UTF-8 bytes would diverge on any non-ASCII id.
///
/// FNV-1a: h₀ = 2166136261; hᵢ = (hᵢ₋₁ XOR cᵢ) · 16777619 mod 2³²
/// (Fowler, Noll, Vo; <http://www.isthe.com/chongo/tech/comp/fnv/>).
public struct FNV1a: Sendable, Hashable {
    /// The state after the units fed so far.
    public private(set) var state: UInt32 = 2_166_136_261

    public init() {}

    /// Feeds one UTF-16 code unit.
    @inlinable @inline(__always)
    public mutating func combine(_ unit: UInt16) {
        setState((state ^ UInt32(unit)) &* 16_777_619)
    }

    /// Feeds every UTF-16 code unit of `string`, without allocating.
    @inlinable
    public mutating func combine(_ string: some StringProtocol) {
        // ASCII bytes are their own UTF-16 code units: skip transcoding when the string allows.
        let done: Bool? = string.utf8.withContiguousStorageIfAvailable { bytes in
            var current = state
            for byte in bytes {
                if byte >= 0x80 { return false }
                current = (current ^ UInt32(byte)) &* 16_777_619
            }
            setState(current)
            return true
        }
        if done == true { return }
        for unit in string.utf16 { combine(unit) }
    }

    /// Feeds the UTF-16 code units of the UTF-8 text in `bytes`, as ``combine(_:)-(StringProtocol)``
    /// would for the same text. ASCII is read in place; anything else is decoded through `String`,
    /// so non-ASCII and malformed bytes hash exactly as `String(decoding:as:)` reads them.
    @inlinable
    public mutating func combine(utf8 bytes: UnsafeRawBufferPointer) {
        var current = state
        for byte in bytes {
            if byte >= 0x80 {
                combine(String(decoding: bytes, as: UTF8.self))
                return
            }
            current = (current ^ UInt32(byte)) &* 16_777_619
        }
        setState(current)
    }

    /// Feeds the decimal digits of `value`, as JavaScript's `String(n)` writes an unsigned integer.
    @inlinable
    public mutating func combineDecimal(_ value: UInt32) {
        var divisor: UInt32 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            combine(UInt16(48 + rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    @usableFromInline
    mutating func setState(_ value: UInt32) { state = value }

    /// FNV-1a of one string's UTF-16 code units.
    @inlinable
    public static func hash(_ string: some StringProtocol) -> UInt32 {
        var hasher = FNV1a()
        hasher.combine(string)
        return hasher.state
    }
}
