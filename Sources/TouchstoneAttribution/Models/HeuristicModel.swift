import Foundation

/// Rule-based ("heuristic") attribution: each converting path's conversions and value are split
/// over its touches by fixed weights that sum to one.
///
/// Conventions match ChannelAttribution's `heuristic_models` (Altomare & Loris, 2.2.5) where it
/// has the model: first touch credits the path's first channel, last touch its last, and linear
/// gives each *touch* `1/n` (a channel seen twice in a path of four gets one half).
public enum HeuristicModel: Sendable, Equatable {
    case firstTouch
    case lastTouch
    /// The last touch that is not one of `directChannels`; all-direct paths credit their last touch.
    case lastNonDirect(directChannels: Set<String>)
    case linear
    /// Weight `2^(−age / halfLife)` per touch, normalised: a touch `halfLife` seconds before the
    /// conversion counts half as much as one at the conversion. Needs touch timestamps.
    case timeDecay(halfLife: Double)
    /// U-shape: `first` to the first touch, `last` to the last, the rest shared equally by the
    /// touches between. Two-touch paths split `first : last`; one touch takes everything.
    /// Defaults 0.4 / 0.4 (Google Analytics' position-based model).
    case positionBased(first: Double, last: Double)
    /// Weights by position from the first touch (`weights[0]` first, `weights[1]` second, …);
    /// touches beyond the list reuse its last weight; each path's weights are normalised.
    case custom(weights: [Double])

    /// The name used in output and on the command line.
    public var name: String {
        switch self {
        case .firstTouch: "first"
        case .lastTouch: "last"
        case .lastNonDirect: "last-non-direct"
        case .linear: "linear"
        case .timeDecay: "time-decay"
        case .positionBased: "position"
        case .custom: "custom"
        }
    }

    public var needsTimestamps: Bool {
        if case .timeDecay = self { return true }
        return false
    }

    func validate() throws {
        switch self {
        case .timeDecay(let halfLife):
            guard halfLife > 0, halfLife.isFinite else {
                throw AttributionError.invalidOption("the time-decay half-life must be positive")
            }
        case .positionBased(let first, let last):
            guard first >= 0, last >= 0, first + last <= 1 + 1e-12, first + last > 0 else {
                throw AttributionError.invalidOption(
                    "position weights need first, last ≥ 0 with 0 < first + last ≤ 1 (got \(first), \(last))")
            }
        case .custom(let weights):
            guard !weights.isEmpty, weights.allSatisfy({ $0 >= 0 && $0.isFinite }), weights.contains(where: { $0 > 0 }) else {
                throw AttributionError.invalidOption("custom weights must be non-negative with at least one positive")
            }
            // Weights are relative and a journey's are summed to normalise them: a sum past the
            // largest double would turn every share into 0.
            guard weights.allSatisfy({ $0 <= 1e100 }) else {
                throw AttributionError.invalidOption("custom weights are relative: give them on a smaller scale (each at most 1e100)")
            }
        default: break
        }
    }

    /// Credits every channel of `paths`.
    ///
    /// - Complexity: O(touches); one reusable weight buffer, no allocation per path.
    public func attribute(_ paths: PathSet) throws -> AttributionResult {
        let (conversions, values) = try credits(paths)
        var result = AttributionResult(model: name, paths: paths, conversions: conversions, values: values)
        switch self {
        case .timeDecay(let halfLife): result.settings = ["halfLifeSeconds": "\(halfLife)"]
        case .positionBased(let first, let last): result.settings = ["first": "\(first)", "last": "\(last)"]
        case .lastNonDirect(let direct): result.settings = ["directChannels": direct.sorted().joined(separator: ",")]
        case .custom(let weights): result.settings = ["weights": weights.map { "\($0)" }.joined(separator: ",")]
        default: break
        }
        return result
    }

    /// Per-channel credit (conversions, value), indexed by channel id.
    public func credits(_ paths: PathSet) throws -> (conversions: [Double], values: [Double]) {
        try validate()
        if needsTimestamps, paths.ages == nil { throw AttributionError.needsTimestamps(model: name) }
        let channelCount = paths.channels.count
        var conversions = [Double](repeating: 0, count: channelCount)
        var values = [Double](repeating: 0, count: channelCount)
        var isDirect = [Bool](repeating: false, count: channelCount)
        if case .lastNonDirect(let direct) = self {
            for name in direct { if let id = paths.channels.id(of: name) { isDirect[Int(id)] = true } }
        }
        var weights: [Double] = []
        var occurrences = [Double](repeating: 0, count: channelCount)
        var distinct: [Int] = []
        for p in 0..<paths.count {
            let conv = paths.conversions[p], value = paths.values[p]
            guard conv != 0 || value != 0 else { continue }
            let start = paths.starts[p], end = paths.starts[p + 1]
            let n = end - start
            guard n > 0 else { continue }
            switch self {
            case .firstTouch:
                let id = Int(paths.touches[start])
                conversions[id] += conv
                values[id] += value
            case .lastTouch:
                let id = Int(paths.touches[end - 1])
                conversions[id] += conv
                values[id] += value
            case .lastNonDirect:
                var chosen = end - 1
                var k = end - 1
                while k >= start {
                    if !isDirect[Int(paths.touches[k])] {
                        chosen = k
                        break
                    }
                    k -= 1
                }
                let id = Int(paths.touches[chosen])
                conversions[id] += conv
                values[id] += value
            case .linear:
                // Summed per touch then divided, as ChannelAttribution does, so results match it
                // to the last bit rather than to rounding.
                for k in start..<end {
                    let id = Int(paths.touches[k])
                    if occurrences[id] == 0 { distinct.append(id) }
                    occurrences[id] += 1
                }
                for id in distinct {
                    conversions[id] += occurrences[id] * conv / Double(n)
                    values[id] += occurrences[id] * value / Double(n)
                    occurrences[id] = 0
                }
                distinct.removeAll(keepingCapacity: true)
            case .timeDecay, .positionBased, .custom:
                fillWeights(&weights, count: n, agesFrom: start, paths: paths)
                for k in 0..<n {
                    let id = Int(paths.touches[start + k])
                    conversions[id] += weights[k] * conv
                    values[id] += weights[k] * value
                }
            }
        }
        return (conversions, values)
    }

    private func fillWeights(_ weights: inout [Double], count n: Int, agesFrom start: Int, paths: PathSet) {
        weights.removeAll(keepingCapacity: true)
        switch self {
        case .timeDecay(let halfLife):
            for k in 0..<n {
                let age = max(0, paths.ages?[start + k] ?? 0)
                weights.append(exp2(-age / halfLife))
            }
        case .positionBased(let first, let last):
            if n == 1 {
                weights.append(1)
            } else if n == 2 {
                weights.append(first / (first + last))
                weights.append(last / (first + last))
            } else {
                let middle = (1 - first - last) / Double(n - 2)
                weights.append(first)
                for _ in 1..<(n - 1) { weights.append(middle) }
                weights.append(last)
            }
        case .custom(let list):
            for k in 0..<n { weights.append(list[min(k, list.count - 1)]) }
        default:
            for _ in 0..<n { weights.append(1) }
        }
        let sum = weights.reduce(0, +)
        if sum > 0 {
            for k in 0..<n { weights[k] /= sum }
        } else {
            for k in 0..<n { weights[k] = 1 / Double(n) }
        }
    }
}
