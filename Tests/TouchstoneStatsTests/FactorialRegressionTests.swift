import Testing
@testable import TouchstoneStats
import TouchstoneTestSupport

@Suite("Factorial regression (0/1-coded simple effects): statsmodels HC1/HC3 OLS and Poisson GLM, coverage, merging, channel names")
struct FactorialRegressionTests {
    static let closedForm = 1e-9
    static let iterative = 1e-6

    static let replicates = 2_000

    @Test(arguments: [RobustCovariance.hc1, .hc3])
    func factorialMatchesStatsmodels(covariance: RobustCovariance) throws {
        for c in try MethodReference.load().factorial {
            let kind: MetricKind = c.kind == "proportion" ? .proportion : .mean
            let cells = c.cells.map { cell in
                FactorialRegression.Cell(
                    variant: cell.variant, combination: ChannelCombination(variant: cell.variant, control: "control"),
                    statistics: SufficientStatistics(count: cell.count, mean: cell.mean, stdDev: cell.stdDev))
            }
            let result = FactorialRegression.fit(cells: cells, kind: kind, covariance: covariance)
            let expected = covariance == .hc1 ? c.expected.HC1 : c.expected.HC3
            #expect(result.effects.map(\.term) == c.expected.terms, "\(c.label) terms")
            #expect(result.degreesOfFreedom == expected.df)
            for (i, effect) in result.effects.enumerated() where i < expected.estimate.count {
                let what = "\(c.label) \(covariance.rawValue) \(effect.term)"
                let scale = abs(expected.estimate[0])
                expectClose(effect.estimate, expected.estimate[i], 1e-9, "\(what) estimate", floor: scale)
                expectClose(effect.standardError, expected.standardError[i], 1e-9, "\(what) se")
                expectClose(effect.pValue, expected.pValue[i], 1e-7, "\(what) p")
                expectClose(effect.ci.lower, expected.ci[i][0], 1e-9, "\(what) CI lower", floor: scale)
                expectClose(effect.ci.upper, expected.ci[i][1], 1e-9, "\(what) CI upper", floor: scale)
            }
            if let relative = c.expected.relative {
                let effects = result.relativeEffects ?? []
                #expect(effects.count == relative.estimate.count)
                for (i, effect) in effects.enumerated() where i < relative.estimate.count {
                    // statsmodels fits the GLM by IRLS: iterative tolerance.
                    expectClose(effect.estimate, relative.estimate[i], Self.iterative, "relative \(effect.term)", floor: 1e-3)
                    expectClose(effect.ci.lower, relative.ci[i][0], Self.iterative, "relative \(effect.term) lower", floor: 1e-3)
                    expectClose(effect.ci.upper, relative.ci[i][1], Self.iterative, "relative \(effect.term) upper", floor: 1e-3)
                    expectClose(effect.pValue, relative.pValue[i], 1e-5, "relative \(effect.term) p")
                }
            }
        }
    }

    /// HC3 intervals of a 2×2 channel design with unequal cell variances cover the planted
    /// main effects and interaction; the mixture SPRT's confidence sequence covers at least 95%.
    @Test func factorialAndSequentialIntervalsCover() {
        let random = RandomSource(seed: 31)
        let means = ["control": 10.0, "email": 11.0, "push": 10.5, "email+push": 12.5]
        let sds = ["control": 3.0, "email": 4.0, "push": 5.0, "email+push": 6.0]
        let truth = ["email": 1.0, "push": 0.5, "email:push": 1.0]
        let n = 150
        var covered = ["email": 0, "push": 0, "email:push": 0]
        var sequentialCovered = 0
        for _ in 0..<Self.replicates {
            let cells = ["control", "email", "push", "email+push"].map { variant -> FactorialRegression.Cell in
                let sd = sds[variant] ?? 1, mean = means[variant] ?? 0
                // Cell summaries drawn exactly: ȳ ~ N(μ, σ²/n), M2 ~ σ² χ²_{n−1}.
                let cellMean = random.normal(mean: mean, stdDev: sd / Double(n).squareRoot())
                let m2 = sd * sd * random.gamma(shape: Double(n - 1) / 2, scale: 2)
                return FactorialRegression.Cell(
                    variant: variant, combination: ChannelCombination(variant: variant, control: "control"),
                    statistics: SufficientStatistics(count: n, mean: cellMean, stdDev: (m2 / Double(n - 1)).squareRoot()))
            }
            let fit = FactorialRegression.fit(cells: cells, kind: .mean, covariance: .hc3)
            for effect in fit.effects where effect.term != "(intercept)" {
                if let value = truth[effect.term], effect.ci.contains(value) { covered[effect.term, default: 0] += 1 }
            }
            let sequential = MixtureSPRT.compare(
                EffectMoments(control: cells[0].statistics, treatment: cells[1].statistics, kind: .mean), tuning: 300)
            if sequential.absoluteCI.contains(1.0) { sequentialCovered += 1 }
        }
        for (term, count) in covered {
            let coverage = Double(count) / Double(Self.replicates)
            #expect(coverage >= 0.93 && coverage <= 0.97, "HC3 coverage of \(term): \(coverage)")
        }
        #expect(Double(sequentialCovered) / Double(Self.replicates) >= 0.95)
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

    @Test func channelCombinationsParse() {
        #expect(ChannelCombination(variant: "email + push", control: "control").channels == ["email", "push"])
        #expect(ChannelCombination(variant: "control", control: "control").channels.isEmpty)
        #expect(ChannelCombination(variant: "push+push", control: "control").channels == ["push"])
        #expect(ChannelCombination(variant: "email+push", control: "control").contains(ChannelCombination(channels: ["push"])))
        #expect(ChannelCombination.isChannelDesign(["control", "email", "email+push"]))
        #expect(!ChannelCombination.isChannelDesign(["control", "treatment"]))
    }
}
