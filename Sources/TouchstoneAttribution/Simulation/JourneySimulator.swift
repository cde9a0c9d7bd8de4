import Foundation
import TouchstoneTime

/// Generates touchpoint logs with planted, known channel effects (for tests, demos, benchmarks).
///
/// Each unit receives `1 + Poisson(λ)` touches (λ = 2 by default, so about three touches per
/// unit) on channels drawn by popularity, spaced by exponential gaps (mean 1.5 days) from a
/// start uniform over 30 days. The unit then converts, one hour after its last touch, with
///
/// ```
/// P(convert) = 1 − exp(−(baseline + Σ_{c ∈ distinct channels touched} effect_c))
/// ```
///
/// so `effect_c` is channel c's planted contribution to the conversion hazard. Converters may
/// return (probability `repeatRate`) for a second, shorter journey that can convert again.
/// Conversion values are log-normal (median 40).
public struct JourneySimulator: Sendable {
    public struct Channel: Sendable, Codable, Equatable {
        public var name: String
        public var popularity: Double
        public var effect: Double
    }

    public var units: Int
    public var seed: UInt64
    public var channels: [Channel]
    public var baseline: Double = 0.02
    public var meanExtraTouches: Double = 2
    public var repeatRate: Double = 0.1
    /// 2026-03-01T00:00:00Z
    public var start: Double = 1_772_323_200

    public static let defaultChannels: [Channel] = [
        Channel(name: "email", popularity: 0.22, effect: 0.04),
        Channel(name: "push", popularity: 0.18, effect: 0.02),
        Channel(name: "sms", popularity: 0.06, effect: 0.01),
        Channel(name: "in_app", popularity: 0.14, effect: 0.05),
        Channel(name: "web", popularity: 0.16, effect: 0.03),
        Channel(name: "paid_search", popularity: 0.10, effect: 0.06),
        Channel(name: "social", popularity: 0.09, effect: 0.015),
        Channel(name: "display", popularity: 0.05, effect: 0.005),
    ]

    public init(units: Int, seed: UInt64, channels: [Channel] = JourneySimulator.defaultChannels) {
        self.units = units
        self.seed = seed
        self.channels = channels
    }

    /// The planted truth, for `truth.json`.
    public struct Truth: Sendable, Codable, Equatable {
        public var units: Int
        public var seed: UInt64
        public var baseline: Double
        public var channels: [Channel]
        public var touchpoints: Int
        public var conversions: Int
        public var model: String
    }

    /// The CSV bytes (`unit_id,timestamp,channel,conversion,value`) and the truth.
    public func generate() throws -> (csv: [UInt8], truth: Truth) {
        guard units > 0 else { throw AttributionError.invalidOption("--units must be positive") }
        guard !channels.isEmpty else { throw AttributionError.invalidOption("at least one channel is needed") }
        var generator = SeededGenerator(seed: seed)
        var cumulative: [Double] = []
        var sum = 0.0
        for c in channels {
            sum += c.popularity
            cumulative.append(sum)
        }
        var out: [UInt8] = []
        out.reserveCapacity(units * 120)
        out.append(contentsOf: Array("unit_id,timestamp,channel,conversion,value\n".utf8))
        let names = channels.map { Array($0.name.utf8) }
        var touchedFlags = [Bool](repeating: false, count: channels.count)
        var touchpoints = 0, conversions = 0

        func poisson(_ lambda: Double) -> Int {
            // Knuth's multiplication method: fine for the small means used here.
            let limit = exp(-lambda)
            var k = 0
            var p = generator.nextUniform()
            while p > limit {
                k += 1
                p *= generator.nextUniform()
            }
            return k
        }

        for unit in 0..<units {
            var time = start + generator.nextUniform() * 30 * 86_400
            var journeyCount = 0
            var converted = true
            while converted, journeyCount < 2 {
                if journeyCount > 0, generator.nextUniform() >= repeatRate { break }
                journeyCount += 1
                let touches = 1 + poisson(journeyCount == 1 ? meanExtraTouches : meanExtraTouches / 2)
                for k in touchedFlags.indices { touchedFlags[k] = false }
                var hazard = baseline
                for _ in 0..<touches {
                    time += -log(1 - generator.nextUniform()) * 1.5 * 86_400
                    let u = generator.nextUniform() * sum
                    var c = 0
                    while c < cumulative.count - 1, cumulative[c] <= u { c += 1 }
                    if !touchedFlags[c] {
                        touchedFlags[c] = true
                        hazard += channels[c].effect
                    }
                    Self.row(&out, unit: unit, time: time, channel: names[c], conversion: false, value: 0)
                    touchpoints += 1
                }
                converted = generator.nextUniform() < 1 - exp(-hazard)
                if converted {
                    time += 3600
                    let normal = (-2 * log(1 - generator.nextUniform())).squareRoot() * cos(2 * .pi * generator.nextUniform())
                    let value = (40 * exp(0.5 * normal) * 100).rounded() / 100
                    Self.row(&out, unit: unit, time: time, channel: [], conversion: true, value: value)
                    conversions += 1
                }
            }
        }
        let truth = Truth(
            units: units, seed: seed, baseline: baseline, channels: channels, touchpoints: touchpoints,
            conversions: conversions,
            model: "P(convert) = 1 - exp(-(baseline + sum of effect over distinct channels touched))")
        return (out, truth)
    }

    private static func row(_ out: inout [UInt8], unit: Int, time: Double, channel: [UInt8], conversion: Bool, value: Double) {
        out.append(contentsOf: Array("u".utf8))
        appendInteger(&out, unit)
        out.append(UInt8(ascii: ","))
        appendISO(&out, Int(time))
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: channel)
        out.append(UInt8(ascii: ","))
        out.append(conversion ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        out.append(UInt8(ascii: ","))
        if conversion {
            let cents = Int((value * 100).rounded())
            appendInteger(&out, cents / 100)
            out.append(UInt8(ascii: "."))
            appendPadded(&out, cents % 100, width: 2)
        } else {
            out.append(UInt8(ascii: "0"))
        }
        out.append(UInt8(ascii: "\n"))
    }

    private static func appendInteger(_ out: inout [UInt8], _ value: Int) {
        if value >= 10 { appendInteger(&out, value / 10) }
        out.append(UInt8(48 + value % 10))
    }

    private static func appendPadded(_ out: inout [UInt8], _ value: Int, width: Int) {
        var digits = [UInt8](repeating: 48, count: width)
        var v = value
        for k in stride(from: width - 1, through: 0, by: -1) {
            digits[k] = UInt8(48 + v % 10)
            v /= 10
        }
        out.append(contentsOf: digits)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` from epoch seconds, through the one civil calendar.
    private static func appendISO(_ out: inout [UInt8], _ epoch: Int) {
        let days = Int(CivilCalendar.floorDivide(Int64(epoch), 86_400))
        let seconds = epoch - days * 86_400
        let civil = CivilCalendar.civilFromDays(Int64(days))
        let (year, month, day) = (Int(civil.year), Int(civil.month), Int(civil.day))
        appendPadded(&out, year, width: 4)
        out.append(UInt8(ascii: "-"))
        appendPadded(&out, month, width: 2)
        out.append(UInt8(ascii: "-"))
        appendPadded(&out, day, width: 2)
        out.append(UInt8(ascii: "T"))
        appendPadded(&out, seconds / 3600, width: 2)
        out.append(UInt8(ascii: ":"))
        appendPadded(&out, seconds / 60 % 60, width: 2)
        out.append(UInt8(ascii: ":"))
        appendPadded(&out, seconds % 60, width: 2)
        out.append(UInt8(ascii: "Z"))
    }
}
