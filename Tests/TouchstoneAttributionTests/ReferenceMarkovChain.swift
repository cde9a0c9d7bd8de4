@testable import TouchstoneAttribution

/// The dictionary-based chain builder that ``MarkovChainLayout`` replaced (`MarkovChain.init(paths:)`
/// before the layout, kept verbatim apart from returning the chain): every window of every weighted
/// path hashed into a state dictionary and every transition into an edge dictionary. The layout's
/// chains must equal its chains bit for bit.
func referenceMarkovChain(
    paths: PathSet, order: Int, collapseRepeatedStates: Bool = true, includeNullPaths: Bool = true
) throws -> MarkovChain {
    guard (1...4).contains(order) else {
        throw AttributionError.invalidOption("the Markov order must be 1 to 4 (got \(order))")
    }
    guard paths.channels.count < 65_535 else {
        throw AttributionError.tooManyChannels(count: paths.channels.count, limit: 65_534, method: "the Markov model")
    }
    // A window packs into 64 bits: 16 bits per channel id (+1, so 0 means "absent").
    var stateIndex: [UInt64: Int32] = [:]
    var stateChannels: [[Int32]] = [[]]
    var edges: [UInt64: Double] = [:]
    var conversionWeight: [Double] = [0], nullWeight: [Double] = [0], value: [Double] = [0]
    var outWeight: [Double] = [0]

    func state(_ window: ArraySlice<Int32>) -> Int32 {
        var key: UInt64 = 0
        for id in window { key = key << 16 | UInt64(UInt16(truncatingIfNeeded: id + 1)) }
        if let known = stateIndex[key] { return known }
        let new = Int32(stateChannels.count)
        stateIndex[key] = new
        stateChannels.append(Array(window))
        conversionWeight.append(0)
        nullWeight.append(0)
        value.append(0)
        outWeight.append(0)
        return new
    }

    for p in 0..<paths.count {
        let conversions = paths.conversions[p]
        let nulls = includeNullPaths ? paths.nulls[p] : 0
        let weight = conversions + nulls
        guard weight > 0 else { continue }
        let touches = paths.path(p)
        guard !touches.isEmpty else { continue }
        var previous: Int32 = 0
        let windows = max(1, touches.count - order + 1)
        let base = touches.startIndex
        for w in 0..<windows {
            let upper = min(base + w + order, touches.endIndex)
            let current = state(touches[(base + w)..<upper])
            if current == previous, collapseRepeatedStates { continue }
            edges[UInt64(UInt32(previous)) << 32 | UInt64(UInt32(current)), default: 0] += weight
            outWeight[Int(previous)] += weight
            previous = current
        }
        conversionWeight[Int(previous)] += conversions
        nullWeight[Int(previous)] += nulls
        value[Int(previous)] += paths.values[p]
        outWeight[Int(previous)] += weight
    }
    guard outWeight[0] > 0 else { throw AttributionError.noJourneys }

    let n = stateChannels.count
    var counts = [Int](repeating: 0, count: n + 1)
    for key in edges.keys { counts[Int(key >> 32) + 1] += 1 }
    for i in 0..<n { counts[i + 1] += counts[i] }
    var next = counts
    var targets = [Int32](repeating: 0, count: edges.count)
    var weights = [Double](repeating: 0, count: edges.count)
    // Sorted so the matrices, and so the floating-point sums, do not depend on hash order.
    for (key, weight) in edges.sorted(by: { $0.key < $1.key }) {
        let from = Int(key >> 32)
        targets[next[from]] = Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)
        weights[next[from]] = weight
        next[from] += 1
    }
    return MarkovChain(
        stateChannels: stateChannels, rowStarts: counts, targets: targets, weights: weights,
        outWeight: outWeight, conversionWeight: conversionWeight, nullWeight: nullWeight, conversionValue: value)
}

