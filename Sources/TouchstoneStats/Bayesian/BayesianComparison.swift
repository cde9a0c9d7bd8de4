/// The posterior comparison of a treatment arm with control on one metric.
///
/// Property names follow the JSON contract (`probabilityToBeatControl`, `expectedLoss`,
/// `credibleInterval`). Intervals are equal-tailed credible intervals at level 1 − α.
public struct BayesianComparison: Sendable, Hashable, Codable {
    /// Which posterior model produced the result.
    public enum Model: String, Sendable, Hashable, Codable {
        /// Independent Beta posteriors of two conversion rates (exact).
        case betaBinomial = "beta-binomial"
        /// A normal posterior of the effect (GrowthBook's `EffectBayesianABTest`).
        case gaussianEffect = "gaussian-effect"
    }

    public var model: Model
    /// P(treatment's true mean > control's).
    public var probabilityToBeatControl: Double
    /// E[max(μ_c − μ_t, 0)]: the mean shortfall, in the metric's units, of shipping the treatment.
    public var expectedLoss: Double
    /// E[max(μ_t − μ_c, 0)]: the mean shortfall of keeping the control.
    public var controlExpectedLoss: Double
    /// The expected loss of shipping the treatment as a share of the control mean (GrowthBook's
    /// relative "risk"), where the model gives it.
    public var relativeExpectedLoss: Double?
    /// Posterior mean (beta-binomial) or mean of the normal posterior of μ_t − μ_c.
    public var absoluteEffect: Double
    public var absoluteCI: Interval
    /// Posterior estimate of μ_t / μ_c − 1.
    public var relativeEffect: Double
    public var relativeCI: Interval
    /// The credible interval of the contract: that of the relative effect.
    public var credibleInterval: Interval { relativeCI }
    public var diagnostics: [Diagnostic]

    public init(
        model: Model, probabilityToBeatControl: Double, expectedLoss: Double, controlExpectedLoss: Double,
        relativeExpectedLoss: Double? = nil, absoluteEffect: Double, absoluteCI: Interval,
        relativeEffect: Double, relativeCI: Interval, diagnostics: [Diagnostic] = []
    ) {
        self.model = model
        self.probabilityToBeatControl = probabilityToBeatControl
        self.expectedLoss = expectedLoss
        self.controlExpectedLoss = controlExpectedLoss
        self.relativeExpectedLoss = relativeExpectedLoss
        self.absoluteEffect = absoluteEffect
        self.absoluteCI = absoluteCI
        self.relativeEffect = relativeEffect
        self.relativeCI = relativeCI
        self.diagnostics = diagnostics
    }

    static func undefined(_ model: Model, _ diagnostic: Diagnostic) -> BayesianComparison {
        BayesianComparison(
            model: model, probabilityToBeatControl: .nan, expectedLoss: .nan, controlExpectedLoss: .nan,
            absoluteEffect: .nan, absoluteCI: .undefined, relativeEffect: .nan, relativeCI: .undefined,
            diagnostics: [diagnostic])
    }
}
