import TouchstoneStats
import Foundation

/// Number formats for human-readable output (tables, Markdown, CSV).
enum NumberFormatting {
    /// Up to `digits` significant digits, `—` for undefined, `∞` for infinite.
    static func significant(_ value: Double, digits: Int = 4) -> String {
        if value.isNaN { return "—" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if value == 0 { return "0" }
        return String(format: "%.\(digits)g", value)
    }

    /// A share as a percentage with two decimals (`12.34%`).
    static func percent(_ value: Double, digits: Int = 2) -> String {
        if value.isNaN { return "—" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        return String(format: "%+.\(digits)f%%", value * 100)
    }

    /// A p-value: fixed for ordinary values, scientific below 1e-4.
    static func pValue(_ value: Double) -> String {
        if value.isNaN { return "—" }
        if value < 1e-4 { return value == 0 ? "<1e-300" : String(format: "%.2e", value) }
        return String(format: "%.4f", value)
    }

    /// Full precision for machine-readable CSV; empty for undefined.
    static func exact(_ value: Double) -> String {
        if value.isNaN { return "" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return "\(value)"
    }

    /// A whole number (a tuning, degrees of freedom) from a `Double`: its integer part when it
    /// fits an `Int` exactly, else significant digits. `Int(_:)` on a value from a saved result
    /// (1e300, NaN) would trap.
    static func wholeNumber(_ value: Double) -> String {
        guard value.isFinite, value.magnitude < 1e15 else { return significant(value) }
        return String(Int(value))
    }

    /// An expected count: rounded, with thousands separators, when it fits an `Int` exactly.
    static func roundedCount(_ value: Double) -> String {
        guard value.isFinite, value.magnitude < 1e15 else { return significant(value) }
        return count(Int(value.rounded()))
    }

    /// The confidence level in percent of a test at `alpha` (95 for 0.05), clamped to 0…100 so
    /// that an out-of-range α from a hand-edited file cannot trap.
    static func confidence(alpha: Double) -> Int {
        let level = (1 - alpha) * 100
        guard level.isFinite else { return level > 0 ? 100 : 0 }
        return Int(min(100, max(0, level)).rounded())
    }

    /// Thousands separators for counts.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return value < 0 ? "-" + grouped : grouped
    }
}

// MARK: - Read-out formats (one convention for terminal, Markdown and HTML)

extension NumberFormatting {
    /// A rate as a percentage with four significant digits and no sign: `10.62%`, `0.5726%`.
    static func rate(_ value: Double) -> String {
        guard value.isFinite else { return significant(value) }
        let percent = value * 100
        let digits = percent == 0 ? 2 : max(0, min(8, 3 - Int((log10(abs(percent))).rounded(.down))))
        return String(format: "%.\(digits)f%%", percent)
    }

    /// Decimal places that show the largest magnitude in `values` to `significant` digits
    /// (0 to 8), so an estimate and its interval share one precision.
    static func decimals(for values: [Double], significant: Int = 3) -> Int {
        let largest = values.filter(\.isFinite).map(abs).max() ?? 0
        guard largest > 0 else { return 2 }
        return max(0, min(8, significant - 1 - Int(log10(largest).rounded(.down))))
    }

    /// `value` with `decimals` places, thousands separators and (optionally) an explicit sign;
    /// never in exponent form below 1e15. `—` for undefined.
    static func fixed(_ value: Double, decimals: Int, signed: Bool = false) -> String {
        if value.isNaN { return "—" }
        if value.isInfinite { return value > 0 ? (signed ? "+∞" : "∞") : "−∞" }
        guard abs(value) < 1e15 else { return significant(value) }
        var text = String(format: "%.\(decimals)f", abs(value))
        // A value that rounds to zero prints without a sign of its own.
        let isZero = text.allSatisfy { $0 == "0" || $0 == "." }
        let integerEnd = text.firstIndex(of: ".") ?? text.endIndex
        let integer = String(text[..<integerEnd])
        if integer.count > 3 {
            var grouped = ""
            for (index, character) in integer.enumerated() {
                if index > 0, (integer.count - index) % 3 == 0 { grouped.append(",") }
                grouped.append(character)
            }
            text = grouped + text[integerEnd...]
        }
        if value < 0, !isZero { return "-" + text }
        return signed && !isZero ? "+" + text : text
    }

    /// An estimate and its interval at one precision: `+7.66`, `[+7.00, +8.32]`, in `scale`
    /// units (100 for percentage points).
    static func estimate(_ value: Double, _ interval: Interval, scale: Double = 1, suffix: String = "") -> (value: String, interval: String) {
        let scaled = [value, interval.lower, interval.upper].map { $0 * scale }
        let places = decimals(for: scaled)
        let text = { (x: Double) in fixed(x, decimals: places, signed: true) }
        return (text(scaled[0]) + suffix, "[\(text(scaled[1])), \(text(scaled[2]))]" + suffix)
    }

    /// A lift and its interval as percentages at one precision (at least one decimal).
    static func lift(_ value: Double, _ interval: Interval) -> (value: String, interval: String) {
        let scaled = [value, interval.lower, interval.upper].map { $0 * 100 }
        let places = max(1, min(3, decimals(for: scaled)))
        let text = { (x: Double) in x.isFinite ? fixed(x, decimals: places, signed: true) + "%" : fixed(x, decimals: places, signed: true) }
        return (text(scaled[0]), "[\(text(scaled[1])), \(text(scaled[2]))]")
    }

    /// A probability as a percentage (P(better)): two decimals, `>99.99%` / `<0.01%` near the
    /// ends rather than a rounded 100% or 0% the posterior never reaches.
    static func probability(_ value: Double) -> String {
        guard value.isFinite else { return significant(value) }
        if value > 0.9999 { return ">99.99%" }
        if value < 0.0001 { return "<0.01%" }
        return String(format: "%.2f%%", value * 100)
    }

    /// A p-value for people: `<0.001`, else three decimals (four below 0.01).
    static func pValueShort(_ value: Double) -> String {
        if value.isNaN { return "—" }
        if value < 0.001 { return "<0.001" }
        return String(format: value < 0.01 ? "%.4f" : "%.3f", value)
    }

    /// A p-value inside a sentence: `p < 0.001` or `p = 0.0432` (three significant digits).
    static func pValueClause(_ value: Double) -> String {
        if value.isNaN { return "p undefined" }
        if value < 0.001 { return "p < 0.001" }
        return "p = " + String(format: "%.3g", value)
    }

    /// A Bayesian expected loss in the metric's units (pp for rates), two significant digits;
    /// below 0.0001 of a unit it reads `<0.0001` rather than in exponent form.
    static func expectedLoss(_ value: Double, proportion: Bool) -> String {
        guard value.isFinite else { return significant(value) }
        let scaled = proportion ? value * 100 : value
        let unit = proportion ? "pp" : ""
        if abs(scaled) < 0.0001 { return scaled == 0 ? "0" + unit : "<0.0001" + unit }
        return fixed(scaled, decimals: decimals(for: [scaled], significant: 2)) + unit
    }
}
