import Foundation
import Testing
import TouchstoneStats
import TouchstoneTestSupport

/// Classical factorial effects, the additive model with its lack-of-fit test, CUPED-adjusted
/// effects and the probability that each arm is best, against statsmodels / scipy on per-unit
/// data (Fixtures/factorial.json, written by Scripts/make_factorial_reference.py).
@Suite struct FactorialEffectsTests {
    struct Reference: Decodable {
        struct Cell: Decodable {
            var variant: String
            var count: Int
            var mean: Double
            var sumOfSquaredDeviations: Double
            var conversions: Int?
            var covariateMean: Double?
            var covariateSumOfSquaredDeviations: Double?
            var coMoment: Double?
        }
        struct LackOfFit: Decodable {
            var statistic: Double
            var df: Int
            var denominatorDF: Double
            var pValue: Double
        }
        struct Fit: Decodable {
            var estimate: [Double]
            var standardError: [Double]
            var pValue: [Double]
            var ci: [[Double]]
            var df: Double
            var relativeEffect: [Double]
            var relativeCI: [[Double]]
            var lackOfFit: LackOfFit?
        }
        struct Model: Decodable {
            var terms: [String]
            var HC1: Fit
            var HC3: Fit
        }
        struct Case: Decodable {
            var label: String
            var kind: String
            var cells: [Cell]
            var saturated: Model?
            var additive: Model?
            var cupedTheta: Double?
        }
        struct BestArm: Decodable {
            var units: Int
            var conversions: Int?
            var mean: Double?
            var stdDev: Double?
        }
        struct BestCase: Decodable {
            var label: String
            var model: String
            var arms: [BestArm]
            var probabilityBest: [Double]
        }
        var factorial: [Case]
        var probabilityBest: [BestCase]

        static func load() throws -> Reference {
            let url = try #require(Bundle.module.url(forResource: "factorial", withExtension: "json", subdirectory: "Fixtures"))
            return try Fixtures.load(Reference.self, from: url)
        }
    }

    static func cells(_ c: Reference.Case) -> [FactorialRegression.Cell] {
        c.cells.map { cell in
            let statistics: SufficientStatistics = c.kind == "proportion"
                ? .proportion(units: cell.count, conversions: cell.conversions ?? 0)
                : SufficientStatistics(
                    count: cell.count, mean: cell.mean, sumOfSquaredDeviations: cell.sumOfSquaredDeviations,
                    covariateMean: cell.covariateMean ?? 0,
                    covariateSumOfSquaredDeviations: cell.covariateSumOfSquaredDeviations ?? 0, coMoment: cell.coMoment ?? 0)
            return FactorialRegression.Cell(
                variant: cell.variant, combination: ChannelCombination(variant: cell.variant, control: "control"),
                statistics: statistics)
        }
    }

    private func expectClose(_ actual: Double, _ expected: Double, _ tolerance: Double, _ what: String, floor: Double = 1e-300) {
        #expect(isClose(actual, expected, relative: tolerance, absoluteFloor: floor), "\(what) = \(actual), expected \(expected)")
    }

    /// Estimates to 1e-9 and intervals to 1e-6 of the largest effect (the acceptance tolerances).
    private func check(_ result: FactorialEffects.Result, _ terms: [FactorialEffects.Term], _ model: Reference.Model,
                       _ fit: Reference.Fit, _ what: String) {
        #expect(terms.map(\.term) == model.terms, "\(what) terms")
        #expect(result.degreesOfFreedom == fit.df, "\(what) df")
        let scale = fit.estimate.map(abs).max() ?? 1
        for (i, term) in terms.enumerated() where i < fit.estimate.count {
            let name = "\(what) \(term.term)"
            expectClose(term.estimate, fit.estimate[i], 1e-9, "\(name) estimate", floor: scale)
            expectClose(term.standardError, fit.standardError[i], 1e-6, "\(name) se")
            expectClose(term.ci.lower, fit.ci[i][0], 1e-6, "\(name) CI lower", floor: scale)
            expectClose(term.ci.upper, fit.ci[i][1], 1e-6, "\(name) CI upper", floor: scale)
            expectClose(term.pValue, fit.pValue[i], 1e-6, "\(name) p", floor: 1e-12)
        }
        let mains = result.mainEffects
        #expect(mains.count == fit.relativeEffect.count, "\(what) relative count")
        for (i, main) in mains.enumerated() where i < fit.relativeEffect.count {
            expectClose(main.relativeEffect ?? .nan, fit.relativeEffect[i], 1e-9, "\(what) \(main.term) lift", floor: 1e-3)
            expectClose(main.relativeCI?.lower ?? .nan, fit.relativeCI[i][0], 1e-6, "\(what) \(main.term) lift lower", floor: 1e-3)
            expectClose(main.relativeCI?.upper ?? .nan, fit.relativeCI[i][1], 1e-6, "\(what) \(main.term) lift upper", floor: 1e-3)
        }
    }

    private func checkLackOfFit(_ actual: FactorialEffects.LackOfFit?, _ expected: Reference.LackOfFit?, _ what: String) throws {
        let expected = try #require(expected, "\(what): reference has a lack-of-fit test")
        let actual = try #require(actual, "\(what): lack-of-fit test computed")
        expectClose(actual.statistic, expected.statistic, 1e-8, "\(what) LOF F")
        #expect(actual.df == expected.df)
        #expect(actual.denominatorDF == expected.denominatorDF)
        expectClose(actual.pValue, expected.pValue, 1e-7, "\(what) LOF p")
    }

    @Test("saturated effects = 2 × statsmodels' ±1-coded OLS coefficients (HC1, HC3), unequal cells")
    func saturatedMatchesStatsmodels() throws {
        for c in try Reference.load().factorial where c.cupedTheta == nil {
            guard let model = c.saturated else { continue }
            for (covariance, fit) in [(RobustCovariance.hc1, model.HC1), (.hc3, model.HC3)] {
                let result = FactorialEffects.estimate(cells: Self.cells(c), model: .saturated, covariance: covariance)
                #expect(result.diagnostics.isEmpty, "\(c.label): \(result.diagnostics)")
                check(result, result.mainEffects + result.interactions, model, fit, "\(c.label) \(covariance.rawValue)")
                #expect(result.lackOfFit == nil)
            }
        }
    }

    @Test("additive model = statsmodels y ~ email + push + in_app; lack of fit = its wald_test")
    func additiveMatchesStatsmodels() throws {
        for c in try Reference.load().factorial {
            guard let model = c.additive else { continue }
            for (covariance, fit) in [(RobustCovariance.hc1, model.HC1), (.hc3, model.HC3)] {
                let result = FactorialEffects.estimate(cells: Self.cells(c), model: .additive, covariance: covariance)
                #expect(result.interactions.isEmpty)
                check(result, result.mainEffects, model, fit, "\(c.label) additive \(covariance.rawValue)")
                try checkLackOfFit(result.lackOfFit, fit.lackOfFit, "\(c.label) \(covariance.rawValue)")
                // On a full grid the same test is the Wald test of the saturated fit's interactions.
                if let saturated = c.saturated {
                    try checkLackOfFit(
                        result.lackOfFit, (covariance == .hc1 ? saturated.HC1 : saturated.HC3).lackOfFit,
                        "\(c.label) saturated interactions \(covariance.rawValue)")
                }
            }
        }
    }

    @Test("CUPED: effects of y − θ(x − x̄) with θ pooled over all units, as statsmodels OLS of that response")
    func cupedMatchesStatsmodels() throws {
        for c in try Reference.load().factorial {
            guard let theta = c.cupedTheta, let model = c.saturated else { continue }
            for (covariance, fit) in [(RobustCovariance.hc1, model.HC1), (.hc3, model.HC3)] {
                let result = FactorialEffects.estimate(
                    cells: Self.cells(c), model: .saturated, covariance: covariance, adjustForCovariate: true)
                expectClose(result.cupedTheta ?? .nan, theta, 1e-10, "θ")
                check(result, result.mainEffects + result.interactions, model, fit, "\(c.label) \(covariance.rawValue)")
            }
            // Without the adjustment the estimates differ: the covariate carries real signal.
            let raw = FactorialEffects.estimate(cells: Self.cells(c), model: .saturated)
            let adjusted = FactorialEffects.estimate(cells: Self.cells(c), model: .saturated, adjustForCovariate: true)
            #expect(zip(raw.mainEffects, adjusted.mainEffects).allSatisfy { $0.standardError > $1.standardError })
        }
    }

    @Test("a missing cell: the saturated model refuses with a diagnostic naming it; the additive model still fits")
    func missingCellIsExplicit() throws {
        let c = try #require(try Reference.load().factorial.first { $0.saturated == nil && $0.additive != nil })
        let saturated = FactorialEffects.estimate(cells: Self.cells(c), model: .saturated)
        #expect(saturated.mainEffects.isEmpty && saturated.interactions.isEmpty)
        let message = try #require(saturated.diagnostics.first?.message)
        #expect(message.contains("'email+push+in_app'") && message.contains("--factorial-model additive"))
        // An arm listed with zero units is a missing cell too, not a silent zero mean.
        var cells = Self.cells(c)
        cells.append(.init(
            variant: "email+push+in_app", combination: ChannelCombination(channels: ["email", "push", "in_app"]),
            statistics: SufficientStatistics()))
        #expect(FactorialEffects.estimate(cells: cells, model: .saturated).mainEffects.isEmpty)
        #expect(FactorialEffects.estimate(cells: cells, model: .additive).mainEffects.count == 3)
    }

    @Test("three cells of a 2×2: the additive model fits, but its lack of fit cannot be tested (said so)")
    func noInteractionLeftToTest() {
        let cells = [("control", 0.10), ("email", 0.12), ("push", 0.11)].map { name, rate in
            FactorialRegression.Cell(
                variant: name, combination: ChannelCombination(variant: name, control: "control"),
                statistics: .proportion(units: 4000, conversions: Int(rate * 4000)))
        }
        let result = FactorialEffects.estimate(cells: cells, model: .additive)
        #expect(result.mainEffects.map(\.term) == ["email", "push"])
        #expect(abs(result.mainEffects[0].estimate - 0.02) < 1e-12)
        #expect(result.lackOfFit == nil)
        #expect(result.diagnostics.contains { $0.message.contains("cannot be checked") })
    }

    @Test("adjusted p-values: the main effects and interactions of one metric are one family")
    func adjustedPValuesFormOneFamily() throws {
        let c = try #require(try Reference.load().factorial.first { $0.saturated != nil && $0.cupedTheta == nil })
        for correction in MultipleTestingCorrection.allCases {
            let result = FactorialEffects.estimate(cells: Self.cells(c), model: .saturated, correction: correction)
            let terms = result.mainEffects + result.interactions
            #expect(terms.map(\.adjustedPValue) == correction.adjust(terms.map(\.pValue)))
        }
    }

    @Test("HC3 with a one-unit cell is undefined, and said so")
    func singleUnitCell() {
        let cells = ["control", "email", "push", "email+push"].enumerated().map { index, name in
            FactorialRegression.Cell(
                variant: name, combination: ChannelCombination(variant: name, control: "control"),
                statistics: SufficientStatistics(count: index == 3 ? 1 : 50, mean: 1, stdDev: 1))
        }
        let result = FactorialEffects.estimate(cells: cells, model: .saturated, covariance: .hc3)
        #expect(result.mainEffects.isEmpty)
        #expect(result.diagnostics.contains { $0.message.contains("single unit") })
    }

    @Test("probability each arm is best = scipy quad of f_i Π F_j (Beta and normal posteriors)")
    func probabilityBestMatchesScipy() throws {
        for c in try Reference.load().probabilityBest {
            let posteriors: [ProbabilityBest.Posterior] = c.arms.map { arm in
                if c.model == "beta" {
                    let conversions = Double(arm.conversions ?? 0)
                    return .beta(BetaDistribution(1 + conversions, 1 + Double(arm.units) - conversions))
                }
                return .normal(mean: arm.mean ?? .nan, standardError: (arm.stdDev ?? .nan) / Double(arm.units).squareRoot())
            }
            let best = ProbabilityBest.compute(posteriors)
            for (i, p) in best.enumerated() { expectClose(p, c.probabilityBest[i], 1e-7, "\(c.label) arm \(i)", floor: 1e-6) }
            #expect(abs(best.reduce(0, +) - 1) < 1e-8)
        }
    }
}
