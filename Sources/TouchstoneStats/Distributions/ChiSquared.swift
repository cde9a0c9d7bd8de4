import CGSL

/// The chi-square distribution with k degrees of freedom (k > 0).
public struct ChiSquared: Sendable, Hashable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var isValid: Bool { degreesOfFreedom > 0 && degreesOfFreedom.isFinite }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        GSL.ready()
        return gsl_cdf_chisq_P(x, degreesOfFreedom)
    }

    /// P(X > x) from the upper tail (the SRM p-value).
    public func survival(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        GSL.ready()
        return gsl_cdf_chisq_Q(x, degreesOfFreedom)
    }

    /// The x with P(X ≤ x) = p.
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        GSL.ready()
        return gsl_cdf_chisq_Pinv(p, degreesOfFreedom)
    }
}
