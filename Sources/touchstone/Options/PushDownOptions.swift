import ArgumentParser
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneTime

/// Where the logs live in a SQL engine, for `analyze --postgres` and `sql`.
struct PushDownOptions: ParsableArguments {
    @Option(help: "Push-down: table of exposures (unit_id, experiment, variant, timestamp as epoch seconds); schema.table allowed.")
    var exposuresTable: String?

    @Option(help: "Push-down: table of events (unit_id, timestamp as epoch seconds, event, value); schema.table allowed.")
    var eventsTable: String?

    @Option(help: "Push-down: the exposures table's columns UNIT,EXPERIMENT,VARIANT,TIMESTAMP.")
    var exposureColumns = "unit_id,experiment,variant,timestamp"

    @Option(help: "Push-down: the events table's columns UNIT,TIMESTAMP,EVENT,VALUE.")
    var eventColumns = "unit_id,timestamp,event,value"

    var isUsed: Bool { exposuresTable != nil || eventsTable != nil }

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
    func query(dialect: SQLDialect, settings requested: RawLogSettings) throws -> AggregationQuery {
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
        do {
            return try AggregationQuery(dialect: dialect, exposuresTable: exposuresTable, eventsTable: eventsTable, settings: settings)
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
