/// Which view over time `analyze --timeline` adds to the read-out.
public enum TimelineView: String, Sendable, Hashable, Codable, CaseIterable {
    /// Entry d is the analysis as if run at the end of UTC day d: exposures and events with a
    /// timestamp before the next midnight, each unit's window cut there.
    case daily
    /// Entry k compares units' metric over their own day k after first exposure,
    /// [t₀ + k·24 h, t₀ + (k + 1)·24 h) within the window: novelty and primacy effects.
    case daysSinceExposure = "days-since-exposure"
}
