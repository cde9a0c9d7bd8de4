import Foundation
import TouchstoneData
import TouchstoneStats

/// Markov-chain attribution with removal effects computed exactly (Anderl et al. 2016,
/// "Mapping the customer journey: Lessons learned from graph-based online attribution
/// modeling", IJRM 33(3); the chain of ChannelAttribution, Altomare & Loris).
///
/// For the transient states with transition matrix `Q` (row-normalised counts), conversion
/// probabilities `r` and conversion value rates `v` (`r_s` times the state's mean value), the
/// probability of converting and the expected value from each state solve
///
/// ```
/// (I − Q) x = r        (I − Q) y = v                          (absorbing chain; Kemeny & Snell 1960, §3.3)
/// ```
///
/// Removing channel `c` sends every transition into a state containing `c` to `(null)`: the
/// same systems restricted to the other states give `x⁽ᶜ⁾`. Then
///
/// ```
/// RE(c)  = 1 − x⁽ᶜ⁾(start) / x(start)          credit(c) = totalConversions · RE(c) / Σ_d RE(d)
/// REv(c) = 1 − y⁽ᶜ⁾(start) / y(start)          value(c)  = totalValue · REv(c) / Σ_d REv(d)
/// ```
///
/// ChannelAttribution estimates the same quantities by simulating random walks (and counts a
/// walk that hits its step cap as neither outcome); since `1 − x⁽ᶜ⁾/x = P(walk visits c | it
/// converts)`, its estimates converge to these numbers. Small systems are solved by LU
/// decomposition; large ones (higher orders) by GMRES to a relative residual of 1e-13.
///
/// The systems of the removed channels are independent, so ``attribute(_:)`` solves them on
/// ``threads`` threads; each system is solved exactly as on one thread, so the removal effects
/// are the same bit for bit whatever the number of threads. ``credits(_:)``, the bootstrap's
/// inner call, stays on one thread: the bootstrap already spreads its replicates over the cores.
public struct MarkovModel: Sendable, Equatable {
    public var order: Int
    /// Collapse consecutive repeats of a state (ChannelAttribution: yes).
    public var collapseRepeatedStates: Bool
    /// Keep non-converting paths in the chain (ChannelAttribution: yes, when `var_null` is given).
    public var includeNullPaths: Bool
    /// Systems up to this many states are solved densely.
    public var denseLimit: Int
    /// Threads the removal systems of ``attribute(_:)`` are spread over (results do not depend on it).
    public var threads: Int

    public init(
        order: Int = 1, collapseRepeatedStates: Bool = true, includeNullPaths: Bool = true, denseLimit: Int = 300,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.order = order
        self.collapseRepeatedStates = collapseRepeatedStates
        self.includeNullPaths = includeNullPaths
        self.denseLimit = denseLimit
        self.threads = max(1, threads)
    }

    public var name: String { "markov" }

    /// Removal effects and credits for every channel of `paths`.
    public func attribute(_ paths: PathSet) throws -> AttributionResult {
        let (effects, valueEffects) = try removalEffects(paths, threads: threads)
        let (conversions, values) = Self.credits(effects: effects, valueEffects: valueEffects, paths: paths)
        var result = AttributionResult(model: name, paths: paths, conversions: conversions, values: values)
        for k in result.channels.indices {
            result.channels[k].removalEffect = effects[k]
            result.channels[k].valueRemovalEffect = valueEffects[k]
        }
        result.settings = [
            "order": "\(order)", "collapseRepeatedStates": "\(collapseRepeatedStates)",
            "includeNullPaths": "\(includeNullPaths)", "removalEffects": "exact",
        ]
        return result
    }

    static func credits(effects: [Double], valueEffects: [Double], paths: PathSet) -> ([Double], [Double]) {
        credits(effects: effects, valueEffects: valueEffects, total: paths.totalConversions, totalValue: paths.totalValue)
    }

    static func credits(effects: [Double], valueEffects: [Double], total: Double, totalValue: Double) -> ([Double], [Double]) {
        let sum = effects.reduce(0, +), valueSum = valueEffects.reduce(0, +)
        return (
            effects.map { sum > 0 ? total * $0 / sum : 0 },
            valueEffects.map { valueSum > 0 ? totalValue * $0 / valueSum : 0 }
        )
    }

    /// Conversion and value removal effects per channel id, on ``threads`` threads.
    public func removalEffects(_ paths: PathSet) throws -> (conversions: [Double], values: [Double]) {
        try removalEffects(paths, threads: threads)
    }

    /// Conversion and value removal effects per channel id, the channels' systems solved on up
    /// to `threads` threads (one system per channel; the same numbers on any number of threads).
    func removalEffects(_ paths: PathSet, threads: Int) throws -> (conversions: [Double], values: [Double]) {
        let chain = try MarkovChain(
            paths: paths, order: order, collapseRepeatedStates: collapseRepeatedStates, includeNullPaths: includeNullPaths)
        return try removalEffects(chain, channelCount: paths.channels.count, threads: threads)
    }

    /// Removal effects from a built chain over `channelCount` channel ids.
    func removalEffects(_ chain: MarkovChain, channelCount: Int, threads: Int) throws -> (conversions: [Double], values: [Double]) {
        let all = [Bool](repeating: true, count: chain.stateCount)
        let full = try solve(chain, keep: all)
        guard full.conversion > 0 else {
            return ([Double](repeating: 0, count: channelCount), [Double](repeating: 0, count: channelCount))
        }
        // Channels in some state: removing one of the others changes nothing (effect 0).
        var present = [Bool](repeating: false, count: channelCount)
        for s in 1..<chain.stateCount {
            for id in chain.stateChannels[s] where Int(id) < channelCount { present[Int(id)] = true }
        }
        let removable = (0..<channelCount).filter { present[$0] }
        let outcomes = WorkerSlots<Result<(Double, Double), any Error>>(count: removable.count)
        let workers = max(1, min(threads, removable.count))
        // Worker w takes channels w, w + workers, …; every slot is written by one worker only.
        Parallel.run(workers) { worker in
            var keep = all
            for k in stride(from: worker, to: removable.count, by: workers) {
                let c = Int32(removable[k])
                for s in 1..<chain.stateCount { keep[s] = !chain.stateChannels[s].contains(c) }
                outcomes[k] = Result {
                    let reduced = try solve(chain, keep: keep, guess: full.x)
                    return (
                        max(0, 1 - reduced.conversion / full.conversion),
                        full.value > 0 ? max(0, 1 - reduced.value / full.value) : 0
                    )
                }
            }
        }
        var effects = [Double](repeating: 0, count: channelCount)
        var valueEffects = [Double](repeating: 0, count: channelCount)
        for (k, c) in removable.enumerated() {
            guard let outcome = outcomes[k] else { continue }
            (effects[c], valueEffects[c]) = try outcome.get()
        }
        return (effects, valueEffects)
    }

    /// Conversion probability and expected value from `(start)` with only `keep` states.
    private func solve(_ chain: MarkovChain, keep: [Bool], guess: [Double]? = nil)
        throws -> (conversion: Double, value: Double, x: [Double])
    {
        let n = chain.stateCount
        var position = [Int](repeating: -1, count: n)
        var m = 0
        for s in 0..<n where keep[s] {
            position[s] = m
            m += 1
        }
        var r = [Double](repeating: 0, count: m), v = [Double](repeating: 0, count: m)
        for s in 0..<n where keep[s] {
            let total = chain.outWeight[s]
            guard total > 0 else { continue }
            r[position[s]] = chain.conversionWeight[s] / total
            v[position[s]] = chain.conversionValue[s] / total
        }
        do {
            if m <= denseLimit {
                var a = DenseMatrix(rows: m, columns: m)
                for s in 0..<n where keep[s] {
                    let i = position[s]
                    a[i, i] += 1
                    let total = chain.outWeight[s]
                    guard total > 0 else { continue }
                    for k in chain.rowStarts[s]..<chain.rowStarts[s + 1] {
                        let j = position[Int(chain.targets[k])]
                        if j >= 0 { a[i, j] -= chain.weights[k] / total }
                    }
                }
                let lu = try LUDecomposition(a)
                let x = try lu.solve(r), y = try lu.solve(v)
                return (x[0], y[0], expand(x, position))
            }
            var triplets: [(row: Int, column: Int, value: Double)] = []
            triplets.reserveCapacity(chain.targets.count + m)
            for s in 0..<n where keep[s] {
                let i = position[s]
                triplets.append((i, i, 1))
                let total = chain.outWeight[s]
                guard total > 0 else { continue }
                for k in chain.rowStarts[s]..<chain.rowStarts[s + 1] {
                    let j = position[Int(chain.targets[k])]
                    if j >= 0 { triplets.append((i, j, -chain.weights[k] / total)) }
                }
            }
            let a = try SparseMatrix(rows: m, columns: m, triplets: triplets)
            var start: [Double]? = nil
            if let guess {
                var restricted = [Double](repeating: 0, count: m)
                for s in 0..<n where keep[s] { restricted[position[s]] = guess[s] }
                start = restricted
            }
            let x = try a.solveIteratively(r, initialGuess: start)
            let y = try a.solveIteratively(v)
            return (x[0], y[0], expand(x, position))
        } catch let error as LinearAlgebraError {
            throw AttributionError.solveFailed(error.description)
        }
    }

    private func expand(_ x: [Double], _ position: [Int]) -> [Double] {
        position.map { $0 >= 0 ? x[$0] : 0 }
    }
}
