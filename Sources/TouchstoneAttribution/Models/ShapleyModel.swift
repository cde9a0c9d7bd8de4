import Foundation

/// Shapley-value attribution over channel coalitions (Zhao, Mahboobi & Bagheri 2018, "Shapley
/// Value Methods for Attribution Modeling in Online Advertising", arXiv:1804.05327).
///
/// A path's coalition is its set of distinct channels; `R(T)` is the conversions (or value) of
/// paths whose coalition is exactly `T`, and a coalition's worth is what its members' paths
/// produce, `v(S) = Σ_{T ⊆ S} R(T)`. The Shapley value (Shapley 1953)
///
/// ```
/// φ_c = Σ_{S ⊆ N∖{c}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {c}) − v(S))
/// ```
///
/// reduces for this worth to Zhao et al.'s simplified form (their eq. 8)
///
/// ```
/// φ_c = Σ_{T ∋ c} R(T) / |T|
/// ```
///
/// i.e. each path's conversions split equally over its distinct channels, in time linear in
/// the data. ``Method/exact`` evaluates the first formula over all `2ⁿ` coalitions (a check, up
/// to 20 channels); ``Method/sampled(permutations:seed:)`` averages marginal contributions
/// over random channel orders (Castro, Gómez & Tejada 2009), for comparison at any size.
public struct ShapleyModel: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// Zhao et al.'s closed form: exact, O(touches).
        case simplified
        /// All coalitions: O(n · 2ⁿ) time and O(2ⁿ) memory; at most ``exactChannelLimit`` channels.
        case exact
        /// Monte Carlo over `permutations` random channel orders, seeded.
        case sampled(permutations: Int, seed: UInt64)
    }

    public static let exactChannelLimit = 20

    public var method: Method

    public init(method: Method = .simplified) { self.method = method }

    public var name: String { "shapley" }

    public func attribute(_ paths: PathSet) throws -> AttributionResult {
        let (conversions, values) = try credits(paths)
        var result = AttributionResult(model: name, paths: paths, conversions: conversions, values: values)
        switch method {
        case .simplified: result.settings = ["method": "simplified"]
        case .exact: result.settings = ["method": "exact"]
        case .sampled(let permutations, let seed):
            result.settings = ["method": "sampled", "permutations": "\(permutations)", "seed": "\(seed)"]
        }
        return result
    }

    /// The distinct coalitions of `paths` with their conversions and value.
    struct Coalitions {
        var members: [Int32] = []
        var starts: [Int] = [0]
        var conversions: [Double] = []
        var values: [Double] = []
        var count: Int { conversions.count }
    }

    static func coalitions(_ paths: PathSet) -> Coalitions {
        var result = Coalitions()
        var index: [[Int32]: Int] = [:]
        var seen = [Bool](repeating: false, count: paths.channels.count)
        var set: [Int32] = []
        for p in 0..<paths.count {
            let conv = paths.conversions[p], value = paths.values[p]
            guard conv != 0 || value != 0 else { continue }
            set.removeAll(keepingCapacity: true)
            for id in paths.path(p) where !seen[Int(id)] {
                seen[Int(id)] = true
                set.append(id)
            }
            for id in set { seen[Int(id)] = false }
            guard !set.isEmpty else { continue }
            set.sort()
            if let row = index[set] {
                result.conversions[row] += conv
                result.values[row] += value
            } else {
                index[set] = result.count
                result.members.append(contentsOf: set)
                result.starts.append(result.members.count)
                result.conversions.append(conv)
                result.values.append(value)
            }
        }
        return result
    }

    public func credits(_ paths: PathSet) throws -> (conversions: [Double], values: [Double]) {
        let n = paths.channels.count
        let coalitions = Self.coalitions(paths)
        var conversions = [Double](repeating: 0, count: n)
        var values = [Double](repeating: 0, count: n)
        switch method {
        case .simplified:
            for t in 0..<coalitions.count {
                let size = Double(coalitions.starts[t + 1] - coalitions.starts[t])
                for k in coalitions.starts[t]..<coalitions.starts[t + 1] {
                    let id = Int(coalitions.members[k])
                    conversions[id] += coalitions.conversions[t] / size
                    values[id] += coalitions.values[t] / size
                }
            }
        case .exact:
            guard n <= Self.exactChannelLimit else {
                throw AttributionError.tooManyChannels(count: n, limit: Self.exactChannelLimit, method: "exact Shapley")
            }
            conversions = Self.exactShapley(coalitions, channelCount: n, worth: coalitions.conversions)
            values = Self.exactShapley(coalitions, channelCount: n, worth: coalitions.values)
        case .sampled(let permutations, let seed):
            guard permutations > 0 else { throw AttributionError.invalidOption("permutations must be positive") }
            var generator = SeededGenerator(seed: seed)
            var order = Array(0..<n)
            var position = [Int](repeating: 0, count: n)
            for _ in 0..<permutations {
                order.shuffle(using: &generator)
                for (k, id) in order.enumerated() { position[id] = k }
                // In a given order, coalition T's worth arrives with its last member to join.
                for t in 0..<coalitions.count {
                    var last = Int(coalitions.members[coalitions.starts[t]])
                    for k in coalitions.starts[t]..<coalitions.starts[t + 1] {
                        let id = Int(coalitions.members[k])
                        if position[id] > position[last] { last = id }
                    }
                    conversions[last] += coalitions.conversions[t]
                    values[last] += coalitions.values[t]
                }
            }
            for id in 0..<n {
                conversions[id] /= Double(permutations)
                values[id] /= Double(permutations)
            }
        }
        return (conversions, values)
    }

    /// The textbook Shapley value over all coalitions, with `v` built by a subset-sum (zeta) transform.
    static func exactShapley(_ coalitions: Coalitions, channelCount n: Int, worth: [Double]) -> [Double] {
        let size = 1 << n
        var v = [Double](repeating: 0, count: size)
        for t in 0..<coalitions.count {
            var mask = 0
            for k in coalitions.starts[t]..<coalitions.starts[t + 1] { mask |= 1 << Int(coalitions.members[k]) }
            v[mask] += worth[t]
        }
        for bit in 0..<n {
            let b = 1 << bit
            for mask in 0..<size where mask & b != 0 { v[mask] += v[mask ^ b] }
        }
        // w(s) = s! (n − s − 1)! / n!, from log-gamma to stay finite for n = 20.
        var weight = [Double](repeating: 0, count: max(n, 1))
        for s in 0..<n {
            weight[s] = exp(lgamma(Double(s + 1)) + lgamma(Double(n - s)) - lgamma(Double(n + 1)))
        }
        var phi = [Double](repeating: 0, count: n)
        for mask in 0..<size {
            let s = mask.nonzeroBitCount
            guard s < n else { continue }
            for i in 0..<n where mask & (1 << i) == 0 {
                phi[i] += weight[s] * (v[mask | (1 << i)] - v[mask])
            }
        }
        return phi
    }
}
