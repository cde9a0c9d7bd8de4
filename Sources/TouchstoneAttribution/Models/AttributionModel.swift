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
    /// Credits of `base` under many reweightings — the bootstrap's replicates, which keep the
    /// paths and change only their conversions, values and nulls. A model may prepare work all
    /// of them share; the default runs ``credits(_:)`` on each reweighted copy.
    func reweightedCredits(of base: PathSet) throws -> ReweightedCredits
}

/// Credits per channel id for one reweighting (conversions, values, nulls per path) of a fixed path set.
public typealias ReweightedCredits =
    @Sendable (_ conversions: [Double], _ values: [Double], _ nulls: [Double]) throws -> (conversions: [Double], values: [Double])

extension AttributionModel {
    public func reweightedCredits(of base: PathSet) throws -> ReweightedCredits {
        { conversions, values, nulls in
            try credits(base.reweighted(conversions: conversions, values: values, nulls: nulls))
        }
    }
}

extension HeuristicModel: AttributionModel {}

extension MarkovModel: AttributionModel {
    public var needsTimestamps: Bool { false }

    /// On one thread: the bootstrap calls it from each of its own threads.
    public func credits(_ paths: PathSet) throws -> (conversions: [Double], values: [Double]) {
        let (effects, valueEffects) = try removalEffects(paths, threads: 1)
        return Self.credits(effects: effects, valueEffects: valueEffects, paths: paths)
    }

    /// Hashes the paths' windows once (``MarkovChainLayout``); each reweighting then builds its
    /// chain by array sums — the same chain, bit for bit, as ``credits(_:)`` builds.
    public func reweightedCredits(of base: PathSet) throws -> ReweightedCredits {
        let layout = try MarkovChainLayout(paths: base, order: order, collapseRepeatedStates: collapseRepeatedStates)
        let channelCount = base.channels.count
        return { conversions, values, nulls in
            let chain = try layout.chain(
                conversions: conversions, values: values, nulls: nulls, includeNullPaths: includeNullPaths)
            let (effects, valueEffects) = try removalEffects(chain, channelCount: channelCount, threads: 1)
            return Self.credits(
                effects: effects, valueEffects: valueEffects,
                total: conversions.reduce(0, +), totalValue: values.reduce(0, +))
        }
    }
}

extension ShapleyModel: AttributionModel {
    public var needsTimestamps: Bool { false }
}
