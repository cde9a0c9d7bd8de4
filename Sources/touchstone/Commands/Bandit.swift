import ArgumentParser
import Foundation
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport

/// `touchstone bandit`: Thompson-sampling traffic weights from current results.
struct Bandit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Thompson-sampling traffic weights (probability each arm is best) from current per-arm results.",
        discussion: """
            --summary takes a per-arm summary (variant,units,conversions or variant,units,mean,stddev, as \
            `analyze --summary`) or a result saved by `analyze --format json` (its first conversion or mean \
            metric, or --metric NAME). Weights are P(best) floored at --min-share and renormalised. With \
            --holdback H, a share H of units is meant to get fixed equal weights: a bandit's own effect \
            estimates are biased, so estimate effects on the holdback only (assign it as its own experiment \
            key and log its exposures under that key). --write replaces the experiment's variant weights in \
            --config in place (comments and layout kept; each variant needs an explicit weight:).

            Examples:
              touchstone bandit --summary arms.csv --min-share 0.05 --holdback 0.1
              touchstone analyze --exposures x.csv --events e.csv --control control --metric purchase \\
                  --format json --output now.json
              touchstone bandit --summary now.json --config exp.yaml --experiment checkout_bandit --write
            """)

    @Option(help: "Per-arm summary CSV (variant,units,conversions or variant,units,mean,stddev) or an `analyze --format json` result.")
    var summary: String

    @Option(help: "With a JSON result: the metric the arms compete on (default: the first conversion or mean metric).")
    var metric: String?

    @Option(help: "The smallest weight of any arm, in [0, 1/arms].")
    var minShare = 0.01

    @Option(help: "Share of units assigned with fixed equal weights, for unbiased effect estimates, in [0, 1).")
    var holdback = 0.0

    @Option(help: "Monte Carlo draws instead of numerical integration.")
    var draws: Int?

    @Option(help: "Monte Carlo: seed of the MT19937 generator.")
    var seed: UInt64 = 1

    @Option(help: "Experiment config (YAML/JSON) to update with --write.")
    var config: String?

    @Option(help: "The experiment whose weights --write replaces.")
    var experiment: String?

    @Flag(help: "Replace the experiment's variant weights in --config with the bandit weights (atomically).")
    var write = false

    @OptionGroup var output: FormattedOutput<SummaryFormats>

    func validate() throws {
        if write, config == nil || experiment == nil { throw ValidationError("--write needs --config FILE and --experiment KEY") }
        if !write, config != nil || experiment != nil { throw ValidationError("--config and --experiment go with --write") }
        if write, !(minShare > 0) { throw ValidationError("--write needs --min-share > 0: a config weight must be positive") }
        guard minShare >= 0, minShare < 1 else { throw ValidationError("--min-share must lie in [0, 1/arms]") }
        guard holdback >= 0, holdback < 1 else { throw ValidationError("--holdback must lie in [0, 1)") }
        if seed != 1, draws == nil { throw ValidationError("--seed goes with --draws (Monte Carlo)") }
        if let draws, !(1...100_000_000).contains(draws) { throw ValidationError("--draws must lie in [1, 100000000] (got \(draws))") }
    }

    func run() throws {
        let settings = BanditAllocation.Settings(minimumShare: minShare, holdback: holdback, draws: draws, seed: seed)
        let result: BanditResult
        do {
            if summary.lowercased().hasSuffix(".json") {
                guard let data = FileManager.default.contents(atPath: summary) else { throw InputFailure("\(summary): cannot read the file") }
                guard case .analysis(let saved) = try SavedResult.decode(data, source: summary) else {
                    throw InputFailure("\(summary): not an `analyze --format json` result")
                }
                result = try BanditAllocation.allocate(saved, metric: metric, settings: settings)
            } else {
                if metric != nil { throw ValidationError("--metric goes with a JSON result; a summary CSV holds one metric") }
                result = try BanditAllocation.allocate(SummaryTableReader.read(CSVReader(path: summary)), settings: settings)
            }
        } catch let error as AnalysisError {
            // Flag values that cannot fit this many arms are usage errors (exit 2); the rest is the data's.
            if error.message.hasPrefix("--") { throw ValidationError(error.message) }
            throw InputFailure("\(summary): \(error.message)")
        } catch let error as ReportError {
            throw InputFailure(error.description)
        }
        if write, let config, let experiment {
            guard let data = FileManager.default.contents(atPath: config), let text = String(data: data, encoding: .utf8) else {
                throw InputFailure("\(config): cannot read the file as UTF-8 text")
            }
            let updated = try ConfigWeightsUpdate.update(text: text, file: config, experiment: experiment, weights: result.weights)
            try AtomicFile.write(Data(updated.utf8), to: config)
            output.note("updated the weights of '\(experiment)' in \(config)")
        }
        try output.emit(output.format == .json ? try BanditReport.json(result) : BanditReport.table(result))
    }
}
