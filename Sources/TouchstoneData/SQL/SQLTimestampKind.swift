/// How a warehouse table stores the time of an exposure or an event, and the one place that
/// turns each kind into a number a push-down query can subtract.
///
/// - ``epoch``: integer seconds since 1970-01-01T00:00:00Z (`BIGINT`, `INTEGER`).
/// - ``timestamp``: a date and time without a zone (PostgreSQL `TIMESTAMP [WITHOUT TIME ZONE]`),
///   read as UTC — the wall-clock reading is taken as a UTC instant, whatever the session's
///   `TimeZone` (PostgreSQL's `EXTRACT(EPOCH FROM timestamp)` is defined that way).
/// - ``timestamptz``: an instant (PostgreSQL `TIMESTAMPTZ`, Spark's `TIMESTAMP`), independent
///   of any session time zone.
///
/// Epoch columns keep the query's unit at whole seconds (a window's bounds become the ceilings
/// that select the same integer deltas, ``AggregationQuery``). As soon as one table holds
/// `TIMESTAMP`/`TIMESTAMPTZ` values, the query works in **microseconds** — the resolution of
/// PostgreSQL and Spark timestamps and of the in-process pipeline — so sub-second values keep
/// their fraction and every window is compared exactly as the in-process pipeline compares it
/// (`0 ≤ t − t₀ < W` in microseconds); epoch columns are then multiplied by 1,000,000.
public enum SQLTimestampKind: String, Sendable, Hashable, CaseIterable {
    case epoch
    case timestamp
    case timestamptz

    /// The kind of a PostgreSQL column type as `format_type(atttypid, NULL)` names it; `nil`
    /// for a type the push-down cannot read as a time (text, date, floating point: a fractional
    /// epoch would not select the same whole-second deltas).
    public init?(postgresType: String) {
        switch postgresType.lowercased() {
        case "bigint", "integer", "smallint": self = .epoch
        case "timestamp without time zone", "timestamp": self = .timestamp
        case "timestamp with time zone", "timestamptz": self = .timestamptz
        default: return nil
        }
    }

    /// What `--timestamp-type` calls each kind, for messages.
    public var typeName: String {
        switch self {
        case .epoch: "integer epoch seconds"
        case .timestamp: "TIMESTAMP (without time zone)"
        case .timestamptz: "TIMESTAMPTZ"
        }
    }

    /// Refuses a kind the dialect cannot read exactly.
    ///
    /// SQLite has no timestamp type (ISO text would go through its date functions, which keep
    /// only milliseconds and turn unreadable text into NULL, a silent loss), so it takes epoch
    /// seconds only. Spark's `TIMESTAMP` is an instant: declare it as `timestamptz`; a Spark
    /// `TIMESTAMP_NTZ` column is not supported (converting it depends on the session zone).
    public func check(dialect: SQLDialect) throws(SQLError) {
        switch (dialect, self) {
        case (_, .epoch), (.postgres, _), (.spark, .timestamptz): return
        case (.sqlite, _):
            throw SQLError("--timestamp-type \(rawValue): SQLite tables hold timestamps as integer epoch seconds only (--timestamp-type epoch)")
        case (.spark, .timestamp):
            throw SQLError("--timestamp-type timestamp: Spark's TIMESTAMP is an instant, declare it as --timestamp-type timestamptz (TIMESTAMP_NTZ columns are not supported)")
        }
    }

    /// `column` (already quoted and qualified, e.g. `e."timestamp"`) as an integer in `unit`.
    ///
    /// PostgreSQL: `EXTRACT(EPOCH FROM …)` is exact `NUMERIC` from version 14 (microseconds
    /// kept); before, a double that still holds whole microseconds for any date within ±140
    /// years of 1970, which `ROUND` restores. Spark: `unix_micros`, exact. An epoch column in a
    /// microsecond query is multiplied, exactly, in the 64-bit integer type.
    public func expression(_ column: String, dialect: SQLDialect, unit: SQLTimeUnit) -> String {
        switch (self, unit) {
        // SQLite keeps a column's values as they were loaded: `.import` stores CSV numbers as
        // TEXT, which MIN and ORDER BY compare as text ('999999000' > '1000000500'). NUMERIC
        // makes them numbers and keeps fractions (the push-down's check refuses other text).
        case (.epoch, .seconds): dialect == .sqlite ? "CAST(\(column) AS NUMERIC)" : column
        case (.epoch, .microseconds): "CAST(\(column) AS BIGINT) * 1000000"
        // Whole seconds from a timestamp are never asked for: a query with any timestamp
        // column works in microseconds (``SQLTimestampTypes/unit``). Floor, were they asked for.
        case (_, .seconds):
            switch dialect {
            case .spark: "unix_seconds(\(column))"
            case .postgres, .sqlite: "CAST(FLOOR(EXTRACT(EPOCH FROM \(column))) AS BIGINT)"
            }
        case (_, .microseconds):
            switch dialect {
            case .spark: "unix_micros(\(column))"
            case .postgres, .sqlite: "CAST(ROUND(EXTRACT(EPOCH FROM \(column)) * 1000000) AS BIGINT)"
            }
        }
    }
}

/// The unit a push-down query measures time in.
public enum SQLTimeUnit: Sendable, Hashable {
    /// Whole seconds: both tables hold epoch seconds.
    case seconds
    /// Microseconds: at least one table holds `TIMESTAMP`/`TIMESTAMPTZ` values.
    case microseconds
}

/// The timestamp kinds of the exposures and events tables (they may differ).
public struct SQLTimestampTypes: Sendable, Hashable {
    public var exposures: SQLTimestampKind
    public var events: SQLTimestampKind

    public init(exposures: SQLTimestampKind, events: SQLTimestampKind) {
        self.exposures = exposures
        self.events = events
    }

    /// Both tables the same kind.
    public init(_ both: SQLTimestampKind) { self.init(exposures: both, events: both) }

    /// Integer epoch seconds in both tables (the default).
    public static let epoch = SQLTimestampTypes(.epoch)

    /// Seconds when both tables hold epoch seconds, otherwise microseconds.
    public var unit: SQLTimeUnit { exposures == .epoch && events == .epoch ? .seconds : .microseconds }

    public func check(dialect: SQLDialect) throws(SQLError) {
        try exposures.check(dialect: dialect)
        try events.check(dialect: dialect)
    }

    /// A timestamp column as the engine reports its type, for ``resolve(declared:columns:)``.
    public struct Column: Sendable, Hashable {
        /// The table as given on the command line (`analytics.events`).
        public var table: String
        public var column: String
        /// The engine's name for the type (`bigint`, `timestamp with time zone`, `text`).
        public var type: String

        public init(table: String, column: String, type: String) {
            self.table = table
            self.column = column
            self.type = type
        }

        /// The kind this column holds, checked against `declared` (`--timestamp-type`) when
        /// given: a declared kind that is not what the table holds is refused, naming table and
        /// column, rather than read another way. For one table (the touchpoints of `attribute
        /// --postgres`); ``SQLTimestampTypes/resolve(declared:exposures:events:)`` does two.
        public func resolve(declared: SQLTimestampKind?) throws(SQLError) -> SQLTimestampKind {
            let kind = try kind()
            if let declared, declared != kind { throw mismatch(declared: declared, detected: kind) }
            return kind
        }

        func mismatch(declared: SQLTimestampKind, detected: SQLTimestampKind) -> SQLError {
            SQLError(
                "--timestamp-type \(declared.rawValue): \(table).\(column) is \(type) "
                    + "(\(detected.typeName)), not \(declared.typeName); declare --timestamp-type \(detected.rawValue) or leave it out to detect it")
        }

        /// The kind this column's type holds, or an error naming table, column and type.
        func kind() throws(SQLError) -> SQLTimestampKind {
            guard let kind = SQLTimestampKind(postgresType: type) else {
                throw SQLError(
                    "\(table).\(column) is \(type): timestamps must be integer epoch seconds (bigint, integer), "
                        + "timestamp or timestamptz")
            }
            return kind
        }
    }

    /// The kinds of the two timestamp columns as detected from the engine's catalogue, checked
    /// against `declared` (`--timestamp-type`) when given: a declared kind that is not what a
    /// table holds is refused, naming table and column, rather than read another way.
    public static func resolve(declared: SQLTimestampKind?, exposures: Column, events: Column) throws(SQLError) -> SQLTimestampTypes {
        let detected = SQLTimestampTypes(exposures: try exposures.kind(), events: try events.kind())
        if let declared {
            for (column, kind) in [(exposures, detected.exposures), (events, detected.events)] where kind != declared {
                throw column.mismatch(declared: declared, detected: kind)
            }
        }
        return detected
    }
}
