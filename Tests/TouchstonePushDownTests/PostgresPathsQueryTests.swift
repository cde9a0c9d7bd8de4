import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstonePostgres
import TouchstoneTestSupport
import TouchstoneTime

/// Loads touchpoint logs into PostgreSQL (`TOUCHSTONE_TEST_POSTGRES`).
enum PostgresTouchpoints {
    /// A locale collation for the channel column when the server has one (ICU's English), so the
    /// tests show the query orders channels by bytes whatever the column's collation says.
    static let localeCollation: String? = {
        guard let url = PostgresFixture.url else { return nil }
        let rows = try? PostgresRunner.query(url: url, sql: "SELECT collname FROM pg_collation WHERE collname = 'en-x-icu'", parameters: [])
        return rows?.isEmpty == false ? "en-x-icu" : nil
    }()

    /// Loads `log` into a fresh table, its timestamp column of kind `timestamps`, and returns
    /// its name; `drop` removes it.
    static func load(_ log: TouchpointLog, tag: String, timestamps: SQLTimestampKind = .epoch) throws -> String {
        let url = try #require(PostgresFixture.url)
        let table = "ts_touchpoints_\(tag)_\(UInt32.random(in: 0...UInt32.max))"
        for statement in log.statements(table: table, batch: 5_000, channelCollation: localeCollation, timestamps: timestamps) {
            _ = try PostgresRunner.query(url: url, sql: statement, parameters: [])
        }
        return table
    }

    static func drop(_ table: String) {
        guard let url = PostgresFixture.url else { return }
        _ = try? PostgresRunner.query(url: url, sql: "DROP TABLE IF EXISTS \(table)", parameters: [])
    }

    static func paths(_ table: String, _ log: TouchpointLog, lookback: TimeSpan?, viewLookback: TimeSpan?) throws -> PathSet {
        let url = try #require(PostgresFixture.url)
        let query = try PathsQuery(dialect: .postgres, table: table, columns: log.columns, lookback: lookback, viewLookback: viewLookback)
        return try PathFileReader.read(rows: PostgresRunner.query(url: url, sql: query.sql, parameters: query.parameters))
    }
}

@Suite(
    "Attribution paths built in SQL (PostgreSQL) equal the in-process builder",
    .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run"))
struct PostgresPathsQueryTests {
    @Test("edge log and dense random log (many ties), every lookback setting, channel column in a locale collation")
    func edgesAndDense() throws {
        for (name, log) in [("edges", TouchpointLog.edges), ("dense", TouchpointLog.dense(units: 500, seed: 3))] {
            let table = try PostgresTouchpoints.load(log, tag: name)
            defer { PostgresTouchpoints.drop(table) }
            for (lookback, viewLookback) in LookbackCases.all {
                expectSamePaths(
                    try PostgresTouchpoints.paths(table, log, lookback: lookback, viewLookback: viewLookback),
                    try log.inProcess(lookback: lookback, viewLookback: viewLookback),
                    "\(name), lookback \(lookback.map(String.init(describing:)) ?? "none"), views \(viewLookback.map(String.init(describing:)) ?? "same")")
            }
        }
    }

    @Test("simulated log of 3,000 units (touchstone simulate journeys)")
    func simulated() throws {
        let log = try TouchpointLog.simulated(units: 3_000, seed: 11)
        let table = try PostgresTouchpoints.load(log, tag: "sim")
        defer { PostgresTouchpoints.drop(table) }
        for lookback in [nil, TimeSpan(days: 7)] {
            expectSamePaths(
                try PostgresTouchpoints.paths(table, log, lookback: lookback, viewLookback: nil),
                try log.inProcess(lookback: lookback, viewLookback: nil), "simulated")
        }
    }

    @Test("a refused row comes back as a 'touchstone error' row")
    func inputProblem() throws {
        let t = TouchpointLog.t0
        let log = TouchpointLog(rows: [
            .init(unit: "u", time: t, channel: "a > b", conversion: 0, type: "click"),
            .init(unit: "u", time: t + 1, channel: nil, conversion: 1, value: nil, type: nil),
        ], hasType: true)
        let table = try PostgresTouchpoints.load(log, tag: "bad")
        defer { PostgresTouchpoints.drop(table) }
        #expect {
            _ = try PostgresTouchpoints.paths(table, log, lookback: nil, viewLookback: nil)
        } throws: { error in
            "\(error)".hasPrefix("result row 1: 1 conversion row(s) with no value (NULL)")
        }
    }
}
