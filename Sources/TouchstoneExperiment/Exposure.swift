/// One logged exposure: a unit saw a variant of an experiment at a time.
public struct Exposure: Sendable, Hashable {
    public var experiment: String
    public var unitId: String
    public var variant: String
    /// Microseconds since the Unix epoch (UTC), as TouchstoneTime's `Timestamp.microseconds`.
    public var timestamp: Int64

    public init(experiment: String, unitId: String, variant: String, timestamp: Int64) {
        self.experiment = experiment
        self.unitId = unitId
        self.variant = variant
        self.timestamp = timestamp
    }
}
