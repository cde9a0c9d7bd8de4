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

    @OptionGroup var output: FormattedOutput<TabularFormats>

    func validate() throws {
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
        if let pair = ByteKey.indistinguishablePair(in: summary.variants.map(\.variant)) {
            throw InputFailure("\(store): experiment '\(experiment)': " + ByteKey.indistinguishableMessage(pair, kind: "variants"))
        }
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
        for warning in check?.warnings ?? [] { output.note("warning: \(warning)") }
        if let check, check.result.mismatch {
            output.note("warning: sample ratio mismatch (p = \(check.result.pValue)): check assignment and exposure logging before trusting any effect")
        }
        if summary.multiVariantUnits > 0 {
            output.note("warning: \(summary.multiVariantUnits) unit(s) were exposed to more than one variant and are excluded from analysis")
        }
        if output.format == .json {
            try output.emit(try ExposuresReport.json(summary, check))
        } else {
            try output.emit(ExposuresReport.text(summary, check, style: output.style))
        }
    }
}
