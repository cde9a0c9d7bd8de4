import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

/// Why the daily timeline is labelled: simulated A/A experiments, watched every day for 30 days
/// through ``ExperimentAnalysis/timeline(_:settings:)``. Stopping at the first significant day
/// keeps the false-positive rate at most α with `--method sequential` (the mixture SPRT's
/// intervals are valid at every day at once) and inflates it well past α with the fixed-horizon
/// test. The per-arm sufficient statistics of each day's arrivals are drawn directly (mean
/// N(0, 1/n), sum of squared deviations σ²·χ²ₙ₋₁), so 400 experiments take seconds.
@Suite("Timeline: watching an A/A test daily")
struct TimelineSequentialSimulationTests {
    static let days = 30, arrivalsPerDay = 200, experiments = 400

    /// The share of A/A experiments that some day of the timeline calls significant.
    static func rejectionRates(seed: UInt64) throws -> (sequential: Double, fixedHorizon: Double) {
        let random = RandomSource(seed: seed)
        let keys = [ByteKey("control"), ByteKey("treatment")]
        var sequential = AnalysisSettings(control: "control", method: .sequential)
        sequential.tuning = Double(2 * days * arrivalsPerDay)
        let fixed = AnalysisSettings(control: "control", method: .frequentist)
        var rejected = (sequential: 0, fixed: 0)
        for _ in 0..<experiments {
            var cumulative = [SufficientStatistics(), SufficientStatistics()]
            var points: [TimelinePoint] = []
            for day in 0..<days {
                for arm in 0..<2 {
                    let n = arrivalsPerDay
                    let mean = random.normal(mean: 10, stdDev: (1 / Double(n)).squareRoot())
                    let deviations = random.gamma(shape: Double(n - 1) / 2, scale: 2)
                    cumulative[arm].merge(SufficientStatistics(count: n, mean: mean, stdDev: (deviations / Double(n - 1)).squareRoot()))
                }
                let table = ArmTable(
                    variants: ["control", "treatment"],
                    metrics: [ArmTable.Metric(name: "revenue", kind: .mean, arms: Dictionary(uniqueKeysWithValues: zip(keys, cumulative)))],
                    units: Dictionary(uniqueKeysWithValues: zip(keys, cumulative.map(\.count))))
                points.append(TimelinePoint(date: "day \(day)", table: table))
            }
            let watched = try ExperimentAnalysis.timeline(points, settings: sequential)
            if watched.contains(where: { $0.metrics[0].comparisons[0].significant }) { rejected.sequential += 1 }
            let peeked = try ExperimentAnalysis.timeline(points, settings: fixed)
            if peeked.contains(where: { $0.metrics[0].comparisons[0].significant }) { rejected.fixed += 1 }
        }
        return (Double(rejected.sequential) / Double(experiments), Double(rejected.fixed) / Double(experiments))
    }

    @Test("sequential daily looks reject an A/A test at most 5% of the time; fixed-horizon daily looks far more")
    func sequentialKeepsAlphaFixedHorizonInflates() throws {
        let rates = try Self.rejectionRates(seed: 20_261_202)
        // Monte Carlo standard error of a 5% rate over 400 experiments: 1.1 points.
        #expect(rates.sequential <= 0.05, "sequential: \(rates.sequential)")
        // Thirty looks at a fixed-horizon 5% test: Armitage, McPherson & Rowe (1969) give about 25%.
        #expect(rates.fixedHorizon >= 0.15, "fixed horizon: \(rates.fixedHorizon)")
        print("A/A watched daily for \(Self.days) days: sequential \(rates.sequential), fixed horizon \(rates.fixedHorizon)")
    }
}
