import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstonePostgres
import TouchstoneTestSupport
import TouchstoneTime

/// Touchpoint tables whose timestamp column is `TIMESTAMP` or `TIMESTAMPTZ` give the paths the
/// in-process builder gives on the same log written as ISO 8601 text: whole-second and
/// sub-second lookback edges, ties, in any session time zone; the kind is detected from the
/// catalogue, a wrong declaration refused, and instants the reader refuses are reported.
@Suite(
    "Attribution paths from TIMESTAMP and TIMESTAMPTZ touchpoint columns (PostgreSQL)",
    .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run"))
struct PostgresTimestampPathsTests {
    static let kinds: [SQLTimestampKind] = [.timestamp, .timestamptz]

    static func column(_ table: String) -> PostgresPushDown.TimestampColumn {
        .init(table: table, column: "timestamp", flag: "--touchpoints-table")
    }

    static func paths(
        session: PostgresSession, table: String, log: TouchpointLog, kind: SQLTimestampKind, lookback: TimeSpan?, viewLookback: TimeSpan?
    ) throws -> PathSet {
        let query = try PathsQuery(
            dialect: .postgres, table: table, columns: log.columns, lookback: lookback, viewLookback: viewLookback, timestamps: kind)
        return try PathFileReader.read(rows: session.query(query.sql, parameters: query.parameters))
    }

    @Test(
        "whole-second edges, sub-second edges and a dense log with fractions: every lookback, detected kind, any session zone",
        arguments: [SQLTimestampKind.timestamp, .timestamptz])
    func agreement(_ kind: SQLTimestampKind) throws {
        let session = try PostgresSession(url: try #require(PostgresFixture.url))
        defer { session.close() }
        // 1 µs and 0.75 s: windows far below a second, exact only in microseconds.
        let windows: [(lookback: TimeSpan?, viewLookback: TimeSpan?)] = LookbackCases.all + [
            (lookback: TimeSpan(microseconds: 1), viewLookback: nil),
            (lookback: TimeSpan(microseconds: 750_000), viewLookback: TimeSpan(microseconds: 1)),
        ]
        let logs = [
            ("edges", TouchpointLog.edges), ("subsecond", .subSecondEdges), ("dense", TouchpointLog.dense(units: 500, seed: 3).withFractions(seed: 5)),
        ]
        for (name, log) in logs {
            let table = try PostgresTouchpoints.load(log, tag: name, timestamps: kind)
            defer { PostgresTouchpoints.drop(table) }
            #expect(try PostgresPushDown.timestampKind(session: session, of: Self.column(table), declared: nil) == kind)
            // A TIMESTAMPTZ is an instant and a TIMESTAMP is read as UTC: the session's zone changes nothing.
            for zone in ["UTC", "America/St_Johns", "Asia/Kathmandu"] {
                _ = try session.query("SET TimeZone = '\(zone)'")
                for (lookback, viewLookback) in windows {
                    expectSamePaths(
                        try Self.paths(session: session, table: table, log: log, kind: kind, lookback: lookback, viewLookback: viewLookback),
                        try log.inProcess(lookback: lookback, viewLookback: viewLookback, iso: true),
                        "\(kind.rawValue) \(name) in \(zone), lookback \(lookback.map(String.init(describing:)) ?? "none"), "
                            + "views \(viewLookback.map(String.init(describing:)) ?? "same")")
                }
            }
        }
    }

    @Test("the sub-second edges fall where the rules say, worked out by hand (7d clicks, 1d views)")
    func subSecondByHand() throws {
        let log = TouchpointLog.subSecondEdges
        let table = try PostgresTouchpoints.load(log, tag: "hand", timestamps: .timestamptz)
        defer { PostgresTouchpoints.drop(table) }
        let session = try PostgresSession(url: try #require(PostgresFixture.url))
        defer { session.close() }
        let sql = PathTable(try Self.paths(
            session: session, table: table, log: log, kind: .timestamptz, lookback: TimeSpan(days: 7), viewLookback: TimeSpan(days: 1)))
        let expected: [[String]: [Double]] = [
            ["m_new"]: [1, 1, 0], ["tr_in"]: [1, 2, 0], ["h_out", "h_in"]: [1, 3, 0], ["tb", "ta"]: [1, 4, 0], ["tc"]: [0, 0, 1],
            ["v_click", "v_in"]: [1, 5, 0], ["o_touch"]: [1, 6, 0],
        ]
        #expect(sql.rows.mapValues { [$0.conversions, $0.value, $0.nulls] } == expected)
        #expect(sql.unattributed.conversions == 0)
        // At 1 day + 0.5 s the touch exactly that old goes, the one a microsecond younger stays.
        let fractional = PathTable(try Self.paths(
            session: session, table: table, log: log, kind: .timestamptz, lookback: LookbackCases.fractional, viewLookback: nil))
        #expect(fractional.rows[["h_in"]].map { [$0.conversions, $0.value] } == [1, 3])
        #expect(fractional.rows[["h_out", "h_in"]] == nil)
    }

    @Test("a declaration that does not match the column is refused; text is refused; epoch still detected")
    func declarations() throws {
        let session = try PostgresSession(url: try #require(PostgresFixture.url))
        defer { session.close() }
        let log = TouchpointLog.edges
        let tz = try PostgresTouchpoints.load(log, tag: "decl", timestamps: .timestamptz)
        defer { PostgresTouchpoints.drop(tz) }
        let epoch = try PostgresTouchpoints.load(log, tag: "decl", timestamps: .epoch)
        defer { PostgresTouchpoints.drop(epoch) }
        #expect(try PostgresPushDown.timestampKind(session: session, of: Self.column(epoch), declared: .epoch) == .epoch)
        #expect(try PostgresPushDown.timestampKind(session: session, of: Self.column(tz), declared: .timestamptz) == .timestamptz)
        for declared in [SQLTimestampKind.epoch, .timestamp] {
            #expect {
                _ = try PostgresPushDown.timestampKind(session: session, of: Self.column(tz), declared: declared)
            } throws: { error in
                (error as? SQLError)?.message == "--timestamp-type \(declared.rawValue): \(tz).timestamp is timestamp with time zone (TIMESTAMPTZ), "
                    + "not \(declared.typeName); declare --timestamp-type timestamptz or leave it out to detect it"
            }
        }
        _ = try session.query("ALTER TABLE \(epoch) ALTER COLUMN \"timestamp\" TYPE TEXT")
        #expect {
            _ = try PostgresPushDown.timestampKind(session: session, of: Self.column(epoch), declared: nil)
        } throws: { error in
            (error as? SQLError)?.message == "\(epoch).timestamp is text: timestamps must be integer epoch seconds (bigint, integer), timestamp or timestamptz"
        }
    }

    @Test("NULL, infinite and out-of-range instants come back as 'touchstone error' rows", arguments: [SQLTimestampKind.timestamp, .timestamptz])
    func refusedInstants(_ kind: SQLTimestampKind) throws {
        let session = try PostgresSession(url: try #require(PostgresFixture.url))
        defer { session.close() }
        let good = TouchpointLog(rows: [
            .init(unit: "u", time: TouchpointLog.t0, channel: "email", conversion: 0, type: "click"),
            .init(unit: "u", time: TouchpointLog.t0 + 1, channel: nil, conversion: 1, value: 2, type: nil),
        ], hasType: true)
        // The reader's own range is 0001-01-01 … 9999-12-31T23:59:59.999999: its ends are fine.
        for edge in ["'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'"] {
            let table = try PostgresTouchpoints.load(good, tag: "range", timestamps: kind)
            defer { PostgresTouchpoints.drop(table) }
            _ = try session.query("INSERT INTO \(table) VALUES ('v', \(edge), 'push', 0, 0, 'click')")
            let paths = try Self.paths(session: session, table: table, log: good, kind: kind, lookback: nil, viewLookback: nil)
            #expect(PathTable(paths).rows[["push"]]?.nulls == 1, "\(edge)")
        }
        let cases = [
            ("NULL", "touchstone error: 1 row(s) with no timestamp (NULL)"),
            ("'infinity'", "touchstone error: 1 row(s) whose timestamp is outside years 0001-9999 (or infinite)"),
            ("'-infinity'", "touchstone error: 1 row(s) whose timestamp is outside years 0001-9999 (or infinite)"),
            ("'10000-01-01 00:00:00'", "touchstone error: 1 row(s) whose timestamp is outside years 0001-9999 (or infinite)"),
            ("'294276-12-01 00:00:00'", "touchstone error: 1 row(s) whose timestamp is outside years 0001-9999 (or infinite)"),
            ("'0001-12-31 23:59:59 BC'", "touchstone error: 1 row(s) whose timestamp is outside years 0001-9999 (or infinite)"),
        ]
        for (value, message) in cases {
            let table = try PostgresTouchpoints.load(good, tag: "bad", timestamps: kind)
            defer { PostgresTouchpoints.drop(table) }
            _ = try session.query("INSERT INTO \(table) VALUES ('v', \(value), 'push', 0, 0, 'click')")
            let query = try PathsQuery(dialect: .postgres, table: table, columns: good.columns, lookback: TimeSpan(days: 7), timestamps: kind)
            let rows = try session.query(query.sql, parameters: query.parameters)
            #expect(rows.first?[0]?.hasPrefix(message) == true, "\(value): \(rows.first ?? [])")
            #expect(throws: SQLError.self) { try PathFileReader.read(rows: rows) }
        }
    }
}
