/// Percentile bootstrap confidence intervals for the difference of any statistic (median,
/// other quantiles, trimmed means…) between two arms, from raw samples (Efron & Tibshirani,
/// *An Introduction to the Bootstrap*, 1993, ch. 13).
///
/// Each replicate resamples both arms with replacement, independently (the arms are
/// independent samples), and recomputes θ(treatment) − θ(control); the interval is the α/2 and
/// 1 − α/2 quantiles of the replicates (``Quantile/linear(_:_:)``). The generator is GSL's
/// MT19937 seeded with `seed`, so the same data and seed always give the same interval.
public enum Bootstrap {
    public struct Result: Sendable, Hashable, Codable {
        /// θ(treatment) − θ(control) on the original samples.
        public var estimate: Double
        public var ci: Interval
        /// Standard deviation of the replicates.
        public var standardError: Double
        /// θ(treatment)/θ(control) − 1 and its percentile interval (NaN when θ(control) is 0).
        public var relativeEstimate: Double
        public var relativeCI: Interval
        public var replicates: Int
        public var seed: UInt64
        public var diagnostics: [Diagnostic]
    }

    /// A statistic of one sample; it receives the sample sorted ascending.
    public typealias Statistic = @Sendable ([Double]) -> Double

    /// The level-q quantile (median for 0.5).
    public static func quantile(_ q: Double) -> Statistic {
        { sorted in Quantile.linear(sorted, q) }
    }

    /// The mean.
    public static let mean: Statistic = { sample in
        sample.isEmpty ? .nan : sample.reduce(0, +) / Double(sample.count)
    }

    public static func compare(
        control: [Double], treatment: [Double], statistic: Statistic = quantile(0.5),
        replicates: Int = 2_000, seed: UInt64 = 1, alpha: Double = 0.05
    ) -> Result {
        var result = Result(
            estimate: .nan, ci: .undefined, standardError: .nan, relativeEstimate: .nan, relativeCI: .undefined,
            replicates: replicates, seed: seed, diagnostics: [])
        guard alpha > 0, alpha < 1, replicates >= 2 else {
            result.diagnostics.append(Diagnostic(.invalidInput, "need 0 < alpha < 1 and at least 2 replicates"))
            return result
        }
        guard control.count >= 2, treatment.count >= 2 else {
            result.diagnostics.append(Diagnostic(.insufficientData, "an arm has fewer than 2 values: no bootstrap is possible"))
            return result
        }
        guard control.allSatisfy(\.isFinite), treatment.allSatisfy(\.isFinite) else {
            result.diagnostics.append(Diagnostic(.invalidInput, "the samples contain non-finite values"))
            return result
        }
        let c = control.sorted(), t = treatment.sorted()
        let thetaC = statistic(c), thetaT = statistic(t)
        result.estimate = thetaT - thetaC
        result.relativeEstimate = thetaC != 0 ? thetaT / thetaC - 1 : .nan
        let random = RandomSource(seed: seed)
        var differences: [Double] = []
        var ratios: [Double] = []
        differences.reserveCapacity(replicates)
        var bufferC = [Double](repeating: 0, count: c.count), bufferT = [Double](repeating: 0, count: t.count)
        for _ in 0..<replicates {
            for i in bufferC.indices { bufferC[i] = c[random.integer(below: c.count)] }
            for i in bufferT.indices { bufferT[i] = t[random.integer(below: t.count)] }
            bufferC.sort()
            bufferT.sort()
            let rc = statistic(bufferC), rt = statistic(bufferT)
            differences.append(rt - rc)
            if rc != 0 { ratios.append(rt / rc - 1) }
        }
        differences.sort()
        result.ci = Interval(Quantile.linear(differences, alpha / 2), Quantile.linear(differences, 1 - alpha / 2))
        let mean = differences.reduce(0, +) / Double(differences.count)
        result.standardError = (differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(differences.count - 1)).squareRoot()
        if ratios.count == replicates {
            ratios.sort()
            result.relativeCI = Interval(Quantile.linear(ratios, alpha / 2), Quantile.linear(ratios, 1 - alpha / 2))
        } else {
            result.diagnostics.append(Diagnostic(.zeroControlMean, "the control statistic was 0 in some replicates: no relative interval"))
        }
        if result.standardError == 0 {
            result.diagnostics.append(Diagnostic(.zeroVariance, "every replicate gave the same difference: the interval is degenerate"))
        }
        return result
    }
}
