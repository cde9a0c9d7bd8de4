/// Sample size of a 2^k factorial channel experiment sized for its main effects: the output of
/// `touchstone design --factorial email,push,in_app`.
///
/// Every unit is in one of the 2^k cells (each combination of channels, equal shares). The
/// classical main effect of a channel (``FactorialEffects``) compares the half of the sample
/// that receives it with the half that does not, so it is a two-sample comparison of two
/// groups of N/2 units: with n the per-arm sample of a two-arm test of the mde (``PowerAnalysis``,
/// two-sided at α, no Bonferroni split: each channel's question is its own test),
/// ```
/// per cell = ⌈n / 2^{k−1}⌉      total N = 2^k · per cell  (≥ 2n)
/// ```
/// and the same N serves all k main effects at once; k separate two-arm tests would need 2n
/// units each, k · 2n in all, so the factorial is about k times as efficient (if the channels
/// do not interact; when they do, each main effect is an average over the other channels).
///
/// A two-way interaction of i and j compares the halves with s_i s_j = +1 and −1 too, but when
/// i's effect differs by δ between the cells with and without j, the classical interaction is
/// δ / 2; detecting that difference δ needs n(δ/2) per half, about four times the main effects'.
public struct FactorialDesign: Sendable, Hashable, Codable {
    /// The sample one question needs: per cell, in total and in days.
    public struct Requirement: Sendable, Hashable, Codable {
        public var perCell: Int
        public var totalSample: Int
        public var days: Int?
        /// Units per half of the sample (with / without the channel) from the sample-size
        /// equation, before rounding up to whole cells.
        public var halfSampleExact: Double
        /// The power this design reaches for the question (≥ the requested power after rounding).
        public var achievedPower: Double
    }

    /// `--interactions`: the two-way interactions and what they need.
    public struct Interactions: Sendable, Hashable, Codable {
        /// `email:push`, … every pair of factors.
        public var terms: [String]
        /// The detectable difference in one channel's effect between the cells with and without
        /// the other (= the mde); the classical interaction is half of it.
        public var effectDifference: Double
        public var requirement: Requirement
    }

    /// What running one two-arm test per channel instead would need.
    public struct SeparateTests: Sendable, Hashable, Codable {
        public var tests: Int
        /// k · 2n: k tests of n units per arm.
        public var totalSample: Int
        public var days: Int?
        /// Separate tests' total ÷ the factorial's total for the main effects.
        public var efficiency: Double
    }

    public var factors: [String]
    /// 2^k.
    public var cells: Int
    /// Units per cell for everything requested (main effects, and interactions when asked).
    public var perCell: Int
    public var totalSample: Int
    public var alpha: Double
    public var power: Double
    public var mde: Double
    public var relative: Bool
    public var days: Int?
    /// What the main effects alone need.
    public var mainEffects: Requirement
    public var interactions: Interactions?
    public var separateTests: SeparateTests

    /// Sizes a factorial over `factors` for main effects of `mde` (and two-way interactions).
    ///
    /// - Parameters:
    ///   - analysis: The metric, α, power and scale of the mde; must be two-sided with 2 arms.
    ///   - factors: The channels, 1 to ``FactorialEffects/maximumChannels`` distinct names.
    public static func make(
        _ analysis: PowerAnalysis, factors: [String], mde: Double, interactions: Bool = false, dailyUnits: Double? = nil
    ) throws -> FactorialDesign {
        guard !factors.isEmpty, factors.count <= FactorialEffects.maximumChannels else {
            throw StatsError("a factorial design needs 1 to \(FactorialEffects.maximumChannels) factors (got \(factors.count))")
        }
        guard Set(factors).count == factors.count else { throw StatsError("factor names must be distinct") }
        guard analysis.arms == 2, analysis.alternative == .twoSided else {
            throw StatsError("each factorial effect is a two-sided comparison of two halves of the sample")
        }
        if let dailyUnits, !(dailyUnits > 0 && dailyUnits.isFinite) { throw StatsError("daily units must be positive") }
        let cells = 1 << factors.count
        let main = try requirement(analysis, effect: mde, cells: cells, dailyUnits: dailyUnits)
        var plan: Interactions?
        if interactions, factors.count >= 2 {
            var terms: [String] = []
            for i in factors.indices { for j in factors.indices where j > i { terms.append(factors[i] + ":" + factors[j]) } }
            plan = Interactions(
                terms: terms, effectDifference: mde,
                requirement: try requirement(analysis, effect: mde / 2, cells: cells, dailyUnits: dailyUnits))
        }
        let needed = plan.map { max($0.requirement.perCell, main.perCell) } ?? main.perCell
        let total = needed * cells
        let perArm = Int(main.halfSampleExact.rounded(.up))
        let separateTotal = Double(factors.count) * 2 * Double(perArm)
        guard separateTotal < 1e15 else { throw StatsError("the required sample is beyond any experiment") }
        return FactorialDesign(
            factors: factors, cells: cells, perCell: needed, totalSample: total, alpha: analysis.alpha,
            power: analysis.power, mde: mde, relative: analysis.relative,
            days: try days(Double(total), dailyUnits: dailyUnits), mainEffects: main, interactions: plan,
            separateTests: SeparateTests(
                tests: factors.count, totalSample: Int(separateTotal),
                days: try days(separateTotal, dailyUnits: dailyUnits),
                efficiency: separateTotal / Double(main.totalSample)))
    }

    private static func requirement(
        _ analysis: PowerAnalysis, effect: Double, cells: Int, dailyUnits: Double?
    ) throws -> Requirement {
        let half = try analysis.samplePerArm(effect: effect)
        let perCellExact = (half / Double(cells / 2)).rounded(.up)
        guard perCellExact * Double(cells) < 1e15 else {
            throw StatsError("the required sample (\(perCellExact) per cell × \(cells) cells) is beyond any experiment")
        }
        let perCell = Int(perCellExact)
        let total = perCell * cells
        return Requirement(
            perCell: perCell, totalSample: total, days: try days(Double(total), dailyUnits: dailyUnits), halfSampleExact: half,
            achievedPower: try analysis.achievedPower(effect: effect, samplePerArm: Double(total / 2)))
    }

    /// Days of traffic for `units`; checked before converting, as Int(_:) traps on overflow.
    private static func days(_ units: Double, dailyUnits: Double?) throws -> Int? {
        guard let dailyUnits else { return nil }
        let exactDays = (units / dailyUnits).rounded(.up)
        guard exactDays < 1e15 else { throw StatsError("at \(dailyUnits) units a day the experiment would take \(exactDays) days") }
        return Int(exactDays)
    }
}
