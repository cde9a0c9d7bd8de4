import Foundation
import Testing
import TouchstoneData

/// ``PowerSums/inconsistency()``: sums no data could produce are rejected, and sums of real data
/// (floating-point rounding included) never are.
@Suite("Power sums: internal consistency")
struct PowerSumsConsistencyTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var sums: PowerSums
        var field: PowerSums.Field?
        var description: String { name }
    }

    static func sums(_ metric: String, _ n: Int64, _ y: Double, _ yy: Double, covariate: (Double, Double, Double)? = nil) -> PowerSums {
        func number(_ value: Double) -> SQLNumber { value == value.rounded() && abs(value) < 1e15 ? .integer(Int64(value)) : .real(value) }
        return PowerSums(
            variant: "a", metric: metric, units: n, sum: number(y), sumOfSquares: number(yy),
            covariate: covariate.map { .init(sum: number($0.0), sumOfSquares: number($0.1), crossProducts: number($0.2)) })
    }

    static let cases: [Case] = [
        Case(name: "proportion in range", sums: sums("purchase", 100, 10, 10), field: nil),
        Case(name: "proportion Σy > n", sums: sums("purchase", 100, 101, 101), field: .sum),
        Case(name: "proportion negative Σy", sums: sums("purchase:conversion", 100, -1, 1), field: .sum),
        Case(name: "proportion fractional Σy", sums: sums("purchase", 100, 10.5, 10.5), field: .sum),
        Case(name: "proportion Σy² ≠ Σy", sums: sums("purchase", 100, 10, 12), field: .sumOfSquares),
        Case(name: "retention Σy² ≠ Σy", sums: sums("app:retention:7", 100, 10, 9), field: .sumOfSquares),
        Case(name: "count fractional", sums: sums("session:count", 10, 2.5, 7), field: .sum),
        Case(name: "count Σy² < Σy", sums: sums("session:count", 10, 20, 19), field: .sum),
        Case(name: "count consistent", sums: sums("session:count", 10, 20, 60), field: nil),
        Case(name: "sum: negative variance", sums: sums("spend:sum", 4, 10, 24), field: .sumOfSquares),
        Case(name: "sum: zero variance is fine", sums: sums("spend:sum", 4, 10, 25), field: nil),
        Case(name: "sum: negative values are fine", sums: sums("spend:sum", 2, -3, 5), field: nil),
        Case(name: "no units, sums zero", sums: sums("spend:sum", 0, 0, 0), field: nil),
        Case(name: "no units, sum non-zero", sums: sums("spend:sum", 0, 1, 1), field: .sum),
        Case(name: "no units, covariate non-zero", sums: sums("spend:sum", 0, 0, 0, covariate: (0, 0, 1)), field: .crossProducts),
        Case(name: "covariate negative variance", sums: sums("spend:sum", 4, 10, 30, covariate: (10, 20, 25)), field: .covariateSumOfSquares),
        Case(name: "covariate correlation > 1", sums: sums("spend:sum", 4, 10, 30, covariate: (10, 30, 31)), field: .crossProducts),
        Case(name: "covariate correlation exactly 1", sums: sums("spend:sum", 4, 10, 30, covariate: (10, 30, 30)), field: nil),
        Case(name: "covariate correlation < −1", sums: sums("spend:sum", 4, 10, 30, covariate: (10, 30, 19)), field: .crossProducts),
        Case(name: "ratio rows are not 0/1", sums: sums("rps=purchase:sum/session:count", 4, 10.5, 40, covariate: (8, 20, 25)), field: nil),
    ]

    @Test(arguments: cases)
    func detects(_ c: Case) {
        #expect(c.sums.inconsistency()?.field == c.field, "\(c.name): \(c.sums.inconsistency()?.message ?? "consistent")")
    }

    /// Sums of real data, in a different summation order than the check's formula, near-constant
    /// data included (where Σy² − (Σy)²/n is all rounding): never flagged.
    @Test func sumsOfRealDataPass() {
        var generator = SplitMix64(seed: 13)
        for trial in 0..<200 {
            let n = Int.random(in: 1...2_000, using: &generator)
            let base = [0.0, 1e6, 123_456.789, -5e8][trial % 4]
            let spread = [1.0, 1e-7, 0, 3e3][trial / 4 % 4]
            let ys = (0..<n).map { _ in base + spread * Double.random(in: -1...1, using: &generator) }
            let xs = ys.map { $0 * 0.5 + Double.random(in: -1...1, using: &generator) }
            // Pairwise-unfriendly order: largest magnitudes last.
            let order = ys.indices.sorted { abs(ys[$0]) < abs(ys[$1]) }
            let y = order.reduce(0) { $0 + ys[$1] }, yy = order.reduce(0) { $0 + ys[$1] * ys[$1] }
            let x = order.reduce(0) { $0 + xs[$1] }, xx = order.reduce(0) { $0 + xs[$1] * xs[$1] }
            let xy = order.reduce(0) { $0 + xs[$1] * ys[$1] }
            let sums = PowerSums(
                variant: "a", metric: "spend:sum", units: Int64(n), sum: .real(y), sumOfSquares: .real(yy),
                covariate: .init(sum: .real(x), sumOfSquares: .real(xx), crossProducts: .real(xy)))
            #expect(sums.inconsistency() == nil, "trial \(trial): \(sums.inconsistency()?.message ?? "")")
        }
    }
}

/// A small seeded generator, so the property test is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// ``ByteKey``: names compare as bytes, never after Unicode normalisation.
@Suite("ByteKey")
struct ByteKeyTests {
    @Test func normalisationsAreDistinctKeys() {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)  // Swift's String equality: canonical equivalence
        #expect(ByteKey(composed) != ByteKey(decomposed))
        var table: [ByteKey: Int] = [:]
        table[composed] = 1
        table[decomposed] = 2
        #expect(table.count == 2)
        #expect(table[composed] == 1 && table[decomposed] == 2)
        #expect(Set([ByteKey(composed), ByteKey(decomposed), ByteKey(composed)]).count == 2)
        #expect(ByteKey("a") < ByteKey("b") && ByteKey("B") < ByteKey("a"))
    }
}
