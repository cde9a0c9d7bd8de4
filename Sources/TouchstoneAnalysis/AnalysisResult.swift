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
        /// Bayesian only: the posterior probability that this arm has the highest mean of all arms.
        public var probabilityBest: Double? = nil
        /// Quantile metrics only: the arm's sample quantile (numpy's default, type 7).
        public var quantileValue: Double? = nil
        /// Cluster-randomised analyses only: the arm's number of clusters.
        public var clusters: Int? = nil
    }

    /// What CUPED did for one comparison.
    public struct CUPED: Sendable, Hashable, Codable {
        /// The covariate; with several, their names joined by " + ".
        public var covariate: String
        /// The one covariate's θ; NaN (null) with several, whose θ are ``coefficients``.
        public var theta: Double
        /// 1 − Var_adjusted(Δ) / Var_unadjusted(Δ).
        public var varianceReduction: Double
        /// Several covariates: the ones in the fit, in order, and their pooled θ = S_xx⁻¹ S_xy.
        public var covariates: [String]? = nil
        public var coefficients: [Double]? = nil
        /// Several covariates: those left out as constant or collinear (see the diagnostics).
        public var dropped: [String]? = nil
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
        /// Quantile metrics only: the level q (0.5 = median).
        public var quantile: Double? = nil
        /// The metric's role in the decision, its good direction and (guardrails) margin.
        public var role: MetricRole? = nil
        public var direction: MetricDirection? = nil
        public var margin: Double? = nil
    }

    /// Channel-combination effects of one metric (the `factorial` block of the contract).
    public struct Factorial: Sendable, Hashable, Codable {
        public var metric: String
        /// `saturated` (classical effects of the full model) or `additive` (`y ~ channels`).
        public var model: FactorialEffects.Model
        /// `HC1` or `HC3`.
        public var covariance: RobustCovariance
        /// Residual degrees of freedom of the 0/1-coded regression behind ``effects``.
        public var degreesOfFreedom: Double
        /// The control arm's fitted mean.
        public var intercept: Double
        /// Classical main effects (Box, Hunter & Hunter): the average of the cell means with the
        /// channel minus the average without, each cell weighted equally; with the additive model,
        /// its coefficients.
        public var mainEffects: [FactorialEffects.Term]
        /// Classical interactions (half the difference between one channel's effect with and
        /// without the other, likewise for higher orders); empty for the additive model.
        public var interactions: [FactorialEffects.Term]
        /// Additive model: the robust Wald test of the interactions it leaves out.
        public var lackOfFit: FactorialEffects.LackOfFit?
        /// Residual degrees of freedom of the model behind ``mainEffects`` (NaN when not estimable).
        public var modelDegreesOfFreedom: Double
        /// The covariate and pooled θ when the cell means are CUPED-adjusted.
        public var cuped: FactorialCUPED?
        /// Simple effects vs control: the 0/1-coded saturated regression (`email` = the e-mail-only
        /// arm against control, `email:push` = the interaction on that scale).
        public var effects: [FactorialRegression.Effect]
        /// Multiplicative simple effects exp(β) − 1 (conversion metrics).
        public var relativeEffects: [FactorialRegression.Effect]?
        /// Each combination against the best single channel it contains.
        public var combinations: [FactorialRegression.CombinationComparison]
        public var diagnostics: [Diagnostic]?
    }

    /// The CUPED adjustment of a factorial block: y − θ(x − x̄) with θ pooled over all arms.
    public struct FactorialCUPED: Sendable, Hashable, Codable {
        public var covariate: String
        public var theta: Double
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
    /// `--timeline`: the read-out at each day (``TimelineEntry``).
    public var timeline: [TimelineEntry]? = nil
    /// `--timeline`: whether the points may be watched as they come (``timelineNote(method:view:)``).
    public var timelineNote: String? = nil
    /// With covariates: their pre-period balance, every treatment arm against control.
    public var balance: [Balance]? = nil
    /// How relative intervals were formed when not by the delta method (`--relative-ci fieller`).
    public var relativeInterval: RelativeInterval? = nil
    /// Cluster-randomised analyses (`--cluster-column`): the column and the SRM's unit (clusters).
    public var clusterColumn: String? = nil
    /// Ship / roll-back / keep-running / no-difference, per arm and overall (``DecisionRule``).
    public var decision: Decision? = nil
}

// MARK: - Reading results saved before the classical factorial effects

extension AnalysisResult.Factorial {
    /// Decodes a saved `factorial` block; blocks written before `model`, `mainEffects` and
    /// `interactions` existed read as a saturated model with no classical terms (so `touchstone
    /// report` still renders old results) rather than failing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metric = try c.decode(String.self, forKey: .metric)
        model = try c.decodeIfPresent(FactorialEffects.Model.self, forKey: .model) ?? .saturated
        covariance = try c.decode(RobustCovariance.self, forKey: .covariance)
        degreesOfFreedom = try c.decode(Double.self, forKey: .degreesOfFreedom)
        intercept = try c.decode(Double.self, forKey: .intercept)
        mainEffects = try c.decodeIfPresent([FactorialEffects.Term].self, forKey: .mainEffects) ?? []
        interactions = try c.decodeIfPresent([FactorialEffects.Term].self, forKey: .interactions) ?? []
        lackOfFit = try c.decodeIfPresent(FactorialEffects.LackOfFit.self, forKey: .lackOfFit)
        modelDegreesOfFreedom = try c.decodeIfPresent(Double.self, forKey: .modelDegreesOfFreedom) ?? .nan
        cuped = try c.decodeIfPresent(AnalysisResult.FactorialCUPED.self, forKey: .cuped)
        effects = try c.decode([FactorialRegression.Effect].self, forKey: .effects)
        relativeEffects = try c.decodeIfPresent([FactorialRegression.Effect].self, forKey: .relativeEffects)
        combinations = try c.decode([FactorialRegression.CombinationComparison].self, forKey: .combinations)
        diagnostics = try c.decodeIfPresent([Diagnostic].self, forKey: .diagnostics)
    }
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
