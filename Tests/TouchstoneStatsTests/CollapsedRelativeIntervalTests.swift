import Testing
import TouchstoneStats

/// A treatment arm with no conversions (or no revenue at all) against a control that varies:
/// the delta method's variance of the relative lift is Var(ȳ_t)/μ_c² + μ_t²·Var(ȳ_c)/μ_c⁴ = 0,
/// so a z interval would be the single point −100%. Every method must withhold it the same way
/// (undefined, with a ZERO_VARIANCE diagnostic) while the absolute interval still stands; the
/// sequential method used to print "−100.0% [−100.0%, −100.0%]" on the first days of a timeline.
@Suite("Relative interval of a treatment constant at 0: withheld by every method")
struct CollapsedRelativeIntervalTests {
    let control = SufficientStatistics.proportion(units: 400, conversions: 40)
    let treatment = SufficientStatistics.proportion(units: 380, conversions: 0)

    func expectWithheld(_ comparison: Comparison, _ method: String) {
        #expect(!comparison.relativeCI.isDefined, "\(method): \(comparison.relativeCI)")
        #expect(comparison.relativeEffect == -1, "\(method)")
        #expect(comparison.absoluteCI.isDefined, "\(method)")
        #expect(comparison.absoluteCI.upper < 0, "\(method)")
        #expect(comparison.diagnostics.contains { $0.code == .zeroVariance }, "\(method): \(comparison.diagnostics)")
    }

    @Test("two-proportion z test, Welch, mixture SPRT and cluster-robust")
    func frequentistAndSequential() {
        expectWithheld(TwoProportionZTest.compare(control: control, treatment: treatment), "z test")
        expectWithheld(WelchTTest.compare(control: control, treatment: treatment), "Welch")
        let moments = EffectMoments(control: control, treatment: treatment, kind: .proportion)
        expectWithheld(WelchTTest.compare(moments), "Welch (moments)")
        expectWithheld(MixtureSPRT.compare(moments), "mixture SPRT")
    }

    @Test("Gaussian Bayesian: no point-mass credible interval; chance to beat control from the absolute posterior")
    func bayesian() {
        let moments = EffectMoments(control: control, treatment: treatment, kind: .proportion)
        let result = GaussianEffectTest.compare(moments)
        #expect(!result.relativeCI.isDefined)
        #expect(result.relativeEffect == -1)
        #expect(result.diagnostics.contains { $0.code == .zeroVariance })
        // Flat prior: P(Δ > 0) = Φ(Δ̂ / se(Δ̂)), Δ̂ = −0.1, se² = 0.1·0.9/400 (the treatment adds 0).
        let expected = Normal.cdf(-0.1 / (0.1 * 0.9 / 400).squareRoot())
        #expect(abs(result.probabilityToBeatControl - expected) <= 1e-12 * max(expected, 1e-300))
    }

    @Test("a treatment that converts keeps its relative interval and no such diagnostic")
    func ordinaryCaseUnchanged() {
        let converting = SufficientStatistics.proportion(units: 380, conversions: 3)
        let comparison = MixtureSPRT.compare(EffectMoments(control: control, treatment: converting, kind: .proportion))
        #expect(comparison.relativeCI.isDefined)
        #expect(!comparison.diagnostics.contains { $0.code == .zeroVariance })
    }
}
