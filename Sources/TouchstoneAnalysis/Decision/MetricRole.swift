/// What a metric is for in the ship decision (Schultzberg, Ankargren & Frånberg 2024,
/// "Risk-aware product decisions in A/B tests with multiple metrics").
///
/// - `goal`: a success metric the change is meant to move; tested for superiority, and the
///   α correction family is the goals alone.
/// - `guardrail`: a metric the change must not harm by more than its margin; tested for
///   non-inferiority, one-sided, at α each (no correction: every guardrail must pass).
/// - `secondary`: reported, never decides.
public enum MetricRole: String, Sendable, Hashable, Codable, CaseIterable {
    case goal, guardrail, secondary
}

/// Which way a metric is good: `increase` (conversion, revenue) or `decrease` (latency,
/// churn, support tickets). Colours, arrows and verdicts follow it, never the sign alone.
public enum MetricDirection: String, Sendable, Hashable, Codable, CaseIterable {
    case increase, decrease

    /// +1 when higher is better, −1 when lower is better.
    public var sign: Double { self == .increase ? 1 : -1 }
}

/// A metric's role, good direction and (guardrails) non-inferiority margin.
public struct MetricIntent: Sendable, Hashable, Codable {
    public var role: MetricRole
    public var direction: MetricDirection
    /// Guardrails: the largest tolerated harm as a share of the control mean (0.01 = 1%).
    /// `nil` for goals and secondary metrics, and for a guardrail given without one (it then
    /// cannot be shown non-inferior, so it never lets a variant ship; see ``DecisionRule``).
    public var margin: Double?

    public init(role: MetricRole = .goal, direction: MetricDirection = .increase, margin: Double? = nil) {
        self.role = role
        self.direction = direction
        self.margin = margin
    }

    /// Why `margin` cannot be a non-inferiority margin, or nil when it can: it must be a
    /// finite share greater than 0 (a margin of 0 turns non-inferiority into superiority).
    public static func marginProblem(_ margin: Double) -> String? {
        guard margin.isFinite, margin > 0 else { return "must be a finite share greater than 0, e.g. 0.01 for 1%" }
        return nil
    }
}
