import Foundation

/// A value bound to a query: never spliced into the SQL text, except by the Spark dialect,
/// whose printed query has no parameter markers and gets escaped literals instead.
public enum SQLValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
}

/// Every difference between the SQL engines Touchstone pushes aggregation down to.
///
/// The query itself (``AggregationQuery`` in TouchstoneAnalysis) is written once in the common
/// subset — CTEs, `GROUP BY`, `CASE`, `COALESCE`, `COUNT(DISTINCT …)`, `UNION ALL`, `MIN(…) OVER
/// (PARTITION BY …)` (SQLite ≥ 3.25, PostgreSQL ≥ 8.4, Spark ≥ 1.4) — and asks
/// the dialect for the few things that differ: how names are quoted, how values are passed,
/// which types hold exact integers, floating-point numbers and text. Trino and BigQuery are
/// close to ``spark``: mainly the identifier quote (`"` / backtick) and type names differ.
public enum SQLDialect: String, Sendable, CaseIterable {
    /// The embedded store's engine: `?1`-style parameters, 64-bit integer arithmetic.
    case sqlite
    /// `$1`-style parameters, exact `NUMERIC` sums.
    case postgres
    /// Spark SQL (ANSI mode or not): backtick quotes, escaped literals, `DECIMAL(38,0)` sums.
    case spark

    /// A validated identifier, quoted part by part.
    public func quote(_ identifier: SQLIdentifier) -> String {
        identifier.parts.map { part in
            switch self {
            case .sqlite, .postgres: "\"\(part)\""
            case .spark: "`\(part)`"
            }
        }.joined(separator: ".")
    }

    /// The marker for the `position`-th (1-based) bound value, or the escaped literal itself
    /// for dialects whose query is printed rather than executed.
    public func placeholder(_ position: Int, value: SQLValue) -> String {
        switch self {
        case .sqlite: "?\(position)"
        case .postgres: "$\(position)"
        case .spark: literal(value)
        }
    }

    /// Whether values travel separately from the query text.
    public var bindsParameters: Bool { self != .spark }

    /// A literal: integers as digits; text in single quotes with quotes (and for Spark, whose
    /// string literals honour C-style escapes, backslashes) escaped.
    public func literal(_ value: SQLValue) -> String {
        switch value {
        case .integer(let number): return String(number)
        case .text(let text):
            var escaped = text.replacingOccurrences(of: "'", with: "''")
            if self == .spark {
                escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
                // Controls and bidi overrides as \uXXXX (Spark unescapes them): the printed
                // query stays on its lines and shows what the value holds.
                if escaped.unicodeScalars.contains(where: DisplayUnsafeScalars.contains) {
                    escaped = escaped.unicodeScalars.map { scalar in
                        DisplayUnsafeScalars.contains(scalar) ? String(format: "\\u%04X", scalar.value) : String(scalar)
                    }.joined()
                }
            }
            return "'\(escaped)'"
        }
    }

    /// A type whose sums of integers are exact (no rounding, no silent overflow).
    public var exactIntegerType: String {
        switch self {
        case .sqlite: "INTEGER"  // 64-bit; SUM raises "integer overflow" rather than wrap
        case .postgres: "NUMERIC"
        case .spark: "DECIMAL(38,0)"
        }
    }

    public var doubleType: String {
        switch self {
        case .sqlite: "REAL"
        case .postgres: "DOUBLE PRECISION"
        case .spark: "DOUBLE"
        }
    }

    public var textType: String {
        switch self {
        case .sqlite, .postgres: "TEXT"
        case .spark: "STRING"
        }
    }

    /// A text expression that compares, sorts and takes `MIN` byte by byte (UTF-8), whatever
    /// the column's or database's collation.
    ///
    /// Segments need it: a unit whose earliest exposures disagree gets the bytewise-smallest
    /// value, as in the in-process pipeline, and a locale collation (`de_DE`, `en_US`) would
    /// pick `Ärzte` over `Zoo` where bytes pick `Zoo`. SQLite's default `BINARY` is bytewise; it is
    /// named anyway because a bare column declared `COLLATE NOCASE` would pass its own collation
    /// to `MIN` (a `COALESCE` around it happens to drop it, but that is no contract).
    /// PostgreSQL's `"C"` collation compares with `memcmp`. Spark compares strings bytewise
    /// (`UTF8_BINARY`) and Spark 3 has no `COLLATE` clause, so the expression is left as it is.
    public func bytewise(_ expression: String) -> String {
        switch self {
        case .sqlite: "\(expression) COLLATE BINARY"
        case .postgres: "\(expression) COLLATE \"C\""
        case .spark: expression
        }
    }

    /// A key the push-down sorts or groups millions of rows by (the unit id) or takes `MIN`/`MAX`
    /// of per unit (the variant), compared byte by byte as the in-process pipeline compares ids.
    ///
    /// PostgreSQL: `CAST(… AS TEXT) COLLATE "C"`. A database created in `C.UTF-8` or any locale
    /// sorts text through `strcoll` without abbreviated keys; the `"C"` collation sorts with
    /// `memcmp`. Measured on the push-down at 1M units on tables just loaded: the query 17 %
    /// faster with this key and `MIN`/`MAX` in place of `COUNT(DISTINCT variant)` (docs/scale.md).
    /// Grouping does not change: PostgreSQL's default collations are deterministic, so equal
    /// already meant equal bytes. The cast lets an integer id column take the collation (and an
    /// integer id in one table meet a text id in the other, as the in-process pipeline reads
    /// both as text). SQLite (no locale collations by default) and Spark (bytewise strings) keep
    /// the expression as it is.
    public func groupingKey(_ expression: String) -> String {
        switch self {
        case .postgres: "CAST(\(expression) AS TEXT) COLLATE \"C\""
        case .sqlite, .spark: expression
        }
    }

    /// Wraps a result column so its value comes back without loss. PostgreSQL and Spark turn
    /// NUMERIC/DECIMAL and shortest round-trip DOUBLE into text; SQLite keeps each value's own
    /// type (its CASE does not unify types), and the reader takes it from the column.
    public func exactOutput(_ expression: String) -> String {
        switch self {
        case .sqlite: expression
        case .postgres, .spark: "CAST(\(expression) AS \(textType))"
        }
    }
}
