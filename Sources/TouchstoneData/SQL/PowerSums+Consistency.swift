/// Internal consistency of one row of power sums: sums no set of values could produce are
/// rejected where they are read, instead of being analysed into a confident wrong answer.
extension PowerSums {
    /// A column of a power-sums row, for locating an inconsistency.
    public enum Field: Sendable, Hashable {
        case units, sum, sumOfSquares, covariateSum, covariateSumOfSquares, crossProducts
    }

    /// The relative tolerance for rounding in the inequality checks: sums computed in floating
    /// point (by a warehouse, in any order) may miss an identity by a few ulps of the largest
    /// term, never by a billionth of it.
    public static let consistencyTolerance = 1e-9

    /// The first rule the row breaks, or `nil`. With n = `units`, Σy = `sum`, Σy² = `sumOfSquares`
    /// (and Σx, Σx², Σxy of a covariate):
    /// - n = 0 ⇒ every sum is 0;
    /// - Σy² ≥ (Σy)²/n (the sum of squared deviations is not negative; Cauchy–Schwarz), up to
    ///   ``consistencyTolerance`` × max(Σy², (Σy)²/n); likewise for x;
    /// - a 0/1 metric (`EVENT`, `EVENT:conversion`, `EVENT:retention:N`): Σy is a whole number
    ///   with 0 ≤ Σy ≤ n, and Σy² = Σy (y² = y);
    /// - a count (`EVENT:count`): Σy and Σy² are whole numbers with 0 ≤ Σy ≤ Σy²;
    /// - with a covariate: |Sxy| ≤ √(Sxx·Syy), where Sxy = Σxy − ΣxΣy/n, Sxx = Σx² − (Σx)²/n,
    ///   Syy = Σy² − (Σy)²/n (a correlation lies in [−1, 1]), up to the tolerance × √(Σx²·Σy²).
    public func inconsistency() -> (field: Field, message: String)? {
        let n = Double(units)
        let y = sum.double, yy = sumOfSquares.double
        let tolerance = Self.consistencyTolerance
        if units == 0 {
            let all = [y, yy] + (covariate.map { [$0.sum.double, $0.sumOfSquares.double, $0.crossProducts.double] } ?? [])
            if let nonZero = all.firstIndex(where: { $0 != 0 }) {
                let fields: [Field] = [.sum, .sumOfSquares, .covariateSum, .covariateSumOfSquares, .crossProducts]
                return (fields[nonZero], "an arm with 0 units must have every sum 0")
            }
            return nil
        }
        guard yy >= 0 else { return (.sumOfSquares, "a sum of squares cannot be negative (\(yy))") }
        let kind = Self.kind(of: metric)
        if kind == .proportion {
            guard y == y.rounded(), y >= 0, y <= n else {
                return (.sum, "a 0/1 metric's sum must be a whole number of units from 0 to \(units) (got \(y))")
            }
            guard yy == y else { return (.sumOfSquares, "a 0/1 metric has Σy² = Σy (y² = y), but Σy² = \(yy) and Σy = \(y)") }
        } else if kind == .count {
            guard y == y.rounded(), yy == yy.rounded(), y >= 0, yy >= y else {
                return (.sum, "a count metric's Σy and Σy² must be whole numbers with 0 ≤ Σy ≤ Σy² (got Σy = \(y), Σy² = \(yy))")
            }
        }
        let syy = yy - y * y / n
        guard syy >= -tolerance * max(yy, y * y / n) else {
            return (.sumOfSquares, "Σy² = \(yy) is below (Σy)²/n = \(y * y / n): no values have these sums (negative variance)")
        }
        guard let x = covariate else { return nil }
        let xs = x.sum.double, xx = x.sumOfSquares.double, xy = x.crossProducts.double
        guard xx >= 0 else { return (.covariateSumOfSquares, "a sum of squares cannot be negative (\(xx))") }
        let sxx = xx - xs * xs / n
        guard sxx >= -tolerance * max(xx, xs * xs / n) else {
            return (.covariateSumOfSquares, "Σx² = \(xx) is below (Σx)²/n = \(xs * xs / n): no values have these sums (negative variance)")
        }
        let sxy = xy - xs * y / n
        guard abs(sxy) <= (max(sxx, 0) * max(syy, 0)).squareRoot() + tolerance * (xx * yy).squareRoot() + tolerance * abs(xs * y / n) else {
            return (.crossProducts, "Σxy = \(xy) implies a correlation of x and y outside [−1, 1] (|Sxy| > √(Sxx·Syy))")
        }
        return nil
    }

    enum Kind { case proportion, count, other }

    /// The kind a `--metric`-form name implies; ratios (`NAME=NUM/DEN`) and sums are `.other`.
    static func kind(of metric: String) -> Kind {
        guard !metric.contains("=") else { return .other }
        let parts = metric.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return .proportion
        case 2: return parts[1] == "conversion" ? .proportion : parts[1] == "count" ? .count : .other
        case 3: return parts[1] == "retention" ? .proportion : .other
        default: return .other
        }
    }
}
