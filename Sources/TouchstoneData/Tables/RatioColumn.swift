/// A ratio metric requested from a unit-level table: Σ numerator / Σ denominator per arm
/// (`--ratio revenue_per_session=revenue/sessions`).
public struct RatioColumn: Sendable, Hashable {
    public var name: String
    public var numerator: String
    public var denominator: String

    public init(name: String, numerator: String, denominator: String) {
        self.name = name
        self.numerator = numerator
        self.denominator = denominator
    }

    /// Parses `NAME=NUMERATOR/DENOMINATOR`.
    public init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let columns = parts[1].split(separator: "/", maxSplits: 1)
        guard columns.count == 2, !parts[0].isEmpty, !columns[0].isEmpty, !columns[1].isEmpty else { return nil }
        self.init(name: String(parts[0]), numerator: String(columns[0]), denominator: String(columns[1]))
    }
}
