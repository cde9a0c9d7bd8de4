import CGSL
#if canImport(Glibc)
import Glibc
#endif

/// The standard normal distribution N(0, 1).
///
/// Tail probabilities use GSL's upper-tail routines (`gsl_cdf_ugaussian_Q`), never `1 - cdf`,
/// so p-values stay accurate down to the smallest normal doubles (Q(37.5) ≈ 4.6e-308); below
/// that GSL returns 0, and the tail continues into the subnormal range through the C library's
/// `erfc` (Q(x) = erfc(x/√2)/2), as scipy's does, until it truly underflows near x ≈ 38.5.
public enum Normal {
    /// P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double {
        GSL.ready()
        return gsl_cdf_ugaussian_P(x)
    }

    /// P(Z > x), accurate in the far upper tail.
    public static func survival(_ x: Double) -> Double {
        GSL.ready()
        let q = gsl_cdf_ugaussian_Q(x)
        // GSL flushes results below the smallest normal double to 0; a p-value of 4e-308 is
        // still a number a z ≈ 37.5 comparison of ten million units produces.
        if q == 0, x.isFinite { return erfc(x / 2.0.squareRoot()) / 2 }
        return q
    }

    /// The x with P(Z ≤ x) = p; NaN outside (0, 1), ∓∞ at 0 and 1.
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        GSL.ready()
        return gsl_cdf_ugaussian_Pinv(p)
    }

    /// The x with P(Z > x) = q, accurate for tiny q.
    public static func upperQuantile(_ q: Double) -> Double {
        guard q >= 0, q <= 1 else { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return -.infinity }
        GSL.ready()
        return gsl_cdf_ugaussian_Qinv(q)
    }

    /// The density φ(x).
    public static func density(_ x: Double) -> Double {
        GSL.ready()
        return gsl_ran_ugaussian_pdf(x)
    }
}
