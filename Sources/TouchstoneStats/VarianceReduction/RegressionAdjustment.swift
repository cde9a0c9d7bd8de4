/// CUPED (Deng, Xu, Kohavi & Walker, "Improving the Sensitivity of Online Controlled
/// Experiments by Utilizing Pre-Experiment Data", WSDM 2013): regression adjustment of a metric
/// y by a pre-period covariate x, from mergeable sufficient statistics.
///
/// θ is pooled across both arms (the joint statistics, as gbstats' `compute_theta`), so it is
/// independent of the treatment and the adjustment cannot bias the effect:
/// ```
/// θ = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²                    (over control ∪ treatment)
/// m_i = ȳ_i − θ x̄_i                                   (adjusted arm estimate)
/// σ²_i = s²_y + θ² s²_x − 2θ s_xy                     (per-unit variance of y − θx)
/// ```
/// The relative effect is scaled by the *unadjusted* control mean, exactly as gbstats'
/// `RegressionAdjustedStatistic` + `frequentist_variance`. With correlation ρ between x and y
/// the variance of the effect shrinks by about ρ². For 0/1 metrics s²_y is p(1 − p), as in
/// gbstats' `ProportionStatistic`; ``varianceReduction`` reports the share
/// actually achieved, 1 − Var_adj(Δ)/Var(Δ).
public struct RegressionAdjustment: Sendable, Hashable {
    /// The pooled regression coefficient (0 when the covariate or metric is constant).
    public var theta: Double
    /// Effect moments of the adjusted estimator.
    public var adjusted: EffectMoments
    /// Effect moments without adjustment (same variance convention).
    public var unadjusted: EffectMoments
    /// 1 − Var_adj(Δ) / Var(Δ).
    public var varianceReduction: Double

    /// Fits θ on both arms' statistics (which must carry the covariate moments).
    public init(control: SufficientStatistics, treatment: SufficientStatistics, kind: MetricKind = .mean) {
        let joint = control + treatment
        let theta = joint.covariateSumOfSquaredDeviations > 0 && joint.sumOfSquaredDeviations > 0
            ? joint.coMoment / joint.covariateSumOfSquaredDeviations : 0
        func adjustedVariance(_ s: SufficientStatistics) -> Double {
            let vy = kind == .proportion ? s.populationVariance : s.variance
            guard s.count > 1 else { return .nan }
            // Rounding can push a near-perfect fit a hair below zero.
            return max(0, vy + theta * theta * s.covariateVariance - 2 * theta * s.covariance)
        }
        self.theta = theta
        self.unadjusted = EffectMoments(control: control, treatment: treatment, kind: kind)
        self.adjusted = EffectMoments(
            controlCount: control.count, treatmentCount: treatment.count,
            controlEstimate: control.mean - theta * control.covariateMean,
            treatmentEstimate: treatment.mean - theta * treatment.covariateMean,
            controlMean: control.mean, treatmentMean: treatment.mean,
            controlVariance: adjustedVariance(control), treatmentVariance: adjustedVariance(treatment))
        let before = unadjusted.absoluteVariance, after = adjusted.absoluteVariance
        self.varianceReduction = before > 0 ? 1 - after / before : .nan
    }
}
