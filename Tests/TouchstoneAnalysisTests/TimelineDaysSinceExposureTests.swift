import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport
import TouchstoneTime

/// `--timeline days-since-exposure` against a plain computation: point k holds the units whose
/// day k after first exposure has ended by the last timestamp of the logs, each with its metric
/// over [t₀ + k d, t₀ + (k + 1) d) alone.
@Suite("Timeline: effect by day since exposure")
struct TimelineDaysSinceExposureTests {
    @Test("each day's per-arm statistics equal a plain per-unit computation")
    func daysMatchPlainComputation() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let day = TimelineCutTests.day
        let (exposureRows, eventRows) = TimelineCutTests.logs(seed: 23)
        let exposures = directory.appendingPathComponent("exposures.csv"), events = directory.appendingPathComponent("events.csv")
        try TimelineCutTests.write(exposureRows, header: "unit_id,experiment,variant,timestamp", to: exposures)
        try TimelineCutTests.write(eventRows, header: "unit_id,timestamp,event,value", to: events)
        var settings = RawLogSettings(
            metrics: try ["purchase", "purchase:sum", "session:count"].map { try #require(MetricDefinition(argument: $0)) },
            window: TimeSpan(days: 3), threads: 2)
        settings.ratios = [try #require(RawLogSettings.Ratio(argument: "rps=purchase:sum/session:count"))]
        settings.timeline = .daysSinceExposure
        let summary = try RawLogPipeline.run(
            exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        let points = try #require(summary.timeline)

        // Plain: first exposure, units in two variants out, per-unit values of each day k.
        var first: [String: (variant: String, time: Int64)] = [:]
        var multi: Set<String> = []
        for row in exposureRows {
            let f = row.line.split(separator: ",").map(String.init)
            if let seen = first[f[0]] {
                if seen.variant != f[2] { multi.insert(f[0]) }
                if row.time < seen.time { first[f[0]] = (f[2], row.time) }
            } else {
                first[f[0]] = (f[2], row.time)
            }
        }
        let latest = (exposureRows + eventRows.filter { first[String($0.line.split(separator: ",")[0])] != nil }).map(\.time).max() ?? 0
        // [unit][k]: (purchased, revenue, sessions)
        var values: [String: [Int: (Double, Double, Double)]] = [:]
        for row in eventRows {
            let f = row.line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let exposure = first[f[0]] else { continue }
            let delta = row.time - exposure.time
            guard delta >= 0, delta < 3 * day else { continue }
            let k = Int(delta / day)
            var v = values[f[0], default: [:]][k, default: (0, 0, 0)]
            if f[2] == "purchase" {
                v.0 = 1
                v.1 += Double(f[3]) ?? .nan
            } else {
                v.2 += 1
            }
            values[f[0], default: [:]][k] = v
        }
        var expectedPoints = 0
        for k in 0..<3 {
            var statistics: [String: [SufficientStatistics]] = [:]
            var units: [String: Int] = [:]
            for (unit, exposure) in first.sorted(by: { $0.key < $1.key }) where !multi.contains(unit) {
                guard exposure.time + Int64(k + 1) * day <= latest else { continue }
                let v = values[unit]?[k] ?? (0, 0, 0)
                units[exposure.variant, default: 0] += 1
                var s = statistics[exposure.variant, default: Array(repeating: SufficientStatistics(), count: 4)]
                s[0].add(v.0)
                s[1].add(v.1)
                s[2].add(v.2)
                s[3].add(v.1, covariate: v.2)
                statistics[exposure.variant] = s
            }
            guard !units.isEmpty else { continue }
            expectedPoints += 1
            let point = try #require(points.first { $0.day == k })
            #expect(point.date == nil)
            for (variant, count) in units { #expect(point.table.units[ByteKey(variant)] == count, "day \(k) \(variant)") }
            for (index, metric) in point.table.metrics.enumerated() {
                for (variant, reference) in statistics {
                    let actual = metric.arms[ByteKey(variant)] ?? SufficientStatistics()
                    #expect(actual.count == reference[index].count)
                    for (a, b) in [(actual.mean, reference[index].mean), (actual.stdDev, reference[index].stdDev), (actual.covariance, reference[index].covariance)] {
                        #expect(TimelineCutTests.close(a, b), "day \(k) \(metric.name) \(variant): \(a) vs \(b)")
                    }
                }
            }
        }
        #expect(points.count == expectedPoints)
        #expect(expectedPoints == 3)
    }

    @Test("a retention metric is refused: it is already one day after exposure")
    func retentionIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (exposureRows, eventRows) = TimelineCutTests.logs(seed: 5)
        let exposures = directory.appendingPathComponent("exposures.csv"), events = directory.appendingPathComponent("events.csv")
        try TimelineCutTests.write(exposureRows, header: "unit_id,experiment,variant,timestamp", to: exposures)
        try TimelineCutTests.write(eventRows, header: "unit_id,timestamp,event,value", to: events)
        var settings = RawLogSettings(metrics: [try #require(MetricDefinition(argument: "session:retention:1"))], window: TimeSpan(days: 3))
        settings.timeline = .daysSinceExposure
        #expect {
            _ = try RawLogPipeline.run(exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        } throws: { error in
            "\(error)".contains("--timeline days-since-exposure: metric 'session:retention:1' is already one day after exposure")
        }
    }
}
