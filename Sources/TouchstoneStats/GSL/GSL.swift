import CGSL

/// Internal gateway to GNU GSL.
///
/// GSL's default error handler prints and calls `abort()`, which would kill the process on
/// user data (a zero degrees-of-freedom t quantile, say). Every wrapper calls ``ready()`` first,
/// which switches the handler off exactly once (a lazily initialised static is thread-safe),
/// so GSL reports domain errors as NaN or a status code and the caller decides what they mean.
enum GSL {
    private static let errorHandlerOff: Void = {
        _ = gsl_set_error_handler_off()
    }()

    @inline(__always)
    static func ready() {
        _ = errorHandlerOff
    }

    /// The message GSL attaches to a status code (`gsl_strerror`).
    static func message(for status: Int32) -> String {
        ready()
        guard let text = gsl_strerror(status) else { return "GSL status \(status)" }
        return String(cString: text)
    }
}
