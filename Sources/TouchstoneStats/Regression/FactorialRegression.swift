import CGSL

/// Main effects and interactions of channels in a channel-combination experiment, by least
/// squares with heteroscedasticity-robust standard errors, computed from per-arm sufficient
/// statistics.
///
/// Each arm (cell) c receives a set of channels; the regressors are an intercept and one 0/1
/// column per term T (a set of channels), equal to 1 in every cell containing all of T. With
/// interactions (the default) the terms are the arms' own channel sets — `email`, `push`,
/// `email:push` for a 2×2 design, all 2^k − 1 for a full factorial — so the model is saturated
/// and always identifiable (the cell–term incidence matrix is unitriangular under inclusion);
/// without, only single channels (main effects), and any lack of fit goes to the residuals.
///
/// Because xᵢ is constant within a cell, everything OLS on the units needs is per-cell count,
/// mean and M2 = Σ(y − ȳ_c)², so the fit merges like every other statistic:
/// ```
/// X'X = Σ_c n_c x_c x_c'      X'y = Σ_c n_c ȳ_c x_c       (GSL gsl_multifit_wlinear, weights n_c)
/// Σ_{i∈c} eᵢ² = M2_c + n_c (ȳ_c − x_c'β)²                    h_c = x_c'(X'X)⁻¹x_c
/// ```
/// and the sandwich of ``RobustCovariance`` follows. Intervals and p-values use Student's t on
/// n − p degrees of freedom (statsmodels `OLS.fit(cov_type=…, use_t=True)`).
///
/// For conversion metrics the multiplicative effects come from the same saturated model on
/// the log scale: β = M⁻¹ log p̂ (weighted least squares of log p̂_c with delta-method variances
/// (1 − p̂_c)/(n_c p̂_c)), which is the Poisson log-link GLM's maximum-likelihood fit with HC0
/// sandwich covariance; each term is reported as exp(β) − 1 with normal-theory interval.
///
/// Every combination is also compared with the best single channel it contains (the highest
/// observed mean among its single-channel arms) by the metric's own two-sample test. Choosing
/// "best" by the observed mean favours that channel, so that comparison is conservative for
/// the combination.
public enum FactorialRegression {
    public struct Effect: Sendable, Hashable, Codable {
        public var term: String
        public var estimate: Double
        public var ci: Interval
        public var pValue: Double
        /// The p-value adjusted over this list of terms with the analysis' correction (set by the analysis).
        public var adjustedPValue: Double?
        public var standardError: Double
    }

    public struct CombinationComparison: Sendable, Hashable, Codable {
        public var variant: String
        public var bestSingle: String
        public var absoluteEffect: Double
        public var absoluteCI: Interval
        public var relativeEffect: Double
        public var relativeCI: Interval
        public var pValue: Double
        /// The p-value adjusted over the combinations with the analysis' correction (set by the analysis).
        public var adjustedPValue: Double?
    }

    public struct Result: Sendable, Hashable, Codable {
        public var covariance: RobustCovariance
        public var degreesOfFreedom: Double
        /// Additive effects; the first is the intercept (the control arm's mean when saturated).
        public var effects: [Effect]
        /// Multiplicative effects exp(β) − 1 of the log-scale model (conversion metrics, saturated model).
        public var relativeEffects: [Effect]?
        public var combinations: [CombinationComparison]
        public var diagnostics: [Diagnostic]
        /// The sandwich covariance matrix of the coefficients in ``effects`` (empty when the fit failed).
        public var coefficientCovariance: [[Double]] = []
    }

    public struct Cell: Sendable, Hashable {
        public var variant: String
        public var combination: ChannelCombination
        public var statistics: SufficientStatistics

        public init(variant: String, combination: ChannelCombination, statistics: SufficientStatistics) {
            self.variant = variant
            self.combination = combination
            self.statistics = statistics
        }
    }

    public static func fit(
        cells allCells: [Cell], kind: MetricKind, covariance: RobustCovariance = .hc3,
        interactions: Bool = true, settings: TestSettings = TestSettings()
    ) -> Result {
        var diagnostics: [Diagnostic] = []
        let cells = allCells.filter { $0.statistics.count > 0 }
        if cells.count < allCells.count {
            diagnostics.append(Diagnostic(.emptyArm, "arms without units were left out of the regression"))
        }
        // Terms in order of size, then of first appearance.
        var terms: [ChannelCombination] = []
        if interactions {
            for cell in cells where !cell.combination.channels.isEmpty {
                let key = Set(cell.combination.channels)
                if !terms.contains(where: { Set($0.channels) == key }) { terms.append(cell.combination) }
            }
        } else {
            for cell in cells {
                for channel in cell.combination.channels where !terms.contains(where: { $0.channels == [channel] }) {
                    terms.append(ChannelCombination(channels: [channel]))
                }
            }
        }
        terms = terms.enumerated().sorted { ($0.element.channels.count, $0.offset) < ($1.element.channels.count, $1.offset) }.map(\.element)
        let names = ["(intercept)"] + terms.map { $0.channels.joined(separator: ":") }
        let design = cells.map { cell in [1.0] + terms.map { cell.combination.contains($0) ? 1 : 0 } }
        let p = names.count
        let n = cells.reduce(0) { $0 + $1.statistics.count }
        var result = Result(
            covariance: covariance, degreesOfFreedom: Double(n - p), effects: [], relativeEffects: nil,
            combinations: [], diagnostics: diagnostics)
        guard cells.contains(where: { $0.combination.channels.isEmpty }) else {
            result.diagnostics.append(Diagnostic(.invalidInput, "no control arm (no channels): effects are not identified"))
            return result
        }
        guard n > p, cells.count >= p else {
            result.diagnostics.append(Diagnostic(.insufficientData, "fewer units or arms than model terms"))
            return result
        }

        guard let fit = weightedLeastSquares(
            design: design, response: cells.map(\.statistics.mean), weights: cells.map { Double($0.statistics.count) })
        else {
            result.diagnostics.append(Diagnostic(.solverFailed, "the design matrix is singular"))
            return result
        }
        // Sandwich meat Σ_c ω_c S_c x_c x_c'.
        var meat = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        for (c, cell) in cells.enumerated() {
            let x = design[c]
            let fitted = zip(x, fit.beta).reduce(0) { $0 + $1.0 * $1.1 }
            let gap = cell.statistics.mean - fitted
            var squares = cell.statistics.sumOfSquaredDeviations + Double(cell.statistics.count) * gap * gap
            switch covariance {
            case .hc0: break
            case .hc1: squares *= Double(n) / Double(n - p)
            case .hc3:
                let leverage = quadraticForm(fit.inverse, x)
                guard leverage < 1 - 1e-12 else {
                    result.diagnostics.append(Diagnostic(
                        .insufficientData, "arm '\(cell.variant)' has a single unit (leverage 1): HC3 is undefined; use HC1"))
                    return result
                }
                squares /= (1 - leverage) * (1 - leverage)
            }
            for i in 0..<p { for j in 0..<p { meat[i][j] += squares * x[i] * x[j] } }
        }
        let v = sandwich(fit.inverse, meat)
        result.coefficientCovariance = v
        let t = StudentT(degreesOfFreedom: Double(n - p))
        let critical = t.upperQuantile(settings.alpha / 2)
        result.effects = (0..<p).map { i in
            let se = v[i][i].squareRoot()
            let estimate = fit.beta[i]
            return Effect(
                term: names[i], estimate: estimate,
                ci: se.isFinite ? Interval(estimate - critical * se, estimate + critical * se) : .undefined,
                pValue: se > 0 ? min(1, 2 * t.survival(abs(estimate / se))) : .nan, adjustedPValue: nil, standardError: se)
        }
        if result.effects.contains(where: { !($0.standardError > 0) }) {
            result.diagnostics.append(Diagnostic(.zeroVariance, "some terms have zero residual variance: their tests are undefined"))
        }

        if kind == .proportion {
            if !interactions {
                result.diagnostics.append(Diagnostic(.invalidInput, "multiplicative effects need the saturated model (interactions)"))
            } else if cells.contains(where: { $0.statistics.mean <= 0 || $0.statistics.mean >= 1 }) {
                result.diagnostics.append(Diagnostic(.zeroVariance, "an arm converted 0% or 100%: multiplicative effects are undefined"))
            } else if let logFit = weightedLeastSquares(
                design: design, response: cells.map { log($0.statistics.mean) },
                weights: cells.map { cell in
                    let q = cell.statistics.mean
                    return Double(cell.statistics.count) * q / (1 - q)
                })
            {
                let z = Normal.upperQuantile(settings.alpha / 2)
                result.relativeEffects = (1..<p).map { i in
                    let se = logFit.inverse[i][i].squareRoot(), b = logFit.beta[i]
                    return Effect(
                        term: names[i], estimate: expm1(b), ci: Interval(expm1(b - z * se), expm1(b + z * se)),
                        pValue: min(1, 2 * Normal.survival(abs(b / se))), adjustedPValue: nil, standardError: se * exp(b))
                }
            }
        }

        // Each combination against the best single channel it contains.
        for cell in cells where cell.combination.channels.count >= 2 {
            let singles = cells.filter { $0.combination.channels.count == 1 && cell.combination.contains($0.combination) }
            guard let best = singles.max(by: { $0.statistics.mean < $1.statistics.mean }) else { continue }
            let comparison = kind.compare(control: best.statistics, treatment: cell.statistics, settings: settings)
            result.combinations.append(CombinationComparison(
                variant: cell.variant, bestSingle: best.variant, absoluteEffect: comparison.absoluteEffect,
                absoluteCI: comparison.absoluteCI, relativeEffect: comparison.relativeEffect,
                relativeCI: comparison.relativeCI, pValue: comparison.pValue, adjustedPValue: nil))
        }
        return result
    }

    // MARK: - Linear algebra (GSL)

    /// β = (X'WX)⁻¹X'Wy and (X'WX)⁻¹ by GSL's SVD-based `gsl_multifit_wlinear`; nil if X is rank-deficient.
    static func weightedLeastSquares(design: [[Double]], response: [Double], weights: [Double]) -> (beta: [Double], inverse: [[Double]])? {
        GSL.ready()
        let rows = design.count
        guard rows > 0, let p = design.first?.count, p > 0, rows >= p else { return nil }
        guard let x = gsl_matrix_alloc(rows, p), let y = gsl_vector_alloc(rows), let w = gsl_vector_alloc(rows),
            let c = gsl_vector_alloc(p), let cov = gsl_matrix_alloc(p, p), let work = gsl_multifit_linear_alloc(rows, p)
        else { return nil }
        defer {
            gsl_matrix_free(x); gsl_vector_free(y); gsl_vector_free(w)
            gsl_vector_free(c); gsl_matrix_free(cov); gsl_multifit_linear_free(work)
        }
        for i in 0..<rows {
            for j in 0..<p { gsl_matrix_set(x, i, j, design[i][j]) }
            gsl_vector_set(y, i, response[i])
            gsl_vector_set(w, i, weights[i])
        }
        var chisq = 0.0
        var rank = 0
        let status = gsl_multifit_wlinear_tsvd(x, w, y, 1e-12, c, cov, &chisq, &rank, work)
        guard status == 0, rank == p else { return nil }
        let beta = (0..<p).map { gsl_vector_get(c, $0) }
        let inverse = (0..<p).map { i in (0..<p).map { j in gsl_matrix_get(cov, i, j) } }
        guard beta.allSatisfy(\.isFinite) else { return nil }
        return (beta, inverse)
    }

    static func quadraticForm(_ a: [[Double]], _ x: [Double]) -> Double {
        var total = 0.0
        for i in x.indices { for j in x.indices { total += x[i] * a[i][j] * x[j] } }
        return total
    }

    /// A · M · A for symmetric A.
    static func sandwich(_ a: [[Double]], _ m: [[Double]]) -> [[Double]] {
        let p = a.count
        var am = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        for i in 0..<p { for j in 0..<p { for k in 0..<p { am[i][j] += a[i][k] * m[k][j] } } }
        var out = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        for i in 0..<p { for j in 0..<p { for k in 0..<p { out[i][j] += am[i][k] * a[k][j] } } }
        return out
    }
}
