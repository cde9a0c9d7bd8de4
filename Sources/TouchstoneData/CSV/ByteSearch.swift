/// Finding the next structural byte of a record eight bytes at a time.
///
/// Field scanning is where a CSV pass spends its time, and the byte-by-byte loop makes three or
/// four comparisons per byte. A 64-bit word answers "does any of these eight bytes equal `b`?"
/// at once: `x = w ^ (0x01…01·b)` has a zero byte exactly where `w` holds `b`, and
/// `(x − 0x01…01) & ~x & 0x80…80` flags zero bytes (Mycroft's test; Warren, *Hacker's Delight*,
/// 2nd ed., §6-1). The borrow can flag a byte spuriously only *above* a true zero byte, never
/// below one, so in a little-endian load the lowest flag is exactly the first match — the only
/// one used here. Words are read only while all eight bytes lie before `stop`; the tail goes
/// byte by byte, so nothing past `stop` is ever read.
enum ByteSearch {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Flags (high bit of each byte) for the bytes of `word` equal to `byte`; exact up to the
    /// lowest flag.
    @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs
    }

    /// The first offset in `offset..<stop` holding `a`, `b` or `c`, or `stop`.
    @inline(__always)
    static func first(
        _ a: UInt8, _ b: UInt8, _ c: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from offset: Int, before stop: Int
    ) -> Int {
        var index = offset
#if _endian(little)
        if let base = buffer.baseAddress {
            while index + 8 <= stop {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let flags = matches(word, a) | matches(word, b) | matches(word, c)
                if flags != 0 { return index + flags.trailingZeroBitCount / 8 }
                index += 8
            }
        }
#endif
        while index < stop {
            let byte = buffer[index]
            if byte == a || byte == b || byte == c { return index }
            index += 1
        }
        return stop
    }

    /// The first offset in `offset..<stop` holding `a` or `b`, or `stop`.
    @inline(__always)
    static func first(_ a: UInt8, _ b: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from offset: Int, before stop: Int) -> Int {
        var index = offset
#if _endian(little)
        if let base = buffer.baseAddress {
            while index + 8 <= stop {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let flags = matches(word, a) | matches(word, b)
                if flags != 0 { return index + flags.trailingZeroBitCount / 8 }
                index += 8
            }
        }
#endif
        while index < stop {
            let byte = buffer[index]
            if byte == a || byte == b { return index }
            index += 1
        }
        return stop
    }
}
