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
