/// Mergeable sufficient statistics of one arm (or one segment of an arm).
///
/// Holds the count, mean and sum of squared deviations of a metric — and, for CUPED, of a
/// pre-period covariate plus their co-moment — in the numerically stable form of Welford
/// (1962) and Chan, Golub & LeVeque (1979): values near 1e15 with a small spread keep their
/// variance, where `sum` / `sumOfSquares` accumulation would cancel catastrophically.
///
/// Two partial aggregates combine with ``merge(_:)`` or `+` and give the statistics of all rows
/// at once (up to rounding), which is what lets aggregation run on several threads or in SQL.
public struct SufficientStatistics: Sendable, Hashable, Codable {
    /// Number of units.
    public internal(set) var count: Int
    /// The first value seen: moments are accumulated on y − shift, so values near 1e15 with a
    /// spread near 1 keep full precision (the "shifted data" algorithm; Chan, Golub & LeVeque
    /// 1983, §3). Zero unless set by the first ``add(_:covariate:)``.
    public internal(set) var shift: Double
    /// Mean of y − ``shift``.
    public internal(set) var offsetMean: Double
    /// Σ (yᵢ − ȳ)², the sum of squared deviations of the metric.
    public internal(set) var sumOfSquaredDeviations: Double
    /// The covariate's shift (its first value).
    public internal(set) var covariateShift: Double
    /// Mean of x − ``covariateShift``.
    public internal(set) var covariateOffsetMean: Double
    /// Σ (xᵢ − x̄)², the covariate's sum of squared deviations.
    public internal(set) var covariateSumOfSquaredDeviations: Double
    /// Σ (xᵢ − x̄)(yᵢ − ȳ), the co-moment of covariate and metric.
    public internal(set) var coMoment: Double

    /// The statistics of no units.
    public init() {
        count = 0
        shift = 0
        offsetMean = 0
        sumOfSquaredDeviations = 0
        covariateShift = 0
        covariateOffsetMean = 0
        covariateSumOfSquaredDeviations = 0
        coMoment = 0
    }

    /// Statistics of a sample given its moments.
    ///
    /// - Parameters:
    ///   - count: The number of units, n ≥ 0.
    ///   - mean: The sample mean ȳ.
    ///   - stdDev: The sample standard deviation with the n − 1 denominator.
    public init(count: Int, mean: Double, stdDev: Double) {
        self.init()
        self.count = count
        self.shift = count > 0 ? mean : 0
        self.sumOfSquaredDeviations = count > 1 ? stdDev * stdDev * Double(count - 1) : 0
    }

    /// Statistics of a sample given raw power sums, as SQL engines return them.
    ///
    /// Σy² − (Σy)²/n loses precision when the mean is large relative to the spread; prefer the
    /// moment form where the source offers it. Negative round-off is clamped to zero.
    public init(count: Int, sum: Double, sumOfSquares: Double) {
        self.init()
        guard count > 0 else { return }
        self.count = count
        self.shift = sum / Double(count)
        self.sumOfSquaredDeviations = max(0, sumOfSquares - sum * shift)
    }

    /// Statistics of a 0/1 metric: `conversions` ones among `units`.
    public static func proportion(units: Int, conversions: Int) -> SufficientStatistics {
        var statistics = SufficientStatistics()
        guard units > 0 else { return statistics }
        let n = Double(units), c = Double(conversions)
        statistics.count = units
        statistics.shift = c / n
        statistics.sumOfSquaredDeviations = c * (n - c) / n
        return statistics
    }

    /// Statistics of a sample with a pre-period covariate, from sample moments.
    ///
    /// - Parameters:
    ///   - covariance: The sample covariance of covariate and metric (n − 1 denominator).
    public init(
        count: Int, mean: Double, stdDev: Double,
        covariateMean: Double, covariateStdDev: Double, covariance: Double
    ) {
        self.init(count: count, mean: mean, stdDev: stdDev)
        guard count > 0 else { return }
        self.covariateShift = covariateMean
        let degrees = Double(max(count - 1, 0))
        self.covariateSumOfSquaredDeviations = covariateStdDev * covariateStdDev * degrees
        self.coMoment = covariance * degrees
    }

    // MARK: - Accumulation

    /// Adds one unit's metric value `y` (and covariate `x`), by Welford's update.
    public mutating func add(_ y: Double, covariate x: Double = 0) {
        if count == 0 {
            shift = y
            covariateShift = x
        }
        count += 1
        let n = Double(count)
        let offsetY = y - shift, offsetX = x - covariateShift
        let deltaY = offsetY - offsetMean
        let deltaX = offsetX - covariateOffsetMean
        offsetMean += deltaY / n
        covariateOffsetMean += deltaX / n
        // Uses the updated mean for one factor and the old for the other (Welford 1962).
        sumOfSquaredDeviations += deltaY * (offsetY - offsetMean)
        covariateSumOfSquaredDeviations += deltaX * (offsetX - covariateOffsetMean)
        coMoment += deltaX * (offsetY - offsetMean)
    }

    // MARK: - Derived quantities

    /// The mean ȳ.
    public var mean: Double { shift + offsetMean }
    /// The covariate's mean x̄ (0 when there is none).
    public var covariateMean: Double { covariateShift + covariateOffsetMean }

    /// Σy.
    public var sum: Double { mean * Double(count) }
    /// Σy².
    public var sumOfSquares: Double { sumOfSquaredDeviations + mean * mean * Double(count) }
    /// The sample variance s² = Σ(y − ȳ)² / (n − 1); NaN for n < 2.
    public var variance: Double {
        count > 1 ? sumOfSquaredDeviations / Double(count - 1) : .nan
    }
    /// The sample standard deviation s; NaN for n < 2.
    public var stdDev: Double { variance.squareRoot() }
    /// The population (maximum-likelihood) variance Σ(y − ȳ)² / n, which for a 0/1 metric is p(1 − p).
    public var populationVariance: Double {
        count > 0 ? sumOfSquaredDeviations / Double(count) : .nan
    }
    /// The covariate's sample variance; NaN for n < 2.
    public var covariateVariance: Double {
        count > 1 ? covariateSumOfSquaredDeviations / Double(count - 1) : .nan
    }
    /// The sample covariance of covariate and metric; NaN for n < 2.
    public var covariance: Double {
        count > 1 ? coMoment / Double(count - 1) : .nan
    }
}
