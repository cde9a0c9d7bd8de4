/// The point estimates and delta-method variances of the absolute and relative effect of one
/// treatment against control — the input the Welch-type, sequential and Gaussian Bayesian
/// tests share, whatever produced it (plain means, CUPED-adjusted means, ratio metrics).
///
/// With per-unit variances σ²ᵢ of the (possibly adjusted) estimator and the unadjusted means
/// μᵢ used as the scale of the relative effect (gbstats `frequentist_variance`):
/// ```
/// Δ = m_t − m_c                     Var(Δ) = σ²_t/n_t + σ²_c/n_c
/// r = Δ / μ_c                       Var(r) = σ²_t/(μ_c² n_t) + σ²_c μ_t²/(μ_c⁴ n_c)
/// ```
public struct EffectMoments: Sendable, Hashable {
    public var controlCount: Int
    public var treatmentCount: Int
    /// m_c, m_t: the arms' estimates (adjusted where an adjustment applies).
    public var controlEstimate: Double
    public var treatmentEstimate: Double
    /// μ_c, μ_t: the unadjusted means that scale the relative effect.
    public var controlMean: Double
    public var treatmentMean: Double
    /// σ²_c, σ²_t: per-unit variances of the estimators.
    public var controlVariance: Double
    public var treatmentVariance: Double

    public init(
        controlCount: Int, treatmentCount: Int, controlEstimate: Double, treatmentEstimate: Double,
        controlMean: Double, treatmentMean: Double, controlVariance: Double, treatmentVariance: Double
    ) {
        self.controlCount = controlCount
        self.treatmentCount = treatmentCount
        self.controlEstimate = controlEstimate
        self.treatmentEstimate = treatmentEstimate
        self.controlMean = controlMean
        self.treatmentMean = treatmentMean
        self.controlVariance = controlVariance
        self.treatmentVariance = treatmentVariance
    }

    /// Moments of plain means: p(1 − p) per unit for proportions (as gbstats'
    /// `ProportionStatistic`), the sample variance for means.
    public init(control: SufficientStatistics, treatment: SufficientStatistics, kind: MetricKind) {
        func variance(_ s: SufficientStatistics) -> Double {
            kind == .proportion ? s.populationVariance : s.variance
        }
        self.init(
            controlCount: control.count, treatmentCount: treatment.count,
            controlEstimate: control.mean, treatmentEstimate: treatment.mean,
            controlMean: control.mean, treatmentMean: treatment.mean,
            controlVariance: variance(control), treatmentVariance: variance(treatment))
    }

    var nc: Double { Double(controlCount) }
    var nt: Double { Double(treatmentCount) }

    public var absoluteEffect: Double { treatmentEstimate - controlEstimate }
    public var absoluteVariance: Double { treatmentVariance / nt + controlVariance / nc }
    public var relativeEffect: Double { controlMean != 0 ? absoluteEffect / controlMean : .nan }
    public var relativeVariance: Double {
        guard controlMean != 0 else { return .nan }
        let c2 = controlMean * controlMean
        return treatmentVariance / (c2 * nt) + controlVariance * treatmentMean * treatmentMean / (c2 * c2 * nc)
    }

    /// Welch–Satterthwaite degrees of freedom of Var(Δ).
    public var degreesOfFreedom: Double {
        let vc = controlVariance / nc, vt = treatmentVariance / nt
        return (vc + vt) * (vc + vt) / (vc * vc / (nc - 1) + vt * vt / (nt - 1))
    }

    /// Why no test can use these moments, or nil.
    public var problem: Diagnostic? {
        if controlCount < 1 || treatmentCount < 1 {
            return Diagnostic(.emptyArm, controlCount < 1 ? "the control arm has no units" : "the treatment arm has no units")
        }
        if controlCount < 2 || treatmentCount < 2 {
            return Diagnostic(.insufficientData, "an arm has fewer than 2 units: its variance is undefined")
        }
        let v = absoluteVariance
        if !(v > 0) || !v.isFinite {
            return Diagnostic(.zeroVariance, "the effect's variance is zero or undefined: no test is possible")
        }
        return nil
    }
}
