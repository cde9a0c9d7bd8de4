/// A confidence or credible interval `[lower, upper]`.
///
/// Encoded as a two-element JSON array, as the output contract writes intervals
/// (`"absoluteCI": [0.0031, 0.0067]`). Infinite ends (one-sided tests) and undefined
/// intervals (NaN ends) are written as `null` by the report layer.
public struct Interval: Sendable, Hashable, Codable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double

    public init(_ lower: Double, _ upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// An interval that could not be computed (degenerate data).
    public static let undefined = Interval(.nan, .nan)

    public var isDefined: Bool { !lower.isNaN && !upper.isNaN }

    /// Whether `value` lies inside (ends included).
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let lower = try container.decodeNil() ? Double.nan : container.decode(Double.self)
        let upper = try container.decodeNil() ? Double.nan : container.decode(Double.self)
        self.init(lower, upper)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for end in [lower, upper] {
            if end.isFinite { try container.encode(end) } else { try container.encodeNil() }
        }
    }

    public var description: String { "[\(lower), \(upper)]" }
}
