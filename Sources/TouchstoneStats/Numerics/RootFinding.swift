/// Brent's method for a root of a continuous function on a bracketing interval.
///
/// Brent, *Algorithms for Minimization without Derivatives* (1973), ch. 4: inverse quadratic
/// interpolation and secant steps, falling back to bisection, so convergence is guaranteed
/// whenever f(a) and f(b) differ in sign. Used by the power solvers, whose power curves are
/// smooth and monotone on the bracket.
enum RootFinding {
    static func brent(
        lower: Double, upper: Double, tolerance: Double = 1e-13, maxIterations: Int = 500,
        _ f: (Double) -> Double
    ) -> Double? {
        var a = lower, b = upper
        var fa = f(a), fb = f(b)
        guard fa.isFinite, fb.isFinite else { return nil }
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard (fa < 0) != (fb < 0) else { return nil }
        var c = a, fc = fa
        var d = b - a, e = d
        for _ in 0..<maxIterations {
            if (fb < 0) == (fc < 0) {
                c = a; fc = fa
                d = b - a; e = d
            }
            if abs(fc) < abs(fb) {
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let tol = 2 * Double.ulpOfOne * abs(b) + tolerance * max(1, abs(b)) / 2
            let m = (c - b) / 2
            if abs(m) <= tol || fb == 0 { return b }
            if abs(e) >= tol, abs(fa) > abs(fb) {
                let s = fb / fa
                var p: Double, q: Double
                if a == c {
                    p = 2 * m * s
                    q = 1 - s
                } else {
                    let r = fb / fc, t = fa / fc
                    p = s * (2 * m * t * (t - r) - (b - a) * (r - 1))
                    q = (t - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < min(3 * m * q - abs(tol * q), abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = m; e = m
                }
            } else {
                d = m; e = m
            }
            a = b; fa = fb
            b += abs(d) > tol ? d : (m > 0 ? tol : -tol)
            fb = f(b)
            guard fb.isFinite else { return nil }
        }
        return nil
    }
}
