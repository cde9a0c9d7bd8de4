import Foundation

/// Chooses the Markov order (1…`maxOrder`) by how well each order's chain predicts whether
/// held-out journeys convert (`attribute --order auto`).
///
/// **Criterion.** Journeys are split into `folds` parts at random (seeded). For each fold and
/// each order k, the chain is fitted on the other folds and scored on the fold: a journey whose
/// path ends in order-k state s (its last k touches, or the whole path when shorter — the
/// chain's last transient state, unaffected by collapsing repeats) is predicted to convert with
/// the chain's absorption split at s, `p̂(s) = conversions(s) / (conversions(s) + nulls(s))`.
/// The score is the mean held-out Bernoulli log-likelihood per journey,
/// `(Σ_conv log p̂ + Σ_null log(1 − p̂)) / journeys` (nats, higher is better; a proper scoring
/// rule, so it rewards calibrated probabilities, unlike AUC which only ranks).
///
/// **Why not the whole path's likelihood.** With repeated states collapsed (the default) an
/// order-1 chain describes a coarser event (`a > a > b` and `a > b` are one walk) than an
/// order-2 chain, so path likelihoods of different orders are not comparable; the conversion
/// outcome of a given path is the same event for every order.
///
/// **Sparse states and overfitting.** States the training folds saw rarely are shrunk towards
/// the next lower order (`p̂_k = (c + a·p̂_{k−1}) / (c + n + a)`, a = 1 pseudo-journey, down to
/// the overall rate), so an unseen order-4 state predicts like order 3 instead of failing.
/// Held-out scoring already punishes orders that fit noise; on top of that the *smallest* order
/// whose score is within one standard error of the best is chosen (the one-standard-error rule,
/// Hastie, Tibshirani & Friedman 2009, *Elements of Statistical Learning* §7.10), the standard
/// error taken from the per-journey differences to the best order (paired). ChannelAttribution's
/// `choose_order` instead maximises a penalised ROC AUC, whose penalty has no stated scale;
/// here the penalty is the data's own noise.
public struct MarkovOrderSelection: Sendable, Equatable {
    public var maxOrder = 4
    public var folds = 5
    public var seed: UInt64 = 1
    /// Pseudo-journeys pulling a state's estimate towards the next lower order.
    public var shrinkage = 1.0

    public init(seed: UInt64 = 1) { self.seed = seed }

    /// One order's held-out score.
    public struct Score: Sendable, Codable, Equatable {
        public var order: Int
        /// Mean held-out log-likelihood of the conversion outcome per journey (nats).
        public var score: Double
        public init(order: Int, score: Double) {
            self.order = order
            self.score = score
        }
    }

    public struct Result: Sendable, Equatable {
        public var order: Int
        public var scores: [Score]
    }

    /// Scores orders 1…`maxOrder` on `paths` (one row per journey from a touchpoint log, or
    /// aggregated rows whose counts are split journey by journey) and picks one.
    public func select(_ paths: PathSet) throws -> Result {
        guard (1...4).contains(maxOrder), folds >= 2 else {
            throw AttributionError.invalidOption("order selection needs a maximum order of 1 to 4 and at least 2 folds")
        }
        let journeys = Self.journeys(paths, folds: folds, seed: seed)
        guard journeys.contains(where: { $0.conversions > 0 }), journeys.contains(where: { $0.nulls > 0 }) else {
            throw AttributionError.invalidOption("--order auto needs converting and non-converting journeys (it scores how well each order predicts conversion)")
        }
        // logLikelihood[k][j]: held-out log-likelihood of journey j under order k + 1.
        var logLikelihood = [[Double]](repeating: [Double](repeating: 0, count: journeys.count), count: maxOrder)
        for fold in 0..<folds {
            var counts = SuffixCounts()
            for journey in journeys where journey.fold != fold {
                counts.add(journey.path, conversions: journey.conversions, nulls: journey.nulls, maxOrder: maxOrder)
            }
            guard counts.total.conversions + counts.total.nulls > 0 else { continue }
            for (j, journey) in journeys.enumerated() where journey.fold == fold {
                let predictions = counts.predict(journey.path, maxOrder: maxOrder, shrinkage: shrinkage)
                for k in 0..<maxOrder {
                    // Clamped away from 0 and 1: a certain prediction that is wrong is infinitely bad.
                    let p = min(max(predictions[k], 1e-12), 1 - 1e-12)
                    logLikelihood[k][j] = journey.conversions * log(p) + journey.nulls * log1p(-p)
                }
            }
        }
        let weight = journeys.reduce(0) { $0 + $1.conversions + $1.nulls }
        let scores = (0..<maxOrder).map { k in
            Score(order: k + 1, score: logLikelihood[k].reduce(0, +) / weight)
        }
        var best = 0
        for k in 1..<maxOrder where scores[k].score > scores[best].score { best = k }
        var chosen = best
        for k in 0..<best {
            // Paired differences per journey weight: d_j / w_j with weight w_j.
            var sum = 0.0, sumSquares = 0.0
            for (j, journey) in journeys.enumerated() {
                let w = journey.conversions + journey.nulls
                guard w > 0 else { continue }
                let d = (logLikelihood[best][j] - logLikelihood[k][j]) / w
                sum += w * d
                sumSquares += w * d * d
            }
            let mean = sum / weight
            let variance = max(0, sumSquares / weight - mean * mean)
            let standardError = (variance / max(1, weight - 1)).squareRoot()
            if mean <= standardError {
                chosen = k
                break
            }
        }
        return Result(order: chosen + 1, scores: scores)
    }

    struct Journey {
        var path: ArraySlice<Int32>
        var conversions: Double
        var nulls: Double
        var fold: Int
    }

    /// One entry per journey with its fold. A row converting several times (`conversions` 2)
    /// is one journey of a touchpoint log; aggregated rows hold many journeys, each assigned
    /// its own fold, so the split is by journey whichever form the paths come in.
    static func journeys(_ paths: PathSet, folds: Int, seed: UInt64) -> [Journey] {
        var generator = SeededGenerator(seed: seed ^ 0x6F72_6465_7200)  // "order": its own stream
        var list: [Journey] = []
        let perJourney = paths.units != nil
        for p in 0..<paths.count {
            let path = paths.path(p)
            guard !path.isEmpty else { continue }
            let conversions = paths.conversions[p], nulls = paths.nulls[p]
            if perJourney {
                list.append(Journey(path: path, conversions: conversions, nulls: nulls, fold: generator.nextInt(below: folds)))
                continue
            }
            // Aggregated: split the counts over folds, one journey at a time (multinomial);
            // a fractional remainder stays with the last fold drawn.
            var byFold = [(Double, Double)](repeating: (0, 0), count: folds)
            var remaining = (conversions, nulls)
            while remaining.0 >= 1 { byFold[generator.nextInt(below: folds)].0 += 1; remaining.0 -= 1 }
            while remaining.1 >= 1 { byFold[generator.nextInt(below: folds)].1 += 1; remaining.1 -= 1 }
            if remaining.0 > 0 || remaining.1 > 0 {
                let fold = generator.nextInt(below: folds)
                byFold[fold].0 += remaining.0
                byFold[fold].1 += remaining.1
            }
            for (fold, counts) in byFold.enumerated() where counts.0 + counts.1 > 0 {
                list.append(Journey(path: path, conversions: counts.0, nulls: counts.1, fold: fold))
            }
        }
        return list
    }

    /// Conversions and nulls by each path's final state at every order.
    ///
    /// As in ``MarkovChain``, a path with at least k touches ends in the window of its last k
    /// touches (shared with every longer path ending the same way), and a shorter one ends in a
    /// state holding exactly its touches (the same state at every order above its length).
    struct SuffixCounts {
        struct Key: Hashable {
            /// The window's order, or 0 for a whole short path.
            var order: Int8
            var ids: (Int32, Int32, Int32, Int32)
            static func == (lhs: Key, rhs: Key) -> Bool {
                lhs.order == rhs.order && lhs.ids.0 == rhs.ids.0 && lhs.ids.1 == rhs.ids.1
                    && lhs.ids.2 == rhs.ids.2 && lhs.ids.3 == rhs.ids.3
            }
            func hash(into hasher: inout Hasher) {
                hasher.combine(order)
                hasher.combine(ids.0)
                hasher.combine(ids.1)
                hasher.combine(ids.2)
                hasher.combine(ids.3)
            }
        }

        var table: [Key: (conversions: Double, nulls: Double)] = [:]
        var total: (conversions: Double, nulls: Double) = (0, 0)

        /// The final state at `order`; `nil` when the path is shorter (its whole-path state,
        /// ``wholePath(_:)``, is the one at every order above its length).
        static func window(_ path: ArraySlice<Int32>, order: Int) -> Key? {
            guard path.count >= order else { return nil }
            return key(path.suffix(order), order: Int8(order))
        }

        static func wholePath(_ path: ArraySlice<Int32>) -> Key { key(path, order: 0) }

        private static func key(_ touches: ArraySlice<Int32>, order: Int8) -> Key {
            var ids: [Int32] = [-1, -1, -1, -1]
            for (k, id) in touches.prefix(4).enumerated() { ids[k] = id }
            return Key(order: order, ids: (ids[0], ids[1], ids[2], ids[3]))
        }

        mutating func add(_ path: ArraySlice<Int32>, conversions: Double, nulls: Double, maxOrder: Int) {
            total.conversions += conversions
            total.nulls += nulls
            for order in 1...maxOrder {
                let key = Self.window(path, order: order) ?? Self.wholePath(path)
                let old = table[key] ?? (0, 0)
                table[key] = (old.conversions + conversions, old.nulls + nulls)
                if path.count < order { break }
            }
        }

        /// The shrunken conversion probability at orders 1…`maxOrder`.
        func predict(_ path: ArraySlice<Int32>, maxOrder: Int, shrinkage: Double) -> [Double] {
            var p = (total.conversions + 0.5) / (total.conversions + total.nulls + 1)
            var out: [Double] = []
            for order in 1...maxOrder {
                // Above a short path's length + 1 the state no longer changes: keep its estimate.
                if order <= path.count + 1 {
                    let key = Self.window(path, order: order) ?? Self.wholePath(path)
                    let counts = table[key] ?? (0, 0)
                    p = (counts.conversions + shrinkage * p) / (counts.conversions + counts.nulls + shrinkage)
                }
                out.append(p)
            }
            return out
        }
    }
}
