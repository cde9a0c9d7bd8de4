import Testing
import TouchstoneStats
import TouchstoneTestSupport

/// Extremes beyond those in `SufficientStatisticsTests` and `DegenerateDataTests`: p-values near
/// the bottom of the double range, counts of 1e12, means near 1e15 merged from many partial
/// aggregates with different shifts.
@Suite("Numerical extremes")
struct NumericalExtremesTests {
    /// Two-pass reference on exact offsets from `base`.
    private func referenceVariance(_ offsets: [Double]) -> Double {
        let mean = offsets.reduce(0, +) / Double(offsets.count)
        return offsets.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(offsets.count - 1)
    }

    @Test("means near 1e15 merged from 1,000 chunks in any order keep a variance of about 1")
    func manyChunksNearOneE15() {
        let random = RandomSource(seed: 7)
        let offsets = (0..<20_000).map { _ in (random.normal(mean: 0, stdDev: 1) * 8).rounded() / 8 }
        let values = offsets.map { 1e15 + $0 }  // offsets in multiples of 1/8 are exact at 1e15 (ulp 0.125)
        let reference = referenceVariance(values.map { $0 - 1e15 })
        var forward = SufficientStatistics()
        var chunks: [SufficientStatistics] = []
        for start in stride(from: 0, to: values.count, by: 20) {
            let chunk = SufficientStatistics(values[start..<(start + 20)])
            chunks.append(chunk)
            forward.merge(chunk)
        }
        // A pairwise (tree) merge, as parallel workers or a SQL engine would combine partials.
        var level = chunks
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { $0 + 1 < level.count ? level[$0] + level[$0 + 1] : level[$0] }
        }
        let reversed = chunks.reversed().reduce(SufficientStatistics(), +)
        for merged in [forward, level[0], reversed] {
            #expect(merged.count == 20_000)
            #expect(isClose(merged.variance, reference, relative: 1e-6), "\(merged.variance) vs \(reference)")
            #expect(abs(merged.mean - 1e15) < 1)
        }
    }

    @Test("merging aggregates whose means differ by many orders of magnitude")
    func mergeAcrossScales() {
        let small = SufficientStatistics([1, 2, 3, 4])
        let large = SufficientStatistics([1e15, 1e15 + 2, 1e15 + 4])
        let merged = small + large
        let all = [1, 2, 3, 4, 1e15, 1e15 + 2, 1e15 + 4]
        let mean = all.reduce(0, +) / 7
        #expect(merged.count == 7)
        #expect(isClose(merged.mean, mean, relative: 1e-14))
        // Exact variance: deviations are dominated by the 1e15 gap; compare with a two-pass sum.
        let twoPass = all.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
        #expect(isClose(merged.variance, twoPass, relative: 1e-12))
        #expect(isClose((large + small).variance, twoPass, relative: 1e-12))
    }

    @Test("counts up to 1e12 merge exactly and give finite tests")
    func trillionUnits() {
        let a = SufficientStatistics.proportion(units: 500_000_000_000, conversions: 25_000_000_000)
        let b = SufficientStatistics.proportion(units: 500_000_000_000, conversions: 25_000_000_001)
        let merged = a + b
        #expect(merged.count == 1_000_000_000_000)
        #expect(isClose(merged.mean, 50_000_000_001.0 / 1e12, relative: 1e-13))
        let comparison = TwoProportionZTest.compare(
            control: (1_000_000_000_000, 50_000_000_000), treatment: (1_000_000_000_000, 50_000_100_000))
        #expect(comparison.pValue.isFinite && comparison.pValue > 0 && comparison.pValue < 1)
        #expect(comparison.absoluteCI.lower.isFinite && comparison.absoluteCI.upper.isFinite)
    }

    @Test("p-values down to 1e-300 stay positive through the tests")
    func tinyPValuesThroughTests() {
        // 5.00% vs 5.0114% on 1e10 units each: z ≈ 36.97, two-sided p ≈ 3.95e-299 (Python
        // erfc(z/√2) with the same pooled z) — representable, so it must not come out as 0.
        let test = TwoProportionZTest.compare(
            control: (10_000_000_000, 500_000_000), treatment: (10_000_000_000, 501_140_000))
        #expect(test.pValue > 0, "p underflowed to 0")
        #expect(isClose(test.pValue, 3.952e-299, relative: 1e-2), "p = \(test.pValue)")
        // SRM χ² with p ≈ 1e-300: 1 df, statistic ≈ 1375.
        let chi = ChiSquared(degreesOfFreedom: 1).survival(1_375)
        #expect(chi > 0 && chi < 1e-298, "χ² survival = \(chi)")
        let srm = try? SampleRatioMismatch.test(observed: [500_000 + 18_540, 500_000 - 18_540], weights: [1, 1])
        #expect((srm?.pValue ?? 0) > 0 && (srm?.pValue ?? 1) < 1e-290, "SRM p = \(srm?.pValue ?? .nan)")
    }

    /// GSL's Q(x) flushes to 0 once the result drops below the smallest normal double (x ≈ 37.52);
    /// a 10-million-unit comparison reached z ≈ 37.5 in the raw-log benchmark, where scipy still
    /// gives p ≈ 4e-308. Reference values: mpmath (50 digits), erfc(x/√2)/2.
    @Test("the normal tail continues below the smallest normal double")
    func normalTailIntoSubnormals() {
        #expect(isClose(Normal.survival(37.5), 4.605353009581954e-308, relative: 1e-12))
        #expect(isClose(Normal.survival(37.55), 7.0443357786527837398e-309, relative: 1e-9))
        #expect(isClose(Normal.survival(37.6), 1.0748112495871028701e-309, relative: 1e-9))
        // Deep in the subnormals only a few bits are left: 2.885e-316 is 58,400 × 2⁻¹⁰⁷⁴.
        #expect(isClose(Normal.survival(38), 2.8854283600687843084e-316, relative: 1e-4))
        #expect(Normal.survival(40) == 0)
        #expect(Normal.survival(.infinity) == 0)
        #expect(Normal.survival(-.infinity) == 1)
        #expect(Normal.survival(.nan).isNaN)
    }

    @Test("all-zero and all-one mean metrics are flagged, not trapped")
    func constantMeanMetrics() {
        let zeros = SufficientStatistics(Array(repeating: 0.0, count: 1_000))
        let ones = SufficientStatistics(Array(repeating: 1.0, count: 1_000))
        #expect(zeros.variance == 0 && ones.variance == 0)
        let both = WelchTTest.compare(control: zeros, treatment: zeros)
        #expect(both.pValue.isNaN && !both.diagnostics.isEmpty)
        let split = WelchTTest.compare(control: zeros, treatment: ones)
        #expect(split.pValue.isNaN || split.pValue == 0)
        #expect(!split.diagnostics.isEmpty)
    }
}

/// Designs whose sizes overflow Int used to trap in `Int(_:)` (found probing the CLI).
@Suite("Design size limits")
struct DesignLimitTests {
    @Test func absurdDailyUnitsAndArmCountsThrow() throws {
        let analysis = try PowerAnalysis(metric: .proportion(baseline: 0.05), relative: false)
        #expect(throws: StatsError.self) { try ExperimentDesign.forEffect(analysis, mde: 0.01, dailyUnits: 1e-300) }
        let many = try PowerAnalysis(metric: .proportion(baseline: 0.05), relative: false, arms: 100_000_000_000)
        #expect(throws: StatsError.self) { try ExperimentDesign.forEffect(many, mde: 0.01) }
    }
}
