import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstonePostgres
import TouchstoneTestSupport

/// Runs only when `TOUCHSTONE_TEST_POSTGRES` names a disposable server
/// (`Scripts/postgres-test-cluster.sh start` prints the URL; `.ci/run` sets it).
enum PostgresFixture {
    static let url = ProcessInfo.processInfo.environment["TOUCHSTONE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// Loads the logs into two fresh tables and returns their names; `cleanup` drops them.
    static func load(_ logs: SimulatedLogs, tag: String) throws -> (exposures: String, events: String) {
        let url = try #require(url)
        let suffix = "\(tag)_\(UInt32.random(in: 0...UInt32.max))"
        let names = (exposures: "ts_exposures_\(suffix)", events: "ts_events_\(suffix)")
        let statements = try logs.statements(exposuresTable: names.exposures, eventsTable: names.events, batch: 5_000)
        for statement in statements { _ = try PostgresRunner.query(url: url, sql: statement, parameters: []) }
        return names
    }

    static func drop(_ names: (exposures: String, events: String)) {
        guard let url else { return }
        _ = try? PostgresRunner.query(url: url, sql: "DROP TABLE IF EXISTS \(names.exposures), \(names.events)", parameters: [])
    }
}

@Suite(
    "Push-down aggregation on PostgreSQL",
    .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run"))
struct PostgresPushDownTests {
    @Test(arguments: [false, true])
    func matchesTheInProcessPipeline(covariates: Bool) throws {
        let logs = try SimulatedLogs(units: 6_000, seed: 5)
        defer { logs.remove() }
        let names = try PostgresFixture.load(logs, tag: covariates ? "cov" : "plain")
        defer { PostgresFixture.drop(names) }
        let url = try #require(PostgresFixture.url)
        for windowDays in [14, 3] as [Int64] {
            let settings = Scenarios.settings(covariates: covariates, windowDays: windowDays)
            let query = try AggregationQuery(dialect: .postgres, exposuresTable: names.exposures, eventsTable: names.events, settings: settings)
            let rows = try PostgresRunner.query(url: url, sql: query.sql, parameters: query.parameters)
            expectAgreement(try PushDown.armTable(PushDown.powerSums(rows: rows)), try logs.inProcess(settings))
        }
    }

    @Test func analyzeCommandGivesTheSameResultAsRawLogs() throws {
        let logs = try SimulatedLogs(units: 4_000, seed: 8)
        defer { logs.remove() }
        let names = try PostgresFixture.load(logs, tag: "cli")
        defer { PostgresFixture.drop(names) }
        let url = try #require(PostgresFixture.url)
        let common = ["--experiment", ExperimentSimulator.experimentKey, "--control", "control", "--metric", "purchase",
                      "--metric", "purchase:sum", "--metric", "session:count", "--pre-exposure-covariates",
                      "--format", "json", "--quiet"]
        let pushed = try BinaryRunner.run(
            ["analyze", "--postgres", url, "--exposures-table", names.exposures, "--events-table", names.events] + common)
        let local = try BinaryRunner.run(["analyze", "--exposures", logs.exposures.path, "--events", logs.events.path] + common)
        #expect(pushed.exitCode == 0, "\(pushed.stderr)")
        #expect(local.exitCode == 0, "\(local.stderr)")
        try expectSameAnalysis(pushed.stdout, local.stdout)
    }

    @Test func unreachableServerGivesAClearError() throws {
        let result = try BinaryRunner.run(
            ["analyze", "--postgres", "postgres://nobody:secret@127.0.0.1:1/none", "--exposures-table", "e", "--events-table", "v",
             "--experiment", "k", "--control", "control", "--metric", "purchase"])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("PostgreSQL postgres://nobody:***@127.0.0.1:1/none"), "\(result.stderr)")
        #expect(!result.stderr.contains("secret"))
    }
}

/// Compares two `analyze --format json` outputs: every number to 1e-9 relative.
func expectSameAnalysis(_ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    // The decision's exposure dates come from exposure timestamps, which raw logs have and power
    // sums do not: every statistic must agree, the dates are left out of the comparison.
    func withoutDates(_ object: Any) -> Any {
        guard var top = object as? [String: Any], var decision = top["decision"] as? [String: Any] else { return object }
        decision["firstExposure"] = nil
        decision["lastExposure"] = nil
        decision["daysLeft"] = nil
        top["decision"] = decision
        return top
    }
    let left = withoutDates(try JSONSerialization.jsonObject(with: Data(a.utf8)))
    let right = withoutDates(try JSONSerialization.jsonObject(with: Data(b.utf8)))
    var differences: [String] = []
    func compare(_ x: Any, _ y: Any, _ path: String) {
        switch (x, y) {
        case let (x as [String: Any], y as [String: Any]):
            if Set(x.keys) != Set(y.keys) { differences.append("\(path): keys \(x.keys.sorted()) vs \(y.keys.sorted())") }
            for (key, value) in x { if let other = y[key] { compare(value, other, "\(path).\(key)") } }
        case let (x as [Any], y as [Any]):
            if x.count != y.count { differences.append("\(path): \(x.count) vs \(y.count) items") }
            for (index, (u, v)) in zip(x, y).enumerated() { compare(u, v, "\(path)[\(index)]") }
        case let (x as NSNumber, y as NSNumber) where !(x is Bool):
            if !isClose(x.doubleValue, y.doubleValue, relative: 1e-9, absoluteFloor: 1e-12) {
                differences.append("\(path): \(x) vs \(y)")
            }
        default:
            if "\(x)" != "\(y)" { differences.append("\(path): \(x) vs \(y)") }
        }
    }
    compare(left, right, "$")
    #expect(differences.isEmpty, "\(differences.prefix(10))", sourceLocation: sourceLocation)
}
