extension AttributionResult {
    /// The same result with its channel rows ordered by credited conversions, largest first,
    /// ties by channel name, so every output format reads top-down from the biggest channel.
    public func sortedByCredit() -> AttributionResult {
        var copy = self
        copy.channels.sort { $0.conversions != $1.conversions ? $0.conversions > $1.conversions : $0.channel < $1.channel }
        return copy
    }

    /// The channel order of a side-by-side comparison of `results`: by the mean conversions
    /// the models credit (a channel a model leaves out counts 0 there), largest first, ties by
    /// name — no single model's ranking is privileged.
    public static func channelOrder(_ results: [AttributionResult]) -> [String] {
        var total: [String: Double] = [:]
        for result in results {
            for credit in result.channels { total[credit.channel, default: 0] += credit.conversions }
        }
        return total.keys.sorted { lhs, rhs in
            let (a, b) = (total[lhs] ?? 0, total[rhs] ?? 0)
            return a != b ? a > b : lhs < rhs
        }
    }
}
