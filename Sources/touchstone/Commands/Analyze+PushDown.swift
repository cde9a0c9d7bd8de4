import ArgumentParser
import TouchstoneAnalysis
import TouchstoneData
import TouchstonePostgres

// MARK: - Push-down inputs (--postgres, --power-sums)

extension Analyze {
    /// Checks the push-down flags; called from `validate()`.
    func validatePushDown() throws {
        if postgres != nil {
            guard experiment != nil else { throw ValidationError("--postgres needs --experiment KEY") }
            guard !metrics.isEmpty || !ratios.isEmpty || config != nil else { throw ValidationError("--postgres needs at least one --metric EVENT[:conversion|sum|count|retention:N]") }
            // With --config the metrics arrive in run(); the query is checked there.
            if !metrics.isEmpty || !ratios.isEmpty { _ = try pushDownQuery() }
        } else if powerSums != nil {
            for metric in metrics where MetricDefinition(argument: metric) == nil {
                throw ValidationError("--metric '\(metric)': with --power-sums, name a metric of the file (EVENT, EVENT:sum, …)")
            }
        }
        if postgres == nil, pushDown.isUsed {
            throw ValidationError("--exposures-table and --events-table go with --postgres URL (or `touchstone sql`)")
        }
    }

    func pushDownQuery() throws -> AggregationQuery {
        try pushDown.query(
            dialect: .postgres, experiment: experiment, metrics: metrics, window: window,
            preExposureCovariates: preExposureCovariates, segmentColumn: segmentColumn, ratios: ratios)
    }

    /// The per-arm table from PostgreSQL or a power-sums file, and with `--by COL` its split by
    /// segment (then `table` is the segments' exact merge); `nil` for the other inputs.
    ///
    /// A power-sums file with a `segment` column read without `--by` is analysed as a whole (its
    /// segments merged); `--by NAME` with such a file only names the attribute, and with a file
    /// that has no `segment` column is an error rather than an unsplit result.
    func pushDownTable() throws -> (table: ArmTable, segments: SegmentedArmTable?)? {
        if let postgres {
            let query = try pushDownQuery()
            let rows = try PostgresRunner.query(url: postgres, sql: query.sql, parameters: query.parameters)
            let sums = try PushDown.powerSums(rows: rows, segmented: query.isSegmented)
            let pushed = try split(sums)
            let table = pushed.table
            let segments = pushed.segments.map { ", \($0.segments.count) segments by \($0.column)" } ?? ""
            output.note("PostgreSQL: \(table.variants.count) arms, \(table.units.values.reduce(0, +)) units\(segments) (multi-variant units excluded)")
            return pushed
        }
        if let powerSums {
            let sums = try SufficientStatisticsFormat.read(path: powerSums)
            if let segmentColumn, !sums.contains(where: { $0.segment != nil }) {
                throw InputFailure(
                    "--by \(segmentColumn): \(powerSums) is not split by segment (no '\(SufficientStatisticsFormat.segmentColumn)' "
                        + "column); produce it with `touchstone sql --by \(segmentColumn)` or drop --by")
            }
            return try split(sums)
        }
        return nil
    }

    /// The overall table and, with `--by`, the segments it merges.
    private func split(_ sums: [PowerSums]) throws -> (table: ArmTable, segments: SegmentedArmTable?) {
        // Ratio rows are named in --ratio form, as the query writes them.
        let names = metrics.compactMap(MetricDefinition.init(argument:)).map(\.name)
            + ratios.compactMap(RawLogSettings.Ratio.init(argument:)).map(\.argument)
        guard let segmentColumn else { return (try PushDown.armTable(sums, only: names), nil) }
        let segments = try PushDown.segmentedArmTable(sums, column: segmentColumn, only: names)
        return (segments.overall, segments)
    }
}
