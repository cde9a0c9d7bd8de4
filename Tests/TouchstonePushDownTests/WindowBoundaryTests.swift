import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstonePostgres
import TouchstoneStats
import TouchstoneTestSupport
import TouchstoneTime

/// One window convention, [start, end), in process and in every SQL engine: events exactly on
/// each boundary of the metric window, the retention days and the pre-period are counted in
/// exactly one window, and the in-process pipeline, SQLite and (with `TOUCHSTONE_TEST_POSTGRES`)
/// PostgreSQL agree unit by unit.
@Suite("Window boundaries: half-open everywhere")
struct WindowBoundaryTests {
    static let t0: Int64 = 1_772_323_200  // 2026-03-01T00:00:00Z
    static let day: Int64 = 86_400

    /// One unit per case, each in its own variant (so each arm's mean is that unit's value):
    /// (variant, event offset from t₀ in seconds, expected y for conversion, count, retention day 0,
    /// retention day 1, and the pre-period x for conversion and retention day 0) with W = 1 day.
    static let cases: [(name: String, offset: Int64, y: Double, count: Double, day0: Double, day1: Double, x: Double, xDay0: Double)] = [
        ("at_t0", 0, 1, 1, 1, 0, 0, 0),
        ("last_second_inside", day - 1, 1, 1, 1, 0, 0, 0),
        ("at_t0_plus_W", day, 0, 0, 0, 1, 0, 0),
        ("after_W", day + 1, 0, 0, 0, 1, 0, 0),
        ("at_t0_plus_2W", 2 * day, 0, 0, 0, 0, 0, 0),
        ("one_second_before", -1, 0, 0, 0, 0, 1, 1),
        ("at_t0_minus_W", -day, 0, 0, 0, 0, 1, 1),
        ("before_pre_period", -day - 1, 0, 0, 0, 0, 0, 0),
    ]

    static var logs: (exposures: String, events: String) {
        var exposures = "unit_id,experiment,variant,timestamp\n", events = "unit_id,timestamp,event,value\n"
        for c in cases {
            exposures += "\(c.name),e,\(c.name),\(t0)\n"
            events += "\(c.name),\(t0 + c.offset),buy,2.5\n"
        }
        return (exposures, events)
    }

    static let metrics = ["buy", "buy:count", "buy:sum", "buy:retention:0", "buy:retention:1"].compactMap(MetricDefinition.init(argument:))

    static func settings(window: TimeSpan) -> RawLogSettings {
        RawLogSettings(experiment: "e", metrics: metrics, window: window, preExposureCovariates: true, threads: 1)
    }

    static func mean(_ table: ArmTable, _ metric: String, _ arm: String) -> (y: Double?, x: Double?) {
        let statistics = table.metrics.first { $0.name == metric }?.arms[arm]
        return (statistics?.mean, statistics?.covariateMean)
    }

    @Test("each boundary event falls in exactly one window, in process")
    func inProcess() throws {
        let logs = try SimulatedLogs(exposures: Self.logs.exposures, events: Self.logs.events)
        defer { logs.remove() }
        let table = try logs.inProcess(Self.settings(window: TimeSpan(days: 1)))
        for c in Self.cases {
            #expect(Self.mean(table, "buy", c.name).y == c.y, "\(c.name)")
            #expect(Self.mean(table, "buy:count", c.name).y == c.count, "\(c.name)")
            #expect(Self.mean(table, "buy:sum", c.name).y == 2.5 * c.count, "\(c.name)")
            #expect(Self.mean(table, "buy:retention:0", c.name).y == c.day0, "\(c.name)")
            #expect(Self.mean(table, "buy:retention:1", c.name).y == c.day1, "\(c.name)")
            #expect(Self.mean(table, "buy", c.name).x == c.x, "\(c.name)")
            #expect(Self.mean(table, "buy:retention:0", c.name).x == c.xDay0, "\(c.name)")
            // Adjacent windows share no instant: metric window and pre-period never both count.
            #expect(!(c.y == 1 && c.x == 1), "\(c.name)")
        }
    }

    /// Windows of whole and fractional seconds: the SQL bounds are the ceilings that select the
    /// same whole-second deltas as the in-process microsecond comparison.
    static let windows: [String] = ["1d", "86399.5s", "1.5s", "2s"]

    @Test("SQLite push-down counts every boundary event as the in-process pipeline does", arguments: windows)
    func sqlite(_ window: String) throws {
        let logs = try SimulatedLogs(exposures: Self.logs.exposures, events: Self.logs.events)
        defer { logs.remove() }
        let path = logs.directory.appendingPathComponent("logs.sqlite").path
        try SQLiteQuery.execute(database: path, logs.statements(exposuresTable: "exposures", eventsTable: "events"))
        let settings = Self.settings(window: try TimeSpan(parsing: window))
        let query = try AggregationQuery(dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        let pushed = try PushDown.armTable(PushDown.powerSums(rows: SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters)))
        expectAgreement(pushed, try logs.inProcess(settings), relative: 0)
    }

    @Test(
        "PostgreSQL push-down counts every boundary event as the in-process pipeline does",
        .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES to run"), arguments: windows)
    func postgres(_ window: String) throws {
        let logs = try SimulatedLogs(exposures: Self.logs.exposures, events: Self.logs.events)
        defer { logs.remove() }
        let names = try PostgresFixture.load(logs, tag: "bounds")
        defer { PostgresFixture.drop(names) }
        let settings = Self.settings(window: try TimeSpan(parsing: window))
        let query = try AggregationQuery(dialect: .postgres, exposuresTable: names.exposures, eventsTable: names.events, settings: settings)
        let rows = try PostgresRunner.query(url: try #require(PostgresFixture.url), sql: query.sql, parameters: query.parameters)
        expectAgreement(try PushDown.armTable(PushDown.powerSums(rows: rows)), try logs.inProcess(settings), relative: 0)
    }
}
