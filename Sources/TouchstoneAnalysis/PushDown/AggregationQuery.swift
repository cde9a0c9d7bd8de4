import TouchstoneData

/// The raw-log pipeline as one SQL query: exposures and events in warehouse tables in, per-arm
/// power sums (``PowerSums``) out, so only a few numbers per arm leave the engine.
///
/// It computes exactly what ``RawLogPipeline`` computes, definition for definition:
/// - first exposure per unit: t₀ = the unit's earliest exposure time in the experiment; units
///   exposed in more than one variant are excluded (so which of two tied rows came first never
///   matters: a unit's rows all carry the same variant);
/// - metric window [t₀, t₀ + W] inclusive; retention day N: t − t₀ in [N·86400, (N+1)·86400);
///   pre-period covariate over [t₀ − W, t₀) with the same aggregation (retention day counted
///   from t₀ − W); an empty event value counts as 0 in sums;
/// - per arm: units, Σy, Σy² and, with covariates, Σx, Σx², Σxy — integer metrics in the
///   dialect's exact integer type, sums of values in double precision;
/// - with ``RawLogSettings/segmentColumn`` (`--by country`), the same per (segment, arm): a
///   unit's segment is the column's value on its earliest exposure row in the experiment,
///   where several rows share that time the bytewise-smallest value (``SQLDialect/bytewise(_:)``),
///   NULL or empty → `''` (the rule of ``SegmentedArmTable``). A `segment` column follows
///   `variant` and rows are ordered by segment (bytewise), variant, metric.
///
/// Timestamps are integer epoch seconds in both tables. Lives in TouchstoneAnalysis rather
/// than TouchstoneData because it is the SQL twin of ``RawLogPipeline`` and is built from the
/// same ``RawLogSettings`` and ``MetricDefinition``s; everything that differs between engines
/// is in ``SQLDialect`` (TouchstoneData).
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
    public init(
        dialect: SQLDialect, exposuresTable: String, eventsTable: String, settings: RawLogSettings
    ) throws(SQLError) {
        guard !settings.metrics.isEmpty || !settings.ratios.isEmpty else {
            throw SQLError("no metric requested (use --metric EVENT[:conversion|sum|count|retention:N])")
        }
        guard let experiment = settings.experiment else {
            throw SQLError("push-down needs --experiment KEY (the exposures table may hold many experiments)")
        }
        guard settings.windowSeconds > 0 else { throw SQLError("--window must be positive") }
        let exposures = dialect.quote(try SQLIdentifier(exposuresTable, what: "--exposures-table"))
        let events = dialect.quote(try SQLIdentifier(eventsTable, what: "--events-table"))
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
        let window = settings.windowSeconds
        let day: Int64 = 86_400
        let delta = "(e.ts - u.t0)"
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

        /// The per-unit aggregate of one metric over [lower, upper] (upper inclusive or not).
        func unitAggregate(_ metric: MetricDefinition, lower: Int64, upper: Int64, upperInclusive: Bool) -> String {
            let condition = "e.event = \(binder.bind(.text(metric.event))) AND \(delta) >= \(binder.bind(.integer(lower)))"
                + " AND \(delta) \(upperInclusive ? "<=" : "<") \(binder.bind(.integer(upper)))"
            return switch metric.aggregation {
            case .conversion, .retention: "MAX(CASE WHEN \(condition) THEN 1 ELSE 0 END)"
            case .count: "SUM(CASE WHEN \(condition) THEN 1 ELSE 0 END)"
            case .sum: "SUM(CASE WHEN \(condition) THEN CAST(COALESCE(e.value, 0) AS \(dialect.doubleType)) ELSE 0 END)"
            }
        }
        var perUnit: [String] = []
        for (m, metric) in metrics.enumerated() {
            switch metric.aggregation {
            case .retention(let n):
                let (lower, upper) = (Int64(n) * day, Int64(n + 1) * day)
                perUnit.append("\(unitAggregate(metric, lower: lower, upper: upper, upperInclusive: false)) AS y\(m)")
                if covariates {
                    // Day N of the pre-period, counted from t₀ − W, clipped to [t₀ − W, t₀).
                    let preLower = max(-window, lower - window), preUpper = min(0, upper - window)
                    perUnit.append("\(unitAggregate(metric, lower: preLower, upper: preUpper, upperInclusive: false)) AS x\(m)")
                }
            default:
                perUnit.append("\(unitAggregate(metric, lower: 0, upper: window, upperInclusive: true)) AS y\(m)")
                if covariates {
                    perUnit.append("\(unitAggregate(metric, lower: -window, upper: 0, upperInclusive: false)) AS x\(m)")
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
        var outputs = [
            "\(dialect.exactOutput("a.variant")) AS variant", "k.metric AS metric", "\(dialect.exactOutput("a.units")) AS units",
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

        // Segments add one CTE and carry a `segment` key from the units to the arms. Without a
        // segment column every fragment below is the unsegmented query's text, byte for byte.
        var segmentCTE = "", unitsSelect = "SELECT unit_id, variant, t0 FROM exposed WHERE variants = 1"
        var unitKey = "", armKey = "", orderKey = ""
        if let xSegment {
            // Ties at the earliest time resolve to the bytewise-smallest value; CAST first so a
            // numeric column compares as text (as the in-process pipeline reads it), and NULL
            // and '' are the same segment.
            let value = dialect.bytewise("COALESCE(CAST(x.\(xSegment) AS \(dialect.textType)), '')")
            segmentCTE = """
                first_segment AS (
                  SELECT x.\(xUnit) AS unit_id, MIN(\(value)) AS segment
                  FROM \(exposures) x
                  JOIN exposed f ON f.unit_id = x.\(xUnit) AND x.\(xTime) = f.t0
                  WHERE x.\(xExperiment) = \(binder.bind(.text(experiment))) AND f.variants = 1
                  GROUP BY x.\(xUnit)
                ),

                """
            // LEFT JOIN: a unit whose t₀ is NULL (no timestamp at all) matches no exposure row
            // above but is still a unit of the unsegmented query, so it must land in some segment.
            unitsSelect = """
                SELECT f.unit_id, f.variant, f.t0, COALESCE(s.segment, '') AS segment
                  FROM exposed f LEFT JOIN first_segment s ON s.unit_id = f.unit_id
                  WHERE f.variants = 1
                """
            unitKey = ", u.segment"
            armKey = "segment, "
            orderKey = "\(dialect.bytewise("a.segment")), "
        }

        sql = """
            -- Touchstone push-down aggregation (\(dialect.rawValue)): per-arm power sums of \(outputNames.count) metric(s).
            WITH event_log \(dialect.materializedCTE) (
              SELECT e.\(eUnit) AS unit_id, e.\(eTime) AS ts, e.\(eEvent) AS event\(readsValue ? ", e.\(eValue) AS value" : "")
              FROM \(events) e
              WHERE e.\(eEvent) IN (\(eventList))
            ),
            exposed AS (
              SELECT x.\(xUnit) AS unit_id, MIN(x.\(xVariant)) AS variant, MIN(x.\(xTime)) AS t0,
                     COUNT(DISTINCT x.\(xVariant)) AS variants
              FROM \(exposures) x
              WHERE x.\(xExperiment) = \(binder.bind(.text(experiment)))
              GROUP BY x.\(xUnit)
            ),
            \(segmentCTE)units AS (
              \(unitsSelect)
            ),
            per_unit AS (
              SELECT u.unit_id, u.variant\(unitKey),
                     \(perUnit.joined(separator: ",\n         "))
              FROM units u
              LEFT JOIN event_log e ON e.unit_id = u.unit_id
              GROUP BY u.unit_id, u.variant\(unitKey)
            ),
            arms AS (
              SELECT \(armKey)variant, COUNT(*) AS units,
                     \(perArm.joined(separator: ",\n         "))
              FROM per_unit
              GROUP BY \(armKey)variant
            ),
            metrics AS (
              \(metricRows)
            )
            SELECT \(outputs.joined(separator: ",\n       "))
            FROM arms a CROSS JOIN metrics k
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
