/// A layer (GrowthBook: namespace): experiments in one layer own disjoint slices of a shared
/// layer hash, so a unit is in at most one of them.
///
/// The layer hash uses the salt `"__" + name`. In GrowthBook modes it is exactly the SDK's
/// `inNamespace` (`hash("__" + namespace, id, 1)`, always version 1).
public struct LayerAllocation: Sendable, Hashable {
    public let name: String
    /// `lower ..< upper` in [0, 1].
    public let lower: Double
    public let upper: Double
    public let hash: SaltedHash

    public init(name: String, lower: Double, upper: Double, algorithm: HashAlgorithm) {
        self.name = name
        self.lower = lower
        self.upper = upper
        let layerAlgorithm: HashAlgorithm = algorithm == .touchstone ? .touchstone : .growthbookV1
        self.hash = SaltedHash(layerAlgorithm, salt: "__" + name)
    }

    /// `true` when `id` falls in this experiment's slice of the layer.
    @inlinable
    public func contains(_ id: some StringProtocol) -> Bool {
        let bucket = hash.bucket(id)
        return bucket >= lower && bucket < upper
    }

    /// ``contains(_:)`` for an id given as valid UTF-8 bytes.
    @inlinable
    public func contains(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        let bucket = hash.bucket(utf8: bytes)
        return bucket >= lower && bucket < upper
    }
}

/// A holdout: a share of all units kept out of every experiment it applies to.
///
/// A unit is held out when its bucket under salt `salt` (default: the key) is below `share`,
/// so raising the share only adds units to the holdout.
public struct Holdout: Sendable, Hashable {
    public let key: String
    public let share: Double
    /// The unit attribute hashed (default `id`).
    public let unit: String
    public let hash: SaltedHash

    public init(key: String, share: Double, unit: String = "id", hash: SaltedHash? = nil) {
        self.key = key
        self.share = share
        self.unit = unit
        self.hash = hash ?? SaltedHash(.touchstone, salt: key)
    }

    public func holds(_ id: some StringProtocol) -> Bool {
        hash.bucket(id) < share
    }

    /// ``holds(_:)`` for an id given as valid UTF-8 bytes.
    @inlinable
    public func holds(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        hash.bucket(utf8: bytes) < share
    }
}
