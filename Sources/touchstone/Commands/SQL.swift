import ArgumentParser
import Foundation
import TouchstoneAnalysis
import TouchstoneData

struct SQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print the aggregation query that reduces exposure and event tables to per-arm power sums (or, with --paths, touchpoints to attribution paths).",
        discussion: """
            Run the query in your engine, save its result as CSV (or JSON) and analyse it with
            `touchstone analyze --power-sums FILE --control NAME`. Only a few rows per arm leave the engine.
            Example:
              touchstone sql --dialect spark --exposures-table analytics.exposures --events-table analytics.events \\
                  --experiment onboarding_channels --metric purchase --metric purchase:sum --window 14d
            Spark queries carry their values as escaped literals; PostgreSQL and SQLite queries use bound
            parameters, listed in comments at the top.
            With --by COL the rows are split by an exposures-table column (a `segment` column follows
            `variant`): each unit counts in the segment of its first exposure; analyse the file with
            `touchstone analyze --power-sums FILE --by COL`.

            With --paths the query builds attribution journeys from a touchpoint table instead and returns \
            `path, total_conversions, total_conversion_value, total_null` — the same journeys as \
            `attribute --touchpoints` (lookback, view lookback, ties in time by the same rule); save the result \
            as CSV and run `touchstone attribute --paths FILE`. A row with an empty path counts conversions with \
            no touch in their window; input the CSV reader would refuse comes back as a first row \
            `touchstone error: …`, which `attribute --paths` reports. Example:
              touchstone sql --paths --dialect postgres --touchpoints-table analytics.touchpoints --lookback 30d
            The touchpoints' timestamps are integer epoch seconds unless --timestamp-type says timestamp or \
            timestamptz (Spark: timestamptz for its TIMESTAMP); timestamp columns are compared to the \
            microsecond, as the touchpoint reader compares ISO 8601 times.
            """)

    @Option(help: "SQL dialect: sqlite, postgres or spark (Spark SQL; close to Trino/BigQuery).")
    var dialect: SQLDialect = .spark

    @OptionGroup var tables: PushDownOptions

    @Option(help: "Experiment key.")
    var experiment: String?

    @Option(name: .customLong("metric"), help: "EVENT[:conversion|sum|count|retention:N] (repeatable).")
    var metrics: [String] = []

    @Option(name: .customLong("ratio"), help: "Ratio metric NAME=NUM/DEN over two metrics, e.g. revenue_per_session=purchase:sum/session:count (repeatable).")
    var ratios: [String] = []

    static let defaultWindow = "14d"

    @Option(help: "Metric window after first exposure, e.g. 14d, 36h.")
    var window = Self.defaultWindow

    @Flag(help: "Also compute each metric over the window before exposure (CUPED covariate).")
    var preExposureCovariates = false

    @Option(name: .customLong("by"), help: "Split the sums by an exposures-table column (a unit's value on its first exposure).")
    var segmentColumn: String?

    @Flag(help: "Print the attribution paths query over --touchpoints-table instead (see below).")
    var paths = false

    @OptionGroup var touchpointTable: TouchpointTableOptions

    @Option(help: "With --paths: drop touches older than this before a conversion (30d, 12h, …).")
    var lookback: String?

    @Option(name: .customLong("view-lookback"), help: "With --paths: drop view touches older than this (needs the type column); clicks keep --lookback.")
    var viewLookback: String?

    @Option(help: "Write the query to this file (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
        if paths {
            let analysis = [
                ("--exposures-table", tables.exposuresTable != nil), ("--events-table", tables.eventsTable != nil),
                ("--experiment", experiment != nil), ("--metric", !metrics.isEmpty), ("--ratio", !ratios.isEmpty),
                ("--pre-exposure-covariates", preExposureCovariates), ("--by", segmentColumn != nil),
                ("--window", window != Self.defaultWindow),
            ].filter(\.1).map(\.0)
            guard analysis.isEmpty else {
                throw ValidationError("--paths builds attribution paths from --touchpoints-table; \(analysis.joined(separator: ", ")) belong(s) to the experiment query")
            }
            if tables.statementTimeout != nil, dialect != .postgres {
                throw ValidationError("--statement-timeout applies to PostgreSQL (--postgres, or sql --dialect postgres)")
            }
            _ = try tables.timeout()
            _ = try touchpointTable.query(
                dialect: dialect, lookback: lookback, viewLookback: viewLookback, timestamps: tables.timestampType ?? .epoch)
            return
        }
        if touchpointTable.isUsed || lookback != nil || viewLookback != nil {
            throw ValidationError("--touchpoints-table, --touchpoint-columns, --type-column, --lookback and --view-lookback go with --paths")
        }
        guard experiment != nil else { throw ValidationError("give --experiment KEY (or --paths for attribution paths)") }
        guard !metrics.isEmpty || !ratios.isEmpty else {
            throw ValidationError("give at least one --metric EVENT[:conversion|sum|count|retention:N] or --ratio NAME=NUM/DEN")
        }
        _ = try query()
    }

    func query() throws -> AggregationQuery {
        try tables.query(
            dialect: dialect, experiment: experiment, metrics: metrics, window: window,
            preExposureCovariates: preExposureCovariates, segmentColumn: segmentColumn, ratios: ratios)
    }

    func run() throws {
        let (sql, parameters): (String, [SQLValue])
        if paths {
            let query = try touchpointTable.query(
                dialect: dialect, lookback: lookback, viewLookback: viewLookback, timestamps: tables.timestampType ?? .epoch)
            (sql, parameters) = (query.sql, query.parameters)
        } else {
            let query = try query()
            (sql, parameters) = (query.sql, query.parameters)
        }
        var text = try tables.timeout().map { "SET statement_timeout = \($0.milliseconds);\n" } ?? ""
        for (index, value) in parameters.enumerated() {
            text += "-- \(dialect.placeholder(index + 1, value: value)) = \(dialect.commentLiteral(value))\n"
        }
        text += sql + (dialect == .sqlite ? ";\n" : "\n")
        if let output {
            try AtomicFile.write(text, to: output)
        } else {
            try StandardStreams.writeOutput(text)
        }
    }
}

extension SQLDialect: ExpressibleByArgument {}
