/// A name of at most 16 bytes held in two words, so that matching a field against a few known
/// names is two integer comparisons per name.
///
/// The event scan matches every event row's name against the metrics' event names. Through
/// `[[UInt8]]` and `memcmp` that cost a retain of each name's array and a library call per
/// comparison: 14% of a JSON Lines analysis's CPU. Event names, keys and variants are short.
public struct ShortName: Hashable, Sendable {
    public let low: UInt64
    public let high: UInt64
    public let count: Int

    /// The bytes packed little-endian, zero-padded (the length tells `"a"` from `"a\0"`);
    /// `nil` when longer than 16 bytes.
    @inlinable
    public init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= 16 else { return nil }
        var low: UInt64 = 0, high: UInt64 = 0
        var index = 0
        while index < min(bytes.count, 8) {
            low |= UInt64(bytes[index]) << (8 * UInt64(index))
            index += 1
        }
        while index < bytes.count {
            high |= UInt64(bytes[index]) << (8 * UInt64(index - 8))
            index += 1
        }
        self.low = low
        self.high = high
        self.count = bytes.count
    }

    public init?(_ bytes: [UInt8]) {
        guard let name = bytes.withUnsafeBufferPointer({ ShortName($0) }) else { return nil }
        self = name
    }
}
