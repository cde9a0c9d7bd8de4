import Testing
@testable import TouchstoneStats

/// Degenerate inputs, merging, bootstrap, quantiles, capping and design helpers of part two.
@Suite("Part two: degenerate data, merging, bootstrap")
struct Stats2UnitTests {
    @Test func quantilesMatchNumpy() throws {
        let reference = try Stats2Reference.load().quantiles
        let sorted = reference.data.sorted()
        for (level, expected) in zip(reference.levels, reference.expected) {
            #expect(abs(Quantile.linear(sorted, level) - expected) <= 1e-12 * abs(expected))
        }
        #expect(Quantile.linear([], 0.5).isNaN)
        #expect(Quantile.linear([1, 2], 1.5).isNaN)
    }

    @Test func channelCombinationsParse() {
        #expect(ChannelCombination(variant: "email + push", control: "control").channels == ["email", "push"])
        #expect(ChannelCombination(variant: "control", control: "control").channels.isEmpty)
        #expect(ChannelCombination(variant: "push+push", control: "control").channels == ["push"])
        #expect(ChannelCombination(variant: "email+push", control: "control").contains(ChannelCombination(channels: ["push"])))
        #expect(ChannelCombination.isChannelDesign(["control", "email", "email+push"]))
        #expect(!ChannelCombination.isChannelDesign(["control", "treatment"]))
    }

    @Test func capRulesParseAndCap() {
        #expect(CapRule(argument: "P99") == .percentile(0.99))
        #expect(CapRule(argument: "250") == .value(250))
        #expect(CapRule(argument: "P0") == nil)
        #expect(CapRule(argument: "abc") == nil)
        let values = (1...100).map(Double.init)
        #expect(abs(CapRule.percentile(0.99).threshold(for: values) - 99.01) < 1e-12)
        #expect(values.capped(at: 50).max() == 50)
    }

    @Test func bootstrapIsReproducibleAndMatchesTheAnalyticStandardError() {
        let random = RandomSource(seed: 3)
        let control = (0..<200).map { _ in random.normal(mean: 10, stdDev: 2) }
        let treatment = (0..<200).map { _ in random.normal(mean: 10.5, stdDev: 2) }
        let first = Bootstrap.compare(control: control, treatment: treatment, statistic: Bootstrap.mean, replicates: 2_000, seed: 42)
        let second = Bootstrap.compare(control: control, treatment: treatment, statistic: Bootstrap.mean, replicates: 2_000, seed: 42)
        #expect(first == second)
        // Bootstrap SE of a difference of means → √(Σ (n−1)/n · s²/n); within Monte Carlo error (±5% at 2,000 replicates).
        func plugInVariance(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count) / Double(v.count)
        }
        let analytic = (plugInVariance(control) + plugInVariance(treatment)).squareRoot()
        #expect(abs(first.standardError / analytic - 1) < 0.05, "bootstrap SE \(first.standardError) vs \(analytic)")
        #expect(first.ci.contains(first.estimate))
        let median = Bootstrap.compare(control: control, treatment: treatment, replicates: 500, seed: 1)
        #expect(median.ci.isDefined && median.relativeCI.isDefined)
    }

    @Test func degenerateInputsAreFlaggedNotFatal() throws {
        // Bayesian
        let empty = BetaBinomialTest.compare(control: (0, 0), treatment: (10, 2))
        #expect(empty.diagnostics.contains { $0.code == .emptyArm })
        #expect(BetaBinomialTest.compare(control: (10, 11), treatment: (10, 2)).diagnostics.first?.code == .invalidInput)
        let allConvert = BetaBinomialTest.compare(control: (50, 50), treatment: (50, 50))
        #expect(abs(allConvert.probabilityToBeatControl - 0.5) < 1e-9)
        let constant = GaussianEffectTest.compare(
            control: SufficientStatistics([1, 1, 1]), treatment: SufficientStatistics([1, 1, 1]), kind: .mean)
        #expect(constant.probabilityToBeatControl.isNaN && constant.diagnostics.first?.code == .zeroVariance)
        let zeroControl = GaussianEffectTest.compare(
            control: SufficientStatistics([0, 0, 1, -1]), treatment: SufficientStatistics([1, 2, 0, 1]), kind: .mean)
        #expect(zeroControl.relativeCI.isDefined == false && zeroControl.absoluteCI.isDefined)
        // Sequential
        let single = MixtureSPRT.compare(EffectMoments(
            control: SufficientStatistics([1]), treatment: SufficientStatistics([2, 3]), kind: .mean))
        #expect(single.pValue.isNaN && single.diagnostics.first?.code == .insufficientData)
        // CUPED with a constant covariate falls back to θ = 0.
        var c = SufficientStatistics(), t = SufficientStatistics()
        for value in [1.0, 2, 3, 4] { c.add(value, covariate: 7); t.add(value + 1, covariate: 7) }
        #expect(RegressionAdjustment(control: c, treatment: t).theta == 0)
        // Ratio with a zero denominator
        var ratio = RatioStatistics()
        ratio.add(numerator: 3, denominator: 0)
        ratio.add(numerator: 1, denominator: 0)
        #expect(ratio.ratio.isNaN && ratio.unitVariance.isNaN)
        #expect(WelchTTest.compare(EffectMoments(control: ratio, treatment: ratio)).diagnostics.first?.code == .zeroVariance)
        // Factorial: no control arm, single-unit cells under HC3, empty arms
        let cell = { (name: String, values: [Double]) in
            FactorialRegression.Cell(
                variant: name, combination: ChannelCombination(variant: name, control: "control"),
                statistics: SufficientStatistics(values))
        }
        let noControl = FactorialRegression.fit(cells: [cell("email", [1, 2]), cell("email+push", [2, 3])], kind: .mean)
        #expect(noControl.effects.isEmpty && noControl.diagnostics.first?.code == .invalidInput)
        let tiny = FactorialRegression.fit(
            cells: [cell("control", [1, 2, 3]), cell("email", [2]), cell("push", [1, 4]), cell("email+push", [5, 6])],
            kind: .mean, covariance: .hc3)
        #expect(tiny.diagnostics.contains { $0.code == .insufficientData })
        let withEmpty = FactorialRegression.fit(
            cells: [cell("control", [1, 2, 3]), cell("email", [2, 4]), cell("push", []), cell("email+push", [5, 7])],
            kind: .mean)
        #expect(withEmpty.diagnostics.contains { $0.code == .emptyArm })
        // Bootstrap on too little data
        #expect(Bootstrap.compare(control: [1], treatment: [1, 2]).diagnostics.first?.code == .insufficientData)
        #expect(Bootstrap.compare(control: [1, .nan], treatment: [1, 2]).diagnostics.first?.code == .invalidInput)
        // Group-sequential settings are validated (a setting, not data: it throws).
        #expect(throws: StatsError.self) { try GroupSequentialDesign.obrienFleming(informationFractions: [0.5, 0.4, 1]) }
        #expect(throws: StatsError.self) { try GroupSequentialDesign.obrienFleming(looks: 0) }
    }

    @Test func ratioAndFactorialInputsMergeExactly() {
        let random = RandomSource(seed: 12)
        var whole = RatioStatistics(), first = RatioStatistics(), second = RatioStatistics()
        for i in 0..<1_000 {
            let d = Double(random.poisson(mean: 3) + 1), m = d * 2 + random.normal()
            whole.add(numerator: m, denominator: d)
            if i % 3 == 0 { first.add(numerator: m, denominator: d) } else { second.add(numerator: m, denominator: d) }
        }
        first.merge(second)
        #expect(abs(first.ratio - whole.ratio) <= 1e-12 * abs(whole.ratio))
        #expect(abs(first.unitVariance - whole.unitVariance) <= 1e-10 * whole.unitVariance)
    }

    @Test func sequentialDesignsCostMoreSample() throws {
        let design = try GroupSequentialDesign.obrienFleming(looks: 5)
        let inflation = try #require(design.inflationFactor(power: 0.8))
        // Jennison & Turnbull Table 2.3 (OBF, K = 5, α = 0.05, 1 − β = 0.8): R = 1.026; LD spending is close.
        #expect(inflation > 1.0 && inflation < 1.05, "inflation \(inflation)")
        let zSum = Normal.upperQuantile(0.025) + Normal.upperQuantile(0.2)
        let fixed = 2 * zSum * zSum / 0.01
        let sequential = try #require(MixtureSPRT.samplePerArm(effect: 0.1, varianceSum: 2, alpha: 0.05, power: 0.8, tuning: 2 * fixed) as Double?)
        #expect(sequential > fixed, "mSPRT \(sequential) vs fixed \(fixed)")
    }
}
