import TouchstoneData
import TouchstoneStats

/// Turning what a SQL engine sends back — or a sufficient-statistics file — into an ``ArmTable``
/// (or, split by a unit attribute, a ``SegmentedArmTable``).
public enum PushDown {
    /// Parses result rows `variant[, segment], metric, units, sum, sum_of_squares[, covariate_sum,
    /// covariate_sum_of_squares, cross_products]`, each cell as text.
    ///
    /// - Parameters:
    ///   - rows: The query's result, one array of cells per row (`nil` for NULL).
    ///   - segmented: Whether the query was split by a segment column
    ///     (``AggregationQuery/isSegmented``): rows then have 6 or 9 columns, the second being the
    ///     segment. The caller says so rather than the column count deciding, so a result that does
    ///     not match the query that was sent is an error instead of being read another way.
    public static func powerSums(rows: [[String?]], segmented: Bool = false) throws(SQLError) -> [PowerSums] {
        let offset = segmented ? 1 : 0
        return try rows.enumerated().map { (index, row) throws(SQLError) in
            let place = "result row \(index + 1)"
            guard row.count == 5 + offset || row.count == 8 + offset else {
                throw SQLError("\(place): expected \(5 + offset) or \(8 + offset) columns, got \(row.count)")
            }
            func number(_ i: Int, _ name: String) throws(SQLError) -> SQLNumber {
                guard let text = row[i + offset], let number = SQLNumber(text: text) else {
                    throw SQLError("\(place): \(name) '\(row[i + offset] ?? "NULL")' is not a number")
                }
                return number
            }
            guard let variant = row[0], let metric = row[1 + offset] else { throw SQLError("\(place): NULL variant or metric") }
            if variant.hasPrefix(SufficientStatisticsFormat.errorPrefix) { throw SQLError("\(place): \(variant)") }
            var segment: String?
            if segmented {
                // The query maps NULL to ''; a NULL here means the rows did not come from it.
                guard let value = row[1] else { throw SQLError("\(place): NULL segment") }
                segment = value
            }
            guard case .integer(let units) = try number(2, "units"), units >= 0 else {
                throw SQLError("\(place): units '\(row[2 + offset] ?? "NULL")' is not a count")
            }
            var sums = PowerSums(
                variant: variant, metric: metric, units: units,
                sum: try number(3, "sum"), sumOfSquares: try number(4, "sum_of_squares"), segment: segment)
            // A query with ratio metrics gives every row the covariate columns, NULL where a
            // metric has no covariate.
            if row.count == 8 + offset, !(row[5 + offset] == nil && row[6 + offset] == nil && row[7 + offset] == nil) {
                sums.covariate = .init(
                    sum: try number(5, "covariate_sum"), sumOfSquares: try number(6, "covariate_sum_of_squares"),
                    crossProducts: try number(7, "cross_products"))
            }
            return sums
        }
    }

    /// Per-arm statistics from power sums, built as the in-process pipeline builds them: 0/1
    /// metrics without a covariate from exact counts, everything else from central moments.
    /// Metric names must be in `--metric` form (`purchase:sum`), or for a ratio metric in
    /// `--ratio` form (`revenue_per_session=purchase:sum/session:count`, numerator sums with the
    /// denominator as covariate); `only` keeps those metrics, in that order.
    ///
    /// Sums split by segment (every row has a ``PowerSums/segment``) give the table of all units:
    /// each segment's table merged, exactly ``segmentedArmTable(_:column:only:)``'s
    /// ``SegmentedArmTable/overall``, so a split file analysed as a whole agrees with the split analysis.
    public static func armTable(_ sums: [PowerSums], only: [String] = []) throws(SQLError) -> ArmTable {
        guard !sums.isEmpty else { throw noRows }
        let segmented = sums.filter { $0.segment != nil }.count
        if segmented == sums.count {
            return try segmentedArmTable(sums, column: "segment", only: only).overall
        }
        guard segmented == 0 else {
            throw SQLError("\(segmented) of \(sums.count) rows have a segment and the others none: give all rows a segment or none")
        }
        return try table(sums, metrics: MetricPlan(sums, only: only), segment: nil)
    }

    /// Per-segment statistics from power sums split by a unit attribute (every row has a
    /// ``PowerSums/segment``); each segment's table is built exactly as ``armTable(_:only:)``
    /// builds one.
    ///
    /// All segments describe the same metrics (those of all rows, or `only`), so their tables
    /// merge into the overall one. A segment may lack an arm entirely (no unit of that arm has
    /// the value): the arm is then absent from that segment's table. An arm present in a
    /// segment needs a row for every metric, all with the same unit count.
    /// - Parameters:
    ///   - column: The attribute's name, kept as ``SegmentedArmTable/column`` (a label only).
    ///   - only: Metrics to keep, in this order (`--metric` form); empty for all.
    public static func segmentedArmTable(_ sums: [PowerSums], column: String, only: [String] = []) throws(SQLError) -> SegmentedArmTable {
        guard !sums.isEmpty else { throw noRows }
        var order: [String] = [], groups: [ByteKey: [PowerSums]] = [:]
        for (index, row) in sums.enumerated() {
            guard let segment = row.segment else {
                throw SQLError("row \(index + 1) (variant '\(row.variant)', metric '\(row.metric)') has no segment: "
                    + "the statistics are not split by '\(column)'")
            }
            if groups[segment] == nil { order.append(segment) }
            groups[segment, default: []].append(row)
        }
        let metrics = try MetricPlan(sums, only: only)
        var segments: [SegmentedArmTable.Segment] = []
        for value in order {
            segments.append(.init(value: value, table: try table(groups[value] ?? [], metrics: metrics, segment: value)))
        }
        return SegmentedArmTable(column: column, segments: segments)
    }

    private static var noRows: SQLError {
        SQLError("no per-arm rows: the experiment has no exposures (or the query matched none)")
    }

    /// What every segment's table shares, decided from all rows: the metrics, in order, and
    /// which of them carry a covariate — so segment tables line up for merging even when one
    /// segment happens to list its rows in another order.
    private struct MetricPlan {
        enum Definition {
            case metric(MetricDefinition)
            case ratio(RawLogSettings.Ratio)
        }

        var names: [String]
        var definitions: [Definition]
        var hasCovariate: [Bool]

        init(_ sums: [PowerSums], only: [String]) throws(SQLError) {
            var names: [String] = []
            for row in sums where !names.contains(row.metric) { names.append(row.metric) }
            if !only.isEmpty {
                for name in only where !names.contains(name) {
                    throw SQLError("--metric '\(name)' is not in the statistics (metrics: \(names.joined(separator: ", ")))")
                }
                names = only
            }
            definitions = []
            for name in names {
                // `=` marks a ratio (`purchase/session:count` would also read as an event name).
                if name.contains("="), let ratio = RawLogSettings.Ratio(argument: name) {
                    definitions.append(.ratio(ratio))
                } else if !name.contains("="), let definition = MetricDefinition(argument: name) {
                    definitions.append(.metric(definition))
                } else {
                    throw SQLError(
                        "metric '\(name)': expected EVENT, EVENT:conversion, EVENT:sum, EVENT:count, EVENT:retention:DAY or NAME=NUMERATOR/DENOMINATOR")
                }
            }
            hasCovariate = names.map { name in sums.contains { $0.metric == name && $0.covariate != nil } }
            for (name, definition) in zip(names, definitions) {
                if case .ratio = definition, !(hasCovariate[names.firstIndex(of: name) ?? 0]) {
                    throw SQLError("ratio metric '\(name)': its rows need the denominator's sums in the covariate columns")
                }
            }
            self.names = names
        }
    }

    /// One table from the rows of one segment (or of all units when `segment` is `nil`).
    private static func table(_ sums: [PowerSums], metrics plan: MetricPlan, segment: String?) throws(SQLError) -> ArmTable {
        let place = segment.map { "segment '\($0)': " } ?? ""
        var variants: [String] = []
        // Names as bytes (never merged by Unicode normalisation); a set keeps many arms linear.
        var units: [ByteKey: Int] = [:]
        var cells: [ByteKey: [ByteKey: PowerSums]] = [:]
        for row in sums {
            if units[row.variant] == nil { variants.append(row.variant) }
            if let known = units[row.variant], known != Int(row.units) {
                throw SQLError("\(place)variant '\(row.variant)' has \(known) units in one row and \(row.units) in another")
            }
            units[row.variant] = Int(row.units)
            guard cells[row.metric]?[row.variant] == nil else {
                throw SQLError("\(place)variant '\(row.variant)', metric '\(row.metric)' appears twice")
            }
            cells[row.metric, default: [:]][row.variant] = row
        }
        var metrics: [ArmTable.Metric] = []
        for (index, name) in plan.names.enumerated() {
            let hasCovariate = plan.hasCovariate[index]
            let rows = cells[name] ?? [:]
            var arms: [ByteKey: SufficientStatistics] = [:]
            if case .ratio(let ratio) = plan.definitions[index] {
                for variant in variants {
                    guard let row = rows[variant], row.covariate != nil else {
                        throw SQLError("\(place)ratio metric '\(ratio.name)' has no row with a denominator for variant '\(variant)'")
                    }
                    arms[variant] = row.statistics
                }
                metrics.append(ArmTable.Metric(name: ratio.name, kind: .ratio, arms: arms))
                continue
            }
            guard case .metric(let definition) = plan.definitions[index] else { continue }
            for variant in variants {
                guard let row = rows[variant] else { throw SQLError("\(place)metric '\(name)' has no row for variant '\(variant)'") }
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
