import CGSL

/// The beta distribution Beta(a, b), a, b > 0: the posterior of a conversion rate.
///
/// GSL's `gsl_cdf_beta_Q` loses accuracy once a + b passes about 10⁷ (it returns NaN at 10⁸),
/// which posterior counts of large experiments reach. So the density and the regularized
/// incomplete beta function are computed here in a form that stays accurate there:
///
/// - the kernel xᵃ(1 − x)ᵇ / B(a, b) is evaluated as
///   ```
///   exp(a·log1p((x − x₀)/x₀) + b·log1p((x₀ − x)/y₀) − δ(a) − δ(b) + δ(a + b)) · √(ab / (2π(a + b)))
///   ```
///   with x₀ = a/(a + b), y₀ = b/(a + b) and δ the Stirling-series remainder of log Γ — the
///   factorisation DiDonato & Morris (1992, ACM TOMS 18, `brcomp`) use — so no two numbers of
///   size a·log x cancel;
/// - I_x(a, b) is that kernel times the continued fraction of Abramowitz & Stegun 26.5.8
///   (evaluated by the modified Lentz method, Press et al., *Numerical Recipes* 3rd ed., §6.4),
///   on the side of the mean where it converges, which takes O(√(a + b)) terms.
public struct BetaDistribution: Sendable, Hashable {
    public let a: Double
    public let b: Double

    public init(_ a: Double, _ b: Double) {
        self.a = a
        self.b = b
    }

    var isValid: Bool { a > 0 && b > 0 && a.isFinite && b.isFinite }

    public var mean: Double { a / (a + b) }
    public var variance: Double { a * b / ((a + b) * (a + b) * (a + b + 1)) }

    /// The density at x.
    public func density(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        guard x > 0, x < 1 else {
            if x == 0 { return a < 1 ? .infinity : (a == 1 ? b : 0) }
            if x == 1 { return b < 1 ? .infinity : (b == 1 ? a : 0) }
            return 0
        }
        return kernel(x) / (x * (1 - x))
    }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x < (a + 1) / (a + b + 2) { return kernel(x) * Self.continuedFraction(x, a, b) / a }
        return 1 - kernel(x) * Self.continuedFraction(1 - x, b, a) / b
    }

    /// P(X > x), computed from the upper side directly where that side is the small one.
    public func survival(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        if x < (a + 1) / (a + b + 2) { return 1 - kernel(x) * Self.continuedFraction(x, a, b) / a }
        return kernel(x) * Self.continuedFraction(1 - x, b, a) / b
    }

    /// xᵃ(1 − x)ᵇ / B(a, b) for 0 < x < 1.
    func kernel(_ x: Double) -> Double {
        let x0 = a / (a + b), y0 = b / (a + b)
        let exponent = a * log1p((x - x0) / x0) + b * log1p((x0 - x) / y0)
            - Self.stirlingRemainder(a) - Self.stirlingRemainder(b) + Self.stirlingRemainder(a + b)
        return exp(exponent) * (a * b / (2 * Double.pi * (a + b))).squareRoot()
    }

    /// δ(z) = log Γ(z) − ((z − ½) log z − z + ½ log 2π).
    static func stirlingRemainder(_ z: Double) -> Double {
        if z >= 10 {
            // Stirling's series (Abramowitz & Stegun 6.1.41), truncation error below 1e-17 for z ≥ 10.
            let r = 1 / z, r2 = r * r
            return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))))
        }
        GSL.ready()
        return gsl_sf_lngamma(z) - ((z - 0.5) * log(z) - z + 0.5 * log(2 * Double.pi))
    }

    /// The continued fraction of I_x(a, b) · a / kernel (A&S 26.5.8), by modified Lentz.
    static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        let maxTerms = 10_000 + Int(min(2e7, 20 * (a + b).squareRoot()))
        for m in 1...maxTerms {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { return h }
        }
        return h
    }
}

