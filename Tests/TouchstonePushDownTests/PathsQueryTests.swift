import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTestSupport
import TouchstoneTime

/// Runs ``PathsQuery`` on SQLite through the package's own SQLite binding.
enum SQLitePaths {
    /// A database file holding `log` as table `touchpoints`.
    static func database(_ log: TouchpointLog) throws -> String {
        let path = try temporaryDirectory().appendingPathComponent("touchpoints.sqlite").path
        try SQLiteQuery.execute(database: path, log.statements(table: "touchpoints"))
        return path
    }

    static func rows(_ database: String, _ log: TouchpointLog, lookback: TimeSpan?, viewLookback: TimeSpan?) throws -> [[String?]] {
        let query = try PathsQuery(dialect: .sqlite, table: "touchpoints", columns: log.columns, lookback: lookback, viewLookback: viewLookback)
        return try SQLiteQuery.rows(database: database, sql: query.sql, parameters: query.parameters)
    }

    static func paths(_ database: String, _ log: TouchpointLog, lookback: TimeSpan?, viewLookback: TimeSpan?) throws -> PathSet {
        try PathFileReader.read(rows: rows(database, log, lookback: lookback, viewLookback: viewLookback))
    }
}

@Suite("Attribution paths built in SQL (SQLite) equal the in-process builder")
struct SQLitePathsQueryTests {
    @Test("edge log: lookback edges, ties, twin conversions, repeat and non-converters, views vs clicks")
    func edges() throws {
        let log = TouchpointLog.edges
        let database = try SQLitePaths.database(log)
        #expect(LookbackCases.fractional != nil)
        for (lookback, viewLookback) in LookbackCases.all {
            let label = "lookback \(lookback.map(String.init(describing:)) ?? "none"), views \(viewLookback.map(String.init(describing:)) ?? "same")"
            let sql = try SQLitePaths.paths(database, log, lookback: lookback, viewLookback: viewLookback)
            expectSamePaths(sql, try log.inProcess(lookback: lookback, viewLookback: viewLookback), label)
        }
    }

    @Test("the edge log's journeys are the ones the rules give, worked out by hand")
    func edgesByHand() throws {
        let log = TouchpointLog.edges
        let table = PathTable(try SQLitePaths.paths(
            try SQLitePaths.database(log), log, lookback: TimeSpan(days: 7), viewLookback: TimeSpan(days: 1)))
        func row(_ path: String) -> [Double]? {
            table.rows[path.split(separator: " ").map(String.init)].map { [$0.conversions, $0.value, $0.nulls] }
        }
        // Touches at the conversion instant join it, whatever side of it they were written on;
        // `display` before `social` bytewise.
        #expect(row("search display social") == [1, 30, 0])
        // Twin conversions: the touch at their instant and the earlier one go to the conversion
        // without a channel (empty sorts first), `push` keeps its own touch.
        #expect(row("sms email") == [1, 7, 0])
        // `push` alone: edge (email exactly 7 days old dropped), twin, multi's second journey.
        #expect(row("push") == [3, 35, 0])
        #expect(row("email push") == [1, 7, 0])  // only `late`: edge's email is exactly 7 days old
        #expect(row("Zoo apple é-mail") == [1, 3, 0])  // bytes, not a locale
        #expect(row("email email") == [2.5, 80, 0])
        #expect(row("social") == [0, 0, 1])  // trailing null journey, first social 10 days before its end
        #expect(row("search search") == [0, 0, 1])
        // Views: exactly 1 day old dropped, 1 day − 1 s kept, at the instant kept; clicks keep 7 days.
        #expect(row("search social video") == [1, 50, 0])
        #expect(row("display email") == [1, 1, 0])  // the view on display expired, the click did not
        #expect(table.unattributed == (4, 18))  // bare (1 + 2, 9 + 4) and orphan (1, 5)
    }

    @Test("dense random log on an hourly clock (many ties), every lookback setting; file order does not matter")
    func dense() throws {
        let log = TouchpointLog.dense(units: 500, seed: 3)
        let shuffled = log.shuffled(seed: 5)
        let database = try SQLitePaths.database(log), shuffledDatabase = try SQLitePaths.database(shuffled)
        for (lookback, viewLookback) in LookbackCases.all {
            let local = try log.inProcess(lookback: lookback, viewLookback: viewLookback)
            #expect(local.count > 150)
            expectSamePaths(try SQLitePaths.paths(database, log, lookback: lookback, viewLookback: viewLookback), local, "dense")
            expectSamePaths(
                try SQLitePaths.paths(shuffledDatabase, shuffled, lookback: lookback, viewLookback: viewLookback), local,
                "dense, rows stored shuffled")
            expectSamePaths(try shuffled.inProcess(lookback: lookback, viewLookback: viewLookback), local, "dense, CSV shuffled")
        }
    }

    @Test("simulated log of 3,000 units (touchstone simulate journeys)")
    func simulated() throws {
        let log = try TouchpointLog.simulated(units: 3_000, seed: 11)
        let database = try SQLitePaths.database(log)
        for lookback in [nil, TimeSpan(days: 7)] {
            let local = try log.inProcess(lookback: lookback, viewLookback: nil)
            #expect(local.count > 500)
            expectSamePaths(try SQLitePaths.paths(database, log, lookback: lookback, viewLookback: nil), local, "simulated")
        }
    }

    @Test("rows the CSV reader refuses come back as a first 'touchstone error' row that the reader throws")
    func inputProblems() throws {
        let t = TouchpointLog.t0
        let good = TouchpointLog.Row(unit: "u", time: t, channel: "email", conversion: 0, type: "click")
        let cases: [(TouchpointLog.Row, String)] = [
            (.init(unit: "", time: t, channel: "email", conversion: 0, type: "click"), "1 row(s) with no unit id"),
            (.init(unit: "u", time: t, channel: nil, conversion: 0, type: nil), "1 row(s) with neither a channel nor a conversion"),
            (.init(unit: "u", time: t, channel: "   ", conversion: 0, type: nil), "1 row(s) with neither a channel nor a conversion"),
            (.init(unit: "u", time: t, channel: "email", conversion: -1, type: "click"), "1 row(s) with a NULL or negative conversion"),
            (.init(unit: "u", time: t, channel: "a>b", conversion: 0, type: "click"), "1 row(s) with a channel containing '>'"),
            (.init(unit: "u", time: t, channel: nil, conversion: 1, value: nil, type: nil), "1 conversion row(s) with no value"),
            (.init(unit: "u", time: t, channel: "email", conversion: 0, type: "impression"), "1 row(s) with a type other than click or view"),
            (.init(unit: "u", time: t, channel: "email", conversion: 0, type: nil), "1 row(s) with a type other than click or view"),
        ]
        for (bad, message) in cases {
            let log = TouchpointLog(rows: [good, bad, good], hasType: true)
            let rows = try SQLitePaths.rows(try SQLitePaths.database(log), log, lookback: nil, viewLookback: nil)
            #expect(rows.first?[0]?.hasPrefix("touchstone error: \(message)") == true, "\(rows.first ?? [])")
            #expect(throws: SQLError.self) { try PathFileReader.read(rows: rows) }
            do {
                _ = try PathFileReader.read(rows: rows)
            } catch {
                #expect("\(error)".contains("result row 1: \(message)"), "\(error)")
            }
        }
        // A NULL timestamp (the CSV cannot even spell it).
        let database = try SQLitePaths.database(TouchpointLog(rows: [good], hasType: true))
        try SQLiteQuery.execute(database: database, ["INSERT INTO touchpoints VALUES ('u', NULL, 'push', 0, 0, 'click')"])
        let rows = try SQLitePaths.rows(database, TouchpointLog(rows: [], hasType: true), lookback: nil, viewLookback: nil)
        #expect(rows.first?[0] == "touchstone error: 1 row(s) with no timestamp (NULL)")
        // ISO 8601 text and fractions (SQLite would read '2026-03-…' as 2026 and pass every lookback).
        for bad in ["'2026-03-10T07:44:35Z'", "1772598246.5"] {
            let database = try SQLitePaths.database(TouchpointLog(rows: [good], hasType: true))
            try SQLiteQuery.execute(database: database, ["INSERT INTO touchpoints VALUES ('u', \(bad), 'push', 0, 0, 'click')"])
            let rows = try SQLitePaths.rows(database, TouchpointLog(rows: [], hasType: true), lookback: nil, viewLookback: nil)
            #expect(rows.first?[0]?.hasPrefix("touchstone error: 1 row(s) whose timestamp is not integer epoch seconds") == true, "\(bad): \(rows.first ?? [])")
        }
        // Integer seconds stored as text (what `sqlite3 .import` makes of a CSV) are fine.
        let textDatabase = try SQLitePaths.database(TouchpointLog(rows: [good], hasType: true))
        try SQLiteQuery.execute(database: textDatabase, ["INSERT INTO touchpoints VALUES ('v', '1772598246', 'push', 0, 0, 'click')"])
        let textRows = try SQLitePaths.rows(textDatabase, TouchpointLog(rows: [], hasType: true), lookback: nil, viewLookback: nil)
        #expect(textRows.first?[0]?.hasPrefix("touchstone error") == false, "\(textRows.first ?? [])")
        // …and ordered as numbers: as text '999999000' sorts after '1000000500' (2001-09-09), which
        // put the conversion before the touch and made `push` the first touch.
        let digits = try SQLitePaths.database(TouchpointLog(rows: [], hasType: true))
        try SQLiteQuery.execute(database: digits, [
            "INSERT INTO touchpoints VALUES ('w', '999999000', 'email', 0, 0, 'click')",
            "INSERT INTO touchpoints VALUES ('w', '1000000500', 'push', 1, 5, 'click')",
        ])
        let ordered = try SQLitePaths.paths(digits, TouchpointLog(rows: [], hasType: true), lookback: nil, viewLookback: nil)
        #expect(PathTable(ordered).rows[["email", "push"]].map { [$0.conversions, $0.value, $0.nulls] } == [1, 5, 0])
        #expect(PathTable(ordered).rows.count == 1)
        // A NULL value on a touch-only row is fine (the value of a touch is never used).
        let touchValue = TouchpointLog(rows: [
            .init(unit: "u", time: t, channel: "email", conversion: 0, value: nil, type: "click"),
            .init(unit: "u", time: t + 1, channel: nil, conversion: 1, value: 3, type: nil),
        ], hasType: true)
        let paths = try SQLitePaths.paths(try SQLitePaths.database(touchValue), touchValue, lookback: nil, viewLookback: nil)
        #expect(PathTable(paths).rows[["email"]].map { [$0.conversions, $0.value, $0.nulls] } == [1, 3, 0])
    }

    @Test("hostile table and column names are refused, every dialect; --view-lookback needs a type column")
    func hostileNames() {
        for dialect in SQLDialect.allCases {
            for hostile in ["x; DROP TABLE y", "t\"; --", "a.b.c", "1abc", "", "e`x"] {
                #expect(throws: SQLError.self) { _ = try PathsQuery(dialect: dialect, table: hostile) }
                var columns = PathsQuery.Columns()
                columns.channel = hostile
                #expect(throws: SQLError.self) { _ = try PathsQuery(dialect: dialect, table: "touchpoints", columns: columns) }
            }
            #expect(throws: SQLError.self) {
                _ = try PathsQuery(dialect: dialect, table: "touchpoints", viewLookback: TimeSpan(days: 1))
            }
        }
    }

    @Test("the query binds the windows as parameters (SQLite, PostgreSQL) and inlines them for Spark")
    func parameters() throws {
        var columns = PathsQuery.Columns()
        columns.type = "kind"
        for dialect in SQLDialect.allCases {
            let query = try PathsQuery(
                dialect: dialect, table: "web.touchpoints", columns: columns, lookback: TimeSpan(days: 30),
                viewLookback: LookbackCases.fractional)
            #expect(query.parameters == (dialect == .spark ? [] : [.integer(86_401), .integer(2_592_000)]))
            #expect(query.sql.contains(dialect == .spark ? "ELSE 2592000 END" : "ELSE \(dialect == .sqlite ? "?2" : "$2") END"))
        }
    }

    @Test("TIMESTAMP columns: windows in exact microseconds; SQLite refuses them, Spark takes timestamptz only")
    func timestampKinds() throws {
        var columns = PathsQuery.Columns()
        columns.type = "kind"
        for kind in [SQLTimestampKind.timestamp, .timestamptz] {
            #expect(throws: SQLError("--timestamp-type \(kind.rawValue): SQLite tables hold timestamps as integer epoch seconds only (--timestamp-type epoch)")) {
                _ = try PathsQuery(dialect: .sqlite, table: "touchpoints", timestamps: kind)
            }
            let query = try PathsQuery(
                dialect: .postgres, table: "web.touchpoints", columns: columns, lookback: TimeSpan(days: 30),
                viewLookback: LookbackCases.fractional, timestamps: kind)
            #expect(query.parameters == [.integer(86_400_500_000), .integer(2_592_000_000_000)])
        }
        #expect(throws: SQLError.self) { _ = try PathsQuery(dialect: .spark, table: "touchpoints", timestamps: .timestamp) }
        let spark = try PathsQuery(
            dialect: .spark, table: "web.touchpoints", columns: columns, lookback: TimeSpan(days: 30),
            viewLookback: LookbackCases.fractional, timestamps: .timestamptz)
        #expect(spark.sql.contains("< CASE WHEN e.is_view = 1 THEN 86400500000 ELSE 2592000000000 END"))
    }

    @Test("an empty path in a paths file holds unattributed conversions; with nulls it is an error")
    func emptyPathInAFile() throws {
        let reader = try CSVReader(bytes: Array("path,total_conversions,total_conversion_value,total_null\na > b,2,5,1\n,3,7.5,0\n".utf8), name: "p.csv")
        let paths = try PathFileReader.read(reader)
        #expect(paths.count == 1)
        #expect(paths.unattributedConversions == 3)
        #expect(paths.unattributedValue == 7.5)
        let bad = try CSVReader(bytes: Array("path,total_conversions,total_conversion_value,total_null\n,3,7.5,2\n".utf8), name: "p.csv")
        #expect { try PathFileReader.read(bad) } throws: { error in
            (error as? DataError)?.description.hasPrefix("p.csv:2:4: an empty path holds unattributed conversions only") == true
        }
    }
}
