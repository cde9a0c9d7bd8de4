import CGSL

/// The LU factorisation `P A = L U` of a square matrix, computed once and reused for many
/// right-hand sides.
///
/// Partial pivoting by GSL's `gsl_linalg_LU_decomp` (Golub & Van Loan, *Matrix Computations*,
/// 4th ed., Algorithm 3.4.1). The factors are kept in Swift arrays, so the value is `Sendable`
/// and carries no GSL memory.
///
/// ```swift
/// let lu = try LUDecomposition(a)
/// let x = try lu.solve(b)
/// ```
///
/// - Complexity: O(n³) to factorise, O(n²) per solve.
public struct LUDecomposition: Sendable {
    public let dimension: Int
    private var factors: [Double]
    private var permutation: [Int]

    /// Factorises `matrix`; throws ``LinearAlgebraError/singular`` when a pivot is zero or
    /// negligible relative to the largest entry (|u_ii| ≤ n · ε · max|a_ij|).
    public init(_ matrix: DenseMatrix) throws {
        guard matrix.rows == matrix.columns else {
            throw LinearAlgebraError.dimensionMismatch("LU needs a square matrix, got \(matrix.rows)×\(matrix.columns)")
        }
        GSL.ready()
        let n = matrix.rows
        dimension = n
        factors = matrix.elements
        permutation = [Int](repeating: 0, count: n)
        guard n > 0 else { return }
        let scale = matrix.elements.reduce(0) { max($0, abs($1)) }
        var signum: Int32 = 0
        let status = factors.withUnsafeMutableBufferPointer { lu -> Int32 in
            permutation.withUnsafeMutableBufferPointer { perm -> Int32 in
                var view = gsl_matrix_view_array(lu.baseAddress, n, n)
                var p = gsl_permutation(size: n, data: perm.baseAddress)
                return gsl_linalg_LU_decomp(&view.matrix, &p, &signum)
            }
        }
        guard status == 0 else { throw LinearAlgebraError.gsl(status: status, message: GSL.message(for: status)) }
        let tolerance = Double(n) * .ulpOfOne * scale
        for i in 0..<n where !(abs(factors[i * n + i]) > tolerance) {
            throw LinearAlgebraError.singular
        }
    }

    /// Solves `A x = b` with the stored factors.
    public func solve(_ rightHandSide: [Double]) throws -> [Double] {
        let n = dimension
        guard rightHandSide.count == n else {
            throw LinearAlgebraError.dimensionMismatch("right-hand side of \(rightHandSide.count) for dimension \(n)")
        }
        guard n > 0 else { return [] }
        var lu = factors
        var perm = permutation
        var b = rightHandSide
        var x = [Double](repeating: 0, count: n)
        let status = lu.withUnsafeMutableBufferPointer { luBuffer in
            perm.withUnsafeMutableBufferPointer { permBuffer in
                b.withUnsafeMutableBufferPointer { bBuffer in
                    x.withUnsafeMutableBufferPointer { xBuffer -> Int32 in
                        var luView = gsl_matrix_view_array(luBuffer.baseAddress, n, n)
                        var bView = gsl_vector_view_array(bBuffer.baseAddress, n)
                        var xView = gsl_vector_view_array(xBuffer.baseAddress, n)
                        var p = gsl_permutation(size: n, data: permBuffer.baseAddress)
                        return gsl_linalg_LU_solve(&luView.matrix, &p, &bView.vector, &xView.vector)
                    }
                }
            }
        }
        guard status == 0 else {
            if status == GSL_EDOM { throw LinearAlgebraError.singular }
            throw LinearAlgebraError.gsl(status: status, message: GSL.message(for: status))
        }
        guard x.allSatisfy(\.isFinite) else { throw LinearAlgebraError.singular }
        return x
    }
}

extension DenseMatrix {
    /// Solves `A x = b` by LU decomposition with partial pivoting (see ``LUDecomposition``).
    public func solve(_ rightHandSide: [Double]) throws -> [Double] {
        try LUDecomposition(self).solve(rightHandSide)
    }
}
