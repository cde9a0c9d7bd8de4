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
