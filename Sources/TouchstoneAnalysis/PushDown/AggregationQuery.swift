import TouchstoneData
import TouchstoneTime

/// The raw-log pipeline as one SQL query: exposures and events in warehouse tables in, per-arm
/// power sums (``PowerSums``) out, so only a few numbers per arm leave the engine.
///
/// It computes exactly what ``RawLogPipeline`` computes, definition for definition:
/// - first exposure per unit: t₀ = the unit's earliest exposure time in the experiment; units
///   exposed in more than one variant are excluded (so which of two tied rows came first never
///   matters: a unit's rows all carry the same variant);
/// - metric window [t₀, t₀ + W); retention day N: t − t₀ in [N·86400, (N+1)·86400);
///   pre-period covariate over [t₀ − W, t₀) with the same aggregation (retention day counted
///   from t₀ − W) — every window half-open, as ``TimeSpan/contains(elapsed:)``; an empty event
///   value counts as 0 in sums;
/// - per arm: units, Σy, Σy² and, with covariates, Σx, Σx², Σxy — integer metrics in the
///   dialect's exact integer type, sums of values in double precision;
/// - with ``RawLogSettings/segmentColumn`` (`--by country`), the same per (segment, arm): a
///   unit's segment is the column's value on its earliest exposure row in the experiment,
///   where several rows share that time the bytewise-smallest value (``SQLDialect/bytewise(_:)``),
///   NULL or empty → `''` (the rule of ``SegmentedArmTable``). A `segment` column follows
///   `variant` and rows are ordered by segment (bytewise), variant, metric.
///
/// Timestamps are integer epoch seconds in both tables by default; a window that is not a whole
/// number of seconds becomes the integer bounds that select the same whole-second deltas
/// (`d ≥ x ⇔ d ≥ ⌈x⌉` and `d < y ⇔ d < ⌈y⌉` for an integer d). With `TIMESTAMP`/`TIMESTAMPTZ`
/// columns (``SQLTimestampTypes``) the query works in microseconds, sub-second values included,
/// and the bounds are the in-process pipeline's own.
///
/// **Plan-robust by construction.** The query joins no log to anything: exposure and event rows
/// are stacked (`UNION ALL`), every row learns its unit's t₀ from a window function partitioned
/// by unit, and one `GROUP BY` unit aggregates every metric — events are reduced per unit and
/// per metric in the same pass that finds t₀. Each step is a scan, a sort or hash by unit, or an
/// aggregate, so on tables just loaded (no statistics, no indexes) no plan can nest loops over
/// the two logs, as PostgreSQL's planner did with the earlier join of units and events (minutes
/// at 50,000 units, 1 s after `ANALYZE`). The one join left, arms × metric names, pairs two
/// relations of a few rows each.
///
/// Lives in TouchstoneAnalysis rather than TouchstoneData because it is the SQL twin of
/// ``RawLogPipeline`` and is built from the same ``RawLogSettings`` and ``MetricDefinition``s;
/// everything that differs between engines is in ``SQLDialect`` (TouchstoneData).
public struct AggregationQuery: Sendable {
    public var sql: String
    /// Bound values in placeholder order (`?1`/`$1` …); empty for dialects that inline them.
    public var parameters: [SQLValue]
    public var dialect: SQLDialect
    /// Whether rows carry the three covariate columns: with pre-exposure covariates, or for
    /// ratio metrics (whose rows hold the denominator there; other rows then have NULLs).
    public var hasCovariates: Bool
    /// Whether rows carry a `segment` column after `variant` (``RawLogSettings/segmentColumn`` was set).
    public var isSegmented: Bool

    /// Builds the query. Table names may be schema-qualified; every name is validated by
    /// ``SQLIdentifier`` (hostile names are refused, not escaped) and quoted for the dialect.
    /// - Parameter timestamps: How each table stores its timestamp column (``SQLTimestampKind``);
    ///   detected from the catalogue by `analyze --postgres`, declared with `--timestamp-type`.
    public init(
        dialect: SQLDialect, exposuresTable: String, eventsTable: String, settings: RawLogSettings,
        timestamps: SQLTimestampTypes = .epoch
    ) throws(SQLError) {
        try timestamps.check(dialect: dialect)
        guard !settings.metrics.isEmpty || !settings.ratios.isEmpty else {
            throw SQLError("no metric requested (use --metric EVENT[:conversion|sum|count|retention:N])")
        }
        guard let experiment = settings.experiment else {
            throw SQLError("push-down needs --experiment KEY (the exposures table may hold many experiments)")
        }
        // The query's own relations are prefixed `touchstone_`: an unqualified table named like
        // one would be shadowed by it (SQL resolves an unqualified name to the CTE first) and the
        // query would silently read the wrong rows, so such names are refused.
        func table(_ name: String, _ flag: String) throws(SQLError) -> String {
            let identifier = try SQLIdentifier(name, what: flag)
            if identifier.parts.count == 1, identifier.parts[0].lowercased().hasPrefix("touchstone_") {
                throw SQLError("\(flag) '\(name)': names starting with touchstone_ are the query's own; qualify it (schema.\(name)) or rename it")
            }
            return dialect.quote(identifier)
        }
        let exposures = try table(exposuresTable, "--exposures-table")
        let events = try table(eventsTable, "--events-table")
        func column(_ name: String, _ flag: String) throws(SQLError) -> String {
            dialect.quote(try SQLIdentifier(column: name, what: flag))
        }
        let x = settings.exposureColumns, e = settings.eventColumns
        let xUnit = try column(x.unit, "exposure unit column"), xExperiment = try column(x.experiment, "experiment column")
        let xVariant = try column(x.variant, "variant column"), xTime = try column(x.timestamp, "exposure timestamp column")
        let eUnit = try column(e.unit, "event unit column"), eTime = try column(e.timestamp, "event timestamp column")
        let eEvent = try column(e.event, "event column"), eValue = try column(e.value, "event value column")
        let xSegment = try settings.segmentColumn.map { (name) throws(SQLError) in try column(name, "--by") }

        var binder = Binder(dialect: dialect)
        // Window bounds in microseconds, as the in-process pipeline compares them.
        let window = settings.window.microseconds
        let day: Int64 = 86_400_000_000
        let delta = "(l.ts - l.t0)"
        // Ratio parts not requested as metrics are aggregated too, and reported only inside the ratio.
        var metrics = settings.metrics
        for ratio in settings.ratios {
            for part in [ratio.numerator, ratio.denominator] where !metrics.contains(part) { metrics.append(part) }
        }
        let reported = settings.metrics.count
        let ratioParts = settings.ratios.map { ratio in
            (metrics.firstIndex(of: ratio.numerator) ?? 0, metrics.firstIndex(of: ratio.denominator) ?? 0)
        }
        let covariates = settings.preExposureCovariates
        let readsValue = metrics.contains { $0.readsValue }

        /// The per-unit aggregate of one metric over elapsed times [lower, upper) from t₀, given in
        /// microseconds and written in the query's unit: for epoch columns the whole-second bounds
        /// that select the same integer deltas, for timestamps the microseconds. Exposure rows carry a NULL event, so `l.event = …` keeps event rows only.
        func unitAggregate(_ metric: MetricDefinition, lower: Int64, upper: Int64) -> String {
            let microsecondsPerUnit: Int64 = timestamps.unit == .seconds ? 1_000_000 : 1
            let low = CivilCalendar.ceilDivide(lower, microsecondsPerUnit), high = CivilCalendar.ceilDivide(upper, microsecondsPerUnit)
            let condition = "l.event = \(binder.bind(.text(metric.event))) AND \(delta) >= \(binder.bind(.integer(low)))"
                + " AND \(delta) < \(binder.bind(.integer(high)))"
            return switch metric.aggregation {
            case .conversion, .retention: "MAX(CASE WHEN \(condition) THEN 1 ELSE 0 END)"
            case .count: "SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END)"
            case .sum: "SUM(CASE WHEN \(condition) THEN CAST(COALESCE(l.value, 0) AS \(dialect.doubleType)) ELSE 0 END)"
            }
        }
        var perUnit: [String] = []
        for (m, metric) in metrics.enumerated() {
            switch metric.aggregation {
            case .retention(let n):
                let (lower, upper) = (Int64(n) * day, Int64(n + 1) * day)
                perUnit.append("\(unitAggregate(metric, lower: lower, upper: upper)) AS y\(m)")
                if covariates {
                    // Day N of the pre-period, counted from t₀ − W, clipped to [t₀ − W, t₀).
                    let preLower = max(-window, lower - window), preUpper = min(0, upper - window)
                    perUnit.append("\(unitAggregate(metric, lower: preLower, upper: preUpper)) AS x\(m)")
                }
            default:
                perUnit.append("\(unitAggregate(metric, lower: 0, upper: window)) AS y\(m)")
                if covariates {
                    perUnit.append("\(unitAggregate(metric, lower: -window, upper: 0)) AS x\(m)")
                }
            }
        }
        let eventNames = Array(Set(metrics.map(\.event))).sorted()
        let eventList = eventNames.map { binder.bind(.text($0)) }.joined(separator: ", ")

        var perArm: [String] = []
        func valueType(_ metric: MetricDefinition) -> String {
            metric.aggregation == .sum ? dialect.doubleType : dialect.exactIntegerType
        }
        for (m, metric) in metrics.enumerated() {
            let type = valueType(metric)
            let y = "CAST(COALESCE(y\(m), 0) AS \(type))", xm = "CAST(COALESCE(x\(m), 0) AS \(type))"
            perArm.append("SUM(\(y)) AS s\(m)")
            perArm.append("SUM(\(y) * \(y)) AS q\(m)")
            if covariates {
                perArm.append("SUM(\(xm)) AS sx\(m)")
                perArm.append("SUM(\(xm) * \(xm)) AS qx\(m)")
                perArm.append("SUM(\(xm) * \(y)) AS cxy\(m)")
            }
        }
        // A ratio row carries the numerator as the metric and the denominator as the covariate,
        // with Σ numerator·denominator as the cross products (``PowerSums`` for a ratio).
        for (r, parts) in ratioParts.enumerated() {
            let type = metrics[parts.0].aggregation == .sum || metrics[parts.1].aggregation == .sum
                ? dialect.doubleType : dialect.exactIntegerType
            perArm.append("SUM(CAST(COALESCE(y\(parts.0), 0) AS \(type)) * CAST(COALESCE(y\(parts.1), 0) AS \(type))) AS rc\(r)")
        }
        let outputNames = metrics.prefix(reported).map(\.name) + settings.ratios.map(\.argument)
        let metricRows = outputNames.enumerated().map { m, name in
            "SELECT \(m) AS metric_index, CAST(\(binder.bind(.text(name))) AS \(dialect.textType)) AS metric"
        }.joined(separator: " UNION ALL ")
        /// One output column: per output row, the arms column it shows (`nil`: NULL).
        func pick(_ column: (Int) -> String?) -> String {
            let branches = outputNames.indices.map { row in
                "WHEN \(row) THEN \(column(row).map { dialect.exactOutput("a.\($0)") } ?? "NULL")"
            }
            return "CASE k.metric_index \(branches.joined(separator: " ")) END"
        }
        func metricOrRatio(_ row: Int, metric: (Int) -> String?, ratio: (Int, (Int, Int)) -> String) -> String? {
            row < reported ? metric(row) : ratio(row - reported, ratioParts[row - reported])
        }
        // SQLite compares whatever a column holds: ISO 8601 text would read as its leading number
        // (2026) and every window would pass. Such rows are counted in the same scan, and every
        // result row then carries the count in place of its variant, which the readers refuse.
        var timeCheck = "", exposureCheck = "", eventCheck = ""
        if dialect == .sqlite {
            func bad(_ column: String) -> String {
                ", CASE WHEN \(column) IS NOT NULL AND NOT (typeof(\(column)) IN ('integer', 'real') "
                    + "OR (typeof(\(column)) = 'text' AND CAST(CAST(\(column) AS NUMERIC) AS TEXT) = \(column))) THEN 1 ELSE 0 END"
            }
            exposureCheck = bad("x.\(xTime)") + " AS bad"
            eventCheck = bad("e.\(eTime)")
            timeCheck = "touchstone_checks AS (\n  SELECT COALESCE(SUM(bad), 0) AS bad FROM touchstone_unit_log\n),\n"
        }
        let variantOutput = timeCheck.isEmpty
            ? dialect.exactOutput("a.variant")
            : "CASE WHEN (SELECT bad FROM touchstone_checks) > 0 THEN '\(SufficientStatisticsFormat.errorPrefix)' || (SELECT bad FROM touchstone_checks) "
                + "|| ' row(s) whose timestamp is not epoch seconds (ISO 8601 text or another type: convert the column first)' ELSE \(dialect.exactOutput("a.variant")) END"
        var outputs = [
            "\(variantOutput) AS variant", "k.metric AS metric", "\(dialect.exactOutput("a.units")) AS units",
            "\(pick { metricOrRatio($0, metric: { "s\($0)" }, ratio: { "s\($1.0)" }) }) AS sum",
            "\(pick { metricOrRatio($0, metric: { "q\($0)" }, ratio: { "q\($1.0)" }) }) AS sum_of_squares",
        ]
        if xSegment != nil { outputs.insert("a.segment AS segment", at: 1) }
        if covariates || !ratioParts.isEmpty {
            outputs += [
                "\(pick { metricOrRatio($0, metric: { covariates ? "sx\($0)" : nil }, ratio: { "s\($1.1)" }) }) AS covariate_sum",
                "\(pick { metricOrRatio($0, metric: { covariates ? "qx\($0)" : nil }, ratio: { "q\($1.1)" }) }) AS covariate_sum_of_squares",
                "\(pick { metricOrRatio($0, metric: { covariates ? "cxy\($0)" : nil }, ratio: { r, _ in "rc\(r)" }) }) AS cross_products",
            ]
        }

        // Segments add one column to the stacked rows and carry a `segment` key from the units to
        // the arms. Without a segment column every fragment below is the unsegmented query's text.
        var exposureSegment = "", eventSegment = "", unitSegment = "", armKey = "", orderKey = ""
        if let xSegment {
            // CAST so a numeric column compares as text (as the in-process pipeline reads it); NULL
            // and '' are the same segment. Ties at the earliest time resolve to the bytewise-smallest
            // value; a unit whose t₀ is NULL (no timestamp at all) gets ''.
            exposureSegment = ", COALESCE(CAST(x.\(xSegment) AS \(dialect.textType)), '') AS segment"
            eventSegment = ", NULL"
            unitSegment = ",\n         COALESCE(MIN(\(dialect.bytewise("CASE WHEN l.kind = 0 AND l.ts = l.t0 THEN l.segment END"))), '') AS segment"
            armKey = "segment, "
            orderKey = "\(dialect.bytewise("a.segment")), "
        }
        let value = readsValue ? ", e.\(eValue)" : ""
        // Both logs in one unit: seconds for epoch columns, microseconds once a table holds timestamps.
        let exposureTime = timestamps.exposures.expression("x.\(xTime)", dialect: dialect, unit: timestamps.unit)
        let eventTime = timestamps.events.expression("e.\(eTime)", dialect: dialect, unit: timestamps.unit)
        let exposureValue = readsValue ? ", NULL AS value" : ""
        // A unit is in one arm when its smallest and largest variant are equal: the same units
        // as COUNT(DISTINCT variant) = 1 (NULLs ignored by both), without the per-unit sort
        // PostgreSQL runs for a DISTINCT aggregate.
        let variantKey = dialect.groupingKey("l.variant")

        sql = """
            -- Touchstone push-down aggregation (\(dialect.rawValue)): per-arm power sums of \(outputNames.count) metric(s).
            -- Exposure and event rows stacked, t₀ by a window over each unit, one GROUP BY unit: no join of the logs.
            WITH touchstone_unit_log AS (
              SELECT \(dialect.groupingKey("x.\(xUnit)")) AS unit_id, 0 AS kind, \(exposureTime) AS ts, x.\(xVariant) AS variant, NULL AS event\(exposureValue)\(exposureSegment)\(exposureCheck)
              FROM \(exposures) x
              WHERE x.\(xExperiment) = \(binder.bind(.text(experiment)))
              UNION ALL
              SELECT \(dialect.groupingKey("e.\(eUnit)")), 1, \(eventTime), NULL, e.\(eEvent)\(value)\(eventSegment)\(eventCheck)
              FROM \(events) e
              WHERE e.\(eEvent) IN (\(eventList))
            ),
            touchstone_timed AS (
              SELECT l.*, MIN(CASE WHEN l.kind = 0 THEN l.ts END) OVER (PARTITION BY l.unit_id) AS t0
              FROM touchstone_unit_log l
            ),
            touchstone_per_unit AS (
              SELECT l.unit_id, MIN(\(variantKey)) AS variant, MAX(\(variantKey)) AS last_variant\(unitSegment),
                     \(perUnit.joined(separator: ",\n         "))
              FROM touchstone_timed l
              GROUP BY l.unit_id
              HAVING MIN(l.kind) = 0
            ),
            touchstone_arms AS (
              SELECT \(armKey)variant, COUNT(*) AS units,
                     \(perArm.joined(separator: ",\n         "))
              FROM touchstone_per_unit
              WHERE variant = last_variant
              GROUP BY \(armKey)variant
            ),
            \(timeCheck)touchstone_metrics AS (
              \(metricRows)
            )
            SELECT \(outputs.joined(separator: ",\n       "))
            FROM touchstone_arms a CROSS JOIN touchstone_metrics k
            ORDER BY \(orderKey)a.variant, k.metric_index
            """
        parameters = binder.values
        self.dialect = dialect
        hasCovariates = covariates || !ratioParts.isEmpty
        isSegmented = xSegment != nil
    }

    /// Numbered placeholders, each distinct value bound once.
    private struct Binder {
        let dialect: SQLDialect
        var values: [SQLValue] = []
        mutating func bind(_ value: SQLValue) -> String {
            guard dialect.bindsParameters else { return dialect.literal(value) }
            if let known = values.firstIndex(of: value) { return dialect.placeholder(known + 1, value: value) }
            values.append(value)
            return dialect.placeholder(values.count, value: value)
        }
    }
}
