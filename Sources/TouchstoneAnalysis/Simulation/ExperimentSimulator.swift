import Foundation
import TouchstoneData
import TouchstoneStats

/// Generates a channel-combination experiment with planted, known effects: exposure and event
/// logs as a real pipeline would see them, and the truth to check an analysis against.
///
/// Design: the 2³ arms of `email`, `push`, `in_app` (`control`, `email`, …, `email+push+in_app`),
/// assigned uniformly. Each unit has a latent activity a = 6.5·Beta(0.215, 1.185) (mean 1,
/// variance 2.3, a long right tail: most units are light, a few are heavy) that drives both the
/// pre-period and the experiment period, so heavy users stay heavy and pre-period metrics
/// predict outcomes as in real products: pre- and post-period sessions correlate at about 0.9,
/// conversions at about 0.25, and a conversion with the pre-period sessions at about 0.45, so
/// CUPED has something to remove (``activityScale``). In the 14-day window after its first exposure a unit
/// converts with probability p_arm · a, making 1 + Poisson(0.5) purchases of log-normal value
/// (mean 20), and has Poisson(3 · a · (1 + s_arm)) sessions. Hence, exactly:
/// ```
/// E[purchase]     = p_arm
/// E[purchase:sum] = 30 · p_arm
/// E[session:count] = 3 · (1 + s_arm)
/// ```
/// with p_arm = 0.10 + 0.02·email + 0.015·push + 0.01·in_app − 0.01·email·push (a planted
/// negative interaction: two out-of-product channels saturate) and s_arm = 0.10·in_app + 0.05·push.
///
/// Segments: each exposure row carries the unit's `country` — US, DE or BR with shares 0.5,
/// 0.3, 0.2, a pure function of (seed, unit) — and the e-mail effect on conversion differs by
/// country (planted heterogeneity): +0.028 in US, +0.02 in DE and none in BR, which averages
/// to the +0.02 above, so the per-arm expectations hold over all units.
/// Noise the pipeline must handle: repeat exposures (10% of units), units exposed in two
/// variants (0.2%), purchases after the window, events of never-exposed units, and optionally a
/// sample ratio mismatch (exposures of a share of one arm's units never logged).
public struct ExperimentSimulator: Sendable {
    public static let channels = ["email", "push", "in_app"]
    public static let experimentKey = "onboarding_channels"
    public static let windowDays: Int64 = 14
    public static let start: Int64 = 1_772_323_200  // 2026-03-01T00:00:00Z

    /// The latent activity a = c·Beta(α, β) with mean 1: c = 6.5 keeps p_arm·a ≤ 0.93 < 1 for
    /// every arm and country (so E[conversion] = p_arm exactly), α + β = 1.4 gives
    /// Var(a) = c²·(1/c)(1 − 1/c)/(α + β + 1) ≈ 2.29.
    public static let activityScale = 6.5
    public static let activityShape = (a: 1.4 / 6.5, b: 1.4 * 5.5 / 6.5)

    public var units: Int
    public var seed: UInt64
    /// Share of the last arm's units whose exposures are lost (an SRM), 0 for none.
    public var lostExposureShare: Double

    public init(units: Int, seed: UInt64, lostExposureShare: Double = 0) {
        self.units = units
        self.seed = seed
        self.lostExposureShare = lostExposureShare
    }

    /// Arm names in factorial order: bit i of the index switches channel i on.
    public static var arms: [String] {
        (0..<(1 << channels.count)).map { mask in
            let on = channels.indices.filter { mask & (1 << $0) != 0 }.map { channels[$0] }
            return on.isEmpty ? "control" : on.joined(separator: "+")
        }
    }

    public static func conversionRate(mask: Int) -> Double {
        let email = mask & 1 != 0, push = mask & 2 != 0, inApp = mask & 4 != 0
        return 0.10 + (email ? 0.02 : 0) + (push ? 0.015 : 0) + (inApp ? 0.01 : 0) - (email && push ? 0.01 : 0)
    }

    /// Countries with their shares of units and the multiplier of the e-mail effect (the
    /// multipliers average to 1 over the shares).
    public static let countries: [(name: String, share: Double, emailMultiplier: Double)] = [
        ("US", 0.5, 1.4), ("DE", 0.3, 1.0), ("BR", 0.2, 0.0),
    ]

    /// The conversion rate of arm `mask` in country `country` (an index into ``countries``).
    public static func conversionRate(mask: Int, country: Int) -> Double {
        let email = mask & 1 != 0
        let multiplier = countries.indices.contains(country) ? countries[country].emailMultiplier : 1
        return conversionRate(mask: mask) + (email ? 0.02 * (multiplier - 1) : 0)
    }

    /// The country of a unit: SplitMix64 of (seed, unit), so it takes nothing from the
    /// generator's stream and every other draw stays as it was without segments.
    static func country(seed: UInt64, unit: Int) -> Int {
        var z = seed &+ UInt64(truncatingIfNeeded: unit) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = Double(z >> 11) / 9_007_199_254_740_992.0
        var cumulative = 0.0
        for (index, country) in countries.enumerated() {
            cumulative += country.share
            if u < cumulative { return index }
        }
        return countries.count - 1
    }

    public static func sessionLift(mask: Int) -> Double {
        (mask & 4 != 0 ? 0.10 : 0) + (mask & 2 != 0 ? 0.05 : 0)
    }

    /// The planted truth, as written to `truth.json`.
    public struct Truth: Sendable, Codable {
        public struct Arm: Sendable, Codable {
            public var conversionRate: Double
            public var revenuePerUnit: Double
            public var sessionsPerUnit: Double
        }

        public var experiment: String
        public var seed: UInt64
        public var units: Int
        public var windowDays: Int64
        public var control: String
        public var arms: [String: Arm]
        /// Planted effects on the conversion rate (absolute, treatment coding):
        /// main effects per channel and the `email:push` interaction.
        public var conversionEffects: [String: Double]
        /// The same truth as classical factorial effects (what `analyze` reports as
        /// `factorial.mainEffects`): average of the four arms with a channel minus the four without.
        public var conversionMainEffects: [String: Double]
        /// Classical interactions (`factorial.interactions`): `email:push` is half the difference
        /// between e-mail's effect with push and without.
        public var conversionInteractions: [String: Double]
        /// The exposure-log column holding each unit's segment (`country`).
        public var segmentColumn: String
        /// Share of units per country.
        public var countryShares: [String: Double]
        /// The planted e-mail effect on the conversion rate in each country.
        public var emailEffectByCountry: [String: Double]
        public var metrics: [String]
        public var repeatExposures: Int
        public var multiVariantUnits: Int
        public var strayEvents: Int
        public var lostExposureUnits: Int
    }

    /// Classical factorial effects of the planted conversion rates, by term (`email`, `email:push`).
    public static func classicalConversionEffects() -> [String: Double] {
        var effects: [String: Double] = [:]
        let cells = 1 << channels.count
        for term in 1..<cells {
            var total = 0.0
            for mask in 0..<cells {
                total += ((term & ~mask).nonzeroBitCount % 2 == 0 ? 1 : -1) * conversionRate(mask: mask)
            }
            let name = channels.indices.filter { term & (1 << $0) != 0 }.map { channels[$0] }.joined(separator: ":")
            effects[name] = total / Double(cells / 2)
        }
        return effects
    }

    public static func truthArms() -> [String: Truth.Arm] {
        var result: [String: Truth.Arm] = [:]
        for (mask, name) in arms.enumerated() {
            let p = conversionRate(mask: mask)
            result[name] = Truth.Arm(conversionRate: p, revenuePerUnit: 30 * p, sessionsPerUnit: 3 * (1 + sessionLift(mask: mask)))
        }
        return result
    }

    /// Writes `exposures.csv`, `events.csv` and `truth.json` into `directory`. Each file appears
    /// only once complete.
    public func write(to directory: URL) throws -> Truth {
        guard units > 0 else { throw AnalysisError("--units must be positive") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let exposures = try ByteWriter(path: directory.appendingPathComponent("exposures.csv"))
        let events = try ByteWriter(path: directory.appendingPathComponent("events.csv"))
        do {
            let truth = try generate(exposures: exposures, events: events)
            try exposures.finish()
            try events.finish()
            let data = try JSONEncoder.sorted.encode(truth)
            try exposures.commit()
            try events.commit()
            try AtomicFile.write(data, to: directory.appendingPathComponent("truth.json").path)
            return truth
        } catch {
            exposures.discard()
            events.discard()
            throw error
        }
    }

    private func generate(exposures: ByteWriter, events: ByteWriter) throws -> Truth {
        let random = RandomSource(seed: seed)
        let armNames = Self.arms.map { Array($0.utf8) }
        let window = Self.windowDays * 86_400
        let valueSigma = 0.8, valueMu = log(20.0) - valueSigma * valueSigma / 2
        var repeats = 0, multi = 0, stray = 0, lost = 0

        exposures.text("unit_id,experiment,variant,timestamp,country\n")
        let countryNames = Self.countries.map(\.name)
        events.text("unit_id,timestamp,event,value\n")

        func exposure(_ unit: Int, arm: Int, time: Int64, country: Int) {
            exposures.byte(UInt8(ascii: "u"))
            exposures.integer(Int64(unit))
            exposures.byte(UInt8(ascii: ","))
            exposures.text(Self.experimentKey)
            exposures.byte(UInt8(ascii: ","))
            exposures.text(String(decoding: armNames[arm], as: UTF8.self))
            exposures.byte(UInt8(ascii: ","))
            exposures.integer(time)
            exposures.byte(UInt8(ascii: ","))
            exposures.text(countryNames[country])
            exposures.endLine()
        }
        func event(prefix: UInt8, _ unit: Int, time: Int64, name: String, value: Double?) {
            events.byte(prefix)
            events.integer(Int64(unit))
            events.byte(UInt8(ascii: ","))
            events.integer(time)
            events.byte(UInt8(ascii: ","))
            events.text(name)
            events.byte(UInt8(ascii: ","))
            if let value { events.amount(value) } else { events.byte(UInt8(ascii: "0")) }
            events.endLine()
        }

        let armCount = armNames.count
        for unit in 0..<units {
            let arm = random.integer(below: armCount)
            let country = Self.country(seed: seed, unit: unit)
            let firstTime = Self.start + Int64(random.integer(below: Int(window)))
            let activity = Self.activityScale * random.beta(Self.activityShape.a, Self.activityShape.b)
            let exposuresLost = arm == armCount - 1 && lostExposureShare > 0 && random.bernoulli(lostExposureShare)
            if exposuresLost {
                lost += 1
            } else {
                exposure(unit, arm: arm, time: firstTime, country: country)
                if random.bernoulli(0.10) {
                    for _ in 0..<(1 + random.integer(below: 2)) {
                        repeats += 1
                        exposure(unit, arm: arm, time: firstTime + Int64(1 + random.integer(below: Int(window))), country: country)
                    }
                }
                if random.bernoulli(0.002) {
                    multi += 1
                    repeats += 1
                    let other = (arm + 1 + random.integer(below: armCount - 1)) % armCount
                    exposure(unit, arm: other, time: firstTime + Int64(1 + random.integer(below: 86_400)), country: country)
                }
            }
            // Pre-period: same behaviour, no treatment.
            if random.bernoulli(min(1, Self.conversionRate(mask: 0) * activity)) {
                for _ in 0..<(1 + random.poisson(mean: 0.5)) {
                    event(prefix: UInt8(ascii: "u"), unit, time: firstTime - 1 - Int64(random.integer(below: Int(window))),
                          name: "purchase", value: random.logNormal(mu: valueMu, sigma: valueSigma))
                }
            }
            for _ in 0..<random.poisson(mean: 3 * activity) {
                event(prefix: UInt8(ascii: "u"), unit, time: firstTime - 1 - Int64(random.integer(below: Int(window))),
                      name: "session", value: nil)
            }
            // Experiment period.
            if random.bernoulli(Self.conversionRate(mask: arm, country: country) * activity) {
                for _ in 0..<(1 + random.poisson(mean: 0.5)) {
                    event(prefix: UInt8(ascii: "u"), unit, time: firstTime + Int64(random.integer(below: Int(window))),
                          name: "purchase", value: random.logNormal(mu: valueMu, sigma: valueSigma))
                }
            }
            for _ in 0..<random.poisson(mean: 3 * activity * (1 + Self.sessionLift(mask: arm))) {
                event(prefix: UInt8(ascii: "u"), unit, time: firstTime + Int64(random.integer(below: Int(window))),
                      name: "session", value: nil)
            }
            // After the window: must not count.
            if random.bernoulli(0.02 * activity) {
                event(prefix: UInt8(ascii: "u"), unit, time: firstTime + window + 1 + Int64(random.integer(below: 7 * 86_400)),
                      name: "purchase", value: random.logNormal(mu: valueMu, sigma: valueSigma))
            }
            // Events of someone never exposed.
            if random.bernoulli(0.05) {
                stray += 1
                event(prefix: UInt8(ascii: "x"), unit, time: firstTime, name: "purchase",
                      value: random.logNormal(mu: valueMu, sigma: valueSigma))
            }
        }
        return Truth(
            experiment: Self.experimentKey, seed: seed, units: units, windowDays: Self.windowDays, control: "control",
            arms: Self.truthArms(),
            conversionEffects: ["email": 0.02, "push": 0.015, "in_app": 0.01, "email:push": -0.01, "email:in_app": 0,
                                "push:in_app": 0, "email:push:in_app": 0],
            conversionMainEffects: Self.classicalConversionEffects().filter { !$0.key.contains(":") },
            conversionInteractions: Self.classicalConversionEffects().filter { $0.key.contains(":") },
            segmentColumn: "country",
            countryShares: Dictionary(uniqueKeysWithValues: Self.countries.map { ($0.name, $0.share) }),
            emailEffectByCountry: Dictionary(uniqueKeysWithValues: Self.countries.map { ($0.name, 0.02 * $0.emailMultiplier) }),
            metrics: ["purchase", "purchase:sum", "session:count"],
            repeatExposures: repeats, multiVariantUnits: multi, strayEvents: stray, lostExposureUnits: lost)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }
}
