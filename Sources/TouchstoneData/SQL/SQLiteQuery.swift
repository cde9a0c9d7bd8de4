/// Runs a push-down query on a SQLite database file (the embedded store's engine).
public enum SQLiteQuery {
    /// Executes `sql` with `parameters` bound to `?1`, `?2`, …; each cell as exact text.
    public static func rows(database path: String, sql: String, parameters: [SQLValue], readOnly: Bool = true) throws -> [[String?]] {
        try run(database: path, sql: sql, parameters: parameters, readOnly: readOnly).rows
    }

    /// How much work SQLite did for a query: its virtual-machine instruction count
    /// (`sqlite3_stmt_status(…, SQLITE_STMTSTATUS_VM_STEP, …)`), which, unlike a timing, is the
    /// same on every run. Tests use it to show a query's work grows with the data, not its square.
    public static func virtualMachineSteps(database path: String, sql: String, parameters: [SQLValue]) throws -> Int {
        try run(database: path, sql: sql, parameters: parameters, readOnly: true).steps
    }

    private static func run(
        database path: String, sql: String, parameters: [SQLValue], readOnly: Bool
    ) throws -> (rows: [[String?]], steps: Int) {
        let database = try SQLiteDatabase(path: path, readOnly: readOnly)
        let statement = try database.prepare(sql)
        for (index, parameter) in parameters.enumerated() {
            switch parameter {
            case .text(let text): statement.bind(Int32(index + 1), text)
            case .integer(let number): statement.bind(Int32(index + 1), number)
            }
        }
        var rows: [[String?]] = []
        let columns = statement.columnCount
        while try statement.step() {
            rows.append((0..<columns).map { statement.exactText($0) })
        }
        return (rows, statement.virtualMachineSteps)
    }

    /// Runs statements that return nothing (schema, inserts in tests and scripts) in one
    /// transaction on one connection, creating the database file if needed.
    public static func execute(database path: String, _ statements: [String]) throws {
        let database = try SQLiteDatabase(path: path)
        try database.execute("BEGIN")
        do {
            for statement in statements { try database.execute(statement) }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }
}
