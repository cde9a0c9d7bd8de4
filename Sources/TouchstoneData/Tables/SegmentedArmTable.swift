import TouchstoneStats

/// Per-arm statistics split by the values of one unit attribute (`--by country`).
///
/// Each segment is a complete ``ArmTable`` of the units with that value; the overall table is
/// their exact merge (sufficient statistics add), so splitting never changes the overall result.
/// A unit's segment is the attribute's value on its first exposure; where several exposures
/// share the earliest time, the bytewise-smallest value — the rule the SQL push-down uses too.
/// An empty attribute is the segment `""`.
public struct SegmentedArmTable: Sendable, Hashable {
    public struct Segment: Sendable, Hashable {
        /// The attribute's value (`""` when it was empty).
        public var value: String
        public var table: ArmTable

        public init(value: String, table: ArmTable) {
            self.value = value
            self.table = table
        }
    }

    /// More distinct values than this is almost surely the wrong column (a unit id, a
    /// timestamp): readers stop with an error rather than produce thousands of read-outs.
    public static let maximumSegments = 1_000

    /// The attribute (column) the units were split by.
    public var column: String
    /// Segments ordered by value, bytewise (deterministic whatever the input order).
    public private(set) var segments: [Segment]

    public init(column: String, segments: [Segment]) {
        self.column = column
        self.segments = segments.sorted { $0.value.utf8.lexicographicallyPrecedes($1.value.utf8) }
    }

    /// All units together: the segments' statistics merged arm by arm.
    public var overall: ArmTable {
        ArmTable.merged(segments.map(\.table))
    }
}

extension ArmTable {
    /// The table of all units of `tables`, which must describe the same metrics.
    ///
    /// Variants keep their first-seen order across the tables; an arm missing from a table
    /// contributes no units. Statistics merge by ``SufficientStatistics/merge(_:)``; a 0/1
    /// metric without a covariate is rebuilt from its integer counts, so its rate stays the
    /// exact x / n.
    public static func merged(_ tables: [ArmTable]) -> ArmTable {
        guard var result = tables.first else { return ArmTable(variants: [], metrics: [], units: [:]) }
        // A set beside the list: a linear `contains` per variant would make many arms quadratic.
        var known = Set(result.variants.map { ByteKey($0) })
        for table in tables.dropFirst() {
            for variant in table.variants where known.insert(ByteKey(variant)).inserted { result.variants.append(variant) }
            for (variant, units) in table.units { result.units[variant, default: 0] += units }
            for (index, metric) in table.metrics.enumerated() where index < result.metrics.count {
                for (variant, statistics) in metric.arms {
                    result.metrics[index].arms[variant, default: SufficientStatistics()].merge(statistics)
                }
                for (variant, moments) in metric.jointArms {
                    result.metrics[index].jointArms[variant, default: JointMoments(dimension: moments.dimension)].merge(moments)
                }
            }
        }
        for index in result.metrics.indices where result.metrics[index].kind == .proportion && result.metrics[index].covariate == nil {
            for (variant, statistics) in result.metrics[index].arms {
                result.metrics[index].arms[variant] = .proportion(
                    units: statistics.count, conversions: Int((statistics.mean * Double(statistics.count)).rounded()))
            }
        }
        result.quantiles = QuantileSamples.merged(tables.map(\.quantiles))
        return result
    }
}
