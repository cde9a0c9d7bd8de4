/// Time to conversion, path lengths and channel-to-channel transitions of a set of journeys.
///
/// Conventions (shared with ``JourneyReport``'s other tables and with ChannelAttribution):
/// a path's *journeys* are its conversions plus its nulls (`total_conversions + total_null`),
/// so a row converting twice counts as two converting journeys in ``pathLength`` and
/// ``transitions``; time to conversion takes one value per converting journey.
public struct JourneyStatistics: Sendable, Codable, Equatable {
    /// Quantiles of the days from a converting journey's first kept touch (after the lookback
    /// window) to its conversion, one value per converting journey.
    ///
    /// Quantile definition: linear interpolation between order statistics, Hyndman & Fan (1996)
    /// type 7 — numpy's and pandas' default: with the n values sorted, `h = (n − 1)·p` and
    /// `Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋])` (0-based).
    public struct TimeToConversion: Sendable, Codable, Equatable {
        public var p25: Double
        public var p50: Double
        public var p75: Double
        public var p90: Double
    }

    /// Journeys with exactly `touches` touches (no `N+` bucket, unlike ``JourneyReport/byLength``).
    public struct PathLength: Sendable, Codable, Equatable {
        public var touches: Int
        public var journeys: Double
        public var conversions: Double
    }

    /// How often a journey stepped from one state to the next. States are channel names and
    /// `(start)`, `(conversion)`, `(null)`: every journey runs `(start) → touch₁ → … → touchₙ`
    /// then to `(conversion)` or `(null)`. Repeated channels are self-transitions (raw touches,
    /// nothing collapsed). Steps weigh the path's journeys (conversions + nulls); the final step
    /// weighs its conversions (to `(conversion)`) or its nulls (to `(null)`) — the counts of
    /// ChannelAttribution's first-order chain before it collapses repeats.
    public struct Transition: Sendable, Codable, Equatable {
        public var from: String
        public var to: String
        public var count: Double
    }

    /// One bar of the time-to-conversion histogram: converting journeys whose time to
    /// conversion lies in `[fromDays, toDays)`.
    public struct Bin: Sendable, Codable, Equatable {
        public var fromDays: Double
        public var toDays: Double
        public var journeys: Double
    }

    /// `nil` when no journey converted or the paths carry no times (aggregated paths).
    public var timeToConversion: TimeToConversion?
    public var timeToConversionHistogram: [Bin]
    public var pathLength: [PathLength]
    /// Ordered by `from` then `to`: `(start)` first, channels in order of first appearance,
    /// `(conversion)` and `(null)` last; only steps that occur.
    public var transitions: [Transition]

    public static let start = "(start)"
    public static let conversion = "(conversion)"
    public static let null = "(null)"

    public init(paths: PathSet) {
        let channelCount = paths.channels.count
        // Transition counts in a dense (start + channels) × (channels + conversion + null) matrix.
        let columns = channelCount + 2
        var matrix = [Double](repeating: 0, count: (channelCount + 1) * columns)
        var lengths: [Int: (journeys: Double, conversions: Double)] = [:]
        var days: [Double] = []
        for p in 0..<paths.count {
            let path = paths.path(p)
            guard let firstTouch = path.first, let lastTouch = path.last else { continue }
            let conversions = paths.conversions[p], nulls = paths.nulls[p]
            let journeys = conversions + nulls
            guard journeys > 0 else { continue }
            let old = lengths[path.count] ?? (0, 0)
            lengths[path.count] = (old.journeys + journeys, old.conversions + conversions)
            matrix[Int(firstTouch)] += journeys
            var previous = Int(firstTouch)
            for id in path.dropFirst() {
                matrix[(previous + 1) * columns + Int(id)] += journeys
                previous = Int(id)
            }
            matrix[(Int(lastTouch) + 1) * columns + channelCount] += conversions
            matrix[(Int(lastTouch) + 1) * columns + channelCount + 1] += nulls
            // A touchpoint log stores each touch's seconds before the journey's end; the first
            // touch's age is the time from first touch to conversion.
            if conversions > 0, let ages = paths.ages {
                days.append(ages[paths.starts[p]] / 86_400)
            }
        }
        let names = paths.channels.names
        var transitions: [Transition] = []
        for row in 0...channelCount {
            for column in 0..<columns where matrix[row * columns + column] > 0 {
                let from = row == 0 ? Self.start : names[row - 1]
                let to = column < channelCount ? names[column] : column == channelCount ? Self.conversion : Self.null
                transitions.append(Transition(from: from, to: to, count: matrix[row * columns + column]))
            }
        }
        self.transitions = transitions
        pathLength = lengths.keys.sorted().map { key in
            PathLength(touches: key, journeys: lengths[key]?.journeys ?? 0, conversions: lengths[key]?.conversions ?? 0)
        }
        days.sort()
        if days.isEmpty {
            timeToConversion = nil
            timeToConversionHistogram = []
        } else {
            timeToConversion = TimeToConversion(
                p25: Self.quantile(sorted: days, 0.25), p50: Self.quantile(sorted: days, 0.5),
                p75: Self.quantile(sorted: days, 0.75), p90: Self.quantile(sorted: days, 0.9))
            timeToConversionHistogram = Self.histogram(sorted: days)
        }
    }

    /// Hyndman & Fan type 7 quantile of ascending, non-empty `sorted`.
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        guard let first = sorted.first else { return .nan }
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        guard lower + 1 < sorted.count else { return sorted[sorted.count - 1] }
        guard lower >= 0 else { return first }
        return sorted[lower] + (h - Double(lower)) * (sorted[lower + 1] - sorted[lower])
    }

    /// Bins of a whole number of days, at most 30 of them from day 0, so a 30-day lookback
    /// reads one bar per day and a 90-day one one bar per three days.
    static func histogram(sorted days: [Double]) -> [Bin] {
        let maximum = days.last ?? 0
        let width = max(1, (maximum / 30).rounded(.up))
        let count = max(1, Int((maximum / width).rounded(.down)) + 1)
        var counts = [Double](repeating: 0, count: count)
        for day in days { counts[min(count - 1, max(0, Int((day / width).rounded(.down))))] += 1 }
        return counts.enumerated().map { k, n in
            Bin(fromDays: Double(k) * width, toDays: Double(k + 1) * width, journeys: n)
        }
    }
}
