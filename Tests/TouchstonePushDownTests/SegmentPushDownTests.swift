import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstonePostgres
import TouchstoneStats
import TouchstoneTestSupport

/// Segmented settings: the agreement scenarios split by `country`.
private func segmented(covariates: Bool) -> RawLogSettings {
    var settings = Scenarios.settings(covariates: covariates)
    settings.segmentColumn = "country"
    return settings
}

private func bytewise(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

@Suite("Segments (--by) in the push-down on SQLite")
struct SQLiteSegmentTests {
    /// A SQLite file with `logs` as `exposures`/`events`; the country column is declared
    /// `COLLATE NOCASE` so a query relying on the column's collation would pick `de` over `FR`.
    static func database(_ logs: SegmentedLogs, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("segments.sqlite").path
        try SQLiteQuery.execute(
            database: path, logs.statements(exposuresTable: "exposures", eventsTable: "events", countryType: "TEXT COLLATE NOCASE"))
        return path
    }

    static func run(_ path: String, exposures: String = "exposures", events: String = "events", _ settings: RawLogSettings) throws -> [PowerSums] {
        let query = try AggregationQuery(dialect: .sqlite, exposuresTable: exposures, eventsTable: events, settings: settings)
        return try PushDown.powerSums(
            rows: SQLiteQuery.rows(database: path, sql: query.sql, parameters: query.parameters), segmented: query.isSegmented)
    }

    @Test("Each segment's sums equal the unsegmented query on that segment's units", arguments: [false, true])
    func eachSegmentEqualsTheUnsegmentedQueryOnItsUnits(covariates: Bool) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let logs = try SegmentedLogs(units: 4_000, seed: 11)
        let path = try Self.database(logs, in: directory)
        let sums = try Self.run(path, segmented(covariates: covariates))
        let split = try PushDown.segmentedArmTable(sums, column: "country")

        let segmentOf = logs.segments()
        let values = Set(segmentOf.values).sorted(by: bytewise)
        #expect(values == Set(SegmentedLogs.countries.map { $0 ?? "" }).sorted(by: bytewise))
        #expect(split.segments.map(\.value) == values)
        // Rows come ordered by segment, bytewise.
        let order = sums.compactMap(\.segment)
        #expect(order.count == sums.count)
        #expect(zip(order, order.dropFirst()).allSatisfy { !bytewise($1, $0) })

        for (index, value) in values.enumerated() {
            let units = Set(segmentOf.filter { $0.value == value }.keys)
            let (exposures, events) = ("exposures_\(index)", "events_\(index)")
            try SQLiteQuery.execute(database: path, logs.restricted(to: units).statements(exposuresTable: exposures, eventsTable: events))
            let alone = try Self.run(path, exposures: exposures, events: events, Scenarios.settings(covariates: covariates))
            #expect(!alone.isEmpty)
            expectSameSums(sums, segment: value, alone)
            let table = try #require(split.segments.first { $0.value == value }).table
            expectAgreement(table, try PushDown.armTable(alone))
        }
    }

    @Test("The overall table of the segmented query equals the unsegmented query's table", arguments: [false, true])
    func overallEqualsUnsegmented(covariates: Bool) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.database(try SegmentedLogs(units: 3_000, seed: 12), in: directory)
        let sums = try Self.run(path, segmented(covariates: covariates))
        let whole = try PushDown.armTable(Self.run(path, Scenarios.settings(covariates: covariates)))
        let overall = try PushDown.segmentedArmTable(sums, column: "country").overall
        expectAgreement(overall, whole)
        #expect(overall.units == whole.units)
        // `armTable` on split sums merges the segments the same way.
        #expect(try PushDown.armTable(sums) == overall)
    }

    @Test("Ties go to the bytewise-smallest value; NULL and empty are the segment ''")
    func tiesAndEmptyValues() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.database(TieCases.logs, in: directory)
        // The column's own collation would decide otherwise: the query must not rely on it.
        // (SQLite's COALESCE already drops it; in PostgreSQL only COLLATE "C" does: see its tie test.)
        #expect(try SQLiteQuery.rows(database: path, sql: "SELECT MIN(country) FROM exposures WHERE unit_id = 'u2'", parameters: [])
            == [["de"]])
        let sums = try Self.run(path, TieCases.settings)
        #expect(TieCases.units(sums) == TieCases.expected)
        #expect(!sums.contains { ["Ärzte", "de", "AT", "AAA"].contains($0.segment) })
        let purchases = sums.first { $0.segment == "Zoo" && $0.variant == "control" && $0.metric == "purchase:sum" }
        #expect(purchases?.sum.double == 12.5)
    }

    @Test("Split power sums round-trip through CSV and JSON")
    func splitPowerSumsRoundTrip() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Self.database(try SegmentedLogs(units: 1_500, seed: 13), in: directory)
        var sums = try Self.run(path, segmented(covariates: true))
        // Values CSV must quote, and ones it must keep exactly.
        for (index, awkward) in ["a,b", "say \"hi\"", " padded ", "line\nbreak"].enumerated() {
            sums.append(PowerSums(
                variant: "control", metric: "purchase", units: Int64(index + 1), sum: .integer(1), sumOfSquares: .integer(1),
                covariate: .init(sum: .integer(0), sumOfSquares: .integer(0), crossProducts: .integer(0)), segment: awkward))
        }
        let csv = directory.appendingPathComponent("sums.csv"), json = directory.appendingPathComponent("sums.json")
        try SufficientStatisticsFormat.csv(sums).write(to: csv, atomically: true, encoding: .utf8)
        try SufficientStatisticsFormat.json(sums).write(to: json, atomically: true, encoding: .utf8)
        #expect(try String(contentsOf: csv, encoding: .utf8).hasPrefix("variant,segment,metric,units,"))
        #expect(try SufficientStatisticsFormat.read(path: csv.path) == sums)
        #expect(try SufficientStatisticsFormat.read(path: json.path) == sums)
        #expect(sums.contains { $0.segment == "" } && sums.contains { $0.segment == "Ärzte" })
    }
}

@Suite("Segment parsing and tables")
struct SegmentTableTests {
    static func row(_ segment: String?, _ variant: String, _ metric: String = "purchase", units: Int64, ones: Int64) -> PowerSums {
        PowerSums(variant: variant, metric: metric, units: units, sum: .integer(ones), sumOfSquares: .integer(ones), segment: segment)
    }

    @Test("A segment without an arm has no such arm; the overall table adds the segments")
    func segmentMayLackAnArm() throws {
        let sums = [
            Self.row("DE", "control", units: 10, ones: 2), Self.row("DE", "email", units: 12, ones: 3),
            Self.row("FR", "control", units: 5, ones: 1),
        ]
        let split = try PushDown.segmentedArmTable(sums, column: "country")
        #expect(split.column == "country")
        #expect(split.segments.map(\.value) == ["DE", "FR"])
        let france = try #require(split.segments.last).table
        #expect(france.variants == ["control"])
        #expect(france.units == ["control": 5])
        #expect(france.metrics[0].arms["email"] == nil)
        #expect(split.overall.units == ["control": 15, "email": 12])
        #expect(isClose(split.overall.metrics[0].arms["control"]?.mean ?? .nan, 3.0 / 15, relative: 1e-15))
    }

    @Test("Units of one (segment, variant) must agree across metrics; duplicates and mixed rows are refused")
    func inconsistentRowsAreRefused() {
        #expect {
            _ = try PushDown.segmentedArmTable(
                [Self.row("DE", "control", units: 10, ones: 2), Self.row("DE", "control", "purchase:count", units: 11, ones: 2)],
                column: "country")
        } throws: { "\($0)".contains("segment 'DE': variant 'control' has 10 units in one row and 11 in another") }
        #expect {
            _ = try PushDown.segmentedArmTable(
                [Self.row("DE", "control", units: 10, ones: 2), Self.row("DE", "control", units: 10, ones: 2)], column: "country")
        } throws: { "\($0)".contains("segment 'DE': variant 'control', metric 'purchase' appears twice") }
        // The same variant in two segments with different counts is fine.
        #expect(throws: Never.self) {
            _ = try PushDown.segmentedArmTable(
                [Self.row("DE", "control", units: 10, ones: 2), Self.row("FR", "control", units: 11, ones: 2)], column: "country")
        }
        #expect {
            _ = try PushDown.segmentedArmTable([Self.row(nil, "control", units: 10, ones: 2)], column: "country")
        } throws: { "\($0)".contains("has no segment: the statistics are not split by 'country'") }
        #expect {
            _ = try PushDown.armTable([Self.row(nil, "control", units: 10, ones: 2), Self.row("DE", "email", units: 10, ones: 2)])
        } throws: { "\($0)".contains("1 of 2 rows have a segment") }
        // A metric missing in one segment's arm.
        #expect {
            _ = try PushDown.segmentedArmTable(
                [Self.row("DE", "control", units: 10, ones: 2), Self.row("FR", "control", "purchase:count", units: 4, ones: 2),
                 Self.row("FR", "control", units: 4, ones: 1)], column: "country")
        } throws: { "\($0)".contains("segment 'DE': metric 'purchase:count' has no row for variant 'control'") }
    }

    @Test("Result rows are read by the query's shape")
    func rowsFollowTheQueryShape() throws {
        let row: [String?] = ["control", "DE", "purchase", "10", "2", "2"]
        #expect(try PushDown.powerSums(rows: [row], segmented: true) == [Self.row("DE", "control", units: 10, ones: 2)])
        #expect(throws: SQLError.self) { _ = try PushDown.powerSums(rows: [row]) }
        #expect(throws: SQLError.self) { _ = try PushDown.powerSums(rows: [Array(row.dropFirst(2))], segmented: true) }
        #expect { _ = try PushDown.powerSums(rows: [["control", nil, "purchase", "10", "2", "2"]], segmented: true) }
            throws: { "\($0)".contains("NULL segment") }
        let covariate: [String?] = ["control", "", "purchase", "10", "2", "2", "1", "1", "1"]
        #expect(try PushDown.powerSums(rows: [covariate], segmented: true).first?.segment == "")
    }

    @Test("A hostile or qualified --by column is refused", arguments: SQLDialect.allCases)
    func hostileSegmentColumnIsRefused(dialect: SQLDialect) {
        for hostile in ["x; DROP TABLE y", "country\"; DROP TABLE y; --", "c`x", "", "1st"] {
            var settings = Scenarios.settings(covariates: false)
            settings.segmentColumn = hostile
            #expect {
                _ = try AggregationQuery(dialect: dialect, exposuresTable: "exposures", eventsTable: "events", settings: settings)
            } throws: { "\($0)".contains("--by '\(hostile)' is not a valid table or column name") }
        }
        var settings = Scenarios.settings(covariates: false)
        settings.segmentColumn = "analytics.country"
        #expect {
            _ = try AggregationQuery(dialect: dialect, exposuresTable: "exposures", eventsTable: "events", settings: settings)
        } throws: { "\($0)".contains("--by 'analytics.country' must be a plain column name") }
    }

    @Test("The segment column is quoted, compared bytewise and leads the order", arguments: SQLDialect.allCases)
    func segmentedQueryShape(dialect: SQLDialect) throws {
        let query = try AggregationQuery(dialect: dialect, exposuresTable: "exposures", eventsTable: "events", settings: segmented(covariates: false))
        let plain = try AggregationQuery(dialect: dialect, exposuresTable: "exposures", eventsTable: "events", settings: Scenarios.settings(covariates: false))
        #expect(query.isSegmented && !plain.isSegmented)
        let column = dialect.quote(try SQLIdentifier(column: "country", what: "test"))
        #expect(query.sql.contains("COALESCE(CAST(x.\(column) AS \(dialect.textType)), '') AS segment"))
        #expect(query.sql.contains("MIN(\(dialect.bytewise("CASE WHEN l.kind = 0 AND l.ts = l.t0 THEN l.segment END"))), '') AS segment"))
        #expect(query.sql.contains("ORDER BY \(dialect.bytewise("a.segment")), a.variant, k.metric_index"))
        // SQLite's variant carries the timestamp check's refusal (AggregationQuery, "touchstone_checks").
        let variant = dialect == .sqlite ? " ELSE \(dialect.exactOutput("a.variant")) END" : "SELECT \(dialect.exactOutput("a.variant"))"
        #expect(query.sql.contains("\(variant) AS variant,\n       a.segment AS segment,"))
        #expect(!plain.sql.contains("segment"))
        // The experiment key is bound once, whichever CTE uses it.
        #expect(query.parameters == plain.parameters)
    }
}

@Suite(
    "Segments (--by) in the push-down on PostgreSQL",
    .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run"))
struct PostgresSegmentTests {
    /// A locale collation for the country column where the server has ICU: then a query that
    /// relied on the column's collation would pick `Ärzte` over `Zoo`.
    static func countryType(url: String) throws -> String {
        let icu = try PostgresRunner.query(url: url, sql: "SELECT collname FROM pg_collation WHERE collname = 'und-x-icu'", parameters: [])
        return icu.isEmpty ? "TEXT" : "TEXT COLLATE \"und-x-icu\""
    }

    static func load(_ logs: SegmentedLogs, url: String, tag: String) throws -> (exposures: String, events: String) {
        let suffix = "\(tag)_\(UInt32.random(in: 0...UInt32.max))"
        let names = (exposures: "ts_seg_exposures_\(suffix)", events: "ts_seg_events_\(suffix)")
        let statements = logs.statements(
            exposuresTable: names.exposures, eventsTable: names.events, countryType: try countryType(url: url), batch: 5_000)
        for statement in statements { _ = try PostgresRunner.query(url: url, sql: statement, parameters: []) }
        return names
    }

    static func run(url: String, _ names: (exposures: String, events: String), _ settings: RawLogSettings) throws -> [PowerSums] {
        let query = try AggregationQuery(dialect: .postgres, exposuresTable: names.exposures, eventsTable: names.events, settings: settings)
        return try PushDown.powerSums(
            rows: PostgresRunner.query(url: url, sql: query.sql, parameters: query.parameters), segmented: query.isSegmented)
    }

    @Test("Each segment's sums equal the unsegmented query on its units; the overall table equals the unsegmented one")
    func segmentsMatchRestrictedQueries() throws {
        let url = try #require(PostgresFixture.url)
        let logs = try SegmentedLogs(units: 3_000, seed: 21)
        var created: [(exposures: String, events: String)] = []
        defer { created.forEach(PostgresFixture.drop) }
        let names = try Self.load(logs, url: url, tag: "all")
        created.append(names)
        let sums = try Self.run(url: url, names, segmented(covariates: true))
        let split = try PushDown.segmentedArmTable(sums, column: "country")

        let segmentOf = logs.segments()
        let values = Set(segmentOf.values).sorted(by: bytewise)
        #expect(split.segments.map(\.value) == values)
        let order = sums.compactMap(\.segment)
        #expect(zip(order, order.dropFirst()).allSatisfy { !bytewise($1, $0) }, "PostgreSQL orders segments bytewise")
        for (index, value) in values.enumerated() {
            let units = Set(segmentOf.filter { $0.value == value }.keys)
            let restricted = try Self.load(logs.restricted(to: units), url: url, tag: "s\(index)")
            created.append(restricted)
            let alone = try Self.run(url: url, restricted, Scenarios.settings(covariates: true))
            expectSameSums(sums, segment: value, alone)
        }
        let whole = try PushDown.armTable(Self.run(url: url, names, Scenarios.settings(covariates: true)))
        expectAgreement(split.overall, whole)
        #expect(split.overall.units == whole.units)
    }

    @Test("Ties: PostgreSQL picks the bytewise-smallest value, as SQLite does")
    func tiesAgreeWithSQLite() throws {
        let url = try #require(PostgresFixture.url)
        let names = try Self.load(TieCases.logs, url: url, tag: "ties")
        defer { PostgresFixture.drop(names) }
        if try Self.countryType(url: url) != "TEXT" {
            // The column's collation alone would pick 'Ärzte': COLLATE "C" is what decides.
            let min = try PostgresRunner.query(
                url: url, sql: "SELECT MIN(country) FROM \(names.exposures) WHERE unit_id = 'u1'", parameters: [])
            #expect(min == [["Ärzte"]])
        }
        let postgres = try Self.run(url: url, names, TieCases.settings)
        #expect(TieCases.units(postgres) == TieCases.expected)

        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try SQLiteSegmentTests.run(SQLiteSegmentTests.database(TieCases.logs, in: directory), TieCases.settings)
        #expect(TieCases.units(postgres) == TieCases.units(sqlite))
        #expect(postgres.map(\.segment) == sqlite.map(\.segment), "same rows in the same (bytewise) order")
        #expect(postgres.map(\.sum.double) == sqlite.map(\.sum.double))
    }
}
