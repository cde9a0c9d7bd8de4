import Foundation
import TouchstoneStats

/// A sum returned by a SQL engine: exact when it is an integer that fits 64 bits.
public enum SQLNumber: Sendable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case real(Double)

    /// Parses `42`, `-7`, `3.25`, `1e-3` (and `42.000`, which NUMERIC arithmetic may print).
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Int64(trimmed) {
            self = .integer(number)
        } else if let number = Double(trimmed), number.isFinite {
            if let dot = trimmed.firstIndex(of: "."), trimmed[trimmed.index(after: dot)...].allSatisfy({ $0 == "0" }),
               let whole = Int64(trimmed[..<dot]) {
                self = .integer(whole)
            } else {
                self = .real(number)
            }
        } else {
            return nil
        }
    }

    public var double: Double {
        switch self {
        case .integer(let number): Double(number)
        case .real(let number): number
        }
    }

    public var description: String {
        switch self {
        case .integer(let number): String(number)
        case .real(let number): "\(number)"
        }
    }
}

/// One arm's (variant's) power sums of one metric and, for CUPED, of its pre-period covariate:
/// the row of the sufficient-statistics format and of every push-down query's result.
///
/// Power sums merge by plain addition, so partial results from several partitions, shards or
/// engines can be added up before they reach Touchstone.
public struct PowerSums: Sendable, Hashable {
    public var variant: String
    /// The unit attribute's value when the statistics are split by one (`--by country`): these
    /// sums cover only the arm's units of that segment. `nil` when not split; `""` is the segment
    /// of units whose attribute was empty or NULL.
    public var segment: String?
    /// The metric's name in `--metric` form: `purchase`, `purchase:sum`, `session:retention:3`.
    public var metric: String
    public var units: Int64
    /// Σy and Σy².
    public var sum: SQLNumber
    public var sumOfSquares: SQLNumber
    /// Σx, Σx² and Σxy of the pre-period covariate x; `nil` without one.
    public var covariate: Covariate?

    public struct Covariate: Sendable, Hashable {
        public var sum: SQLNumber
        public var sumOfSquares: SQLNumber
        public var crossProducts: SQLNumber

        public init(sum: SQLNumber, sumOfSquares: SQLNumber, crossProducts: SQLNumber) {
            self.sum = sum
            self.sumOfSquares = sumOfSquares
            self.crossProducts = crossProducts
        }
    }

    public init(
        variant: String, metric: String, units: Int64, sum: SQLNumber, sumOfSquares: SQLNumber, covariate: Covariate? = nil,
        segment: String? = nil
    ) {
        self.variant = variant
        self.segment = segment
        self.metric = metric
        self.units = units
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        self.covariate = covariate
    }

    /// The statistics these sums describe.
    ///
    /// Central moments are formed as (n·Σab − Σa·Σb) / n: in exact 64-bit integer arithmetic
    /// when all inputs are integers (0/1 metrics, counts) and the products fit, so no
    /// cancellation at all; otherwise in double precision, which loses about
    /// log10(Σy² / Σ(y − ȳ)²) digits (negligible unless the mean dwarfs the spread).
    public var statistics: SufficientStatistics {
        guard units > 0 else { return SufficientStatistics() }
        let n = Double(units)
        let x = covariate
        return SufficientStatistics(
            count: Int(units), mean: sum.double / n,
            sumOfSquaredDeviations: Self.centralMoment(units, sumOfSquares, sum, sum),
            covariateMean: (x?.sum.double ?? 0) / n,
            covariateSumOfSquaredDeviations: x.map { Self.centralMoment(units, $0.sumOfSquares, $0.sum, $0.sum) } ?? 0,
            coMoment: x.map { Self.centralMoment(units, $0.crossProducts, $0.sum, sum) } ?? 0)
    }

    /// Σ(a − ā)(b − b̄) = (n·Σab − Σa·Σb) / n.
    static func centralMoment(_ units: Int64, _ products: SQLNumber, _ a: SQLNumber, _ b: SQLNumber) -> Double {
        if case .integer(let ab) = products, case .integer(let sa) = a, case .integer(let sb) = b {
            let (nab, o1) = units.multipliedReportingOverflow(by: ab)
            let (sasb, o2) = sa.multipliedReportingOverflow(by: sb)
            let (difference, o3) = nab.subtractingReportingOverflow(sasb)
            if !o1, !o2, !o3 { return Double(difference) / Double(units) }
        }
        return products.double - a.double * (b.double / Double(units))
    }
}
