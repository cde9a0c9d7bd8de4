import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// A connection to one SQLite database through the raw C API (no wrapper library).
///
/// A `final class` because it owns a resource: the handle is closed in `deinit`. Not `Sendable`:
/// one connection belongs to one thread, as SQLite's default threading mode expects.
final class SQLiteDatabase {
    let path: String
    private(set) var handle: OpaquePointer?

    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var handle: OpaquePointer?
        let status = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        self.handle = handle
        guard status == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            self.handle = nil
            throw DataError(file: path, message: "cannot open the store: \(message)")
        }
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        guard status == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw DataError(file: path, message: "\(text) (in: \(sql.prefix(80)))")
        }
    }

    /// Runs `sql` like ``execute(_:)``, retrying for up to `seconds` while another connection
    /// holds the lock it needs. Switching a new file to WAL can report SQLITE_BUSY without
    /// calling the busy handler (SQLite gives up at once where waiting could deadlock), so two
    /// processes creating the same store at the same instant need this rather than busy_timeout.
    func executeRetryingWhileBusy(_ sql: String, seconds: Double = 10) throws {
        let attempts = max(1, Int(seconds / 0.01))
        for attempt in 1...attempts {
            let status = sqlite3_exec(handle, sql, nil, nil, nil)
            if status == SQLITE_OK { return }
            guard status & 0xFF == SQLITE_BUSY || status & 0xFF == SQLITE_LOCKED, attempt < attempts else {
                throw DataError(file: path, message: "\(lastError) (in: \(sql.prefix(80)))")
            }
            usleep(10_000)
        }
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    var lastError: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection" }

    func error(_ context: String) -> DataError {
        DataError(file: path, message: "\(context): \(lastError)")
    }
}

/// A prepared statement, reused across rows; finalised in `deinit`.
final class SQLiteStatement {
    private let database: SQLiteDatabase
    private var statement: OpaquePointer?

    init(database: SQLiteDatabase, sql: String) throws {
        self.database = database
        guard sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK else {
            throw database.error("cannot prepare '\(sql.prefix(80))'")
        }
    }

    deinit {
        sqlite3_finalize(statement)
    }

    /// Binds text that must stay valid until the next `step`/`reset` (no copy: `SQLITE_STATIC`).
    func bindStatic(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        // A zero-length buffer may have no base address, and a NULL pointer would bind SQL NULL.
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            sqlite3_bind_text(statement, index, "", 0, csqlite_transient())
            return
        }
        sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }

    /// Binds text copied by SQLite (`SQLITE_TRANSIENT`).
    func bind(_ index: Int32, _ text: String) {
        sqlite3_bind_text(statement, index, text, -1, csqlite_transient())
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(statement, index, value)
    }

    /// Steps once: `true` while a row is available, `false` when done.
    @discardableResult
    func step() throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error("statement failed")
            sqlite3_reset(statement)
            throw error
        }
    }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    /// Resets for another step keeping the bindings: for loops that rebind every parameter
    /// anyway, where clearing them first is wasted work.
    func rewind() {
        sqlite3_reset(statement)
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// Virtual-machine instructions run so far (`SQLITE_STMTSTATUS_VM_STEP`): the engine's own
    /// count of work done, the same on every run and machine.
    var virtualMachineSteps: Int { Int(sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_VM_STEP, 0)) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    var columnCount: Int32 { sqlite3_column_count(statement) }

    /// A result cell as exact text: integers as digits, reals in Swift's shortest round-trip
    /// form (SQLite's own text conversion keeps only 15 digits), `nil` for NULL.
    func exactText(_ column: Int32) -> String? {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: nil
        case SQLITE_INTEGER: String(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: "\(sqlite3_column_double(statement, column))"
        default: text(column)
        }
    }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
}

extension SQLiteStatement {
    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
}

extension SQLiteStatement {
    func bindDouble(_ index: Int32, _ value: Double) { sqlite3_bind_double(statement, index, value) }
}
