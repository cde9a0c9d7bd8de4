import TouchstoneData
import TouchstoneStats

/// Turning what a SQL engine sends back — or a sufficient-statistics file — into an ``ArmTable``.
public enum PushDown {
    /// Parses result rows `variant, metric, units, sum, sum_of_squares[, covariate_sum,
    /// covariate_sum_of_squares, cross_products]`, each cell as text.
    public static func powerSums(rows: [[String?]]) throws(SQLError) -> [PowerSums] {
        try rows.enumerated().map { (index, row) throws(SQLError) in
            let place = "result row \(index + 1)"
            guard row.count == 5 || row.count == 8 else {
                throw SQLError("\(place): expected 5 or 8 columns, got \(row.count)")
            }
            func number(_ i: Int, _ name: String) throws(SQLError) -> SQLNumber {
                guard let text = row[i], let number = SQLNumber(text: text) else {
                    throw SQLError("\(place): \(name) '\(row[i] ?? "NULL")' is not a number")
                }
                return number
            }
            guard let variant = row[0], let metric = row[1] else { throw SQLError("\(place): NULL variant or metric") }
            guard case .integer(let units) = try number(2, "units"), units >= 0 else {
                throw SQLError("\(place): units '\(row[2] ?? "NULL")' is not a count")
            }
            var sums = PowerSums(
                variant: variant, metric: metric, units: units,
                sum: try number(3, "sum"), sumOfSquares: try number(4, "sum_of_squares"))
            if row.count == 8 {
                sums.covariate = .init(
                    sum: try number(5, "covariate_sum"), sumOfSquares: try number(6, "covariate_sum_of_squares"),
                    crossProducts: try number(7, "cross_products"))
            }
            return sums
        }
    }

    /// Per-arm statistics from power sums, built as the in-process pipeline builds them: 0/1
    /// metrics without a covariate from exact counts, everything else from central moments.
    /// Metric names must be in `--metric` form (`purchase:sum`); `only` keeps those metrics, in that order.
    public static func armTable(_ sums: [PowerSums], only: [String] = []) throws(SQLError) -> ArmTable {
        guard !sums.isEmpty else { throw SQLError("no per-arm rows: the experiment has no exposures (or the query matched none)") }
        var variants: [String] = [], metricNames: [String] = []
        var units: [String: Int] = [:]
        var cells: [String: [String: PowerSums]] = [:]
        for row in sums {
            if !variants.contains(row.variant) { variants.append(row.variant) }
            if !metricNames.contains(row.metric) { metricNames.append(row.metric) }
            if let known = units[row.variant], known != Int(row.units) {
                throw SQLError("variant '\(row.variant)' has \(known) units in one row and \(row.units) in another")
            }
            units[row.variant] = Int(row.units)
            guard cells[row.metric, default: [:]][row.variant] == nil else {
                throw SQLError("variant '\(row.variant)', metric '\(row.metric)' appears twice")
            }
            cells[row.metric, default: [:]][row.variant] = row
        }
        if !only.isEmpty {
            for name in only where !metricNames.contains(name) {
                throw SQLError("--metric '\(name)' is not in the statistics (metrics: \(metricNames.joined(separator: ", ")))")
            }
            metricNames = only
        }
        var metrics: [ArmTable.Metric] = []
        for name in metricNames {
            guard let definition = MetricDefinition(argument: name) else {
                throw SQLError("metric '\(name)': expected EVENT, EVENT:conversion, EVENT:sum, EVENT:count or EVENT:retention:DAY")
            }
            let rows = cells[name] ?? [:]
            let hasCovariate = rows.values.contains { $0.covariate != nil }
            var arms: [String: SufficientStatistics] = [:]
            for variant in variants {
                guard let row = rows[variant] else { throw SQLError("metric '\(name)' has no row for variant '\(variant)'") }
                if definition.kind == .proportion, !hasCovariate, case .integer(let ones) = row.sum {
                    arms[variant] = .proportion(units: Int(row.units), conversions: Int(ones))
                } else {
                    arms[variant] = row.statistics
                }
            }
            metrics.append(ArmTable.Metric(
                name: definition.name, kind: definition.kind, arms: arms,
                covariate: hasCovariate ? "\(definition.name) before exposure" : nil))
        }
        return ArmTable(variants: variants, metrics: metrics, units: units)
    }
}
