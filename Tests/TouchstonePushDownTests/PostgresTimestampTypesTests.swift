import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstonePostgres
import TouchstoneTestSupport
import TouchstoneTime

/// The same logs stored with epoch-second, `TIMESTAMP` and `TIMESTAMPTZ` columns give the
/// in-process pipeline's result, window edges and sub-second values included, whatever the
/// session's time zone; kinds are detected from the catalogue and a wrong declaration refused.
@Suite(
    "Push-down on PostgreSQL timestamp columns",
    .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run"),
    .serialized)
struct PostgresTimestampTypesTests {
    /// Copies of two epoch tables as `TIMESTAMP` (the UTC wall clock) and `TIMESTAMPTZ`.
    struct Copies {
        var tables: [SQLTimestampKind: (exposures: String, events: String)]

        init(_ names: (exposures: String, events: String), session: PostgresSession) throws {
            tables = [.epoch: names]
            for (kind, conversion) in [(SQLTimestampKind.timestamp, "to_timestamp(\"timestamp\") AT TIME ZONE 'UTC'"), (.timestamptz, "to_timestamp(\"timestamp\")")] {
                let copy = (exposures: "\(names.exposures)_\(kind.rawValue)", events: "\(names.events)_\(kind.rawValue)")
                _ = try session.query("CREATE TABLE \(copy.exposures) AS SELECT unit_id, experiment, variant, \(conversion) AS \"timestamp\" FROM \(names.exposures)")
                _ = try session.query("CREATE TABLE \(copy.events) AS SELECT unit_id, \(conversion) AS \"timestamp\", event, value FROM \(names.events)")
                tables[kind] = copy
            }
        }

        func drop(session: PostgresSession) {
            for (kind, names) in tables where kind != .epoch {
                _ = try? session.query("DROP TABLE IF EXISTS \(names.exposures), \(names.events)")
            }
        }

        /// Every pairing worth checking: each kind in both tables, and mixed tables.
        static let pairings: [(SQLTimestampKind, SQLTimestampKind)] = [
            (.epoch, .epoch), (.timestamp, .timestamp), (.timestamptz, .timestamptz), (.epoch, .timestamptz), (.timestamp, .timestamptz),
        ]
    }

    /// Detects the kinds as `analyze --postgres` does, runs the query and returns the table.
    static func pushed(
        session: PostgresSession, exposures: String, events: String, settings: RawLogSettings, expected: SQLTimestampTypes
    ) throws -> ArmTable {
        let types = try PostgresPushDown.timestampTypes(
            session: session, exposures: .init(table: exposures, column: "timestamp", flag: "--exposures-table"),
            events: .init(table: events, column: "timestamp", flag: "--events-table"), declared: nil)
        #expect(types == expected)
        let query = try AggregationQuery(dialect: .postgres, exposuresTable: exposures, eventsTable: events, settings: settings, timestamps: types)
        let rows = try session.query(query.sql, parameters: query.parameters)
        return try PushDown.armTable(PushDown.powerSums(rows: rows))
    }

    @Test("simulated logs: every column kind equals the in-process analysis to 1e-9, in any session time zone")
    func simulatedLogs() throws {
        let logs = try SimulatedLogs(units: 4_000, seed: 21)
        defer { logs.remove() }
        let names = try PostgresFixture.load(logs, tag: "tskind")
        defer { PostgresFixture.drop(names) }
        let session = try PostgresSession(url: try #require(PostgresFixture.url))
        defer { session.close() }
        let copies = try Copies(names, session: session)
        defer { copies.drop(session: session) }
        for zone in ["UTC", "America/St_Johns", "Asia/Kathmandu"] {
            // EXTRACT(EPOCH …) of a TIMESTAMPTZ is an instant, of a TIMESTAMP the UTC reading: neither depends on this.
            _ = try session.query("SET TimeZone = '\(zone)'")
            for windowDays in [14, 3] as [Int64] {
                let settings = Scenarios.settings(covariates: true, windowDays: windowDays)
                let reference = try logs.inProcess(settings)
                for (x, e) in Copies.pairings {
                    let table = try Self.pushed(
                        session: session, exposures: try #require(copies.tables[x]?.exposures), events: try #require(copies.tables[e]?.events),
                        settings: settings, expected: .init(exposures: x, events: e))
                    expectAgreement(table, reference)
                }
            }
        }
    }

    @Test("window edges: events on every boundary counted as in process, for every column kind", arguments: WindowBoundaryTests.windows)
    func windowEdges(_ window: String) throws {
        let logs = try SimulatedLogs(exposures: WindowBoundaryTests.logs.exposures, events: WindowBoundaryTests.logs.events)
        defer { logs.remove() }
        let names = try PostgresFixture.load(logs, tag: "tsedge")
        defer { PostgresFixture.drop(names) }
        let session = try PostgresSession(url: try #require(PostgresFixture.url))
        defer { session.close() }
        let copies = try Copies(names, session: session)
        defer { copies.drop(session: session) }
        let settings = WindowBoundaryTests.settings(window: try TimeSpan(parsing: window))
        let reference = try logs.inProcess(settings)
        for (x, e) in Copies.pairings {
            let table = try Self.pushed(
                session: session, exposures: try #require(copies.tables[x]?.exposures), events: try #require(copies.tables[e]?.events),
                settings: settings, expected: .init(exposures: x, events: e))
            expectAgreement(table, reference, relative: 0)
        }
    }

    /// Sub-second timestamps keep their microseconds: t₀ itself has a fraction, and events one
    /// microsecond either side of each bound fall as they do in process (ISO 8601 text there).
    static let t0 = "2026-03-01T00:00:00.500000"
    static let subSecondEvents: [(name: String, at: String)] = [
        ("at_t0", "2026-03-01T00:00:00.500000"),
        ("one_microsecond_before", "2026-03-01T00:00:00.499999"),
        ("quarter_second_after", "2026-03-01T00:00:00.750000"),
        ("just_inside_quarter", "2026-03-01T00:00:00.749999"),
        ("last_microsecond_inside", "2026-03-02T00:00:00.499999"),
        ("at_t0_plus_W", "2026-03-02T00:00:00.500000"),
        ("at_t0_minus_W", "2026-02-28T00:00:00.500000"),
        ("before_pre_period", "2026-02-28T00:00:00.499999"),
    ]

    @Test("sub-second TIMESTAMP and TIMESTAMPTZ values: exact to the microsecond", arguments: ["1d", "0.25s", "86399.5s", "1.5s"])
    func subSecond(_ window: String) throws {
        var exposures = "unit_id,experiment,variant,timestamp\n", events = "unit_id,timestamp,event,value\n"
        for c in Self.subSecondEvents {
            exposures += "\(c.name),e,\(c.name),\(Self.t0)Z\n"
            events += "\(c.name),\(c.at)Z,buy,2.5\n"
        }
        let logs = try SimulatedLogs(exposures: exposures, events: events)
        defer { logs.remove() }
        let settings = WindowBoundaryTests.settings(window: try TimeSpan(parsing: window))
        let reference = try logs.inProcess(settings)
        if window == "1d" {
            // The in-process reading these edges stand on (its own tests prove the convention).
            #expect(WindowBoundaryTests.mean(reference, "buy", "last_microsecond_inside").y == 1)
            #expect(WindowBoundaryTests.mean(reference, "buy", "at_t0_plus_W").y == 0)
            #expect(WindowBoundaryTests.mean(reference, "buy", "one_microsecond_before").x == 1)
            #expect(WindowBoundaryTests.mean(reference, "buy", "before_pre_period").x == 0)
        }
        let session = try PostgresSession(url: try #require(PostgresFixture.url))
        defer { session.close() }
        _ = try session.query("SET TimeZone = 'America/St_Johns'")
        let suffix = UInt32.random(in: 0...UInt32.max)
        for kind in [SQLTimestampKind.timestamp, .timestamptz] {
            let type = kind == .timestamp ? "TIMESTAMP" : "TIMESTAMPTZ"
            let names = (exposures: "ts_subsec_x_\(kind.rawValue)_\(suffix)", events: "ts_subsec_e_\(kind.rawValue)_\(suffix)")
            defer { _ = try? session.query("DROP TABLE IF EXISTS \(names.exposures), \(names.events)") }
            _ = try session.query("CREATE TABLE \(names.exposures) (unit_id TEXT, experiment TEXT, variant TEXT, \"timestamp\" \(type))")
            _ = try session.query("CREATE TABLE \(names.events) (unit_id TEXT, \"timestamp\" \(type), event TEXT, value DOUBLE PRECISION)")
            for c in Self.subSecondEvents {
                // `Z` pins a TIMESTAMPTZ to UTC; a TIMESTAMP ignores it and keeps the UTC wall clock.
                _ = try session.query("INSERT INTO \(names.exposures) VALUES ('\(c.name)', 'e', '\(c.name)', '\(Self.t0)Z')")
                _ = try session.query("INSERT INTO \(names.events) VALUES ('\(c.name)', '\(c.at)Z', 'buy', 2.5)")
            }
            let table = try Self.pushed(session: session, exposures: names.exposures, events: names.events, settings: settings, expected: .init(kind))
            expectAgreement(table, reference, relative: 0)
        }
    }

    @Test func analyzeDetectsTimestamptzAndRefusesAWrongDeclaration() throws {
        let logs = try SimulatedLogs(units: 3_000, seed: 22)
        defer { logs.remove() }
        let names = try PostgresFixture.load(logs, tag: "tscli")
        defer { PostgresFixture.drop(names) }
        let url = try #require(PostgresFixture.url)
        let session = try PostgresSession(url: url)
        defer { session.close() }
        let copies = try Copies(names, session: session)
        defer { copies.drop(session: session) }
        let tz = try #require(copies.tables[.timestamptz])
        let common = ["--experiment", ExperimentSimulator.experimentKey, "--control", "control", "--metric", "purchase",
                      "--metric", "purchase:sum", "--metric", "session:count", "--pre-exposure-covariates", "--window", "3d",
                      "--format", "json", "--quiet"]
        let tables = ["--postgres", url, "--exposures-table", tz.exposures, "--events-table", tz.events]
        let pushed = try BinaryRunner.run(["analyze"] + tables + common)
        let declared = try BinaryRunner.run(["analyze"] + tables + ["--timestamp-type", "timestamptz"] + common)
        let local = try BinaryRunner.run(["analyze", "--exposures", logs.exposures.path, "--events", logs.events.path] + common)
        #expect(pushed.exitCode == 0, "\(pushed.stderr)")
        #expect(declared.exitCode == 0, "\(declared.stderr)")
        try expectSameAnalysis(pushed.stdout, local.stdout)
        try expectSameAnalysis(declared.stdout, local.stdout)

        let wrong = try BinaryRunner.run(["analyze"] + tables + ["--timestamp-type", "epoch"] + common)
        #expect(wrong.exitCode == 1)
        #expect(wrong.stdout.isEmpty)
        #expect(wrong.stderr == "Error: --timestamp-type epoch: \(tz.exposures).timestamp is timestamp with time zone (TIMESTAMPTZ), not integer epoch seconds; "
            + "declare --timestamp-type timestamptz or leave it out to detect it\n", "\(wrong.stderr)")

        let missing = try BinaryRunner.run(["analyze"] + tables + ["--exposure-columns", "unit_id,experiment,variant,ts"] + common)
        #expect(missing.exitCode == 1)
        #expect(missing.stderr == "Error: \(tz.exposures) has no column 'ts' (columns: unit_id, experiment, variant, timestamp)\n", "\(missing.stderr)")
    }
}
