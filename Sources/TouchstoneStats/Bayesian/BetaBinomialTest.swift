import CGSL

/// Bayesian comparison of two conversion rates with independent Beta posteriors:
/// p_c ~ Beta(α₀ + x_c, β₀ + n_c − x_c), p_t likewise (a Beta(α₀, β₀) prior per arm, uniform by
/// default).
///
/// Everything is exact, not Monte Carlo:
/// - P(p_t > p_c) by Evan Miller's closed form ("Formulas for Bayesian A/B Testing", 2015)
///   when α_t is an integer up to ``closedFormLimit``,
///   ```
///   P(p_t > p_c) = Σ_{i=0}^{α_t−1} B(α_c + i, β_c + β_t) / ((β_t + i) B(1 + i, β_t) B(α_c, β_c))
///   ```
///   and otherwise by adaptive quadrature of ∫ f_c(x) P(p_t > x) dx (GSL QAGP on a window of
///   ±40 posterior standard deviations around both means, where all the mass is), with the
///   Beta tail of ``BetaDistribution``, accurate for counts in the hundreds of millions.
/// - The expected losses by size-biasing (Stucchio 2014): x·f_{a,b}(x) = a/(a+b)·f_{a+1,b}(x), so
///   ```
///   E[max(p_c − p_t, 0)] = α_c/(α_c+β_c) · P(p_c⁺ > p_t) − α_t/(α_t+β_t) · P(p_c > p_t⁺)
///   ```
///   with p⁺ the posterior with α + 1.
/// - Credible intervals of p_t − p_c and p_t/p_c − 1 by inverting their exact distribution
///   functions, ∫ f_c(x) F_t(x + d) dx and ∫ f_c(x) F_t(x(1 + r)) dx, with Brent's method.
public enum BetaBinomialTest {
    /// Largest integer α_t for which the closed-form sum is used (each term costs one log-beta).
    public static let closedFormLimit = 20_000

    public struct Prior: Sendable, Hashable {
        public var alpha: Double
        public var beta: Double
        public init(alpha: Double = 1, beta: Double = 1) {
            self.alpha = alpha
            self.beta = beta
        }
    }

    public static func compare(
        control: (units: Int, conversions: Int), treatment: (units: Int, conversions: Int),
        prior: Prior = Prior(), alpha: Double = 0.05
    ) -> BayesianComparison {
        guard alpha > 0, alpha < 1 else {
            return .undefined(.betaBinomial, Diagnostic(.invalidInput, "alpha must lie strictly between 0 and 1"))
        }
        guard prior.alpha > 0, prior.beta > 0, prior.alpha.isFinite, prior.beta.isFinite else {
            return .undefined(.betaBinomial, Diagnostic(.invalidInput, "the Beta prior needs positive, finite parameters"))
        }
        guard control.conversions >= 0, treatment.conversions >= 0,
            control.conversions <= control.units, treatment.conversions <= treatment.units
        else {
            return .undefined(.betaBinomial, Diagnostic(.invalidInput, "conversions must lie between 0 and the number of units"))
        }
        var diagnostics: [Diagnostic] = []
        if control.units == 0 || treatment.units == 0 {
            diagnostics.append(Diagnostic(.emptyArm, "an arm has no units: its posterior is the prior"))
        }
        let c = BetaDistribution(prior.alpha + Double(control.conversions), prior.beta + Double(control.units - control.conversions))
        let t = BetaDistribution(prior.alpha + Double(treatment.conversions), prior.beta + Double(treatment.units - treatment.conversions))
        let probability = probabilityGreater(t, than: c)
        let loss = expectedLoss(ofChoosing: t, over: c)
        let controlLoss = expectedLoss(ofChoosing: c, over: t)
        let tails = (alpha / 2, 1 - alpha / 2)
        let absoluteCI = Interval(
            differenceQuantile(tails.0, treatment: t, control: c), differenceQuantile(tails.1, treatment: t, control: c))
        let relativeCI = Interval(
            ratioQuantile(tails.0, treatment: t, control: c), ratioQuantile(tails.1, treatment: t, control: c))
        if !probability.isFinite || !absoluteCI.isDefined || !relativeCI.isDefined {
            diagnostics.append(Diagnostic(.solverFailed, "numerical integration did not reach its tolerance"))
        }
        return BayesianComparison(
            model: .betaBinomial, probabilityToBeatControl: probability, expectedLoss: loss,
            controlExpectedLoss: controlLoss,
            absoluteEffect: t.mean - c.mean, absoluteCI: absoluteCI,
            // E[p_t/p_c] − 1 = E[p_t]·E[1/p_c] − 1 with E[1/p_c] = (α+β−1)/(α−1) for α > 1.
            relativeEffect: c.a > 1 ? t.mean * (c.a + c.b - 1) / (c.a - 1) - 1 : .nan,
            relativeCI: relativeCI, diagnostics: diagnostics)
    }

    // MARK: - Exact probabilities

    /// P(X > Y) for independent X ~ `x`, Y ~ `y`.
    public static func probabilityGreater(_ x: BetaDistribution, than y: BetaDistribution) -> Double {
        guard x.isValid, y.isValid else { return .nan }
        if x.a == x.a.rounded(), x.a <= Double(closedFormLimit) { return closedForm(x, than: y) }
        return integrated(x, than: y)
    }

    /// Evan Miller's sum over the integer first parameter of `x`.
    static func closedForm(_ x: BetaDistribution, than y: BetaDistribution) -> Double {
        GSL.ready()
        let base = gsl_sf_lnbeta(y.a, y.b)
        var total = 0.0
        for i in 0..<Int(x.a) {
            let i = Double(i)
            total += exp(gsl_sf_lnbeta(y.a + i, y.b + x.b) - log(x.b + i) - gsl_sf_lnbeta(1 + i, x.b) - base)
        }
        return min(1, total)
    }

    /// ∫ f_y(u) P(X > u) du by adaptive quadrature.
    static func integrated(_ x: BetaDistribution, than y: BetaDistribution) -> Double {
        Integration.integrate(over: window(y, x)) { u in
            y.density(u) * x.survival(u)
        }.value
    }

    /// E[max(Y − X, 0)]: the expected shortfall of choosing X when Y might be better.
    public static func expectedLoss(ofChoosing x: BetaDistribution, over y: BetaDistribution) -> Double {
        let yPlus = BetaDistribution(y.a + 1, y.b), xPlus = BetaDistribution(x.a + 1, x.b)
        let loss = y.mean * probabilityGreater(yPlus, than: x) - x.mean * probabilityGreater(y, than: xPlus)
        // The two terms can differ by less than their rounding when the loss is tiny.
        return max(0, loss)
    }

    /// Break points for the quadrature: the union of ±40 sd windows around both posteriors,
    /// with the means as interior points, clipped to [0, 1].
    static func window(_ first: BetaDistribution, _ second: BetaDistribution) -> [Double] {
        let spread = 40.0
        let lower = max(0, min(first.mean - spread * first.variance.squareRoot(), second.mean - spread * second.variance.squareRoot()))
        let upper = min(1, max(first.mean + spread * first.variance.squareRoot(), second.mean + spread * second.variance.squareRoot()))
        var points = [lower]
        for m in [first.mean, second.mean].sorted() where m > points[points.count - 1] && m < upper { points.append(m) }
        points.append(upper)
        return points
    }

    // MARK: - Credible intervals

    /// The q-quantile of p_t − p_c.
    static func differenceQuantile(_ q: Double, treatment t: BetaDistribution, control c: BetaDistribution) -> Double {
        let points = window(c, c)
        let cdf: (Double) -> Double = { d in
            Integration.integrate(over: points, relativeTolerance: 1e-10) { x in c.density(x) * t.cdf(x + d) }.value
        }
        let sd = (t.variance + c.variance).squareRoot()
        let center = t.mean - c.mean
        return invert(cdf, q, lower: max(-1, center - 40 * sd), upper: min(1, center + 40 * sd))
    }

    /// The q-quantile of p_t / p_c − 1.
    static func ratioQuantile(_ q: Double, treatment t: BetaDistribution, control c: BetaDistribution) -> Double {
        let points = window(c, c)
        let cdf: (Double) -> Double = { r in
            Integration.integrate(over: points, relativeTolerance: 1e-10) { x in c.density(x) * t.cdf(x * (1 + r)) }.value
        }
        // Delta-method scale for the bracket, widened until it brackets.
        let ratio = t.mean / c.mean
        let sd = ratio * (t.variance / (t.mean * t.mean) + c.variance / (c.mean * c.mean)).squareRoot()
        var lower = max(-1, ratio - 1 - 40 * sd), upper = ratio - 1 + 40 * sd
        var widenings = 0
        while cdf(upper) < q, widenings < 60 {
            upper = upper * 2 + 1
            widenings += 1
        }
        if cdf(lower) > q { lower = -1 }
        return invert(cdf, q, lower: lower, upper: upper)
    }

    private static func invert(_ cdf: (Double) -> Double, _ q: Double, lower: Double, upper: Double) -> Double {
        RootFinding.brent(lower: lower, upper: upper, tolerance: 1e-12) { cdf($0) - q } ?? .nan
    }
}
