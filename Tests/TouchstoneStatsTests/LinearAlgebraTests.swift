import Testing
import TouchstoneStats

@Suite struct LinearAlgebraTests {
    @Test("LU solves a small system and reports singular matrices as errors")
    func lu() throws {
        let a = try DenseMatrix(rows: 3, columns: 3, elements: [4, -2, 1, -2, 4, -2, 1, -2, 4])
        let x = try a.solve([11, -16, 17])
        for (value, expected) in zip(x, [1.0, -2, 3]) { #expect(abs(value - expected) < 1e-12) }
        let singular = try DenseMatrix(rows: 2, columns: 2, elements: [1, 2, 2, 4])
        #expect(throws: LinearAlgebraError.singular) { try singular.solve([1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try a.solve([1, 2]) }
    }

    @Test("GMRES agrees with LU on a diagonally dominant sparse system")
    func gmres() throws {
        let n = 400
        var triplets: [(row: Int, column: Int, value: Double)] = []
        for i in 0..<n {
            triplets.append((i, i, 1))
            triplets.append((i, (i * 7 + 3) % n, -0.3))
            triplets.append((i, (i * 13 + 5) % n, -0.25))
        }
        let a = try SparseMatrix(rows: n, columns: n, triplets: triplets)
        let b = (0..<n).map { Double($0 % 5) / 5 }
        let iterative = try a.solveIteratively(b)
        let direct = try a.dense().solve(b)
        for (x, y) in zip(iterative, direct) { #expect(abs(x - y) < 1e-10) }
    }
}
