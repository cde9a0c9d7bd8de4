import Foundation
import Testing
import TouchstonePostgres
import TouchstoneTestSupport

/// `analyze --postgres` interrupted by Ctrl-C, SIGTERM or `--statement-timeout` leaves nothing
/// running on the server: the real binary runs a genuinely slow push-down (an events view of
/// 40 million generated rows, so nothing is loaded), gets the signal while PostgreSQL is busy
/// with it, and another connection then finds no active query from it.
@Suite(
    "Push-down cancellation on PostgreSQL",
    .enabled(if: PostgresFixture.url != nil, "set TOUCHSTONE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB to run"),
    .serialized)
struct PostgresCancellationTests {
    /// Two views over `generate_series`: 400,000 units with one exposure each and 40 million
    /// events. The push-down's sort by unit takes far longer than any test waits.
    struct SlowTables {
        let exposures: String, events: String
        let url: String

        init() throws {
            url = try #require(PostgresFixture.url)
            let suffix = UInt32.random(in: 0...UInt32.max)
            (exposures, events) = ("ts_slow_x_\(suffix)", "ts_slow_e_\(suffix)")
            _ = try PostgresRunner.query(url: url, sql: """
                CREATE VIEW \(exposures) AS SELECT 'u' || g AS unit_id, 'exp' AS experiment,
                  CASE WHEN g % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant, 1772323200::bigint + g AS "timestamp"
                FROM generate_series(1, 400000) g
                """, parameters: [])
            _ = try PostgresRunner.query(url: url, sql: """
                CREATE VIEW \(events) AS SELECT 'u' || (g % 400000) AS unit_id, 1772323200::bigint + g % 86400 AS "timestamp",
                  'purchase' AS event, (g % 7)::double precision AS value
                FROM generate_series(1, 40000000) g
                """, parameters: [])
        }

        func drop() {
            _ = try? PostgresRunner.query(url: url, sql: "DROP VIEW IF EXISTS \(exposures), \(events)", parameters: [])
        }

        var arguments: [String] {
            ["analyze", "--postgres", url, "--exposures-table", exposures, "--events-table", events, "--experiment", "exp",
             "--control", "control", "--metric", "purchase", "--metric", "purchase:sum", "--format", "json", "--quiet"]
        }

        /// Backends (other than the asking one) running a query that reads these views.
        func activeQueries() throws -> [String] {
            try PostgresRunner.query(
                url: url,
                sql: "SELECT pid::text FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE $1",
                parameters: [.text("%\(events)%")]
            ).compactMap { $0.first ?? nil }
        }

        /// Polls until `condition` holds or `seconds` pass; returns whether it held.
        func wait(seconds: Double, until condition: () throws -> Bool) rethrows -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if try condition() { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return try condition()
        }
    }

    /// Runs the binary; once its query is active on the server, `interrupt` (if any) is sent.
    struct Outcome {
        var exitCode: Int32
        var stderr: String
        var terminatedBySignal: Bool
    }

    static func run(_ tables: SlowTables, extra: [String] = [], interrupt: Int32?) throws -> (result: Outcome, output: String) {
        let output = try temporaryDirectory().appendingPathComponent("result.json").path
        let process = Process()
        process.executableURL = BinaryRunner.executable
        process.arguments = tables.arguments + extra + ["--output", output]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let started = try tables.wait(seconds: 30) { try !tables.activeQueries().isEmpty }
        #expect(started, "the push-down never showed up as active in pg_stat_activity")
        if let interrupt, started {
            // Let the server get well into the sort, so the cancel interrupts real work.
            Thread.sleep(forTimeInterval: 0.5)
            let running = try !tables.activeQueries().isEmpty
            #expect(running, "the query ended before it could be interrupted")
            kill(process.processIdentifier, interrupt)
        }
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = Outcome(
            exitCode: process.terminationStatus, stderr: String(decoding: stderr, as: UTF8.self),
            terminatedBySignal: process.terminationReason == .uncaughtSignal)
        return (result, output)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalCancelsTheQueryOnTheServer(_ signal: Int32) throws {
        let tables = try SlowTables()
        defer { tables.drop() }
        let (result, output) = try Self.run(tables, interrupt: signal)
        // The process ends as the signal would have (a shell sees 130 / 143) ...
        #expect(result.terminatedBySignal && result.exitCode == signal, "exit \(result.exitCode) \(result.stderr)")
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        #expect(result.stderr == "cancelled by \(name): the query was stopped on the server\n", "\(result.stderr)")
        // ... writes nothing ...
        #expect(!FileManager.default.fileExists(atPath: output))
        // ... and leaves nothing running on the server.
        let gone = try tables.wait(seconds: 2) { try tables.activeQueries().isEmpty }
        let left = try tables.activeQueries()
        #expect(gone, "still active on the server: backends \(left)")
    }

    @Test func aStatementTimeoutStopsTheQueryOnTheServer() throws {
        let tables = try SlowTables()
        defer { tables.drop() }
        let start = Date()
        let (result, output) = try Self.run(tables, extra: ["--statement-timeout", "1.5s"], interrupt: nil)
        #expect(Date().timeIntervalSince(start) < 6, "the server should have stopped the query after 1.5 s")
        #expect(!result.terminatedBySignal && result.exitCode == 1, "exit \(result.exitCode) \(result.stderr)")
        #expect(result.stderr == "statement timeout after 1.5s: the query was stopped on the server\n", "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        let gone = try tables.wait(seconds: 2) { try tables.activeQueries().isEmpty }
        let left = try tables.activeQueries()
        #expect(gone, "still active on the server: backends \(left)")
    }

    /// A query that finishes within its timeout is unaffected, and the cancel machinery leaves
    /// an uninterrupted run's output as before.
    @Test func aQueryWithinItsTimeoutCompletes() throws {
        let url = try #require(PostgresFixture.url)
        let session = try PostgresSession(url: url)
        defer { session.close() }
        let rows = try PostgresPushDown.stoppableQuery(
            session: session, sql: "SELECT 1::text", parameters: [], statementTimeout: .init(milliseconds: 10_000, label: "10s"))
        #expect(rows == [["1"]])
        // The session's own limit is what the server enforces.
        #expect(try session.query("SHOW statement_timeout") == [["10s"]])
    }
}
