import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport
import TouchstoneTime

@Suite("Raw-log pipeline")
struct RawLogPipelineTests {
    static let metrics = ["purchase", "purchase:sum", "session:count", "session:retention:3"]
        .compactMap(MetricDefinition.init(argument:))

    /// A deliberately plain second implementation (String splitting, dictionaries) of the same
    /// definitions, to check the byte-level parallel pipeline against.
    private func naive(exposures: URL, events: URL, window: Int64) throws -> [String: [String: (units: Int, sum: Double)]] {
        var first: [String: (variant: String, time: Int64)] = [:]
        var multi: Set<String> = []
        for line in try String(contentsOf: exposures, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let time = Int64(f[3]) ?? 0
            if let seen = first[f[0]] {
                if seen.variant != f[2] { multi.insert(f[0]) }
                if time < seen.time { first[f[0]] = (f[2], time) }
            } else {
                first[f[0]] = (f[2], time)
            }
        }
        var perUnit: [String: [Double]] = [:]
        for line in try String(contentsOf: events, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard let exposure = first[f[0]], let time = Int64(f[1]) else { continue }
            let delta = time - exposure.time
            var values = perUnit[f[0]] ?? [0, 0, 0, 0]
            if f[2] == "purchase", delta >= 0, delta < window {
                values[0] = 1
                values[1] += Double(f[3]) ?? .nan
            }
            if f[2] == "session" {
                if delta >= 0, delta < window { values[2] += 1 }
                if delta >= 0, delta / 86_400 == 3 { values[3] = 1 }
            }
            perUnit[f[0]] = values
        }
        var result: [String: [String: (units: Int, sum: Double)]] = [:]
        for (unit, exposure) in first where !multi.contains(unit) {
            let values = perUnit[unit] ?? [0, 0, 0, 0]
            for (index, metric) in Self.metrics.enumerated() {
                let old = result[metric.name, default: [:]][exposure.variant, default: (0, 0)]
                result[metric.name, default: [:]][exposure.variant] = (old.units + 1, old.sum + values[index])
            }
        }
        return result
    }

    @Test func matchesANaiveImplementationAndIgnoresThreadCount() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Large enough (about 2 MB of events) that the event log is split into one chunk per thread.
        let truth = try ExperimentSimulator(units: 12_000, seed: 11).write(to: directory)
        let exposures = directory.appendingPathComponent("exposures.csv")
        let events = directory.appendingPathComponent("events.csv")
        let window = truth.windowDays * 86_400
        let expected = try naive(exposures: exposures, events: events, window: window)

        var tables: [ArmTable] = []
        for threads in [1, 2, 3] {
            let settings = RawLogSettings(metrics: Self.metrics, window: try #require(TimeSpan(seconds: window)), threads: threads)
            let summary = try RawLogPipeline.run(
                exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
            #expect(summary.multiVariantUnits == truth.multiVariantUnits)
            #expect(summary.repeatExposures == truth.repeatExposures)
            #expect(summary.exposedUnits == truth.units)
            tables.append(summary.table)
        }
        let table = try #require(tables.first)
        for metric in table.metrics {
            for (variant, statistics) in metric.arms {
                let reference = try #require(expected[metric.name]?[variant.string])
                #expect(statistics.count == reference.units, "\(metric.name) \(variant)")
                #expect(isClose(statistics.sum, reference.sum, relative: 1e-12, absoluteFloor: 1e-9), "\(metric.name) \(variant)")
            }
        }
        // Chunking is by bytes, so different thread counts must give identical statistics.
        #expect(tables.dropFirst().allSatisfy { $0.units == table.units })
        for other in tables.dropFirst() {
            for (a, b) in zip(table.metrics, other.metrics) {
                for (variant, statistics) in a.arms {
                    let theirs = try #require(b.arms[variant])
                    #expect(statistics.count == theirs.count)
                    #expect(isClose(statistics.mean, theirs.mean, relative: 1e-12))
                    #expect(isClose(statistics.variance, theirs.variance, relative: 1e-10))
                }
            }
        }
    }

    /// Planted effects fall inside their 95% intervals in the expected share of runs:
    /// 6 seeds × 7 arms × 3 metrics = 126 intervals, 95% expected (119.7, sd ≈ 2.4).
    @Test func recoversPlantedEffects() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let metrics = ["purchase", "purchase:sum", "session:count"].compactMap(MetricDefinition.init(argument:))
        var covered = 0, total = 0
        for seed in 1...6 as ClosedRange<UInt64> {
            let truth = try ExperimentSimulator(units: 16_000, seed: seed).write(to: directory)
            let summary = try RawLogPipeline.run(
                exposures: CSVReader(path: directory.appendingPathComponent("exposures.csv").path),
                events: CSVReader(path: directory.appendingPathComponent("events.csv").path),
                settings: RawLogSettings(metrics: metrics))
            let result = try ExperimentAnalysis.analyze(
                summary.table, settings: AnalysisSettings(control: "control", correction: .none))
            #expect(result.srm?.mismatch == false)
            let control = try #require(truth.arms["control"])
            for metric in result.metrics {
                for comparison in metric.comparisons {
                    let arm = try #require(truth.arms[comparison.variant])
                    let effect: Double = switch metric.name {
                    case "purchase": arm.conversionRate - control.conversionRate
                    case "purchase:sum": arm.revenuePerUnit - control.revenuePerUnit
                    default: arm.sessionsPerUnit - control.sessionsPerUnit
                    }
                    total += 1
                    if comparison.absoluteCI.contains(effect) { covered += 1 }
                }
            }
        }
        #expect(total == 126)
        #expect(covered >= 110 && covered <= 126, "covered \(covered) of \(total)")
    }

    @Test func lostExposuresRaiseTheSampleRatioAlarm() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try ExperimentSimulator(units: 40_000, seed: 3, lostExposureShare: 0.1).write(to: directory)
        let summary = try RawLogPipeline.run(
            exposures: CSVReader(path: directory.appendingPathComponent("exposures.csv").path),
            events: CSVReader(path: directory.appendingPathComponent("events.csv").path),
            settings: RawLogSettings(metrics: [MetricDefinition(event: "purchase", aggregation: .conversion)]))
        let result = try ExperimentAnalysis.analyze(summary.table, settings: AnalysisSettings(control: "control"))
        #expect(result.srm?.mismatch == true)
        #expect(!result.warnings.isEmpty)
    }

    @Test func sameSeedSameBytes() throws {
        let a = try temporaryDirectory(), b = try temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        _ = try ExperimentSimulator(units: 500, seed: 9).write(to: a)
        _ = try ExperimentSimulator(units: 500, seed: 9).write(to: b)
        for file in ["exposures.csv", "events.csv", "truth.json"] {
            let first = try Data(contentsOf: a.appendingPathComponent(file))
            let second = try Data(contentsOf: b.appendingPathComponent(file))
            #expect(first == second, "\(file)")
        }
    }

    @Test func badRowsAreLocated() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let exposures = directory.appendingPathComponent("e.csv")
        let events = directory.appendingPathComponent("v.csv")
        try "unit_id,experiment,variant,timestamp\nu1,x,control,1000\nu2,x,treatment,yesterday\n"
            .write(to: exposures, atomically: true, encoding: .utf8)
        try "unit_id,timestamp,event,value\nu1,1001,purchase,3\n".write(to: events, atomically: true, encoding: .utf8)
        let settings = RawLogSettings(metrics: [MetricDefinition(event: "purchase", aggregation: .sum)])
        #expect {
            try RawLogPipeline.run(exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        } throws: { error in
            (error as? DataError).map { $0.line == 3 && $0.column == 4 && $0.file == exposures.path } ?? false
        }
        try "unit_id,experiment,variant,timestamp\nu1,x,control,1000\nu2,y,treatment,1000\n"
            .write(to: exposures, atomically: true, encoding: .utf8)
        #expect {
            try RawLogPipeline.run(exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        } throws: { error in
            (error as? DataError)?.message.contains("--experiment") ?? false
        }
        try "unit_id,experiment,variant,timestamp\nu1,x,control,1000\n".write(to: exposures, atomically: true, encoding: .utf8)
        try "unit_id,timestamp,event,value\nu1,1001,purchase,abc\n".write(to: events, atomically: true, encoding: .utf8)
        #expect {
            try RawLogPipeline.run(exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        } throws: { error in
            (error as? DataError).map { $0.line == 2 && $0.column == 4 } ?? false
        }
    }
}

// MARK: - JSON Lines input

extension RawLogPipelineTests {
    /// Rewrites a simulated CSV log as JSON Lines: numbers stay numbers, and an empty or zero
    /// `value` is left out (as event logs do for non-purchases), so the key is absent from most lines.
    private func convertToJSONLines(_ csv: URL, to jsonl: URL) throws {
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        let header = try #require(lines.first).split(separator: ",").map(String.init)
        var text = ""
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            var members: [String] = []
            for (key, field) in zip(header, fields) {
                if key == "value", field.isEmpty || field == "0" { continue }
                let isNumber = key == "timestamp" || key == "value"
                members.append("\"\(key)\": " + (isNumber ? String(field) : "\"\(field)\""))
            }
            text += "{" + members.joined(separator: ", ") + "}\n"
        }
        try text.write(to: jsonl, atomically: true, encoding: .utf8)
    }

    @Test("events and exposures as JSON Lines give the same arm table as CSV")
    func jsonLinesInputMatchesCSV() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let truth = try ExperimentSimulator(units: 12_000, seed: 5).write(to: directory)
        let exposures = directory.appendingPathComponent("exposures.csv")
        let events = directory.appendingPathComponent("events.csv")
        let exposuresJSONL = directory.appendingPathComponent("exposures.jsonl")
        let eventsJSONL = directory.appendingPathComponent("events.ndjson")
        try convertToJSONLines(exposures, to: exposuresJSONL)
        try convertToJSONLines(events, to: eventsJSONL)
        let settings = RawLogSettings(
            metrics: Self.metrics, window: TimeSpan(days: Int(truth.windowDays)), preExposureCovariates: true,
            threads: 3)

        let reference = try RawLogPipeline.run(
            exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings)
        let jsonEvents = try CSVReader(path: eventsJSONL.path)
        #expect(jsonEvents.format == .jsonLines)
        #expect(jsonEvents.chunks(3).count == 3)
        let fromJSONEvents = try RawLogPipeline.run(
            exposures: CSVReader(path: exposures.path), events: jsonEvents, settings: settings)
        let allJSON = try RawLogPipeline.run(
            exposures: CSVReader(path: exposuresJSONL.path), events: CSVReader(path: eventsJSONL.path), settings: settings)

        #expect(reference.table.metrics.count == Self.metrics.count)
        #expect(reference.eventRows > 0)
        for summary in [fromJSONEvents, allJSON] {
            #expect(summary.table == reference.table)
            #expect(summary.eventRows == reference.eventRows)
            #expect(summary.strayEvents == reference.strayEvents)
            #expect(summary.exposureRows == reference.exposureRows)
            #expect(summary.multiVariantUnits == reference.multiVariantUnits)
        }
    }
}
