/// Why an attribution could not be computed. Data errors with a location use `DataError` from
/// TouchstoneData instead (file, line, column).
public enum AttributionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input holds no journeys with positive weight.
    case noJourneys
    /// A model option is out of range (the message names it).
    case invalidOption(String)
    /// The model needs touch timestamps, which aggregated paths do not carry.
    case needsTimestamps(model: String)
    /// There are more channels than a method supports.
    case tooManyChannels(count: Int, limit: Int, method: String)
    /// The absorbing-chain solve failed (should not happen for chains built from paths).
    case solveFailed(String)

    public var description: String {
        switch self {
        case .noJourneys: "no journeys with conversions or nulls to attribute"
        case .invalidOption(let message): message
        case .needsTimestamps(let model):
            "the \(model) model needs touch timestamps: use a touchpoint log (--touchpoints), not aggregated paths"
        case .tooManyChannels(let count, let limit, let method):
            "\(method) supports at most \(limit) channels; the data have \(count)"
        case .solveFailed(let message): "the Markov chain solve failed: \(message)"
        }
    }
}
