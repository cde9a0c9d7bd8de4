import Testing
import TouchstoneAnalysis
import TouchstoneStats

/// The decision rule (Schultzberg, Ankargren & Frånberg 2024) on a table of hand-made cases: each
/// states the evidence of every metric × arm and the verdicts it must give.
@Suite("decision rule")
struct DecisionRuleTests {
    typealias Evidence = DecisionRule.Evidence

    /// Evidence for arm `variant` on `metric`: relative effect `lift` with a ±`half` interval,
    /// its p-value and (guardrails) the 1 − 2α interval.
    static func e(
        _ metric: String, _ variant: String = "B", role: MetricRole = .goal, direction: MetricDirection = .increase,
        margin: Double? = nil, lift: Double, half: Double = 0.02, p: Double, ni: Interval? = nil, beat: Double? = nil
    ) -> Evidence {
        Evidence(
            metric: metric, variant: variant, intent: MetricIntent(role: role, direction: direction, margin: margin),
            absoluteEffect: lift * 0.1, relativeEffect: lift, relativeCI: Interval(lift - half, lift + half), pValue: p,
            probabilityToBeatControl: beat, significant: false, nonInferiorityCI: ni)
    }

    static func settings(
        _ correction: MultipleTestingCorrection = .holm, units: Int = 10_000, planned: Int? = nil, rate: Double? = nil
    ) -> DecisionRule.Settings {
        .init(alpha: 0.05, inference: .pValues(correction), units: units, plannedUnits: planned, dailyRate: rate)
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var evidence: [Evidence]
        var variants: [String] = ["B"]
        var settings: DecisionRule.Settings = DecisionRuleTests.settings()
        var perArm: [Decision.Verdict]
        var overall: Decision.Verdict
        var variant: String?
        /// A phrase that must appear in the overall reasons.
        var reason: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "ship: goal better, guardrail within its margin",
            evidence: [
                e("conversion", lift: 0.05, p: 0.001),
                e("latency", role: .guardrail, direction: .decrease, margin: 0.02, lift: 0.005, p: 0.4, ni: Interval(-0.005, 0.015)),
            ],
            perArm: [.ship], overall: .ship, variant: "B", reason: "guardrail 'latency' is within its 2% margin"),
        Case(
            name: "roll back: harmed guardrail, even with a winning goal",
            evidence: [
                e("conversion", lift: 0.05, p: 0.001),
                e("retention", role: .guardrail, margin: 0.01, lift: -0.03, p: 0.01, ni: Interval(-0.05, -0.01)),
            ],
            perArm: [.rollBack], overall: .rollBack, variant: "B", reason: "guardrail 'retention' is significantly worse"),
        Case(
            name: "roll back: harmed goal",
            evidence: [e("conversion", lift: -0.04, p: 0.002), e("revenue", lift: 0.01, p: 0.5)],
            perArm: [.rollBack], overall: .rollBack, variant: "B", reason: "goal 'conversion' is significantly worse: -4.00%"),
        Case(
            name: "keep running: nothing significant, planned sample not reached",
            evidence: [e("conversion", lift: 0.01, p: 0.2)],
            settings: settings(units: 12_000, planned: 20_000, rate: 2_000),
            perArm: [.keepRunning], overall: .keepRunning, variant: nil, reason: "12,000 of 20,000 planned units; about 4 days left at 2,000 units a day"),
        Case(
            name: "keep running: no planned sample given",
            evidence: [e("conversion", lift: 0.01, p: 0.2)],
            perArm: [.keepRunning], overall: .keepRunning, variant: nil, reason: "no planned sample size was given"),
        Case(
            name: "no difference: planned sample reached",
            evidence: [e("conversion", lift: 0.01, p: 0.2)],
            settings: settings(units: 20_000, planned: 20_000),
            perArm: [.noDifference], overall: .noDifference, variant: nil, reason: "the planned sample is reached (20,000 of 20,000 units)"),
        Case(
            name: "decrease is better: a significant drop in latency ships",
            evidence: [e("latency", direction: .decrease, lift: -0.06, p: 0.001)],
            perArm: [.ship], overall: .ship, variant: "B", reason: "goal 'latency' is significantly better: -6.00%"),
        Case(
            name: "decrease is better: a significant rise in churn rolls back",
            evidence: [e("conversion", lift: 0.05, p: 0.001), e("churn", direction: .decrease, lift: 0.08, p: 0.001)],
            perArm: [.rollBack], overall: .rollBack, variant: "B", reason: "goal 'churn' is significantly worse: +8.00%"),
        Case(
            name: "guardrail interval crossing the margin: not shippable yet",
            evidence: [
                e("conversion", lift: 0.05, p: 0.001),
                e("retention", role: .guardrail, margin: 0.01, lift: -0.005, p: 0.3, ni: Interval(-0.015, 0.005)),
            ],
            settings: settings(units: 5_000, planned: 20_000),
            perArm: [.keepRunning], overall: .keepRunning, variant: nil,
            reason: "guardrail 'retention' is not yet shown within its 1% margin: -0.50%, lower bound -1.50% at 90%"),
        Case(
            name: "decrease guardrail: the upper bound is checked",
            evidence: [
                e("conversion", lift: 0.05, p: 0.001),
                e("latency", role: .guardrail, direction: .decrease, margin: 0.02, lift: 0.01, p: 0.2, ni: Interval(-0.001, 0.025)),
            ],
            perArm: [.keepRunning], overall: .keepRunning, variant: nil, reason: "upper bound +2.50% at 90%"),
        Case(
            name: "the α family is the goals only: Holm over two goals",
            evidence: [e("conversion", lift: 0.03, p: 0.03), e("revenue", lift: 0.02, p: 0.04)],
            perArm: [.keepRunning], overall: .keepRunning, variant: nil, reason: "adjusted p = 0.06"),
        Case(
            name: "guardrails do not widen the α family",
            evidence: [
                e("conversion", lift: 0.03, p: 0.03),
                e("latency", role: .guardrail, direction: .decrease, margin: 0.05, lift: 0, p: 0.9, ni: Interval(-0.01, 0.01)),
                e("errors", role: .guardrail, direction: .decrease, margin: 0.05, lift: 0, p: 0.9, ni: Interval(-0.01, 0.01)),
            ],
            perArm: [.ship], overall: .ship, variant: "B", reason: "adjusted p = 0.03"),
        Case(
            name: "secondary metrics never decide",
            evidence: [e("conversion", lift: 0.05, p: 0.001), e("pageviews", role: .secondary, lift: -0.2, p: 1e-9)],
            perArm: [.ship], overall: .ship, variant: "B", reason: "goal 'conversion' is significantly better"),
        Case(
            name: "a guardrail without a margin is checked for harm only",
            evidence: [e("conversion", lift: 0.05, p: 0.001), e("errors", role: .guardrail, direction: .decrease, lift: 0.01, p: 0.5)],
            perArm: [.ship], overall: .ship, variant: "B", reason: "guardrail 'errors' has no margin, so it is checked for harm only"),
        Case(
            name: "several arms: the best shippable one ships, the harmful one is named",
            evidence: [
                e("conversion", "B", lift: 0.03, p: 0.001), e("conversion", "C", lift: 0.06, p: 0.001),
                e("conversion", "D", lift: -0.05, p: 0.001),
            ],
            variants: ["B", "C", "D"],
            perArm: [.ship, .ship, .rollBack], overall: .ship, variant: "C",
            reason: "2 arms could ship; 'C' has the most goals significantly better, then the largest gain on 'conversion'"),
        Case(
            name: "several arms: more goals won beats a larger gain on the first",
            evidence: [
                e("conversion", "B", lift: 0.03, p: 0.001), e("revenue", "B", lift: 0.04, p: 0.001),
                e("conversion", "C", lift: 0.06, p: 0.001), e("revenue", "C", lift: 0.01, p: 0.5),
            ],
            variants: ["B", "C"],
            perArm: [.ship, .ship], overall: .ship, variant: "B", reason: "'B': goal 'revenue' is significantly better"),
        Case(
            name: "several arms: none ships, one must roll back",
            evidence: [e("conversion", "B", lift: 0.01, p: 0.4), e("conversion", "C", lift: -0.05, p: 0.001)],
            variants: ["B", "C"],
            perArm: [.keepRunning, .rollBack], overall: .rollBack, variant: "C", reason: "'C': goal 'conversion' is significantly worse"),
        Case(
            name: "several arms: keep running says the progress once",
            evidence: [e("conversion", "B", lift: 0.01, p: 0.4), e("conversion", "C", lift: 0.02, p: 0.3)],
            variants: ["B", "C"], settings: settings(units: 1_000, planned: 4_000),
            perArm: [.keepRunning, .keepRunning], overall: .keepRunning, variant: nil, reason: "1,000 of 4,000 planned units"),
    ]

    @Test(arguments: cases)
    func verdicts(_ c: Case) {
        let decision = DecisionRule.decide(c.evidence, variants: c.variants, settings: c.settings)
        #expect(decision.variants.map(\.verdict) == c.perArm)
        #expect(decision.variants.map(\.variant) == c.variants)
        #expect(decision.verdict == c.overall)
        #expect(decision.variant == c.variant)
        #expect(decision.reasons.contains { $0.contains(c.reason) }, "reasons: \(decision.reasons)")
    }

    @Test func progressIsStatedOnceForSeveralArms() {
        let decision = DecisionRule.decide(
            [Self.e("conversion", "B", lift: 0.01, p: 0.4), Self.e("conversion", "C", lift: 0.02, p: 0.3)],
            variants: ["B", "C"], settings: Self.settings(units: 1_000, planned: 4_000, rate: 500))
        #expect(decision.reasons.filter { $0.contains("planned units") }.count == 1)
        #expect(decision.daysLeft == 6)
        #expect(decision.plannedUnits == 4_000)
        #expect(decision.units == 1_000)
    }

    @Test func bayesianUsesThePosterior() {
        let posterior = DecisionRule.Settings(alpha: 0.05, inference: .posterior, units: 10_000)
        func decide(_ evidence: [Evidence]) -> Decision.Verdict {
            DecisionRule.decide(evidence, variants: ["B"], settings: posterior).verdict
        }
        // Better: P(beat) > 1 − α/2 = 0.975 in the good direction.
        #expect(decide([Self.e("conversion", lift: 0.03, p: .nan, beat: 0.99)]) == .ship)
        #expect(decide([Self.e("conversion", lift: 0.03, p: .nan, beat: 0.97)]) == .keepRunning)
        #expect(decide([Self.e("conversion", lift: -0.03, p: .nan, beat: 0.01)]) == .rollBack)
        // A lower-is-better metric: P(treatment higher) 0.99 is a harm.
        #expect(decide([Self.e("latency", direction: .decrease, lift: 0.03, p: .nan, beat: 0.99)]) == .rollBack)
        #expect(decide([Self.e("latency", direction: .decrease, lift: -0.03, p: .nan, beat: 0.01)]) == .ship)
        // Guardrail non-inferiority from the 1 − 2α credible interval.
        let guarded = [
            Self.e("conversion", lift: 0.03, p: .nan, beat: 0.99),
            Self.e("retention", role: .guardrail, margin: 0.01, lift: 0, p: .nan, ni: Interval(-0.012, 0.01), beat: 0.5),
        ]
        #expect(decide(guarded) == .keepRunning)
        var within = guarded
        within[1].nonInferiorityCI = Interval(-0.008, 0.01)
        #expect(decide(within) == .ship)
        let reasons = DecisionRule.decide(within, variants: ["B"], settings: posterior).reasons
        #expect(reasons.contains { $0.contains("P(better) 99.0%") }, "\(reasons)")
    }

    @Test func groupSequentialUsesTheBoundaryDecision() {
        let boundary = DecisionRule.Settings(alpha: 0.05, inference: .boundary, units: 10_000)
        var crossing = Self.e("conversion", lift: 0.03, p: 0.0001)
        crossing.significant = true
        #expect(DecisionRule.decide([crossing], variants: ["B"], settings: boundary).verdict == .ship)
        crossing.significant = false
        // p < α alone does not cross a group-sequential boundary.
        #expect(DecisionRule.decide([crossing], variants: ["B"], settings: boundary).verdict == .keepRunning)
    }

    @Test func notEstimableIsNeverSignificant() {
        let decision = DecisionRule.decide(
            [Self.e("conversion", lift: .nan, p: .nan)], variants: ["B"], settings: Self.settings(units: 10, planned: 10))
        #expect(decision.verdict == .noDifference)
        #expect(decision.reasons.contains { $0.contains("could not be estimated") })
    }
}
