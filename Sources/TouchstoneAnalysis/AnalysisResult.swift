import TouchstoneData
import TouchstoneStats

/// The result of `touchstone analyze`; property names are the JSON output contract.
public struct AnalysisResult: Sendable, Hashable, Codable {
    public struct SRM: Sendable, Hashable, Codable {
        public var chiSquare: Double
        public var pValue: Double
        public var mismatch: Bool
        public var observed: [String: Int]
        public var expected: [String: Double]
        public var threshold: Double
    }

    public struct Arm: Sendable, Hashable, Codable {
        public var variant: String
        public var units: Int
        public var mean: Double
        public var stdDev: Double
    }

    /// What CUPED did for one comparison.
    public struct CUPED: Sendable, Hashable, Codable {
        public var covariate: String
        public var theta: Double
        /// 1 − Var_adjusted(Δ) / Var_unadjusted(Δ).
        public var varianceReduction: Double
    }

    public struct ComparisonResult: Sendable, Hashable, Codable {
        public var variant: String
        public var control: String
        public var absoluteEffect: Double
        public var absoluteCI: Interval
        public var relativeEffect: Double
        public var relativeCI: Interval
        /// NaN (null) for the Bayesian method, which has no p-value.
        public var pValue: Double
        public var adjustedPValue: Double
        public var significant: Bool
        public var statistic: Double
        public var standardError: Double
        /// Bayesian only.
        public var probabilityToBeatControl: Double?
        /// Bayesian only: expected loss of shipping the treatment, in the metric's units.
        public var expectedLoss: Double?
        /// Bayesian only: expected loss of keeping the control.
        public var controlExpectedLoss: Double?
        /// Bayesian only (Gaussian model): expected loss as a share of the control mean (GrowthBook "risk").
        public var relativeExpectedLoss: Double?
        /// Bayesian only: the credible interval of the relative effect.
        public var credibleInterval: Interval?
        /// Bayesian only: `beta-binomial` or `gaussian-effect`.
        public var model: String?
        public var cuped: CUPED?
        public var diagnostics: [Diagnostic]?
    }

    public struct MetricResult: Sendable, Hashable, Codable {
        public var name: String
        public var kind: MetricKind
        public var arms: [Arm]
        public var comparisons: [ComparisonResult]
    }

    /// Channel-combination effects of one metric (the `factorial` block of the contract).
    public struct Factorial: Sendable, Hashable, Codable {
        public var metric: String
        /// `HC1` or `HC3`.
        public var covariance: RobustCovariance
        public var degreesOfFreedom: Double
        /// The control arm's fitted mean.
        public var intercept: Double
        /// Additive main effects and interactions (`email`, `email:push`).
        public var effects: [FactorialRegression.Effect]
        /// Multiplicative effects exp(β) − 1 (conversion metrics).
        public var relativeEffects: [FactorialRegression.Effect]?
        /// Each combination against the best single channel it contains.
        public var combinations: [FactorialRegression.CombinationComparison]
        public var diagnostics: [Diagnostic]?
    }

    /// A percentile-bootstrap comparison of one quantile of one metric.
    public struct BootstrapResult: Sendable, Hashable, Codable {
        public var metric: String
        public var variant: String
        public var control: String
        public var quantile: Double
        public var estimate: Double
        public var ci: Interval
        public var relativeEstimate: Double
        public var relativeCI: Interval
        public var standardError: Double
        public var replicates: Int
        public var seed: UInt64
        public var diagnostics: [Diagnostic]?
    }

    /// The group-sequential look being analysed (`--method sequential --looks K --look k`).
    public struct GroupSequentialLook: Sendable, Hashable, Codable {
        public var looks: Int
        public var look: Int
        /// The share of the planned sample at each look (k/K for equally spaced looks).
        public var informationFractions: [Double]
        /// |z| critical value at this look (per comparison, after the Bonferroni split).
        public var boundary: Double
        /// Two-sided nominal p-value threshold at this look.
        public var nominalAlpha: Double
        public var boundaries: [Double]
        /// The α each comparison's design spends in total (α / m with a correction, else α).
        public var comparisonAlpha: Double
    }

    public var experiment: String?
    public var control: String
    public var method: String
    public var alpha: Double
    public var alternative: Alternative
    public var correction: MultipleTestingCorrection
    /// Sequential method: the mixture SPRT tuning parameter (planned total units).
    public var tuning: Double?
    /// Sequential method with planned looks: the group-sequential design and the current look.
    public var groupSequential: GroupSequentialLook?
    /// Bayesian method: the prior on the relative effect, when informative.
    public var prior: GaussianPrior?
    public var srm: SRM?
    public var metrics: [MetricResult]
    public var factorial: Factorial?
    /// Bootstrap intervals for quantile differences (`--bootstrap N`).
    public var bootstrap: [BootstrapResult]?
    /// Problems with the analysis as a whole (an SRM, say), for humans.
    public var warnings: [String]
    /// Read-outs per segment (`--by COL`).
    public var segments: Segments? = nil
}

// MARK: - Lookups by variant

extension AnalysisResult.MetricResult {
    /// The arms by variant name as bytes, built in one pass: renderers look an arm up per
    /// comparison, and a linear search each time made 40,000 arms quadratic (and `String ==`,
    /// canonical equivalence, could pick the other normalisation's arm).
    public var armsByVariant: [ByteKey: AnalysisResult.Arm] {
        Dictionary(arms.map { (ByteKey($0.variant), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The comparisons by treatment variant name as bytes (see ``armsByVariant``).
    public var comparisonsByVariant: [ByteKey: AnalysisResult.ComparisonResult] {
        Dictionary(comparisons.map { (ByteKey($0.variant), $0) }, uniquingKeysWith: { first, _ in first })
    }
}
