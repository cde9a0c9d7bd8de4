/// A model that apportions conversions and value across channels.
///
/// The extension point shared by the heuristics, the Markov chain and Shapley values, so the
/// bootstrap and the command line treat them alike.
public protocol AttributionModel: Sendable {
    /// The name used on the command line and in output (`first`, `markov`, …).
    var name: String { get }
    /// `true` when the model needs each touch's age (touchpoint logs, not aggregated paths).
    var needsTimestamps: Bool { get }
    /// The full result, with model-specific fields (removal effects, settings).
    func attribute(_ paths: PathSet) throws -> AttributionResult
    /// Credit per channel id: conversions and value.
    func credits(_ paths: PathSet) throws -> (conversions: [Double], values: [Double])
}

extension HeuristicModel: AttributionModel {}

extension MarkovModel: AttributionModel {
    public var needsTimestamps: Bool { false }

    /// On one thread: the bootstrap calls it from each of its own threads.
    public func credits(_ paths: PathSet) throws -> (conversions: [Double], values: [Double]) {
        let (effects, valueEffects) = try removalEffects(paths, threads: 1)
        return Self.credits(effects: effects, valueEffects: valueEffects, paths: paths)
    }
}

extension ShapleyModel: AttributionModel {
    public var needsTimestamps: Bool { false }
}
