import ArgumentParser
import Foundation
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport
import TouchstoneStats
import TouchstoneTime

struct Exposures: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exposure counts per variant, the SRM check, multi-variant units and the exposure period.",
        discussion: """
            The SRM check tests the counts against the experiment's weights from --config, or
            --weights, or else equal weights over the variants seen.
            Examples:
              touchstone exposures --store exposures.db --experiment onboarding_channels --config experiments.yaml
              touchstone exposures --store exposures.db --experiment checkout --weights control=1,treatment=1 --format json
            """)

    @Option(help: "The SQLite exposure store.")
    var store: String

    @Option(help: "Experiment key.")
    var experiment: String

    @Option(help: "Experiment config supplying the configured weights.")
    var config: String?

    @Option(help: "Configured weights, e.g. control=1,treatment=1 (instead of --config).")
    var weights: String?

    @Option(help: "p-value below which the SRM check reports a mismatch.")
    var srmThreshold = 0.001

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require([.table, .json, .csv, .markdown])
        guard config == nil || weights == nil else { throw ValidationError("give --config or --weights, not both") }
        guard srmThreshold > 0, srmThreshold < 1 else {
            throw ValidationError("--srm-threshold must lie in (0, 1) (got \(srmThreshold))")
        }
        _ = try parsedWeights()
    }

    func parsedWeights() throws -> [(variant: String, weight: Double)]? {
        try weights.map(WeightsArgument.parse)
    }

    func configuredWeights() throws -> [(variant: String, weight: Double)]? {
        guard let config else { return try parsedWeights() }
        let parsed: ExperimentConfig
        // Config, data and store errors print as `file:line:column: problem`, without usage text.
        parsed = try ExperimentConfig(path: config)
        guard let definition = parsed.experiment(experiment) else {
            throw ValidationError("experiment '\(experiment)' is not in \(config)")
        }
        return definition.variants.map { ($0.name, $0.weight) }
    }

    func run() throws {
        let summary: ExposureSummary
        let exposureStore = try ExposureStore(path: store, readOnly: true)
        summary = try exposureStore.summary(experiment: experiment)
        guard summary.units > 0 else {
            throw InputFailure("no exposures of experiment '\(experiment)' in \(store)")
        }
        let weights = try configuredWeights()
        if weights == nil { output.note("note: SRM against equal weights over the variants seen (pass --config or --weights)") }
        var check: ExposureSummary.SRMCheck?
        do {
            check = try summary.srm(weights: weights, threshold: srmThreshold)
        } catch let error as StatsError {
            output.note("note: no SRM check: \(error.message)")
        }
        if let check, check.result.mismatch {
            output.note("warning: sample ratio mismatch (p = \(check.result.pValue)): check assignment and exposure logging before trusting any effect")
        }
        if summary.multiVariantUnits > 0 {
            output.note("warning: \(summary.multiVariantUnits) unit(s) were exposed to more than one variant and are excluded from analysis")
        }
        try output.emit(try Self.render(summary, check, format: output.format))
    }

    // MARK: - Rendering

    struct VariantRow: Encodable {
        var variant: String
        var units: Int
        var weight: Double?
        var expected: Double?
    }

    struct SRMJSON: Encodable {
        var chiSquare: Double
        var degreesOfFreedom: Int
        var pValue: Double
        var mismatch: Bool
        var observed: [String: Int]
        var expected: [String: Double]
    }

    struct Report: Encodable {
        var experiment: String
        var units: Int
        var variants: [VariantRow]
        var srm: SRMJSON?
        var multiVariantUnits: Int
        var multiVariantExamples: [String]
        var firstExposure: String?
        var lastExposure: String?
    }

    static func rows(_ summary: ExposureSummary, _ check: ExposureSummary.SRMCheck?) -> [VariantRow] {
        let names = check?.variants ?? summary.variants.map(\.variant)
        return names.enumerated().map { index, name in
            VariantRow(
                variant: name, units: summary.variants.first { $0.variant == name }?.units ?? 0,
                weight: check?.weights[index], expected: check?.result.expected[index])
        }
    }

    static func render(_ summary: ExposureSummary, _ check: ExposureSummary.SRMCheck?, format: OutputFormat) throws -> String {
        let variants = rows(summary, check)
        let first = summary.firstExposure.map(Timestamp.iso8601(microseconds:))
        let last = summary.lastExposure.map(Timestamp.iso8601(microseconds:))
        switch format {
        case .json:
            let srm = check.map { check in
                SRMJSON(
                    chiSquare: check.result.chiSquare, degreesOfFreedom: check.result.degreesOfFreedom,
                    pValue: check.result.pValue, mismatch: check.result.mismatch,
                    observed: Dictionary(variants.map { ($0.variant, $0.units) }, uniquingKeysWith: +),
                    expected: Dictionary(zip(check.variants, check.result.expected).map { ($0, $1) }, uniquingKeysWith: +))
            }
            return try JSONOutput.encode(Report(
                experiment: summary.experiment, units: summary.units, variants: variants, srm: srm,
                multiVariantUnits: summary.multiVariantUnits, multiVariantExamples: summary.multiVariantExamples,
                firstExposure: first, lastExposure: last))
        case .csv:
            var text = "variant,units,weight,expected\n"
            for row in variants {
                text += "\(CSVWriting.field(row.variant)),\(row.units),\(row.weight.map { "\($0)" } ?? ""),\(row.expected.map { String(format: "%.1f", $0) } ?? "")\n"
            }
            return text
        case .table, .markdown, .html:
            let markdown = format == .markdown
            var lines: [[String]] = [["variant", "units", "share", "expected"]]
            let analysed = max(variants.reduce(0) { $0 + $1.units }, 1)
            for row in variants {
                lines.append([
                    row.variant, String(row.units), String(format: "%.2f%%", 100 * Double(row.units) / Double(analysed)),
                    row.expected.map { String(format: "%.1f", $0) } ?? "",
                ])
            }
            var text = "experiment: \(summary.experiment)\n\n" + table(lines, markdown: markdown) + "\n"
            if let check {
                let result = check.result
                text += String(format: "SRM: chi-square %.3f, df %d, p = %.4g — %@\n", result.chiSquare, result.degreesOfFreedom,
                    result.pValue, result.mismatch ? "MISMATCH" : "no mismatch")
            }
            text += "units exposed: \(summary.units); in more than one variant (excluded): \(summary.multiVariantUnits)"
            if !summary.multiVariantExamples.isEmpty {
                text += " e.g. \(summary.multiVariantExamples.prefix(5).joined(separator: ", "))"
            }
            text += "\nfirst exposure: \(first ?? "-"); last exposure: \(last ?? "-")\n"
            return text
        }
    }

    static func table(_ rows: [[String]], markdown: Bool) -> String {
        if markdown {
            var text = "| " + rows[0].joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: rows[0].count) + "\n"
            for row in rows.dropFirst() { text += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
            return text
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
