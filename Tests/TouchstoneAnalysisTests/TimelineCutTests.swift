import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport
import TouchstoneTime

/// `--timeline daily` against its definition: entry d equals a separate analysis of the logs
/// cut at the end of day d (every row with a timestamp before the next UTC midnight), and the
/// last entry equals the full analysis.
///
/// The logs are built to hit every way a cut differs from the whole: windows (3 days) that
/// close mid-timeline, units that enter a second variant days later (in the timeline until
/// then), an earlier exposure in another variant appearing late in the file, repeat exposures,
/// events exactly at midnight and at window ends, pre-exposure events, retention beyond the
/// window, and arms that differ in size.
@Suite("Timeline: each day equals the analysis of the logs cut at its end")
struct TimelineCutTests {
    static let day: Int64 = 86_400
    static let start: Int64 = 1_772_323_200  // 2026-03-01T00:00:00Z

    /// SplitMix64: a fixed stream, so the logs are the same on every run.
    struct Stream {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int64) -> Int64 { Int64(next() % UInt64(n)) }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    struct Row {
        var time: Int64
        var line: String
    }

    static func logs(seed: UInt64) -> (exposures: [Row], events: [Row]) {
        var random = Stream(state: seed)
        var exposures: [Row] = [], events: [Row] = [], late: [Row] = []
        let variants = ["control", "treatment", "other"]
        for unit in 0..<420 {
            // The first three units open each arm on day 0 (before any earlier exposure written
            // late), so every cut has all arms and every day's read-out exists.
            let arm = unit < 3 ? unit : Int(random.below(7)) % 3
            let t0 = unit < 3 ? start - 3 * day + 3_600 : start + random.below(9 * day)
            let id = "u\(unit)"
            exposures.append(Row(time: t0, line: "\(id),exp,\(variants[arm]),\(t0)"))
            let kind = unit < 3 ? 3 : random.below(20)
            if kind == 0 {
                // Later, another variant: excluded from that day on.
                let t = t0 + 1 + random.below(4 * day)
                exposures.append(Row(time: t, line: "\(id),exp,\(variants[(arm + 1) % 3]),\(t)"))
            } else if kind == 1 {
                // An earlier exposure in another variant, written after the others.
                let t = t0 - 1 - random.below(2 * day)
                late.append(Row(time: t, line: "\(id),exp,\(variants[(arm + 2) % 3]),\(t)"))
            } else if kind == 2 {
                let t = t0 + random.below(3 * day)
                exposures.append(Row(time: t, line: "\(id),exp,\(variants[arm]),\(t)"))
            }
            let lift = arm == 1 ? 1.3 : 1.0
            let eventCount = Int(random.below(7))
            for _ in 0..<eventCount {
                var t = t0 - day + random.below(6 * day)
                let roll = random.below(10)
                if roll == 0 { t = (t / day + 1) * day }  // exactly midnight
                if roll == 1 { t = t0 + 3 * day }  // the first instant outside the window
                if roll == 2 { t = t0 + 3 * day - 1 }  // the last second inside it
                if random.uniform() < 0.5 * lift {
                    let value = (random.uniform() * 80 * lift * 100).rounded() / 100
                    events.append(Row(time: t, line: "\(id),\(t),purchase,\(value)"))
                }
                events.append(Row(time: t, line: "\(id),\(t),session,"))
            }
            // Retention day 4 lies beyond the 3-day window.
            if random.uniform() < 0.4 {
                let t = t0 + 4 * day + random.below(day)
                events.append(Row(time: t, line: "\(id),\(t),session,"))
            }
        }
        events.append(Row(time: start + 40, line: "stranger,\(start + 40),session,"))
        return (exposures + late, events)
    }

    static func write(_ rows: [Row], header: String, to url: URL, before cut: Int64 = .max) throws {
        let text = ([header] + rows.filter { $0.time < cut }.map(\.line)).joined(separator: "\n") + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    static func settings(covariates: Bool, timeline: TimelineView?) throws -> RawLogSettings {
        var settings = RawLogSettings(
            metrics: try ["purchase", "purchase:sum", "session:count", "session:retention:4"].map { try #require(MetricDefinition(argument: $0)) },
            window: TimeSpan(days: 3), preExposureCovariates: covariates, threads: 2)
        settings.ratios = [try #require(RawLogSettings.Ratio(argument: "rps=purchase:sum/session:count"))]
        settings.allowMissingEvents = true
        settings.timeline = timeline
        return settings
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a.isInfinite || b.isInfinite { return a == b }
        return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
    }

    @Test("every day's tables and comparisons equal the cut analysis to 1e-9; the last equals the full one", arguments: [false, true])
    func dailyEqualsCutLogs(covariates: Bool) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (exposureRows, eventRows) = Self.logs(seed: covariates ? 7 : 11)
        let exposures = directory.appendingPathComponent("exposures.csv"), events = directory.appendingPathComponent("events.csv")
        try Self.write(exposureRows, header: "unit_id,experiment,variant,timestamp", to: exposures)
        try Self.write(eventRows, header: "unit_id,timestamp,event,value", to: events)
        let full = try RawLogPipeline.run(
            exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path),
            settings: Self.settings(covariates: covariates, timeline: .daily))
        let points = try #require(full.timeline)
        // First exposure on day 0 (2026-02-27 at the earliest, from the late earlier exposures) to the last event.
        let latest = (exposureRows + eventRows).map(\.time).max() ?? 0
        let firstDay = (exposureRows.map(\.time).min() ?? 0) / Self.day
        #expect(points.count == Int(latest / Self.day - firstDay + 1))
        #expect(points.first?.date == TimelineReductionDate.iso(firstDay))

        let analysis = AnalysisSettings(control: "control")
        let entries = try ExperimentAnalysis.timeline(points, settings: analysis)
        var multiVariantSeen = false
        for (d, point) in points.enumerated() {
            let cut = (firstDay + Int64(d) + 1) * Self.day
            let cutExposures = directory.appendingPathComponent("exposures-\(d).csv"), cutEvents = directory.appendingPathComponent("events-\(d).csv")
            try Self.write(exposureRows, header: "unit_id,experiment,variant,timestamp", to: cutExposures, before: cut)
            try Self.write(eventRows, header: "unit_id,timestamp,event,value", to: cutEvents, before: cut)
            let reference = try RawLogPipeline.run(
                exposures: CSVReader(path: cutExposures.path), events: CSVReader(path: cutEvents.path),
                settings: Self.settings(covariates: covariates, timeline: nil))
            if reference.multiVariantUnits > 0 { multiVariantSeen = true }
            #expect(point.date == TimelineReductionDate.iso(firstDay + Int64(d)))
            for variant in point.table.variants {
                #expect(point.table.units[ByteKey(variant)] == reference.table.units[ByteKey(variant)] ?? 0, "day \(d) \(variant)")
            }
            #expect(point.table.metrics.map(\.name) == reference.table.metrics.map(\.name))
            for (metric, expected) in zip(point.table.metrics, reference.table.metrics) {
                #expect(metric.kind == expected.kind)
                #expect(metric.covariate == expected.covariate)
                for variant in point.table.variants {
                    let a = metric.arms[ByteKey(variant)] ?? SufficientStatistics()
                    let b = expected.arms[ByteKey(variant)] ?? SufficientStatistics()
                    #expect(a.count == b.count, "day \(d) \(metric.name) \(variant)")
                    guard a.count > 0 else { continue }
                    for (x, y) in [(a.mean, b.mean), (a.stdDev, b.stdDev), (a.covariateMean, b.covariateMean), (a.covariance, b.covariance)] {
                        #expect(Self.close(x, y), "day \(d) \(metric.name) \(variant): \(x) vs \(y)")
                    }
                }
            }
            // The read-out of the cut logs, comparison by comparison.
            let cutResult = try ExperimentAnalysis.analyze(reference.table, settings: analysis)
            let entry = entries[d]
            for (metric, expected) in zip(entry.metrics, cutResult.metrics) {
                #expect(metric.name == expected.name)
                for (c, e) in zip(metric.comparisons, expected.comparisons) {
                    #expect(c.variant == e.variant)
                    for (x, y) in [
                        (c.absoluteEffect, e.absoluteEffect), (c.absoluteCI.lower, e.absoluteCI.lower), (c.absoluteCI.upper, e.absoluteCI.upper),
                        (c.relativeEffect, e.relativeEffect), (c.relativeCI.lower, e.relativeCI.lower), (c.relativeCI.upper, e.relativeCI.upper),
                        (c.pValue, e.pValue),
                    ] {
                        #expect(Self.close(x, y), "day \(d) \(metric.name) \(c.variant): \(x) vs \(y)")
                    }
                }
            }
        }
        #expect(multiVariantSeen)
        // The last day is the full analysis.
        let last = try #require(points.last)
        #expect(last.table.units == full.table.units)
        for (metric, expected) in zip(last.table.metrics, full.table.metrics) {
            for (variant, b) in expected.arms {
                let a = metric.arms[variant] ?? SufficientStatistics()
                #expect(a.count == b.count)
                #expect(Self.close(a.mean, b.mean) && Self.close(a.stdDev, b.stdDev) && Self.close(a.covariance, b.covariance))
            }
        }
    }

    /// The scan logs each event's day cell and groups the records by unit afterwards; events of
    /// one unit spread over several files and threads must land in the same unit's cells.
    @Test("the events split over three files give the timeline of one file", arguments: [TimelineView.daily, .daysSinceExposure])
    func splitEventFiles(view: TimelineView) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (exposureRows, eventRows) = Self.logs(seed: 23)
        let exposures = directory.appendingPathComponent("exposures.csv"), events = directory.appendingPathComponent("events.csv")
        try Self.write(exposureRows, header: "unit_id,experiment,variant,timestamp", to: exposures)
        try Self.write(eventRows, header: "unit_id,timestamp,event,value", to: events)
        var parts: [CSVReader] = []
        for k in 0..<3 {
            let part = directory.appendingPathComponent("events-\(k).csv")
            try Self.write(eventRows.enumerated().filter { $0.offset % 3 == k }.map(\.element), header: "unit_id,timestamp,event,value", to: part)
            parts.append(try CSVReader(path: part.path))
        }
        var settings = try Self.settings(covariates: false, timeline: view)
        if view == .daysSinceExposure {
            settings.metrics.removeAll { if case .retention = $0.aggregation { true } else { false } }
        }
        let one = try RawLogPipeline.run(exposures: [CSVReader(path: exposures.path)], events: [CSVReader(path: events.path)], settings: settings)
        let three = try RawLogPipeline.run(exposures: [CSVReader(path: exposures.path)], events: parts, settings: settings)
        let a = try #require(one.timeline), b = try #require(three.timeline)
        #expect(a.count == b.count)
        #expect(a.count >= 3)
        for (p, q) in zip(a, b) {
            #expect(p.date == q.date && p.day == q.day)
            #expect(p.table.units == q.table.units)
            for (x, y) in zip(p.table.metrics, q.table.metrics) {
                #expect(x.name == y.name)
                for (variant, s) in x.arms {
                    let t = y.arms[variant] ?? SufficientStatistics()
                    #expect(s.count == t.count, "\(x.name) \(variant)")
                    guard s.count > 0 else { continue }
                    for (u, v) in [(s.mean, t.mean), (s.stdDev, t.stdDev), (s.covariateMean, t.covariateMean), (s.covariance, t.covariance)] {
                        #expect(Self.close(u, v), "\(p.date ?? "") \(x.name) \(variant): \(u) vs \(v)")
                    }
                }
            }
        }
    }
}

/// The date text the timeline uses, computed independently of it.
enum TimelineReductionDate {
    static func iso(_ days: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: Double(days * 86_400)))
    }
}
