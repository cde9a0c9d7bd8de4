/// How a metric is analysed: a 0/1 outcome by the two-proportion z test, anything else by
/// Welch's t test.
public enum MetricKind: String, Sendable, Hashable, Codable, CaseIterable {
    case proportion
    case mean

    /// Runs the comparison this kind calls for.
    public func compare(
        control: SufficientStatistics, treatment: SufficientStatistics, settings: TestSettings
    ) -> Comparison {
        switch self {
        case .proportion: TwoProportionZTest.compare(control: control, treatment: treatment, settings: settings)
        case .mean: WelchTTest.compare(control: control, treatment: treatment, settings: settings)
        }
    }
}
