import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport

/// Ratio metrics from raw logs (`--ratio revenue_per_session=purchase:sum/session:count`): per
/// arm, the numerator's and denominator's per-unit values with their co-moment, as a plain
/// second implementation computes them.
@Suite("Raw-log ratio metrics")
struct RawLogRatioTests {
    @Test(arguments: [1, 2])
    func ratioStatisticsMatchAPlainComputation(threads: Int) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try ExperimentSimulator(units: 6_000, seed: 17).write(to: directory)
        let exposures = directory.appendingPathComponent("exposures.csv")
        let events = directory.appendingPathComponent("events.csv")
        let window: Int64 = 14 * 86_400

        // Plain: first exposure, multi-variant exclusion, per-unit revenue and sessions in the window.
        var first: [String: (variant: String, time: Int64)] = [:]
        var multi: Set<String> = []
        for line in try String(contentsOf: exposures, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            let time = try #require(Int64(f[3]))
            if let seen = first[f[0]] {
                if seen.variant != f[2] { multi.insert(f[0]) }
                if time < seen.time { first[f[0]] = (f[2], time) }
            } else {
                first[f[0]] = (f[2], time)
            }
        }
        var revenue: [String: Double] = [:], sessions: [String: Double] = [:]
        for line in try String(contentsOf: events, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let exposure = first[f[0]], let time = Int64(f[1]) else { continue }
            let delta = time - exposure.time
            guard delta >= 0, delta <= window else { continue }
            if f[2] == "purchase" { revenue[f[0], default: 0] += Double(f[3]) ?? .nan }
            if f[2] == "session" { sessions[f[0], default: 0] += 1 }
        }
        var expected: [String: SufficientStatistics] = [:]
        for (unit, exposure) in first.sorted(by: { $0.key < $1.key }) where !multi.contains(unit) {
            expected[exposure.variant, default: SufficientStatistics()].add(revenue[unit] ?? 0, covariate: sessions[unit] ?? 0)
        }

        var settings = RawLogSettings(
            metrics: [try #require(MetricDefinition(argument: "purchase"))], threads: threads)
        settings.ratios = [try #require(RawLogSettings.Ratio(argument: "revenue_per_session=purchase:sum/session:count"))]
        let summary = try RawLogPipeline.run(
            exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        // The ratio's parts are computed but not reported: only the requested metric and the ratio.
        #expect(summary.table.metrics.map(\.name) == ["purchase", "revenue_per_session"])
        let ratio = try #require(summary.table.metrics.last)
        #expect(ratio.kind == .ratio)
        #expect(Set(ratio.arms.keys) == Set(expected.keys.map { ByteKey($0) }))
        for (variant, reference) in expected {
            let actual = try #require(ratio.arms[variant])
            #expect(actual.count == reference.count)
            #expect(isClose(actual.mean, reference.mean, relative: 1e-12))
            #expect(isClose(actual.covariateMean, reference.covariateMean, relative: 1e-12))
            #expect(isClose(actual.variance, reference.variance, relative: 1e-10))
            #expect(isClose(actual.covariateVariance, reference.covariateVariance, relative: 1e-10))
            #expect(isClose(actual.coMoment, reference.coMoment, relative: 1e-10))
        }
        // And the analysis reports Σ revenue / Σ sessions per arm.
        let result = try ExperimentAnalysis.analyze(summary.table, settings: AnalysisSettings(control: "control"))
        let reported = try #require(result.metrics.last)
        for arm in reported.arms {
            let reference = try #require(expected[arm.variant])
            #expect(isClose(arm.mean, reference.mean / reference.covariateMean, relative: 1e-12))
        }
    }
}
