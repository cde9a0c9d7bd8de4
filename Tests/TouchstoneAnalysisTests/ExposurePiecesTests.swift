import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneTestSupport
import TouchstoneTime

/// The exposure log parsed in pieces on several threads gives what one sequential pass gives:
/// the same units, arms, segments, counts — and the same first error, at the same line.
@Suite("Raw-log pipeline, exposure log read in parallel pieces")
struct ExposurePiecesTests {
    static let metrics = ["purchase", "purchase:sum", "session:count"].compactMap(MetricDefinition.init(argument:))

    /// One sequential pass (one thread, one piece), and pieces of 40–97 KB on two and three threads.
    static let readings: [(threads: Int, pieceBytes: Int)] = [(1, .max), (2, 40_000), (3, 97_000), (1, 50_000)]

    /// A simulated experiment whose exposure log (about 1.5 MB, so it is split) is rewritten by
    /// `edit` line by line (0 is the header), and a small event log (one chunk whatever the
    /// threads, so the event sums are added in one order and results compare exactly).
    private func logs(_ directory: URL, edit: (Int, String) -> String = { $1 }) throws -> (exposures: String, events: String) {
        _ = try ExperimentSimulator(units: 24_000, seed: 5).write(to: directory)
        let exposures = directory.appendingPathComponent("exposures.csv")
        let lines = try String(contentsOf: exposures, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let edited = lines.enumerated().map { edit($0.offset, String($0.element)) }.joined(separator: "\n")
        try edited.write(to: exposures, atomically: true, encoding: .utf8)
        let events = directory.appendingPathComponent("events.csv")
        let eventLines = try String(contentsOf: events, encoding: .utf8).split(separator: "\n").prefix(20_000)
        try (eventLines.joined(separator: "\n") + "\n").write(to: events, atomically: true, encoding: .utf8)
        #expect(edited.utf8.count > 1_200_000)
        return (exposures.path, events.path)
    }

    private func run(_ logs: (exposures: String, events: String), threads: Int, pieceBytes: Int, experiment: String? = "onboarding_channels", by: String? = nil) throws -> RawLogSummary {
        var settings = RawLogSettings(experiment: experiment, metrics: Self.metrics, threads: threads)
        settings.exposurePieceBytes = pieceBytes
        settings.segmentColumn = by
        return try RawLogPipeline.run(exposures: CSVReader(path: logs.exposures), events: CSVReader(path: logs.events), settings: settings)
    }

    private func error(_ logs: (exposures: String, events: String), threads: Int, pieceBytes: Int, experiment: String? = "onboarding_channels", by: String? = nil) -> String? {
        do {
            _ = try run(logs, threads: threads, pieceBytes: pieceBytes, experiment: experiment, by: by)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("pieces on any number of threads give the sequential pass's results exactly, segments included")
    func sameResults() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let logs = try logs(directory)
        let summaries = try Self.readings.map { try run(logs, threads: $0.threads, pieceBytes: $0.pieceBytes, by: "country") }
        let reference = try #require(summaries.first)
        #expect(reference.exposedUnits == 24_000)
        #expect(reference.segments?.segments.count == 3)
        for summary in summaries.dropFirst() {
            #expect(summary.table == reference.table)
            #expect(summary.segments == reference.segments)
            #expect(summary.exposureRows == reference.exposureRows)
            #expect(summary.exposedUnits == reference.exposedUnits)
            #expect(summary.repeatExposures == reference.repeatExposures)
            #expect(summary.multiVariantUnits == reference.multiVariantUnits)
            #expect(summary.exposurePeriod == reference.exposurePeriod)
        }
        // Without --experiment the first row names it, also when the log is read in pieces.
        let unnamed = try run(logs, threads: 2, pieceBytes: 40_000, experiment: nil)
        #expect(unnamed.experiment == "onboarding_channels")
        #expect(unnamed.table == (try run(logs, threads: 1, pieceBytes: .max, experiment: nil)).table)
    }

    @Test("a bad row deep in the log is the same error, at the same line, however the log is split", arguments: [
        (18_000, "timestamp"), (22_000, "variant"), (9_000, "unit"), (23_500, "quote"),
    ])
    func sameFirstError(line: Int, kind: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Two bad rows: the first in file order must win even when a later piece fails first.
        let logs = try logs(directory) { number, text in
            guard number == line || number == line + 3_000 else { return text }
            var fields = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            switch kind {
            case "timestamp": fields[3] = "2026-02-31"
            case "variant": fields[2] = ""
            case "unit": fields[0] = ""
            default: fields[1] = "on\"boarding"
            }
            return fields.joined(separator: ",")
        }
        let messages = Self.readings.map { error(logs, threads: $0.threads, pieceBytes: $0.pieceBytes) }
        let first = try #require(messages[0])
        #expect(first.contains("exposures.csv:\(line + 1):"), "\(first)")
        for message in messages.dropFirst() { #expect(message == first) }
    }

    @Test("a segment column with too many values fails at the same row however the log is split")
    func tooManySegments() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Row n gets country "c<n / 20>": value 1,000 (the 1,001st) first appears at row 20,001,
        // far into the log, after every piece has met a few hundred values of its own.
        let logs = try logs(directory) { number, text in
            guard number > 0, !text.isEmpty else { return text }
            var fields = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[4] = "c\((number - 1) / 20)"
            return fields.joined(separator: ",")
        }
        let messages = Self.readings.map { error(logs, threads: $0.threads, pieceBytes: $0.pieceBytes, by: "country") }
        let first = try #require(messages[0])
        #expect(first.contains("exposures.csv:20002:5:"), "\(first)")
        #expect(first.contains("more than 1000 distinct values in column 'country'"))
        for message in messages.dropFirst() { #expect(message == first) }
    }

    @Test("without --experiment, a second experiment late in the log is refused however the log is split")
    func secondExperiment() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let logs = try logs(directory) { number, text in
            number == 23_000 ? text.replacingOccurrences(of: "onboarding_channels", with: "pricing_test") : text
        }
        let messages = Self.readings.map { error(logs, threads: $0.threads, pieceBytes: $0.pieceBytes, experiment: nil) }
        let first = try #require(messages[0])
        #expect(first.contains("several experiments ('onboarding_channels', 'pricing_test'…)"), "\(first)")
        for message in messages.dropFirst() { #expect(message == first) }
    }
}
