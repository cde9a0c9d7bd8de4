import CGSL

/// Student's t distribution with ν degrees of freedom (ν > 0; ν = ∞ is the standard normal).
///
/// GSL returns silent garbage for ν ≤ 0 (`gsl_cdf_tdist_Q(1, 0)` is 0), so invalid ν yields NaN
/// here instead.
public struct StudentT: Sendable, Hashable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var isValid: Bool { degreesOfFreedom > 0 }

    /// P(T ≤ x).
    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if degreesOfFreedom.isInfinite { return Normal.cdf(x) }
        GSL.ready()
        return gsl_cdf_tdist_P(x, degreesOfFreedom)
    }

    /// P(T > x), computed from the upper tail directly.
    public func survival(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if degreesOfFreedom.isInfinite { return Normal.survival(x) }
        GSL.ready()
        return gsl_cdf_tdist_Q(x, degreesOfFreedom)
    }

    /// The x with P(T ≤ x) = p.
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if degreesOfFreedom.isInfinite { return Normal.quantile(p) }
        GSL.ready()
        return gsl_cdf_tdist_Pinv(p, degreesOfFreedom)
    }

    /// The x with P(T > x) = q.
    public func upperQuantile(_ q: Double) -> Double {
        guard isValid, q >= 0, q <= 1 else { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return -.infinity }
        if degreesOfFreedom.isInfinite { return Normal.upperQuantile(q) }
        GSL.ready()
        return gsl_cdf_tdist_Qinv(q, degreesOfFreedom)
    }
}
