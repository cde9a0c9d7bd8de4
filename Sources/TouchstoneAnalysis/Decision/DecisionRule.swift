import Foundation
import TouchstoneStats

/// Turns an analysis into ship / roll-back / keep-running / no-difference, per treatment arm
/// and overall, following Schultzberg, Ankargren & Frånberg (2024), "Risk-aware product
/// decisions in A/B tests with multiple metrics" (arXiv:2402.11609): success metrics are tested
/// for superiority, guardrail metrics for non-inferiority, α is corrected over the success
/// metrics only, and a change ships only if every guardrail passes.
///
/// For each treatment arm against control:
///
/// - **Goal better / worse.** The comparison is significant and its effect lies in the metric's
///   good (bad) direction. Frequentist and sequential (mSPRT) analyses: the two-sided p-values of
///   the goal comparisons (goals × treatment arms, the α family) are adjusted with the
///   analysis's correction (Bonferroni, Holm or BH), and significant means adjusted p < α.
///   Group-sequential looks: the analysis's own boundary decision (already split over every
///   comparison, so at least as strict). Bayesian: the posterior probability that the arm is
///   better (worse) in the good direction exceeds 1 − α/2, i.e. the (1 − α) equal-tailed
///   credible interval excludes zero; no correction, as the analysis applies none.
/// - **Guardrail worse.** Significant harm at α without correction (raw two-sided p < α; for
///   Bayesian, P(worse) > 1 − α/2): a guardrail is a deterioration test of its own.
/// - **Guardrail non-inferior.** One-sided test at α against the relative margin m: the relative
///   effect's two-sided interval at level 1 − 2α (its lower end is the one-sided 1 − α bound)
///   must lie above −m for an `increase` metric, its upper end below +m for a `decrease` one.
///   The interval is the analysis's own kind at that level: delta-method confidence interval
///   (frequentist), always-valid mSPRT interval (sequential), equal-tailed credible interval
///   (Bayesian, i.e. P(effect > −m) ≥ 1 − α), the repeated confidence interval at the look's
///   boundary (group-sequential, stricter than 1 − 2α). Guardrails are not corrected for α:
///   every one must pass, which is what keeps the error rate of shipping a harmful change at
///   α (the paper's intersection–union argument). A guardrail without a margin is a
///   deterioration check only and says so in the reasons.
/// - **Secondary** metrics never decide.
///
/// Verdict per arm: `roll-back` if a goal or a guardrail is significantly worse; `ship` if at
/// least one goal is significantly better and every guardrail is non-inferior; otherwise
/// `keep-running` while the units are below the planned sample (or when none was given) and
/// `no-difference` once it is reached.
///
/// Overall: `ship` the best shippable arm — the one with the most goals significantly better,
/// then the largest relative gain (in the good direction) on the first goal metric, then the
/// first in the result's arm order; else `roll-back` if any arm must be rolled back; else
/// `keep-running` if any arm should keep running; else `no-difference`.
public enum DecisionRule {
    /// One metric × treatment comparison, as the rule needs it.
    public struct Evidence: Sendable, Hashable {
        public var metric: String
        public var variant: String
        public var intent: MetricIntent
        public var absoluteEffect: Double
        public var relativeEffect: Double
        /// The reported relative interval at level 1 − α (credible for Bayesian).
        public var relativeCI: Interval
        /// Raw p-value (NaN for Bayesian and when not estimable).
        public var pValue: Double
        /// Bayesian: P(treatment mean > control mean).
        public var probabilityToBeatControl: Double?
        /// The analysis's own significance flag (used for group-sequential looks).
        public var significant: Bool
        /// Guardrails: the relative interval at level 1 − 2α (see the rule).
        public var nonInferiorityCI: Interval?

        public init(
            metric: String, variant: String, intent: MetricIntent, absoluteEffect: Double, relativeEffect: Double,
            relativeCI: Interval, pValue: Double, probabilityToBeatControl: Double? = nil, significant: Bool = false,
            nonInferiorityCI: Interval? = nil
        ) {
            self.metric = metric
            self.variant = variant
            self.intent = intent
            self.absoluteEffect = absoluteEffect
            self.relativeEffect = relativeEffect
            self.relativeCI = relativeCI
            self.pValue = pValue
            self.probabilityToBeatControl = probabilityToBeatControl
            self.significant = significant
            self.nonInferiorityCI = nonInferiorityCI
        }
    }

    /// How significance is read and how far the experiment is from its planned sample.
    public struct Settings: Sendable, Hashable {
        public enum Inference: Sendable, Hashable {
            /// p-values, corrected over the goals with `correction`.
            case pValues(MultipleTestingCorrection)
            /// The analysis's boundary decision (group-sequential look).
            case boundary
            /// Posterior probabilities.
            case posterior
        }

        public var alpha: Double
        public var inference: Inference
        /// Units in the analysis (all arms).
        public var units: Int
        public var plannedUnits: Int?
        /// New units per day, when exposure times are known.
        public var dailyRate: Double?

        public init(alpha: Double, inference: Inference, units: Int, plannedUnits: Int? = nil, dailyRate: Double? = nil) {
            self.alpha = alpha
            self.inference = inference
            self.units = units
            self.plannedUnits = plannedUnits
            self.dailyRate = dailyRate
        }
    }

    /// What the rule concluded about one comparison.
    enum Finding { case better, worse, neither }

    /// The decision for `variants` (treatment arms, in order) from the evidence.
    public static func decide(_ evidence: [Evidence], variants: [String], settings: Settings) -> Decision {
        let adjusted = adjustedGoalPValues(evidence, settings: settings)
        let interval = levelText(1 - settings.alpha)
        let niLevel = levelText(1 - 2 * settings.alpha)
        var decisions: [Decision.VariantDecision] = []
        var goalWins: [String: (count: Int, firstGoalGain: Double)] = [:]
        let firstGoal = evidence.first { $0.intent.role == .goal }?.metric

        for variant in variants {
            let rows = evidence.enumerated().filter { $0.element.variant == variant }
            var harms: [String] = [], wins: [String] = [], passes: [String] = [], pending: [String] = []
            var checks: [Decision.GuardrailCheck] = []
            var winCount = 0
            var firstGoalGain = -Double.infinity
            var guardrailsPass = true
            for (index, e) in rows {
                let effect = "\(percent(e.relativeEffect)) \(bracket(e.relativeCI)) at \(interval)"
                switch e.intent.role {
                case .secondary:
                    continue
                case .goal:
                    let p = adjusted[index]
                    let evidenceText = significanceText(e, adjustedP: p, settings: settings)
                    if e.metric == firstGoal { firstGoalGain = e.relativeEffect.isFinite ? e.relativeEffect * e.intent.direction.sign : -.infinity }
                    switch finding(e, adjustedP: p, settings: settings) {
                    case .worse:
                        harms.append("goal '\(e.metric)' is significantly worse: \(effect)\(evidenceText)")
                    case .better:
                        winCount += 1
                        wins.append("goal '\(e.metric)' is significantly better: \(effect)\(evidenceText)")
                    case .neither:
                        pending.append(e.relativeEffect.isFinite
                            ? "goal '\(e.metric)' shows no significant change: \(effect)\(evidenceText)"
                            : "goal '\(e.metric)' could not be estimated")
                    }
                case .guardrail:
                    // The non-inferiority test is recorded even for a harmed guardrail.
                    if let margin = e.intent.margin,
                       let end = e.intent.direction == .increase ? e.nonInferiorityCI?.lower : e.nonInferiorityCI?.upper, end.isFinite {
                        let within = e.intent.direction == .increase ? end > -margin : end < margin
                        checks.append(.init(metric: e.metric, margin: margin, bound: end, level: 1 - 2 * settings.alpha, nonInferior: within))
                    }
                    let raw = settings.inference == .boundary ? Double.nan : e.pValue
                    if finding(e, adjustedP: raw, settings: settings) == .worse {
                        harms.append("guardrail '\(e.metric)' is significantly worse: \(effect)\(significanceText(e, adjustedP: raw, settings: settings, raw: true))")
                        guardrailsPass = false
                        continue
                    }
                    guard let margin = e.intent.margin else {
                        passes.append("guardrail '\(e.metric)' has no margin, so it is checked for harm only: \(effect)")
                        continue
                    }
                    let bound = e.intent.direction == .increase ? e.nonInferiorityCI?.lower : e.nonInferiorityCI?.upper
                    let marginText = "\(Self.marginText(margin)) margin"
                    guard let bound, bound.isFinite else {
                        guardrailsPass = false
                        pending.append("guardrail '\(e.metric)' could not be checked against its \(marginText) (interval not estimable)")
                        continue
                    }
                    let within = e.intent.direction == .increase ? bound > -margin : bound < margin
                    let side = e.intent.direction == .increase ? "lower" : "upper"
                    let detail = "\(percent(e.relativeEffect)), \(side) bound \(percent(bound)) at \(niLevel) (one-sided \(levelText(1 - settings.alpha)))"
                    if within {
                        passes.append("guardrail '\(e.metric)' is within its \(marginText): \(detail)")
                    } else {
                        guardrailsPass = false
                        pending.append("guardrail '\(e.metric)' is not yet shown within its \(marginText): \(detail)")
                    }
                }
            }
            let verdict: Decision.Verdict
            var reasons: [String]
            if !harms.isEmpty {
                verdict = .rollBack
                reasons = harms
            } else if winCount > 0, guardrailsPass {
                verdict = .ship
                reasons = wins + passes
                goalWins[variant] = (winCount, firstGoalGain)
            } else {
                reasons = wins + pending + passes
                if firstGoal == nil { reasons.insert("no metric is a goal, so nothing can show a reason to ship", at: 0) }
                if let planned = settings.plannedUnits, settings.units >= planned {
                    verdict = .noDifference
                    reasons.append("the planned sample is reached (\(count(settings.units)) of \(count(planned)) units)")
                } else {
                    verdict = .keepRunning
                    reasons.append(progressText(settings))
                }
            }
            decisions.append(.init(variant: variant, verdict: verdict, reasons: reasons, guardrails: checks.isEmpty ? nil : checks))
        }
        return overall(decisions, goalWins: goalWins, firstGoal: firstGoal, settings: settings)
    }

    static func overall(
        _ decisions: [Decision.VariantDecision], goalWins: [String: (count: Int, firstGoalGain: Double)], firstGoal: String?,
        settings: Settings
    ) -> Decision {
        let many = decisions.count > 1
        func prefixed(_ d: Decision.VariantDecision) -> [String] { many ? d.reasons.map { "'\(d.variant)': \($0)" } : d.reasons }
        let shippable = decisions.filter { $0.verdict == .ship }
        let verdict: Decision.Verdict
        var variant: String?
        var reasons: [String]
        if let best = shippable.max(by: { a, b in
            let x = goalWins[a.variant] ?? (0, -.infinity), y = goalWins[b.variant] ?? (0, -.infinity)
            // `max` keeps the last of equals: compare so that the earlier arm wins ties.
            if x.count != y.count { return x.count < y.count }
            if x.firstGoalGain != y.firstGoalGain { return x.firstGoalGain < y.firstGoalGain }
            return (decisions.firstIndex(of: a) ?? 0) > (decisions.firstIndex(of: b) ?? 0)
        }) {
            verdict = .ship
            variant = best.variant
            reasons = prefixed(best)
            if shippable.count > 1, let firstGoal {
                reasons.insert(
                    "\(shippable.count) arms could ship; '\(best.variant)' has the most goals significantly better, then the largest gain on '\(firstGoal)'",
                    at: 0)
            }
            for other in decisions where other.verdict == .rollBack { reasons += prefixed(other) }
        } else if let harmful = decisions.first(where: { $0.verdict == .rollBack }) {
            verdict = .rollBack
            variant = harmful.variant
            reasons = decisions.filter { $0.verdict == .rollBack }.flatMap(prefixed)
        } else if decisions.contains(where: { $0.verdict == .keepRunning }) {
            verdict = .keepRunning
            reasons = decisions.flatMap(prefixed)
        } else {
            verdict = decisions.isEmpty ? .keepRunning : .noDifference
            reasons = decisions.flatMap(prefixed)
        }
        // The progress line is the same for every arm: say it once overall.
        let progress = [progressText(settings), "the planned sample is reached (\(count(settings.units)) of \(count(settings.plannedUnits ?? 0)) units)"]
        if many {
            reasons = reasons.filter { reason in !progress.contains { reason.hasSuffix(": " + $0) } }
            if verdict == .keepRunning { reasons.append(progress[0]) }
            if verdict == .noDifference { reasons.append(progress[1]) }
        }
        var daysLeft: Double?
        if let planned = settings.plannedUnits, let rate = settings.dailyRate, rate > 0, settings.units < planned {
            daysLeft = Double(planned - settings.units) / rate
        }
        return Decision(
            verdict: verdict, variant: variant, reasons: reasons, variants: decisions, units: settings.units,
            plannedUnits: settings.plannedUnits, daysLeft: daysLeft)
    }

    /// Goal p-values adjusted over the goal family (by index into `evidence`; NaN elsewhere).
    static func adjustedGoalPValues(_ evidence: [Evidence], settings: Settings) -> [Double] {
        var adjusted = Array(repeating: Double.nan, count: evidence.count)
        guard case .pValues(let correction) = settings.inference else { return adjusted }
        let goals = evidence.indices.filter { evidence[$0].intent.role == .goal && evidence[$0].pValue.isFinite }
        for (index, p) in zip(goals, correction.adjust(goals.map { evidence[$0].pValue })) { adjusted[index] = p }
        return adjusted
    }

    /// Better, worse or neither in the metric's good direction; `p` is the (adjusted) p-value.
    static func finding(_ e: Evidence, adjustedP p: Double, settings: Settings) -> Finding {
        let good = e.intent.direction.sign
        let effect = e.absoluteEffect.isFinite ? e.absoluteEffect : e.relativeEffect
        guard effect.isFinite, effect != 0 else { return .neither }
        let significant: Bool
        switch settings.inference {
        case .pValues: significant = p.isFinite && p < settings.alpha
        case .boundary: significant = e.significant
        case .posterior:
            guard let beat = e.probabilityToBeatControl, beat.isFinite else { return .neither }
            let better = good > 0 ? beat : 1 - beat
            if better > 1 - settings.alpha / 2 { return .better }
            if 1 - better > 1 - settings.alpha / 2 { return .worse }
            return .neither
        }
        guard significant else { return .neither }
        return effect * good > 0 ? .better : .worse
    }

    static func significanceText(_ e: Evidence, adjustedP p: Double, settings: Settings, raw: Bool = false) -> String {
        switch settings.inference {
        case .pValues: return p.isFinite ? ", \(raw ? "p" : "adjusted p") \(pText(p))" : ""
        case .boundary: return e.significant ? ", crosses the look's boundary" : ", inside the look's boundary"
        case .posterior:
            guard let beat = e.probabilityToBeatControl, beat.isFinite else { return "" }
            let better = e.intent.direction == .increase ? beat : 1 - beat
            // A posterior probability rounds to 100% long before it is 1: say how close it is.
            let text = better > 0.999 ? "> 99.9%" : (better < 0.001 ? "< 0.1%" : percent(better, signed: false))
            return ", P(better) \(text)"
        }
    }

    static func progressText(_ settings: Settings) -> String {
        guard let planned = settings.plannedUnits else {
            return "no planned sample size was given (--planned-units), so this cannot yet be called no difference"
        }
        var text = "\(count(settings.units)) of \(count(planned)) planned units"
        if let rate = settings.dailyRate, rate > 0 {
            let days = Double(planned - settings.units) / rate
            // Bounded before `Int(_:)`, which traps on values it cannot hold.
            let dayText = days <= 1 ? "1 day" : (days < 1e9 ? "\(count(Int(days.rounded(.up)))) days" : "more than a billion days")
            let rateText = rate < 1e15 ? count(Int(rate.rounded())) : String(format: "%.3g", rate)
            text += "; about \(dayText) left at \(rateText) units a day"
        }
        return text
    }

    // MARK: - Formatting (the report layer's conventions, kept here so reasons read the same everywhere)

    static func percent(_ value: Double, signed: Bool = true) -> String {
        guard value.isFinite else { return "—" }
        // Three significant digits for effects from 1% up (−4.00%, +12.3%), two decimals below.
        let digits = abs(value) >= 0.1 || value == 0 ? 1 : 2
        return String(format: signed ? "%+.\(digits)f%%" : "%.\(digits)f%%", value * 100)
    }

    /// A margin as written: 0.02 → `2%`, 0.015 → `1.5%`.
    static func marginText(_ margin: Double) -> String { String(format: "%g%%", margin * 100) }

    static func bracket(_ interval: Interval) -> String { "[\(percent(interval.lower)), \(percent(interval.upper))]" }

    static func levelText(_ level: Double) -> String {
        let percent = level * 100
        return percent == percent.rounded() ? "\(Int(percent))%" : String(format: "%.1f%%", percent)
    }

    static func pText(_ p: Double) -> String { p < 0.001 ? "< 0.001" : String(format: "= %.3g", p) }

    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return value < 0 ? "-" + grouped : grouped
    }
}
