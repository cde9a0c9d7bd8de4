/// A planned experiment: the output of `touchstone design`.
///
/// Field names are the JSON contract: `samplePerArm`, `totalSample`, `arms`, `alpha`, `power`,
/// `mde`, `relative`, `days`.
public struct ExperimentDesign: Sendable, Hashable, Codable {
    /// Units per arm, rounded up.
    public var samplePerArm: Int
    public var totalSample: Int
    public var arms: Int
    public var alpha: Double
    public var power: Double
    /// The minimum detectable effect (relative when ``relative``).
    public var mde: Double
    public var relative: Bool
    /// Days of traffic needed at the given daily units, when known.
    public var days: Int?
    /// The unrounded solution of the sample-size equation.
    public var samplePerArmExact: Double
    /// The per-comparison α after the correction for k − 1 comparisons.
    public var comparisonAlpha: Double
    /// The extra sample sequential designs need (`design --sequential`).
    public var sequential: SequentialPlan?
    /// Cluster randomisation (`design --icc ρ --cluster-size m`): the design effect applied.
    public var cluster: ClusterDesign? = nil

    /// Solves for the sample size that detects `mde`.
    public static func forEffect(_ analysis: PowerAnalysis, mde: Double, dailyUnits: Double? = nil) throws -> ExperimentDesign {
        let exact = try analysis.samplePerArm(effect: mde)
        return try make(analysis, exact: exact, mde: mde, dailyUnits: dailyUnits)
    }

    /// Solves for the MDE that `samplePerArm` units per arm can detect.
    public static func forSample(_ analysis: PowerAnalysis, samplePerArm: Int, dailyUnits: Double? = nil) throws -> ExperimentDesign {
        guard samplePerArm > 0 else { throw StatsError("the sample per arm must be positive") }
        let mde = try analysis.minimumDetectableEffect(samplePerArm: Double(samplePerArm))
        return try make(analysis, exact: Double(samplePerArm), mde: mde, dailyUnits: dailyUnits)
    }

    static func make(_ analysis: PowerAnalysis, exact: Double, mde: Double, dailyUnits: Double?) throws -> ExperimentDesign {
        guard exact < 1e15 else { throw StatsError("the required sample (\(exact) per arm) is beyond any experiment") }
        let perArm = Int(exact.rounded(.up))
        // Checked before converting: Int(_:) and * trap on overflow (found with --daily-units 1e-300).
        guard Double(perArm) * Double(analysis.arms) < 1e15 else {
            throw StatsError("the required total sample (\(perArm) per arm × \(analysis.arms) arms) is beyond any experiment")
        }
        let total = perArm * analysis.arms
        var days: Int?
        if let dailyUnits {
            guard dailyUnits > 0, dailyUnits.isFinite else { throw StatsError("daily units must be positive") }
            let exactDays = (Double(total) / dailyUnits).rounded(.up)
            guard exactDays < 1e15 else {
                throw StatsError("at \(dailyUnits) units a day the experiment would take \(exactDays) days")
            }
            days = Int(exactDays)
        }
        return ExperimentDesign(
            samplePerArm: perArm, totalSample: total, arms: analysis.arms, alpha: analysis.alpha,
            power: analysis.power, mde: mde, relative: analysis.relative, days: days,
            samplePerArmExact: exact, comparisonAlpha: analysis.comparisonAlpha, sequential: nil)
    }
}
