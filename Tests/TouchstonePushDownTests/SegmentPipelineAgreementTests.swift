import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneTestSupport

extension SegmentedLogs {
    /// The logs as the CSV files the in-process pipeline reads (NULL becomes an empty field).
    func writeCSV(to directory: URL) throws -> (exposures: URL, events: URL) {
        let exposuresURL = directory.appendingPathComponent("exposures.csv")
        let eventsURL = directory.appendingPathComponent("events.csv")
        let exposureLines = exposures.map { "\($0.unit),\($0.experiment),\($0.variant),\($0.timestamp),\($0.country ?? "")" }
        try (["unit_id,experiment,variant,timestamp,country"] + exposureLines).joined(separator: "\n")
            .write(to: exposuresURL, atomically: true, encoding: .utf8)
        let eventLines = events.map { "\($0.unit),\($0.timestamp),\($0.event),\($0.value ?? "")" }
        try (["unit_id,timestamp,event,value"] + eventLines).joined(separator: "\n")
            .write(to: eventsURL, atomically: true, encoding: .utf8)
        return (exposuresURL, eventsURL)
    }
}

/// The in-process pipeline and the SQL push-down split units into the same segments (first
/// exposure, bytewise ties, empty and NULL as "") with the same statistics.
@Suite("Segments: in-process pipeline = SQL push-down")
struct SegmentPipelineAgreementTests {
    @Test(arguments: [false, true])
    func simulatedLogsAgree(covariates: Bool) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let logs = try SegmentedLogs(units: 3_000, seed: 21)
        var settings = Scenarios.settings(covariates: covariates)
        settings.segmentColumn = "country"
        let files = try logs.writeCSV(to: directory)
        let inProcess = try #require(
            try RawLogPipeline.run(
                exposures: CSVReader(path: files.exposures.path), events: CSVReader(path: files.events.path), settings: settings
            ).segments)
        let path = try SQLiteSegmentTests.database(logs, in: directory)
        let pushed = try PushDown.segmentedArmTable(try SQLiteSegmentTests.run(path, settings), column: "country")
        #expect(inProcess.segments.map(\.value) == pushed.segments.map(\.value))
        #expect(inProcess.segments.count == 7)  // DE FR de Ärzte Zoo Côte d'Ivoire and "" (empty and NULL)
        for (a, b) in zip(inProcess.segments, pushed.segments) {
            #expect(a.table.units == b.table.units, "segment '\(a.value)'")
            expectAgreement(b.table, a.table)
        }
    }

    @Test func tieCasesAgree() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try TieCases.logs.writeCSV(to: directory)
        let summary = try RawLogPipeline.run(
            exposures: CSVReader(path: files.exposures.path), events: CSVReader(path: files.events.path), settings: TieCases.settings)
        var units: [String: Int64] = [:]
        for segment in try #require(summary.segments).segments {
            for (variant, count) in segment.table.units { units["\(segment.value)|\(variant)"] = Int64(count) }
        }
        #expect(units == TieCases.expected)
    }
}
