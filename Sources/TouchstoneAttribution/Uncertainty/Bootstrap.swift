import Foundation

/// Percentile bootstrap intervals for every channel's credit (Efron & Tibshirani 1993, ch. 13).
///
/// Each replicate resamples with replacement the units that made the journeys — all of a
/// unit's journeys travel together, so repeat converters are not treated as independent — and
/// re-runs the model on the reweighted paths. Aggregated paths carry no unit ids; there each
/// journey (a conversion or a null along a path) is the resampled unit.
///
/// Replicate r draws from its own xoshiro256** stream, the seed's stream jumped r times
/// (``SeededGenerator/jump()``), so replicates run in parallel on ``threads`` threads and the
/// same seed gives the same intervals whatever the number of threads.
public struct Bootstrap: Sendable {
    public var replicates: Int
    public var seed: UInt64
    /// The central coverage of the interval (0.95 → 2.5th and 97.5th percentiles).
    public var level: Double
    /// Threads the replicates are spread over (the results do not depend on it).
    public var threads: Int
    /// Called with 1 after each replicate, from the worker threads (a progress bar's counter).
    public var progress: (@Sendable (_ replicates: Int) -> Void)?
    /// The most journeys (conversions plus nulls) of aggregated paths a replicate draws one by one.
    public static let maximumJourneys = 100_000_000

    public init(replicates: Int, seed: UInt64 = 1, level: Double = 0.95, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.replicates = replicates
        self.seed = seed
        self.level = level
        self.threads = threads
    }

    /// Adds `conversionsCI` and `valueCI` to each channel of `result` (computed by `model` on `paths`).
    public func addIntervals(to result: inout AttributionResult, model: some AttributionModel, paths: PathSet) throws {
        guard replicates >= 2 else { throw AttributionError.invalidOption("the bootstrap needs at least 2 replicates") }
        guard level > 0, level < 1 else { throw AttributionError.invalidOption("the interval level must be in (0, 1)") }
        let channelCount = paths.channels.count

        // Aggregate once when the model does not need per-journey timestamps: replicates then
        // only reweight the distinct paths.
        let (base, mapping): (PathSet, [Int32]?) = model.needsTimestamps
            ? (paths, nil) : { let a = paths.aggregatedWithMapping(); return (a.paths, a.mapping) }()

        // Journeys as units: category 2p is "a conversion along path p", 2p+1 "a null along p".
        var cumulative: [Double] = []
        var journeys = 0
        if paths.units == nil || paths.unitCount == 0 {
            cumulative.reserveCapacity(2 * base.count)
            var total = 0.0
            for p in 0..<base.count {
                // Each journey is a resampled unit: a fractional count has no number of journeys
                // to draw (rounding it would give an interval that excludes its own estimate).
                for (count, kind) in [(base.conversions[p], "conversions"), (base.nulls[p], "nulls")]
                where !(count.isFinite && count.rounded() == count) {
                    throw AttributionError.invalidOption(
                        "the bootstrap resamples journeys, and path '\(base.describePath(p))' has \(count) \(kind): "
                            + "counts must be whole numbers to bootstrap (drop --bootstrap, or give unit-level touchpoints)")
                }
                total += base.conversions[p]
                cumulative.append(total)
                total += base.nulls[p]
                cumulative.append(total)
            }
            guard total <= Double(Self.maximumJourneys) else {
                throw AttributionError.invalidOption(
                    "the bootstrap draws every journey of every replicate, and the paths hold \(total) journeys "
                        + "(at most \(Self.maximumJourneys)): bootstrap a sample of the paths, or drop --bootstrap")
            }
            journeys = Int(total)
            guard journeys > 0 else { throw AttributionError.noJourneys }
        }

        let resampler: UnitResampler?
        if let units = paths.units, paths.unitCount > 0 {
            guard let unitResampler = UnitResampler(paths: paths, units: units, mapping: mapping) else {
                throw AttributionError.invalidOption("the paths' unit numbers do not fit their unit count")
            }
            resampler = unitResampler
        } else {
            resampler = nil
        }
        let credits = try model.reweightedCredits(of: base)
        let draws = DrawTable(replicates: replicates, channels: channelCount)
        let workers = max(1, min(threads, replicates))
        let failures = FailureSlots(count: workers)
        let (replicates, seed, table, journeyCount, progress) = (replicates, seed, cumulative, journeys, progress)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let lower = replicates * worker / workers, upper = replicates * (worker + 1) / workers
            var stream = SeededGenerator(seed: seed)
            for _ in 0..<lower { stream.jump() }
            var conversions = [Double](repeating: 0, count: base.count)
            var values = [Double](repeating: 0, count: base.count)
            var nulls = [Double](repeating: 0, count: base.count)
            var multiplicity = [UInt32](repeating: 0, count: paths.unitCount)
            do {
                for r in lower..<upper {
                    var generator = stream
                    stream.jump()
                    for k in 0..<base.count {
                        conversions[k] = 0
                        values[k] = 0
                        nulls[k] = 0
                    }
                    if let resampler {
                        resampler.resample(
                            generator: &generator, multiplicity: &multiplicity,
                            conversions: &conversions, values: &values, nulls: &nulls)
                    } else {
                        for _ in 0..<journeyCount {
                            let draw = Double(generator.nextInt(below: journeyCount))
                            var low = 0, high = table.count - 1
                            while low < high {
                                let mid = (low + high) / 2
                                if table[mid] > draw { high = mid } else { low = mid + 1 }
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
                    }
                    let credit: (conversions: [Double], values: [Double])
                    do {
                        credit = try credits(conversions, values, nulls)
                    } catch AttributionError.noJourneys {
                        credit = ([Double](repeating: 0, count: channelCount), [Double](repeating: 0, count: channelCount))
                    }
                    draws.record(replicate: r, conversions: credit.conversions, values: credit.values)
                    progress?(1)
                }
            } catch {
                failures[worker] = error
            }
        }
        if let failure = failures.first { throw failure }

        let tail = (1 - level) / 2
        for k in result.channels.indices {
            guard let id = paths.channels.id(of: result.channels[k].channel) else { continue }
            result.channels[k].conversionsCI = Self.percentiles(draws.conversions(channel: Int(id)), tail)
            result.channels[k].valueCI = Self.percentiles(draws.values(channel: Int(id)), tail)
        }
        result.bootstrap = BootstrapSummary(
            replicates: replicates, seed: seed, level: level, resampled: paths.units == nil ? "journeys" : "units")
    }

    /// One replicate's resample of units: `unitCount` draws with replacement, then every journey
    /// added to its (aggregated) path's weights as many times as its unit was drawn.
    ///
    /// It runs 10⁸ journey updates in a 1,000-replicate bootstrap of 100,000 journeys, so it reads
    /// flat buffers; the arithmetic, and its order, is the plain loop's (`m · weight`, journeys in
    /// path order), which keeps the intervals bit for bit what they were.
    private struct UnitResampler: Sendable {
        struct Journey {
            var unit: Int32
            /// The aggregated path the journey adds to.
            var target: Int32
            var conversions: Double
            var value: Double
            var nulls: Double
        }

        let unitCount: Int
        let journeys: [Journey]
        /// Every journey's numbers are finite, so a unit drawn 0 times may add `0 · x = 0`
        /// instead of being skipped: the same sums, without a branch that mispredicts for the
        /// third of units left out of each replicate.
        let branchless: Bool

        /// `nil` when a unit number is outside `0..<unitCount` or the mapping does not cover the paths.
        init?(paths: PathSet, units: [Int32], mapping: [Int32]?) {
            unitCount = paths.unitCount
            guard units.count == paths.count, mapping.map({ $0.count == paths.count }) ?? true else { return nil }
            var journeys: [Journey] = []
            journeys.reserveCapacity(paths.count)
            for p in 0..<paths.count {
                guard units[p] >= 0, Int(units[p]) < unitCount else { return nil }
                journeys.append(
                    Journey(
                        unit: units[p], target: mapping?[p] ?? Int32(truncatingIfNeeded: p),
                        conversions: paths.conversions[p], value: paths.values[p], nulls: paths.nulls[p]))
            }
            self.journeys = journeys
            branchless = journeys.allSatisfy { $0.conversions.isFinite && $0.value.isFinite && $0.nulls.isFinite }
        }

        /// Adds the replicate's weights to `conversions`, `values` and `nulls` (zeroed by the caller).
        func resample(
            generator: inout SeededGenerator, multiplicity: inout [UInt32],
            conversions: inout [Double], values: inout [Double], nulls: inout [Double]
        ) {
            let (unitCount, branchless) = (unitCount, branchless)
            // Counts as UInt32 (a unit is drawn at most unitCount < 2³¹ times): half the cache
            // footprint of Doubles for the random increments, and the same m as a Double below.
            multiplicity.withUnsafeMutableBufferPointer { drawn in
                for u in 0..<unitCount { drawn[u] = 0 }
                for _ in 0..<unitCount { drawn[generator.nextInt(below: unitCount)] &+= 1 }
                journeys.withUnsafeBufferPointer { journeys in
                    conversions.withUnsafeMutableBufferPointer { conversions in
                        values.withUnsafeMutableBufferPointer { values in
                            nulls.withUnsafeMutableBufferPointer { nulls in
                                for journey in journeys {
                                    let m = Double(drawn[Int(journey.unit)])
                                    guard branchless || m > 0 else { continue }
                                    let target = Int(journey.target)
                                    conversions[target] += m * journey.conversions
                                    values[target] += m * journey.value
                                    nulls[target] += m * journey.nulls
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Credits per replicate and channel; replicate r's row is written by the one task that
    /// runs it, so the rows need no lock.
    private final class DrawTable: @unchecked Sendable {
        let channels: Int
        private let conversionCells: UnsafeMutableBufferPointer<Double>
        private let valueCells: UnsafeMutableBufferPointer<Double>
        let replicates: Int

        init(replicates: Int, channels: Int) {
            self.replicates = replicates
            self.channels = channels
            conversionCells = .allocate(capacity: max(1, replicates * channels))
            conversionCells.initialize(repeating: 0)
            valueCells = .allocate(capacity: max(1, replicates * channels))
            valueCells.initialize(repeating: 0)
        }

        deinit {
            conversionCells.deallocate()
            valueCells.deallocate()
        }

        func record(replicate r: Int, conversions: [Double], values: [Double]) {
            for c in 0..<channels {
                conversionCells[r * channels + c] = c < conversions.count ? conversions[c] : 0
                valueCells[r * channels + c] = c < values.count ? values[c] : 0
            }
        }

        func conversions(channel c: Int) -> [Double] { (0..<replicates).map { conversionCells[$0 * channels + c] } }
        func values(channel c: Int) -> [Double] { (0..<replicates).map { valueCells[$0 * channels + c] } }
    }

    /// The first error of each worker, read after all have finished.
    private final class FailureSlots: @unchecked Sendable {
        private let errors: UnsafeMutableBufferPointer<(any Error)?>

        init(count: Int) {
            errors = .allocate(capacity: count)
            errors.initialize(repeating: nil)
        }

        deinit {
            errors.deinitialize()
            errors.deallocate()
        }

        subscript(worker: Int) -> (any Error)? {
            get { errors[worker] }
            set { errors[worker] = newValue }
        }

        var first: (any Error)? { errors.lazy.compactMap { $0 }.first }
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
