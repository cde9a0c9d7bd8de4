/// A running sum with Neumaier's compensation (Neumaier 1974, "Rundungsfehleranalyse einiger
/// Verfahren zur Summation endlicher Summen", ZAMM 54): the rounding error of every addition is
/// carried in ``compensation``, so adding and later removing a unit's contribution leaves the
/// total as if it had never been added, to within a few ulps of the largest partial sum.
struct CompensatedSum: Sendable, Hashable {
    var sum = 0.0
    var compensation = 0.0

    @inline(__always)
    mutating func add(_ x: Double) {
        let t = sum + x
        // Neumaier: the larger operand's low-order bits are the ones lost.
        if abs(sum) >= abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }

    /// Adds another compensated sum (both its parts).
    @inline(__always)
    mutating func add(_ other: CompensatedSum) {
        add(other.sum)
        add(other.compensation)
    }

    var value: Double { sum + compensation }
}
