import Testing
@testable import TouchstoneStats
import TouchstoneTestSupport

@Suite("Sequential testing: mixture SPRT and group-sequential boundaries against gbstats and scipy; peeking by simulation; sample cost")
struct SequentialTests {
    static let closedForm = 1e-9
    static let iterative = 1e-6

    static let replicates = 2_000

    @Test func mixtureSPRTMatchesGbstats() throws {
        for c in try MethodReference.load().sequential {
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

    @Test func groupSequentialBoundariesMatchScipyAndPublishedTables() throws {
        for c in try MethodReference.load().groupSequential {
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

    /// A/A experiments peeked after each of 20 batches. The fixed-horizon z test is exact at
    /// its single planned look, badly inflated when peeked; the mixture SPRT and the
    /// O'Brien–Fleming group-sequential design (5 looks) hold α.
    @Test func peekingInflatesTheNaiveTestButNotTheSequentialOnes() throws {
        let random = RandomSource(seed: 20260401)
        let batches = 20, batch = 500, p = 0.1
        let design = try GroupSequentialDesign.obrienFleming(looks: 5)
        var naiveFinal = 0, naivePeeking = 0, msprt = 0, groupSequential = 0
        for _ in 0..<Self.replicates {
            var c = (units: 0, conversions: 0), t = (units: 0, conversions: 0)
            var rejectedNaive = false, rejectedSequential = false, rejectedGroup = false
            for look in 1...batches {
                c.units += batch
                c.conversions += random.binomial(trials: batch, probability: p)
                t.units += batch
                t.conversions += random.binomial(trials: batch, probability: p)
                let z = TwoProportionZTest.compare(control: c, treatment: t)
                if z.pValue < 0.05 { rejectedNaive = true }
                if look == batches, z.pValue < 0.05 { naiveFinal += 1 }
                let moments = EffectMoments(
                    control: .proportion(units: c.units, conversions: c.conversions),
                    treatment: .proportion(units: t.units, conversions: t.conversions), kind: .proportion)
                if MixtureSPRT.compare(moments, alpha: 0.05, tuning: Double(2 * batches * batch)).pValue < 0.05 {
                    rejectedSequential = true
                }
                // Group-sequential looks after batches 4, 8, …, 20 (information fractions 0.2 … 1).
                if look % 4 == 0, abs(z.statistic) >= design.boundaries[look / 4 - 1] { rejectedGroup = true }
            }
            if rejectedNaive { naivePeeking += 1 }
            if rejectedSequential { msprt += 1 }
            if rejectedGroup { groupSequential += 1 }
        }
        let n = Double(Self.replicates)
        let rates = (final: Double(naiveFinal) / n, peeking: Double(naivePeeking) / n,
                     msprt: Double(msprt) / n, group: Double(groupSequential) / n)
        #expect(rates.final >= 0.04 && rates.final <= 0.06, "fixed-horizon z test at its one look: \(rates.final)")
        #expect(rates.peeking > 0.15, "z test peeked 20 times: \(rates.peeking)")
        #expect(rates.msprt <= 0.05, "mixture SPRT peeked 20 times: \(rates.msprt)")
        #expect(rates.group >= 0.035 && rates.group <= 0.06, "O'Brien–Fleming, 5 looks: \(rates.group)")
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
