import CGSL

/// Adaptive numerical integration over GSL's QAGP (QUADPACK's `dqagp`: 21-point Gauss–Kronrod
/// with Wynn ε-extrapolation, Piessens et al. 1983), with known interior break points.
///
/// Swift closures cannot be C function pointers, so the integrand travels to GSL in a boxed
/// context through `gsl_function.params` and a non-capturing `@convention(c)` trampoline.
enum Integration {
    private final class Integrand {
        let body: (Double) -> Double
        init(_ body: @escaping (Double) -> Double) { self.body = body }
    }

    struct Result {
        var value: Double
        var estimatedError: Double
        /// GSL's status; 0 (`GSL_SUCCESS`) when the requested tolerance was met.
        var status: Int32
    }

    /// ∫ f over [points.first, points.last], splitting at the interior points (which must be
    /// increasing). Returns NaN with a non-zero status when GSL cannot reach the tolerance.
    static func integrate(
        over points: [Double], absoluteTolerance: Double = 0, relativeTolerance: Double = 1e-11,
        _ f: @escaping (Double) -> Double
    ) -> Result {
        GSL.ready()
        var breaks = points
        guard breaks.count >= 2, breaks.allSatisfy(\.isFinite) else {
            return Result(value: .nan, estimatedError: .nan, status: Int32(GSL_EINVAL))
        }
        if breaks.first == breaks.last { return Result(value: 0, estimatedError: 0, status: 0) }
        let limit = 2000
        guard let workspace = gsl_integration_workspace_alloc(limit) else {
            return Result(value: .nan, estimatedError: .nan, status: Int32(GSL_ENOMEM))
        }
        defer { gsl_integration_workspace_free(workspace) }
        let box = Integrand(f)
        var function = gsl_function(
            function: { x, params in
                guard let params else { return .nan }
                return Unmanaged<Integrand>.fromOpaque(params).takeUnretainedValue().body(x)
            },
            params: Unmanaged.passUnretained(box).toOpaque())
        var value = 0.0, error = 0.0
        let status = withExtendedLifetime(box) {
            gsl_integration_qagp(
                &function, &breaks, breaks.count, absoluteTolerance, relativeTolerance, limit, workspace,
                &value, &error)
        }
        // GSL_EROUND means the tolerance was tighter than rounding allows: the value is still the best available.
        if status != 0 && status != Int32(GSL_EROUND) { return Result(value: .nan, estimatedError: error, status: status) }
        return Result(value: value, estimatedError: error, status: 0)
    }
}
