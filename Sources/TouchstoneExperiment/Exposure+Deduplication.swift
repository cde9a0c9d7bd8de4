/// What is kept per (experiment, unit) from any number of exposures: the first exposure's
/// variant and time, the last time, and whether the unit was ever seen in another variant.
///
/// "First" means the earliest timestamp, not the first line read: logs arrive late and out of
/// order. The merge is commutative, associative and idempotent (a join semilattice), so the
/// state does not depend on file order, on how ingestion was split into batches, or on a file
/// being ingested twice — which is what makes re-running a crashed ingest exact. The SQLite
/// store's upsert (`ExposureStore`) implements this same merge in SQL.
///
/// Ties on the earliest timestamp go to the variant whose UTF-8 bytes sort first (SQLite's
/// BINARY collation), so the choice is deterministic. Such a unit is multi-variant anyway.
public struct ExposureState: Sendable, Hashable {
    public private(set) var variant: String
    public private(set) var firstAt: Int64
    public private(set) var lastAt: Int64
    /// Seen in more than one variant: excluded from analysis and reported.
    public private(set) var isMultiVariant: Bool

    public init(_ exposure: Exposure) {
        variant = exposure.variant
        firstAt = exposure.timestamp
        lastAt = exposure.timestamp
        isMultiVariant = false
    }

    public init(variant: String, firstAt: Int64, lastAt: Int64, isMultiVariant: Bool) {
        self.variant = variant
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.isMultiVariant = isMultiVariant
    }

    /// Folds in another state for the same (experiment, unit).
    public mutating func merge(_ other: ExposureState) {
        isMultiVariant = isMultiVariant || other.isMultiVariant || other.variant != variant
        if other.firstAt < firstAt || (other.firstAt == firstAt && other.variant.utf8.lexicographicallyPrecedes(variant.utf8)) {
            variant = other.variant
        }
        firstAt = min(firstAt, other.firstAt)
        lastAt = max(lastAt, other.lastAt)
    }

    /// Folds in one more exposure.
    public mutating func merge(_ exposure: Exposure) {
        merge(ExposureState(exposure))
    }
}
