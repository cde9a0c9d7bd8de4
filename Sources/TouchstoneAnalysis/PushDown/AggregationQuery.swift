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
///   dialect's exact integer type, sums of values in double precision.
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
    public var hasCovariates: Bool

    /// Builds the query. Table names may be schema-qualified; every name is validated by
    /// ``SQLIdentifier`` (hostile names are refused, not escaped) and quoted for the dialect.
    public init(
        dialect: SQLDialect, exposuresTable: String, eventsTable: String, settings: RawLogSettings
    ) throws(SQLError) {
        guard !settings.metrics.isEmpty else {
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

        var binder = Binder(dialect: dialect)
        let window = settings.windowSeconds
        let day: Int64 = 86_400
        let delta = "(e.ts - u.t0)"
        let metrics = settings.metrics
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
        for (m, metric) in metrics.enumerated() {
            let type = metric.aggregation == .sum ? dialect.doubleType : dialect.exactIntegerType
            let y = "CAST(COALESCE(y\(m), 0) AS \(type))", xm = "CAST(COALESCE(x\(m), 0) AS \(type))"
            perArm.append("SUM(\(y)) AS s\(m)")
            perArm.append("SUM(\(y) * \(y)) AS q\(m)")
            if covariates {
                perArm.append("SUM(\(xm)) AS sx\(m)")
                perArm.append("SUM(\(xm) * \(xm)) AS qx\(m)")
                perArm.append("SUM(\(xm) * \(y)) AS cxy\(m)")
            }
        }
        let metricRows = metrics.enumerated().map { m, metric in
            "SELECT \(m) AS metric_index, CAST(\(binder.bind(.text(metric.name))) AS \(dialect.textType)) AS metric"
        }.joined(separator: " UNION ALL ")
        func pick(_ prefix: String) -> String {
            let branches = metrics.indices.map { "WHEN \($0) THEN \(dialect.exactOutput("a.\(prefix)\($0)"))" }
            return "CASE k.metric_index \(branches.joined(separator: " ")) END"
        }
        var outputs = [
            "\(dialect.exactOutput("a.variant")) AS variant", "k.metric AS metric", "\(dialect.exactOutput("a.units")) AS units",
            "\(pick("s")) AS sum", "\(pick("q")) AS sum_of_squares",
        ]
        if covariates {
            outputs += ["\(pick("sx")) AS covariate_sum", "\(pick("qx")) AS covariate_sum_of_squares", "\(pick("cxy")) AS cross_products"]
        }

        sql = """
            -- Touchstone push-down aggregation (\(dialect.rawValue)): per-arm power sums of \(metrics.count) metric(s).
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
            units AS (
              SELECT unit_id, variant, t0 FROM exposed WHERE variants = 1
            ),
            per_unit AS (
              SELECT u.unit_id, u.variant,
                     \(perUnit.joined(separator: ",\n         "))
              FROM units u
              LEFT JOIN event_log e ON e.unit_id = u.unit_id
              GROUP BY u.unit_id, u.variant
            ),
            arms AS (
              SELECT variant, COUNT(*) AS units,
                     \(perArm.joined(separator: ",\n         "))
              FROM per_unit
              GROUP BY variant
            ),
            metrics AS (
              \(metricRows)
            )
            SELECT \(outputs.joined(separator: ",\n       "))
            FROM arms a CROSS JOIN metrics k
            ORDER BY a.variant, k.metric_index
            """
        parameters = binder.values
        self.dialect = dialect
        hasCovariates = covariates
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
