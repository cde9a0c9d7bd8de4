import CGSL

/// Classical factorial effects of a 2^k channel experiment (Box, Hunter & Hunter, *Statistics for
/// Experimenters*, 2nd ed. 2005, ch. 5), from per-cell sufficient statistics, with
/// heteroscedasticity-robust intervals.
///
/// Cell c of the 2^k grid receives the channels of its arm; s_jc = +1 when it receives channel j
/// and −1 when not; m_c is its mean. With every cell weighted equally,
/// ```
/// main effect of j          E_j = mean(m_c : s_jc = +1) − mean(m_c : s_jc = −1) = 2^{1−k} Σ_c s_jc m_c
/// interaction of a set S     E_S = 2^{1−k} Σ_c (Π_{j∈S} s_jc) m_c
/// ```
/// so the two-way interaction of i and j is half the difference between i's effect with j and
/// without j, and each effect is twice the coefficient of the saturated least-squares fit with
/// ±1-coded factors (the fit reproduces the cell means exactly). Because that fit is saturated,
/// its sandwich covariance is diagonal in the cell means, Var(m_c) = v_c, with
/// ```
/// HC0: v_c = M2_c / n_c²     HC1: v_c = M2_c / n_c² · n / (n − 2^k)     HC3: v_c = M2_c / (n_c − 1)²
/// ```
/// (M2_c = Σ_{i∈c}(y_i − ȳ_c)², every unit of a cell has leverage 1/n_c), and
/// Var(E_S) = 2^{2−2k} Σ_c v_c. Intervals and p-values use Student's t on n − 2^k degrees of freedom,
/// as statsmodels' `OLS(y, X±).fit(cov_type=…, use_t=True)`.
///
/// The relative (lift) main effect compares the averaged cell means, R_j = A⁺_j / A⁻_j − 1 with
/// A⁺_j = mean(m_c : s_jc = +1), A⁻_j = mean(m_c : s_jc = −1); A⁺ and A⁻ average disjoint cells,
/// so by the delta method Var(R_j) ≈ Var(A⁺)/A⁻² + A⁺² Var(A⁻)/A⁻⁴.
///
/// The additive model (``Model/additive``) is least squares of y on an intercept and one 0/1
/// column per channel, using all units (``FactorialRegression`` without interactions); its
/// coefficients are the main effects, and its relative effect uses the same averages of the
/// fitted cell means over the full grid. Its lack of fit is a robust Wald test of the
/// interaction contrasts (see ``LackOfFit``).
///
/// With a covariate (CUPED), every cell mean is adjusted with the θ pooled over all units, as
/// the pairwise comparisons pool it over their two arms (``RegressionAdjustment``):
/// ```
/// θ = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²    m_c = ȳ_c − θ (x̄_c − x̄)    M2_c = M2y_c − 2θ C_c + θ² M2x_c
/// ```
/// i.e. the whole analysis runs on z = y − θ(x − x̄) with θ held fixed, as CUPED does.
public enum FactorialEffects {
    /// Which model the main effects come from (`--factorial-model`).
    public enum Model: String, Sendable, Hashable, Codable, CaseIterable {
        /// Classical effects of the full 2^k model: cell means weighted equally.
        case saturated
        /// `y ~ channels` without interactions, fitted on all units.
        case additive
    }

    /// One main effect or interaction.
    public struct Term: Sendable, Hashable, Codable {
        /// A channel (`email`) or channels joined by `:` (`email:push`).
        public var term: String
        public var estimate: Double
        public var ci: Interval
        public var pValue: Double
        /// The p-value adjusted over the factorial terms of the metric (main effects and
        /// interactions together) with the analysis' correction.
        public var adjustedPValue: Double
        public var standardError: Double
        /// Main effects: A⁺ / A⁻ − 1, the lift of the cells with the channel over those without.
        public var relativeEffect: Double?
        public var relativeCI: Interval?

        public init(term: String, estimate: Double, ci: Interval, pValue: Double, standardError: Double) {
            self.term = term
            self.estimate = estimate
            self.ci = ci
            self.pValue = pValue
            self.adjustedPValue = pValue
            self.standardError = standardError
        }
    }

    /// Whether the additive model is contradicted by the data.
    ///
    /// A robust Wald test that the cell means lie in the additive model's span, on the
    /// saturated (cell-means) model's sandwich covariance V = diag(v_c): with q = C − (k + 1)
    /// the number of interaction contrasts the C observed cells identify,
    /// ```
    /// W = min_β Σ_c (m_c − x_c'β)² / v_c      F = W / q  ~  F(q, n − C)
    /// ```
    /// (minimum-distance form of the Wald statistic; on a full grid it is statsmodels'
    /// `wald_test` of all ±1 interaction coefficients with `use_f=True`). Chosen over the
    /// classical lack-of-fit F test (residual sums of squares) because that assumes one error
    /// variance in every cell, which conversion metrics with different rates violate; the Wald
    /// form uses the same HC estimator as the intervals.
    public struct LackOfFit: Sendable, Hashable, Codable {
        /// A short description of the test.
        public var method: String
        /// F = W / q.
        public var statistic: Double
        /// q, the number of interaction contrasts tested.
        public var df: Int
        /// n − C, the saturated model's residual degrees of freedom.
        public var denominatorDF: Double
        public var pValue: Double
        /// p < α: the additive main effects misdescribe at least one combination.
        public var rejected: Bool
    }

    /// The factorial effects of one metric.
    public struct Result: Sendable, Hashable, Codable {
        public var model: Model
        /// Channels in the order the arm with every channel names them, else of first appearance.
        public var channels: [String]
        public var mainEffects: [Term]
        /// Empty for the additive model.
        public var interactions: [Term]
        /// Additive model only.
        public var lackOfFit: LackOfFit?
        /// Residual degrees of freedom of the model the main effects come from.
        public var degreesOfFreedom: Double
        /// The pooled CUPED θ when a covariate adjusted the cell means.
        public var cupedTheta: Double?
        public var diagnostics: [Diagnostic]
    }

    /// Largest number of channels: 2^12 cells already means thousands of arms.
    public static let maximumChannels = 12

    /// Estimates main effects and interactions.
    ///
    /// - Parameters:
    ///   - cells: One per arm; arms without units count as missing cells.
    ///   - model: Saturated (classical effects) or additive.
    ///   - covariance: The sandwich estimator (HC0, HC1 or HC3).
    ///   - alpha: Intervals have confidence 1 − α; two-sided.
    ///   - correction: Applied to the main effects and interactions together.
    ///   - adjustForCovariate: Adjust cell means by the covariate moments the statistics carry (CUPED).
    public static func estimate(
        cells allCells: [FactorialRegression.Cell], model: Model, covariance: RobustCovariance = .hc3,
        alpha: Double = 0.05, correction: MultipleTestingCorrection = .holm, adjustForCovariate: Bool = false
    ) -> Result {
        var present = allCells.filter { $0.statistics.count > 0 }
        var channels: [String] = []
        for cell in present {
            for channel in cell.combination.channels where !channels.contains(channel) { channels.append(channel) }
        }
        // The arm with every channel spells the design's factor order (`email+push+in_app`);
        // arms sorted by name would put in_app before push.
        if let full = present.first(where: { Set($0.combination.channels) == Set(channels) }) {
            channels = full.combination.channels
        }
        var result = Result(
            model: model, channels: channels, mainEffects: [], interactions: [], lackOfFit: nil,
            degreesOfFreedom: .nan, cupedTheta: nil, diagnostics: [])
        let k = channels.count
        guard k >= 1 else {
            result.diagnostics.append(Diagnostic(.invalidInput, "no arm receives a channel: there are no factorial effects"))
            return result
        }
        guard k <= maximumChannels else {
            result.diagnostics.append(Diagnostic(
                .invalidInput, "\(k) channels make 2^\(k) cells; factorial effects are computed for at most \(maximumChannels)"))
            return result
        }
        if adjustForCovariate {
            let adjusted = cupedAdjusted(present)
            present = adjusted.cells
            result.cupedTheta = adjusted.theta
        }

        // Cells by channel mask (bit j = channel j); arms naming the same channels are one cell.
        var grid: [Int: SufficientStatistics] = [:]
        var arms: [Int: [String]] = [:]
        for cell in present {
            let mask = cell.combination.channels.reduce(0) { mask, channel in
                mask | (channels.firstIndex(of: channel).map { 1 << $0 } ?? 0)
            }
            grid[mask, default: SufficientStatistics()] = (grid[mask] ?? SufficientStatistics()) + cell.statistics
            arms[mask, default: []].append(cell.variant)
        }
        for (_, names) in arms.sorted(by: { $0.key < $1.key }) where names.count > 1 {
            result.diagnostics.append(Diagnostic(
                .invalidInput, "arms \(names.map { "'\($0)'" }.joined(separator: ", ")) receive the same channels: pooled as one cell"))
        }
        let cellCount = 1 << k
        let missing = (0..<cellCount).filter { grid[$0] == nil }

        switch model {
        case .saturated:
            guard missing.isEmpty else {
                let names = missing.map { "'\(label(mask: $0, channels: channels))'" }.joined(separator: ", ")
                result.diagnostics.append(Diagnostic(
                    .insufficientData,
                    "no units in cell\(missing.count == 1 ? "" : "s") \(names) of the 2^\(k) design: classical main effects and interactions average every cell, so none is estimable (the saturated model is not identified). The simple effects vs control cover the arms present; --factorial-model additive estimates main effects assuming no interactions."))
                return result
            }
            saturated(grid: grid, channels: channels, covariance: covariance, alpha: alpha, into: &result)
        case .additive:
            additive(
                cells: present, grid: grid, channels: channels, covariance: covariance, alpha: alpha, into: &result)
        }

        // One family: the factorial terms of this metric.
        let terms = result.mainEffects + result.interactions
        var adjusted = correction.adjust(terms.map(\.pValue))[...]
        for i in result.mainEffects.indices { result.mainEffects[i].adjustedPValue = adjusted.popFirst() ?? .nan }
        for i in result.interactions.indices { result.interactions[i].adjustedPValue = adjusted.popFirst() ?? .nan }
        return result
    }

    /// `email:push` for the mask of those channels; `(none)` for the control cell.
    static func label(mask: Int, channels: [String]) -> String {
        let names = channels.indices.filter { mask & (1 << $0) != 0 }.map { channels[$0] }
        return names.isEmpty ? "(no channel)" : names.joined(separator: "+")
    }

    /// `email:push`: the name of the effect of those channels.
    static func termName(mask: Int, channels: [String]) -> String {
        channels.indices.filter { mask & (1 << $0) != 0 }.map { channels[$0] }.joined(separator: ":")
    }

    // MARK: - CUPED

    /// θ pooled over all cells and each cell's statistics of z = y − θ(x − x̄) (count, mean and
    /// Σ(z − z̄)²; the covariate moments are consumed). θ is 0 when the covariate or the metric is constant.
    public static func cupedAdjusted(_ cells: [FactorialRegression.Cell]) -> (theta: Double, cells: [FactorialRegression.Cell]) {
        let joint = cells.reduce(SufficientStatistics()) { $0 + $1.statistics }
        let theta = joint.covariateSumOfSquaredDeviations > 0 && joint.sumOfSquaredDeviations > 0
            ? joint.coMoment / joint.covariateSumOfSquaredDeviations : 0
        let center = joint.covariateMean
        let adjusted = cells.map { cell in
            let s = cell.statistics
            var copy = cell
            let squares = s.sumOfSquaredDeviations - 2 * theta * s.coMoment + theta * theta * s.covariateSumOfSquaredDeviations
            copy.statistics = SufficientStatistics(
                count: s.count, mean: s.mean - theta * (s.covariateMean - center),
                // Rounding can push a near-perfect fit a hair below zero.
                sumOfSquaredDeviations: max(0, squares),
                covariateMean: 0, covariateSumOfSquaredDeviations: 0, coMoment: 0)
            return copy
        }
        return (theta, adjusted)
    }

    // MARK: - Saturated model

    /// Sandwich variance of a cell mean in a model that fits every cell exactly (leverage 1/n_c).
    static func cellVariance(_ s: SufficientStatistics, covariance: RobustCovariance, units n: Int, parameters p: Int) -> Double {
        let count = Double(s.count)
        switch covariance {
        case .hc0: return s.sumOfSquaredDeviations / (count * count)
        case .hc1: return s.sumOfSquaredDeviations / (count * count) * Double(n) / Double(n - p)
        case .hc3: return s.count > 1 ? s.sumOfSquaredDeviations / ((count - 1) * (count - 1)) : .nan
        }
    }

    private static func saturated(
        grid: [Int: SufficientStatistics], channels: [String], covariance: RobustCovariance, alpha: Double,
        into result: inout Result
    ) {
        let k = channels.count, cellCount = 1 << k
        let n = grid.values.reduce(0) { $0 + $1.count }
        guard n > cellCount else {
            result.diagnostics.append(Diagnostic(.insufficientData, "\(n) units for \(cellCount) cells: no residual degrees of freedom"))
            return
        }
        var means = [Double](repeating: .nan, count: cellCount)
        var variances = [Double](repeating: .nan, count: cellCount)
        for (mask, s) in grid where mask < cellCount {
            means[mask] = s.mean
            variances[mask] = cellVariance(s, covariance: covariance, units: n, parameters: cellCount)
        }
        if covariance == .hc3, let single = grid.first(where: { $0.value.count < 2 }) {
            result.diagnostics.append(Diagnostic(
                .insufficientData,
                "cell '\(label(mask: single.key, channels: channels))' has a single unit (leverage 1): HC3 is undefined; use HC1"))
            return
        }
        let df = Double(n - cellCount)
        result.degreesOfFreedom = df
        let t = StudentT(degreesOfFreedom: df)
        let critical = t.upperQuantile(alpha / 2)
        let half = Double(cellCount / 2)
        // Terms by order, then by mask: main effects in channel order, then two-way interactions…
        let masks = (1..<cellCount).sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
        var zeroVariance = false
        for mask in masks {
            var estimate = 0.0, variance = 0.0
            for c in 0..<cellCount {
                let sign: Double = (mask & ~c).nonzeroBitCount % 2 == 0 ? 1 : -1
                estimate += sign * means[c]
                variance += variances[c]
            }
            estimate /= half
            variance /= half * half
            var term = makeTerm(
                termName(mask: mask, channels: channels), estimate: estimate, variance: variance,
                t: t, critical: critical)
            if !(term.standardError > 0) { zeroVariance = true }
            if mask.nonzeroBitCount == 1 {
                var with = 0.0, without = 0.0, withVariance = 0.0, withoutVariance = 0.0
                for c in 0..<cellCount {
                    if c & mask != 0 {
                        with += means[c]; withVariance += variances[c]
                    } else {
                        without += means[c]; withoutVariance += variances[c]
                    }
                }
                with /= half; without /= half
                withVariance /= half * half; withoutVariance /= half * half
                setRelative(&term, with: with, without: without, gradientVariance: { gWith, gWithout in
                    gWith * gWith * withVariance + gWithout * gWithout * withoutVariance
                }, critical: critical, into: &result)
                result.mainEffects.append(term)
            } else {
                result.interactions.append(term)
            }
        }
        if zeroVariance {
            result.diagnostics.append(Diagnostic(.zeroVariance, "every cell has zero variance: the factorial tests are undefined"))
        }
    }

    static func makeTerm(_ name: String, estimate: Double, variance: Double, t: StudentT, critical: Double) -> Term {
        let se = variance.squareRoot()
        let defined = se.isFinite && se > 0
        return Term(
            term: name, estimate: estimate,
            ci: se.isFinite ? Interval(estimate - critical * se, estimate + critical * se) : .undefined,
            pValue: defined ? min(1, 2 * t.survival(abs(estimate / se))) : .nan, standardError: se)
    }

    /// R = A⁺/A⁻ − 1 with the delta-method variance g'Vg, g = (1/A⁻, −A⁺/A⁻²).
    private static func setRelative(
        _ term: inout Term, with: Double, without: Double, gradientVariance: (Double, Double) -> Double, critical: Double,
        into result: inout Result
    ) {
        guard without != 0, without.isFinite, with.isFinite else {
            result.diagnostics.append(Diagnostic(
                .zeroControlMean, "the cells without '\(term.term)' average 0: its relative effect is undefined"))
            return
        }
        let relative = with / without - 1
        let se = gradientVariance(1 / without, -with / (without * without)).squareRoot()
        term.relativeEffect = relative
        term.relativeCI = se.isFinite ? Interval(relative - critical * se, relative + critical * se) : .undefined
    }

    // MARK: - Additive model

    private static func additive(
        cells: [FactorialRegression.Cell], grid: [Int: SufficientStatistics], channels: [String],
        covariance: RobustCovariance, alpha: Double, into result: inout Result
    ) {
        let k = channels.count
        let fit = FactorialRegression.fit(
            cells: cells, kind: .mean, covariance: covariance, interactions: false, settings: TestSettings(alpha: alpha))
        result.diagnostics += fit.diagnostics.filter { $0.code != .emptyArm }
        result.degreesOfFreedom = fit.degreesOfFreedom
        guard fit.effects.count == k + 1, fit.coefficientCovariance.count == k + 1 else { return }
        let v = fit.coefficientCovariance
        let t = StudentT(degreesOfFreedom: fit.degreesOfFreedom)
        let critical = t.upperQuantile(alpha / 2)
        // Coefficient index of each channel (the fit orders its terms by first appearance, as here).
        let index = channels.map { channel in fit.effects.firstIndex { $0.term == channel } ?? -1 }
        guard index.allSatisfy({ $0 > 0 }) else {
            result.diagnostics.append(Diagnostic(.solverFailed, "the additive fit lost a channel term"))
            return
        }
        let beta = fit.effects.map(\.estimate)
        for (j, channel) in channels.enumerated() {
            let effect = fit.effects[index[j]]
            var term = Term(
                term: channel, estimate: effect.estimate, ci: effect.ci, pValue: effect.pValue,
                standardError: effect.standardError)
            // Averages of the fitted cell means over the full grid: A⁻ = β₀ + ½Σ_{i≠j}β_i, A⁺ = A⁻ + β_j.
            var cWithout = [Double](repeating: 0, count: k + 1)
            cWithout[0] = 1
            for (i, other) in index.enumerated() where i != j { cWithout[other] = 0.5 }
            var cWith = cWithout
            cWith[index[j]] = 1
            let with = zip(cWith, beta).reduce(0) { $0 + $1.0 * $1.1 }
            let without = zip(cWithout, beta).reduce(0) { $0 + $1.0 * $1.1 }
            setRelative(&term, with: with, without: without, gradientVariance: { gWith, gWithout in
                let g = zip(cWith, cWithout).map { gWith * $0 + gWithout * $1 }
                return FactorialRegression.quadraticForm(v, g)
            }, critical: critical, into: &result)
            result.mainEffects.append(term)
        }
        let test = lackOfFit(grid: grid, channels: channels, covariance: covariance, alpha: alpha, into: &result)
        result.lackOfFit = test
    }

    private static func lackOfFit(
        grid: [Int: SufficientStatistics], channels: [String], covariance: RobustCovariance, alpha: Double,
        into result: inout Result
    ) -> LackOfFit? {
        let k = channels.count
        let masks = grid.keys.sorted()
        let q = masks.count - (k + 1)
        guard q > 0 else {
            result.diagnostics.append(Diagnostic(
                .insufficientData,
                "\(masks.count) cells for \(k + 1) additive parameters: no interaction is identified, so the additive model cannot be checked"))
            return nil
        }
        let n = grid.values.reduce(0) { $0 + $1.count }
        guard n > masks.count else { return nil }
        var variances: [Double] = []
        for mask in masks {
            guard let s = grid[mask] else { return nil }
            variances.append(cellVariance(s, covariance: covariance, units: n, parameters: masks.count))
        }
        guard variances.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            result.diagnostics.append(Diagnostic(
                .zeroVariance, "a cell has zero (or undefined) variance: the lack-of-fit test is undefined"))
            return nil
        }
        let design = masks.map { mask in [1.0] + (0..<k).map { mask & (1 << $0) != 0 ? 1.0 : 0.0 } }
        let means = masks.compactMap { grid[$0]?.mean }
        let weights = variances.map { 1 / $0 }
        guard let fit = FactorialRegression.weightedLeastSquares(design: design, response: means, weights: weights) else {
            result.diagnostics.append(Diagnostic(.solverFailed, "the lack-of-fit regression is singular"))
            return nil
        }
        var wald = 0.0
        for (c, x) in design.enumerated() {
            let residual = means[c] - zip(x, fit.beta).reduce(0) { $0 + $1.0 * $1.1 }
            wald += weights[c] * residual * residual
        }
        let denominator = Double(n - masks.count)
        let statistic = wald / Double(q)
        GSL.ready()
        let p = gsl_cdf_fdist_Q(statistic, Double(q), denominator)
        return LackOfFit(
            method: "robust Wald (\(covariance.rawValue)) test of the \(q) interaction contrast\(q == 1 ? "" : "s"), F form",
            statistic: statistic, df: q, denominatorDF: denominator, pValue: p, rejected: p < alpha)
    }
}

