import CGSL

/// A two-sided group-sequential design with Lan–DeMets O'Brien–Fleming-type α spending
/// (Lan & DeMets, "Discrete Sequential Boundaries for Clinical Trials", Biometrika 1983).
///
/// At information fractions t₁ < … < t_K = 1 the test stops and rejects at look k when
/// |Z_k| ≥ c_k. Each side spends α/2 by the one-sided O'Brien–Fleming-type function, so the
/// two-sided cumulative error spent by time t is
/// ```
/// α(t) = 4 − 4 Φ(z_{α/4} / √t)
/// ```
/// (gsDesign `sfLDOF`; with K = 5 equal looks and α = 0.05 the boundaries are 4.877, 3.357,
/// 2.680, 2.290, 2.031, as tabulated by Jennison & Turnbull, *Group Sequential Methods*, 2000).
///
/// Boundaries come from the recursive numerical integration of Armitage, McPherson & Rowe
/// (1969) as set out in Jennison & Turnbull ch. 19: the score S_k = Z_k √t_k is Brownian motion
/// with drift θ, so the sub-density of S_k on the continuation region obeys
/// ```
/// g_k(s) = ∫ g_{k−1}(u) φ((s − u − θΔ_k)/√Δ_k) / √Δ_k du,   Δ_k = t_k − t_{k−1}
/// ```
/// evaluated with Simpson's rule on a grid of ``gridPoints`` nodes per look, and c_k solves
/// P(exit at k | θ = 0) = α(t_k) − α(t_{k−1}) by Brent's method.
public struct GroupSequentialDesign: Sendable, Hashable, Codable {
    public var informationFractions: [Double]
    public var alpha: Double
    /// Critical values c_k of |Z| at each look.
    public var boundaries: [Double]
    /// α(t_k): the error spent by each look.
    public var cumulativeAlpha: [Double]
    /// Two-sided nominal p-value thresholds 2(1 − Φ(c_k)): reject at look k when p < this.
    public var nominalAlpha: [Double]

    static let gridPoints = 401

    /// The O'Brien–Fleming-type spending function α(t).
    public static func spending(_ t: Double, alpha: Double) -> Double {
        guard t > 0 else { return 0 }
        return min(alpha, 4 * Normal.survival(Normal.upperQuantile(alpha / 4) / t.squareRoot()))
    }

    /// A design with `looks` equally spaced looks.
    public static func obrienFleming(looks: Int, alpha: Double = 0.05) throws -> GroupSequentialDesign {
        guard looks >= 1, looks <= 50 else { throw StatsError("the number of looks must be between 1 and 50 (got \(looks))") }
        return try obrienFleming(informationFractions: (1...looks).map { Double($0) / Double(looks) }, alpha: alpha)
    }

    public static func obrienFleming(informationFractions t: [Double], alpha: Double = 0.05) throws -> GroupSequentialDesign {
        guard alpha > 0, alpha < 1 else { throw StatsError("alpha must lie strictly between 0 and 1 (got \(alpha))") }
        guard let last = t.last, !t.isEmpty, t.count <= 50 else { throw StatsError("give between 1 and 50 information fractions") }
        guard zip(t, t.dropFirst()).allSatisfy({ $0 < $1 }), t[0] > 0, abs(last - 1) < 1e-12 else {
            throw StatsError("information fractions must increase strictly and end at 1")
        }
        let cumulative = t.map { spending($0, alpha: alpha) }
        var boundaries: [Double] = []
        var density: Grid? = nil
        for k in t.indices {
            let target = cumulative[k] - (k > 0 ? cumulative[k - 1] : 0)
            let previous = k > 0 ? t[k - 1] : 0
            let c: Double
            if target <= 0 {
                c = 40
            } else if let density {
                guard let root = RootFinding.brent(lower: 0.1, upper: 40, tolerance: 1e-12, {
                    exitProbability(from: density, previousTime: previous, time: t[k], boundary: $0, drift: 0) - target
                }) else { throw StatsError("the boundary at look \(k + 1) could not be solved") }
                c = root
            } else {
                c = Normal.upperQuantile(target / 2)
            }
            boundaries.append(c)
            density = continuation(from: density, previousTime: previous, time: t[k], boundary: c, drift: 0)
        }
        return GroupSequentialDesign(
            informationFractions: t, alpha: alpha, boundaries: boundaries, cumulativeAlpha: cumulative,
            nominalAlpha: boundaries.map { 2 * Normal.survival($0) })
    }

    /// P(reject at some look) when the final-look statistic has mean `drift` (θ·√I_K).
    public func rejectionProbability(drift: Double) -> Double {
        var density: Grid? = nil
        var total = 0.0
        var previous = 0.0
        // zip: a decoded or edited design may carry mismatched arrays; never index past either.
        for (t, boundary) in zip(informationFractions, boundaries) {
            total += Self.exitProbability(from: density, previousTime: previous, time: t, boundary: boundary, drift: drift)
            density = Self.continuation(from: density, previousTime: previous, time: t, boundary: boundary, drift: drift)
            previous = t
        }
        return total
    }

    /// Maximum information (sample) relative to the fixed-horizon design with the same α and
    /// power: (θ_GS / θ_fixed)² where each θ solves its power equation.
    public func inflationFactor(power: Double) -> Double? {
        guard power > alpha, power < 1 else { return nil }
        func fixedPower(_ theta: Double) -> Double {
            let z = Normal.upperQuantile(alpha / 2)
            return Normal.survival(z - theta) + Normal.cdf(-z - theta)
        }
        guard let fixed = RootFinding.brent(lower: 0, upper: 20, tolerance: 1e-12, { fixedPower($0) - power }),
            let sequential = RootFinding.brent(lower: 0, upper: 20, tolerance: 1e-10, { rejectionProbability(drift: $0) - power })
        else { return nil }
        return (sequential / fixed) * (sequential / fixed)
    }

    // MARK: - Recursive integration

    /// A sub-density on an equally spaced grid over [−b, b] of the score S = Z√t.
    struct Grid {
        var points: [Double]
        var values: [Double]
        var weights: [Double]
    }

    static func simpsonGrid(halfWidth b: Double) -> (points: [Double], weights: [Double]) {
        let m = gridPoints
        let h = 2 * b / Double(m - 1)
        let points = (0..<m).map { -b + Double($0) * h }
        let weights = (0..<m).map { i -> Double in
            (i == 0 || i == m - 1 ? 1 : (i % 2 == 1 ? 4 : 2)) * h / 3
        }
        return (points, weights)
    }

    /// P(|Z_k| ≥ c_k and no earlier exit).
    static func exitProbability(from previous: Grid?, previousTime: Double, time: Double, boundary c: Double, drift: Double) -> Double {
        let bound = c * time.squareRoot()
        guard let previous else {
            let sd = time.squareRoot(), mean = drift * time
            return Normal.survival((bound - mean) / sd) + Normal.cdf((-bound - mean) / sd)
        }
        let delta = time - previousTime, sd = delta.squareRoot()
        var total = 0.0
        for i in previous.points.indices where previous.values[i] > 0 {
            let center = previous.points[i] + drift * delta
            let tails = Normal.survival((bound - center) / sd) + Normal.cdf((-bound - center) / sd)
            total += previous.weights[i] * previous.values[i] * tails
        }
        return total
    }

    /// The sub-density of the score on the continuation region of look k.
    static func continuation(from previous: Grid?, previousTime: Double, time: Double, boundary c: Double, drift: Double) -> Grid {
        let (points, weights) = simpsonGrid(halfWidth: c * time.squareRoot())
        guard let previous else {
            let sd = time.squareRoot(), mean = drift * time
            return Grid(points: points, values: points.map { Normal.pdf(($0 - mean) / sd) / sd }, weights: weights)
        }
        let delta = time - previousTime, sd = delta.squareRoot()
        let values = points.map { s -> Double in
            var total = 0.0
            for i in previous.points.indices {
                total += previous.weights[i] * previous.values[i] * Normal.pdf((s - previous.points[i] - drift * delta) / sd)
            }
            return total / sd
        }
        return Grid(points: points, values: values, weights: weights)
    }
}

extension Normal {
    /// φ(x) without the GSL call overhead, for the inner loops of recursive integration.
    @inline(__always) static func pdf(_ x: Double) -> Double {
        exp(-0.5 * x * x) * 0.398_942_280_401_432_7
    }
}
