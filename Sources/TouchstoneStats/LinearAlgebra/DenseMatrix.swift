/// A dense, row-major matrix of `Double`.
///
/// ```swift
/// var a = DenseMatrix(rows: 2, columns: 2)
/// a[0, 0] = 2; a[1, 1] = 4
/// let x = try a.solve([2, 8])   // [1, 2]
/// ```
public struct DenseMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// The entries, row after row: element `(i, j)` is `elements[i * columns + j]`.
    public var elements: [Double]

    /// A zero matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: 0, count: rows * columns)
    }

    /// A matrix over existing row-major storage; throws when the count does not match.
    public init(rows: Int, columns: Int, elements: [Double]) throws {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw LinearAlgebraError.dimensionMismatch(
                "\(elements.count) elements for a \(rows)×\(columns) matrix")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columns + column] }
        set { elements[row * columns + column] = newValue }
    }

    /// The product `A x`.
    public func multiplied(by vector: [Double]) throws -> [Double] {
        guard vector.count == columns else {
            throw LinearAlgebraError.dimensionMismatch("vector of \(vector.count) for \(columns) columns")
        }
        var result = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var sum = 0.0
            let base = i * columns
            for j in 0..<columns { sum += elements[base + j] * vector[j] }
            result[i] = sum
        }
        return result
    }
}
