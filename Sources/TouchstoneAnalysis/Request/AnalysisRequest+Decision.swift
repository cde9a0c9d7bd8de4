import TouchstoneData
import TouchstoneExperiment
import TouchstoneStats
import TouchstoneTime

/// Metric roles, directions and margins given as options (`--guardrail NAME[=MARGIN]`,
/// `--secondary NAME`, `--decrease NAME`) and the planned sample (`--planned-units N`).
public struct DecisionOptions: Sendable, Hashable {
    /// `NAME` or `NAME=MARGIN` (a share, 0.01 = 1%).
    public var guardrails: [String] = []
    public var secondary: [String] = []
    public var decrease: [String] = []
    /// Total units (all arms) the experiment was planned to reach.
    public var plannedUnits: Int?
    public init() {}
}

extension AnalysisRequest {
    /// The names of the analysed metrics as they appear in the result, when the request fixes
    /// them (a summary names its metric itself when no `--metric` is given).
    var requestedMetricNames: [String]? {
        let names = metrics.compactMap { readsRawLogMetrics ? MetricDefinition(argument: $0)?.name : MetricColumn(argument: $0)?.column }
            + ratios.compactMap { readsRawLogMetrics ? RawLogSettings.Ratio(argument: $0)?.name : RatioColumn(argument: $0)?.name }
        return names.isEmpty ? nil : names
    }

    /// Each metric's intent: the config's `metrics:` entries (by name), then the options on top.
    /// Problems are usage errors naming the option; `known` (when given) are the metric names
    /// an option may name.
    public func metricIntents(known: [String]? = nil) throws -> [String: MetricIntent] {
        var intents: [String: MetricIntent] = [:]
        for metric in configured?.metrics ?? [] {
            let name: String? = switch metric.definition {
            case .metric(let text): readsRawLogMetrics ? MetricDefinition(argument: text)?.name : MetricColumn(argument: text)?.column
            case .ratio(let name, _, _): name
            }
            guard let name else { continue }
            intents[name] = MetricIntent(
                role: metric.role.flatMap(MetricRole.init(rawValue:)) ?? .goal,
                direction: metric.direction.flatMap(MetricDirection.init(rawValue:)) ?? .increase, margin: metric.margin)
        }
        func check(_ option: AnalysisOption, _ value: String, _ name: String) throws {
            guard !name.isEmpty else { throw AnalysisRequestError.invalid(option, value, "needs a metric name") }
            if let known, !known.contains(name) {
                let listed = known.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
                throw AnalysisRequestError.invalid(option, value, "'\(name)' is not an analysed metric (metrics: \(listed))")
            }
        }
        var roleGiven: [String: AnalysisOption] = [:]
        func give(_ role: MetricRole, _ name: String, _ option: AnalysisOption, _ value: String) throws {
            if let earlier = roleGiven[name] {
                let why = earlier == option ? "names '\(name)' a second time" : "gives '\(name)' a second role ({\(earlier)} already names it)"
                throw AnalysisRequestError.invalid(option, value, why)
            }
            roleGiven[name] = option
            var intent = intents[name] ?? MetricIntent()
            intent.role = role
            if role != .guardrail { intent.margin = nil }
            intents[name] = intent
        }
        for value in decision.guardrails {
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            try check(.guardrail, value, name)
            try give(.guardrail, name, .guardrail, value)
            if parts.count == 2 {
                guard let margin = Double(parts[1]) else {
                    throw AnalysisRequestError.invalid(.guardrail, value, "expected NAME or NAME=MARGIN with a margin such as 0.01 (1%)")
                }
                if let problem = MetricIntent.marginProblem(margin) { throw AnalysisRequestError.invalid(.guardrail, value, "the margin \(problem)") }
                intents[name]?.margin = margin
            }
        }
        for name in decision.secondary {
            try check(.secondary, name, name)
            try give(.secondary, name, .secondary, name)
        }
        var decreasing = Set<String>()
        for name in decision.decrease {
            try check(.decrease, name, name)
            guard decreasing.insert(name).inserted else { throw AnalysisRequestError.invalid(.decrease, name, "names '\(name)' a second time") }
            intents[name, default: MetricIntent()].direction = .decrease
        }
        return intents
    }

    func validateDecision() throws {
        if let planned = decision.plannedUnits, planned <= 0 {
            throw AnalysisRequestError.invalid(.plannedUnits, "\(planned)", "must be a positive number of units")
        }
        let intents = try metricIntents(known: requestedMetricNames)
        if intents.values.contains(where: { $0.margin != nil }), settings.test.alpha >= 0.5 {
            throw AnalysisRequestError.invalid(
                .alpha, "\(settings.test.alpha)", "must be below 0.5 with a guardrail margin (the non-inferiority interval has level 1 − 2α)")
        }
    }

    /// Adds the ``Decision`` to an analysed result, and each metric's role, direction and margin.
    func addDecision(to result: inout AnalysisResult, tables: Tables, settings: AnalysisSettings) throws {
        let intents = try metricIntents(known: result.metrics.map(\.name))
        for index in result.metrics.indices {
            let intent = intents[result.metrics[index].name] ?? MetricIntent()
            result.metrics[index].role = intent.role
            result.metrics[index].direction = intent.direction
            result.metrics[index].margin = intent.margin
        }
        let guardrails = Set(intents.filter { $0.value.role == .guardrail && $0.value.margin != nil }.keys)
        let intervals = try ExperimentAnalysis.nonInferiorityIntervals(
            tables.table, settings: settings, metrics: guardrails, boundary: result.groupSequential?.boundary)
        var evidence: [DecisionRule.Evidence] = []
        for metric in result.metrics {
            for c in metric.comparisons {
                evidence.append(.init(
                    metric: metric.name, variant: c.variant, intent: intents[metric.name] ?? MetricIntent(),
                    absoluteEffect: c.absoluteEffect, relativeEffect: c.relativeEffect,
                    relativeCI: c.credibleInterval ?? c.relativeCI, pValue: c.pValue,
                    probabilityToBeatControl: c.probabilityToBeatControl, significant: c.significant,
                    nonInferiorityCI: intervals[metric.name]?[c.variant]))
            }
        }
        let units = result.srm.map { $0.observed.values.reduce(0, +) }
            ?? result.metrics.first.map { $0.arms.reduce(0) { $0 + $1.units } } ?? 0
        var rate: Double?
        if let period = tables.exposurePeriod, period.upperBound > period.lowerBound {
            rate = Double(units) / (Double(period.upperBound - period.lowerBound) / 86_400_000_000)
        }
        let inference: DecisionRule.Settings.Inference = switch settings.method {
        case .bayesian: .posterior
        case .sequential where result.groupSequential != nil: .boundary
        default: .pValues(settings.correction)
        }
        let variants = result.metrics.first?.comparisons.map(\.variant) ?? []
        var outcome = DecisionRule.decide(
            evidence, variants: variants,
            settings: .init(alpha: settings.test.alpha, inference: inference, units: units, plannedUnits: self.decision.plannedUnits, dailyRate: rate))
        if let period = tables.exposurePeriod {
            outcome.firstExposure = String(Timestamp.iso8601(microseconds: period.lowerBound).prefix(10))
            outcome.lastExposure = String(Timestamp.iso8601(microseconds: period.upperBound).prefix(10))
        }
        result.decision = outcome
    }
}

extension ExperimentAnalysis {
    /// The relative effect's two-sided interval at level 1 − 2α for every treatment arm of the
    /// named metrics (by metric, then variant): the guardrails' one-sided non-inferiority test
    /// at α (``DecisionRule``). The comparison is recomputed from the same sufficient
    /// statistics with the analysis's own method at 2α, so the interval is of the kind the
    /// report shows (confidence, always-valid or credible); a group-sequential look keeps its
    /// boundary, which is stricter.
    static func nonInferiorityIntervals(
        _ input: ArmTable, settings: AnalysisSettings, metrics: Set<String>, boundary: Double?
    ) throws -> [String: [String: Interval]] {
        guard !metrics.isEmpty else { return [:] }
        var doubled = settings
        doubled.test = TestSettings(alpha: 2 * settings.test.alpha, alternative: .twoSided)
        try doubled.test.validate()
        var intervals: [String: [String: Interval]] = [:]
        for metric in input.metrics where metrics.contains(metric.name) {
            let control = metric.arms[settings.control] ?? SufficientStatistics()
            for variant in input.variants where !variant.bytewiseEquals(settings.control) {
                let c = compare(
                    metric: metric, control: control, treatment: metric.arms[variant] ?? SufficientStatistics(), variant: variant,
                    settings: doubled, boundary: boundary)
                intervals[metric.name, default: [:]][variant] = c.credibleInterval ?? c.relativeCI
            }
        }
        return intervals
    }
}
