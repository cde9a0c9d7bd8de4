import Testing
@testable import TouchstoneStats
import TouchstoneTestSupport

/// Part two of the statistics core against `Fixtures/stats2.json`: gbstats (Bayesian,
/// sequential, CUPED, ratio), statsmodels (HC1/HC3 OLS, Poisson GLM), scipy and mpmath
/// (beta-binomial, group-sequential boundaries), numpy (quantiles).
@Suite("Reference values, part two")
struct Stats2ReferenceTests {
    static let closedForm = 1e-9
    static let iterative = 1e-6

    private func expectClose(_ actual: Double, _ expected: Double, _ tolerance: Double, _ what: String, floor: Double = 1e-300) {
        #expect(isClose(actual, expected, relative: tolerance, absoluteFloor: floor), "\(what) = \(actual), expected \(expected)")
    }

    private func statistics(_ arm: Stats2Reference.Arm, _ kind: String) -> SufficientStatistics {
        if kind == "proportion" {
            return .proportion(units: arm.units ?? 0, conversions: arm.conversions ?? 0)
        }
        return SufficientStatistics(count: arm.count ?? 0, mean: arm.mean ?? .nan, stdDev: arm.stdDev ?? .nan)
    }

    @Test func betaBinomialMatchesMpmathAndScipy() throws {
        for c in try Stats2Reference.load().betaBinomial {
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
        for c in try Stats2Reference.load().gaussianBayes {
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

    @Test func mixtureSPRTMatchesGbstats() throws {
        for c in try Stats2Reference.load().sequential {
            let kind: MetricKind = c.kind == "proportion" ? .proportion : .mean
            let moments = EffectMoments(
                control: statistics(c.control, c.kind), treatment: statistics(c.treatment, c.kind), kind: kind)
            let result = MixtureSPRT.compare(moments, alpha: c.alpha, tuning: c.tuning)
            guard let relative = c.expected["relative"], let absolute = c.expected["absolute"] else { continue }
            expectClose(result.pValue, absolute.pValue ?? .nan, Self.closedForm, "always-valid p (absolute)")
            expectClose(result.absoluteCI.lower, absolute.ci[0], Self.closedForm, "absolute CS lower")
            expectClose(result.absoluteCI.upper, absolute.ci[1], Self.closedForm, "absolute CS upper")
            expectClose(result.relativeCI.lower, relative.ci[0], Self.closedForm, "relative CS lower")
            expectClose(result.relativeCI.upper, relative.ci[1], Self.closedForm, "relative CS upper")
            // gbstats tests the relative effect; its p-value is the same test on that scale.
            let relativeP = MixtureSPRT.pValue(
                estimate: moments.relativeEffect, variance: moments.relativeVariance,
                totalUnits: Double(moments.controlCount + moments.treatmentCount), alpha: c.alpha, tuning: c.tuning)
            expectClose(relativeP, relative.pValue ?? .nan, Self.closedForm, "always-valid p (relative)")
        }
    }

    @Test func cupedMatchesGbstats() throws {
        for c in try Stats2Reference.load().cuped {
            func arm(_ m: Stats2Reference.CovariateMoments) -> SufficientStatistics {
                SufficientStatistics(
                    count: m.count, mean: m.mean, stdDev: m.stdDev, covariateMean: m.covariateMean,
                    covariateStdDev: m.covariateStdDev, covariance: m.covariance)
            }
            let adjustment = RegressionAdjustment(control: arm(c.control), treatment: arm(c.treatment))
            expectClose(adjustment.theta, c.expected.theta, 1e-8, "\(c.label) theta")
            let result = WelchTTest.compare(adjustment.adjusted)
            let tol = 1e-8  // gbstats works from raw power sums; the fixture from moments
            expectClose(result.absoluteEffect, c.expected.absolute.expected, tol, "\(c.label) effect", floor: 1e-6)
            expectClose(result.pValue, c.expected.absolute.pValue ?? .nan, 1e-6, "\(c.label) p")
            expectClose(result.absoluteCI.lower, c.expected.absolute.ci[0], tol, "\(c.label) CI lower", floor: 1e-3)
            expectClose(result.absoluteCI.upper, c.expected.absolute.ci[1], tol, "\(c.label) CI upper", floor: 1e-3)
            expectClose(result.relativeCI.lower, c.expected.relative.ci[0], tol, "\(c.label) rel CI lower", floor: 1e-4)
            expectClose(result.relativeCI.upper, c.expected.relative.ci[1], tol, "\(c.label) rel CI upper", floor: 1e-4)
            // Variance reduction ≈ ρ² on data built with correlation ρ.
            #expect(abs(adjustment.varianceReduction - c.rho * c.rho) < 0.05, "\(c.label): reduction \(adjustment.varianceReduction)")
        }
    }

    @Test func ratioMatchesGbstats() throws {
        for c in try Stats2Reference.load().ratio {
            func arm(_ m: Stats2Reference.RatioMoments) -> RatioStatistics {
                RatioStatistics(
                    count: m.count, numeratorMean: m.numeratorMean, numeratorStdDev: m.numeratorStdDev,
                    denominatorMean: m.denominatorMean, denominatorStdDev: m.denominatorStdDev, covariance: m.covariance)
            }
            let control = arm(c.control), treatment = arm(c.treatment)
            expectClose(control.unitVariance, c.expected.unitVariance[0], 1e-8, "\(c.label) control variance")
            expectClose(treatment.unitVariance, c.expected.unitVariance[1], 1e-8, "\(c.label) treatment variance")
            let result = WelchTTest.compare(EffectMoments(control: control, treatment: treatment))
            expectClose(result.pValue, c.expected.absolute.pValue ?? .nan, 1e-6, "\(c.label) p")
            expectClose(result.absoluteCI.lower, c.expected.absolute.ci[0], 1e-8, "\(c.label) CI lower", floor: 1e-2)
            expectClose(result.absoluteCI.upper, c.expected.absolute.ci[1], 1e-8, "\(c.label) CI upper", floor: 1e-2)
            expectClose(result.relativeCI.lower, c.expected.relative.ci[0], 1e-8, "\(c.label) rel CI lower", floor: 1e-2)
            expectClose(result.relativeCI.upper, c.expected.relative.ci[1], 1e-8, "\(c.label) rel CI upper", floor: 1e-2)
        }
    }

    @Test(arguments: [RobustCovariance.hc1, .hc3])
    func factorialMatchesStatsmodels(covariance: RobustCovariance) throws {
        for c in try Stats2Reference.load().factorial {
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

    @Test func groupSequentialBoundariesMatchScipyAndPublishedTables() throws {
        for c in try Stats2Reference.load().groupSequential {
            let design = try GroupSequentialDesign.obrienFleming(informationFractions: c.informationFractions, alpha: c.alpha)
            for (k, boundary) in design.boundaries.enumerated() {
                // The MVN reference (Genz QMC, brentq xtol 1e-8) carries about 1e-6 of error.
                expectClose(boundary, c.expected[k], 1e-5, "look \(k + 1) of \(c.informationFractions)")
                expectClose(design.cumulativeAlpha[k], c.cumulativeAlpha[k], 1e-9, "α spent by look \(k + 1)")
            }
            // The design spends exactly α under H₀.
            expectClose(design.rejectionProbability(drift: 0), c.alpha, 1e-6, "total α")
        }
        // Jennison & Turnbull (2000) / ldbounds, K = 5, α = 0.05: 4.877, 3.357, 2.680, 2.290, 2.031.
        let published = [4.877, 3.357, 2.680, 2.290, 2.031]
        let design = try GroupSequentialDesign.obrienFleming(looks: 5)
        for (k, b) in design.boundaries.enumerated() { #expect(abs(b - published[k]) < 6e-4) }
    }
}
