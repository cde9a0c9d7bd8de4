/// The alternative hypothesis of a comparison of treatment against control.
///
/// `greater` means the treatment's mean exceeds the control's (effect > 0); `less` the reverse.
public enum Alternative: String, Sendable, Hashable, Codable, CaseIterable {
    case twoSided = "two-sided"
    case greater
    case less
}

extension Alternative {
    /// The p-value of a statistic whose null distribution has the given tails.
    ///
    /// `upper(x)` must be P(S > x) computed directly from the upper tail, so that small
    /// p-values keep full relative precision; symmetric distributions only.
    func pValue(statistic: Double, upperTail upper: (Double) -> Double) -> Double {
        guard !statistic.isNaN else { return .nan }
        switch self {
        case .twoSided: return min(1, 2 * upper(abs(statistic)))
        case .greater: return upper(statistic)
        case .less: return upper(-statistic)
        }
    }

    /// The confidence interval `estimate ± critical · se` for this alternative at level 1 − α;
    /// one-sided alternatives give a half-infinite interval.
    func interval(estimate: Double, standardError: Double, alpha: Double, upperQuantile: (Double) -> Double) -> Interval {
        guard estimate.isFinite, standardError.isFinite, standardError >= 0 else { return .undefined }
        switch self {
        case .twoSided:
            let critical = upperQuantile(alpha / 2)
            return Interval(estimate - critical * standardError, estimate + critical * standardError)
        case .greater:
            return Interval(estimate - upperQuantile(alpha) * standardError, .infinity)
        case .less:
            return Interval(-.infinity, estimate + upperQuantile(alpha) * standardError)
        }
    }
}
