/// Descriptive statistics of customer journeys: which paths are common and how they convert.
///
/// Everything here is **observational**: journeys that include a channel differ from those that
/// do not in many ways besides the channel, so these rates describe, they do not measure
/// effects. Use an experiment (`touchstone analyze`) for causal lift.
public struct JourneyReport: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var key: String
        public var journeys: Double
        public var conversions: Double
        public var conversionRate: Double
        public var value: Double
    }

    public struct ChannelMix: Sendable, Codable, Equatable {
        public var channel: String
        /// Share of all touches that are on this channel.
        public var touchShare: Double
        /// Share of journeys that touch the channel at least once.
        public var journeyShare: Double
        /// Conversion rate of the journeys that touch it.
        public var conversionRate: Double
    }

    public var observational: Bool
    public var note: String
    public var journeys: Double
    public var conversions: Double
    public var conversionRate: Double
    public var topPaths: [Group]
    public var byLength: [Group]
    public var byDistinctChannels: [Group]
    public var channelMix: [ChannelMix]
    /// Journeys grouped as `in-product only`, `out-of-product only`, `both` or `neither`.
    public var productMix: [Group]
    /// Days from first touch to conversion (``JourneyStatistics/TimeToConversion``); absent
    /// from the JSON when no journey converted or the input has no times (aggregated paths).
    public var timeToConversion: JourneyStatistics.TimeToConversion?
    public var timeToConversionHistogram: [JourneyStatistics.Bin]
    public var pathLength: [JourneyStatistics.PathLength]
    /// Channel-to-channel step counts (``JourneyStatistics/Transition``).
    public var transitions: [JourneyStatistics.Transition]

    public struct Options: Sendable {
        public var top = 20
        public var inProduct: Set<String> = ["in_app", "web"]
        public var outOfProduct: Set<String> = ["email", "push", "sms"]
        /// Lengths and distinct-channel counts above this are grouped as `N+`.
        public var maxBucket = 10
        public init() {}
    }

    /// Summarises `paths`; a path's journeys are its conversions plus its nulls.
    public init(paths: PathSet, options: Options = Options()) {
        let aggregated = paths.aggregated()
        let channelCount = paths.channels.count
        var totalJourneys = 0.0, totalConversions = 0.0
        var lengths: [Int: (Double, Double, Double)] = [:]
        var distinct: [Int: (Double, Double, Double)] = [:]
        var mix: [String: (Double, Double, Double)] = [:]
        var touchCounts = [Double](repeating: 0, count: channelCount)
        var channelJourneys = [Double](repeating: 0, count: channelCount)
        var channelConversions = [Double](repeating: 0, count: channelCount)
        var seen = [Bool](repeating: false, count: channelCount)
        var present: [Int] = []
        var totalTouches = 0.0
        var inProduct = [Bool](repeating: false, count: channelCount)
        var outProduct = [Bool](repeating: false, count: channelCount)
        for (id, name) in paths.channels.names.enumerated() {
            inProduct[id] = options.inProduct.contains(name)
            outProduct[id] = options.outOfProduct.contains(name)
        }
        var rows: [(Int, Double, Double, Double)] = []
        for p in 0..<aggregated.count {
            let conv = aggregated.conversions[p], journeys = conv + aggregated.nulls[p], value = aggregated.values[p]
            guard journeys > 0 else { continue }
            rows.append((p, journeys, conv, value))
            totalJourneys += journeys
            totalConversions += conv
            let path = aggregated.path(p)
            present.removeAll(keepingCapacity: true)
            for id in path {
                touchCounts[Int(id)] += journeys
                totalTouches += journeys
                if !seen[Int(id)] {
                    seen[Int(id)] = true
                    present.append(Int(id))
                }
            }
            var hasIn = false, hasOut = false
            for id in present {
                seen[id] = false
                channelJourneys[id] += journeys
                channelConversions[id] += conv
                hasIn = hasIn || inProduct[id]
                hasOut = hasOut || outProduct[id]
            }
            func add(_ table: inout [Int: (Double, Double, Double)], _ key: Int) {
                let old = table[key] ?? (0, 0, 0)
                table[key] = (old.0 + journeys, old.1 + conv, old.2 + value)
            }
            add(&lengths, min(path.count, options.maxBucket))
            add(&distinct, min(present.count, options.maxBucket))
            let mixKey = hasIn && hasOut ? "both" : hasIn ? "in-product only" : hasOut ? "out-of-product only" : "neither"
            let old = mix[mixKey] ?? (0, 0, 0)
            mix[mixKey] = (old.0 + journeys, old.1 + conv, old.2 + value)
        }
        func group(_ key: String, _ t: (Double, Double, Double)) -> Group {
            Group(key: key, journeys: t.0, conversions: t.1, conversionRate: t.0 > 0 ? t.1 / t.0 : 0, value: t.2)
        }
        func buckets(_ table: [Int: (Double, Double, Double)]) -> [Group] {
            table.keys.sorted().map { key in
                group(key >= options.maxBucket ? "\(key)+" : "\(key)", table[key] ?? (0, 0, 0))
            }
        }
        rows.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        topPaths = rows.prefix(options.top).map { row in
            let name = aggregated.path(row.0).map { paths.channels.names[Int($0)] }.joined(separator: " > ")
            return group(name, (row.1, row.2, row.3))
        }
        byLength = buckets(lengths)
        byDistinctChannels = buckets(distinct)
        channelMix = paths.channels.names.enumerated().map { id, name in
            ChannelMix(
                channel: name, touchShare: totalTouches > 0 ? touchCounts[id] / totalTouches : 0,
                journeyShare: totalJourneys > 0 ? channelJourneys[id] / totalJourneys : 0,
                conversionRate: channelJourneys[id] > 0 ? channelConversions[id] / channelJourneys[id] : 0)
        }
        productMix = ["in-product only", "out-of-product only", "both", "neither"].compactMap { key in
            mix[key].map { group(key, $0) }
        }
        let statistics = JourneyStatistics(paths: paths)
        timeToConversion = statistics.timeToConversion
        timeToConversionHistogram = statistics.timeToConversionHistogram
        pathLength = statistics.pathLength
        transitions = statistics.transitions
        journeys = totalJourneys
        conversions = totalConversions
        conversionRate = totalJourneys > 0 ? totalConversions / totalJourneys : 0
        observational = true
        note = "observational: rates describe journeys, they do not measure what a channel causes (run an experiment for lift)"
    }
}
