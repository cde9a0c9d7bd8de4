import TouchstoneAnalysis
import TouchstoneAttribution

/// Range checks of a decoded saved result, before anything renders it.
///
/// A result written by Touchstone always passes. A hand-edited or generated file may hold
/// valid JSON with impossible numbers (α = −1e308, an expected count of 1e300, a negative
/// unit count); rendering such numbers would mislead, and some formatters would trap. Each
/// check names the field by its JSON path, as ``ReportError/invalid(file:reason:)``.
extension SavedResult {
    static func validate(_ result: AnalysisResult, source: String) throws(ReportError) {
        var problems = Problems(source: source)
        problems.check(result.alpha > 0 && result.alpha < 1, "alpha", result.alpha, "must be between 0 and 1")
        if let tuning = result.tuning { problems.check(tuning.isFinite && tuning > 0, "tuning", tuning, "must be a positive number") }
        if let srm = result.srm {
            problems.check(srm.chiSquare.isNaN || (srm.chiSquare.isFinite && srm.chiSquare >= 0), "srm.chiSquare", srm.chiSquare, "must be a non-negative number")
            problems.probability(srm.pValue, "srm.pValue")
            problems.probability(srm.threshold, "srm.threshold")
            for (name, count) in srm.observed.sorted(by: { $0.key < $1.key }) {
                problems.check(count >= 0, "srm.observed.\(name)", Double(count), "must not be negative")
            }
            for (name, count) in srm.expected.sorted(by: { $0.key < $1.key }) {
                problems.check(count.isFinite && count >= 0 && count <= 1e15, "srm.expected.\(name)", count, "must be a count between 0 and 1e15")
            }
        }
        if let plan = result.groupSequential {
            problems.check(plan.looks >= 1 && plan.looks <= 1_000, "groupSequential.looks", Double(plan.looks), "must be 1 to 1000")
            problems.check(plan.look >= 1 && plan.look <= plan.looks, "groupSequential.look", Double(plan.look), "must be 1 to looks")
            problems.check(plan.boundary.isFinite, "groupSequential.boundary", plan.boundary, "must be finite")
        }
        if let prior = result.prior {
            problems.check(prior.stdDev.isFinite && prior.stdDev > 0, "prior.stdDev", prior.stdDev, "must be a positive number")
        }
        for (m, metric) in result.metrics.enumerated() {
            validate(metric, path: "metrics[\(m)]", into: &problems)
            // A comparison of an arm the metric does not hold, or against another control, would
            // be rendered beside the wrong arm's row (two rows labelled control, say).
            for (c, comparison) in metric.comparisons.enumerated() {
                if !comparison.control.bytewiseEquals(result.control) {
                    problems.mismatch("metrics[\(m)].comparisons[\(c)].control", comparison.control, "is not the result's control '\(result.control)'")
                } else if comparison.variant.bytewiseEquals(result.control) || !metric.arms.contains(where: { $0.variant.bytewiseEquals(comparison.variant) }) {
                    problems.mismatch("metrics[\(m)].comparisons[\(c)].variant", comparison.variant, "is not a treatment arm of the metric")
                }
            }
        }
        if let factorial = result.factorial {
            let df = factorial.degreesOfFreedom
            problems.check(df.isNaN || (df.isFinite && df >= 0), "factorial.degreesOfFreedom", df, "must be a non-negative number")
        }
        for (b, bootstrap) in (result.bootstrap ?? []).enumerated() {
            problems.check(bootstrap.replicates >= 0, "bootstrap[\(b)].replicates", Double(bootstrap.replicates), "must not be negative")
            problems.probability(bootstrap.quantile, "bootstrap[\(b)].quantile")
        }
        if let segments = result.segments {
            for (s, segment) in segments.results.enumerated() {
                for (m, metric) in segment.metrics.enumerated() {
                    validate(metric, path: "segments.results[\(s)].metrics[\(m)]", into: &problems)
                }
            }
        }
        try problems.throwIfAny()
    }

    private static func validate(_ metric: AnalysisResult.MetricResult, path: String, into problems: inout Problems) {
        for (a, arm) in metric.arms.enumerated() {
            problems.check(arm.units >= 0, "\(path).arms[\(a)].units", Double(arm.units), "must not be negative")
        }
        for (c, comparison) in metric.comparisons.enumerated() {
            problems.probability(comparison.pValue, "\(path).comparisons[\(c)].pValue")
            problems.probability(comparison.adjustedPValue, "\(path).comparisons[\(c)].adjustedPValue")
            if let p = comparison.probabilityToBeatControl { problems.probability(p, "\(path).comparisons[\(c)].probabilityToBeatControl") }
        }
    }

    static func validate(_ results: [AttributionResult], source: String) throws(ReportError) {
        var problems = Problems(source: source)
        for (r, result) in results.enumerated() {
            let path = results.count == 1 ? "" : "models[\(r)]."
            if let bootstrap = result.bootstrap {
                problems.check(bootstrap.level > 0 && bootstrap.level < 1, "\(path)bootstrap.level", bootstrap.level, "must be between 0 and 1")
                problems.check(bootstrap.replicates >= 0, "\(path)bootstrap.replicates", Double(bootstrap.replicates), "must not be negative")
            }
            for (c, credit) in result.channels.enumerated() {
                if let ci = credit.conversionsCI {
                    problems.check(ci.count == 2, "\(path)channels[\(c)].conversionsCI", Double(ci.count), "must hold 2 numbers (lower, upper), not this many")
                }
                if let ci = credit.valueCI {
                    problems.check(ci.count == 2, "\(path)channels[\(c)].valueCI", Double(ci.count), "must hold 2 numbers (lower, upper), not this many")
                }
            }
        }
        try problems.throwIfAny()
    }

    /// The first few problems, reported together.
    private struct Problems {
        var source: String
        var found: [String] = []

        mutating func check(_ condition: Bool, _ path: String, _ value: Double, _ rule: String) {
            guard !condition, found.count < 5 else { return }
            found.append("\(path) = \(NumberFormatting.significant(value, digits: 6)) \(rule)")
        }

        /// A name that does not fit the rest of the result.
        mutating func mismatch(_ path: String, _ value: String, _ rule: String) {
            guard found.count < 5 else { return }
            found.append("\(path) = '\(value)' \(rule)")
        }

        /// A probability: in [0, 1], or undefined (NaN, `null` in the file).
        mutating func probability(_ value: Double, _ path: String) {
            check(value.isNaN || (value >= 0 && value <= 1), path, value, "must be a probability between 0 and 1 (or null)")
        }

        func throwIfAny() throws(ReportError) {
            guard !found.isEmpty else { return }
            throw ReportError.invalid(file: source, reason: "impossible value: " + found.joined(separator: "; "))
        }
    }
}
