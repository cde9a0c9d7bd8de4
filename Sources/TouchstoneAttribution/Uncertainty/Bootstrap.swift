/// Percentile bootstrap intervals for every channel's credit (Efron & Tibshirani 1993, ch. 13).
///
/// Each replicate resamples with replacement the units that made the journeys — all of a
/// unit's journeys travel together, so repeat converters are not treated as independent — and
/// re-runs the model on the reweighted paths. Aggregated paths carry no unit ids; there each
/// journey (a conversion or a null along a path) is the resampled unit. Replicates use a
/// seeded xoshiro256** stream, so the same seed gives the same intervals.
public struct Bootstrap: Sendable {
    public var replicates: Int
    public var seed: UInt64
    /// The central coverage of the interval (0.95 → 2.5th and 97.5th percentiles).
    public var level: Double

    public init(replicates: Int, seed: UInt64 = 1, level: Double = 0.95) {
        self.replicates = replicates
        self.seed = seed
        self.level = level
    }

    /// Adds `conversionsCI` and `valueCI` to each channel of `result` (computed by `model` on `paths`).
    public func addIntervals(to result: inout AttributionResult, model: some AttributionModel, paths: PathSet) throws {
        guard replicates >= 2 else { throw AttributionError.invalidOption("the bootstrap needs at least 2 replicates") }
        guard level > 0, level < 1 else { throw AttributionError.invalidOption("the interval level must be in (0, 1)") }
        let channelCount = paths.channels.count
        var conversionDraws = [[Double]](repeating: [], count: channelCount)
        var valueDraws = [[Double]](repeating: [], count: channelCount)
        var generator = SeededGenerator(seed: seed)

        // Aggregate once when the model does not need per-journey timestamps: replicates then
        // only reweight the distinct paths.
        let (base, mapping): (PathSet, [Int32]?) = model.needsTimestamps
            ? (paths, nil) : { let a = paths.aggregatedWithMapping(); return (a.paths, a.mapping) }()
        var conversions = [Double](repeating: 0, count: base.count)
        var values = [Double](repeating: 0, count: base.count)
        var nulls = [Double](repeating: 0, count: base.count)

        if let units = paths.units, paths.unitCount > 0 {
            let unitCount = paths.unitCount
            var multiplicity = [Double](repeating: 0, count: unitCount)
            for _ in 0..<replicates {
                for u in 0..<unitCount { multiplicity[u] = 0 }
                for _ in 0..<unitCount { multiplicity[generator.nextInt(below: unitCount)] += 1 }
                for k in 0..<base.count {
                    conversions[k] = 0
                    values[k] = 0
                    nulls[k] = 0
                }
                for p in 0..<paths.count {
                    let m = multiplicity[Int(units[p])]
                    guard m > 0 else { continue }
                    let target = mapping.map { Int($0[p]) } ?? p
                    conversions[target] += m * paths.conversions[p]
                    values[target] += m * paths.values[p]
                    nulls[target] += m * paths.nulls[p]
                }
                try record(model, base.reweighted(conversions: conversions, values: values, nulls: nulls))
            }
        } else {
            // Journeys as units: category 2p is "a conversion along path p", 2p+1 "a null along p".
            var cumulative: [Double] = []
            cumulative.reserveCapacity(2 * base.count)
            var total = 0.0
            for p in 0..<base.count {
                total += base.conversions[p].rounded()
                cumulative.append(total)
                total += base.nulls[p].rounded()
                cumulative.append(total)
            }
            let journeys = Int(total)
            guard journeys > 0 else { throw AttributionError.noJourneys }
            for _ in 0..<replicates {
                for k in 0..<base.count {
                    conversions[k] = 0
                    values[k] = 0
                    nulls[k] = 0
                }
                for _ in 0..<journeys {
                    let draw = Double(generator.nextInt(below: journeys))
                    var low = 0, high = cumulative.count - 1
                    while low < high {
                        let mid = (low + high) / 2
                        if cumulative[mid] > draw { high = mid } else { low = mid + 1 }
                    }
                    let p = low / 2
                    if low % 2 == 0 {
                        conversions[p] += 1
                        let c = base.conversions[p]
                        values[p] += c > 0 ? base.values[p] / c : 0
                    } else {
                        nulls[p] += 1
                    }
                }
                try record(model, base.reweighted(conversions: conversions, values: values, nulls: nulls))
            }
        }

        func record(_ model: some AttributionModel, _ sample: PathSet) throws {
            let credit: (conversions: [Double], values: [Double])
            do {
                credit = try model.credits(sample)
            } catch AttributionError.noJourneys {
                credit = ([Double](repeating: 0, count: channelCount), [Double](repeating: 0, count: channelCount))
            }
            for c in 0..<channelCount {
                conversionDraws[c].append(c < credit.conversions.count ? credit.conversions[c] : 0)
                valueDraws[c].append(c < credit.values.count ? credit.values[c] : 0)
            }
        }

        let tail = (1 - level) / 2
        for k in result.channels.indices {
            guard let id = paths.channels.id(of: result.channels[k].channel) else { continue }
            result.channels[k].conversionsCI = Self.percentiles(conversionDraws[Int(id)], tail)
            result.channels[k].valueCI = Self.percentiles(valueDraws[Int(id)], tail)
        }
        result.bootstrap = BootstrapSummary(
            replicates: replicates, seed: seed, level: level, resampled: paths.units == nil ? "journeys" : "units")
    }

    /// The `tail` and `1 − tail` sample quantiles (linear interpolation, Hyndman & Fan type 7).
    static func percentiles(_ draws: [Double], _ tail: Double) -> [Double] {
        let sorted = draws.sorted()
        func quantile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let h = q * Double(sorted.count - 1)
            let lower = Int(h.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
        }
        return [quantile(tail), quantile(1 - tail)]
    }
}
