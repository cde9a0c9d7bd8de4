import ArgumentParser
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneExperiment
import TouchstoneReport
import TouchstoneStats
import TouchstoneTime

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse an experiment from raw exposure and event logs, a unit-level table, per-arm summaries or power sums.",
        discussion: """
            Examples:
              touchstone analyze --units Datasets/hillstrom.csv --variant-column segment --control "No E-Mail" \\
                  --metric visit --metric conversion --metric spend
              touchstone analyze --units Datasets/cookie_cats.csv --variant-column version --control gate_30 \\
                  --metric retention_1 --metric retention_7 --format json
              touchstone analyze --summary arms.csv --control control --weights control=1,treatment=1
              touchstone analyze --exposures sim/exposures.csv --events sim/events.jsonl --control control \\
                  --metric purchase --metric purchase:sum --ratio rps=purchase:sum/session:count --by country
              touchstone analyze --exposures x.csv --events e.csv --config exp.yaml --experiment onboarding_channels --control control
            """)

    @Option(help: "Per-arm summary (CSV or JSON Lines): variant,units,conversions or variant,units,mean,stddev.")
    var summary: String?

    @Option(help: "Unit-level table (CSV or JSON Lines): one row per unit with its variant and metric columns.")
    var units: String?

    @Option(help: "Exposure log (CSV or JSON Lines .jsonl/.ndjson): unit_id,experiment,variant,timestamp (first exposure per unit is kept).")
    var exposures: String?

    @Option(help: "Event log (CSV or JSON Lines .jsonl/.ndjson): unit_id,timestamp,event,value (with --exposures or --store).")
    var events: String?

    @Option(help: "Exposure store written by `touchstone expose` (with --events and --experiment).")
    var store: String?

    @Option(help: "Push-down: PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DB; aggregates --exposures-table and --events-table in the server.")
    var postgres: String?

    @OptionGroup var pushDown: PushDownOptions

    @Option(help: "Per-arm power sums (CSV or JSON), e.g. the result of `touchstone sql` run in a warehouse.")
    var powerSums: String?

    @Option(name: .customLong("by"), help: ArgumentHelp("Split the results by a unit attribute: an exposure-log column (raw logs, --postgres) or a unit-table column (--units).", valueName: "column"))
    var segmentColumn: String?

    @Option(help: "Metric window after first exposure for raw logs, e.g. 14d, 36h.")
    var window = "14d"

    @Flag(help: "Raw logs: compute each metric over the window before exposure as a CUPED covariate.")
    var preExposureCovariates = false

    @Option(help: "Raw logs: worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Experiment key (selects it in an exposure log; reported in the output).")
    var experiment: String?

    @Option(help: "Experiment config (YAML/JSON, with --experiment): its metrics: section when no --metric/--ratio is given, its weights for the SRM check when no --weights is given.")
    var config: String?

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

    @Option(help: "frequentist (fixed horizon), bayesian (probability to beat control, expected loss) or sequential (always-valid mSPRT).")
    var method: AnalysisMethod = .frequentist

    @Option(help: "Bayesian: normal prior MEAN,SD on the relative effect (e.g. 0,0.3); default flat. Conversions then use GrowthBook's Gaussian model instead of the exact beta-binomial.")
    var prior: String?

    @Option(help: "Sequential: mixture SPRT tuning, the planned total units per comparison (default 5000, as GrowthBook).")
    var tuning: Double?

    @Option(help: "Sequential: planned, equally spaced looks of a group-sequential (O'Brien–Fleming) test instead of the mSPRT; needs --look.")
    var looks: Int?

    @Option(help: "Sequential with --looks: the information fraction of each look, e.g. 0.3,0.7,1 (default: equally spaced).")
    var informationFractions: String?

    @Option(help: "Sequential with --looks: which look this analysis is (1…K).")
    var look: Int?

    @Option(name: .customLong("covariate"), help: "CUPED: METRIC=COL adjusts a unit-table metric by its pre-period column COL (repeatable).")
    var covariates: [String] = []

    @Option(name: .customLong("ratio"), help: "Ratio metric NAME=NUM/DEN: Σ NUM / Σ DEN per arm by the delta method (repeatable). NUM and DEN are columns of a unit table, or raw-log metrics such as purchase:sum/session:count.")
    var ratios: [String] = []

    @Option(name: .customLong("cap"), help: "Winsorise COL at a percentile of all units (COL=P99) or a value (COL=500) before aggregating (repeatable).")
    var caps: [String] = []

    @Option(help: "Channel-combination arms (email+push): metric for the factorial regression (default: the first).")
    var factorialMetric: String?

    @Option(help: "Channel-combination regression: robust covariance HC1 or HC3.")
    var robust: String = "HC3"

    @Option(help: "Bootstrap: replicates for a percentile interval of the difference in --quantile of each mean metric (unit table).")
    var bootstrap: Int?

    @Option(help: "Bootstrap: seed of the MT19937 generator.")
    var seed: UInt64 = 1

    @Option(help: "Bootstrap: quantile level to compare (0.5 = median).")
    var quantile = 0.5

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require([.table, .json, .csv, .markdown, .html])
        let inputs = [summary != nil, units != nil, exposures != nil, store != nil, postgres != nil, powerSums != nil]
            .filter { $0 }.count
        guard inputs == 1 else {
            throw ValidationError(
                "give exactly one input: --summary FILE, --units FILE, --exposures FILE --events FILE, --store DB --events FILE, "
                    + "--postgres URL or --power-sums FILE")
        }
        try validatePushDown()
        guard (exposures == nil && store == nil) == (events == nil) else {
            throw ValidationError("--events goes with --exposures FILE or --store DB")
        }
        if store != nil, experiment == nil {
            throw ValidationError("--store needs --experiment KEY (a store holds many experiments)")
        }
        if exposures != nil || store != nil {
            for metric in metrics where MetricDefinition(argument: metric) == nil {
                throw ValidationError("--metric '\(metric)': expected EVENT, EVENT:conversion, EVENT:sum, EVENT:count or EVENT:retention:DAY")
            }
            guard TimeSpan.parse(window) != nil else { throw ValidationError(TimeSpan.rejection(of: window, flag: "--window")) }
        }
        if prior != nil {
            guard method == .bayesian else { throw ValidationError("--prior applies to --method bayesian") }
            guard let prior, GaussianPrior(argument: prior) != nil else {
                throw ValidationError("--prior '\(prior ?? "")': expected MEAN,SD with SD > 0 (relative effect, e.g. 0,0.3)")
            }
        }
        if let tuning {
            guard method == .sequential else { throw ValidationError("--tuning applies to --method sequential") }
            guard tuning > 0, tuning <= 1e15 else { throw ValidationError("--tuning must be a positive number of units up to 1e15 (got \(tuning))") }
        }
        if looks != nil || look != nil {
            guard method == .sequential else { throw ValidationError("--looks and --look apply to --method sequential") }
            guard let looks, let look else { throw ValidationError("--looks K and --look k go together") }
            guard (1...50).contains(looks) else { throw ValidationError("--looks must be between 1 and 50 (got \(looks))") }
            guard (1...looks).contains(look) else { throw ValidationError("--look must be between 1 and --looks \(looks) (got \(look))") }
            guard tuning == nil else { throw ValidationError("--tuning is for the mSPRT; with --looks the test is group-sequential") }
            if informationFractions != nil {
                let fractions = try parsedInformationFractions() ?? []
                guard fractions.count == looks else {
                    throw ValidationError("--information-fractions gives \(fractions.count) fractions for --looks \(looks)")
                }
                guard zip(fractions, fractions.dropFirst()).allSatisfy({ $0 < $1 }), (fractions.first ?? 0) > 0, fractions.last == 1 else {
                    throw ValidationError("--information-fractions must increase strictly from above 0 and end at 1 (e.g. 0.3,0.7,1)")
                }
            }
        } else if informationFractions != nil {
            throw ValidationError("--information-fractions goes with --looks K --look k")
        }
        if method == .sequential, alternative != .twoSided {
            throw ValidationError("--method sequential is two-sided only (as GrowthBook's): drop --alternative")
        }
        guard RobustCovariance(argument: robust) != nil else { throw ValidationError("--robust '\(robust)': expected HC1 or HC3") }
        if summary != nil, !(covariates.isEmpty && ratios.isEmpty && caps.isEmpty && bootstrap == nil) {
            throw ValidationError("--covariate, --ratio, --cap and --bootstrap need --units (a summary's CUPED moments come from its covariate_mean, covariate_stddev and covariance columns)")
        }
        _ = try parsedCovariates()
        for ratio in ratios where RatioColumn(argument: ratio) == nil {
            throw ValidationError("--ratio '\(ratio)': expected NAME=NUMERATOR/DENOMINATOR")
        }
        if exposures != nil || store != nil {
            for ratio in ratios where RawLogSettings.Ratio(argument: ratio) == nil {
                throw ValidationError("--ratio '\(ratio)': with raw logs, NUMERATOR and DENOMINATOR are metrics such as purchase:sum/session:count")
            }
            if !(covariates.isEmpty && caps.isEmpty && bootstrap == nil) {
                throw ValidationError("--covariate, --cap and --bootstrap need --units (with raw logs, use --pre-exposure-covariates for CUPED)")
            }
        } else if postgres != nil || powerSums != nil {
            for ratio in ratios where RawLogSettings.Ratio(argument: ratio) == nil {
                throw ValidationError("--ratio '\(ratio)': NUMERATOR and DENOMINATOR are metrics such as purchase:sum/session:count")
            }
        }
        _ = try parsedCaps()
        if let bootstrap {
            guard (2...1_000_000).contains(bootstrap) else { throw ValidationError("--bootstrap must be between 2 and 1000000 replicates") }
            guard quantile >= 0, quantile <= 1 else { throw ValidationError("--quantile must lie in [0, 1] (got \(quantile))") }
        }
        if summary != nil, metrics.count > 1 {
            throw ValidationError("--summary holds one metric: give at most one --metric NAME")
        }
        for metric in metrics where exposures == nil && store == nil && postgres == nil && powerSums == nil
            && MetricColumn(argument: metric) == nil {
            throw ValidationError("--metric '\(metric)': expected COLUMN, COLUMN:proportion or COLUMN:mean")
        }
        if config != nil, experiment == nil {
            throw ValidationError("--config needs --experiment KEY (a config holds many experiments)")
        }
        _ = try parsedWeights()
        if let segmentColumn {
            guard !segmentColumn.isEmpty else { throw ValidationError("--by needs a column name") }
            if summary != nil {
                throw ValidationError("--by splits units by an attribute: give --units FILE, --exposures FILE --events FILE, --postgres URL or --power-sums FILE (a summary has no units to split)")
            }
            if store != nil {
                throw ValidationError("--by reads an exposure-log column, and the store keeps only each unit's variant and first exposure: analyse --exposures FILE --events FILE instead")
            }
        }
    }

    func parsedInformationFractions() throws -> [Double]? {
        try informationFractions.map { text in
            try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw ValidationError("--information-fractions '\(text)': '\(part)' is not a number")
                }
                return value
            }
        }
    }

    /// `--weights`, else the configured experiment's variant weights, else `nil` (equal weights).
    func parsedWeights(configured: Experiment? = nil) throws -> [String: Double]? {
        if weights == nil, let definition = configured {
            return Dictionary(definition.variants.map { ($0.name, $0.weight) }, uniquingKeysWith: { first, _ in first })
        }
        return try weights.map { Dictionary(uniqueKeysWithValues: try WeightsArgument.parse($0).map { ($0.variant, $0.weight) }) }
    }

    /// The `--experiment` entry of `--config`.
    func configuredExperiment() throws -> Experiment? {
        guard let config, let experiment else { return nil }
        let parsed = try ExperimentConfig(path: config)
        guard let definition = parsed.experiment(experiment) else {
            let known = parsed.experiments.map { "'\($0.key)'" }.joined(separator: ", ")
            throw InputFailure("\(config): no experiment '\(experiment)' (experiments: \(known))")
        }
        return definition
    }

    /// Takes the config's metrics when the command line names none, checking each where it is
    /// written: a bad one is reported at its line and column in the config.
    mutating func applyConfiguredMetrics(_ configured: Experiment?) throws {
        guard metrics.isEmpty, ratios.isEmpty, let definition = configured else { return }
        let rawLogs = exposures != nil || store != nil || postgres != nil || powerSums != nil
        for metric in definition.metrics {
            switch metric.definition {
            case .metric(let text):
                if rawLogs, MetricDefinition(argument: text) == nil {
                    throw metric.error("'\(text)' is not a metric: expected EVENT, EVENT:conversion, EVENT:sum, EVENT:count or EVENT:retention:DAY")
                }
                if units != nil, MetricColumn(argument: text) == nil {
                    throw metric.error("'\(text)' is not a metric column: expected COLUMN, COLUMN:proportion or COLUMN:mean")
                }
                metrics.append(text)
            case .ratio(let name, let numerator, let denominator):
                let argument = "\(name)=\(numerator)/\(denominator)"
                if rawLogs, RawLogSettings.Ratio(argument: argument) == nil {
                    throw metric.error("ratio '\(name)': numerator and denominator must be metrics such as purchase:sum and session:count")
                }
                ratios.append(argument)
            }
        }
        if metrics.isEmpty, ratios.isEmpty {
            throw InputFailure("\(config ?? ""): experiment '\(experiment ?? "")' lists no metrics: add a metrics: section or pass --metric")
        }
        if summary != nil, metrics.count > 1 || !ratios.isEmpty {
            throw InputFailure("\(config ?? ""): experiment '\(experiment ?? "")' lists several metrics, and a summary holds one: pass --metric NAME")
        }
    }

    func parsedCovariates() throws -> [String: String] {
        var result: [String: String] = [:]
        let names = metrics.compactMap(MetricColumn.init(argument:)).map(\.column)
        for pair in covariates {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--covariate '\(pair)': expected METRIC=COLUMN")
            }
            let metric = String(parts[0])
            guard names.contains(metric) else { throw ValidationError("--covariate '\(pair)': '\(metric)' is not a --metric") }
            guard result[metric] == nil else { throw ValidationError("--covariate names '\(metric)' twice") }
            result[metric] = String(parts[1])
        }
        return result
    }

    func parsedCaps() throws -> [String: CapRule] {
        var result: [String: CapRule] = [:]
        for pair in caps {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let rule = CapRule(argument: String(parts[1])) else {
                throw ValidationError("--cap '\(pair)': expected COLUMN=P99 (percentile) or COLUMN=VALUE")
            }
            result[String(parts[0])] = rule
        }
        return result
    }

    func run() throws {
        // The config is read once: for its metrics here, for its weights in the analysis.
        let configured = try configuredExperiment()
        var command = self
        try command.applyConfiguredMetrics(configured)
        try command.analyze(configured: configured)
    }

    func analyze(configured: Experiment?) throws {
        let table: ArmTable
        var segments: SegmentedArmTable?
        var experimentKey = experiment
        if let pushed = try pushDownTable() {
            table = pushed.table
            segments = pushed.segments
        } else if let events, exposures != nil || store != nil {
            guard let windowSpan = TimeSpan.parse(window) else { throw ValidationError(TimeSpan.rejection(of: window, flag: "--window")) }
            var settings = RawLogSettings(
                experiment: experiment, metrics: metrics.compactMap(MetricDefinition.init(argument:)),
                window: windowSpan,
                preExposureCovariates: preExposureCovariates)
            settings.segmentColumn = segmentColumn
            settings.ratios = ratios.compactMap(RawLogSettings.Ratio.init(argument:))
            if let threads { settings.threads = max(1, threads) }
            var summary: RawLogSummary
            do {
                var exposureLog: CSVReader
                var storedMultiVariant = 0
                if let store, let experiment {
                    // The store keeps one row per unit; its multi-variant units are already left out.
                    let opened = try ExposureStore(path: store, readOnly: true)
                    storedMultiVariant = try opened.summary(experiment: experiment, examples: 0).multiVariantUnits
                    exposureLog = try opened.exposureLog(experiment: experiment)
                } else if let exposures {
                    exposureLog = try CSVReader(path: exposures)
                } else {
                    throw ValidationError("--events goes with --exposures FILE or --store DB")
                }
                var eventLog = try CSVReader(path: events)
                let progress = ProgressBar.make(total: exposureLog.byteCount + eventLog.byteCount, label: "reading", quiet: output.quiet)
                exposureLog.progress = progress?.handler
                eventLog.progress = progress?.handler
                defer { progress?.finish() }
                summary = try RawLogPipeline.run(exposures: exposureLog, events: eventLog, settings: settings)
                summary.multiVariantUnits += storedMultiVariant
            } catch let error as AnalysisError {
                throw InputFailure(error.message)
            }
            table = summary.table
            segments = summary.segments
            experimentKey = summary.experiment
            output.note(
                "exposures: \(summary.exposureRows) rows, \(summary.exposedUnits) units, \(summary.repeatExposures) repeat exposures, "
                    + "\(summary.multiVariantUnits) units in several variants (excluded); events: \(summary.eventRows) rows, "
                    + "\(summary.strayEvents) of never-exposed units (ignored)")
        } else if let summary {
            table = try SummaryTableReader.read(CSVReader(path: summary), metricName: metrics.first)
        } else if let units {
            let columns = metrics.compactMap(MetricColumn.init(argument:))
            // Percentile caps need the pooled distribution first: one extra pass per capped column.
            var caps: [String: Double] = [:]
            for (column, rule) in try parsedCaps() {
                let values = try UnitTableReader.columnValues(CSVReader(path: units), column: column)
                let cap = rule.threshold(for: values)
                guard cap.isFinite else { throw InputFailure("--cap \(column): the column has no values to take a percentile of") }
                caps[column] = cap
                output.note("capping '\(column)' at \(cap)")
            }
            var unitTable = try CSVReader(path: units)
            let progress = ProgressBar.make(total: unitTable.byteCount, label: "reading \(units)", quiet: output.quiet)
            unitTable.progress = progress?.handler
            defer { progress?.finish() }
            if let segmentColumn {
                let split = try UnitTableReader.readSegmented(
                    unitTable, variantColumn: variantColumn, segmentColumn: segmentColumn, metrics: columns,
                    covariates: try parsedCovariates(), ratios: ratios.compactMap(RatioColumn.init(argument:)), caps: caps,
                    skipMissing: skipMissing)
                segments = split
                table = split.overall
            } else {
                table = try UnitTableReader.read(
                    unitTable, variantColumn: variantColumn, metrics: columns, covariates: try parsedCovariates(),
                    ratios: ratios.compactMap(RatioColumn.init(argument:)), caps: caps, skipMissing: skipMissing)
            }
        } else {
            throw ValidationError("give --summary FILE or --units FILE")
        }
        let settings = AnalysisSettings(
            experiment: experimentKey, control: control, test: TestSettings(alpha: alpha, alternative: alternative),
            correction: correction, weights: try parsedWeights(configured: configured), srmThreshold: srmThreshold,
            method: method, prior: prior.flatMap(GaussianPrior.init(argument:)), tuning: tuning ?? 5_000,
            factorialCovariance: RobustCovariance(argument: robust) ?? .hc3, factorialMetric: factorialMetric)
        var settingsWithLooks = settings
        if let looks, let look {
            settingsWithLooks.plannedLooks = .init(looks: looks, look: look, informationFractions: try parsedInformationFractions())
        }
        var result: AnalysisResult
        do {
            result = if let segments {
                try ExperimentAnalysis.analyze(segments, settings: settingsWithLooks)
            } else {
                try ExperimentAnalysis.analyze(table, settings: settingsWithLooks)
            }
            if let bootstrap, let units {
                let columns = table.metrics.filter { $0.kind == .mean }.map(\.name)
                var samples: [String: [String: [Double]]] = [:]
                for column in columns {
                    samples[column] = try UnitTableReader.armValues(
                        CSVReader(path: units), variantColumn: variantColumn, column: column,
                        cap: try parsedCaps()[column].map { rule in
                            rule.threshold(for: try UnitTableReader.columnValues(CSVReader(path: units), column: column))
                        })
                }
                result.bootstrap = ExperimentAnalysis.bootstrap(
                    samples, control: control, quantile: quantile, replicates: bootstrap, seed: seed, alpha: alpha)
            }
        } catch let error as StatsError {
            throw InputFailure(error.message)
        } catch let error as AnalysisError {
            throw InputFailure(error.message)
        }
        for warning in result.warnings { output.note("warning: \(warning)") }
        let text = switch output.format {
        case .json: try AnalysisReport.json(result)
        case .csv: AnalysisReport.csv(result)
        case .markdown: AnalysisReport.markdown(result)
        case .html: AnalysisReport.html(result)
        case .table: AnalysisReport.table(result, color: output.useColor)
        }
        try output.emit(text)
    }
}

import Foundation
extension AnalysisMethod: ExpressibleByArgument {}
