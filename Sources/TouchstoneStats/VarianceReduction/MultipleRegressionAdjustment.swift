/// CUPED with several covariates (CUPED++; "regression adjustment" in Eppo and Statsig CURE):
/// the metric y of two arms adjusted by a vector x of k pre-period covariates, from the arms'
/// ``JointMoments``.
///
/// θ is pooled over the arms' *within-arm* co-moments, so it never sees the treatment:
/// ```
/// S   = C_control + C_treatment                  (within-arm co-moments of (y, x))
/// θ   = S_xx⁻¹ S_xy
/// m_i = ȳ_i − θᵀ(x̄_i − x̄)                         (adjusted arm mean; x̄ pooled over both arms)
/// Δ   = Δȳ − θᵀΔx̄
/// σ²_i = s²_y,i − 2θᵀ s_xy,i + θᵀ S_xx,i θ        (per-unit variance of the residual y − θᵀx)
/// ```
/// By the Frisch–Waugh–Lovell theorem this Δ is *exactly* the treatment coefficient of the
/// ordinary least-squares fit `y ~ 1 + treatment + x₁ + … + x_k` (common slopes across arms):
/// partialling out the treatment dummy centres every variable within its arm, which leaves
/// the within-arm co-moments S. The standard error is the Welch form √(σ²_t/n_t + σ²_c/n_c)
/// of the residual variances, as the one-covariate ``RegressionAdjustment`` (which pools θ over
/// the joint statistics, as gbstats does; with one covariate the two θ differ only by a term
/// of order Δx̄·Δȳ). For 0/1 metrics s²_y is p(1 − p), as in gbstats' `ProportionStatistic`.
///
/// A covariate that is constant or a linear combination of the covariates before it (within-arm
/// residual variance below 10⁻¹⁰ of its own) is left out with a ``Diagnostic/Code/collinearCovariate``
/// diagnostic, by a Cholesky factorisation of S_xx pivoted in the given order: the fit then
/// equals the fit without it, never NaN.
public struct MultipleRegressionAdjustment: Sendable, Hashable {
    /// The indices (0-based, into the covariates) that entered the fit.
    public var used: [Int]
    /// The indices left out (constant or collinear), with ``diagnostics`` saying which.
    public var dropped: [Int]
    /// θ, one coefficient per covariate in ``used``.
    public var theta: [Double]
    /// Effect moments of the adjusted estimator.
    public var adjusted: EffectMoments
    /// Effect moments without adjustment (same variance convention).
    public var unadjusted: EffectMoments
    /// 1 − Var_adj(Δ) / Var(Δ).
    public var varianceReduction: Double
    public var diagnostics: [Diagnostic]

    /// Relative size of the residual variance below which a covariate counts as collinear.
    public static let collinearityTolerance = 1e-10

    /// Fits θ on both arms' moments (metric first, then the covariates, equal dimensions).
    ///
    /// - Parameters:
    ///   - names: The covariates' names, for the diagnostics (index `i` when missing).
    public init(control: JointMoments, treatment: JointMoments, kind: MetricKind = .mean, names: [String] = []) {
        let d = min(control.dimension, treatment.dimension), k = d - 1
        func name(_ i: Int) -> String { i < names.count ? "'\(names[i])'" : "covariate \(i + 1)" }
        var pooled = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { pooled[i * d + j] = control.coMoment(i, j) + treatment.coMoment(i, j) } }
        // Pivoted (in the given order) Cholesky of S_xx: L Lᵀ over the kept covariates.
        var used: [Int] = [], dropped: [Int] = [], diagnostics: [Diagnostic] = []
        var lower: [[Double]] = []  // rows of L for the kept covariates
        for j in 0..<k {
            let sjj = pooled[(j + 1) * d + j + 1]
            var row: [Double] = []
            var residual = sjj
            for (m, kept) in used.enumerated() {
                var value = pooled[(j + 1) * d + kept + 1]
                for p in 0..<m { value -= row[p] * lower[m][p] }
                value /= lower[m][m]
                row.append(value)
                residual -= value * value
            }
            guard sjj > 0, sjj.isFinite else {
                dropped.append(j)
                diagnostics.append(Diagnostic(.collinearCovariate, "covariate \(name(j)) is constant within the arms: left out of the adjustment"))
                continue
            }
            guard residual > Self.collinearityTolerance * sjj else {
                dropped.append(j)
                let others = used.map { name($0) }.joined(separator: ", ")
                diagnostics.append(Diagnostic(
                    .collinearCovariate,
                    "covariate \(name(j)) is a linear combination of \(others) within the arms: left out of the adjustment"))
                continue
            }
            row.append(residual.squareRoot())
            lower.append(row)
            used.append(j)
        }
        // θ = S_xx⁻¹ S_xy by forward then back substitution.
        let r = used.count
        var z = [Double](repeating: 0, count: r)
        for a in 0..<r {
            var value = pooled[(used[a] + 1) * d]
            for b in 0..<a { value -= lower[a][b] * z[b] }
            z[a] = value / lower[a][a]
        }
        var theta = [Double](repeating: 0, count: r)
        for a in stride(from: r - 1, through: 0, by: -1) {
            var value = z[a]
            for b in (a + 1)..<max(a + 1, r) { value -= lower[b][a] * theta[b] }
            theta[a] = value / lower[a][a]
        }
        if !(pooled[0] > 0) { theta = theta.map { _ in 0 } }  // constant metric: nothing to explain

        let both = control + treatment
        func adjustedMean(_ s: JointMoments) -> Double {
            var value = s.mean(0)
            for (a, j) in used.enumerated() { value -= theta[a] * (s.mean(j + 1) - both.mean(j + 1)) }
            return value
        }
        func residualVariance(_ s: JointMoments) -> Double {
            guard s.count > 1 else { return .nan }
            let n = Double(s.count)
            var value = s.coMoment(0, 0) / (kind == .proportion ? n : n - 1)
            var quadratic = 0.0
            for (a, i) in used.enumerated() {
                quadratic -= 2 * theta[a] * s.coMoment(0, i + 1)
                for (b, j) in used.enumerated() { quadratic += theta[a] * theta[b] * s.coMoment(i + 1, j + 1) }
            }
            value += quadratic / (n - 1)
            // Rounding can push a near-perfect fit a hair below zero.
            return max(0, value)
        }
        self.used = used
        self.dropped = dropped
        self.theta = theta
        self.diagnostics = diagnostics
        func plainVariance(_ s: JointMoments) -> Double {
            guard s.count > 1 else { return .nan }
            return s.coMoment(0, 0) / Double(kind == .proportion ? s.count : s.count - 1)
        }
        self.unadjusted = EffectMoments(
            controlCount: control.count, treatmentCount: treatment.count,
            controlEstimate: control.mean(0), treatmentEstimate: treatment.mean(0),
            controlMean: control.mean(0), treatmentMean: treatment.mean(0),
            controlVariance: plainVariance(control), treatmentVariance: plainVariance(treatment))
        self.adjusted = EffectMoments(
            controlCount: control.count, treatmentCount: treatment.count,
            controlEstimate: adjustedMean(control), treatmentEstimate: adjustedMean(treatment),
            controlMean: control.mean(0), treatmentMean: treatment.mean(0),
            controlVariance: residualVariance(control), treatmentVariance: residualVariance(treatment))
        let before = unadjusted.absoluteVariance, after = adjusted.absoluteVariance
        self.varianceReduction = before > 0 ? 1 - after / before : .nan
    }
}
