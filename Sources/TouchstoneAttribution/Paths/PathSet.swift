/// Customer journeys as paths of channel ids with their outcomes.
///
/// A path is an ordered list of touches (channel ids); each path carries the number of
/// conversions it ended in, their total value, and the number of journeys along it that ended
/// without a conversion ("null" paths, as in ChannelAttribution). Paths built from a touchpoint
/// log are one per journey and also carry each touch's age (seconds before the journey ended)
/// and the unit that made the journey; ``aggregated()`` merges identical paths.
///
/// Storage is flat — all touches in one array, paths as offsets — so a path is an
/// `ArraySlice` view and a million journeys cost a handful of allocations.
public struct PathSet: Sendable {
    public internal(set) var channels: ChannelTable
    /// All touches, path after path.
    public internal(set) var touches: [Int32]
    /// Path `i` is `touches[starts[i]..<starts[i + 1]]`; `starts.count == count + 1`.
    public internal(set) var starts: [Int]
    public internal(set) var conversions: [Double]
    public internal(set) var values: [Double]
    public internal(set) var nulls: [Double]
    /// Per touch: seconds between the touch and the end of its journey (`nil` for aggregated paths).
    public internal(set) var ages: [Double]?
    /// Per path: the unit (user) that made it (`nil` for aggregated paths).
    public internal(set) var units: [Int32]?
    /// The number of distinct units when ``units`` is present.
    public internal(set) var unitCount: Int
    /// Conversions whose lookback window held no touch: they cannot be attributed to a channel.
    public internal(set) var unattributedConversions: Double
    public internal(set) var unattributedValue: Double
    /// Touchpoint logs: the first and last timestamp of any row (microseconds), the period the
    /// attribution describes; `nil` for aggregated paths.
    public internal(set) var period: ClosedRange<Int64>?

    /// An empty set over `channels`.
    public init(channels: ChannelTable = ChannelTable()) {
        self.channels = channels
        touches = []
        starts = [0]
        conversions = []
        values = []
        nulls = []
        ages = nil
        units = nil
        unitCount = 0
        unattributedConversions = 0
        unattributedValue = 0
        period = nil
    }

    /// Builds a set from channel-name paths (convenient for tests and small inputs).
    public init(paths: [(path: [String], conversions: Double, value: Double, nulls: Double)]) {
        self.init()
        for entry in paths {
            let ids = entry.path.map { channels.intern($0) }
            append(path: ids, conversions: entry.conversions, value: entry.value, nulls: entry.nulls)
        }
    }

    public var count: Int { conversions.count }

    /// The touches of path `index`.
    @inline(__always)
    public func path(_ index: Int) -> ArraySlice<Int32> {
        touches[starts[index]..<starts[index + 1]]
    }

    /// Path `index` as it is written in a paths file: channel names joined by `" > "`.
    public func describePath(_ index: Int) -> String {
        path(index).map { channels.names[Int($0)] }.joined(separator: " > ")
    }

    /// Why the totals cannot be attributed (conversions, value or nulls summing past the largest
    /// double, where every share would come out 0 or NaN), or nil.
    public var overflowProblem: String? {
        for (total, name) in [(totalConversions, "conversions"), (totalValue, "conversion value"), (totalNulls, "nulls")]
        where !total.isFinite {
            return "the paths' total \(name) overflows a double (\(total)): no share of it can be computed; check the counts"
        }
        return nil
    }

    public var totalConversions: Double { conversions.reduce(0, +) }
    public var totalValue: Double { values.reduce(0, +) }
    public var totalNulls: Double { nulls.reduce(0, +) }

    /// Appends one path; `ages` (one per touch) and `unit` must be given for all paths or none.
    public mutating func append<C: Collection>(
        path: C, conversions: Double, value: Double, nulls: Double, ages pathAges: [Double]? = nil, unit: Int32? = nil
    ) where C.Element == Int32 {
        touches.append(contentsOf: path)
        starts.append(touches.count)
        self.conversions.append(conversions)
        values.append(value)
        self.nulls.append(nulls)
        if let pathAges {
            if ages == nil { ages = [] }
            ages?.append(contentsOf: pathAges)
        }
        if let unit {
            if units == nil { units = [] }
            units?.append(unit)
            unitCount = max(unitCount, Int(unit) + 1)
        }
    }

    /// The same paths with other weights (used by the bootstrap); counts must match ``count``.
    func reweighted(conversions: [Double], values: [Double], nulls: [Double]) -> PathSet {
        var copy = self
        copy.conversions = conversions
        copy.values = values
        copy.nulls = nulls
        return copy
    }
}
