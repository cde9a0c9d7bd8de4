/// The absorbing Markov chain that ChannelAttribution fits to paths, built exactly.
///
/// States of order `k` are windows of `k` consecutive touches: a path `c₁ … cₙ` with `n > k`
/// visits `(c₁…c_k), (c₂…c_{k+1}), …, (c_{n−k+1}…cₙ)`; a path with `n ≤ k` is the single state
/// `(c₁…cₙ)`. Consecutive repeats of the same state are collapsed into one visit by default
/// (ChannelAttribution's convention; removal effects do not depend on it, because a self-loop
/// only rescales its row). Transitions `(start) → first state → … → last state` are weighted
/// by the path's journeys (conversions + nulls, or conversions only when null paths are
/// dropped); the last state goes to `(conversion)` with weight `conversions` and to `(null)`
/// with weight `nulls`. Each state's conversion value is the mean value of the conversions that
/// ended there, as ChannelAttribution draws it in its simulation.
public struct MarkovChain: Sendable {
    /// Transient states: index 0 is `(start)`; `stateChannels[s]` lists state `s`'s window.
    public let stateChannels: [[Int32]]
    /// Transition weights between transient states (row = from), in CSR form.
    let rowStarts: [Int]
    let targets: [Int32]
    let weights: [Double]
    /// Per state: total outgoing weight (including self-loops when kept), to conversion, to null,
    /// and the conversion value absorbed from it.
    let outWeight: [Double]
    let conversionWeight: [Double]
    let nullWeight: [Double]
    let conversionValue: [Double]

    public var stateCount: Int { stateChannels.count }

    /// A chain from its parts (``MarkovChainLayout`` builds the bootstrap's chains this way).
    init(
        stateChannels: [[Int32]], rowStarts: [Int], targets: [Int32], weights: [Double],
        outWeight: [Double], conversionWeight: [Double], nullWeight: [Double], conversionValue: [Double]
    ) {
        self.stateChannels = stateChannels
        self.rowStarts = rowStarts
        self.targets = targets
        self.weights = weights
        self.outWeight = outWeight
        self.conversionWeight = conversionWeight
        self.nullWeight = nullWeight
        self.conversionValue = conversionValue
    }

    /// Builds the chain of `order` (1…4) over `paths`: the paths' layout (``MarkovChainLayout``,
    /// which also serves the bootstrap's reweightings) with the paths' own weights.
    public init(paths: PathSet, order: Int, collapseRepeatedStates: Bool = true, includeNullPaths: Bool = true) throws {
        let layout = try MarkovChainLayout(paths: paths, order: order, collapseRepeatedStates: collapseRepeatedStates)
        self = try layout.chain(
            conversions: paths.conversions, values: paths.values, nulls: paths.nulls, includeNullPaths: includeNullPaths)
    }
}
