import Testing
import TouchstoneStats

/// `design --factorial`: each main effect is a two-sided two-sample test between the halves of
/// the total sample, checked against the closed-form normal power.
@Suite struct FactorialDesignTests {
    /// Two-sided normal power of a difference δ between two groups of m units with unit variances
    /// summing to v: Φ(λ − z) + Φ(−λ − z), λ = δ / √(v / m).
    static func power(delta: Double, varianceSum: Double, perGroup m: Double, alpha: Double) -> Double {
        let lambda = abs(delta) / (varianceSum / m).squareRoot(), z = Normal.upperQuantile(alpha / 2)
        return Normal.cdf(lambda - z) + Normal.cdf(-lambda - z)
    }

    @Test("mean metric: halves of the total reach the power; one unit fewer per cell does not")
    func meanMetricClosedForm() throws {
        let sd = 25.0, delta = 0.5
        let analysis = try PowerAnalysis(metric: .mean(mean: 10, stdDev: sd), relative: false, alpha: 0.05, power: 0.8, arms: 2)
        let design = try FactorialDesign.make(analysis, factors: ["email", "push", "in_app"], mde: delta, dailyUnits: 10_000)
        #expect(design.cells == 8)
        #expect(design.totalSample == 8 * design.perCell)
        // The solved half sample meets the two-tailed power equation exactly; the one-tail closed
        // form n = 2σ²(z_{α/2} + z_β)² / δ² ignores Φ(−λ − z) ≈ 1e-6 and is 2.4e-6 larger.
        let v = 2 * sd * sd
        #expect(abs(Self.power(delta: delta, varianceSum: v, perGroup: design.mainEffects.halfSampleExact, alpha: 0.05) - 0.8) < 1e-10)
        let z = Normal.upperQuantile(0.025) + Normal.upperQuantile(0.2)
        let half = 2 * sd * sd * z * z / (delta * delta)
        #expect(design.mainEffects.halfSampleExact < half && (half - design.mainEffects.halfSampleExact) / half < 5e-6)
        #expect(design.perCell == Int((design.mainEffects.halfSampleExact / 4).rounded(.up)))
        #expect(Self.power(delta: delta, varianceSum: v, perGroup: Double(design.totalSample / 2), alpha: 0.05) >= 0.8)
        #expect(Self.power(delta: delta, varianceSum: v, perGroup: Double((design.perCell - 1) * 4), alpha: 0.05) < 0.8)
        #expect(design.days == Int((Double(design.totalSample) / 10_000).rounded(.up)))
        // Three separate A/B tests need three times the units for the same three questions.
        #expect(design.separateTests.totalSample == 3 * 2 * Int(half.rounded(.up)))
        #expect(abs(design.separateTests.efficiency - 3) < 0.01)
    }

    @Test("proportion: the halves' variances are p(1 − p) and (p + δ)(1 − p − δ), relative mde on the baseline")
    func proportionClosedForm() throws {
        let p = 0.08, mde = 0.1
        let analysis = try PowerAnalysis(metric: .proportion(baseline: p), relative: true, alpha: 0.05, power: 0.9, arms: 2)
        let design = try FactorialDesign.make(analysis, factors: ["email", "push"], mde: mde)
        let delta = p * mde, treated = p + delta
        let v = p * (1 - p) + treated * (1 - treated)
        #expect(design.cells == 4 && design.totalSample == 4 * design.perCell)
        #expect(Self.power(delta: delta, varianceSum: v, perGroup: Double(design.totalSample / 2), alpha: 0.05) >= 0.9)
        #expect(Self.power(delta: delta, varianceSum: v, perGroup: Double((design.perCell - 1) * 2), alpha: 0.05) < 0.9)
        #expect(abs(design.mainEffects.achievedPower
            - Self.power(delta: delta, varianceSum: v, perGroup: Double(design.totalSample / 2), alpha: 0.05)) < 1e-12)
    }

    @Test("--interactions: a difference of δ in one channel's effect is a classical interaction of δ/2: 4× the sample (means)")
    func interactionsNeedFourTimes() throws {
        let analysis = try PowerAnalysis(metric: .mean(mean: 10, stdDev: 10), relative: false, alpha: 0.05, power: 0.8, arms: 2)
        let design = try FactorialDesign.make(analysis, factors: ["email", "push", "in_app"], mde: 1, interactions: true)
        let plan = try #require(design.interactions)
        #expect(plan.terms == ["email:push", "email:in_app", "push:in_app"])
        #expect(abs(plan.requirement.halfSampleExact / design.mainEffects.halfSampleExact - 4) < 1e-9)
        #expect(design.perCell == plan.requirement.perCell && design.totalSample == plan.requirement.totalSample)
    }

    @Test("bad factorial requests are errors, not designs")
    func invalidRequests() throws {
        let analysis = try PowerAnalysis(metric: .mean(mean: 10, stdDev: 10), relative: false, arms: 2)
        #expect(throws: StatsError.self) { try FactorialDesign.make(analysis, factors: ["email", "email"], mde: 1) }
        #expect(throws: StatsError.self) { try FactorialDesign.make(analysis, factors: [], mde: 1) }
        #expect(throws: StatsError.self) { try FactorialDesign.make(analysis, factors: ["a", "b"], mde: 1, dailyUnits: 1e-300) }
        let three = try PowerAnalysis(metric: .mean(mean: 10, stdDev: 10), relative: false, arms: 3)
        #expect(throws: StatsError.self) { try FactorialDesign.make(three, factors: ["a", "b"], mde: 1) }
    }
}
