import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport
import TouchstoneTime

/// One simulated experiment written the ways real exports write it — plain CSV with epoch
/// seconds, every field quoted (pandas `QUOTE_ALL`, DuckDB `FORCE_QUOTE`), quoted with ISO 8601
/// timestamps in several spellings and CRLF line ends, and JSON Lines — must give the same
/// analysis: the quoted fast path and the ISO 8601 parser change speed, never a result.
@Suite("Quoted, ISO 8601 and JSON Lines logs agree with plain CSV")
struct QuotedLogAgreementTests {
    static let metrics = ["purchase", "purchase:sum", "session:count", "session:retention:3"]
        .compactMap(MetricDefinition.init(argument:))

    /// The spellings of one instant, all UTC-equivalent: `Z`, a zero fraction, a positive and a
    /// negative offset (the local time shifted by it), and the space-separated form without a zone.
    static func iso8601(seconds: Int64, style: Int) -> String {
        func text(_ seconds: Int64, suffix: String, separator: String = "T", fraction: String = "") -> String {
            let days = CivilCalendar.floorDivide(seconds, 86_400)
            let second = seconds - days * 86_400
            let (year, month, day) = CivilCalendar.civilFromDays(days)
            func pad(_ value: Int64, _ width: Int) -> String {
                String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))\(separator)\(pad(second / 3600, 2)):"
                + "\(pad(second % 3600 / 60, 2)):\(pad(second % 60, 2))\(fraction)\(suffix)"
        }
        switch style % 5 {
        case 0: return text(seconds, suffix: "Z")
        case 1: return text(seconds, suffix: "Z", fraction: ".000")
        case 2: return text(seconds + 19_800, suffix: "+05:30")
        case 3: return text(seconds - 28_800, suffix: "-08:00", fraction: ".000000")
        default: return text(seconds, suffix: "", separator: " ")
        }
    }

    /// The CSV `lines` (header first) rewritten with every field quoted; `timeColumn`'s epoch
    /// seconds become ISO 8601 when `iso` is set.
    static func quoted(_ lines: [Substring], timeColumn: Int, iso: Bool, lineEnd: String) -> String {
        var out = ""
        for (number, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { column, field in
                guard iso, number > 0, column == timeColumn, let seconds = Int64(field) else { return "\"\(field)\"" }
                return "\"\(iso8601(seconds: seconds, style: number))\""
            }
            out += fields.joined(separator: ",") + lineEnd
        }
        return out
    }

    /// The event log as JSON Lines, numbers unquoted.
    static func jsonLines(_ lines: [Substring]) -> String {
        var out = ""
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            out += "{\"unit_id\":\"\(f[0])\",\"timestamp\":\(f[1]),\"event\":\"\(f[2])\",\"value\":\(f[3])}\n"
        }
        return out
    }

    struct Written {
        var directory: URL
        var window: Int64
        /// (name, exposure file, event file) of each spelling; the plain CSV first.
        var spellings: [(name: String, exposures: String, events: String)]
    }

    static func writeSpellings() throws -> Written {
        let directory = try temporaryDirectory()
        // About 2 MB of events: every spelling is split into one chunk per thread.
        let truth = try ExperimentSimulator(units: 12_000, seed: 5).write(to: directory)
        let exposures = try String(contentsOf: directory.appendingPathComponent("exposures.csv"), encoding: .utf8)
            .split(separator: "\n")
        let events = try String(contentsOf: directory.appendingPathComponent("events.csv"), encoding: .utf8)
            .split(separator: "\n")
        func write(_ text: String, _ name: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        let plain = (
            name: "plain", exposures: directory.appendingPathComponent("exposures.csv").path,
            events: directory.appendingPathComponent("events.csv").path)
        let quotedAll = (
            name: "QUOTE_ALL",
            exposures: try write(quoted(exposures, timeColumn: 3, iso: false, lineEnd: "\n"), "exposures-quoted.csv"),
            events: try write(quoted(events, timeColumn: 1, iso: false, lineEnd: "\n"), "events-quoted.csv"))
        let quotedISO = (
            name: "QUOTE_ALL + ISO 8601 + CRLF",
            exposures: try write(quoted(exposures, timeColumn: 3, iso: true, lineEnd: "\r\n"), "exposures-iso.csv"),
            events: try write(quoted(events, timeColumn: 1, iso: true, lineEnd: "\r\n"), "events-iso.csv"))
        let json = (name: "JSON Lines", exposures: plain.exposures, events: try write(jsonLines(events), "events.jsonl"))
        return Written(
            directory: directory, window: truth.windowDays * 86_400, spellings: [plain, quotedAll, quotedISO, json])
    }

    static func run(_ exposures: String, _ events: String, window: Int64, threads: Int) throws -> RawLogSummary {
        let settings = RawLogSettings(
            metrics: metrics, window: try #require(TimeSpan(seconds: window)), preExposureCovariates: true, threads: threads)
        return try RawLogPipeline.run(exposures: CSVReader(path: exposures), events: CSVReader(path: events), settings: settings)
    }

    @Test("one thread: every spelling gives exactly the plain log's per-arm statistics")
    func exactWithOneThread() throws {
        let written = try Self.writeSpellings()
        defer { try? FileManager.default.removeItem(at: written.directory) }
        let plain = written.spellings[0]
        let reference = try Self.run(plain.exposures, plain.events, window: written.window, threads: 1)
        #expect(reference.exposedUnits == 12_000)
        for spelling in written.spellings.dropFirst() {
            let summary = try Self.run(spelling.exposures, spelling.events, window: written.window, threads: 1)
            // Same events in the same order: the accumulators are bit for bit the same.
            #expect(summary.table == reference.table, "\(spelling.name)")
            #expect(summary.eventRows == reference.eventRows, "\(spelling.name)")
            #expect(summary.strayEvents == reference.strayEvents, "\(spelling.name)")
            #expect(summary.repeatExposures == reference.repeatExposures, "\(spelling.name)")
            #expect(summary.multiVariantUnits == reference.multiVariantUnits, "\(spelling.name)")
            #expect(summary.exposurePeriod == reference.exposurePeriod, "\(spelling.name)")
        }
    }

    @Test("three threads: quoted logs are split into chunks and still agree to 1e-12")
    func agreeAcrossThreads() throws {
        let written = try Self.writeSpellings()
        defer { try? FileManager.default.removeItem(at: written.directory) }
        // A quoted log is split at line breaks outside quotes, not parsed on one thread.
        for spelling in written.spellings {
            #expect(try CSVReader(path: spelling.events).chunks(3).count == 3, "\(spelling.name)")
        }
        let plain = written.spellings[0]
        let reference = try Self.run(plain.exposures, plain.events, window: written.window, threads: 1)
        let settings = AnalysisSettings(control: "control", correction: .none)
        let expected = try ExperimentAnalysis.analyze(reference.table, settings: settings)
        for spelling in written.spellings {
            let summary = try Self.run(spelling.exposures, spelling.events, window: written.window, threads: 3)
            #expect(summary.eventRows == reference.eventRows, "\(spelling.name)")
            #expect(summary.table.units == reference.table.units, "\(spelling.name)")
            for (ours, theirs) in zip(summary.table.metrics, reference.table.metrics) {
                for (variant, statistics) in ours.arms {
                    let other = try #require(theirs.arms[variant])
                    #expect(statistics.count == other.count)
                    // Counts and 0/1 metrics are exact; sums may differ in the last bit only
                    // (the per-unit additions are grouped by chunk).
                    #expect(isClose(statistics.sum, other.sum, relative: 1e-12), "\(spelling.name) \(ours.name) \(variant)")
                    #expect(isClose(statistics.variance, other.variance, relative: 1e-12), "\(spelling.name) \(ours.name) \(variant)")
                }
            }
            let result = try ExperimentAnalysis.analyze(summary.table, settings: settings)
            for (ours, theirs) in zip(result.metrics, expected.metrics) {
                for (a, b) in zip(ours.comparisons, theirs.comparisons) {
                    #expect(a.variant == b.variant)
                    #expect(isClose(a.pValue, b.pValue, relative: 1e-12), "\(spelling.name) \(ours.name) \(a.variant)")
                    #expect(isClose(a.absoluteEffect, b.absoluteEffect, relative: 1e-12, absoluteFloor: 1e-15))
                }
            }
        }
    }
}
