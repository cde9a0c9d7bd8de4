import Foundation
import TouchstoneData

/// `analyze --postgres` on the server's side: find how the two tables store time, run the
/// aggregation query, and stop it on the server — not just in the client — when the user presses
/// Ctrl-C, the process gets SIGTERM or SIGHUP, or `--statement-timeout` passes.
public enum PostgresPushDown {
    /// A table and the column holding its timestamps, as given on the command line.
    public struct TimestampColumn: Sendable, Hashable {
        public var table: String
        public var column: String
        /// The flag that named the table, for messages (`--events-table`).
        public var flag: String

        public init(table: String, column: String, flag: String) {
            self.table = table
            self.column = column
            self.flag = flag
        }
    }

    /// `--statement-timeout`: a limit the server enforces (`SET statement_timeout`), so the query
    /// stops even if the client dies; the client cancels it too if no answer comes in time.
    public struct StatementTimeout: Sendable, Hashable {
        /// Milliseconds, at least 1 (PostgreSQL's unit; 0 would mean "no limit").
        public var milliseconds: Int64
        /// As the user wrote it (`30s`), for messages.
        public var label: String

        public init(milliseconds: Int64, label: String) {
            self.milliseconds = max(1, milliseconds)
            self.label = label
        }
    }

    /// Connects, detects the timestamp kinds (checking `declared` against them), builds the query
    /// for them and runs it stoppably (``stoppableQuery(session:sql:parameters:statementTimeout:)``).
    public static func run(
        url: String, exposures: TimestampColumn, events: TimestampColumn, declared: SQLTimestampKind?,
        statementTimeout: StatementTimeout?,
        build: (SQLTimestampTypes) throws -> (sql: String, parameters: [SQLValue])
    ) throws -> [[String?]] {
        let session = try PostgresSession(url: url)
        defer { session.close() }
        let types = try timestampTypes(session: session, exposures: exposures, events: events, declared: declared)
        _ = try session.query(jitOff)
        let query = try build(types)
        return try stoppableQuery(session: session, sql: query.sql, parameters: query.parameters, statementTimeout: statementTimeout)
    }

    /// Turns JIT compilation off for this session (the connection is the push-down's own).
    ///
    /// The planner compiles a query whose estimated cost passes `jit_above_cost` (100,000) and
    /// inlines and optimises it past `jit_inline_above_cost`/`jit_optimize_above_cost` (500,000).
    /// The aggregation query is one long expression per metric: forced on the 1M-unit benchmark
    /// tables, compiling it took 2.0 s (inlining 0.6 s, optimisation 0.8 s, emission 0.6 s) of a
    /// 13 s query, and the query is a sort, a window and aggregates that JIT barely speeds up.
    /// At 1M units the plan's cost (94,000 on fresh tables) stays below the threshold; it grows
    /// with the tables, so larger logs would pay those seconds. Servers before PostgreSQL 11 have
    /// no `jit` setting: the statement then sets nothing.
    public static let jitOff = "SELECT set_config('jit', 'off', false) WHERE current_setting('jit', true) IS NOT NULL"

    /// The timestamp kinds of the two tables, from the catalogue: `pg_attribute` of the relation
    /// the name resolves to under the session's `search_path` (`to_regclass`), so views,
    /// schema-qualified and unqualified names all resolve as the query itself will resolve them.
    public static func timestampTypes(
        session: PostgresSession, exposures: TimestampColumn, events: TimestampColumn, declared: SQLTimestampKind?
    ) throws -> SQLTimestampTypes {
        try SQLTimestampTypes.resolve(
            declared: declared, exposures: catalogueType(session: session, of: exposures),
            events: catalogueType(session: session, of: events))
    }

    /// The timestamp kind of one table (the touchpoints of `attribute --postgres`), found and
    /// checked against `declared` as ``timestampTypes(session:exposures:events:declared:)`` does.
    public static func timestampKind(
        session: PostgresSession, of column: TimestampColumn, declared: SQLTimestampKind?
    ) throws -> SQLTimestampKind {
        try catalogueType(session: session, of: column).resolve(declared: declared)
    }

    /// The column's type as the catalogue names it, or an error naming the missing table or column.
    static func catalogueType(session: PostgresSession, of column: TimestampColumn) throws -> SQLTimestampTypes.Column {
        let name = SQLDialect.postgres.quote(try SQLIdentifier(column.table, what: column.flag))
        let rows = try session.query(
            """
            SELECT a.attname, pg_catalog.format_type(a.atttypid, NULL) FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, parameters: [.text(name)])
        guard !rows.isEmpty else {
            throw SQLError("\(column.flag) \(column.table): no such table or view in \(PostgresRunner.redacted(session.url))")
        }
        guard let type = rows.first(where: { $0.first == column.column })?.last ?? nil else {
            let names = rows.compactMap { $0.first ?? nil }.joined(separator: ", ")
            throw SQLError("\(column.table) has no column '\(column.column)' (columns: \(names))")
        }
        return .init(table: column.table, column: column.column, type: type)
    }

    /// How long the stop handler keeps re-sending the cancel before it gives up on the server.
    static let cancelPatience: Double = 10
    /// The client's own deadline comes this long after the server's `statement_timeout`.
    static let clientGrace: Double = 5

    /// Runs one query so that nothing is left running on the server when it is interrupted.
    ///
    /// With a timeout the session first sets `statement_timeout`, so the server stops the query
    /// by itself (even if this process is killed with SIGKILL); the client also cancels it once
    /// the timeout and ``clientGrace`` have passed without an answer. On SIGINT, SIGTERM or
    /// SIGHUP (``QueryInterruption``) another connection sends `pg_cancel_backend` for this
    /// session's backend, repeatedly until the query has ended: a cancel that reaches the server
    /// before the query has started is ignored there. If the server cannot be reached for
    /// ``cancelPatience`` seconds the connection is closed and the message says the query may
    /// still be running, naming its backend process.
    ///
    /// - Throws: ``QueryStopped`` when interrupted or timed out (with the signal, which the
    ///   command then re-raises), the server's error otherwise.
    public static func stoppableQuery(
        session: PostgresSession, sql: String, parameters: [SQLValue], statementTimeout: StatementTimeout?
    ) throws -> [[String?]] {
        let pid = try session.backendPID()
        if let statementTimeout {
            _ = try session.query("SET statement_timeout = \(statementTimeout.milliseconds)")
        }
        let url = session.url
        let ended = DispatchSemaphore(value: 0)
        let outcome = CancelOutcome()
        let watch = try QueryInterruption(deadline: statementTimeout.map { Double($0.milliseconds) / 1000 + clientGrace }) { _ in
            let start = Date()
            var lastError: (any Error)?
            repeat {
                do {
                    _ = try PostgresRunner.cancel(url: url, pid: pid)
                    lastError = nil
                } catch {
                    lastError = error
                }
                if ended.wait(timeout: .now() + 0.25) == .success { return }
            } while Date().timeIntervalSince(start) < cancelPatience
            outcome.record(failure: lastError)
            // Unblock the waiting query; the server may still be running it.
            session.close()
        }
        let result = Result { try session.rawQuery(sql, parameters: parameters) }
        ended.signal()
        let cause = watch.finish()

        let stillRunning = outcome.gaveUp.map { error in
            "could not cancel the query on the server\(error.map { " (\($0))" } ?? ""); it may still be running "
                + "as backend process \(pid) (SELECT pg_cancel_backend(\(pid)) stops it)"
        }
        switch cause {
        case .signal(let signal):
            let name = signalName(signal)
            throw QueryStopped(
                signal: signal,
                message: stillRunning.map { "interrupted by \(name): \($0)" } ?? "cancelled by \(name): the query was stopped on the server")
        case .deadline:
            let label = statementTimeout?.label ?? "?"
            throw QueryStopped(
                signal: nil,
                message: stillRunning.map { "statement timeout after \(label): \($0)" }
                    ?? "statement timeout after \(label): the query was stopped on the server")
        case nil:
            switch result {
            case .success(let rows): return rows
            case .failure(let error):
                // The server enforced --statement-timeout itself (SQLSTATE 57014, query_canceled).
                if let statementTimeout, PostgresRunner.sqlState(error) == "57014" || "\(error)".contains("statement timeout") {
                    throw QueryStopped(signal: nil, message: "statement timeout after \(statementTimeout.label): the query was stopped on the server")
                }
                throw PostgresRunner.failure(error, url: url)
            }
        }
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}

/// What the stop handler achieved, read after it has returned.
private final class CancelOutcome: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var failure: (any Error)?
    private var failed = false

    func record(failure: (any Error)?) { lock.withLock { failed = true; self.failure = failure } }

    /// `nil` while the cancel worked; otherwise the last error (itself `nil` when the cancels
    /// were sent but the query did not end).
    var gaveUp: (any Error)?? { lock.withLock { failed ? .some(failure) : .none } }
}
