import TouchstoneData
import TouchstoneExperiment
import TouchstoneStats

extension AnalysisRequest {
    /// Per-arm sufficient statistics read from the source, split by segment when asked.
    public struct Tables: Sendable {
        public var table: ArmTable
        /// With a segment column: the split (its `overall` is `table`).
        public var segments: SegmentedArmTable?
        /// The experiment key the data named (raw logs select or discover it).
        public var experiment: String?
        /// Unit tables: the value each capped column was winsorised at.
        public var caps: [String: Double] = [:]
        /// With ``AnalysisRequest/timeline``: the tables of every point of the timeline.
        public var timeline: [TimelinePoint]? = nil
        /// Raw logs: earliest and latest exposure (microseconds since the epoch).
        public var exposurePeriod: ClosedRange<Int64>? = nil
    }

    /// Adopts the configured metrics and validates the request: the one place both happen.
    public mutating func prepare() throws {
        try adoptConfiguredMetrics()
        try validate()
    }

    /// Reads the data and analyses it: ``prepare()``, ``armTables(observer:)``, the analysis of
    /// every arm against control (per segment when split), and the bootstrap when asked.
    public func run(observer: (any AnalysisObserver)? = nil) throws -> AnalysisResult {
        var request = self
        try request.prepare()
        return try request.analyze(request.armTables(observer: observer), observer: observer)
    }

    /// Analyses tables already read (see ``run(observer:)``); the request must be prepared.
    public func analyze(_ tables: Tables, observer: (any AnalysisObserver)? = nil) throws -> AnalysisResult {
        var settings = self.settings
        settings.weights = effectiveWeights
        if let tuning { settings.tuning = tuning }
        if let experiment = tables.experiment { settings.experiment = experiment }
        var result: AnalysisResult
        do {
            result = if let segments = tables.segments {
                try ExperimentAnalysis.analyze(segments, settings: settings)
            } else {
                try ExperimentAnalysis.analyze(tables.table, settings: settings)
            }
        } catch let error as AnalysisError {
            throw AnalysisRequestError.data(error.message)
        } catch let error as StatsError {
            throw AnalysisRequestError.data(error.message)
        }
        if let points = tables.timeline, let view = timeline {
            do {
                result.timeline = try ExperimentAnalysis.timeline(points, settings: settings)
            } catch let error as AnalysisError {
                throw AnalysisRequestError.data("{timeline}: \(error.message)")
            }
            result.timelineNote = AnalysisResult.timelineNote(method: settings.method, view: view)
        }
        result.clusterColumn = clusterColumn
        if let bootstrap, case .units(let path) = source {
            result.bootstrap = try bootstrapResults(bootstrap, path: path, tables: tables)
        }
        try addDecision(to: &result, tables: tables, settings: settings)
        return result
    }

    /// The per-arm tables of the source.
    public func armTables(observer: (any AnalysisObserver)? = nil) throws -> Tables {
        switch source {
        case .summary(let path):
            return Tables(table: try SummaryTableReader.read(CSVReader(path: path), metricName: metrics.first))
        case .units(let path):
            return try unitTables(path: path, observer: observer)
        case .rawLogs(let exposures, let events):
            return try rawLogTables(exposures: .files(exposures), events: events, observer: observer)
        case .store(let path, let events):
            return try rawLogTables(exposures: .store(path), events: events, observer: observer)
        case .powerSums(let path):
            let sums = try SufficientStatisticsFormat.read(path: path)
            if let segmentColumn, !sums.contains(where: { $0.segment != nil }) {
                throw AnalysisRequestError.data(
                    "{segmentColumn} \(segmentColumn): \(path) is not split by segment (no '\(SufficientStatisticsFormat.segmentColumn)' "
                        + "column); produce it with `touchstone sql --by \(segmentColumn)` or drop --by")
            }
            return try pushedDownTables(sums)
        case .pushedDown(let sums, let origin):
            let tables = try pushedDownTables(sums)
            let split = tables.segments.map { ", \($0.segments.count) segments by \($0.column)" } ?? ""
            observer?.note(
                "\(origin): \(tables.table.variants.count) arms, \(tables.table.units.values.reduce(0, +)) units\(split) (multi-variant units excluded)")
            return tables
        }
    }

    // MARK: - Sources

    private enum ExposureSource { case files([String]), store(String) }

    private func rawLogTables(exposures: ExposureSource, events: [String], observer: (any AnalysisObserver)?) throws -> Tables {
        let settings = try rawLogSettings()
        var exposureLogs: [CSVReader]
        var storedMultiVariant = 0
        switch exposures {
        case .store(let path):
            guard let experiment = settings.experiment else { throw AnalysisRequestError.conflict("{store} needs {experiment} KEY") }
            // The store keeps one row per unit; its multi-variant units are already left out.
            let opened = try ExposureStore(path: path, readOnly: true)
            storedMultiVariant = try opened.summary(experiment: experiment, examples: 0).multiVariantUnits
            exposureLogs = [try opened.exposureLog(experiment: experiment)]
        case .files(let paths):
            exposureLogs = try paths.map { try CSVReader(path: $0) }
        }
        var eventLogs = try events.map { try CSVReader(path: $0) }
        let progress = observer?.reading(bytes: (exposureLogs + eventLogs).reduce(0) { $0 + $1.byteCount }, label: "reading")
        for index in exposureLogs.indices { exposureLogs[index].progress = progress }
        for index in eventLogs.indices { eventLogs[index].progress = progress }
        defer { if progress != nil { observer?.finishedReading() } }
        var summary: RawLogSummary
        do {
            summary = try RawLogPipeline.run(exposures: exposureLogs, events: eventLogs, settings: settings)
        } catch let error as AnalysisError {
            throw AnalysisRequestError.data(error.message)
        }
        summary.multiVariantUnits += storedMultiVariant
        for warning in summary.warnings { observer?.note("warning: \(warning)") }
        observer?.note(
            "exposures: \(summary.exposureRows) rows, \(summary.exposedUnits) units, \(summary.repeatExposures) repeat exposures, "
                + "\(summary.multiVariantUnits) units in several variants (excluded); events: \(summary.eventRows) rows, "
                + "\(summary.strayEvents) of never-exposed units (ignored)")
        return Tables(
            table: summary.table, segments: summary.segments, experiment: summary.experiment, timeline: summary.timeline,
            exposurePeriod: summary.exposurePeriod)
    }

    private func unitTables(path: String, observer: (any AnalysisObserver)?) throws -> Tables {
        let columns = metrics.compactMap(MetricColumn.init(argument:))
        let caps = try capThresholds(path: path, observer: observer)
        var unitTable = try CSVReader(path: path)
        let progress = observer?.reading(bytes: unitTable.byteCount, label: "reading \(path)")
        unitTable.progress = progress
        defer { if progress != nil { observer?.finishedReading() } }
        let ratioColumns = ratios.compactMap(RatioColumn.init(argument:))
        if columns.isEmpty, ratioColumns.isEmpty, !quantiles.isEmpty { return try quantileOnlyTables(path: path, caps: caps) }
        let tables: Tables
        if let segmentColumn {
            let split = try UnitTableReader.readSegmented(
                unitTable, variantColumn: variantColumn, segmentColumn: segmentColumn, metrics: columns,
                covariates: try parsedCovariates(), ratios: ratioColumns, caps: caps, skipMissing: skipMissing,
                covariateSets: try parsedCovariateSets())
            tables = Tables(table: split.overall, segments: split, caps: caps)
        } else {
            tables = Tables(
                table: try UnitTableReader.read(
                    unitTable, variantColumn: variantColumn, metrics: columns, covariates: try parsedCovariates(),
                    ratios: ratioColumns, caps: caps, skipMissing: skipMissing, covariateSets: try parsedCovariateSets()),
                caps: caps)
        }
        return try addingSamples(to: tables, path: path)
    }

    /// The value each capped column is winsorised at. Percentile caps need the pooled
    /// distribution first: one extra pass reads every such column at once.
    private func capThresholds(path: String, observer: (any AnalysisObserver)?) throws -> [String: Double] {
        let rules = try parsedCaps()
        guard !rules.isEmpty else { return [:] }
        let pooled = try UnitTableReader.columnValues(CSVReader(path: path), columns: rules.keys.sorted())
        var caps: [String: Double] = [:]
        for (column, rule) in rules.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            let cap = rule.threshold(for: pooled[column] ?? [])
            guard cap.isFinite else { throw AnalysisRequestError.data("{cap} \(column): the column has no values to take a percentile of") }
            caps[column] = cap
            observer?.note("capping '\(column)' at \(cap)")
        }
        return caps
    }

    /// Quantile bootstrap of every mean metric, its samples read in one pass (capped as analysed).
    private func bootstrapResults(_ options: BootstrapOptions, path: String, tables: Tables) throws -> [AnalysisResult.BootstrapResult] {
        let columns = tables.table.metrics.filter { $0.kind == .mean }.map(\.name)
        let samples = try UnitTableReader.armValues(
            CSVReader(path: path), variantColumn: variantColumn, columns: columns, caps: tables.caps)
        return ExperimentAnalysis.bootstrap(
            samples, control: settings.control, quantile: options.quantile, replicates: options.replicates,
            seed: options.seed, alpha: settings.test.alpha)
    }

    /// The overall table and, with a segment column, the segments it merges.
    private func pushedDownTables(_ sums: [PowerSums]) throws -> Tables {
        // Ratio rows are named in --ratio form, as the query writes them.
        let names = metrics.compactMap(MetricDefinition.init(argument:)).map(\.name)
            + ratios.compactMap(RawLogSettings.Ratio.init(argument:)).map(\.argument)
        do {
            guard let segmentColumn else { return Tables(table: try PushDown.armTable(sums, only: names)) }
            let segments = try PushDown.segmentedArmTable(sums, column: segmentColumn, only: names)
            return Tables(table: segments.overall, segments: segments)
        } catch {
            throw AnalysisRequestError.data(error.message)
        }
    }
}
