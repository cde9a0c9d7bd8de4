import Foundation
import PostgresNIO
import TouchstoneData

/// Runs one query on a PostgreSQL server and returns its rows as text.
///
/// Holds no connection between calls: `analyze --postgres` sends a single aggregation query,
/// so one connection is opened, used and closed. Values are bound parameters (extended query
/// protocol); the SQL text carries only validated, quoted identifiers.
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
        let configuration = try configuration(url: url)
        var logger = Logger(label: "touchstone.postgres")
        logger.logLevel = .critical
        var binds = PostgresBindings(capacity: parameters.count)
        for parameter in parameters {
            switch parameter {
            case .text(let text): binds.append(text)
            case .integer(let number): binds.append(number)
            }
        }
        do {
            let connection = try PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration, id: 1, logger: logger
            ).wait()
            defer { try? connection.close().wait() }
            let result = try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait()
            return try result.rows.map { row in try row.map { cell in try cell.decode(String?.self) } }
        } catch let error as PSQLError {
            let server = error.serverInfo?[.message].map { ": \($0)" } ?? ""
            throw SQLError("PostgreSQL \(redacted(url)): \(error.code)\(server)")
        } catch let error as SQLError {
            throw error
        } catch {
            throw SQLError("PostgreSQL \(redacted(url)): \(error)")
        }
    }
}
