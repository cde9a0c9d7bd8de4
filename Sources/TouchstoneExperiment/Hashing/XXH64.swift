/// xxHash64, the 64-bit non-cryptographic hash by Yann Collet, used as Touchstone's native
/// assignment hash.
///
/// Chosen because it is fast on short keys (unit ids are typically 8–40 bytes), passes
/// SMHasher's distribution and avalanche tests, takes a 64-bit seed (so each experiment's salt
/// becomes a seed and nothing is concatenated per unit), and has independent implementations in
/// every language (`xxhash` on PyPI, `xxhash.h` in C) to check against.
///
/// Specification: Y. Collet, "xxHash fast digest algorithm", XXH64 section,
/// <https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md>. The published vectors in
/// `Tests/TouchstoneExperimentTests/Fixtures/touchstone_hash_vectors.json` were produced by the
/// `xxhash` Python package (`Scripts/touchstone_hash_vectors.py`), not by this code.
///
/// - Complexity: O(n) in the byte count; no allocation.
public enum XXH64 {
    @usableFromInline static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    @usableFromInline static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The XXH64 digest of `bytes` with `seed`.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return finalize(seed &+ prime5, base: nil, count: 0, offset: 0) }
        var offset = 0
        var accumulator: UInt64
        if count >= 32 {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            while offset + 32 <= count {
                v1 = round(v1, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
                v2 = round(v2, base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian)
                v3 = round(v3, base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self).littleEndian)
                v4 = round(v4, base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self).littleEndian)
                offset += 32
            }
            accumulator = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            accumulator = mergeRound(accumulator, v1)
            accumulator = mergeRound(accumulator, v2)
            accumulator = mergeRound(accumulator, v3)
            accumulator = mergeRound(accumulator, v4)
        } else {
            accumulator = seed &+ prime5
        }
        accumulator &+= UInt64(count)
        return finalize(accumulator, base: base, count: count, offset: offset)
    }

    /// The XXH64 digest of a string's UTF-8 bytes.
    ///
    /// Native Swift strings are stored as UTF-8, so this reads them in place.
    @inlinable
    public static func hash(_ string: some StringProtocol, seed: UInt64 = 0) -> UInt64 {
        if let digest = string.utf8.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0), seed: seed) }) {
            return digest
        }
        // Bridged or non-contiguous strings only: copy once.
        let bytes = Array(string.utf8)
        return bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    @inlinable @inline(__always)
    static func rotl(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }

    @inlinable @inline(__always)
    static func round(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
        rotl(accumulator &+ lane &* prime2, 31) &* prime1
    }

    @inlinable @inline(__always)
    static func mergeRound(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        (accumulator ^ round(0, value)) &* prime1 &+ prime4
    }

    /// Consumes the tail (< 32 bytes) and applies the avalanche.
    @inlinable @inline(__always)
    static func finalize(_ start: UInt64, base: UnsafeRawPointer?, count: Int, offset: Int) -> UInt64 {
        var accumulator = start
        var offset = offset
        if let base {
            while offset + 8 <= count {
                let lane = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
                accumulator ^= round(0, lane)
                accumulator = rotl(accumulator, 27) &* prime1 &+ prime4
                offset += 8
            }
            if offset + 4 <= count {
                let lane = UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
                accumulator ^= lane &* prime1
                accumulator = rotl(accumulator, 23) &* prime2 &+ prime3
                offset += 4
            }
            while offset < count {
                let byte = UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
                accumulator ^= byte &* prime5
                accumulator = rotl(accumulator, 11) &* prime1
                offset += 1
            }
        }
        accumulator ^= accumulator >> 33
        accumulator &*= prime2
        accumulator ^= accumulator >> 29
        accumulator &*= prime3
        accumulator ^= accumulator >> 32
        return accumulator
    }
}
