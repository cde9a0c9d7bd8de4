import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport

@Suite("Push-down aggregation on SQLite")
struct SQLitePushDownTests {
    /// The simulated logs loaded into a SQLite file, both tables under their default column names.
    static func database(_ logs: SimulatedLogs) throws -> String {
        let path = logs.directory.appendingPathComponent("logs.sqlite").path
        try SQLiteQuery.execute(database: path, logs.statements(exposuresTable: "exposures", eventsTable: "events"))
        return path
    }

    @Test(arguments: [false, true])
    func matchesTheInProcessPipeline(covariates: Bool) throws {
        let logs = try SimulatedLogs(units: 6_000, seed: 5)
        defer { logs.remove() }
        let path = try Self.database(logs)
        for windowDays in [14, 3] as [Int64] {
            let settings = Scenarios.settings(covariates: covariates, windowDays: windowDays)
            let query = try AggregationQuery(dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: settings)
            let rows = try SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters)
            let pushed = try PushDown.armTable(PushDown.powerSums(rows: rows))
            expectAgreement(pushed, try logs.inProcess(settings))
        }
    }

    /// `sqlite3 .import` stores CSV numbers as TEXT: they are read as numbers (as text, MIN took
    /// '999999000' over '1000000500'); ISO 8601 text, which SQLite reads as its leading number
    /// (2026, so every window passed), makes every result row an error the readers refuse.
    @Test func textTimestampsAreNumbersOrRefused() throws {
        let logs = try SimulatedLogs(units: 1_500, seed: 23)
        defer { logs.remove() }
        let path = try Self.database(logs)
        let settings = Scenarios.settings(covariates: false)
        let typedQuery = try AggregationQuery(dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        let typed = try SQLiteQuery.rows(database: path, sql: typedQuery.sql, parameters: typedQuery.parameters)
        // TEXT columns, as `.import` makes them (a BIGINT column would turn the text back into integers).
        try SQLiteQuery.execute(database: path, [
            "CREATE TABLE xt AS SELECT unit_id, experiment, variant, CAST(timestamp AS TEXT) AS timestamp FROM exposures",
            "CREATE TABLE et AS SELECT unit_id, CAST(timestamp AS TEXT) AS timestamp, event, value FROM events",
        ])
        #expect(try SQLiteQuery.rows(database: path, sql: "SELECT DISTINCT typeof(timestamp) FROM et", parameters: []) == [["text"]])
        let query = try AggregationQuery(dialect: .sqlite, exposuresTable: "xt", eventsTable: "et", settings: settings)
        let text = try SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters)
        #expect(text == typed)
        expectAgreement(try PushDown.armTable(PushDown.powerSums(rows: text)), try logs.inProcess(settings))

        try SQLiteQuery.execute(database: path, ["UPDATE et SET timestamp = '2026-03-10T07:44:35Z' WHERE rowid IN (SELECT rowid FROM et LIMIT 3)"])
        let refused = try SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters)
        #expect(!refused.isEmpty)
        for row in refused {
            #expect(row[0]?.hasPrefix("touchstone error: 3 row(s) whose timestamp is not epoch seconds") == true, "\(row)")
        }
        let error = #expect(throws: SQLError.self) { try PushDown.powerSums(rows: refused) }
        #expect(error?.message.contains("result row 1: touchstone error: 3 row(s)") == true)
        // The power-sums file a user saves from the sqlite3 shell is refused where the message is.
        var csv = SufficientStatisticsFormat.csvColumns.joined(separator: ",") + "\n"
        for row in refused { csv += row.map { "\"\($0 ?? "")\"" }.joined(separator: ",") + "\n" }
        let file = logs.directory.appendingPathComponent("sums.csv").path
        try Data(csv.utf8).write(to: URL(fileURLWithPath: file))
        let fileError = #expect(throws: DataError.self) { try SufficientStatisticsFormat.read(path: file) }
        #expect(fileError?.line == 2 && fileError?.message.hasPrefix("touchstone error: 3 row(s)") == true, "\(String(describing: fileError))")
    }

    /// User tables named like the query's former working tables (`metrics`, `arms`, …) were
    /// silently shadowed by them; with the `touchstone_` prefix they are read, and an unqualified
    /// table with that prefix is refused instead of being shadowed.
    @Test func tablesNamedLikeTheQuerysOwnAreReadOrRefused() throws {
        let logs = try SimulatedLogs(units: 1_500, seed: 21)
        defer { logs.remove() }
        let path = logs.directory.appendingPathComponent("named.sqlite").path
        try SQLiteQuery.execute(database: path, logs.statements(exposuresTable: "arms", eventsTable: "metrics"))
        let settings = Scenarios.settings(covariates: false)
        let query = try AggregationQuery(dialect: .sqlite, exposuresTable: "arms", eventsTable: "metrics", settings: settings)
        let rows = try SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters)
        expectAgreement(try PushDown.armTable(PushDown.powerSums(rows: rows)), try logs.inProcess(settings))
        for (exposures, events, flag) in [("touchstone_arms", "metrics", "--exposures-table"), ("arms", "Touchstone_Metrics", "--events-table")] {
            for dialect in [SQLDialect.sqlite, .postgres, .spark] {
                let error = #expect(throws: SQLError.self) {
                    try AggregationQuery(dialect: dialect, exposuresTable: exposures, eventsTable: events, settings: settings)
                }
                #expect(error?.message.hasPrefix("\(flag) '") == true)
                #expect(error?.message.contains("names starting with touchstone_ are the query's own") == true)
            }
        }
        // Qualified, the name is the user's own and is allowed.
        _ = try AggregationQuery(dialect: .postgres, exposuresTable: "analytics.touchstone_arms", eventsTable: "metrics", settings: settings)
    }

    @Test func sufficientStatisticsFileRoundTrips() throws {
        let logs = try SimulatedLogs(units: 2_000, seed: 9)
        defer { logs.remove() }
        let path = try Self.database(logs)
        let settings = Scenarios.settings(covariates: true)
        let query = try AggregationQuery(dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        let sums = try PushDown.powerSums(rows: SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters))
        let csv = logs.directory.appendingPathComponent("sums.csv"), json = logs.directory.appendingPathComponent("sums.json")
        try SufficientStatisticsFormat.csv(sums).write(to: csv, atomically: true, encoding: .utf8)
        try SufficientStatisticsFormat.json(sums).write(to: json, atomically: true, encoding: .utf8)
        #expect(try SufficientStatisticsFormat.read(path: csv.path) == sums)
        #expect(try SufficientStatisticsFormat.read(path: json.path) == sums)
    }

    @Test func powerSumsOfPartitionsAddUp() throws {
        // Two partitions' sums added column by column give the statistics of all units.
        let a = PowerSums(variant: "control", metric: "purchase:sum", units: 3, sum: .real(6), sumOfSquares: .real(14))  // 1, 2, 3
        let b = PowerSums(variant: "control", metric: "purchase:sum", units: 2, sum: .real(9), sumOfSquares: .real(41))  // 4, 5
        let merged = PowerSums(variant: "control", metric: "purchase:sum", units: 5, sum: .real(15), sumOfSquares: .real(55))
        let direct = SufficientStatistics([1, 2, 3, 4, 5])
        #expect(isClose((a.statistics + b.statistics).variance, direct.variance, relative: 1e-14))
        #expect(isClose(merged.statistics.variance, direct.variance, relative: 1e-14))
        // Integer sums form central moments exactly: (5·55 − 15²)/5 = 10.
        let exact = PowerSums(variant: "control", metric: "session:count", units: 5, sum: .integer(15), sumOfSquares: .integer(55))
        #expect(exact.statistics.sumOfSquaredDeviations == 10)
    }
}

@Suite("SQL identifiers and values")
struct SQLIdentifierTests {
    static let settings = Scenarios.settings(covariates: false)

    @Test(arguments: SQLDialect.allCases)
    func hostileTableNameIsRefused(dialect: SQLDialect) {
        for hostile in ["x; DROP TABLE y", "exposures\"; DROP TABLE y; --", "a.b.c", "1abc", "", "ev ents", "e`x", "t--"] {
            #expect {
                _ = try AggregationQuery(dialect: dialect, exposuresTable: hostile, eventsTable: "events", settings: Self.settings)
            } throws: { error in
                "\(error)".contains("--exposures-table '\(hostile)' is not a valid table or column name")
            }
            #expect(throws: SQLError.self) {
                _ = try AggregationQuery(dialect: dialect, exposuresTable: "exposures", eventsTable: hostile, settings: Self.settings)
            }
        }
    }

    @Test func hostileColumnNameIsRefused() {
        var settings = Self.settings
        settings.eventColumns.value = "value) FROM y; --"
        #expect(throws: SQLError.self) {
            _ = try AggregationQuery(dialect: .postgres, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        }
        settings.eventColumns.value = "schema.value"
        #expect(throws: SQLError.self) {
            _ = try AggregationQuery(dialect: .postgres, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        }
    }

    @Test func namesAreQuotedPerDialectAndValuesBound() throws {
        var settings = Self.settings
        settings.experiment = "it's; DROP TABLE y"
        let postgres = try AggregationQuery(dialect: .postgres, exposuresTable: "analytics.exposures", eventsTable: "events", settings: settings)
        #expect(postgres.sql.contains("FROM \"analytics\".\"exposures\" x"))
        #expect(postgres.sql.contains("x.\"experiment\" = $"))
        #expect(!postgres.sql.contains("DROP"))
        #expect(postgres.parameters.contains(.text("it's; DROP TABLE y")))
        let sqlite = try AggregationQuery(dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        #expect(sqlite.sql.contains("?1") && !sqlite.sql.contains("DROP"))
        let spark = try AggregationQuery(dialect: .spark, exposuresTable: "analytics.exposures", eventsTable: "events", settings: settings)
        #expect(spark.parameters.isEmpty)
        #expect(spark.sql.contains("FROM `analytics`.`exposures` x"))
        #expect(spark.sql.contains("'it\\'s; DROP TABLE y'"))
        #expect(SQLDialect.spark.literal(.text("a\\'b")) == "'a\\\\\\'b'")
        #expect(SQLDialect.postgres.literal(.text("a'b")) == "'a''b'")
    }

    @Test func valuesNeverReachTheSQLiteQueryText() throws {
        // An experiment key and an event name that would break out of a literal find nothing.
        let logs = try SimulatedLogs(units: 300, seed: 2)
        defer { logs.remove() }
        let path = try SQLitePushDownTests.database(logs)
        var settings = Self.settings
        settings.experiment = "x' OR '1'='1"
        let query = try AggregationQuery(dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        #expect(try SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters).isEmpty)
    }
}
