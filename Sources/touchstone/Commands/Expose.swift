import ArgumentParser
import Foundation
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport

struct Expose: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest exposure logs (CSV or JSON Lines) into the store, keeping each unit's first exposure.",
        discussion: """
            Input: CSV unit_id,experiment,variant,timestamp or JSON Lines with those keys; timestamps
            ISO 8601 or epoch seconds. The first (earliest) exposure per experiment and unit is kept;
            units seen in two variants are flagged, excluded from analysis and reported. Ingesting
            the same file again changes nothing; an interrupted ingest can simply be re-run.
            Examples:
              touchstone expose --store exposures.db logs/2026-03-01.csv logs/2026-03-02.jsonl
            """)

    @Option(help: "The SQLite exposure store (created when missing).")
    var store: String

    @Argument(help: "Exposure log files.")
    var files: [String]

    @Option(help: "Rows per committed transaction.")
    var batchSize = 100_000

    @OptionGroup var output: FormattedOutput<SummaryFormats>

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one exposure log file") }
        guard (1...10_000_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000000 (got \(batchSize))") }
    }

    struct Report: Encodable {
        var files: Int
        var rows: Int
        var batches: Int
        var unitsBefore: Int
        var unitsAfter: Int
        var seconds: Double
        var multiVariantUnits: [String: Int]
    }

    func run() throws {
        let started = Date()
        let summary: IngestSummary
        let exposureStore = try ExposureStore(path: store)
        summary = try exposureStore.ingest(paths: files, options: IngestOptions(batchSize: batchSize))
        let seconds = Date().timeIntervalSince(started)
        let multi = Dictionary(summary.multiVariantUnits.map { ($0.experiment, $0.units) }, uniquingKeysWith: +)
        if output.format == .json {
            try output.emit(try JSONOutput.encodeCounting(Report(
                files: summary.files, rows: summary.rows, batches: summary.batches, unitsBefore: summary.unitsBefore,
                unitsAfter: summary.unitsAfter, seconds: seconds, multiVariantUnits: multi)))
            return
        }
        let perSecond = Double(summary.rows) / seconds
        let rate = perSecond.isFinite && perSecond < 1e15 ? Int(perSecond) : summary.rows
        var text = "ingested \(summary.rows) exposures from \(summary.files) file(s) in \(String(format: "%.2f", seconds)) s (\(rate)/s, \(summary.batches) commits)\n"
        text += "units in store: \(summary.unitsBefore) before, \(summary.unitsAfter) after (+\(summary.unitsAfter - summary.unitsBefore))\n"
        for (experiment, units) in summary.multiVariantUnits {
            text += "warning: \(units) unit(s) of '\(experiment)' were exposed to more than one variant; they are excluded from analysis\n"
        }
        try output.emit(TerminalText.sanitizeReport(text, allowingColor: false))
    }
}
