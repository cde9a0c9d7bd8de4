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
            guard !metrics.isEmpty else { throw ValidationError("--postgres needs at least one --metric EVENT[:conversion|sum|count|retention:N]") }
            _ = try pushDownQuery()
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
            preExposureCovariates: preExposureCovariates)
    }

    /// The per-arm table from PostgreSQL or a power-sums file; `nil` for the other inputs.
    func pushDownTable() throws -> ArmTable? {
        if let postgres {
            let query = try pushDownQuery()
            let rows = try PostgresRunner.query(url: postgres, sql: query.sql, parameters: query.parameters)
            let table = try PushDown.armTable(PushDown.powerSums(rows: rows))
            output.note("PostgreSQL: \(table.variants.count) arms, \(table.units.values.reduce(0, +)) units (multi-variant units excluded)")
            return table
        }
        if let powerSums {
            let names = metrics.compactMap(MetricDefinition.init(argument:)).map(\.name)
            return try PushDown.armTable(SufficientStatisticsFormat.read(path: powerSums), only: names)
        }
        return nil
    }
}
