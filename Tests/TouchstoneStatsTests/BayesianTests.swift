import Testing
@testable import TouchstoneStats
import TouchstoneTestSupport

@Suite("Bayesian methods: beta-binomial and Gaussian models against mpmath, scipy and gbstats; credible-interval coverage")
struct BayesianTests {
    static let closedForm = 1e-9
    static let iterative = 1e-6

    static let replicates = 2_000

    @Test func betaBinomialMatchesMpmathAndScipy() throws {
        for c in try MethodReference.load().betaBinomial {
            let result = BetaBinomialTest.compare(
                control: (c.control.units, c.control.conversions), treatment: (c.treatment.units, c.treatment.conversions),
                alpha: c.alpha)
            let label = "\(c.control) vs \(c.treatment)"
            expectClose(result.probabilityToBeatControl, c.expected.probabilityToBeatControl, 1e-9, "\(label) P(beat)")
            // Losses are differences of two exact probabilities: relative 1e-7 of the larger term.
            expectClose(result.expectedLoss, c.expected.expectedLoss, 1e-7, "\(label) loss", floor: 1e-9)
            expectClose(result.controlExpectedLoss, c.expected.controlExpectedLoss, 1e-7, "\(label) control loss", floor: 1e-9)
            if let ci = c.expected.absoluteCI {
                expectClose(result.absoluteCI.lower, ci[0], Self.iterative, "\(label) absolute CI lower")
                expectClose(result.absoluteCI.upper, ci[1], Self.iterative, "\(label) absolute CI upper")
            }
            if let ci = c.expected.relativeCI {
                expectClose(result.relativeCI.lower, ci[0], Self.iterative, "\(label) relative CI lower")
                expectClose(result.relativeCI.upper, ci[1], Self.iterative, "\(label) relative CI upper")
            }
        }
    }

    @Test func closedFormAndQuadratureAgree() {
        // Same posteriors through both exact routes.
        let pairs: [(BetaDistribution, BetaDistribution)] = [
            (BetaDistribution(66, 936), BetaDistribution(51, 951)),
            (BetaDistribution(4, 18), BetaDistribution(1, 21)),
            (BetaDistribution(2.5, 40), BetaDistribution(3, 35)),
        ]
        for (x, y) in pairs where x.a == x.a.rounded() {
            let closed = BetaBinomialTest.closedForm(x, than: y)
            let integrated = BetaBinomialTest.integrated(x, than: y)
            expectClose(integrated, closed, 1e-10, "P(\(x) > \(y))")
        }
    }

    @Test func betaTailIsAccurateAtHundredsOfMillions() {
        // The Beta(a, b) tail at its mean is ~½ and the two tails sum to 1 exactly in the math.
        let beta = BetaDistribution(5e6, 9.5e7)
        let x = 0.05001
        #expect(abs(beta.cdf(x) + beta.survival(x) - 1) < 1e-12)
        expectClose(beta.survival(x), 0.3231385769279608, 1e-8, "Beta(5e6, 9.5e7) tail (scipy)")
    }

    @Test func gaussianEffectMatchesGbstats() throws {
        for c in try MethodReference.load().gaussianBayes {
            let prior = c.prior.map { GaussianPrior(mean: $0.mean, stdDev: $0.stdDev) } ?? .flat
            let kind: MetricKind = c.kind == "proportion" ? .proportion : .mean
            let result = GaussianEffectTest.compare(
                control: statistics(c.control, c.kind), treatment: statistics(c.treatment, c.kind), kind: kind,
                prior: prior, alpha: c.alpha)
            guard let relative = c.expected["relative"], let absolute = c.expected["absolute"] else {
                Issue.record("fixture lacks relative/absolute")
                continue
            }
            let tol = Self.closedForm
            expectClose(result.probabilityToBeatControl, relative.chanceToWin ?? .nan, tol, "chance to win")
            expectClose(result.relativeEffect, relative.expected, tol, "relative mean")
            expectClose(result.relativeCI.lower, relative.ci[0], tol, "relative CI lower")
            expectClose(result.relativeCI.upper, relative.ci[1], tol, "relative CI upper")
            expectClose(result.relativeExpectedLoss ?? .nan, relative.risk?[1] ?? .nan, tol, "relative risk")
            expectClose(result.absoluteEffect, absolute.expected, tol, "absolute mean")
            expectClose(result.absoluteCI.lower, absolute.ci[0], tol, "absolute CI lower")
            expectClose(result.absoluteCI.upper, absolute.ci[1], tol, "absolute CI upper")
            expectClose(result.expectedLoss, absolute.risk?[1] ?? .nan, tol, "absolute risk (treatment)")
            expectClose(result.controlExpectedLoss, absolute.risk?[0] ?? .nan, tol, "absolute risk (control)")
        }
    }

    /// Flat-prior Gaussian credible intervals are frequentist intervals: 93–97% coverage.
    @Test func bayesianCredibleIntervalsCover() {
        let random = RandomSource(seed: 8)
        let n = 5_000, pc = 0.1, pt = 0.11
        var covered = 0
        for _ in 0..<Self.replicates {
            let result = GaussianEffectTest.compare(
                control: .proportion(units: n, conversions: random.binomial(trials: n, probability: pc)),
                treatment: .proportion(units: n, conversions: random.binomial(trials: n, probability: pt)),
                kind: .proportion)
            if result.relativeCI.contains(pt / pc - 1) { covered += 1 }
        }
        let coverage = Double(covered) / Double(Self.replicates)
        #expect(coverage >= 0.93 && coverage <= 0.97, "credible interval coverage \(coverage)")
    }
}
