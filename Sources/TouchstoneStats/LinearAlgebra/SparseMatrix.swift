/// A sparse matrix in compressed sparse row (CSR) form.
///
/// Built from coordinate triplets; duplicates are summed, which is what transition counts want.
/// The storage is plain Swift arrays so the matrix is a `Sendable` value: GSL's own
/// `gsl_spmatrix` is created only inside a solve and freed before it returns.
public struct SparseMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// `rowStarts[i]..<rowStarts[i + 1]` indexes row `i`'s entries in ``columnIndices`` / ``values``.
    public private(set) var rowStarts: [Int]
    public private(set) var columnIndices: [Int]
    public private(set) var values: [Double]

    /// Builds the matrix from `(row, column, value)` triplets, summing duplicates.
    ///
    /// - Complexity: O(t + rows) for t triplets (a counting sort by row, then by column per row).
    public init(rows: Int, columns: Int, triplets: [(row: Int, column: Int, value: Double)]) throws {
        guard rows >= 0, columns >= 0 else {
            throw LinearAlgebraError.dimensionMismatch("negative dimensions \(rows)×\(columns)")
        }
        var counts = [Int](repeating: 0, count: rows + 1)
        for t in triplets {
            guard t.row >= 0, t.row < rows, t.column >= 0, t.column < columns else {
                throw LinearAlgebraError.dimensionMismatch(
                    "entry (\(t.row), \(t.column)) outside a \(rows)×\(columns) matrix")
            }
            counts[t.row + 1] += 1
        }
        for i in 0..<rows { counts[i + 1] += counts[i] }
        var next = counts
        var cols = [Int](repeating: 0, count: triplets.count)
        var vals = [Double](repeating: 0, count: triplets.count)
        for t in triplets {
            let slot = next[t.row]
            cols[slot] = t.column
            vals[slot] = t.value
            next[t.row] += 1
        }
        // Sort each row by column and merge duplicates in place.
        var outStarts = [Int](repeating: 0, count: rows + 1)
        var outCols: [Int] = []
        var outVals: [Double] = []
        outCols.reserveCapacity(triplets.count)
        outVals.reserveCapacity(triplets.count)
        var order: [Int] = []
        for i in 0..<rows {
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: counts[i]..<counts[i + 1])
            order.sort { cols[$0] < cols[$1] }
            var last = -1
            for k in order {
                if cols[k] == last {
                    outVals[outVals.count - 1] += vals[k]
                } else {
                    outCols.append(cols[k])
                    outVals.append(vals[k])
                    last = cols[k]
                }
            }
            outStarts[i + 1] = outCols.count
        }
        self.rows = rows
        self.columns = columns
        self.rowStarts = outStarts
        self.columnIndices = outCols
        self.values = outVals
    }

    /// The number of stored (structurally non-zero) entries.
    public var nonZeroCount: Int { values.count }

    /// The product `A x`.
    public func multiplied(by vector: [Double]) throws -> [Double] {
        guard vector.count == columns else {
            throw LinearAlgebraError.dimensionMismatch("vector of \(vector.count) for \(columns) columns")
        }
        var result = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var sum = 0.0
            for k in rowStarts[i]..<rowStarts[i + 1] { sum += values[k] * vector[columnIndices[k]] }
            result[i] = sum
        }
        return result
    }

    /// The dense equivalent (for small systems and tests).
    public func dense() -> DenseMatrix {
        var matrix = DenseMatrix(rows: rows, columns: columns)
        for i in 0..<rows {
            for k in rowStarts[i]..<rowStarts[i + 1] { matrix[i, columnIndices[k]] = values[k] }
        }
        return matrix
    }
}
