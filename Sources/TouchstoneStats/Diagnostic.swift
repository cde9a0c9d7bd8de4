/// A flag attached to a result whose data made part of it undefined or unreliable.
///
/// Degenerate data never throws and never crashes: the affected numbers are NaN and a
/// diagnostic says why (the approach of gbstats' `messages.py` and scipy's
/// `DegenerateDataWarning`).
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable {
        case emptyArm = "EMPTY_ARM"
        case insufficientData = "INSUFFICIENT_DATA"
        case zeroVariance = "ZERO_VARIANCE"
        case zeroControlMean = "ZERO_CONTROL_MEAN"
        case noExpectedUnits = "NO_EXPECTED_UNITS"
        case invalidInput = "INVALID_INPUT"
        case solverFailed = "SOLVER_FAILED"
        /// A covariate was left out of a regression adjustment: constant, or a linear combination of others.
        case collinearCovariate = "COLLINEAR_COVARIATE"
        /// Quantile metrics: one value fills too much of the quantile's rank interval.
        case tiedQuantile = "TIED_QUANTILE"
        /// Fieller's interval: the control estimate is not significantly different from 0.
        case unboundedInterval = "UNBOUNDED_INTERVAL"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
