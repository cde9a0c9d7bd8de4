import Foundation

extension SQLDialect {
    /// A bound value as it is shown in the `-- $1 = …` comments of `touchstone sql`: an SQL
    /// expression of the dialect that evaluates to exactly the value, on one line, which no
    /// value can end early.
    ///
    /// A line comment ends at the first line break, so a value holding one would otherwise
    /// turn the rest of itself into statements of the printed script. Every character of
    /// ``DisplayUnsafeScalars`` (line breaks, other controls, bidi overrides) is therefore
    /// written as an escape, and `*/` is split so that the comment also survives being moved
    /// into a block comment:
    /// - PostgreSQL: an escape string constant `E'…'` (PostgreSQL manual §4.1.2.2) with `\\`,
    ///   `\'`, `\uXXXX` / `\UXXXXXXXX` and `*\/` (a backslash before `/` stands for `/`);
    /// - SQLite, which has no escapes in literals: `'…' || char(10) || '…'` (`char` returns the
    ///   string of the given code points; `'` doubled);
    /// - Spark: ``literal(_:)``, whose escapes already cover these characters.
    public func commentLiteral(_ value: SQLValue) -> String {
        guard case .text(let text) = value else { return literal(value) }
        switch self {
        case .spark:
            return literal(value)
        case .postgres:
            var escaped = ""
            var previous: Unicode.Scalar?
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": escaped += "\\\\"
                case "'": escaped += "\\'"
                case "/" where previous == "*": escaped += "\\/"
                default:
                    if DisplayUnsafeScalars.contains(scalar) {
                        escaped += scalar.value <= 0xFFFF
                            ? String(format: "\\u%04X", scalar.value) : String(format: "\\U%08X", scalar.value)
                    } else {
                        escaped.unicodeScalars.append(scalar)
                    }
                }
                previous = scalar
            }
            return "E'\(escaped)'"
        case .sqlite:
            var parts: [String] = []
            var current = ""
            var previous: Unicode.Scalar?
            func flush() {
                if !current.isEmpty { parts.append("'" + current.replacingOccurrences(of: "'", with: "''") + "'") }
                current = ""
            }
            for scalar in text.unicodeScalars {
                if DisplayUnsafeScalars.contains(scalar) || (scalar == "/" && previous == "*") {
                    flush()
                    parts.append("char(\(scalar.value))")
                } else {
                    current.unicodeScalars.append(scalar)
                }
                previous = scalar
            }
            flush()
            return parts.isEmpty ? "''" : parts.joined(separator: " || ")
        }
    }
}
