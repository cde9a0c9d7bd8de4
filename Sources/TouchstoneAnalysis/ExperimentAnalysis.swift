import TouchstoneData
import TouchstoneStats

/// Settings of a fixed-horizon frequentist analysis.
public struct AnalysisSettings: Sendable, Hashable {
    public var experiment: String?
    public var control: String
    public var test: TestSettings
    public var correction: MultipleTestingCorrection
    /// Configured traffic weights per variant for the SRM check; `nil` means equal weights.
    public var weights: [String: Double]?
    public var srmThreshold: Double

    public init(
        experiment: String? = nil, control: String, test: TestSettings = TestSettings(),
        correction: MultipleTestingCorrection = .holm, weights: [String: Double]? = nil, srmThreshold: Double = 0.001
    ) {
        self.experiment = experiment
        self.control = control
        self.test = test
        self.correction = correction
        self.weights = weights
        self.srmThreshold = srmThreshold
    }
}

/// An analysis request that cannot be carried out as asked (unknown control, bad weights…).
public struct AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Turns per-arm sufficient statistics into comparisons of every arm against control, for every
/// metric, with the SRM check and the multiple-comparison correction over the whole family
/// (arms × metrics).
public enum ExperimentAnalysis {
    public static func analyze(_ table: ArmTable, settings: AnalysisSettings) throws -> AnalysisResult {
        try settings.test.validate()
        guard table.variants.contains(settings.control) else {
            let known = table.variants.map { "'\($0)'" }.joined(separator: ", ")
            throw AnalysisError("--control '\(settings.control)' is not a variant in the data (variants: \(known))")
        }
        guard table.variants.count >= 2 else {
            throw AnalysisError("only one variant ('\(settings.control)') in the data: nothing to compare")
        }
        let treatments = table.variants.filter { $0 != settings.control }

        var metrics: [AnalysisResult.MetricResult] = []
        for metric in table.metrics {
            let control = metric.arms[settings.control] ?? SufficientStatistics()
            let arms = table.variants.map { variant in
                let statistics = metric.arms[variant] ?? SufficientStatistics()
                return AnalysisResult.Arm(
                    variant: variant, units: statistics.count, mean: statistics.mean,
                    stdDev: metric.kind == .proportion
                        ? statistics.populationVariance.squareRoot() : statistics.stdDev)
            }
            let comparisons = treatments.map { variant in
                let comparison = metric.kind.compare(
                    control: control, treatment: metric.arms[variant] ?? SufficientStatistics(), settings: settings.test)
                return AnalysisResult.ComparisonResult(
                    variant: variant, control: settings.control,
                    absoluteEffect: comparison.absoluteEffect, absoluteCI: comparison.absoluteCI,
                    relativeEffect: comparison.relativeEffect, relativeCI: comparison.relativeCI,
                    pValue: comparison.pValue, adjustedPValue: comparison.pValue, significant: false,
                    statistic: comparison.statistic, standardError: comparison.standardError,
                    diagnostics: comparison.diagnostics.isEmpty ? nil : comparison.diagnostics)
            }
            metrics.append(.init(name: metric.name, kind: metric.kind, arms: arms, comparisons: comparisons))
        }

        // One family: every comparison of every metric.
        let family = metrics.flatMap { $0.comparisons.map(\.pValue) }
        var adjusted = settings.correction.adjust(family)[...]
        for m in metrics.indices {
            for c in metrics[m].comparisons.indices {
                let p = adjusted.popFirst() ?? .nan
                metrics[m].comparisons[c].adjustedPValue = p
                metrics[m].comparisons[c].significant = p < settings.test.alpha
            }
        }

        let srm = try sampleRatioCheck(table, settings: settings)
        var warnings: [String] = []
        if let srm, srm.mismatch {
            warnings.append(
                "Sample ratio mismatch: the arms' unit counts are unlikely under the configured weights (p = \(srm.pValue)). Check assignment and exposure logging before trusting any effect.")
        }
        return AnalysisResult(
            experiment: settings.experiment, control: settings.control, method: "frequentist",
            alpha: settings.test.alpha, alternative: settings.test.alternative, correction: settings.correction,
            srm: srm, metrics: metrics, warnings: warnings)
    }

    static func sampleRatioCheck(_ table: ArmTable, settings: AnalysisSettings) throws -> AnalysisResult.SRM? {
        let weights: [Double]
        if let configured = settings.weights {
            for name in configured.keys where !table.variants.contains(name) {
                throw AnalysisError("--weights names '\(name)', which is not a variant in the data")
            }
            weights = try table.variants.map { variant in
                guard let weight = configured[variant] else {
                    throw AnalysisError("--weights gives no weight for variant '\(variant)'")
                }
                return weight
            }
        } else {
            weights = Array(repeating: 1, count: table.variants.count)
        }
        let observed = table.variants.map { table.units[$0] ?? 0 }
        let result: SampleRatioMismatch.Result
        do {
            result = try SampleRatioMismatch.test(observed: observed, weights: weights, threshold: settings.srmThreshold)
        } catch let error as StatsError {
            throw AnalysisError("--weights: \(error.message)")
        }
        return AnalysisResult.SRM(
            chiSquare: result.chiSquare, pValue: result.pValue, mismatch: result.mismatch,
            observed: Dictionary(uniqueKeysWithValues: zip(table.variants, observed)),
            expected: Dictionary(uniqueKeysWithValues: zip(table.variants, result.expected)),
            threshold: settings.srmThreshold)
    }
}
