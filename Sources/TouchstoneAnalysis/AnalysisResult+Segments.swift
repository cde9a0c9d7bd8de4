import TouchstoneStats

extension AnalysisResult {
    /// Read-outs per segment of one unit attribute (`--by country`): the `segments` block.
    ///
    /// Every segment is analysed as its own experiment (SRM, comparisons, factorial). Slicing
    /// multiplies the number of comparisons, so the segment comparisons form one family of
    /// their own — every segment × arm × metric — corrected with the run's correction; the
    /// overall read-out keeps its own, smaller family. Segment read-outs are exploratory: the
    /// ``Heterogeneity`` tests say whether an effect really differs between segments.
    public struct Segments: Sendable, Hashable, Codable {
        /// The attribute the units were split by.
        public var by: String
        /// Number of comparisons in the segment family (all segments, arms and metrics).
        public var family: Int
        public var results: [SegmentResult]
        /// Frequentist method only: one test per metric and treatment.
        public var heterogeneity: [Heterogeneity]
    }

    /// One segment's read-out; fields as in the overall result.
    public struct SegmentResult: Sendable, Hashable, Codable {
        /// The attribute's value (`""` when it was empty).
        public var segment: String
        public var units: Int
        public var srm: SRM?
        public var metrics: [MetricResult]
        public var factorial: Factorial?
        public var warnings: [String]
    }

    /// Cochran's Q test of whether one treatment's absolute effect on one metric differs across
    /// segments (see ``CochranQ``).
    public struct Heterogeneity: Sendable, Hashable, Codable {
        public var metric: String
        public var variant: String
        public var q: Double
        public var degreesOfFreedom: Int
        public var pValue: Double
        /// I²: the share of the variation between segments beyond sampling error.
        public var iSquared: Double
        /// Segments with a usable estimate (a finite effect with a positive standard error).
        public var segments: Int
        public var diagnostics: [Diagnostic]?
    }
}
