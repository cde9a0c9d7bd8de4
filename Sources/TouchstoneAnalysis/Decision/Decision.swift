/// The ship decision of an analysis: one verdict per treatment arm and one overall, each with
/// the reasons behind it (the `decision` block of `analyze --format json`).
///
/// See ``DecisionRule`` for the rule and its citation.
public struct Decision: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
        case ship
        case rollBack = "roll-back"
        case keepRunning = "keep-running"
        case noDifference = "no-difference"
    }

    /// The verdict for one treatment arm against control.
    public struct VariantDecision: Sendable, Hashable, Codable {
        public var variant: String
        public var verdict: Verdict
        /// Short sentences naming the metric, its effect and interval.
        public var reasons: [String]
        /// The non-inferiority test of each guardrail with a margin.
        public var guardrails: [GuardrailCheck]?

        public init(variant: String, verdict: Verdict, reasons: [String], guardrails: [GuardrailCheck]? = nil) {
            self.variant = variant
            self.verdict = verdict
            self.reasons = reasons
            self.guardrails = guardrails
        }
    }

    /// One guardrail's non-inferiority test against control.
    public struct GuardrailCheck: Sendable, Hashable, Codable {
        public var metric: String
        /// The largest tolerated relative harm.
        public var margin: Double
        /// The end of the relative effect's two-sided interval at ``level`` that is checked: the
        /// lower end for an `increase` metric (must exceed −margin), the upper end for a
        /// `decrease` one (must stay below +margin).
        public var bound: Double
        /// 1 − 2α: the two-sided level whose end is the one-sided 1 − α bound.
        public var level: Double
        public var nonInferior: Bool

        public init(metric: String, margin: Double, bound: Double, level: Double, nonInferior: Bool) {
            self.metric = metric
            self.margin = margin
            self.bound = bound
            self.level = level
            self.nonInferior = nonInferior
        }
    }

    public var verdict: Verdict
    /// The arm the verdict is about: the one to ship, or (roll-back) the first arm, in the
    /// result's order, that must be rolled back; `nil` for keep-running and no-difference.
    public var variant: String?
    public var reasons: [String]
    public var variants: [VariantDecision]
    /// Units in the analysis (all arms) and the planned sample, when one was given.
    public var units: Int
    public var plannedUnits: Int?
    /// Days until the planned sample at the observed daily rate of new units (exposure logs only).
    public var daysLeft: Double?
    /// First and last exposure (`YYYY-MM-DD`, UTC), when the data had exposure times.
    public var firstExposure: String?
    public var lastExposure: String?

    public init(
        verdict: Verdict, variant: String?, reasons: [String], variants: [VariantDecision], units: Int,
        plannedUnits: Int? = nil, daysLeft: Double? = nil, firstExposure: String? = nil, lastExposure: String? = nil
    ) {
        self.verdict = verdict
        self.variant = variant
        self.reasons = reasons
        self.variants = variants
        self.units = units
        self.plannedUnits = plannedUnits
        self.daysLeft = daysLeft
        self.firstExposure = firstExposure
        self.lastExposure = lastExposure
    }
}
