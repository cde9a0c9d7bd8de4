import Foundation
import Testing
import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats
import TouchstoneTestSupport
import TouchstoneTime

/// Simulated logs, and the same logs as SQL tables.
struct SimulatedLogs {
    let directory: URL
    var exposures: URL { directory.appendingPathComponent("exposures.csv") }
    var events: URL { directory.appendingPathComponent("events.csv") }

    init(units: Int, seed: UInt64) throws {
        directory = try temporaryDirectory()
        _ = try ExperimentSimulator(units: units, seed: seed).write(to: directory)
    }

    /// Hand-written logs (CSV text with the default headers) instead of simulated ones.
    init(exposures: String, events: String) throws {
        directory = try temporaryDirectory()
        try Data(exposures.utf8).write(to: self.exposures)
        try Data(events.utf8).write(to: self.events)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The in-process pipeline's table: the reference every push-down result must match.
    func inProcess(_ settings: RawLogSettings) throws -> ArmTable {
        try RawLogPipeline.run(
            exposures: CSVReader(path: exposures.path), events: CSVReader(path: events.path), settings: settings
        ).table
    }

    /// `CREATE TABLE` and multi-row `INSERT` statements (test data only: the simulator's ids,
    /// names and numbers need no escaping) for SQLite and PostgreSQL, in batches.
    func statements(exposuresTable: String, eventsTable: String, batch: Int = 2_000) throws -> [String] {
        var result = [
            "CREATE TABLE \(exposuresTable) (unit_id TEXT NOT NULL, experiment TEXT NOT NULL, variant TEXT NOT NULL, \"timestamp\" BIGINT NOT NULL)",
            "CREATE TABLE \(eventsTable) (unit_id TEXT NOT NULL, \"timestamp\" BIGINT NOT NULL, event TEXT NOT NULL, value DOUBLE PRECISION)",
        ]
        func inserts(_ file: URL, table: String, row: ([Substring]) -> String) throws {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").dropFirst()
            var values: [String] = []
            for line in lines {
                values.append(row(line.split(separator: ",", omittingEmptySubsequences: false)))
                if values.count == batch {
                    result.append("INSERT INTO \(table) VALUES " + values.joined(separator: ","))
                    values.removeAll(keepingCapacity: true)
                }
            }
            if !values.isEmpty { result.append("INSERT INTO \(table) VALUES " + values.joined(separator: ",")) }
        }
        try inserts(exposures, table: exposuresTable) { f in "('\(f[0])','\(f[1])','\(f[2])',\(f[3]))" }
        try inserts(events, table: eventsTable) { f in "('\(f[0])',\(f[1]),'\(f[2])',\(f[3].isEmpty ? "NULL" : String(f[3])))" }
        return result
    }
}

/// The metric sets the agreement tests run: every aggregation, with and without covariates.
enum Scenarios {
    static let metrics = ["purchase", "purchase:sum", "session:count", "session:retention:3", "purchase:retention:0"]
        .compactMap(MetricDefinition.init(argument:))

    static func settings(covariates: Bool, windowDays: Int64 = 14) -> RawLogSettings {
        RawLogSettings(
            experiment: ExperimentSimulator.experimentKey, metrics: metrics, window: TimeSpan(days: Int(windowDays)),
            preExposureCovariates: covariates, threads: 2)
    }
}

/// Records an issue for every statistic that differs by more than `relative` (1e-9 by default).
func expectAgreement(_ pushed: ArmTable, _ reference: ArmTable, relative: Double = 1e-9, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Set(pushed.variants) == Set(reference.variants), sourceLocation: sourceLocation)
    #expect(pushed.units == reference.units, sourceLocation: sourceLocation)
    #expect(pushed.metrics.map(\.name) == reference.metrics.map(\.name), sourceLocation: sourceLocation)
    for (mine, theirs) in zip(pushed.metrics, reference.metrics) {
        #expect(mine.kind == theirs.kind && mine.covariate == theirs.covariate, sourceLocation: sourceLocation)
        for (variant, expected) in theirs.arms {
            guard let actual = mine.arms[variant] else {
                Issue.record("\(mine.name): no arm \(variant)", sourceLocation: sourceLocation)
                continue
            }
            let label = "\(mine.name) \(variant)"
            #expect(actual.count == expected.count, "\(label) count", sourceLocation: sourceLocation)
            let checks: [(String, Double, Double, Double)] = [
                ("mean", actual.mean, expected.mean, 1e-12),
                ("variance", actual.variance, expected.variance, 1e-12),
                ("covariateMean", actual.covariateMean, expected.covariateMean, 1e-12),
                ("covariateVariance", actual.covariateVariance, expected.covariateVariance, 1e-12),
                // A covariance is judged against the scale of the two spreads.
                ("covariance", actual.covariance, expected.covariance,
                 max(1e-12, (expected.variance * expected.covariateVariance).squareRoot())),
            ]
            for (name, a, b, floor) in checks {
                #expect(isClose(a, b, relative: relative, absoluteFloor: floor), "\(label) \(name): \(a) vs \(b)", sourceLocation: sourceLocation)
            }
        }
    }
}
