import TouchstoneData
import TouchstoneTime

/// The journey builder of ``TouchpointReader`` as one SQL query: a touchpoint table in the
/// warehouse in, aggregated paths out (`path, total_conversions, total_conversion_value,
/// total_null`, the layout ``PathFileReader`` reads), so a billion touchpoints leave the engine
/// as the ~10⁵ distinct paths the exact models need.
///
/// It builds exactly the journeys ``TouchpointReader`` builds, rule for rule:
/// - a unit's rows in the order of `TouchpointOrder` (time, then touch-only rows before
///   conversion rows, channel bytewise, conversion, value, clicks before views);
/// - a row's journey number = the conversion rows strictly before it in that order (a running
///   `SUM(…) OVER (PARTITION BY unit ORDER BY … ROWS …)` minus the row's own): a conversion row
///   closes its journey, its own channel included; rows after the last conversion form one
///   non-converting ("null") journey;
/// - the journey's end = the time of its last row (`MAX(ts) OVER (PARTITION BY unit, journey)`):
///   its conversion, or for the trailing null journey its last touch;
/// - a touch is kept when end − touch lies in [0, lookback) — views in [0, viewLookback) when
///   a type column and `viewLookback` are given (the half-open rule of ``TimeSpan/contains(elapsed:)``);
/// - the path = kept channels joined by `" > "` in that order (PostgreSQL `string_agg(… ORDER BY …)`,
///   SQLite `group_concat` as a window over the ordered journey — SQLite before 3.44 has no
///   ordered aggregate, and a window's ORDER BY is the documented way to order the
///   concatenation — Spark `sort_array(collect_list(struct(key…, channel)))` then `concat_ws`);
/// - one row per distinct path with summed conversions, values and null journeys, ordered by path
///   bytewise.
///
/// **Unattributed conversions** (no touch left in the window) do not vanish: they come back as
/// one row with an empty path (`''`), which ``PathFileReader`` counts in
/// ``PathSet/unattributedConversions`` — `attribute` reports them as it does for a touchpoint log.
///
/// **Rows ``TouchpointReader`` would refuse** — no unit, no timestamp, a NULL or negative
/// conversion, neither a channel nor a conversion, a conversion without a value, a `type` other
/// than click/view — and channels containing `>` (the path separator: `a>b` would come back as
/// two channels) are counted, and each kind present becomes a first row whose path reads
/// `touchstone error: N row(s) with …` with NULL counts. ``PathFileReader`` stops at such a row with
/// its text, so a result with bad input cannot be attributed by mistake, whether it is read
/// straight from PostgreSQL or saved to a file first. (One exception, on purpose: a NULL value
/// on a touch-only row is ignored, where the CSV reader wants a number in every row; the value
/// of a touch is never used.)
///
/// **Timestamps** are integer epoch seconds, `TIMESTAMP` (read as UTC) or `TIMESTAMPTZ` (Spark:
/// `TIMESTAMP`), as in the analysis push-down and through the same conversion,
/// ``SQLTimestampKind/expression(_:dialect:unit:)``. Epoch columns keep the query in whole
/// seconds: a window that is not a whole number of seconds becomes the integer bound that selects
/// the same whole-second ages (`d < x ⇔ d < ⌈x⌉` for an integer d), and a fractional value is
/// refused. Timestamp columns put it in **microseconds**, the resolution of those types and of
/// ``TouchpointReader`` (which keeps an ISO 8601 fraction to the microsecond): sub-second values
/// keep their fraction and the window is compared exactly, `0 ≤ end − touch < L` in µs.
/// Instants outside years 0001–9999 (PostgreSQL also holds `±infinity` and years up to 294276)
/// are counted and refused, as ``TouchpointReader`` refuses them, instead of overflowing the
/// 64-bit microsecond count.
///
/// **Plan.** One scan of the table for the paths, one for the checks; two window sorts (by unit
/// and order key, then by unit and journey) and two `GROUP BY`s — no join, so the cost is
/// O(n log n) in the rows whatever the planner knows about the table.
public struct PathsQuery: Sendable {
    /// The touchpoint table's column names; `value` and `type` may be absent.
    public struct Columns: Sendable, Hashable {
        public var unit = "unit_id"
        public var timestamp = "timestamp"
        public var channel = "channel"
        public var conversion = "conversion"
        /// `nil`: no value column, every conversion is worth 0.
        public var value: String? = "value"
        /// `nil`: no type column, every touch is a click.
        public var type: String?
        public init() {}
    }

    public var sql: String
    /// Bound values in placeholder order (`?1`/`$1` …); empty for Spark, which inlines them.
    public var parameters: [SQLValue]
    public var dialect: SQLDialect

    /// Prefix of a result row's path that carries a problem with the input instead of a path.
    public static let errorPrefix = "touchstone error: "

    /// Builds the query; every name is validated by ``SQLIdentifier`` (hostile names are
    /// refused, not escaped) and quoted for the dialect.
    /// - Parameters:
    ///   - table: The touchpoint table, optionally `schema.table`.
    ///   - lookback: Touches this old or older at the journey's end are dropped (`nil`: none).
    ///   - viewLookback: The same for views; needs ``Columns/type``.
    ///   - timestamps: How the timestamp column stores time; refused where the dialect cannot
    ///     read the kind (``SQLTimestampKind/check(dialect:)``).
    public init(
        dialect: SQLDialect, table: String, columns: Columns = Columns(), lookback: TimeSpan? = nil,
        viewLookback: TimeSpan? = nil, timestamps: SQLTimestampKind = .epoch
    ) throws(SQLError) {
        try timestamps.check(dialect: dialect)
        if viewLookback != nil, columns.type == nil {
            throw SQLError("--view-lookback needs the touchpoint table's type column (click or view): name it with --type-column")
        }
        let identifier = try SQLIdentifier(table, what: "--touchpoints-table")
        // The query's own relations are prefixed `touchstone_`; a table named like one would be
        // shadowed by it (SQL resolves an unqualified name to the CTE first).
        if identifier.parts.count == 1, identifier.parts[0].lowercased().hasPrefix("touchstone_") {
            throw SQLError("--touchpoints-table '\(table)': names starting with touchstone_ are the query's own; qualify it (schema.\(table)) or rename it")
        }
        let source = dialect.quote(identifier)
        func column(_ name: String, _ role: String) throws(SQLError) -> String {
            "s." + dialect.quote(try SQLIdentifier(column: name, what: "touchpoint \(role) column"))
        }
        let unit = try column(columns.unit, "unit"), rawTime = try column(columns.timestamp, "timestamp")
        let time = Self.timeExpression(rawTime, kind: timestamps, dialect: dialect)
        let rawChannel = try column(columns.channel, "channel"), conversion = try column(columns.conversion, "conversion")
        let value = try columns.value.map { (name) throws(SQLError) in try column(name, "value") }
        let type = try columns.type.map { (name) throws(SQLError) in try column(name, "type") }
        let text = dialect.textType

        var parameters: [SQLValue] = []
        func bind(_ seconds: Int64) -> String {
            guard dialect.bindsParameters else { return dialect.literal(.integer(seconds)) }
            parameters.append(.integer(seconds))
            return dialect.placeholder(parameters.count, value: .integer(seconds))
        }

        // Row expressions, shared by the paths and the checks.
        let channel = "NULLIF(TRIM(CAST(\(rawChannel) AS \(text))), '')"
        let typeWord = type.map { "LOWER(TRIM(CAST(\($0) AS \(text))))" }
        let isView = typeWord.map { "CASE WHEN \($0) = 'view' THEN 1 ELSE 0 END" } ?? "0"
        let rowValue = value.map { "CASE WHEN \(conversion) > 0 THEN \($0) ELSE 0 END" } ?? "0"

        // TouchpointOrder's key, within a unit, for the relation named `r`.
        func key(_ r: String) -> String {
            "\(r).ts, \(r).converts, \(dialect.bytewise("COALESCE(\(r).channel, '')")), \(r).conversion, \(r).value, \(r).is_view"
        }

        // Epoch ages are whole seconds: [0, L) in microseconds selects the ages below ⌈L / 1 s⌉.
        // Timestamp ages are microseconds and take L as it is.
        func bound(_ span: TimeSpan) -> String {
            bind(timestamps == .epoch ? CivilCalendar.ceilDivide(span.microseconds, 1_000_000) : span.microseconds)
        }
        let age = "(e.journey_end - e.ts)"
        let window: String? = switch (lookback, viewLookback) {
        case (nil, nil): nil
        case (let clicks?, nil): "\(age) < \(bound(clicks))"
        case (nil, let views?): "(e.is_view = 0 OR \(age) < \(bound(views)))"
        case (let clicks?, let views?):
            "\(age) < CASE WHEN e.is_view = 1 THEN \(bound(views)) ELSE \(bound(clicks)) END"
        }
        let kept = "e.channel IS NOT NULL" + (window.map { " AND \($0)" } ?? "")

        // The ordered path of each journey, per dialect.
        let pathStep: String
        let journeySource: String
        let journeyPath: String
        switch dialect {
        case .postgres:
            journeySource = "touchstone_ended e"
            journeyPath = "string_agg(CASE WHEN \(kept) THEN e.channel END, ' > ' ORDER BY \(key("e")))"
            pathStep = ""
        case .sqlite:
            pathStep = """
                ,
                touchstone_pathed AS (
                  SELECT e.*, group_concat(CASE WHEN \(kept) THEN e.channel END, ' > ') OVER (
                           PARTITION BY e.unit_id, e.journey ORDER BY \(key("e"))
                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS path
                  FROM touchstone_ended e
                )
                """
            journeySource = "touchstone_pathed e"
            journeyPath = "MAX(e.path)"
        case .spark:
            pathStep = ""
            journeySource = "touchstone_ended e"
            let fields = "'ts', e.ts, 'converts', e.converts, 'key', COALESCE(e.channel, ''), 'conversion', e.conversion, "
                + "'value', e.value, 'is_view', e.is_view, 'channel', e.channel"
            journeyPath = "concat_ws(' > ', transform(sort_array(collect_list(CASE WHEN \(kept) THEN named_struct(\(fields)) END)), "
                + "x -> x.channel))"
        }

        // Checks: each kind of row TouchpointReader refuses, counted over the whole table.
        let noChannel = "(\(channel) IS NULL)"
        var checks: [(name: String, condition: String, message: String)] = [
            ("no_unit", "\(unit) IS NULL OR CAST(\(unit) AS \(text)) = ''", "row(s) with no unit id (NULL or empty)"),
            ("no_time", "\(rawTime) IS NULL", "row(s) with no timestamp (NULL)"),
            ("bad_conversion", "\(conversion) IS NULL OR \(conversion) < 0",
             "row(s) with a NULL or negative conversion (0 or a positive count expected)"),
            ("empty_row", "\(conversion) = 0 AND \(noChannel)", "row(s) with neither a channel nor a conversion"),
            ("separator", "\(channel) LIKE '%>%'",
             "row(s) with a channel containing '>', the separator of the paths format (a>b would read as two channels)"),
        ]
        if timestamps == .epoch {
            // Epoch timestamps must be integer seconds. PostgreSQL and Spark refuse arithmetic on
            // text or TIMESTAMP columns themselves, but would quietly use fractional seconds;
            // SQLite would quietly read ISO 8601 text as its leading number (2026), making every
            // lookback pass — so both cases are counted and refused.
            let integral = dialect == .sqlite
                ? "CAST(CAST(\(rawTime) AS INTEGER) AS TEXT) = CAST(\(rawTime) AS TEXT)"
                : "\(time) = FLOOR(\(time))"
            checks.append((
                "bad_time", "\(time) IS NOT NULL AND NOT (\(integral))",
                "row(s) whose timestamp is not integer epoch seconds (ISO 8601 text, a fraction or another type: convert the column first)"))
        } else {
            checks.append((
                "bad_time", "\(rawTime) IS NOT NULL AND NOT (\(Self.inRange(rawTime, dialect: dialect)))",
                "row(s) whose timestamp is outside years 0001-9999 (or infinite), which the touchpoint reader refuses"))
        }
        if let value {
            checks.append(("no_value", "\(conversion) > 0 AND \(value) IS NULL", "conversion row(s) with no value (NULL)"))
        }
        if let typeWord {
            checks.append((
                "bad_type", "NOT (COALESCE(\(typeWord), '') IN ('click', 'view') OR (COALESCE(\(typeWord), '') = '' AND \(noChannel)))",
                "row(s) with a type other than click or view (a row with a channel needs one)"))
        }
        let checkColumns = checks.map { "SUM(CASE WHEN \($0.condition) THEN 1 ELSE 0 END) AS \($0.name)" }
        let problemRows = checks.map { check in
            let prefix = dialect.literal(.text(Self.errorPrefix)), message = dialect.literal(.text(" " + check.message))
            return "SELECT CAST(\(prefix) || CAST(\(check.name) AS \(text)) || \(message) AS \(text)) AS message FROM touchstone_checks WHERE \(check.name) > 0"
        }

        let typeNote = type == nil ? "" : ", views by type"
        sql = """
            -- Touchstone attribution paths (\(dialect.rawValue)): touchpoints → journeys\(lookback == nil ? "" : " with lookback")\(typeNote) → aggregated paths.
            -- Input problems first (path '\(Self.errorPrefix)…'), then paths bytewise, then path '' = conversions with no touch in their window.
            WITH touchstone_rows AS (
              SELECT \(unit) AS unit_id,
                     \(time) AS ts,
                     \(channel) AS channel,
                     \(conversion) AS conversion,
                     CASE WHEN \(conversion) > 0 THEN 1 ELSE 0 END AS converts,
                     \(rowValue) AS value,
                     \(isView) AS is_view
              FROM \(source) s
            ),
            touchstone_numbered AS (
              SELECT p.*,
                     SUM(p.converts) OVER (PARTITION BY p.unit_id ORDER BY \(key("p"))
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - p.converts AS journey
              FROM touchstone_rows p
            ),
            touchstone_ended AS (
              SELECT n.*, MAX(n.ts) OVER (PARTITION BY n.unit_id, n.journey) AS journey_end
              FROM touchstone_numbered n
            )\(pathStep),
            touchstone_journeys AS (
              SELECT e.unit_id, e.journey,
                     SUM(CASE WHEN e.conversion > 0 THEN e.conversion ELSE 0 END) AS conversions,
                     SUM(e.value) AS value,
                     COALESCE(\(journeyPath), '') AS path
              FROM \(journeySource)
              GROUP BY e.unit_id, e.journey
            ),
            touchstone_checks AS (
              SELECT \(checkColumns.joined(separator: ",\n         "))
              FROM \(source) s
            ),
            touchstone_problems AS (
              \(problemRows.joined(separator: "\n  UNION ALL\n  "))
            ),
            touchstone_result AS (
              SELECT 0 AS section, message AS path, NULL AS total_conversions, NULL AS total_conversion_value, NULL AS total_null
              FROM touchstone_problems
              UNION ALL
              SELECT CASE WHEN j.path = '' THEN 2 ELSE 1 END, j.path,
                     \(dialect.exactOutput("SUM(j.conversions)")),
                     \(dialect.exactOutput("SUM(j.value)")),
                     \(dialect.exactOutput("SUM(CASE WHEN j.conversions > 0 OR j.path = '' THEN 0 ELSE 1 END)"))
              FROM touchstone_journeys j
              GROUP BY j.path
              HAVING j.path <> '' OR SUM(j.conversions) > 0
            )
            SELECT path, total_conversions, total_conversion_value, total_null
            FROM touchstone_result
            ORDER BY section, \(dialect.bytewise("path"))
            """
        self.parameters = parameters
        self.dialect = dialect
    }

    /// The SQL expression for a timestamp column as an integer: epoch seconds for an epoch
    /// column (as stored), epoch microseconds for a `TIMESTAMP`/`TIMESTAMPTZ` column — NULL
    /// there for an instant outside years 0001–9999, which the `bad_time` check reports, so that
    /// PostgreSQL's `infinity` or year 294276 never reaches the 64-bit cast.
    public static func timeExpression(_ column: String, kind: SQLTimestampKind, dialect: SQLDialect) -> String {
        // SQLite's `.import` stores CSV numbers as TEXT, which ORDER BY and MAX compare as text
        // ('999999000' after '1000000500'); the `bad_time` check reads the column as stored.
        guard kind != .epoch else { return dialect == .sqlite ? "CAST(\(column) AS INTEGER)" : column }
        return "CASE WHEN \(inRange(column, dialect: dialect)) THEN \(kind.expression(column, dialect: dialect, unit: .microseconds)) END"
    }

    /// True for a timestamp within years 0001–9999, the range of ``Timestamp`` (and of Spark's
    /// `TIMESTAMP`). PostgreSQL compares the exact epoch seconds (`NUMERIC`, `±Infinity` for
    /// `±infinity`) before any cast; Spark's microseconds already fit 64 bits.
    static func inRange(_ column: String, dialect: SQLDialect) -> String {
        let low = Timestamp.validMicroseconds.lowerBound, high = Timestamp.validMicroseconds.upperBound + 1
        switch dialect {
        case .spark:
            let micros = "unix_micros(\(column))"
            return "\(micros) >= \(low) AND \(micros) < \(high)"
        case .postgres, .sqlite:
            let seconds = "EXTRACT(EPOCH FROM \(column))"
            return "\(seconds) >= \(low / 1_000_000) AND \(seconds) < \(high / 1_000_000)"
        }
    }
}
