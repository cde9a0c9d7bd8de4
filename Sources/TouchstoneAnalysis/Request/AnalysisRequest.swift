import TouchstoneData
import TouchstoneExperiment
import TouchstoneStats
import TouchstoneTime

/// Everything `touchstone analyze` needs, in one value: where the data are, which metrics, and
/// how to test them.
///
/// The command line only fills it in; the library validates it once (``validate()``), reads the
/// data into per-arm sufficient statistics (``armTables(observer:)``) and analyses them
/// (``run(observer:)``). Scripts that embed the library get the command line's defaults and
/// refusals, and every decision (which metrics a config contributes, where weights come from,
/// how caps and bootstrap samples are read) is made here, once.
public struct AnalysisRequest: Sendable {
    /// Where the data come from.
    public enum Source: Sendable {
        /// Per-arm summaries: `variant,units,conversions` or `variant,units,mean,stddev`.
        case summary(path: String)
        /// A unit-level table: one row per unit with its variant and metric columns.
        case units(path: String)
        /// Exposure and event logs (several files each are read as one log).
        case rawLogs(exposures: [String], events: [String])
        /// An exposure store written by `touchstone expose`, with event logs.
        case store(path: String, events: [String])
        /// A power-sums file (the result of the push-down query run in a warehouse).
        case powerSums(path: String)
        /// Power sums the caller fetched from a SQL engine; `origin` names it in notes.
        case pushedDown(sums: [PowerSums], origin: String)
    }

    /// Bootstrap comparison of a quantile of every mean metric (unit tables).
    public struct BootstrapOptions: Sendable, Hashable {
        public var replicates: Int
        public var seed: UInt64
        public var quantile: Double
        public init(replicates: Int, seed: UInt64 = 1, quantile: Double = 0.5) {
            self.replicates = replicates
            self.seed = seed
            self.quantile = quantile
        }
    }

    public var source: Source
    /// Control, test, correction, SRM, method, priors, looks and the factorial regression.
    /// `settings.weights == nil` means: the configured experiment's weights, else equal.
    public var settings: AnalysisSettings
    /// Metrics as written on the command line: `COL[:proportion|mean]` for unit tables and
    /// summaries, `EVENT[:conversion|sum|count|retention:N]` for raw logs and power sums.
    public var metrics: [String] = []
    /// Ratio metrics `NAME=NUM/DEN`: columns of a unit table, or raw-log metrics.
    public var ratios: [String] = []
    /// CUPED covariates `METRIC=COL` (unit tables).
    public var covariates: [String] = []
    /// Winsorisation `COL=P99` or `COL=VALUE` (unit tables).
    public var caps: [String] = []
    /// The unit table's variant column.
    public var variantColumn = AnalysisRequest.defaultVariantColumn
    /// The variant column of every input; only a unit table's may be renamed.
    public static let defaultVariantColumn = "variant"
    /// Leave units with an empty metric cell out of that metric instead of stopping.
    public var skipMissing = false
    /// Split the results by this attribute (`--by`).
    public var segmentColumn: String?
    /// Raw logs: the metric window [t₀, t₀ + W) after first exposure (and the pre-period before it).
    public var window = AnalysisRequest.defaultWindow
    /// Fourteen days: the window when none is given (other inputs refuse any other).
    public static let defaultWindow = TimeSpan(days: 14)
    /// Raw logs: each metric's pre-period as its CUPED covariate.
    public var preExposureCovariates = false
    /// Raw logs, with ``preExposureCovariates``: the pre-period of every requested metric as a
    /// covariate of every metric (`--pre-exposure-covariates all`).
    public var preExposureCovariatesOfAllMetrics = false
    /// Raw logs: accept a metric whose event never occurs (a warning instead of an error).
    public var allowMissingEvents = false
    /// Raw logs: worker threads (default: all cores).
    public var threads: Int?
    public var bootstrap: BootstrapOptions?
    /// Quantile metrics `COL:Q` (unit tables; see ``QuantileColumn``).
    public var quantiles: [String] = []
    /// Units were randomised in clusters named by this unit-table column (`--cluster-column`).
    public var clusterColumn: String?
    /// Sequential: the mixture SPRT tuning (planned units per comparison); `nil` keeps
    /// `settings.tuning` (GrowthBook's 5,000) and allows planned looks instead.
    public var tuning: Double?
    /// The experiment's config entry: its `metrics:` when no metric is given, its variant weights
    /// for the SRM check when no weights are given.
    public var configured: Experiment?
    /// Raw logs: the read-out over time as well (`--timeline`), in the same pass over the logs.
    public var timeline: TimelineView?
    /// Metric roles, directions and margins given as options, and the planned sample (they
    /// override the config's `metrics:` entries); see ``DecisionRule``.
    public var decision = DecisionOptions()

    public init(source: Source, settings: AnalysisSettings) {
        self.source = source
        self.settings = settings
    }

    /// Whether the source holds raw logs or sums of raw-log metrics (metrics are `EVENT:…`).
    public var readsRawLogMetrics: Bool {
        switch source {
        case .rawLogs, .store, .powerSums, .pushedDown: true
        case .summary, .units: false
        }
    }
}

/// Receives what an analysis has to tell while it reads: progress over bytes and notes for the user.
public protocol AnalysisObserver: Sendable {
    /// A progress callback for a read of `bytes` bytes, or nil to show none.
    func reading(bytes: Int, label: String) -> (@Sendable (Int) -> Void)?
    /// The read started by the last ``reading(bytes:label:)`` is over.
    func finishedReading()
    /// A line for the user (counts read, caps applied, warnings).
    func note(_ text: String)
}
