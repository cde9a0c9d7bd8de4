/// The posterior probability that each arm has the highest mean of all arms (not only that it
/// beats control), for independent per-arm posteriors.
///
/// By numerical integration, not Monte Carlo, so the answer is deterministic and accurate to
/// about 1e-9:
/// ```
/// P(arm i is best) = ∫ f_i(u) Π_{j≠i} F_j(u) du
/// ```
/// over ±40 posterior standard deviations around arm i's mean (where all its mass is), by GSL's
/// adaptive Gauss–Kronrod quadrature (QAGP) with the mean as a break point. The probabilities of
/// all arms sum to 1 up to that accuracy (ties have probability zero for continuous posteriors).
public enum ProbabilityBest {
    /// One arm's posterior for its mean.
    public enum Posterior: Sendable, Hashable {
        /// A conversion rate: Beta(α₀ + conversions, β₀ + units − conversions).
        case beta(BetaDistribution)
        /// A mean: N(mean, standardError²), the flat-prior posterior of a sample mean.
        case normal(mean: Double, standardError: Double)

        var mean: Double {
            switch self {
            case .beta(let b): b.mean
            case .normal(let mean, _): mean
            }
        }

        var spread: Double {
            switch self {
            case .beta(let b): b.variance.squareRoot()
            case .normal(_, let se): se
            }
        }

        var isValid: Bool {
            switch self {
            case .beta(let b): b.isValid
            case .normal(let mean, let se): mean.isFinite && se.isFinite && se > 0
            }
        }

        func density(_ u: Double) -> Double {
            switch self {
            case .beta(let b): b.density(u)
            case .normal(let mean, let se): Normal.density((u - mean) / se) / se
            }
        }

        func cdf(_ u: Double) -> Double {
            switch self {
            case .beta(let b): b.cdf(u)
            case .normal(let mean, let se): Normal.cdf((u - mean) / se)
            }
        }
    }

    /// The probability that each arm is best, in the order given; NaN for all when any posterior
    /// is degenerate (an arm without variance) or the quadrature fails.
    public static func compute(_ posteriors: [Posterior]) -> [Double] {
        guard posteriors.count >= 2, posteriors.allSatisfy(\.isValid) else {
            return Array(repeating: .nan, count: posteriors.count)
        }
        return posteriors.indices.map { i in
            let own = posteriors[i]
            var lower = own.mean - 40 * own.spread, upper = own.mean + 40 * own.spread
            if case .beta = own {
                lower = max(0, lower)
                upper = min(1, upper)
            }
            var points = [lower]
            if own.mean > lower, own.mean < upper { points.append(own.mean) }
            points.append(upper)
            let result = Integration.integrate(over: points, absoluteTolerance: 1e-13, relativeTolerance: 1e-10) { u in
                var value = own.density(u)
                for (j, other) in posteriors.enumerated() where j != i {
                    if value == 0 { break }
                    value *= other.cdf(u)
                }
                return value
            }
            return result.status == 0 ? min(1, max(0, result.value)) : .nan
        }
    }
}
