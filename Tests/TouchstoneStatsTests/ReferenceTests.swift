import Testing
import TouchstoneStats
import TouchstoneTestSupport

/// Every case of `Fixtures/reference.json` (scipy / statsmodels / gbstats) reproduced.
///
/// Closed forms must agree to a relative error of 1e-9; quantities solved iteratively
/// (sample size, MDE) to 1e-6.
@Suite("Reference values from scipy, statsmodels and gbstats")
struct ReferenceTests {
    static let reference: Reference? = try? Reference.load()
    static let closedForm = 1e-9
    static let iterative = 1e-6

    @Test func fixturesLoadAndAreNumerous() throws {
        let reference = try Reference.load()
        let total = reference.distributions.count + reference.zTests.count + reference.welch.count
            + reference.srm.count + reference.corrections.count + reference.power.count
        #expect(total >= 60)
    }

    @Test func distributions() throws {
        let reference = try Reference.load()
        for c in reference.distributions {
            let actual: Double
            switch c.function {
            case "normal.survival": actual = Normal.survival(c.x)
            case "normal.cdf": actual = Normal.cdf(c.x)
            case "normal.quantile": actual = Normal.quantile(c.x)
            case "normal.upperQuantile": actual = Normal.upperQuantile(c.x)
            case "t.survival": actual = StudentT(degreesOfFreedom: c.df ?? .nan).survival(c.x)
            case "t.quantile": actual = StudentT(degreesOfFreedom: c.df ?? .nan).quantile(c.x)
            case "chisq.survival": actual = ChiSquared(degreesOfFreedom: c.df ?? .nan).survival(c.x)
            default:
                Issue.record("unknown function \(c.function)")
                continue
            }
            #expect(
                isClose(actual, c.expected, relative: Self.closedForm, absoluteFloor: 1e-300),
                "\(c.function)(\(c.x), df: \(String(describing: c.df))) = \(actual), expected \(c.expected)")
        }
    }

    private func check(_ label: String, _ result: Comparison, _ expected: Reference.ComparisonExpectation) {
        let pairs: [(String, Double, Double)] = [
            ("statistic", result.statistic, expected.statistic),
            ("pValue", result.pValue, expected.pValue),
            ("absoluteEffect", result.absoluteEffect, expected.absoluteEffect),
            ("absoluteCI.lower", result.absoluteCI.lower, expected.absoluteCI[0]),
            ("absoluteCI.upper", result.absoluteCI.upper, expected.absoluteCI[1]),
            ("relativeEffect", result.relativeEffect, expected.relativeEffect),
            ("relativeCI.lower", result.relativeCI.lower, expected.relativeCI[0]),
            ("relativeCI.upper", result.relativeCI.upper, expected.relativeCI[1]),
        ]
        for (name, actual, wanted) in pairs {
            // Effects that are differences of nearly equal numbers get an absolute floor of
            // 1e-12 of the inputs' scale; everything else is purely relative.
            #expect(
                isClose(actual, wanted, relative: Self.closedForm, absoluteFloor: 1e-300),
                "\(label): \(name) = \(actual), expected \(wanted)")
        }
        if let df = expected.degreesOfFreedom {
            #expect(isClose(result.degreesOfFreedom, df, relative: Self.closedForm), "\(label): df")
        }
        if let gb = expected.gbstatsRelativeCI {
            #expect(isClose(result.relativeCI.lower, gb[0], relative: Self.closedForm), "\(label): gbstats lower")
            #expect(isClose(result.relativeCI.upper, gb[1], relative: Self.closedForm), "\(label): gbstats upper")
        }
    }

    private func alternative(_ name: String) throws -> Alternative {
        try #require(Alternative(rawValue: name))
    }

    @Test func twoProportionZTests() throws {
        let reference = try Reference.load()
        #expect(reference.zTests.count >= 15)
        for c in reference.zTests {
            let result = TwoProportionZTest.compare(
                control: (c.control.units, c.control.conversions),
                treatment: (c.treatment.units, c.treatment.conversions),
                settings: TestSettings(alpha: c.alpha, alternative: try alternative(c.alternative)))
            check(c.label, result, c.expected)
            if c.expected.pValue.isNaN || c.expected.absoluteCI[0].isNaN || c.expected.relativeEffect.isNaN {
                #expect(!result.diagnostics.isEmpty, "\(c.label): undefined numbers must come with a diagnostic")
            }
        }
    }

    @Test func welchTTests() throws {
        let reference = try Reference.load()
        #expect(reference.welch.count >= 10)
        for c in reference.welch {
            let result = WelchTTest.compare(
                control: SufficientStatistics(count: c.control.count, mean: c.control.mean, stdDev: c.control.stdDev),
                treatment: SufficientStatistics(
                    count: c.treatment.count, mean: c.treatment.mean, stdDev: c.treatment.stdDev),
                settings: TestSettings(alpha: c.alpha, alternative: try alternative(c.alternative)))
            check(c.label, result, c.expected)
        }
    }

    @Test func sampleRatioMismatch() throws {
        let reference = try Reference.load()
        for c in reference.srm {
            let result = try SampleRatioMismatch.test(observed: c.observed, weights: c.weights)
            #expect(isClose(result.chiSquare, c.expected.chiSquare, relative: Self.closedForm), "\(c.label): χ²")
            #expect(
                isClose(result.pValue, c.expected.pValue, relative: Self.closedForm, absoluteFloor: 1e-300),
                "\(c.label): p = \(result.pValue), expected \(c.expected.pValue)")
            for (actual, wanted) in zip(result.expected, c.expected.expectedCounts) {
                #expect(isClose(actual, wanted, relative: Self.closedForm), "\(c.label): expected count")
            }
            #expect(result.mismatch == (c.expected.pValue < 0.001), "\(c.label): mismatch flag")
        }
    }

    @Test func multipleTestingCorrections() throws {
        let reference = try Reference.load()
        for c in reference.corrections {
            let method = try #require(MultipleTestingCorrection(rawValue: c.method))
            let adjusted = method.adjust(c.pValues)
            #expect(adjusted.count == c.expected.count)
            for (actual, wanted) in zip(adjusted, c.expected) {
                #expect(isClose(actual, wanted, relative: Self.closedForm), "\(c.method) \(c.pValues): \(adjusted) vs \(c.expected)")
            }
        }
    }

    @Test func power() throws {
        let reference = try Reference.load()
        for c in reference.power {
            let metric: PowerAnalysis.Metric = c.kind == "proportion"
                ? .proportion(baseline: c.baseline)
                : .mean(mean: c.baseline, stdDev: c.stdDev ?? .nan)
            let analysis = try PowerAnalysis(
                metric: metric, relative: c.relative, alpha: c.alpha, power: c.power, arms: c.arms,
                alternative: try alternative(c.alternative))
            let actual: Double
            let tolerance: Double
            switch c.solve {
            case "sample":
                actual = try analysis.samplePerArm(effect: try #require(c.mde))
                tolerance = Self.iterative
            case "power":
                actual = try analysis.achievedPower(effect: try #require(c.mde), samplePerArm: try #require(c.samplePerArm))
                tolerance = Self.closedForm
            case "mde":
                actual = try analysis.minimumDetectableEffect(samplePerArm: try #require(c.samplePerArm))
                tolerance = Self.iterative
            default:
                Issue.record("unknown solve \(c.solve)")
                continue
            }
            #expect(isClose(actual, c.expected, relative: tolerance), "\(c.solve) \(c.kind) \(c.baseline): \(actual) vs \(c.expected)")
        }
    }
}
