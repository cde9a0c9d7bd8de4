import TouchstoneStats

/// Per-arm sufficient statistics of one or more metrics: what every reader reduces its input to.
public struct ArmTable: Sendable, Hashable {
    public struct Metric: Sendable, Hashable {
        public var name: String
        public var kind: MetricKind
        /// Statistics per variant, keyed by variant name as bytes (``ByteKey``). For a ratio
        /// metric the metric is the numerator and the covariate the denominator.
        public var arms: [ByteKey: SufficientStatistics]
        /// The pre-period covariate the statistics carry for CUPED, if any.
        public var covariate: String?
        /// Several covariates (CUPED++: `--covariate` repeated, `--pre-exposure-covariates all`):
        /// their names, when there are two or more (then ``covariate`` is nil).
        public var covariates: [String] = []
        /// With ``covariates``: per arm, the joint moments of (metric, covariates…), in that order.
        public var jointArms: [ByteKey: JointMoments] = [:]
        /// Cluster-randomised data (`--cluster-column`): each arm's cluster sums, from which the
        /// comparison takes cluster-robust variances instead of the units' own.
        public var clusters: [ByteKey: ClusterStatistics]? = nil

        public init(name: String, kind: MetricKind, arms: [ByteKey: SufficientStatistics], covariate: String? = nil) {
            self.name = name
            self.kind = kind
            self.arms = arms
            self.covariate = covariate
        }
    }

    /// Variant names in the order they first appear in the input.
    public var variants: [String]
    public var metrics: [Metric]
    /// Units per variant (the SRM counts), keyed by variant name as bytes.
    public var units: [ByteKey: Int]
    /// Quantile metrics (`--quantile COL:Q`): their raw values per arm, which no sum can replace.
    public var quantiles: [QuantileSamples] = []

    public init(variants: [String], metrics: [Metric], units: [ByteKey: Int]) {
        self.variants = variants
        self.metrics = metrics
        self.units = units
    }
}

/// A metric requested from a unit-level table: a column, optionally with its kind.
public struct MetricColumn: Sendable, Hashable {
    public var column: String
    /// `nil` infers the kind: a column holding only 0/1 (or true/false) is a proportion.
    public var kind: MetricKind?

    public init(column: String, kind: MetricKind? = nil) {
        self.column = column
        self.kind = kind
    }

    /// Parses `COL`, `COL:proportion` or `COL:mean`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty else { return nil }
        column = String(first)
        if parts.count == 2 {
            // Ratios and quantiles have flags of their own (--ratio, --quantile).
            guard let kind = MetricKind(rawValue: String(parts[1])), kind == .proportion || kind == .mean else { return nil }
            self.kind = kind
        } else {
            kind = nil
        }
    }
}
