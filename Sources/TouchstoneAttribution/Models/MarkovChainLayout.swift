/// The states and transitions each path visits, which stay fixed when only the paths' weights change.
///
/// The bootstrap reweights the same distinct paths a thousand times. Building each replicate's
/// chain from scratch hashes every window of every path again — most of a replicate's time.
/// The layout hashes them once: a path becomes a list of transition ids and its last state,
/// and a replicate's chain is array sums over the paths that carry weight.
///
/// ``chain(conversions:values:nulls:includeNullPaths:)`` numbers states by first appearance
/// among the weighted paths, sums weights in path order and sorts transitions as
/// ``MarkovChain/init(paths:order:collapseRepeatedStates:includeNullPaths:)`` does, so the chain
/// — and every number solved from it — is the same bit for bit as building it from the
/// reweighted paths (`MarkovChainLayoutTests`).
struct MarkovChainLayout: Sendable {
    /// Layout state ids: 0 is `(start)`; `stateChannels[s]` lists state `s`'s window.
    let stateChannels: [[Int32]]
    /// Per transition id: its source and target layout states.
    let transitionFrom: [Int32]
    let transitionTo: [Int32]
    /// Path `p`'s transitions are `pathTransitions[pathStarts[p]..<pathStarts[p + 1]]`.
    let pathStarts: [Int]
    let pathTransitions: [Int32]
    /// Path `p`'s last state, or -1 for a path without touches (it never enters the chain).
    let pathLast: [Int32]

    /// Walks every path of `paths` once, with `MarkovChain`'s windowing and collapsing rules.
    init(paths: PathSet, order: Int, collapseRepeatedStates: Bool) throws {
        guard (1...4).contains(order) else {
            throw AttributionError.invalidOption("the Markov order must be 1 to 4 (got \(order))")
        }
        guard paths.channels.count < 65_535 else {
            throw AttributionError.tooManyChannels(count: paths.channels.count, limit: 65_534, method: "the Markov model")
        }
        var stateIndex: [UInt64: Int32] = [:]
        var stateChannels: [[Int32]] = [[]]
        var transitionIndex: [UInt64: Int32] = [:]
        var transitionFrom: [Int32] = [], transitionTo: [Int32] = []
        var pathStarts = [0], pathTransitions: [Int32] = [], pathLast: [Int32] = []
        pathStarts.reserveCapacity(paths.count + 1)
        pathLast.reserveCapacity(paths.count)

        for p in 0..<paths.count {
            let touches = paths.path(p)
            guard !touches.isEmpty else {
                pathStarts.append(pathTransitions.count)
                pathLast.append(-1)
                continue
            }
            var previous: Int32 = 0
            let windows = max(1, touches.count - order + 1)
            let base = touches.startIndex
            for w in 0..<windows {
                let upper = min(base + w + order, touches.endIndex)
                let window = touches[(base + w)..<upper]
                var key: UInt64 = 0
                for id in window { key = key << 16 | UInt64(UInt16(truncatingIfNeeded: id + 1)) }
                let current: Int32
                if let known = stateIndex[key] {
                    current = known
                } else {
                    current = Int32(stateChannels.count)
                    stateIndex[key] = current
                    stateChannels.append(Array(window))
                }
                if current == previous, collapseRepeatedStates { continue }
                let edge = UInt64(UInt32(previous)) << 32 | UInt64(UInt32(current))
                let transition: Int32
                if let known = transitionIndex[edge] {
                    transition = known
                } else {
                    transition = Int32(transitionFrom.count)
                    transitionIndex[edge] = transition
                    transitionFrom.append(previous)
                    transitionTo.append(current)
                }
                pathTransitions.append(transition)
                previous = current
            }
            pathStarts.append(pathTransitions.count)
            pathLast.append(previous)
        }
        self.stateChannels = stateChannels
        self.transitionFrom = transitionFrom
        self.transitionTo = transitionTo
        self.pathStarts = pathStarts
        self.pathTransitions = pathTransitions
        self.pathLast = pathLast
    }

    /// The number of paths the layout was built over; weights are given per path.
    var pathCount: Int { pathLast.count }

    /// The chain of the layout's paths with these weights (one entry per path).
    func chain(conversions: [Double], values: [Double], nulls: [Double], includeNullPaths: Bool) throws -> MarkovChain {
        guard conversions.count == pathCount, values.count == pathCount, nulls.count == pathCount else {
            throw AttributionError.invalidOption("the reweighted paths do not match the chain layout")
        }
        // Replicate-local numbering: -1 until the state first appears among weighted paths.
        var local = [Int32](repeating: -1, count: stateChannels.count)
        local[0] = 0
        var stateChannels: [[Int32]] = [[]]
        var conversionWeight: [Double] = [0], nullWeight: [Double] = [0], value: [Double] = [0]
        var outWeight: [Double] = [0]
        var edgeWeight = [Double](repeating: 0, count: transitionFrom.count)
        var edgeUsed = [Bool](repeating: false, count: transitionFrom.count)
        var usedEdges: [Int32] = []

        for p in 0..<pathCount {
            let pathConversions = conversions[p]
            let pathNulls = includeNullPaths ? nulls[p] : 0
            let weight = pathConversions + pathNulls
            guard weight > 0 else { continue }
            let last = pathLast[p]
            guard last >= 0 else { continue }
            for t in pathStarts[p]..<pathStarts[p + 1] {
                let e = Int(pathTransitions[t])
                let to = Int(transitionTo[e])
                if local[to] < 0 {
                    local[to] = Int32(stateChannels.count)
                    stateChannels.append(self.stateChannels[to])
                    conversionWeight.append(0)
                    nullWeight.append(0)
                    value.append(0)
                    outWeight.append(0)
                }
                if !edgeUsed[e] {
                    edgeUsed[e] = true
                    usedEdges.append(Int32(e))
                }
                edgeWeight[e] += weight
                outWeight[Int(local[Int(transitionFrom[e])])] += weight
            }
            let end = Int(local[Int(last)])
            conversionWeight[end] += pathConversions
            nullWeight[end] += pathNulls
            value[end] += values[p]
            outWeight[end] += weight
        }
        guard outWeight[0] > 0 else { throw AttributionError.noJourneys }

        // CSR in local numbering, transitions sorted by (from, to) as MarkovChain sorts its edges.
        let n = stateChannels.count
        var keyed: [(key: UInt64, edge: Int32)] = usedEdges.map { e in
            let from = UInt64(UInt32(local[Int(transitionFrom[Int(e)])]))
            let to = UInt64(UInt32(local[Int(transitionTo[Int(e)])]))
            return (from << 32 | to, e)
        }
        keyed.sort { $0.key < $1.key }
        var rowStarts = [Int](repeating: 0, count: n + 1)
        var targets = [Int32](repeating: 0, count: keyed.count)
        var weights = [Double](repeating: 0, count: keyed.count)
        for (k, entry) in keyed.enumerated() {
            rowStarts[Int(entry.key >> 32) + 1] += 1
            targets[k] = Int32(truncatingIfNeeded: entry.key & 0xFFFF_FFFF)
            weights[k] = edgeWeight[Int(entry.edge)]
        }
        for i in 0..<n { rowStarts[i + 1] += rowStarts[i] }
        return MarkovChain(
            stateChannels: stateChannels, rowStarts: rowStarts, targets: targets, weights: weights,
            outWeight: outWeight, conversionWeight: conversionWeight, nullWeight: nullWeight, conversionValue: value)
    }
}
