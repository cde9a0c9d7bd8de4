import Foundation
import TouchstoneData
import TouchstoneStats

/// Settings of an analysis.
public struct AnalysisSettings: Sendable, Hashable {
    public var experiment: String?
    public var control: String
    public var test: TestSettings
    public var correction: MultipleTestingCorrection
    /// Configured traffic weights per variant (names as bytes) for the SRM check; `nil` means equal weights.
    public var weights: [ByteKey: Double]?
    public var srmThreshold: Double
    public var method: AnalysisMethod
    /// Bayesian: an informative prior on the relative effect (switches conversions to the Gaussian model).
    public var prior: GaussianPrior?
    /// Sequential: the mixture SPRT tuning parameter, the planned total units (GrowthBook's default 5,000).
    public var tuning: Double
    /// Channel-combination regression: covariance estimator and the metric (default: the first).
    public var factorialCovariance: RobustCovariance
    public var factorialMetric: String?
    /// Where the factorial main effects come from (`--factorial-model`): the saturated model's
    /// classical effects (default) or the additive model `y ~ channels`.
    public var factorialModel: FactorialEffects.Model = .saturated
    /// Sequential with planned looks: (looks K, current look k[, information fractions]). Replaces
    /// the mixture SPRT by the Lan–DeMets O'Brien–Fleming group-sequential test.
    public var plannedLooks: PlannedLooks?
    /// The Bonferroni-adjusted p-value below which the covariate balance check warns.
    public var balanceThreshold = BalanceCheck.defaultThreshold
    /// Comparisons sharing the α of a group-sequential design when it is larger than one
    /// table's arms × metrics (segment read-outs); `nil`: that product.
    var comparisonFamily: Int?
    /// How the relative effect's interval is formed (`--relative-ci`): delta method or Fieller.
    public var relativeInterval: RelativeInterval = .delta

    /// K planned looks, of which this is look k: equally spaced, or at the given information
    /// fractions t₁ < … < t_K = 1 (the share of the planned sample at each look).
    public struct PlannedLooks: Sendable, Hashable {
        public var looks: Int
        public var look: Int
        public var informationFractions: [Double]?
        public init(looks: Int, look: Int, informationFractions: [Double]? = nil) {
            self.looks = looks
            self.look = look
            self.informationFractions = informationFractions
        }
    }

    public init(
        experiment: String? = nil, control: String, test: TestSettings = TestSettings(),
        correction: MultipleTestingCorrection = .holm, weights: [ByteKey: Double]? = nil, srmThreshold: Double = 0.001,
        method: AnalysisMethod = .frequentist, prior: GaussianPrior? = nil, tuning: Double = 5_000,
        factorialCovariance: RobustCovariance = .hc3, factorialMetric: String? = nil
    ) {
        self.experiment = experiment
        self.control = control
        self.test = test
        self.correction = correction
        self.weights = weights
        self.srmThreshold = srmThreshold
        self.method = method
        self.prior = prior
        self.tuning = tuning
        self.factorialCovariance = factorialCovariance
        self.factorialMetric = factorialMetric
    }
}

/// An analysis request that cannot be carried out as asked (unknown control, bad weights…).
public struct AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Turns per-arm sufficient statistics into comparisons of every arm against control, for every
/// metric, with the SRM check, the multiple-comparison correction over the whole family
/// (arms × metrics; frequentist and sequential p-values), and — when the arms are channel
/// combinations — the factorial regression of channel effects.
public enum ExperimentAnalysis {
    public static func analyze(_ input: ArmTable, settings: AnalysisSettings) throws -> AnalysisResult {
        try analyze(input, settings: settings, comparisonsOnly: false)
    }

    /// `comparisonsOnly`: the per-metric comparisons (with their correction) and the SRM check
    /// only — no factorial block, probability-best integration or balance check. A timeline
    /// point keeps nothing else, and those blocks cost more than the comparisons at every point.
    static func analyze(_ input: ArmTable, settings: AnalysisSettings, comparisonsOnly: Bool) throws -> AnalysisResult {
        try settings.test.validate()
        if let pair = ByteKey.indistinguishablePair(in: input.variants) {
            throw AnalysisError(ByteKey.indistinguishableMessage(pair, kind: "variants"))
        }
        // Control first, then the other arms by name: the result does not depend on the order
        // in which rows happened to arrive (a log and the store built from it agree byte for byte).
        var table = input
        // Names compare as bytes: a control spelled in another Unicode normalisation is another arm.
        table.variants = table.variants.filter { $0.bytewiseEquals(settings.control) }
            + table.variants.filter { !$0.bytewiseEquals(settings.control) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard table.variants.contains(where: { $0.bytewiseEquals(settings.control) }) else {
            let known = table.variants.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            let more = table.variants.count > 20 ? ", … \(table.variants.count) in all" : ""
            throw AnalysisError("--control '\(settings.control)' is not a variant in the data (variants: \(known)\(more))")
        }
        guard table.variants.count >= 2 else {
            throw AnalysisError("only one variant ('\(settings.control)') in the data: nothing to compare")
        }
        if settings.method == .sequential {
            guard settings.test.alternative == .twoSided else {
                throw AnalysisError("--method sequential is two-sided only (as GrowthBook's); drop --alternative")
            }
            guard settings.tuning > 0, settings.tuning.isFinite else { throw AnalysisError("--tuning must be a positive number of units") }
        }
        let treatments = table.variants.filter { !$0.bytewiseEquals(settings.control) }
        var plan: AnalysisResult.GroupSequentialLook?
        if settings.method == .sequential, let planned = settings.plannedLooks {
            guard planned.looks >= 1, planned.looks <= 50, planned.look >= 1, planned.look <= planned.looks else {
                throw AnalysisError("--look must lie between 1 and --looks (got look \(planned.look) of \(planned.looks))")
            }
            // Bonferroni split of the spending over all comparisons keeps the family-wise error at α.
            let family = settings.correction == .none ? 1 : settings.comparisonFamily ?? treatments.count * table.metrics.count
            let comparisonAlpha = settings.test.alpha / Double(max(1, family))
            let design: GroupSequentialDesign
            do {
                if let fractions = planned.informationFractions {
                    guard fractions.count == planned.looks else {
                        throw AnalysisError("--information-fractions gives \(fractions.count) fractions for \(planned.looks) looks")
                    }
                    design = try GroupSequentialDesign.obrienFleming(informationFractions: fractions, alpha: comparisonAlpha)
                } else {
                    design = try GroupSequentialDesign.obrienFleming(looks: planned.looks, alpha: comparisonAlpha)
                }
            } catch let error as StatsError {
                throw AnalysisError("--looks: \(error.message)")
            }
            let index = planned.look - 1
            guard index < design.boundaries.count, index < design.nominalAlpha.count else {
                throw AnalysisError("--look \(planned.look) is beyond the \(planned.looks) planned looks")
            }
            plan = .init(
                looks: planned.looks, look: planned.look, informationFractions: design.informationFractions,
                boundary: design.boundaries[index],
                nominalAlpha: design.nominalAlpha[index], boundaries: design.boundaries, comparisonAlpha: comparisonAlpha)
        }

        var metrics: [AnalysisResult.MetricResult] = []
        for metric in table.metrics {
            let control = metric.arms[settings.control] ?? SufficientStatistics()
            let arms = table.variants.map { variant in
                let statistics = metric.arms[variant] ?? SufficientStatistics()
                let ratio = RatioStatistics(joint: statistics)
                let stdDev: Double = switch metric.kind {
                case .proportion: statistics.populationVariance.squareRoot()
                case .mean, .quantile: statistics.stdDev
                case .ratio: ratio.unitVariance.squareRoot()
                }
                var arm = AnalysisResult.Arm(
                    variant: variant, units: statistics.count,
                    mean: metric.kind == .ratio ? ratio.ratio : statistics.mean, stdDev: stdDev)
                arm.clusters = metric.clusters?[ByteKey(variant)]?.clusters
                return arm
            }
            let comparisons = treatments.map { variant in
                compare(metric: metric, control: control, treatment: metric.arms[variant] ?? SufficientStatistics(),
                        variant: variant, settings: settings, boundary: plan?.boundary)
            }
            metrics.append(.init(name: metric.name, kind: metric.kind, arms: arms, comparisons: comparisons))
        }
        metrics += quantileMetrics(table, treatments: treatments, settings: settings)

        if plan == nil { correct(&metrics, settings: settings) }

        let (srm, srmWarnings) = try sampleRatioCheck(table, settings: settings)
        var warnings: [String] = srmWarnings
        if let srm, srm.mismatch {
            warnings.append(
                "Sample ratio mismatch: the arms' unit counts are unlikely under the configured weights (\(srm.pValueText)\(srm.shortArmSentence.map { "; " + $0 } ?? "")). Check assignment and exposure logging before trusting any effect.")
        }
        let factorial = comparisonsOnly ? nil : try factorialBlock(table, settings: settings)
        if let fit = factorial?.lackOfFit, fit.rejected, let name = factorial?.metric {
            warnings.append(
                "The additive model does not fit '\(name)' (lack of fit F = \(String(format: "%.3g", fit.statistic)) on \(fit.df) and \(Int(fit.denominatorDF)) df, p = \(String(format: "%.2g", fit.pValue))): channels interact, so one main effect per channel misdescribes some combinations. Read the saturated model's main effects and interactions (--factorial-model saturated).")
        }
        if settings.method == .bayesian, !comparisonsOnly { addProbabilityBest(&metrics, table: table) }
        let balance = comparisonsOnly
            ? (balance: [AnalysisResult.Balance](), warning: String?.none)
            : BalanceCheck.run(table, control: settings.control, threshold: settings.balanceThreshold)
        if let warning = balance.warning { warnings.append(warning) }
        var result = AnalysisResult(
            experiment: settings.experiment, control: settings.control, method: settings.method.rawValue,
            alpha: settings.test.alpha, alternative: settings.test.alternative, correction: settings.correction,
            tuning: settings.method == .sequential && plan == nil ? settings.tuning : nil, groupSequential: plan,
            prior: settings.method == .bayesian ? settings.prior : nil,
            srm: srm, metrics: metrics, factorial: factorial, bootstrap: nil, warnings: warnings,
            relativeInterval: settings.relativeInterval == .fieller ? .fieller : nil)
        result.balance = balance.balance.isEmpty ? nil : balance.balance
        return result
    }

    /// Adjusts the p-values of every comparison of `metrics` as one family (NaN p-values, e.g.
    /// Bayesian, stay out) and sets `significant` from the adjusted value. Group-sequential
    /// decisions come from the boundary (already Bonferroni-split), so callers skip this then.
    static func correct(_ metrics: inout [AnalysisResult.MetricResult], settings: AnalysisSettings) {
        let family = metrics.flatMap { $0.comparisons.map(\.pValue) }
        var adjusted = settings.correction.adjust(family)[...]
        for m in metrics.indices {
            for c in metrics[m].comparisons.indices {
                let p = adjusted.popFirst() ?? .nan
                metrics[m].comparisons[c].adjustedPValue = p
                if settings.method != .bayesian {
                    metrics[m].comparisons[c].significant = p < settings.test.alpha
                }
            }
        }
    }

    static func compare(
        metric: ArmTable.Metric, control: SufficientStatistics, treatment: SufficientStatistics, variant: String,
        settings: AnalysisSettings, boundary: Double? = nil
    ) -> AnalysisResult.ComparisonResult {
        if let clusters = metric.clusters {
            return clusterComparison(metric: metric, clusters: clusters, variant: variant, settings: settings)
        }
        var cuped: AnalysisResult.CUPED?
        var moments = metric.kind.moments(control: control, treatment: treatment)
        if let covariate = metric.covariate, metric.kind != .ratio {
            let adjustment = RegressionAdjustment(control: control, treatment: treatment, kind: metric.kind)
            moments = adjustment.adjusted
            cuped = .init(covariate: covariate, theta: adjustment.theta, varianceReduction: adjustment.varianceReduction)
        }
        var covariateDiagnostics: [Diagnostic] = []
        if let several = CovariateAdjustment.several(metric: metric, control: settings.control, variant: variant) {
            moments = several.moments
            cuped = several.cuped
            covariateDiagnostics = several.diagnostics
        }
        var result = AnalysisResult.ComparisonResult(
            variant: variant, control: settings.control, absoluteEffect: .nan, absoluteCI: .undefined,
            relativeEffect: .nan, relativeCI: .undefined, pValue: .nan, adjustedPValue: .nan, significant: false,
            statistic: .nan, standardError: .nan, cuped: cuped)
        let comparison: Comparison
        switch settings.method {
        case .frequentist:
            comparison = cuped == nil
                ? metric.kind.compare(control: control, treatment: treatment, settings: settings.test)
                : WelchTTest.compare(moments, settings: settings.test)
        case .sequential:
            if let boundary {
                // Fixed-horizon statistic against the look's boundary; repeated confidence
                // intervals Δ̂ ± c_k·SE (Jennison & Turnbull 2000, ch. 9) hold jointly over looks.
                var fixed = cuped == nil
                    ? metric.kind.compare(control: control, treatment: treatment, settings: settings.test)
                    : WelchTTest.compare(moments, settings: settings.test)
                if fixed.standardError.isFinite, fixed.standardError > 0 {
                    fixed.absoluteCI = Interval(
                        fixed.absoluteEffect - boundary * fixed.standardError, fixed.absoluteEffect + boundary * fixed.standardError)
                }
                if fixed.relativeStandardError.isFinite, fixed.relativeStandardError > 0 {
                    fixed.relativeCI = Interval(
                        fixed.relativeEffect - boundary * fixed.relativeStandardError,
                        fixed.relativeEffect + boundary * fixed.relativeStandardError)
                }
                comparison = fixed
                result.significant = abs(fixed.statistic) >= boundary
            } else {
                comparison = MixtureSPRT.compare(moments, alpha: settings.test.alpha, tuning: settings.tuning)
            }
        case .bayesian:
            let bayes: BayesianComparison
            if metric.kind == .proportion, cuped == nil, settings.prior == nil {
                let conversions = { (s: SufficientStatistics) in Int((s.mean * Double(s.count)).rounded()) }
                bayes = BetaBinomialTest.compare(
                    control: (control.count, conversions(control)), treatment: (treatment.count, conversions(treatment)),
                    alpha: settings.test.alpha)
            } else {
                bayes = GaussianEffectTest.compare(moments, prior: settings.prior ?? .flat, alpha: settings.test.alpha)
            }
            result.absoluteEffect = bayes.absoluteEffect
            result.absoluteCI = bayes.absoluteCI
            result.relativeEffect = bayes.relativeEffect
            result.relativeCI = bayes.relativeCI
            result.probabilityToBeatControl = bayes.probabilityToBeatControl
            result.expectedLoss = bayes.expectedLoss
            result.controlExpectedLoss = bayes.controlExpectedLoss
            result.relativeExpectedLoss = bayes.relativeExpectedLoss
            result.credibleInterval = bayes.credibleInterval
            result.model = bayes.model.rawValue
            // "Significant": the posterior puts at least 1 − α/2 on one side of zero.
            let p = bayes.probabilityToBeatControl
            result.significant = p > 1 - settings.test.alpha / 2 || p < settings.test.alpha / 2
            let diagnostics = covariateDiagnostics + bayes.diagnostics
            result.diagnostics = diagnostics.isEmpty ? nil : diagnostics
            return result
        }
        result.absoluteEffect = comparison.absoluteEffect
        result.absoluteCI = comparison.absoluteCI
        result.relativeEffect = comparison.relativeEffect
        result.relativeCI = comparison.relativeCI
        result.pValue = comparison.pValue
        result.adjustedPValue = comparison.pValue
        result.statistic = comparison.statistic
        result.standardError = comparison.standardError
        let diagnostics = covariateDiagnostics + comparison.diagnostics
        result.diagnostics = diagnostics.isEmpty ? nil : diagnostics
        if settings.relativeInterval == .fieller, settings.method == .frequentist {
            applyFieller(
                &result, treatment: moments.treatmentEstimate, treatmentVariance: moments.treatmentVariance / Double(moments.treatmentCount),
                control: moments.controlEstimate, controlVariance: moments.controlVariance / Double(moments.controlCount),
                degreesOfFreedom: comparison.degreesOfFreedom, metric: metric.name, settings: settings)
        }
        return result
    }

    /// The factorial block, when variant names combine channels with `+`: the 0/1-coded simple
    /// effects vs control (`effects`), the classical main effects and interactions of the chosen
    /// model, and — with a covariate — all of them on CUPED-adjusted cell means (θ pooled over
    /// every arm). Each list of terms is one family for the multiple-testing correction.
    static func factorialBlock(_ table: ArmTable, settings: AnalysisSettings) throws -> AnalysisResult.Factorial? {
        guard ChannelCombination.isChannelDesign(table.variants) else {
            if let name = settings.factorialMetric {
                throw AnalysisError("--factorial-metric '\(name)': no variant combines channels with '+' (e.g. email+push)")
            }
            return nil
        }
        let metric: ArmTable.Metric
        if let name = settings.factorialMetric {
            guard let found = table.metrics.first(where: { $0.name == name }) else {
                throw AnalysisError("--factorial-metric '\(name)' is not an analysed metric")
            }
            metric = found
        } else {
            guard let first = table.metrics.first(where: { $0.kind != .ratio }) else { return nil }
            metric = first
        }
        guard metric.kind != .ratio else {
            throw AnalysisError("--factorial-metric '\(metric.name)' is a ratio metric: the regression needs a per-unit metric")
        }
        var cells = table.variants.map { variant in
            FactorialRegression.Cell(
                variant: variant, combination: ChannelCombination(variant: variant, control: settings.control),
                statistics: metric.arms[variant] ?? SufficientStatistics())
        }
        var theta: Double?
        if metric.covariate != nil {
            let adjusted = FactorialEffects.cupedAdjusted(cells.filter { $0.statistics.count > 0 })
            theta = adjusted.theta
            cells = cells.map { cell in adjusted.cells.first { $0.variant == cell.variant } ?? cell }
        }
        var fit = FactorialRegression.fit(
            cells: cells, kind: metric.kind, covariance: settings.factorialCovariance,
            settings: TestSettings(alpha: settings.test.alpha))
        let classical = FactorialEffects.estimate(
            cells: cells, model: settings.factorialModel, covariance: settings.factorialCovariance,
            alpha: settings.test.alpha, correction: settings.correction)
        var effects = Array(fit.effects.dropFirst())
        for (i, p) in settings.correction.adjust(effects.map(\.pValue)).enumerated() { effects[i].adjustedPValue = p }
        if var relative = fit.relativeEffects {
            for (i, p) in settings.correction.adjust(relative.map(\.pValue)).enumerated() { relative[i].adjustedPValue = p }
            fit.relativeEffects = relative
        }
        for (i, p) in settings.correction.adjust(fit.combinations.map(\.pValue)).enumerated() {
            fit.combinations[i].adjustedPValue = p
        }
        var diagnostics = fit.diagnostics
        for diagnostic in classical.diagnostics where !diagnostics.contains(diagnostic) { diagnostics.append(diagnostic) }
        return AnalysisResult.Factorial(
            metric: metric.name, model: classical.model, covariance: fit.covariance, degreesOfFreedom: fit.degreesOfFreedom,
            intercept: fit.effects.first?.estimate ?? .nan, mainEffects: classical.mainEffects,
            interactions: classical.interactions, lackOfFit: classical.lackOfFit,
            modelDegreesOfFreedom: classical.degreesOfFreedom,
            cuped: metric.covariate.map { AnalysisResult.FactorialCUPED(covariate: $0, theta: theta ?? .nan) },
            effects: effects, relativeEffects: fit.relativeEffects, combinations: fit.combinations,
            diagnostics: diagnostics.isEmpty ? nil : diagnostics)
    }

    /// Bayesian: each arm's posterior probability of having the highest mean of all arms.
    /// Conversions without a covariate use the same Beta(1 + x, 1 + n − x) posteriors as the
    /// pairwise comparisons; every other metric a flat-prior normal posterior of its (CUPED-adjusted,
    /// θ pooled over all arms) mean. `--prior` is a prior on the lift against control and does not
    /// enter this all-arm comparison.
    static func addProbabilityBest(_ metrics: inout [AnalysisResult.MetricResult], table: ArmTable) {
        for (m, metric) in table.metrics.enumerated() where m < metrics.count {
            let statistics = table.variants.map { metric.arms[$0] ?? SufficientStatistics() }
            guard statistics.allSatisfy({ $0.count > 1 }) else { continue }
            let posteriors: [ProbabilityBest.Posterior]
            switch metric.kind {
            case .proportion where metric.covariate == nil:
                posteriors = statistics.map { s in
                    let conversions = (s.mean * Double(s.count)).rounded()
                    return .beta(BetaDistribution(1 + conversions, 1 + Double(s.count) - conversions))
                }
            case .ratio:
                posteriors = statistics.map { s in
                    let ratio = RatioStatistics(joint: s)
                    return .normal(mean: ratio.ratio, standardError: (ratio.unitVariance / Double(s.count)).squareRoot())
                }
            case .proportion, .mean, .quantile:
                let cells = zip(table.variants, statistics).map { variant, s in
                    FactorialRegression.Cell(variant: variant, combination: ChannelCombination(channels: []), statistics: s)
                }
                let adjusted = metric.covariate == nil ? cells : FactorialEffects.cupedAdjusted(cells).cells
                posteriors = adjusted.map { cell in
                    let s = cell.statistics
                    let variance = metric.kind == .proportion && metric.covariate == nil ? s.populationVariance : s.variance
                    return .normal(mean: s.mean, standardError: (variance / Double(s.count)).squareRoot())
                }
            }
            let best = ProbabilityBest.compute(posteriors)
            for (a, arm) in metrics[m].arms.enumerated() {
                if let index = table.variants.firstIndex(of: arm.variant), index < best.count, best[index].isFinite {
                    metrics[m].arms[a].probabilityBest = best[index]
                }
            }
        }
    }

    /// Percentile-bootstrap intervals of the difference in a quantile, every treatment against
    /// control, for raw samples keyed by metric then variant. Each comparison uses its own
    /// generator seeded `seed + index`, so results do not depend on evaluation order.
    public static func bootstrap(
        _ samples: [String: [ByteKey: [Double]]], control: String, quantile: Double, replicates: Int, seed: UInt64,
        alpha: Double
    ) -> [AnalysisResult.BootstrapResult] {
        var results: [AnalysisResult.BootstrapResult] = []
        for metric in samples.keys.sorted() {
            guard let arms = samples[metric] else { continue }
            let controlValues = arms[control] ?? []
            for variant in arms.keys.sorted() where variant != ByteKey(control) {
                let b = Bootstrap.compare(
                    control: controlValues, treatment: arms[variant] ?? [], statistic: Bootstrap.quantile(quantile),
                    replicates: replicates, seed: seed &+ UInt64(results.count), alpha: alpha)
                results.append(.init(
                    metric: metric, variant: variant.string, control: control, quantile: quantile, estimate: b.estimate, ci: b.ci,
                    relativeEstimate: b.relativeEstimate, relativeCI: b.relativeCI, standardError: b.standardError,
                    replicates: replicates, seed: b.seed, diagnostics: b.diagnostics.isEmpty ? nil : b.diagnostics))
            }
        }
        return results
    }

    /// The SRM check over every arm the data or the weights name. It is a result, never an
    /// error, whichever source the weights came from: an arm that has weight but no units
    /// (exposures never logged for it) is observed 0, and an arm with units but no weight is
    /// expected 0 (an unambiguous mismatch, χ² = ∞, p = 0). Either comes with a warning naming
    /// the arm, so a misspelt weight is visible rather than fatal.
    static func sampleRatioCheck(_ table: ArmTable, settings: AnalysisSettings) throws -> (AnalysisResult.SRM?, [String]) {
        // Configured weights in a fixed (bytewise) order, so warnings read the same every run.
        let weights = settings.weights.map { configured in
            configured.sorted { $0.key < $1.key }.map { (variant: $0.key.string, weight: $0.value) }
        }
        let check: SampleRatioCheck
        do {
            check = try SampleRatioCheck(
                observed: table.variants.map { ($0, table.units[$0] ?? 0) }, weights: weights, threshold: settings.srmThreshold)
        } catch let error as StatsError {
            throw AnalysisError("SRM check with the configured weights (--weights or the config): \(error.message)")
        }
        return (AnalysisResult.SRM(
            chiSquare: check.result.chiSquare, pValue: check.result.pValue, mismatch: check.result.mismatch,
            observed: Dictionary(zip(check.variants, check.observed), uniquingKeysWith: +),
            expected: Dictionary(zip(check.variants, check.result.expected), uniquingKeysWith: +),
            threshold: settings.srmThreshold), check.warnings)
    }
}
