/// The sample a sequential analysis needs compared with the fixed-horizon design of the same
/// α, power and minimum detectable effect (what `touchstone design --sequential` reports).
///
/// - Mixture SPRT: the units per arm at which the always-valid test reaches the power at the
///   MDE (``MixtureSPRT/samplePerArm(effect:varianceSum:alpha:power:tuning:)``, a conservative
///   bound), with the tuning parameter set to the total it solves for (a fixed point, so the
///   mixture is tightest where the experiment is planned to end).
/// - Group-sequential: maximum sample = fixed sample × the Lan–DeMets O'Brien–Fleming design's
///   inflation factor (``GroupSequentialDesign/inflationFactor(power:)``); looks equally spaced.
///
/// Both are two-sided at the per-comparison α.
public struct SequentialPlan: Sendable, Hashable, Codable {
    public struct MixtureSPRTPlan: Sendable, Hashable, Codable {
        public var samplePerArm: Int
        public var totalSample: Int
        /// samplePerArm / fixed-horizon samplePerArm.
        public var inflation: Double
        /// The `--tuning` value to analyse with (planned total units of one comparison).
        public var tuning: Double
    }

    public struct GroupSequentialPlan: Sendable, Hashable, Codable {
        public var looks: Int
        public var samplePerArm: Int
        public var totalSample: Int
        public var inflation: Double
        /// |z| critical values per look.
        public var boundaries: [Double]
        /// Two-sided nominal p-value thresholds per look.
        public var nominalAlpha: [Double]
    }

    public var mixtureSPRT: MixtureSPRTPlan
    public var groupSequential: GroupSequentialPlan

    public static func make(_ analysis: PowerAnalysis, mde: Double, fixedSamplePerArm: Double, looks: Int) throws -> SequentialPlan {
        guard analysis.alternative == .twoSided else {
            throw StatsError("sequential designs are two-sided: drop --alternative")
        }
        let alpha = analysis.comparisonAlpha
        let delta = analysis.absoluteEffect(mde)
        let variance = analysis.unitVarianceSum(absoluteEffect: delta)
        guard variance.isFinite, variance > 0 else { throw StatsError("the treated rate p + δ must stay inside (0, 1)") }
        var tuning = 2 * fixedSamplePerArm
        var n = fixedSamplePerArm
        for _ in 0..<20 {
            guard let next = MixtureSPRT.samplePerArm(
                effect: delta, varianceSum: variance, alpha: alpha, power: analysis.power, tuning: tuning)
            else { throw StatsError("no sequential sample size reaches the requested power") }
            let converged = abs(next - n) < 0.5
            n = next
            tuning = 2 * n
            if converged { break }
        }
        guard n.isFinite, n * Double(analysis.arms) < 1e15 else {
            throw StatsError("the sequential sample (\(n) per arm) is beyond any experiment")
        }
        let perArm = Int(n.rounded(.up))
        let design = try GroupSequentialDesign.obrienFleming(looks: looks, alpha: alpha)
        guard let inflation = design.inflationFactor(power: analysis.power) else {
            throw StatsError("the group-sequential inflation factor could not be solved")
        }
        guard (fixedSamplePerArm * inflation * Double(analysis.arms)).isFinite,
            fixedSamplePerArm * inflation * Double(analysis.arms) < 1e15
        else { throw StatsError("the group-sequential sample is beyond any experiment") }
        let groupPerArm = Int((fixedSamplePerArm * inflation).rounded(.up))
        return SequentialPlan(
            mixtureSPRT: .init(
                samplePerArm: perArm, totalSample: perArm * analysis.arms, inflation: n / fixedSamplePerArm,
                tuning: (2 * n).rounded(.up)),
            groupSequential: .init(
                looks: looks, samplePerArm: groupPerArm, totalSample: groupPerArm * analysis.arms, inflation: inflation,
                boundaries: design.boundaries, nominalAlpha: design.nominalAlpha))
    }
}
