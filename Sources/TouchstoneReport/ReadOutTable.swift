import TouchstoneAnalysis
import TouchstoneData
import TouchstoneStats

/// Whether a comparison is a significant change for the better, for the worse, or neither,
/// judged by the metric's good direction rather than by the sign of the effect: a drop in a
/// lower-is-better metric (latency, churn) is good news and is drawn as such.
enum Tone: Sendable, Hashable {
    case better, worse, neutral

    init(_ comparison: AnalysisResult.ComparisonResult, direction: MetricDirection?) {
        self.init(
            significant: comparison.significant, absoluteEffect: comparison.absoluteEffect,
            relativeEffect: comparison.relativeEffect, direction: direction)
    }

    /// The sign of the absolute effect (the relative one when the absolute is undefined) against
    /// the metric's good direction; neutral unless significant.
    init(significant: Bool, absoluteEffect: Double, relativeEffect: Double, direction: MetricDirection?) {
        let effect = absoluteEffect.isFinite ? absoluteEffect : relativeEffect
        guard significant, effect.isFinite, effect != 0 else {
            self = .neutral
            return
        }
        self = effect * (direction ?? .increase).sign > 0 ? .better : .worse
    }

    /// The text mark that carries the tone without colour.
    var mark: String {
        switch self {
        case .better: "▲"
        case .worse: "▼"
        case .neutral: ""
        }
    }

    /// CSS class of a row or chart element.
    var cssClass: String? {
        switch self {
        case .better: "better"
        case .worse: "worse"
        case .neutral: nil
        }
    }
}

/// The per-metric arm table of the terminal and Markdown read-outs: estimate and interval share
/// a cell and a precision, and the columns are ranked so that a table wider than the terminal
/// loses the least important first.
struct ReadOutTable {
    /// The terminal width the read-out fits unless `--wide`.
    static let terminalWidth = 100

    var table: TextTable
    /// Columns to drop, least important first.
    var dropOrder: [Int]

    /// The interval's name in headers: "credible interval" for Bayesian results, else "CI".
    static func intervalName(_ result: AnalysisResult, confidence: Int) -> String {
        result.method == "bayesian" ? "\(confidence)% credible interval" : "\(confidence)% CI"
    }

    /// The table of `metric` (one row per arm, control first), or of several groups of arms
    /// (`metrics`, one per segment) whose `leading` cells come first, under `leadingHeaders`.
    /// Bayesian tables show P(better) in the metric's good direction.
    init(
        _ metric: AnalysisResult.MetricResult, result: AnalysisResult, confidence: Int, direction: MetricDirection?,
        leadingHeaders: [String] = [], metrics extra: [(leading: [String], metric: AnalysisResult.MetricResult)] = []
    ) {
        let bayesian = result.method == "bayesian"
        let interval = Self.intervalName(result, confidence: confidence)
        let level = AnalysisReport.valueHeading(metric)
        let headers = leadingHeaders + [
            "variant", "units", level, "abs. effect [\(interval)]", "lift [\(interval)\(AnalysisReport.relativeIntervalNote(result))]",
            bayesian ? "P(better)" : "p", bayesian ? "exp. loss" : "adj. p", "",
        ]
        let alignments: [TextTable.Alignment] = Array(repeating: .left, count: leadingHeaders.count + 1)
            + Array(repeating: .right, count: 6) + [.left]
        var table = TextTable(headers, alignments: alignments)
        let groups = extra.isEmpty ? [(leading: [String](), metric: metric)] : extra
        for group in groups {
            for row in Self.rows(group.metric, result: result, direction: direction) {
                table.append(group.leading + row.cells, highlight: row.tone == .better, harmful: row.tone == .worse)
            }
        }
        self.table = table
        let offset = leadingHeaders.count
        // Least important first: the raw p (the adjusted one decides), the absolute effect (the
        // lift carries the same evidence), expected loss, the arm's level, its units.
        let order = bayesian ? [3, 6, 2, 1, 5] : [5, 3, 2, 1]
        dropOrder = order.map { $0 + offset }
    }

    /// The table as printed: narrowed to ``terminalWidth`` unless `wide`.
    func rendered(wide: Bool) -> TextTable {
        wide ? table : table.fitting(width: Self.terminalWidth, dropOrder: dropOrder)
    }

    /// One row per arm of a metric, control first.
    static func rows(_ metric: AnalysisResult.MetricResult, result: AnalysisResult, direction: MetricDirection?) -> [(cells: [String], tone: Tone)] {
        let proportion = metric.kind == .proportion
        let bayesian = result.method == "bayesian"
        let ordered = metric.arms.filter { $0.variant.bytewiseEquals(result.control) }
            + metric.arms.filter { !$0.variant.bytewiseEquals(result.control) }
        let comparisons = metric.comparisonsByVariant
        return ordered.map { arm in
            // A quantile metric's arm shows its sample quantile, not the mean.
            let value = metric.kind == .quantile ? (arm.quantileValue ?? .nan) : arm.mean
            let level = proportion ? NumberFormatting.rate(value) : NumberFormatting.fixed(value, decimals: NumberFormatting.decimals(for: [value], significant: 4))
            guard let c = comparisons[arm.variant] else {
                return ([arm.variant + " (control)", NumberFormatting.count(arm.units), level, "", "", "", "", ""], .neutral)
            }
            let tone = Tone(c, direction: direction)
            let absolute = NumberFormatting.estimate(c.absoluteEffect, c.absoluteCI, scale: proportion ? 100 : 1, suffix: "")
            let lift = NumberFormatting.lift(c.relativeEffect, bayesian ? (c.credibleInterval ?? c.relativeCI) : c.relativeCI)
            return ([
                arm.variant, NumberFormatting.count(arm.units), level,
                "\(absolute.value)\(proportion ? "pp" : "") \(absolute.interval)", "\(lift.value) \(lift.interval)",
                bayesian ? NumberFormatting.probability(c.probabilityToBeatControl.map { direction == .decrease ? 1 - $0 : $0 } ?? .nan)
                    : NumberFormatting.pValueShort(c.pValue),
                bayesian ? NumberFormatting.expectedLoss(c.expectedLoss ?? .nan, proportion: proportion) : NumberFormatting.pValueShort(c.adjustedPValue),
                tone.mark,
            ], tone)
        }
    }
}
