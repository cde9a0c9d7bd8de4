import TouchstoneData
import TouchstoneStats

extension AnalysisResult {
    /// One covariate's pre-period balance between one treatment arm and control (the `balance`
    /// list of the contract).
    public struct Balance: Sendable, Hashable, Codable {
        public var covariate: String
        public var variant: String
        /// (x̄_t − x̄_c) / √((s²_t + s²_c)/2).
        public var standardizedDifference: Double
        /// Welch's two-sided p-value of x̄_t − x̄_c.
        public var pValue: Double
        /// Bonferroni over every balance test of the analysis (covariates × treatment arms):
        /// min(1, m·p). The imbalance warning fires when it is below the threshold, so an A/A
        /// experiment raises it with probability at most the threshold, however many
        /// covariates it has.
        public var adjustedPValue: Double
    }
}

/// The pre-period balance check of every covariate an analysis adjusts by, for every treatment
/// arm against control: the guard against arms that differed before the experiment began (a
/// targeting rule evaluated after assignment, exposure logged only on some path, a pre-period
/// that overlaps the treatment).
///
/// A covariate shared by several metrics (`--pre-exposure-covariates all`) is tested once, with
/// the units of the first metric that carries it.
public enum BalanceCheck {
    /// The default family-wise threshold (0.1%, the SRM check's).
    public static let defaultThreshold = 0.001

    /// Every covariate × treatment test, Bonferroni-adjusted over all of them; empty without covariates.
    public static func run(_ table: ArmTable, control: String, threshold: Double = defaultThreshold)
        -> (balance: [AnalysisResult.Balance], warning: String?)
    {
        // covariate name → per-variant statistics of the covariate
        var order: [String] = []
        var perArm: [String: [ByteKey: SufficientStatistics]] = [:]
        for metric in table.metrics where metric.kind != .ratio {
            if metric.covariates.count >= 2 {
                for (i, name) in metric.covariates.enumerated() where perArm[name] == nil {
                    order.append(name)
                    perArm[name] = metric.jointArms.mapValues { $0.covariate(i + 1) }
                }
            } else if let name = metric.covariate, perArm[name] == nil {
                order.append(name)
                perArm[name] = metric.arms.mapValues { s in
                    SufficientStatistics(count: s.count, mean: s.covariateMean, stdDev: s.count > 1 ? s.covariateVariance.squareRoot() : 0)
                }
            }
        }
        let controlKey = ByteKey(control)
        var balance: [AnalysisResult.Balance] = []
        for name in order {
            guard let arms = perArm[name] else { continue }
            let c = arms[controlKey] ?? SufficientStatistics()
            for variant in table.variants where !variant.bytewiseEquals(control) {
                let check = CovariateBalance(control: c, treatment: arms[ByteKey(variant)] ?? SufficientStatistics())
                balance.append(.init(
                    covariate: name, variant: variant, standardizedDifference: check.standardizedDifference,
                    pValue: check.pValue, adjustedPValue: .nan))
            }
        }
        let m = Double(balance.count)
        for i in balance.indices where balance[i].pValue.isFinite {
            balance[i].adjustedPValue = min(1, balance[i].pValue * m)
        }
        let flagged = balance.filter { $0.adjustedPValue < threshold }
        guard let worst = flagged.min(by: { $0.adjustedPValue < $1.adjustedPValue }) else { return (balance, nil) }
        let list = flagged.prefix(5).map { "'\($0.covariate)' in '\($0.variant)' (d = \(format($0.standardizedDifference)))" }
            .joined(separator: ", ") + (flagged.count > 5 ? ", … \(flagged.count) in all" : "")
        return (balance, "Pre-period imbalance: the arms already differed before the experiment began in \(list); "
            + "smallest Bonferroni-adjusted p = \(format(worst.adjustedPValue)) over \(balance.count) balance tests. "
            + "Check how units were assigned and exposed (targeting evaluated after assignment, exposure logged on one path only) "
            + "before trusting any effect; CUPED adjusts for the covariates but not for whatever else differs.")
    }

    private static func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%.3g", value) : "\(value)"
    }
}
