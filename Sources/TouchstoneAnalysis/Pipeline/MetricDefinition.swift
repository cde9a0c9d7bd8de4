import TouchstoneStats

/// A metric computed per unit from the event log, relative to the unit's first exposure.
///
/// Written on the command line as `EVENT[:AGGREGATION]`:
/// - `purchase` or `purchase:conversion` — 1 if the unit had any `purchase` within the window
///   after its first exposure, else 0 (a proportion);
/// - `purchase:sum` — the sum of the events' values within the window (revenue);
/// - `session:count` — the number of events within the window;
/// - `app_open:retention:7` — 1 if the unit had the event during day 7 after exposure, that is
///   in [t₀ + 7·86400 s, t₀ + 8·86400 s) (a proportion).
/// The window after exposure is [t₀, t₀ + W) and the pre-period covariate for CUPED is the same
/// aggregation over [t₀ − W, t₀): every window is half-open (TouchstoneTime's
/// `TimeSpan.contains(elapsed:)`), so an event exactly W after t₀ is outside the window, one at
/// t₀ inside, and an event on a retention-day boundary belongs to the later day only.
public struct MetricDefinition: Sendable, Hashable {
    public enum Aggregation: Sendable, Hashable {
        case conversion
        case sum
        case count
        case retention(day: Int)
    }

    public var event: String
    public var aggregation: Aggregation

    public init(event: String, aggregation: Aggregation) {
        self.event = event
        self.aggregation = aggregation
    }

    /// Parses the command-line form; `nil` when it is malformed.
    public init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let event = parts.first, !event.isEmpty else { return nil }
        self.event = event
        switch parts.count {
        case 1: aggregation = .conversion
        case 2:
            switch parts[1] {
            case "conversion": aggregation = .conversion
            case "sum": aggregation = .sum
            case "count": aggregation = .count
            default: return nil
            }
        case 3:
            guard parts[1] == "retention", let day = Int(parts[2]), (0...Self.maximumRetentionDay).contains(day) else { return nil }
            aggregation = .retention(day: day)
        default:
            return nil
        }
    }

    /// The latest retention day accepted (100 years): day × 86,400 s must stay far inside the
    /// 64-bit seconds of timestamps and of the SQL the push-down generates.
    public static let maximumRetentionDay = 36_500

    /// The name used in results: `purchase`, `purchase:sum`, `app_open:retention:7`.
    public var name: String {
        switch aggregation {
        case .conversion: event
        case .sum: "\(event):sum"
        case .count: "\(event):count"
        case .retention(let day): "\(event):retention:\(day)"
        }
    }

    public var kind: MetricKind {
        switch aggregation {
        case .conversion, .retention: .proportion
        case .sum, .count: .mean
        }
    }

    /// Whether an event's value is needed (only sums read the value column).
    var readsValue: Bool { aggregation == .sum }
}
