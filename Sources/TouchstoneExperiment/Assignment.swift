/// The outcome of assigning one unit to one experiment.
public struct Assignment: Sendable, Hashable {
    /// Why the unit is, or is not, in a variant (the JSON `reason`).
    public enum Reason: String, Sendable, Hashable, CaseIterable, Codable {
        case enrolled
        case forced
        /// The experiment's start/end window excludes the evaluation time.
        case inactive
        /// The unit has no value for the experiment's `unit` attribute.
        case missingUnit = "missing unit"
        case notTargeted = "not targeted"
        case holdout
        case excludedByLayer = "excluded by layer"
        /// The bucket fell outside every variant's range: coverage < 1.
        case coverage
    }

    public let experiment: String
    /// Index into the experiment's variants; `nil` when not enrolled.
    public let variantIndex: Int?
    public let variant: String?
    /// The unit's bucket (hash value) in [0, 1) under the experiment's salt; `nil` without a unit value.
    public let bucket: Double?
    public let reason: Reason

    public init(experiment: String, variantIndex: Int?, variant: String?, bucket: Double?, reason: Reason) {
        self.experiment = experiment
        self.variantIndex = variantIndex
        self.variant = variant
        self.bucket = bucket
        self.reason = reason
    }
}
