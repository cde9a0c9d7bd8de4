import TouchstoneData
import TouchstoneExperiment
import TouchstoneStats

// MARK: - The configured experiment

extension AnalysisRequest {
    /// Takes the configured experiment's `metrics:` when the request names none, checking each
    /// where it is written: a bad one is an ``ExperimentError`` at its line and column in the config.
    public mutating func adoptConfiguredMetrics() throws {
        guard metrics.isEmpty, ratios.isEmpty, let definition = configured else { return }
        var seen = Set<ByteKey>()
        for metric in definition.metrics {
            let name: String? = switch metric.definition {
            case .metric(let text): readsRawLogMetrics ? MetricDefinition(argument: text)?.name : MetricColumn(argument: text)?.column
            case .ratio(let name, _, _): name
            }
            if let name, !seen.insert(ByteKey(name)).inserted {
                throw metric.error("metric '\(name)' is listed a second time (it would be tested twice)")
            }
            switch metric.definition {
            case .metric(let text):
                if readsRawLogMetrics, MetricDefinition(argument: text) == nil {
                    throw metric.error("'\(text)' is not a metric: expected EVENT, EVENT:conversion, EVENT:sum, EVENT:count or EVENT:retention:DAY")
                }
                if !readsRawLogMetrics, MetricColumn(argument: text) == nil {
                    throw metric.error("'\(text)' is not a metric column: expected COLUMN, COLUMN:proportion or COLUMN:mean")
                }
                metrics.append(text)
            case .ratio(let name, let numerator, let denominator):
                let argument = "\(name)=\(numerator)/\(denominator)"
                if readsRawLogMetrics, RawLogSettings.Ratio(argument: argument) == nil {
                    throw metric.error("ratio '\(name)': numerator and denominator must be metrics such as purchase:sum and session:count")
                }
                ratios.append(argument)
            }
        }
        let key = definition.key
        if metrics.isEmpty, ratios.isEmpty {
            throw AnalysisRequestError.data("experiment '\(key)' lists no metrics: add a metrics: section to the config or pass {metric}")
        }
        if case .summary = source, metrics.count > 1 || !ratios.isEmpty {
            throw AnalysisRequestError.data("experiment '\(key)' lists several metrics, and a summary holds one: pass {metric} NAME")
        }
    }

    /// The SRM weights: the request's own, else the configured experiment's, else `nil` (equal).
    var effectiveWeights: [ByteKey: Double]? {
        if let weights = settings.weights { return weights }
        guard let definition = configured else { return nil }
        return Dictionary(definition.variants.map { (ByteKey($0.name), $0.weight) }, uniquingKeysWith: { first, _ in first })
    }
}

// MARK: - Validation

extension AnalysisRequest {
    /// Checks that the options go together and mean something, before any data is read.
    ///
    /// Call it after ``adoptConfiguredMetrics()``; ``run(observer:)`` calls both.
    public func validate() throws {
        let rawLogs: Bool
        switch source {
        case .rawLogs(let exposures, let events):
            guard !exposures.isEmpty, !events.isEmpty else { throw AnalysisRequestError.conflict("{events} goes with {exposures} FILE or {store} DB") }
            rawLogs = true
        case .store(_, let events):
            guard !events.isEmpty else { throw AnalysisRequestError.conflict("{events} goes with {exposures} FILE or {store} DB") }
            guard settings.experiment != nil else { throw AnalysisRequestError.conflict("{store} needs {experiment} KEY (a store holds many experiments)") }
            rawLogs = true
        default:
            rawLogs = false
        }
        try validateMetrics(rawLogs: rawLogs)
        try validateApplicability()
        if allowMissingEvents, !rawLogs {
            throw AnalysisRequestError.conflict("{allowMissingEvents} applies to raw event logs ({events})")
        }
        guard settings.test.alpha > 0, settings.test.alpha < 1 else {
            throw AnalysisRequestError.invalid(.alpha, "\(settings.test.alpha)", "must lie in (0, 1)")
        }
        guard settings.srmThreshold > 0, settings.srmThreshold < 1 else {
            throw AnalysisRequestError.invalid(.srmThreshold, "\(settings.srmThreshold)", "must lie in (0, 1)")
        }
        if preExposureCovariatesOfAllMetrics, !rawLogs {
            throw AnalysisRequestError.conflict(
                "{preExposureCovariates} all is computed from raw logs ({exposures} or {store} with {events}); "
                    + "the push-down query carries one pre-period covariate per metric (use {preExposureCovariates} alone)")
        }
        if rawLogs {
            if !(covariates.isEmpty && caps.isEmpty && bootstrap == nil) {
                throw AnalysisRequestError.conflict("{covariate}, {cap} and {bootstrap} need {units} (with raw logs, use {preExposureCovariates} for CUPED)")
            }
        }
        if case .summary = source, !(covariates.isEmpty && ratios.isEmpty && caps.isEmpty && bootstrap == nil) {
            throw AnalysisRequestError.conflict(
                "{covariate}, {ratio}, {cap} and {bootstrap} need {units} (a summary's CUPED moments come from its covariate_mean, covariate_stddev and covariance columns)")
        }
        if case .powerSums = source, !(covariates.isEmpty && caps.isEmpty && bootstrap == nil) {
            throw AnalysisRequestError.conflict("{covariate}, {cap} and {bootstrap} need {units}")
        }
        try validateMethod()
        try validateQuantilesAndClusters()
        try validateDecision()
        _ = try parsedCovariates()
        _ = try parsedCaps()
        if let bootstrap {
            guard (2...1_000_000).contains(bootstrap.replicates) else {
                throw AnalysisRequestError.invalid(.bootstrap, "\(bootstrap.replicates)", "must be between 2 and 1000000 replicates")
            }
            guard bootstrap.quantile >= 0, bootstrap.quantile <= 1 else {
                throw AnalysisRequestError.invalid(.quantile, "\(bootstrap.quantile)", "must lie in [0, 1]")
            }
        }
        try validateTimeline()
        if let threads, !(1...1024).contains(threads) {
            throw AnalysisRequestError.invalid(.threads, "\(threads)", "must be between 1 and 1024")
        }
        if let segmentColumn {
            guard !segmentColumn.isEmpty else { throw AnalysisRequestError.invalid(.segmentColumn, "", "needs a column name") }
            switch source {
            case .summary:
                throw AnalysisRequestError.conflict(
                    "{segmentColumn} splits units by an attribute: give {units} FILE, {exposures} FILE {events} FILE, {pushDown} or {powerSums} FILE (a summary has no units to split)")
            case .store:
                throw AnalysisRequestError.conflict(
                    "{segmentColumn} reads an exposure-log column, and the store keeps only each unit's variant and first exposure: analyse {exposures} FILE {events} FILE instead")
            default: break
            }
        }
    }

    /// Options that the source cannot use are refused, not ignored: an analysis that prints
    /// the same numbers with or without them would let the user believe they were applied.
    private func validateApplicability() throws {
        let computesMetrics: Bool // the source computes metrics from events over a window
        switch source {
        case .rawLogs, .store, .pushedDown: computesMetrics = true
        case .summary, .units, .powerSums: computesMetrics = false
        }
        let readsLogFiles: Bool
        switch source {
        case .rawLogs, .store: readsLogFiles = true
        default: readsLogFiles = false
        }
        if !computesMetrics {
            if preExposureCovariates {
                let instead: String = switch source {
                case .units: "; with {units}, give each metric's pre-period column as {covariate} METRIC=COLUMN"
                case .summary: "; a summary's CUPED moments come from its covariate_mean, covariate_stddev and covariance columns"
                default: "; a power-sums file carries the covariate sums its query computed"
                }
                throw AnalysisRequestError.conflict(
                    "{preExposureCovariates} computes each metric's pre-period from raw logs ({exposures} or {store} with {events}, or {pushDown})" + instead)
            }
            if window != AnalysisRequest.defaultWindow {
                throw AnalysisRequestError.conflict(
                    "{window} is the metric window of raw logs ({exposures} or {store} with {events}, or {pushDown}); this input's metrics are already computed")
            }
        }
        if !variantColumn.bytewiseEquals(AnalysisRequest.defaultVariantColumn) {
            guard case .units = source else {
                throw AnalysisRequestError.conflict(
                    "{variantColumn} names the variant column of a unit table ({units}); exposure logs, summaries and power sums have a 'variant' column")
            }
        }
        if threads != nil, !readsLogFiles {
            throw AnalysisRequestError.conflict("{threads} sets the raw-log reader's threads ({exposures} or {store} with {events}); this input is read in one pass")
        }
        if skipMissing {
            guard case .units = source else {
                throw AnalysisRequestError.conflict("{skipMissing} leaves empty cells of a unit table ({units}) out; this input has no per-unit cells")
            }
        }
        if settings.method == .bayesian, settings.test.alternative != .twoSided {
            throw AnalysisRequestError.conflict(
                "{method} bayesian reports the probability that each arm beats control and a central credible interval: drop {alternative}")
        }
        if let name = settings.factorialMetric, !metrics.isEmpty || !ratios.isEmpty {
            let names = metrics.compactMap { readsRawLogMetrics ? MetricDefinition(argument: $0)?.name : MetricColumn(argument: $0)?.column }
                + ratios.compactMap { readsRawLogMetrics ? RawLogSettings.Ratio(argument: $0)?.name : RatioColumn(argument: $0)?.name }
            guard names.contains(where: { $0.bytewiseEquals(name) }) else {
                throw AnalysisRequestError.invalid(
                    .factorialMetric, name, "is not one of the analysed metrics (\(names.map { "'\($0)'" }.joined(separator: ", ")))")
            }
        }
    }

    private func validateMetrics(rawLogs: Bool) throws {
        let rawLogMetrics = readsRawLogMetrics
        for metric in metrics {
            if rawLogMetrics {
                guard MetricDefinition(argument: metric) != nil else {
                    throw AnalysisRequestError.invalid(
                        .metric, metric, "expected EVENT, EVENT:conversion, EVENT:sum, EVENT:count or EVENT:retention:DAY (DAY 0 to \(MetricDefinition.maximumRetentionDay))")
                }
            } else {
                guard MetricColumn(argument: metric) != nil else {
                    throw AnalysisRequestError.invalid(.metric, metric, "expected COLUMN, COLUMN:proportion or COLUMN:mean")
                }
            }
        }
        for ratio in ratios {
            if rawLogMetrics {
                guard RawLogSettings.Ratio(argument: ratio) != nil else {
                    throw AnalysisRequestError.invalid(.ratio, ratio, "expected NAME=NUMERATOR/DENOMINATOR with metrics such as purchase:sum/session:count")
                }
            } else {
                guard RatioColumn(argument: ratio) != nil else {
                    throw AnalysisRequestError.invalid(.ratio, ratio, "expected NAME=NUMERATOR/DENOMINATOR")
                }
            }
        }
        // A metric given twice would be tested twice and widen the correction family: refuse it.
        var seen = Set<ByteKey>()
        for metric in metrics {
            let name = rawLogMetrics ? MetricDefinition(argument: metric)?.name : MetricColumn(argument: metric)?.column
            guard let name, seen.insert(ByteKey(name)).inserted else {
                throw AnalysisRequestError.invalid(.metric, metric, "names metric '\(name ?? metric)' a second time (it would be tested twice)")
            }
        }
        for ratio in ratios {
            let name = rawLogMetrics ? RawLogSettings.Ratio(argument: ratio)?.name : RatioColumn(argument: ratio)?.name
            guard let name, seen.insert(ByteKey(name)).inserted else {
                throw AnalysisRequestError.invalid(.ratio, ratio, "names metric '\(name ?? ratio)' a second time (it would be tested twice)")
            }
        }
        if case .summary = source, metrics.count > 1 {
            throw AnalysisRequestError.conflict("{summary} holds one metric: give at most one {metric} NAME")
        }
    }

    private func validateMethod() throws {
        let method = settings.method
        if settings.prior != nil, method != .bayesian {
            throw AnalysisRequestError.conflict("{prior} applies to {method} bayesian")
        }
        if let tuning {
            guard method == .sequential else { throw AnalysisRequestError.conflict("{tuning} applies to {method} sequential") }
            guard tuning > 0, tuning <= 1e15 else {
                throw AnalysisRequestError.invalid(.tuning, "\(tuning)", "must be a positive number of units up to 1e15")
            }
        }
        if let planned = settings.plannedLooks {
            guard method == .sequential else { throw AnalysisRequestError.conflict("{looks} and {look} apply to {method} sequential") }
            guard (1...50).contains(planned.looks) else { throw AnalysisRequestError.invalid(.looks, "\(planned.looks)", "must be between 1 and 50") }
            guard (1...planned.looks).contains(planned.look) else {
                throw AnalysisRequestError.invalid(.look, "\(planned.look)", "must be between 1 and {looks} \(planned.looks)")
            }
            guard tuning == nil else {
                throw AnalysisRequestError.conflict("{tuning} is for the mSPRT; with {looks} the test is group-sequential")
            }
            if let fractions = planned.informationFractions {
                let text = fractions.map { "\($0)" }.joined(separator: ",")
                guard fractions.count == planned.looks else {
                    throw AnalysisRequestError.invalid(.informationFractions, text, "gives \(fractions.count) fractions for \(planned.looks) looks")
                }
                guard zip(fractions, fractions.dropFirst()).allSatisfy({ $0 < $1 }), (fractions.first ?? 0) > 0, fractions.last == 1 else {
                    throw AnalysisRequestError.invalid(.informationFractions, text, "must increase strictly from above 0 and end at 1 (e.g. 0.3,0.7,1)")
                }
            }
        }
        if method == .sequential, settings.test.alternative != .twoSided {
            throw AnalysisRequestError.conflict("{method} sequential is two-sided only (as GrowthBook's): drop {alternative}")
        }
    }

    /// `METRIC=COL` pairs by metric column, for metrics with exactly one covariate (the
    /// one-covariate CUPED; see ``parsedCovariateSets()`` for several).
    func parsedCovariates() throws -> [String: String] {
        try parsedCovariateLists().compactMapValues { $0.count == 1 ? $0.first : nil }
    }

    /// Metrics given two or more covariates (`--covariate METRIC=COL` repeated): CUPED++.
    func parsedCovariateSets() throws -> [String: [String]] {
        try parsedCovariateLists().filter { $0.value.count >= 2 }
    }

    /// Every `METRIC=COL` pair, the columns of each metric in the order given.
    private func parsedCovariateLists() throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        let names = metrics.compactMap(MetricColumn.init(argument:)).map(\.column)
        for pair in covariates {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw AnalysisRequestError.invalid(.covariate, pair, "expected METRIC=COLUMN")
            }
            let metric = String(parts[0]), column = String(parts[1])
            guard names.contains(metric) else { throw AnalysisRequestError.invalid(.covariate, pair, "'\(metric)' is not a {metric}") }
            guard !(result[metric] ?? []).contains(column) else {
                throw AnalysisRequestError.invalid(.covariate, pair, "names '\(column)' for '\(metric)' a second time")
            }
            result[metric, default: []].append(column)
        }
        return result
    }

    /// `COL=RULE` pairs by column.
    func parsedCaps() throws -> [String: CapRule] {
        var result: [String: CapRule] = [:]
        for pair in caps {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, let rule = CapRule(argument: String(parts[1])) else {
                throw AnalysisRequestError.invalid(.cap, pair, "expected COLUMN=P99 (percentile) or COLUMN=VALUE")
            }
            guard result[String(parts[0])] == nil else { throw AnalysisRequestError.invalid(.cap, pair, "caps '\(parts[0])' a second time") }
            result[String(parts[0])] = rule
        }
        return result
    }

    /// The raw-log pipeline's settings (also the push-down query's).
    public func rawLogSettings() throws -> RawLogSettings {
        var settings = RawLogSettings(
            experiment: self.settings.experiment, metrics: try metrics.map { metric in
                guard let definition = MetricDefinition(argument: metric) else {
                    throw AnalysisRequestError.invalid(
                        .metric, metric, "expected EVENT, EVENT:conversion, EVENT:sum, EVENT:count or EVENT:retention:DAY")
                }
                return definition
            },
            window: window, preExposureCovariates: preExposureCovariates)
        settings.segmentColumn = segmentColumn
        settings.allowMissingEvents = allowMissingEvents
        settings.timeline = timeline
        settings.preExposureCovariatesOfAllMetrics = preExposureCovariates && preExposureCovariatesOfAllMetrics
        settings.ratios = try ratios.map { ratio in
            guard let parsed = RawLogSettings.Ratio(argument: ratio) else {
                throw AnalysisRequestError.invalid(.ratio, ratio, "expected NAME=NUMERATOR/DENOMINATOR with metrics such as purchase:sum/session:count")
            }
            return parsed
        }
        settings.quantiles = try parsedRawLogQuantiles()
        if let threads { settings.threads = max(1, threads) }
        return settings
    }
}
