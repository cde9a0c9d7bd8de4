import ArgumentParser
import TouchstoneAnalysis
import TouchstoneData
import TouchstonePostgres
import TouchstoneTime

/// Where the logs live in a SQL engine, for `analyze --postgres` and `sql`.
struct PushDownOptions: ParsableArguments {
    @Option(help: "Push-down: table of exposures (unit_id, experiment, variant, timestamp); schema.table allowed.")
    var exposuresTable: String?

    @Option(help: "Push-down: table of events (unit_id, timestamp, event, value); schema.table allowed.")
    var eventsTable: String?

    @Option(help: "Push-down: the exposures table's columns UNIT,EXPERIMENT,VARIANT,TIMESTAMP.")
    var exposureColumns = Self.defaultExposureColumns
    static let defaultExposureColumns = "unit_id,experiment,variant,timestamp"

    @Option(help: "Push-down: the events table's columns UNIT,TIMESTAMP,EVENT,VALUE.")
    var eventColumns = Self.defaultEventColumns
    static let defaultEventColumns = "unit_id,timestamp,event,value"

    @Option(help: ArgumentHelp(
        "Push-down: how both tables (with --paths: the touchpoints table) store timestamps: epoch (integer seconds), timestamp (without time zone, read as UTC) or timestamptz (Spark: TIMESTAMP). --postgres detects it from the catalogue and refuses a mismatch; sql assumes epoch.",
        valueName: "epoch|timestamp|timestamptz"))
    var timestampType: SQLTimestampKind?

    @Option(help: ArgumentHelp(
        "Push-down: stop the query on the server after this long, e.g. 30s, 10m (PostgreSQL statement_timeout; `sql --dialect postgres` prints the SET).",
        valueName: "duration"))
    var statementTimeout: String?

    /// Whether any push-down option was given; the column lists count when changed, since an
    /// in-process analysis reading a CSV would otherwise ignore them.
    var isUsed: Bool {
        exposuresTable != nil || eventsTable != nil || timestampType != nil || statementTimeout != nil
            || exposureColumns != Self.defaultExposureColumns || eventColumns != Self.defaultEventColumns
    }

    /// `--statement-timeout` in PostgreSQL's milliseconds (rounded up: a limit is never shortened).
    func timeout() throws -> PostgresPushDown.StatementTimeout? {
        guard let statementTimeout else { return nil }
        guard let span = TimeSpan.parse(statementTimeout) else {
            throw ValidationError(TimeSpan.rejection(of: statementTimeout, flag: "--statement-timeout"))
        }
        let milliseconds = CivilCalendar.ceilDivide(span.microseconds, 1_000)
        guard milliseconds <= Int64(Int32.max) else {
            throw ValidationError("--statement-timeout \(statementTimeout): at most \(Int32.max / 86_400_000) days (PostgreSQL's limit)")
        }
        return .init(milliseconds: milliseconds, label: statementTimeout)
    }

    /// Runs the push-down on PostgreSQL: timestamp kinds detected from the catalogue (checked
    /// against `--timestamp-type`), the query stopped on the server on Ctrl-C, SIGTERM or
    /// `--statement-timeout`. Returns the per-arm power sums.
    func runPostgres(url: String, settings: RawLogSettings) throws -> [PowerSums] {
        var built: AggregationQuery?
        let x = try columns(exposureColumns, flag: "--exposure-columns", expected: "UNIT,EXPERIMENT,VARIANT,TIMESTAMP")
        let e = try columns(eventColumns, flag: "--event-columns", expected: "UNIT,TIMESTAMP,EVENT,VALUE")
        guard let exposuresTable, let eventsTable else {
            throw ValidationError("push-down needs --exposures-table TABLE and --events-table TABLE")
        }
        // Names are validated before anything reaches the server.
        _ = try query(dialect: .postgres, settings: settings)
        let rows = try PostgresPushDown.run(
            url: url,
            exposures: .init(table: exposuresTable, column: x[3], flag: "--exposures-table"),
            events: .init(table: eventsTable, column: e[1], flag: "--events-table"),
            declared: timestampType, statementTimeout: try timeout()
        ) { types in
            let query = try self.query(dialect: .postgres, settings: settings, timestamps: types)
            built = query
            return (query.sql, query.parameters)
        }
        return try PushDown.powerSums(rows: rows, segmented: built?.isSegmented ?? false)
    }

    /// The aggregation query for metrics written as on the command line (`touchstone sql`); the
    /// metrics are parsed as `analyze` parses them.
    func query(
        dialect: SQLDialect, experiment: String?, metrics: [String], window: String, preExposureCovariates: Bool,
        segmentColumn: String? = nil, ratios: [String] = []
    ) throws -> AggregationQuery {
        guard let span = TimeSpan.parse(window) else { throw ValidationError(TimeSpan.rejection(of: window, flag: "--window")) }
        var request = AnalysisRequest(source: .pushedDown(sums: [], origin: dialect.rawValue), settings: AnalysisSettings(experiment: experiment, control: ""))
        request.metrics = metrics
        request.ratios = ratios
        request.window = span
        request.preExposureCovariates = preExposureCovariates
        request.segmentColumn = segmentColumn
        return try query(dialect: dialect, settings: AnalysisFailure.mapping { try request.rawLogSettings() })
    }

    /// The aggregation query for `settings`; table and column names are validated here (hostile
    /// ones refused with a clear error).
    func query(dialect: SQLDialect, settings requested: RawLogSettings, timestamps: SQLTimestampTypes? = nil) throws -> AggregationQuery {
        guard let exposuresTable, let eventsTable else {
            throw ValidationError("push-down needs --exposures-table TABLE and --events-table TABLE")
        }
        var settings = requested
        let x = try columns(exposureColumns, flag: "--exposure-columns", expected: "UNIT,EXPERIMENT,VARIANT,TIMESTAMP")
        (settings.exposureColumns.unit, settings.exposureColumns.experiment) = (x[0], x[1])
        (settings.exposureColumns.variant, settings.exposureColumns.timestamp) = (x[2], x[3])
        let e = try columns(eventColumns, flag: "--event-columns", expected: "UNIT,TIMESTAMP,EVENT,VALUE")
        (settings.eventColumns.unit, settings.eventColumns.timestamp) = (e[0], e[1])
        (settings.eventColumns.event, settings.eventColumns.value) = (e[2], e[3])
        if statementTimeout != nil, dialect != .postgres {
            throw ValidationError("--statement-timeout applies to PostgreSQL (--postgres, or sql --dialect postgres)")
        }
        do {
            return try AggregationQuery(
                dialect: dialect, exposuresTable: exposuresTable, eventsTable: eventsTable, settings: settings,
                timestamps: timestamps ?? SQLTimestampTypes(timestampType ?? .epoch))
        } catch {
            throw ValidationError(error.message)
        }
    }

    private func columns(_ text: String, flag: String, expected: String) throws -> [String] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else { throw ValidationError("\(flag) '\(text)': expected four names \(expected)") }
        return parts
    }
}

extension SQLTimestampKind: ExpressibleByArgument {}
