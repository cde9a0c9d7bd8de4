import Benchmark
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

/// 1,000 treatment arms against one control, as per-arm sufficient statistics: what every input
/// path reduces to before the statistics core runs.
private let armCount = 1_000
private let proportionArms = (0...armCount).map { SufficientStatistics.proportion(units: 100_000, conversions: 5_000 + $0) }
private let meanArms = (0...armCount).map { SufficientStatistics(count: 50_000, mean: 10 + Double($0) * 1e-3, stdDev: 25) }
private let names = ["control"] + (1...armCount).map { "arm\($0)" }
private let table = ArmTable(
    variants: names,
    metrics: [
        .init(name: "conversion", kind: .proportion, arms: Dictionary(uniqueKeysWithValues: zip(names, proportionArms))),
        .init(name: "revenue", kind: .mean, arms: Dictionary(uniqueKeysWithValues: zip(names, meanArms))),
    ],
    units: Dictionary(uniqueKeysWithValues: zip(names, proportionArms.map(\.count))))

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))

    Benchmark("z tests: 1,000 arms vs control", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for arm in proportionArms.dropFirst() {
                blackHole(TwoProportionZTest.compare(control: proportionArms[0], treatment: arm))
            }
        }
    }

    Benchmark("Welch t tests: 1,000 arms vs control", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            for arm in meanArms.dropFirst() {
                blackHole(WelchTTest.compare(control: meanArms[0], treatment: arm))
            }
        }
    }

    Benchmark("analysis: 1,000 arms x 2 metrics (SRM, Holm over 2,000 comparisons)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ExperimentAnalysis.analyze(table, settings: AnalysisSettings(control: "control")))
        }
    }

    Benchmark("merge 1,000 partial aggregates", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            var total = SufficientStatistics()
            for part in meanArms { total.merge(part) }
            blackHole(total)
        }
    }

    Benchmark("sample size: proportion, two-sided", configuration: configuration) { benchmark in
        let analysis = try PowerAnalysis(metric: .proportion(baseline: 0.05), relative: true)
        for _ in benchmark.scaledIterations {
            blackHole(try analysis.samplePerArm(effect: 0.1))
        }
    }
}
