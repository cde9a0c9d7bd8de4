/// Bayesian comparison under a normal model of the effect: GrowthBook's
/// `EffectBayesianABTest` (gbstats `bayesian/tests.py`).
///
/// The data give the effect's estimate and delta-method variance (as the frequentist tests);
/// with a normal prior N(m, s²) the posterior is normal with (Gelman et al., *BDA* 3rd ed., §2.5)
/// ```
/// precision = 1/v + 1/s²        mean = (d/v + m/s²) / precision
/// ```
/// (flat prior: mean d, variance v). From N(μ, σ²):
/// ```
/// P(effect > 0)           = Φ(μ/σ)
/// E[max(−effect, 0)]      = σφ(μ/σ) − μΦ(−μ/σ)     (loss of shipping the treatment)
/// E[max(effect, 0)]       = σφ(μ/σ) + μΦ(μ/σ)      (loss of keeping the control)
/// ```
/// which are gbstats' `chance_to_win` and `get_risk` (there via truncated-normal means).
///
/// The relative effect (μ_t − μ_c)/μ_c with the prior as given is gbstats' default and gives
/// ``BayesianComparison/probabilityToBeatControl`` and ``BayesianComparison/relativeCI``;
/// the absolute effect, with the prior rescaled by the control mean as gbstats does for
/// `difference_type="absolute"`, gives ``BayesianComparison/absoluteCI`` and the losses in
/// metric units. Variances follow gbstats: p(1 − p) for proportions, s² (n − 1) for means.
public enum GaussianEffectTest {
    public static func compare(
        control: SufficientStatistics, treatment: SufficientStatistics, kind: MetricKind,
        prior: GaussianPrior = .flat, alpha: Double = 0.05
    ) -> BayesianComparison {
        let moments = EffectMoments(control: control, treatment: treatment, kind: kind)
        return compare(moments, prior: prior, alpha: alpha)
    }

    /// Compares from effect moments (plain, CUPED-adjusted or ratio).
    public static func compare(_ moments: EffectMoments, prior: GaussianPrior = .flat, alpha: Double = 0.05) -> BayesianComparison {
        guard alpha > 0, alpha < 1 else {
            return .undefined(.gaussianEffect, Diagnostic(.invalidInput, "alpha must lie strictly between 0 and 1"))
        }
        if let problem = moments.problem { return .undefined(.gaussianEffect, problem) }
        guard prior.stdDev > 0, prior.stdDev.isFinite, prior.mean.isFinite else {
            return .undefined(.gaussianEffect, Diagnostic(.invalidInput, "the prior needs a finite mean and a positive standard deviation"))
        }
        var diagnostics: [Diagnostic] = []
        let scale = abs(moments.controlMean)
        let absolute = posterior(
            estimate: moments.absoluteEffect, variance: moments.absoluteVariance,
            prior: prior, priorScale: scale)
        let absoluteLoss = losses(mean: absolute.mean, sd: absolute.sd)
        var relative = (mean: Double.nan, sd: Double.nan)
        var relativeCI = Interval.undefined
        var probability = Double.nan
        var relativeLoss: Double?
        if moments.controlMean != 0,
            let collapsed = DeltaMethod.collapsedInterval(
                standardError: moments.relativeVariance.squareRoot(), absoluteStandardError: moments.absoluteVariance.squareRoot())
        {
            // The relative posterior would be a point mass at −100%; the absolute one still carries the control's spread.
            diagnostics.append(collapsed)
            relative.mean = moments.relativeEffect
            probability = absolute.sd > 0 ? Normal.cdf(absolute.mean / absolute.sd) : .nan
        } else if moments.controlMean != 0 {
            relative = posterior(
                estimate: moments.relativeEffect, variance: moments.relativeVariance, prior: prior, priorScale: 1)
            relativeCI = interval(relative.mean, relative.sd, alpha)
            probability = relative.sd > 0 ? Normal.cdf(relative.mean / relative.sd) : .nan
            relativeLoss = losses(mean: relative.mean, sd: relative.sd).treatment
        } else {
            diagnostics.append(Diagnostic(.zeroControlMean, "the control mean is 0: relative effects are undefined"))
            probability = absolute.sd > 0 ? Normal.cdf(absolute.mean / absolute.sd) : .nan
        }
        return BayesianComparison(
            model: .gaussianEffect, probabilityToBeatControl: probability,
            expectedLoss: absoluteLoss.treatment, controlExpectedLoss: absoluteLoss.control,
            relativeExpectedLoss: relativeLoss,
            absoluteEffect: absolute.mean, absoluteCI: interval(absolute.mean, absolute.sd, alpha),
            relativeEffect: relative.mean, relativeCI: relativeCI, diagnostics: diagnostics)
    }

    static func posterior(estimate: Double, variance: Double, prior: GaussianPrior, priorScale: Double) -> (mean: Double, sd: Double) {
        guard prior.isProper else { return (estimate, variance.squareRoot()) }
        let priorMean = prior.mean * priorScale
        let priorVariance = prior.stdDev * prior.stdDev * priorScale * priorScale
        guard priorVariance > 0 else { return (priorMean, 0) }
        let precision = 1 / variance + 1 / priorVariance
        return ((estimate / variance + priorMean / priorVariance) / precision, (1 / precision).squareRoot())
    }

    /// Expected losses of shipping the treatment and of keeping the control under N(mean, sd²).
    static func losses(mean: Double, sd: Double) -> (treatment: Double, control: Double) {
        guard sd > 0, sd.isFinite, mean.isFinite else { return (.nan, .nan) }
        let z = mean / sd
        let density = Normal.density(z)
        return (sd * density - mean * Normal.cdf(-z), sd * density + mean * Normal.cdf(z))
    }

    static func interval(_ mean: Double, _ sd: Double, _ alpha: Double) -> Interval {
        guard mean.isFinite, sd.isFinite, sd >= 0 else { return .undefined }
        let z = Normal.upperQuantile(alpha / 2)
        return Interval(mean - z * sd, mean + z * sd)
    }
}
