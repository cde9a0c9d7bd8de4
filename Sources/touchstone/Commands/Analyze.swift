import ArgumentParser
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneReport
import TouchstoneStats

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse an experiment from per-arm summaries or a unit-level table.",
        discussion: """
            Examples:
              touchstone analyze --units Datasets/hillstrom.csv --variant-column segment --control "No E-Mail" \\
                  --metric visit --metric conversion --metric spend
              touchstone analyze --units Datasets/cookie_cats.csv --variant-column version --control gate_30 \\
                  --metric retention_1 --metric retention_7 --format json
              touchstone analyze --summary arms.csv --control control --weights control=1,treatment=1
            """)

    @Option(help: "Per-arm summary CSV: variant,units,conversions or variant,units,mean,stddev.")
    var summary: String?

    @Option(help: "Unit-level CSV: one row per unit with its variant and metric columns.")
    var units: String?

    @Option(help: "Experiment key, reported in the output.")
    var experiment: String?

    @Option(help: "The unit table's variant column.")
    var variantColumn = "variant"

    @Option(help: "The control variant's name.")
    var control: String

    @Option(
        name: .customLong("metric"),
        help: "A metric column, optionally typed: COL, COL:proportion or COL:mean (repeatable). With --summary: the metric's name.")
    var metrics: [String] = []

    @Flag(help: "Leave units with an empty metric cell out of that metric instead of stopping.")
    var skipMissing = false

    @Option(help: "Significance level α.")
    var alpha = 0.05

    @Option(help: "two-sided, greater or less.")
    var alternative: Alternative = .twoSided

    @Option(help: "Multiple-comparison correction over all arms × metrics: none, bonferroni, holm or bh.")
    var correction: MultipleTestingCorrection = .holm

    @Option(help: "Configured traffic weights for the SRM check, e.g. control=1,treatment=1 (default: equal).")
    var weights: String?

    @Option(help: "p-value below which the SRM check reports a mismatch.")
    var srmThreshold = 0.001

    @Option(help: "Analysis method (frequentist).")
    var method = "frequentist"

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require([.table, .json, .csv, .markdown])
        guard (summary == nil) != (units == nil) else {
            throw ValidationError("give exactly one input: --summary FILE or --units FILE")
        }
        guard method == "frequentist" else {
            throw ValidationError("--method \(method) is not available yet (frequentist is)")
        }
        if summary != nil, metrics.count > 1 {
            throw ValidationError("--summary holds one metric: give at most one --metric NAME")
        }
        for metric in metrics where MetricColumn(argument: metric) == nil {
            throw ValidationError("--metric '\(metric)': expected COLUMN, COLUMN:proportion or COLUMN:mean")
        }
        _ = try parsedWeights()
    }

    func parsedWeights() throws -> [String: Double]? {
        guard let weights else { return nil }
        var result: [String: Double] = [:]
        for pair in weights.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0
            else { throw ValidationError("--weights: '\(pair)' is not NAME=WEIGHT with a non-negative number") }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            guard result[name] == nil else { throw ValidationError("--weights names '\(name)' twice") }
            result[name] = value
        }
        return result
    }

    func run() throws {
        let table: ArmTable
        if let summary {
            table = try SummaryTableReader.read(CSVReader(path: summary), metricName: metrics.first)
        } else if let units {
            let columns = metrics.compactMap(MetricColumn.init(argument:))
            table = try UnitTableReader.read(
                CSVReader(path: units), variantColumn: variantColumn, metrics: columns, skipMissing: skipMissing)
        } else {
            throw ValidationError("give --summary FILE or --units FILE")
        }
        let settings = AnalysisSettings(
            experiment: experiment, control: control, test: TestSettings(alpha: alpha, alternative: alternative),
            correction: correction, weights: try parsedWeights(), srmThreshold: srmThreshold)
        let result: AnalysisResult
        do {
            result = try ExperimentAnalysis.analyze(table, settings: settings)
        } catch let error as StatsError {
            throw ValidationError(error.message)
        } catch let error as AnalysisError {
            throw ValidationError(error.message)
        }
        for warning in result.warnings { output.note("warning: \(warning)") }
        let text = switch output.format {
        case .json: try AnalysisReport.json(result)
        case .csv: AnalysisReport.csv(result)
        case .markdown: AnalysisReport.markdown(result)
        case .table, .html: AnalysisReport.table(result)
        }
        try output.emit(text)
    }
}

import Foundation
