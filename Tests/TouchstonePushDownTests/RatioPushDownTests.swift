import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstonePostgres
import TouchstoneTestSupport

/// Ratio metrics pushed down: each ratio row carries the numerator's sums, the denominator's as
/// the covariate and Σ numerator·denominator as the cross products, and must give the in-process
/// pipeline's ratio statistics (whose co-moment the delta method needs).
private func ratioSettings(covariates: Bool, segmented: Bool) throws -> RawLogSettings {
    // purchase is also a reported metric; session:count only feeds the ratio.
    var settings = RawLogSettings(
        experiment: ExperimentSimulator.experimentKey,
        metrics: ["purchase", "purchase:sum"].compactMap(MetricDefinition.init(argument:)),
        preExposureCovariates: covariates, threads: 2)
    settings.ratios = [
        try #require(RawLogSettings.Ratio(argument: "revenue_per_session=purchase:sum/session:count")),
        try #require(RawLogSettings.Ratio(argument: "buyers_per_session=purchase/session:count")),
    ]
    if segmented { settings.segmentColumn = "country" }
    return settings
}

@Suite("Ratio metrics in the push-down")
struct RatioPushDownTests {
    static func inProcess(_ logs: SimulatedLogs, _ settings: RawLogSettings) throws -> RawLogSummary {
        try RawLogPipeline.run(exposures: CSVReader(path: logs.exposures.path), events: CSVReader(path: logs.events.path), settings: settings)
    }

    @Test(arguments: [(false, false), (true, false), (false, true)])
    func sqliteMatchesTheInProcessPipeline(covariates: Bool, segmented: Bool) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The segmented logs carry a country column (with ties, case and non-ASCII values).
        let segmentedLogs = try SegmentedLogs(units: 4_000, seed: 13)
        let files = try segmentedLogs.writeCSV(to: directory)
        let path = try SQLiteSegmentTests.database(segmentedLogs, in: directory)
        let settings = try ratioSettings(covariates: covariates, segmented: segmented)
        let query = try AggregationQuery(dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        #expect(query.hasCovariates)
        let sums = try PushDown.powerSums(
            rows: SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters), segmented: segmented)
        // Plain metrics keep exact integer sums and no covariate unless asked for; session:count is not reported.
        #expect(Set(sums.map(\.metric)) == [
            "purchase", "purchase:sum", "revenue_per_session=purchase:sum/session:count", "buyers_per_session=purchase/session:count",
        ])
        #expect(sums.filter { $0.metric == "purchase" }.allSatisfy { ($0.covariate == nil) == !covariates })
        let reference = try RawLogPipeline.run(
            exposures: CSVReader(path: files.exposures.path), events: CSVReader(path: files.events.path), settings: settings)
        #expect(reference.table.metrics.map(\.name) == ["purchase", "purchase:sum", "revenue_per_session", "buyers_per_session"])
        if segmented {
            let pushed = try PushDown.segmentedArmTable(sums, column: "country")
            let expected = try #require(reference.segments)
            #expect(pushed.segments.map(\.value) == expected.segments.map(\.value))
            for (a, b) in zip(pushed.segments, expected.segments) { expectAgreement(a.table, b.table) }
        } else {
            expectAgreement(try PushDown.armTable(sums), reference.table)
        }
    }

    @Test func powerSumsFileWithRatiosRoundTrips() throws {
        let logs = try SimulatedLogs(units: 2_000, seed: 14)
        defer { logs.remove() }
        let path = try SQLitePushDownTests.database(logs)
        let settings = try ratioSettings(covariates: false, segmented: false)
        let query = try AggregationQuery(dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        let sums = try PushDown.powerSums(rows: SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters))
        let csv = logs.directory.appendingPathComponent("sums.csv"), json = logs.directory.appendingPathComponent("sums.json")
        try SufficientStatisticsFormat.csv(sums).write(to: csv, atomically: true, encoding: .utf8)
        try SufficientStatisticsFormat.json(sums).write(to: json, atomically: true, encoding: .utf8)
        #expect(try SufficientStatisticsFormat.read(path: csv.path) == sums)
        #expect(try SufficientStatisticsFormat.read(path: json.path) == sums)
        // `only` picks the ratio by its --ratio form.
        let table = try PushDown.armTable(sums, only: ["revenue_per_session=purchase:sum/session:count"])
        #expect(table.metrics.map(\.name) == ["revenue_per_session"])
        #expect(table.metrics.first?.kind == .ratio)
    }

    @Test func aRatioRowWithoutItsDenominatorIsRefused() throws {
        let row = PowerSums(variant: "a", metric: "r=purchase:sum/session:count", units: 10, sum: .real(5), sumOfSquares: .real(7))
        #expect(throws: SQLError.self) { try PushDown.armTable([row]) }
    }

    @Test(.enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES to run"))
    func postgresMatchesTheInProcessPipeline() throws {
        let logs = try SimulatedLogs(units: 5_000, seed: 13)
        defer { logs.remove() }
        let names = try PostgresFixture.load(logs, tag: "ratio")
        defer { PostgresFixture.drop(names) }
        let url = try #require(PostgresFixture.url)
        let settings = try ratioSettings(covariates: true, segmented: false)
        let query = try AggregationQuery(dialect: .postgres, exposuresTable: names.exposures, eventsTable: names.events, settings: settings)
        let rows = try PostgresRunner.query(url: url, sql: query.sql, parameters: query.parameters)
        expectAgreement(try PushDown.armTable(PushDown.powerSums(rows: rows)), try Self.inProcess(logs, settings).table)
    }
}
