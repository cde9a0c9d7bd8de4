import TouchstoneData

/// The per-arm statistics of one point of a timeline, ready for ``ExperimentAnalysis``.
public struct TimelinePoint: Sendable, Hashable {
    /// Daily view: the UTC day, `YYYY-MM-DD`.
    public var date: String?
    /// Days-since-exposure view: the day k after first exposure.
    public var day: Int?
    /// The per-arm tables as the plain analysis would build them for this point.
    public var table: ArmTable

    public init(date: String? = nil, day: Int? = nil, table: ArmTable) {
        self.date = date
        self.day = day
        self.table = table
    }
}
