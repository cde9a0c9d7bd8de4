import Testing
import TouchstoneStats

/// Quantile metrics: numpy's sample quantile, the order-statistic standard error against a large
/// percentile bootstrap (fixture from `Scripts/make_reference_quantiles.py`), and ties.
@Suite struct QuantileTestTests {
    static var cases: [QuantileReference.QuantileCase] { QuantileReference.shared?.quantiles ?? [] }

    @Test func fixtureLoads() throws {
        let reference = try QuantileReference.load()
        #expect(reference.quantiles.count == 5)
    }

    @Test("point estimates equal numpy's default quantile", arguments: cases)
    func pointEstimatesEqualNumpy(_ c: QuantileReference.QuantileCase) {
        let result = QuantileTest.compare(
            controlSorted: c.control.sorted(), treatmentSorted: c.treatment.sorted(), quantile: c.quantile,
            settings: TestSettings(alpha: c.alpha))
        expectClose(result.control.value, c.controlQuantile, 1e-12, "\(c.label) control quantile")
        expectClose(result.treatment.value, c.treatmentQuantile, 1e-12, "\(c.label) treatment quantile")
        expectClose(result.comparison.absoluteEffect, c.treatmentQuantile - c.controlQuantile, 1e-12, "\(c.label) difference", floor: 1e-9)
    }

    @Test("interval widths agree with a 20,000-replicate percentile bootstrap within 12%", arguments: cases)
    func widthsAgreeWithTheBootstrap(_ c: QuantileReference.QuantileCase) {
        let result = QuantileTest.compare(
            controlSorted: c.control.sorted(), treatmentSorted: c.treatment.sorted(), quantile: c.quantile,
            settings: TestSettings(alpha: c.alpha))
        // The script applies the tie rule on its own; a refused case must be refused here too.
        #expect((result.control.isTied || result.treatment.isTied) == c.tied, "\(c.label)")
        if c.tied {
            #expect(result.comparison.diagnostics.map(\.code) == [.tiedQuantile], "\(c.label)")
            return
        }
        let width = result.comparison.absoluteCI.upper - result.comparison.absoluteCI.lower
        let bootstrap = c.bootstrapCI[1] - c.bootstrapCI[0]
        #expect(result.comparison.diagnostics.isEmpty, "\(c.label): \(result.comparison.diagnostics)")
        #expect(abs(width / bootstrap - 1) <= 0.12, "\(c.label): asymptotic width \(width), bootstrap \(bootstrap)")
    }

    @Test func standardErrorComesFromTheOrderStatisticsAtTheRankInterval() {
        // n = 100, q = 0.5: r± = 50 ± 1.96·√25 = 50 ± 9.8 (whole ranks 40 and 60); the values 1…100
        // sit at their ranks, so the interval's ends are 40.2 and 59.8.
        let values = (1...100).map(Double.init)
        let estimate = SampleQuantile(sorted: values, level: 0.5, alpha: 0.05)
        let z = Normal.upperQuantile(0.025)
        #expect(estimate.lowerRank == 40 && estimate.upperRank == 60)
        expectClose(estimate.standardError, (2 * z * 5) / (2 * z), 1e-12, "SE")
        #expect(estimate.value == 50.5)
        #expect(!estimate.isTied)
    }

    @Test func heavyTiesLeaveTheIntervalUndefinedWithADiagnostic() {
        // Poisson(3)-like counts: the median's value fills far more than a quarter of its rank window.
        let counts = (0..<500).map { Double([0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6][$0 % 16]) }.sorted()
        let result = QuantileTest.compare(controlSorted: counts, treatmentSorted: counts, quantile: 0.5)
        #expect(result.control.isTied)
        #expect(result.comparison.absoluteEffect == 0)
        #expect(!result.comparison.absoluteCI.isDefined)
        #expect(result.comparison.pValue.isNaN)
        #expect(result.comparison.diagnostics.map(\.code) == [.tiedQuantile])
    }

    @Test func degenerateInputsAreUndefinedNotZero() {
        let empty = QuantileTest.compare(controlSorted: [], treatmentSorted: [1, 2, 3], quantile: 0.5)
        #expect(empty.comparison.diagnostics.map(\.code) == [.emptyArm])
        let constant = QuantileTest.compare(
            controlSorted: Array(repeating: 1, count: 10) + [2], treatmentSorted: [1, 2, 3, 4, 5, 6, 7, 8], quantile: 0.5)
        #expect(!constant.comparison.absoluteCI.isDefined || constant.comparison.standardError > 0)
        let zero = QuantileTest.compare(controlSorted: (0..<200).map { Double($0) - 100 }, treatmentSorted: (0..<200).map(Double.init), quantile: 0.5)
        #expect(zero.control.value == -0.5)
        let zeroControl = QuantileTest.compare(controlSorted: (0..<201).map { Double($0) - 100 }, treatmentSorted: (0..<200).map(Double.init), quantile: 0.5)
        #expect(zeroControl.comparison.relativeEffect.isNaN)
        #expect(zeroControl.comparison.diagnostics.map(\.code) == [.zeroControlMean])
    }
}
