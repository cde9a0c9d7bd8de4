import Testing
import TouchstoneStats

/// Coverage of the factorial intervals and the power of the factorial design, by simulation.
/// Cells are drawn as sufficient statistics (a normal sample's mean and χ² sum of squares, or a
/// binomial count), which is all the estimator sees, so thousands of replicates take seconds.
@Suite struct FactorialSimulationTests {
    static let channels = ["email", "push", "in_app"]

    static func combination(_ mask: Int) -> ChannelCombination {
        ChannelCombination(channels: channels.indices.filter { mask & (1 << $0) != 0 }.map { channels[$0] })
    }

    /// Planted truth: classical effects of the true cell means, as the estimator defines them.
    static func trueEffects(_ means: [Double]) -> [String: Double] {
        var effects: [String: Double] = [:]
        for term in 1..<8 {
            var total = 0.0
            for c in 0..<8 {
                let sign: Double = (term & ~c).nonzeroBitCount % 2 == 0 ? 1 : -1
                total += sign * means[c]
            }
            let name = channels.indices.filter { term & (1 << $0) != 0 }.map { channels[$0] }.joined(separator: ":")
            effects[name] = total / 4
        }
        return effects
    }

    /// 8% baseline; e-mail +1.2 pp, push +0.9 pp, in-app +0.6 pp, no interactions.
    static func additiveRate(_ c: Int) -> Double {
        let e = Double(c & 1), p = Double((c >> 1) & 1), a = Double((c >> 2) & 1)
        let lift: Double = 0.012 * e + 0.009 * p + 0.006 * a
        return 0.08 + lift
    }

    static func trueLift(_ means: [Double], channel j: Int) -> Double {
        var with = 0.0, without = 0.0
        for c in 0..<8 {
            if c & (1 << j) != 0 { with += means[c] } else { without += means[c] }
        }
        return with / without - 1
    }

    /// Counts, per term, how often the 95% interval covers the planted value.
    static func coverage(
        replicates: Int, seed: UInt64, means: [Double], model: FactorialEffects.Model,
        draw: (RandomSource, Int) -> SufficientStatistics
    ) -> (terms: [String: Double], lifts: [String: Double]) {
        let truth = trueEffects(means)
        let random = RandomSource(seed: seed)
        var covered: [String: Int] = [:], liftCovered: [String: Int] = [:]
        for _ in 0..<replicates {
            let cells = (0..<8).map { mask in
                FactorialRegression.Cell(variant: "cell\(mask)", combination: combination(mask), statistics: draw(random, mask))
            }
            let result = FactorialEffects.estimate(cells: cells, model: model, covariance: .hc3, alpha: 0.05)
            for term in result.mainEffects + result.interactions where term.ci.contains(truth[term.term] ?? .nan) {
                covered[term.term, default: 0] += 1
            }
            for (j, main) in result.mainEffects.enumerated() where main.relativeCI?.contains(trueLift(means, channel: j)) ?? false {
                liftCovered[main.term, default: 0] += 1
            }
        }
        return (covered.mapValues { Double($0) / Double(replicates) }, liftCovered.mapValues { Double($0) / Double(replicates) })
    }

    @Test("95% intervals of main effects and interactions cover the planted values 93–97% (revenue-like, unequal, heteroscedastic cells)")
    func meanMetricCoverage() {
        // Planted: main effects and a push:in_app interaction; cell sizes 60–200, sd growing with the cell.
        let sizes = [200, 170, 150, 120, 110, 90, 75, 60]
        let means = (0..<8).map { c -> Double in
            let e = Double(c & 1), p = Double((c >> 1) & 1), a = Double((c >> 2) & 1)
            let effects: Double = 2 * e + 1 * p - 0.5 * a + 1.5 * p * a
            return 20 + effects
        }
        let sds: [Double] = (0..<8).map { c in 8 + 3 * Double(c.nonzeroBitCount) }
        let result = Self.coverage(replicates: 3000, seed: 150, means: means, model: .saturated) { random, c in
            let n = sizes[c]
            let mean = random.normal(mean: means[c], stdDev: sds[c] / Double(n).squareRoot())
            let squares = sds[c] * sds[c] * random.gamma(shape: Double(n - 1) / 2, scale: 2)
            return SufficientStatistics(
                count: n, mean: mean, sumOfSquaredDeviations: squares, covariateMean: 0,
                covariateSumOfSquaredDeviations: 0, coMoment: 0)
        }
        #expect(result.terms.count == 7)
        for (term, rate) in result.terms { #expect(rate >= 0.93 && rate <= 0.97, "\(term): coverage \(rate)") }
        for (term, rate) in result.lifts { #expect(rate >= 0.93 && rate <= 0.97, "\(term) lift: coverage \(rate)") }
    }

    @Test("95% intervals cover 93–97% for a conversion metric (binomial cells), and for the additive model when it holds")
    func conversionCoverage() {
        let sizes = [3000, 2800, 2600, 2500, 2400, 2200, 2100, 2000]
        let interacting = (0..<8).map { c -> Double in
            let e = Double(c & 1), p = Double((c >> 1) & 1), a = Double((c >> 2) & 1)
            let effects: Double = 0.012 * e + 0.009 * p + 0.006 * a - 0.006 * e * p
            return 0.08 + effects
        }
        let draw = { (means: [Double]) in
            { (random: RandomSource, c: Int) -> SufficientStatistics in
                .proportion(units: sizes[c], conversions: random.binomial(trials: sizes[c], probability: means[c]))
            }
        }
        let saturated = Self.coverage(replicates: 3000, seed: 151, means: interacting, model: .saturated, draw: draw(interacting))
        #expect(saturated.terms.count == 7)
        for (term, rate) in saturated.terms { #expect(rate >= 0.93 && rate <= 0.97, "\(term): coverage \(rate)") }
        for (term, rate) in saturated.lifts { #expect(rate >= 0.93 && rate <= 0.97, "\(term) lift: coverage \(rate)") }

        // Additive truth: the additive coefficients are the planted channel effects.
        let additive = (0..<8).map { c in Self.additiveRate(c) }
        let fit = Self.coverage(replicates: 3000, seed: 152, means: additive, model: .additive, draw: draw(additive))
        // Classical main effects of an additive truth equal its coefficients.
        #expect(fit.terms.count == 3)
        for (term, rate) in fit.terms { #expect(rate >= 0.93 && rate <= 0.97, "additive \(term): coverage \(rate)") }
    }

    @Test("the lack-of-fit test holds its level when the additive model is true (rejects 3–7%)")
    func lackOfFitLevel() {
        let random = RandomSource(seed: 153)
        let sizes = [3000, 2800, 2600, 2500, 2400, 2200, 2100, 2000]
        var rejections = 0
        let replicates = 3000
        for _ in 0..<replicates {
            let cells = (0..<8).map { c in
                let rate = Self.additiveRate(c)
                return FactorialRegression.Cell(
                    variant: "cell\(c)", combination: Self.combination(c),
                    statistics: .proportion(units: sizes[c], conversions: random.binomial(trials: sizes[c], probability: rate)))
            }
            if FactorialEffects.estimate(cells: cells, model: .additive).lackOfFit?.rejected == true { rejections += 1 }
        }
        let rate = Double(rejections) / Double(replicates)
        #expect(rate >= 0.03 && rate <= 0.07, "lack-of-fit rejection rate \(rate)")
    }

    @Test("a factorial sized by design --factorial detects a planted main effect with the requested power")
    func designedPowerIsAchieved() throws {
        let analysis = try PowerAnalysis(metric: .proportion(baseline: 0.10), relative: false, alpha: 0.05, power: 0.8, arms: 2)
        let design = try FactorialDesign.make(analysis, factors: Self.channels, mde: 0.02)
        let random = RandomSource(seed: 154)
        let replicates = 3000
        var detected = 0
        for _ in 0..<replicates {
            // E-mail adds the mde in every combination; push and in-app do nothing.
            let cells = (0..<8).map { c in
                let rate = 0.10 + 0.02 * Double(c & 1)
                return FactorialRegression.Cell(
                    variant: "cell\(c)", combination: Self.combination(c),
                    statistics: .proportion(
                        units: design.perCell, conversions: random.binomial(trials: design.perCell, probability: rate)))
            }
            let result = FactorialEffects.estimate(cells: cells, model: .saturated, correction: .none)
            if let email = result.mainEffects.first, email.pValue < 0.05, email.estimate > 0 { detected += 1 }
        }
        let power = Double(detected) / Double(replicates)
        // Monte Carlo standard error ≈ 0.0073 at 3,000 replicates; the design rounds up to whole cells.
        #expect(abs(power - design.mainEffects.achievedPower) < 0.025, "simulated power \(power) vs designed \(design.mainEffects.achievedPower)")
        #expect(design.mainEffects.achievedPower >= 0.8 && design.mainEffects.achievedPower < 0.81)
    }
}
