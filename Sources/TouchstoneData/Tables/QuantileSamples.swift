import TouchstoneStats

/// A quantile metric's raw values per arm (`--quantile COL:Q`): a quantile has no sufficient
/// statistic, so its values are kept, sorted, one array per variant.
public struct QuantileSamples: Sendable, Hashable {
    /// The metric's name in results: the argument as written, `COL:Q`.
    public var name: String
    /// The source column (unit tables) or raw-log metric (`purchase:sum`).
    public var source: String
    /// The level q in (0, 1).
    public var level: Double
    /// Values per variant (names as bytes), sorted ascending.
    public var arms: [ByteKey: [Double]]

    public init(name: String, source: String, level: Double, arms: [ByteKey: [Double]]) {
        self.name = name
        self.source = source
        self.level = level
        self.arms = arms
    }

    /// The samples of several tables (segments) pooled metric by metric, re-sorted.
    public static func merged(_ lists: [[QuantileSamples]]) -> [QuantileSamples] {
        guard var result = lists.first else { return [] }
        for list in lists.dropFirst() {
            for (index, samples) in list.enumerated() where index < result.count {
                for (variant, values) in samples.arms { result[index].arms[variant, default: []].append(contentsOf: values) }
            }
        }
        if lists.count > 1 {
            for index in result.indices {
                for variant in result[index].arms.keys { result[index].arms[variant]?.sort() }
            }
        }
        return result
    }
}

/// A quantile metric as given on the command line: `COL:Q` (unit tables) or `EVENT:sum:Q`,
/// `EVENT:count:Q` (raw logs), with Q strictly between 0 and 1 (0.5 = median, 0.9 = p90).
public struct QuantileColumn: Sendable, Hashable {
    /// Everything before the last `:`.
    public var source: String
    public var level: Double
    /// The argument as written, the metric's name in results.
    public var name: String

    /// Parses `SOURCE:Q`; nil unless Q is a number in (0, 1) and SOURCE is not empty.
    public init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":") else { return nil }
        let source = String(argument[..<colon]), levelText = argument[argument.index(after: colon)...]
        guard !source.isEmpty, let level = Double(levelText), level > 0, level < 1 else { return nil }
        self.source = source
        self.level = level
        self.name = argument
    }
}
