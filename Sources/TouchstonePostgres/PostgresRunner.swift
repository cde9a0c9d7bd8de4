import Foundation
import PostgresNIO
import TouchstoneData

/// Runs queries on a PostgreSQL server and returns their rows as text.
///
/// Holds no connection between calls: `analyze --postgres` sends one aggregation query (after a
/// look at the catalogue), so one ``PostgresSession`` is opened, used and closed. Values are bound
/// parameters (extended query protocol); the SQL text carries only validated, quoted identifiers.
public enum PostgresRunner {
    /// Parses `postgres://user[:password]@host[:port]/database` (also `postgresql://`).
    public static func configuration(url: String) throws(SQLError) -> PostgresConnection.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty
        else {
            throw SQLError("--postgres '\(redacted(url))': expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        // Visible in pg_stat_activity, so an administrator can tell what a session is.
        configuration.options.additionalStartupParameters = [("application_name", "touchstone")]
        return configuration
    }

    /// The URL with any password masked, for messages.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    /// Executes `sql` with `parameters` ($1, $2, … in order); each cell as text, `nil` for NULL.
    ///
    /// Synchronous on purpose: it waits on NIO futures from the calling thread, never parking a
    /// Swift-concurrency thread (blocking those on a semaphore deadlocks when all of them wait).
    /// Do not call it on one of NIO's event-loop threads.
    public static func query(url: String, sql: String, parameters: [SQLValue]) throws -> [[String?]] {
        let session = try PostgresSession(url: url)
        defer { session.close() }
        return try session.query(sql, parameters: parameters)
    }

    /// Sends PostgreSQL's cancel for the query running on backend `pid`, from a connection of
    /// its own: `pg_cancel_backend` needs only the same role (a protocol CancelRequest would need
    /// the session's secret key, which postgres-nio keeps private). Returns whether the server
    /// found the backend.
    static func cancel(url: String, pid: Int32) throws -> Bool {
        let session = try PostgresSession(url: url)
        defer { session.close() }
        return try session.query("SELECT pg_cancel_backend($1::integer)::text", parameters: [.integer(Int64(pid))]).first?.first == "true"
    }

    /// Maps postgres-nio's errors to messages naming the server (never its password).
    static func failure(_ error: any Error, url: String) -> any Error {
        switch error {
        case let error as PSQLError:
            let server = error.serverInfo?[.message].map { ": \($0)" } ?? ""
            return SQLError("PostgreSQL \(redacted(url)): \(error.code)\(server)")
        case let error as SQLError: return error
        default: return SQLError("PostgreSQL \(redacted(url)): \(error)")
        }
    }

    /// The SQLSTATE of a server error (`57014` = query_canceled), if `error` is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}

/// One connection to a PostgreSQL server, used from one thread at a time (synchronously, see
/// ``PostgresRunner/query(url:sql:parameters:)``).
public final class PostgresSession: @unchecked Sendable {
    // @unchecked: the connection is thread-safe (NIO); `closed` is guarded by `lock`.
    let url: String
    let connection: PostgresConnection
    let logger: Logger
    private let lock = NSLock()
    private var closed = false

    public init(url: String) throws {
        self.url = url
        let configuration = try PostgresRunner.configuration(url: url)
        var logger = Logger(label: "touchstone.postgres")
        logger.logLevel = .critical
        self.logger = logger
        do {
            connection = try PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw PostgresRunner.failure(error, url: url)
        }
    }

    /// Executes `sql` with `parameters`; each cell as text, `nil` for NULL.
    public func query(_ sql: String, parameters: [SQLValue] = []) throws -> [[String?]] {
        do {
            return try rawQuery(sql, parameters: parameters)
        } catch {
            throw PostgresRunner.failure(error, url: url)
        }
    }

    /// ``query(_:parameters:)`` with postgres-nio's own errors (their SQLSTATE intact).
    func rawQuery(_ sql: String, parameters: [SQLValue]) throws -> [[String?]] {
        var binds = PostgresBindings(capacity: parameters.count)
        for parameter in parameters {
            switch parameter {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            }
        }
        let result = try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait()
        return try result.rows.map { row in try row.map { cell in try cell.decode(String?.self) } }
    }

    /// The server process serving this session (`pg_backend_pid()`), the handle a cancel needs.
    public func backendPID() throws -> Int32 {
        guard let text = try query("SELECT pg_backend_pid()::text").first?.first ?? nil, let pid = Int32(text) else {
            throw SQLError("PostgreSQL \(PostgresRunner.redacted(url)): pg_backend_pid() gave no process id")
        }
        return pid
    }

    /// Closes the connection (again: nothing). Safe from any thread except NIO's.
    public func close() {
        let first = lock.withLock { () -> Bool in
            defer { closed = true }
            return !closed
        }
        if first { try? connection.close().wait() }
    }
}
