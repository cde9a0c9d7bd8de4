/// What `touchstone exposures` reports for one experiment.
public struct ExposureSummary: Sendable {
    public init(
        experiment: String, variants: [(variant: String, units: Int)], units: Int, multiVariantUnits: Int,
        multiVariantExamples: [String], firstExposure: Int64?, lastExposure: Int64?
    ) {
        self.experiment = experiment
        self.variants = variants
        self.units = units
        self.multiVariantUnits = multiVariantUnits
        self.multiVariantExamples = multiVariantExamples
        self.firstExposure = firstExposure
        self.lastExposure = lastExposure
    }

    public let experiment: String
    /// Units per variant, multi-variant units excluded, ordered by variant name.
    public let variants: [(variant: String, units: Int)]
    /// All units exposed, multi-variant ones included.
    public let units: Int
    /// Units seen in more than one variant: excluded from analysis.
    public let multiVariantUnits: Int
    /// Up to the requested number of multi-variant unit ids, sorted.
    public let multiVariantExamples: [String]
    /// Earliest first exposure and latest exposure, microseconds since the epoch.
    public let firstExposure: Int64?
    public let lastExposure: Int64?
}
