/// How a unit id and a salt become a bucket value in [0, 1).
///
/// Config key `hash:`; the raw values are the spellings accepted there.
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    /// Touchstone's default: XXH64 of the id's UTF-8 bytes, seeded with XXH64(salt), top 53 bits
    /// as a fraction. See ``SaltedHash``.
    case touchstone
    /// GrowthBook SDK hash version 1: `(fnv1a32(id + salt) % 1000) / 1000`.
    case growthbookV1 = "growthbook-v1"
    /// GrowthBook SDK hash version 2: `(fnv1a32(String(fnv1a32(salt + id))) % 10000) / 10000`.
    case growthbookV2 = "growthbook-v2"
}

/// A hash function with its salt prepared once, mapping unit ids to buckets in [0, 1).
///
/// Native (``HashAlgorithm/touchstone``):
/// ```
/// seed   = XXH64(utf8(salt), seed: 0)
/// bucket = (XXH64(utf8(id), seed: seed) >> 11) · 2⁻⁵³
/// ```
/// Seeding with the salt's digest instead of hashing `salt + id` means no string is built per
/// unit, and distinct salts give unrelated 64-bit seeds, hence independent assignments. The top
/// 53 bits fill a `Double` mantissa exactly, so every bucket is a multiple of 2⁻⁵³ in [0, 1).
///
/// GrowthBook (``HashAlgorithm/growthbookV1``, ``HashAlgorithm/growthbookV2``) follow the
/// SDK's `hash(seed, value, version)` bit for bit, with the salt as GrowthBook's `seed`.
///
/// - Complexity: O(length of the id); allocation-free.
public struct SaltedHash: Sendable, Hashable {
    public let algorithm: HashAlgorithm
    public let salt: String
    /// XXH64 of the salt (native algorithm).
    @usableFromInline let seed: UInt64
    /// FNV-1a state after the salt (GrowthBook v2 hashes `salt + id`, so the prefix is shared).
    @usableFromInline let saltPrefix: FNV1a

    public init(_ algorithm: HashAlgorithm, salt: String) {
        self.algorithm = algorithm
        self.salt = salt
        self.seed = XXH64.hash(salt)
        var prefix = FNV1a()
        prefix.combine(salt)
        self.saltPrefix = prefix
    }

    /// The bucket of `id`, in [0, 1).
    @inlinable
    public func bucket(_ id: some StringProtocol) -> Double {
        switch algorithm {
        case .touchstone:
            return Double(XXH64.hash(id, seed: seed) >> 11) * 0x1p-53
        case .growthbookV1:
            var hasher = FNV1a()
            hasher.combine(id)
            hasher.combine(salt)
            return Double(hasher.state % 1000) / 1000
        case .growthbookV2:
            var inner = saltPrefix
            inner.combine(id)
            var outer = FNV1a()
            outer.combineDecimal(inner.state)
            return Double(outer.state % 10000) / 10000
        }
    }

    /// The bucket of the id whose UTF-8 bytes are `bytes`: for valid UTF-8, equal to
    /// ``bucket(_:)`` of `String(decoding: bytes, as: UTF8.self)`, without building the string
    /// (batch assignment hashes ids straight from the input buffer, validated beforehand).
    @inlinable
    public func bucket(utf8 bytes: UnsafeRawBufferPointer) -> Double {
        switch algorithm {
        case .touchstone:
            return Double(XXH64.hash(bytes, seed: seed) >> 11) * 0x1p-53
        case .growthbookV1:
            var hasher = FNV1a()
            hasher.combine(utf8: bytes)
            hasher.combine(salt)
            return Double(hasher.state % 1000) / 1000
        case .growthbookV2:
            var inner = saltPrefix
            inner.combine(utf8: bytes)
            var outer = FNV1a()
            outer.combineDecimal(inner.state)
            return Double(outer.state % 10000) / 10000
        }
    }
}
