import CGSL

extension SparseMatrix {
    /// Solves `A x = b` iteratively with restarted GMRES (Saad & Schultz 1986), GSL's
    /// `gsl_splinalg_itersolve_gmres`.
    ///
    /// Iterates until the residual satisfies `‖b − A x‖₂ ≤ tolerance · ‖b‖₂`, then checks that
    /// bound again in Swift (a claimed convergence is never trusted blindly). Meant for large,
    /// well-conditioned sparse systems such as `I − Q` of an absorbing Markov chain, where a dense
    /// factorisation would cost O(n³) and the iteration costs O(nnz) per step.
    ///
    /// - Parameters:
    ///   - rightHandSide: `b`, of length ``rows``.
    ///   - initialGuess: a starting `x` (zeros when `nil`); a good guess saves iterations.
    ///   - tolerance: the relative residual to reach; `1e-13` by default.
    ///   - restart: the Krylov subspace size before a restart (`min(n, 60)` by default).
    ///   - maxIterations: outer iterations before giving up with ``LinearAlgebraError/notConverged(iterations:relativeResidual:)``.
    public func solveIteratively(
        _ rightHandSide: [Double], initialGuess: [Double]? = nil, tolerance: Double = 1e-13,
        restart: Int? = nil, maxIterations: Int = 500
    ) throws -> [Double] {
        guard rows == columns else {
            throw LinearAlgebraError.dimensionMismatch("GMRES needs a square matrix, got \(rows)×\(columns)")
        }
        guard rightHandSide.count == rows else {
            throw LinearAlgebraError.dimensionMismatch("right-hand side of \(rightHandSide.count) for dimension \(rows)")
        }
        let n = rows
        guard n > 0 else { return [] }
        let bNorm = rightHandSide.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard bNorm > 0 else { return [Double](repeating: 0, count: n) }
        GSL.ready()
        guard let triplet = gsl_spmatrix_alloc_nzmax(n, n, Swift.max(nonZeroCount, 1), Int32(GSL_SPMATRIX_COO)) else {
            throw LinearAlgebraError.gsl(status: Int32(GSL_ENOMEM), message: "cannot allocate a sparse matrix")
        }
        defer { gsl_spmatrix_free(triplet) }
        for i in 0..<n {
            for k in rowStarts[i]..<rowStarts[i + 1] {
                let status = gsl_spmatrix_set(triplet, i, columnIndices[k], values[k])
                guard status == 0 else {
                    throw LinearAlgebraError.gsl(status: status, message: GSL.message(for: status))
                }
            }
        }
        guard let compressed = gsl_spmatrix_compress(triplet, Int32(GSL_SPMATRIX_CSC)) else {
            throw LinearAlgebraError.gsl(status: Int32(GSL_ENOMEM), message: "cannot compress a sparse matrix")
        }
        defer { gsl_spmatrix_free(compressed) }
        let krylov = Swift.min(n, restart ?? 60)
        guard let work = gsl_splinalg_itersolve_alloc(cgsl_splinalg_gmres(), n, krylov) else {
            throw LinearAlgebraError.gsl(status: Int32(GSL_ENOMEM), message: "cannot allocate the GMRES workspace")
        }
        defer { gsl_splinalg_itersolve_free(work) }
        var b = rightHandSide
        var x = initialGuess ?? [Double](repeating: 0, count: n)
        guard x.count == n else {
            throw LinearAlgebraError.dimensionMismatch("initial guess of \(x.count) for dimension \(n)")
        }
        var iterations = 0
        var status: Int32 = Int32(GSL_CONTINUE)
        b.withUnsafeMutableBufferPointer { bBuffer in
            x.withUnsafeMutableBufferPointer { xBuffer in
                var bView = gsl_vector_view_array(bBuffer.baseAddress, n)
                var xView = gsl_vector_view_array(xBuffer.baseAddress, n)
                while status == Int32(GSL_CONTINUE), iterations < maxIterations {
                    status = gsl_splinalg_itersolve_iterate(compressed, &bView.vector, tolerance, &xView.vector, work)
                    iterations += 1
                }
            }
        }
        // Verify independently of GSL's own bookkeeping.
        let ax = try multiplied(by: x)
        var residual = 0.0
        for i in 0..<n {
            let r = rightHandSide[i] - ax[i]
            residual += r * r
        }
        let relative = residual.squareRoot() / bNorm
        guard x.allSatisfy(\.isFinite), relative <= Swift.max(tolerance * 10, 1e-12) else {
            throw LinearAlgebraError.notConverged(iterations: iterations, relativeResidual: relative)
        }
        return x
    }
}
