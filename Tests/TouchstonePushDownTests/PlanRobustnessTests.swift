import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstonePostgres
import TouchstoneTestSupport
import TouchstoneTime

/// The push-down query cannot be planned quadratically: it joins no log to anything (exposure and
/// event rows are stacked, t₀ comes from a window function, one GROUP BY unit aggregates), so
/// an engine without table statistics cannot nest loops over the two logs. Checked three ways,
/// none timed: the query's shape in every dialect, SQLite's instruction count as the data grows,
/// and PostgreSQL's plan on freshly loaded, never analysed tables.
@Suite("Push-down plans are linear in the data")
struct PlanRobustnessTests {
    /// Every shape the query takes: plain, covariates, segments, ratios.
    static var variants: [(String, RawLogSettings)] {
        var segmented = Scenarios.settings(covariates: true)
        segmented.segmentColumn = "country"
        var ratios = Scenarios.settings(covariates: false)
        ratios.ratios = [RawLogSettings.Ratio(argument: "rps=purchase:sum/session:count")].compactMap { $0 }
        return [("plain", Scenarios.settings(covariates: false)), ("covariates", Scenarios.settings(covariates: true)),
                ("segments", segmented), ("ratios", ratios)]
    }

    @Test("every dialect's query reads each log once and joins only the arms with the metric names", arguments: SQLDialect.allCases)
    func shape(_ dialect: SQLDialect) throws {
        for (name, settings) in Self.variants {
            let sql = try AggregationQuery(dialect: dialect, exposuresTable: "exposures_log", eventsTable: "events_log", settings: settings).sql
            // Comments aside (they may say "join"), the query text.
            let upper = sql.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n").uppercased()
            #expect(upper.components(separatedBy: " JOIN ").count == 2, "\(dialect) \(name): one join only")
            #expect(upper.contains("FROM TOUCHSTONE_ARMS A CROSS JOIN TOUCHSTONE_METRICS K"), "\(dialect) \(name)")
            #expect(sql.components(separatedBy: "exposures_log").count == 2, "\(dialect) \(name): exposures read once")
            #expect(sql.components(separatedBy: "events_log").count == 2, "\(dialect) \(name): events read once")
            #expect(upper.contains("UNION ALL") && upper.contains("OVER (PARTITION BY L.UNIT_ID)"), "\(dialect) \(name)")
        }
    }

    @Test("SQLite's work grows with the data, not with its square (instruction counts, 1,500 → 6,000 units)")
    func sqliteWorkIsLinear() throws {
        var steps: [Int] = []
        for units in [1_500, 6_000] {
            let logs = try SimulatedLogs(units: units, seed: 21)
            defer { logs.remove() }
            let path = logs.directory.appendingPathComponent("logs.sqlite").path
            try SQLiteQuery.execute(database: path, logs.statements(exposuresTable: "exposures", eventsTable: "events"))
            let query = try AggregationQuery(
                dialect: .sqlite, exposuresTable: "exposures", eventsTable: "events", settings: Scenarios.settings(covariates: true))
            steps.append(try SQLiteQuery.virtualMachineSteps(database: path, sql: query.sql, parameters: query.parameters))
        }
        // Four times the data: ×4 for linear work, a little more for the sorts (n log n), ×16 for
        // a nested loop over units and events.
        let ratio = Double(steps[1]) / Double(steps[0])
        // Measured: 2,297,806 → 9,183,930 instructions (×4.0); the join-based query it replaced
        // nested loops on fresh PostgreSQL tables (over 5 minutes at 50,000 units).
        #expect(ratio > 3.5 && ratio < 5.5, "instruction counts \(steps), ratio \(ratio)")
    }

    @Test(
        "PostgreSQL plans no join over a log on tables just loaded, without ANALYZE",
        .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES to run"))
    func postgresPlanOnFreshTables() throws {
        let logs = try SimulatedLogs(units: 3_000, seed: 22)
        defer { logs.remove() }
        let names = try PostgresFixture.load(logs, tag: "plan")
        defer { PostgresFixture.drop(names) }
        let url = try #require(PostgresFixture.url)
        let analysed = try PostgresRunner.query(
            url: url, sql: "SELECT CAST(count(*) AS TEXT) FROM pg_stat_user_tables WHERE relname IN ($1, $2) AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)",
            parameters: [.text(names.exposures), .text(names.events)])
        let analysedCount: String? = analysed.first?.first ?? nil
        #expect(analysedCount == "0", "the tables must not have statistics yet: \(analysed)")
        // The PostgreSQL loader has no segment column (SegmentPushDownTests covers segments there).
        for (name, settings) in Self.variants where settings.segmentColumn == nil {
            let query = try AggregationQuery(dialect: .postgres, exposuresTable: names.exposures, eventsTable: names.events, settings: settings)
            let rows = try PostgresRunner.query(url: url, sql: "EXPLAIN (FORMAT JSON) " + query.sql, parameters: query.parameters)
            let text = try #require(rows.first?.first ?? nil)
            let plan = try #require((try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])?.first?["Plan"] as? [String: Any])
            let logs: Set<String> = [names.exposures, names.events]
            let offending = Self.joinsOverLogs(plan, logs: logs)
            #expect(offending.isEmpty, "\(name): joins reading a log row by row: \(offending)\n\(text)")
            #expect(Self.scans(plan, logs: logs) == 2, "\(name): each log scanned once\n\(text)")
            // The rows are sorted by unit for the window; in the database's C.UTF-8 collation
            // that sort goes through strcoll, in "C" through memcmp (docs/scale.md).
            let unitSorts = Self.sortKeys(plan).filter { $0.contains("unit_id") }
            #expect(!unitSorts.isEmpty && unitSorts.allSatisfy { $0.contains("COLLATE \"C\"") }, "\(name): \(unitSorts)\n\(text)")
        }
    }

    @Test(
        "analyze --postgres turns JIT off for its session",
        .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES to run"))
    func postgresSessionWithoutJIT() throws {
        let session = try PostgresSession(url: try #require(PostgresFixture.url))
        defer { session.close() }
        _ = try session.query("SET jit = on")
        _ = try session.query(PostgresPushDown.jitOff)
        #expect(try session.query("SHOW jit") == [["off"]])
    }

    @Test("only PostgreSQL's unit key is cast and collated bytewise; no dialect counts distinct variants per unit", arguments: SQLDialect.allCases)
    func unitKey(_ dialect: SQLDialect) throws {
        let sql = try AggregationQuery(
            dialect: dialect, exposuresTable: "exposures_log", eventsTable: "events_log", settings: Scenarios.settings(covariates: true)).sql
        #expect(!sql.uppercased().contains("DISTINCT"))
        #expect(sql.contains("MIN(\(dialect.groupingKey("l.variant"))) AS variant, MAX(\(dialect.groupingKey("l.variant"))) AS last_variant"))
        let key = dialect == .postgres ? "CAST(x.\"unit_id\" AS TEXT) COLLATE \"C\" AS unit_id" : "SELECT x.\(dialect.quote(try SQLIdentifier(column: "unit_id", what: "unit"))) AS unit_id"
        #expect(sql.contains(key), "\(sql)")
    }

    /// Join nodes with an input that reaches a scan of a log without an aggregate in between.
    static func joinsOverLogs(_ node: [String: Any], logs: Set<String>) -> [String] {
        let type = node["Node Type"] as? String ?? ""
        let children = node["Plans"] as? [[String: Any]] ?? []
        var found: [String] = []
        if ["Nested Loop", "Hash Join", "Merge Join"].contains(type), children.contains(where: { readsLogRows($0, logs: logs) }) {
            found.append(type)
        }
        return found + children.flatMap { joinsOverLogs($0, logs: logs) }
    }

    static func readsLogRows(_ node: [String: Any], logs: Set<String>) -> Bool {
        if node["Node Type"] as? String == "Aggregate" { return false }
        if let relation = node["Relation Name"] as? String, logs.contains(relation) { return true }
        return (node["Plans"] as? [[String: Any]] ?? []).contains { readsLogRows($0, logs: logs) }
    }

    /// Every sort key in the plan, as EXPLAIN prints it.
    static func sortKeys(_ node: [String: Any]) -> [String] {
        (node["Sort Key"] as? [String] ?? []) + (node["Plans"] as? [[String: Any]] ?? []).flatMap { sortKeys($0) }
    }

    static func scans(_ node: [String: Any], logs: Set<String>) -> Int {
        let own = (node["Relation Name"] as? String).map { logs.contains($0) ? 1 : 0 } ?? 0
        return own + (node["Plans"] as? [[String: Any]] ?? []).reduce(0) { $0 + scans($1, logs: logs) }
    }
}
