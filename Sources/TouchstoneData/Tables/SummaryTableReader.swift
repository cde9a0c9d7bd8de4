import TouchstoneStats

/// Reads per-arm summaries: `variant,units,conversions` (a proportion) or
/// `variant,units,mean,stddev` (a mean, sample standard deviation with n − 1).
///
/// Optional CUPED columns `covariate_mean,covariate_stddev,covariance` may follow a mean summary.
public enum SummaryTableReader {
    public static func read(_ reader: CSVReader, metricName: String? = nil) throws -> ArmTable {
        let variantIndex = try reader.columnIndex("variant")
        let unitsIndex = try reader.columnIndex("units")
        let conversionsIndex = reader.optionalColumnIndex("conversions")
        let meanIndex = reader.optionalColumnIndex("mean")
        let stdDevIndex = reader.optionalColumnIndex("stddev")
        let kind: MetricKind
        switch (conversionsIndex, meanIndex, stdDevIndex) {
        case (.some, nil, _): kind = .proportion
        case (nil, .some, .some): kind = .mean
        case (.some, .some, _):
            throw DataError(file: reader.name, line: 1, message: "the header has both 'conversions' and 'mean': a summary holds one kind of metric")
        default:
            throw DataError(file: reader.name, line: 1, message: "a summary needs 'variant,units,conversions' or 'variant,units,mean,stddev' (header: \(reader.header.joined(separator: ",")))")
        }
        let covariateIndices = ["covariate_mean", "covariate_stddev", "covariance"].map { reader.optionalColumnIndex($0) }
        let hasCovariate = covariateIndices.allSatisfy { $0 != nil }

        var variants: [String] = []
        var arms: [ByteKey: SufficientStatistics] = [:]
        var units: [ByteKey: Int] = [:]
        try reader.forEachRow { row in
            let variant = try row.text(variantIndex, column: "variant")
            guard !variant.isEmpty else { throw row.error(variantIndex, "empty variant name") }
            guard arms[variant] == nil else { throw row.error(variantIndex, "variant '\(variant)' appears twice") }
            let n = try row.integer(unitsIndex, column: "units")
            guard n >= 0 else { throw row.error(unitsIndex, "negative unit count \(n)") }
            let statistics: SufficientStatistics
            if kind == .proportion, let conversionsIndex {
                let conversions = try row.integer(conversionsIndex, column: "conversions")
                guard conversions >= 0 else { throw row.error(conversionsIndex, "negative conversion count \(conversions)") }
                guard conversions <= n else {
                    throw row.error(conversionsIndex, "\(conversions) conversions exceed the \(n) units of '\(variant)'")
                }
                statistics = .proportion(units: n, conversions: conversions)
            } else if let meanIndex, let stdDevIndex {
                let mean = try row.double(meanIndex, column: "mean")
                let stdDev = try row.double(stdDevIndex, column: "stddev")
                guard stdDev >= 0 else { throw row.error(stdDevIndex, "negative standard deviation \(stdDev)") }
                // An arm of no units has no mean: a row giving one contradicts itself, and the
                // analysis would show the arm's mean as 0.
                guard n > 0 || (mean == 0 && stdDev == 0) else {
                    throw row.error(unitsIndex, "'\(variant)' has 0 units but a mean of \(mean) and a stddev of \(stdDev): an arm without units has neither")
                }
                if hasCovariate, case let (a?, b?, c?) = (covariateIndices[0], covariateIndices[1], covariateIndices[2]) {
                    let covariateStdDev = try row.double(b, column: "covariate_stddev")
                    guard covariateStdDev >= 0 else { throw row.error(b, "negative standard deviation \(covariateStdDev)") }
                    let covariance = try row.double(c, column: "covariance")
                    // A correlation lies in [−1, 1]: |cov| ≤ sd_x·sd_y, up to a relative 1e-4 for values printed to a few digits.
                    guard abs(covariance) <= stdDev * covariateStdDev * (1 + 1e-4) + 1e-12 else {
                        throw row.error(
                            c, "covariance \(covariance) exceeds stddev × covariate_stddev = \(stdDev * covariateStdDev): a correlation outside [−1, 1]")
                    }
                    statistics = SufficientStatistics(
                        count: n, mean: mean, stdDev: stdDev, covariateMean: try row.double(a, column: "covariate_mean"),
                        covariateStdDev: covariateStdDev, covariance: covariance)
                } else {
                    statistics = SufficientStatistics(count: n, mean: mean, stdDev: stdDev)
                }
            } else {
                throw row.error(0, "unreadable summary row")
            }
            variants.append(variant)
            arms[variant] = statistics
            units[variant] = n
        }
        guard !variants.isEmpty else {
            throw DataError(file: reader.name, line: 2, message: "the summary has a header but no arms")
        }
        let name = metricName ?? (kind == .proportion ? "conversion" : "value")
        return ArmTable(
            variants: variants,
            metrics: [.init(name: name, kind: kind, arms: arms, covariate: hasCovariate && kind == .mean ? "covariate" : nil)],
            units: units)
    }
}
