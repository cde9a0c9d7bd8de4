/// Capping (winsorisation) of heavy-tailed metrics such as revenue: values above a cap are
/// replaced by the cap before aggregation, which bounds the influence of a few whales on the
/// mean and its variance at the cost of a small, documented bias.
///
/// The cap is either a fixed value or a percentile of the pooled data of all arms (pooled, so
/// the cap does not depend on the assignment and treats every arm alike — the convention of
/// GrowthBook's "percentile capping" and Statsig's winsorisation). Percentiles use the
/// linear-interpolation definition of ``Quantile/linear(_:_:)`` (numpy's default).
public enum CapRule: Sendable, Hashable, Codable {
    /// Cap at a fixed value.
    case value(Double)
    /// Cap at the given quantile level in (0, 1] of the pooled values (0.99 = P99).
    case percentile(Double)

    /// Parses `P99`, `p99.5` (percentile) or a plain number (fixed value).
    public init?(argument: String) {
        if let first = argument.first, first == "P" || first == "p" {
            guard let level = Double(argument.dropFirst()), level > 0, level <= 100 else { return nil }
            self = .percentile(level / 100)
        } else {
            guard let value = Double(argument), value.isFinite else { return nil }
            self = .value(value)
        }
    }

    /// The cap for these pooled values; NaN for a percentile of no values.
    public func threshold(for values: [Double]) -> Double {
        switch self {
        case .value(let cap): return cap
        case .percentile(let level): return Quantile.linear(values.sorted(), level)
        }
    }
}

/// Sample quantiles.
public enum Quantile {
    /// The level-q quantile of sorted values by linear interpolation between order statistics,
    /// position h = (n − 1)q (Hyndman & Fan 1996, definition 7; numpy/R default). NaN for no values
    /// or q outside [0, 1].
    public static func linear(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty, q >= 0, q <= 1 else { return .nan }
        let h = Double(sorted.count - 1) * q
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}

extension Array where Element == Double {
    /// The values with everything above `cap` replaced by `cap`.
    public func capped(at cap: Double) -> [Double] {
        map { Swift.min($0, cap) }
    }
}
