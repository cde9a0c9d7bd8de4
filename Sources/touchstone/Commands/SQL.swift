import ArgumentParser
import Foundation
import TouchstoneAnalysis
import TouchstoneData

struct SQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print the aggregation query that reduces exposure and event tables to per-arm power sums.",
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
            """)

    @Option(help: "SQL dialect: sqlite, postgres or spark (Spark SQL; close to Trino/BigQuery).")
    var dialect: SQLDialect = .spark

    @OptionGroup var tables: PushDownOptions

    @Option(help: "Experiment key.")
    var experiment: String

    @Option(name: .customLong("metric"), help: "EVENT[:conversion|sum|count|retention:N] (repeatable).")
    var metrics: [String] = []

    @Option(name: .customLong("ratio"), help: "Ratio metric NAME=NUM/DEN over two metrics, e.g. revenue_per_session=purchase:sum/session:count (repeatable).")
    var ratios: [String] = []

    @Option(help: "Metric window after first exposure, e.g. 14d, 36h.")
    var window = "14d"

    @Flag(help: "Also compute each metric over the window before exposure (CUPED covariate).")
    var preExposureCovariates = false

    @Option(name: .customLong("by"), help: "Split the sums by an exposures-table column (a unit's value on its first exposure).")
    var segmentColumn: String?

    @Option(help: "Write the query to this file (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
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
        let query = try query()
        var text = try tables.timeout().map { "SET statement_timeout = \($0.milliseconds);\n" } ?? ""
        for (index, value) in query.parameters.enumerated() {
            text += "-- \(dialect.placeholder(index + 1, value: value)) = \(dialect.commentLiteral(value))\n"
        }
        text += query.sql + (dialect == .sqlite ? ";\n" : "\n")
        if let output {
            try AtomicFile.write(text, to: output)
        } else {
            try StandardStreams.writeOutput(text)
        }
    }
}

extension SQLDialect: ExpressibleByArgument {}
