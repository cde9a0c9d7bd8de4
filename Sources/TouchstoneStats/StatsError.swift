/// An invalid request to the statistics core (a setting, not the data, is wrong).
///
/// Data problems (an empty arm, zero variance) are not errors: they come back as results with
/// ``Diagnostic``s. This error is for arguments no result can be computed for, such as
/// α outside (0, 1) or weights that sum to zero.
public struct StatsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
