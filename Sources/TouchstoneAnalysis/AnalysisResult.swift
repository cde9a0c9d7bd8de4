import TouchstoneStats

/// The result of `touchstone analyze`; property names are the JSON output contract.
public struct AnalysisResult: Sendable, Hashable, Codable {
    public struct SRM: Sendable, Hashable, Codable {
        public var chiSquare: Double
        public var pValue: Double
        public var mismatch: Bool
        public var observed: [String: Int]
        public var expected: [String: Double]
        public var threshold: Double
    }

    public struct Arm: Sendable, Hashable, Codable {
        public var variant: String
        public var units: Int
        public var mean: Double
        public var stdDev: Double
    }

    public struct ComparisonResult: Sendable, Hashable, Codable {
        public var variant: String
        public var control: String
        public var absoluteEffect: Double
        public var absoluteCI: Interval
        public var relativeEffect: Double
        public var relativeCI: Interval
        public var pValue: Double
        public var adjustedPValue: Double
        public var significant: Bool
        public var statistic: Double
        public var standardError: Double
        public var diagnostics: [Diagnostic]?
    }

    public struct MetricResult: Sendable, Hashable, Codable {
        public var name: String
        public var kind: MetricKind
        public var arms: [Arm]
        public var comparisons: [ComparisonResult]
    }

    public var experiment: String?
    public var control: String
    public var method: String
    public var alpha: Double
    public var alternative: Alternative
    public var correction: MultipleTestingCorrection
    public var srm: SRM?
    public var metrics: [MetricResult]
    /// Problems with the analysis as a whole (an SRM, say), for humans.
    public var warnings: [String]
}
