import ArgumentParser
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneExperiment
import TouchstonePostgres
import TouchstoneReport
import TouchstoneStats
import TouchstoneTime

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse an experiment from raw exposure and event logs, a unit-level table, per-arm summaries or power sums.",
        discussion: """
            Examples:
              touchstone analyze --units Datasets/hillstrom.csv \\
                  --variant-column segment --control "No E-Mail" \\
                  --metric visit --metric conversion --metric spend
              touchstone analyze --units Datasets/cookie_cats.csv \\
                  --variant-column version --control gate_30 \\
                  --metric retention_1 --metric retention_7 --format json
              touchstone analyze --summary arms.csv --control control \\
                  --weights control=1,treatment=1
              touchstone analyze --exposures sim/exposures.csv \\
                  --events sim/events.csv --control control \\
                  --metric purchase --metric purchase:sum \\
                  --ratio rps=purchase:sum/session:count --by country
              touchstone analyze --exposures x.csv --events e.csv \\
                  --config exp.yaml --experiment onboarding_channels \\
                  --control control
              touchstone analyze --exposures x.csv --events e.csv \\
                  --control control --metric purchase \\
                  --timeline daily --method sequential
              touchstone analyze --units Datasets/hillstrom.csv \\
                  --variant-column segment --control "No E-Mail" \\
                  --metric conversion --metric visit --metric spend \\
                  --guardrail visit=0.01 --secondary spend --planned-units 64000

            Decision: every metric is a goal (tested for superiority, α corrected over the goals) \
            unless --guardrail (non-inferiority against its margin, one-sided at α) or --secondary \
            (reported only); --decrease marks lower-is-better metrics. The verdict per arm and \
            overall is ship, roll-back, keep-running or no-difference (docs/decisions.md).
            """)

    @Option(help: "Per-arm summary (CSV or JSON Lines): variant,units,conversions or variant,units,mean,stddev.")
    var summary: String?

    @Option(help: "Unit-level table (CSV or JSON Lines): one row per unit with its variant and metric columns.")
    var units: String?

    @Option(
        name: .customLong("exposures"), parsing: .upToNextOption,
        help: "Exposure log(s) (CSV or JSON Lines .jsonl/.ndjson): unit_id,experiment,variant,timestamp; several files (repeat the flag or list them) are read as one log, keeping each unit's first exposure.")
    var exposureFiles: [String] = []

    @Option(
        name: .customLong("events"), parsing: .upToNextOption,
        help: "Event log(s) (CSV or JSON Lines .jsonl/.ndjson): unit_id,timestamp,event,value (with --exposures or --store); several files are read as one log.")
    var eventFiles: [String] = []

    @Flag(help: "Raw logs: accept a metric whose event never occurs in the event log (a warning instead of an error).")
    var allowMissingEvents = false

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

    @Option(
        defaultAsFlag: PreExposureCovariates.own, parsing: .next,
        help: ArgumentHelp(
            "Raw logs: compute each metric over the window before exposure as its CUPED covariate (own, the default), or the pre-period of every requested metric as covariates of every metric (all: CUPED with several covariates).",
            valueName: "own|all"))
    var preExposureCovariates: PreExposureCovariates?

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
    var prior: GaussianPrior?

    @Option(help: "Sequential: mixture SPRT tuning, the planned total units per comparison (default 5000, as GrowthBook).")
    var tuning: Double?

    @Option(help: "Sequential: planned, equally spaced looks of a group-sequential (O'Brien–Fleming) test instead of the mSPRT; needs --look.")
    var looks: Int?

    @Option(help: "Sequential with --looks: the information fraction of each look, e.g. 0.3,0.7,1 (default: equally spaced).")
    var informationFractions: InformationFractions?

    @Option(help: "Sequential with --looks: which look this analysis is (1…K).")
    var look: Int?

    @Option(name: .customLong("covariate"), help: "CUPED: METRIC=COL adjusts a unit-table metric by its pre-period column COL; repeat it for one metric to adjust by several columns at once (pooled θ = Σxx⁻¹Σxy). Adds a pre-period balance check of every covariate.")
    var covariates: [String] = []

    @Option(name: .customLong("ratio"), help: "Ratio metric NAME=NUM/DEN: Σ NUM / Σ DEN per arm by the delta method (repeatable). NUM and DEN are columns of a unit table, or raw-log metrics such as purchase:sum/session:count.")
    var ratios: [String] = []

    @Option(name: .customLong("cap"), help: "Winsorise COL at a percentile of all units (COL=P99) or a value (COL=500) before aggregating (repeatable).")
    var caps: [String] = []

    @Option(help: "Channel-combination arms (email+push): metric for the factorial regression (default: the first).")
    var factorialMetric: String?

    @Option(help: "Channel-combination regression: robust covariance HC0, HC1 or HC3.")
    var robust: RobustCovariance = .hc3

    @Option(help: "Channel-combination arms: main effects from the saturated model (classical effects, with interactions) or the additive model y ~ channels (with a lack-of-fit test).")
    var factorialModel: FactorialEffects.Model = .saturated

    @Option(help: "Bootstrap: replicates for a percentile interval of the difference in --quantile of each mean metric (unit table).")
    var bootstrap: Int?

    @Option(help: "Bootstrap: seed of the MT19937 generator.")
    var seed: UInt64 = 1

    @Option(
        name: .customLong("quantile"),
        help: ArgumentHelp(
            "Quantile metric (repeatable): COL:Q of a unit table (revenue:0.9 = p90) or EVENT:sum:Q / EVENT:count:Q of raw logs; per-arm sample quantiles (numpy's default) and their difference with asymptotic intervals. A bare number Q is the --bootstrap quantile level (default 0.5).",
            valueName: "COL:Q"))
    var quantiles: [String] = []

    @Option(help: "Interval of the relative effect: delta (delta method) or fieller (Fieller's interval, null when the control mean is not significantly different from 0).")
    var relativeCi: RelativeInterval = .delta

    @Option(help: "Unit table: the column naming the cluster (household, store…) each unit was randomised with; cluster-robust intervals and an SRM check over clusters.")
    var clusterColumn: String?

    @Option(help: "Raw logs: the read-out over time as well: daily (the analysis as if run at the end of each UTC day; always valid with --method sequential, otherwise not valid for peeking) or days-since-exposure (each unit's day k after exposure: novelty and primacy effects).")
    var timeline: TimelineView?

    @Option(
        name: .customLong("guardrail"),
        help: ArgumentHelp("Decision: a guardrail metric, tested for non-inferiority against MARGIN, the largest tolerated relative harm (0.01 = 1%); without a margin it is checked for harm only (repeatable). Metrics are goals unless named here or by --secondary.", valueName: "name[=margin]"))
    var guardrails: [String] = []

    @Option(name: .customLong("secondary"), help: ArgumentHelp("Decision: a metric that is reported but never decides (repeatable).", valueName: "name"))
    var secondaryMetrics: [String] = []

    @Option(name: .customLong("decrease"), help: ArgumentHelp("Decision: a metric for which lower is better, e.g. latency or churn (repeatable).", valueName: "name"))
    var decreasing: [String] = []

    @Option(help: "Decision: the planned total units (all arms); below it a result short of significance is keep-running, at or above it no-difference.")
    var plannedUnits: Int?

    @Flag(help: "Terminal tables: show every column even when wider than 100 characters.")
    var wide = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.require([.table, .json, .csv, .markdown, .html])
        let inputs = [summary != nil, units != nil, !exposureFiles.isEmpty, store != nil, postgres != nil, powerSums != nil]
            .filter { $0 }.count
        guard inputs == 1 else {
            throw ValidationError(
                "give exactly one input: --summary FILE, --units FILE, --exposures FILE --events FILE, --store DB --events FILE, "
                    + "--postgres URL or --power-sums FILE")
        }
        if postgres != nil, experiment == nil { throw ValidationError("--postgres needs --experiment KEY") }
        if postgres == nil, pushDown.isUsed {
            throw ValidationError(
                "--exposures-table, --events-table, --exposure-columns, --event-columns, --timestamp-type and --statement-timeout "
                    + "go with --postgres URL (or `touchstone sql`); a log file's columns are named by its header")
        }
        if seed != 1, bootstrap == nil { throw ValidationError("--seed seeds --bootstrap N (nothing else here is random)") }
        if config != nil, experiment == nil {
            throw ValidationError("--config needs --experiment KEY (a config holds many experiments)")
        }
        for (flag, files) in [("--exposures", exposureFiles), ("--events", eventFiles)] {
            guard files.allSatisfy({ !$0.isEmpty }) else { throw ValidationError("\(flag) names an empty path") }
        }
        guard (exposureFiles + eventFiles).filter({ $0 == "-" }).count <= 1 else {
            throw ValidationError("standard input (-) can be read once: give it to one of --exposures, --events")
        }
    }

    /// The request the flags describe; the library validates and runs it.
    func request() throws -> AnalysisRequest {
        let source: AnalysisRequest.Source
        if let summary {
            source = .summary(path: summary)
        } else if let units {
            source = .units(path: units)
        } else if !exposureFiles.isEmpty {
            source = .rawLogs(exposures: exposureFiles, events: eventFiles)
        } else if let store {
            source = .store(path: store, events: eventFiles)
        } else if let powerSums {
            source = .powerSums(path: powerSums)
        } else {
            source = .pushedDown(sums: [], origin: "PostgreSQL")
        }
        if !eventFiles.isEmpty, exposureFiles.isEmpty, store == nil {
            throw ValidationError("--events goes with --exposures FILE or --store DB")
        }
        guard let window = TimeSpan.parse(window) else { throw ValidationError(TimeSpan.rejection(of: self.window, flag: "--window")) }
        var settings = AnalysisSettings(
            experiment: experiment, control: control, test: TestSettings(alpha: alpha, alternative: alternative),
            correction: correction, weights: try weights.map(WeightsArgument.dictionary), srmThreshold: srmThreshold,
            method: method, prior: prior, factorialCovariance: robust, factorialMetric: factorialMetric)
        settings.factorialModel = factorialModel
        if looks != nil || look != nil || informationFractions != nil {
            guard let looks, let look else { throw ValidationError("--looks K and --look k go together (and --information-fractions needs both)") }
            settings.plannedLooks = .init(looks: looks, look: look, informationFractions: informationFractions?.values)
        }
        var request = AnalysisRequest(source: source, settings: settings)
        request.metrics = metrics
        request.ratios = ratios
        request.covariates = covariates
        request.caps = caps
        request.variantColumn = variantColumn
        request.skipMissing = skipMissing
        request.segmentColumn = segmentColumn
        request.window = window
        request.preExposureCovariates = preExposureCovariates != nil
        request.preExposureCovariatesOfAllMetrics = preExposureCovariates == .all
        request.allowMissingEvents = allowMissingEvents
        request.threads = threads
        request.tuning = tuning
        request.timeline = timeline
        // A bare number is the bootstrap level, as before quantile metrics existed.
        let levels = quantiles.compactMap(Double.init)
        guard levels.count <= 1 else { throw ValidationError("--quantile: give at most one bare bootstrap level (got \(levels.count))") }
        if !levels.isEmpty, bootstrap == nil {
            throw ValidationError("--quantile \(levels[0]): a bare level is the --bootstrap N quantile; for a quantile metric write COLUMN:Q (e.g. revenue:\(levels[0]))")
        }
        request.quantiles = quantiles.filter { Double($0) == nil }
        request.bootstrap = bootstrap.map { .init(replicates: $0, seed: seed, quantile: levels.first ?? 0.5) }
        request.settings.relativeInterval = relativeCi
        request.clusterColumn = clusterColumn
        request.decision.guardrails = guardrails
        request.decision.secondary = secondaryMetrics
        request.decision.decrease = decreasing
        request.decision.plannedUnits = plannedUnits
        if let config, let experiment { request.configured = try ExperimentConfig.experiment(experiment, in: config) }
        return request
    }

    func run() throws {
        let observer = CommandObserver(output: output)
        let result = try AnalysisFailure.mapping {
            var request = try request()
            try request.prepare()
            if let postgres {
                request.source = .pushedDown(sums: try pushDown.runPostgres(url: postgres, settings: request.rawLogSettings()), origin: "PostgreSQL")
            }
            return try request.analyze(request.armTables(observer: observer), observer: observer)
        }
        for warning in result.warnings { output.note("warning: \(warning)") }
        let text = switch output.format {
        case .json: try AnalysisReport.json(result)
        case .csv: AnalysisReport.csv(result)
        case .markdown: AnalysisReport.markdown(result)
        case .html: AnalysisReport.html(result)
        case .table: AnalysisReport.table(result, color: output.useColor, wide: wide)
        }
        try output.emit(text)
    }
}

import Foundation
extension AnalysisMethod: ExpressibleByArgument {}
extension TimelineView: ExpressibleByArgument {}
extension FactorialEffects.Model: ExpressibleByArgument {}
extension RelativeInterval: ExpressibleByArgument {}
