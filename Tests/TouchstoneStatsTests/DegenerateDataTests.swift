import Testing
import TouchstoneStats

/// Degenerate inputs give NaN where a number is undefined, a diagnostic saying why, and
/// never a crash.
@Suite("Degenerate data")
struct DegenerateDataTests {
    @Test func emptyArm() {
        let z = TwoProportionZTest.compare(control: (0, 0), treatment: (100, 5))
        #expect(z.pValue.isNaN && z.absoluteEffect.isNaN)
        #expect(z.diagnostics.map(\.code) == [.emptyArm])
        let t = WelchTTest.compare(control: SufficientStatistics(), treatment: SufficientStatistics([1, 2, 3]))
        #expect(t.pValue.isNaN)
        #expect(t.diagnostics.map(\.code) == [.emptyArm])
    }

    @Test func singleUnitArmHasNoVariance() {
        let t = WelchTTest.compare(control: SufficientStatistics([5]), treatment: SufficientStatistics([1, 2, 3]))
        #expect(t.pValue.isNaN && t.absoluteCI.lower.isNaN)
        #expect(t.absoluteEffect == -3)
        #expect(t.diagnostics.map(\.code) == [.insufficientData])
    }

    @Test func zeroVarianceInBothArms() {
        let t = WelchTTest.compare(control: SufficientStatistics([4, 4, 4]), treatment: SufficientStatistics([4, 4]))
        #expect(t.pValue.isNaN)
        #expect(t.absoluteEffect == 0)
        #expect(t.diagnostics.map(\.code) == [.zeroVariance])
    }

    @Test func allOrNothingConversion() {
        let none = TwoProportionZTest.compare(control: (500, 0), treatment: (500, 0))
        #expect(none.pValue.isNaN && none.relativeEffect.isNaN)
        #expect(none.diagnostics.contains { $0.code == .zeroVariance })
        #expect(none.diagnostics.contains { $0.code == .zeroControlMean })
        let all = TwoProportionZTest.compare(control: (500, 500), treatment: (500, 500))
        #expect(all.pValue.isNaN && all.relativeEffect == 0)
        // 0% against 100%: the test is defined, the Wald interval is not.
        let split = TwoProportionZTest.compare(control: (50, 0), treatment: (50, 50))
        #expect(split.pValue < 1e-20)
        #expect(split.absoluteCI.lower.isNaN)
        #expect(!split.diagnostics.isEmpty)
    }

    @Test func invalidCountsAreFlaggedNotTrapped() {
        let result = TwoProportionZTest.compare(control: (10, 11), treatment: (10, 5))
        #expect(result.pValue.isNaN)
        #expect(result.diagnostics.map(\.code) == [.invalidInput])
        let negative = TwoProportionZTest.compare(control: (10, -1), treatment: (10, 5))
        #expect(negative.diagnostics.map(\.code) == [.invalidInput])
    }

    @Test func invalidAlphaIsFlagged() {
        let result = TwoProportionZTest.compare(control: (10, 1), treatment: (10, 5), settings: TestSettings(alpha: 1.5))
        #expect(result.diagnostics.map(\.code) == [.invalidInput])
        #expect(throws: StatsError.self) { try TestSettings(alpha: 0).validate() }
    }

    @Test func distributionsRejectInvalidParametersWithNaN() {
        // GSL itself would abort on ν = 0 or return garbage; the wrappers answer NaN.
        #expect(StudentT(degreesOfFreedom: 0).quantile(0.9).isNaN)
        #expect(StudentT(degreesOfFreedom: -1).survival(1).isNaN)
        #expect(ChiSquared(degreesOfFreedom: 3).quantile(1.5).isNaN)
        #expect(Normal.quantile(-0.1).isNaN)
        #expect(StudentT(degreesOfFreedom: .infinity).survival(1.96) == Normal.survival(1.96))
    }

    @Test func farTailPValuesDoNotUnderflowEarly() {
        // z ≈ 37: p ≈ 1e-300, representable, must not collapse to 0.
        #expect(Normal.survival(37) > 0 && Normal.survival(37) < 1e-298)
        let t = StudentT(degreesOfFreedom: 1e6).survival(30)
        #expect(t > 0 && t < 1e-190)
    }

    @Test func srmRejectsBadWeightsAndFlagsImpossibleArms() throws {
        #expect(throws: StatsError.self) { try SampleRatioMismatch.test(observed: [1, 2], weights: [0, 0]) }
        #expect(throws: StatsError.self) { try SampleRatioMismatch.test(observed: [1, 2], weights: [1]) }
        #expect(throws: StatsError.self) { try SampleRatioMismatch.test(observed: [-1, 2], weights: [1, 1]) }
        let impossible = try SampleRatioMismatch.test(observed: [100, 3], weights: [1, 0])
        #expect(impossible.mismatch && impossible.pValue == 0)
        let empty = try SampleRatioMismatch.test(observed: [0, 0], weights: [1, 1])
        #expect(empty.pValue.isNaN && !empty.mismatch)
    }

    @Test func correctionsSkipUndefinedPValues() {
        let adjusted = MultipleTestingCorrection.holm.adjust([0.01, .nan, 0.04])
        #expect(adjusted[1].isNaN)
        #expect(adjusted[0] == 0.02 && adjusted[2] == 0.04)
    }

    @Test func powerRejectsImpossibleDesigns() {
        #expect(throws: StatsError.self) { try PowerAnalysis(metric: .proportion(baseline: 0), relative: true) }
        #expect(throws: StatsError.self) { try PowerAnalysis(metric: .proportion(baseline: 0.5), relative: false, arms: 1) }
        #expect(throws: StatsError.self) {
            try PowerAnalysis(metric: .proportion(baseline: 0.9), relative: false).samplePerArm(effect: 0.2)
        }
        #expect(throws: StatsError.self) {
            try PowerAnalysis(metric: .mean(mean: 1, stdDev: 0), relative: false)
        }
    }
}

extension DegenerateDataTests {
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
}
