/// Why a linear solve could not produce an answer.
public enum LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operands' shapes do not fit together (`A` is not square, or `b` has the wrong length).
    case dimensionMismatch(String)
    /// The matrix is singular (an exactly zero pivot) or so close to it that the answer is meaningless.
    case singular
    /// An iterative solver stopped before reaching the requested residual.
    case notConverged(iterations: Int, relativeResidual: Double)
    /// GSL reported an error status.
    case gsl(status: Int32, message: String)

    public var description: String {
        switch self {
        case .dimensionMismatch(let detail): "dimension mismatch: \(detail)"
        case .singular: "the linear system is singular"
        case .notConverged(let iterations, let residual):
            "the iterative solver did not converge after \(iterations) iterations (relative residual \(residual))"
        case .gsl(let status, let message): "GSL error \(status): \(message)"
        }
    }
}
