import Foundation
import TouchstoneData
import TouchstoneTime

/// Turns a touchpoint log into journeys.
///
/// Input columns `unit_id,timestamp,channel,conversion,value` (names configurable). Each unit's
/// rows are ordered by time, rows at the same instant by `TouchpointOrder`'s tie rule (touches
/// before conversions, then channel bytewise, …) so that the journeys never depend on file order
/// and equal those of the SQL query ``PathsQuery``. Touches accumulate until a row with
/// `conversion` > 0 closes the journey: the conversion is credited to the touches seen so far,
/// including a touch on the converting row itself when its `channel` is not empty. A unit may
/// convert several times; each conversion starts a new journey. With a lookback window L, a touch
/// is kept when conversion − touch lies in [0, L) (the package's half-open window rule,
/// ``TimeSpan/contains(elapsed:)``): a touch at the conversion instant counts, one exactly L
/// before it does not. Times are compared in microseconds (``Timestamp``). Touches left when a unit's rows end
/// form a non-converting ("null") journey, as ChannelAttribution's `total_null` counts them.
/// A conversion with no touch inside its window cannot be credited to any channel; it is
/// counted in ``PathSet/unattributedConversions``.
///
/// Views and clicks: an optional column `type` marks each touch `click` or `view` (any letter
/// case). With ``Options/viewLookback`` a view is kept only when end − touch lies in
/// [0, viewLookback), while clicks keep ``Options/lookback`` — the separate engaged-view and
/// click windows of GA4 and the ad platforms (a view is weaker evidence, so it expires sooner).
/// Without `viewLookback`, views follow `lookback` like clicks. Any other `type` value, or an
/// empty one on a row with a channel, is an error naming its file, line and column; a
/// conversion-only row (no channel) may leave it empty.
///
/// The log is parsed on every core (``TouchpointRows``, the raw-log pipeline's chunked byte
/// parsing); unit ids are compared as bytes, so ids that differ in their bytes are two units.
public enum TouchpointReader {
    public struct Columns: Sendable {
        public var unit = "unit_id"
        public var timestamp = "timestamp"
        public var channel = "channel"
        public var conversion = "conversion"
        public var value = "value"
        /// Optional: `click` or `view`.
        public var type = "type"
        public init() {}
    }

    public struct Options: Sendable {
        /// Touches `lookback` or more before the conversion are ignored (`nil`: keep all).
        public var lookback: TimeSpan?
        /// View touches `viewLookback` or more before the conversion are ignored (`nil`: views
        /// follow ``lookback``). Needs the `type` column.
        public var viewLookback: TimeSpan?
        public var columns = Columns()
        /// Threads the log is parsed on (the journeys do not depend on it).
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        public init(lookback: TimeSpan? = nil, viewLookback: TimeSpan? = nil) {
            self.lookback = lookback
            self.viewLookback = viewLookback
        }
    }

    public static func read(path: String, options: Options = Options()) throws -> PathSet {
        try read(CSVReader(path: path), options: options)
    }

    /// - Complexity: O(rows) when the log is grouped by unit and sorted by time (as logs
    ///   usually are, and as `touchstone simulate journeys` writes them); O(rows log rows) otherwise.
    public static func read(_ reader: CSVReader, options: Options = Options()) throws -> PathSet {
        // Parsing (in parallel chunks) gives the rows as columns in file order; journeys are built below.
        let rows = try TouchpointRows(reader, options: options, threads: options.threads)
        let channels = rows.channels
        let (units, times, touchChannel) = (rows.units, rows.times, rows.touchChannel)
        let (converts, values, views) = (rows.conversions, rows.values, rows.views)
        let ordered = rows.ordered

        var order: [Int]? = nil
        if !ordered {
            var indices = Array(0..<units.count)
            indices.sort { lhs, rhs in
                if units[lhs] != units[rhs] { return units[lhs] < units[rhs] }
                if times[lhs] != times[rhs] { return times[lhs] < times[rhs] }
                return lhs < rhs
            }
            order = indices
        }
        order = TouchpointOrder.resolvingTies(
            order: order, units: units, times: times, channels: touchChannel, names: channels.names,
            conversions: converts, values: values, views: views)

        var set = PathSet(channels: channels)
        set.ages = []
        set.units = []
        set.unitCount = rows.unitCount
        var pending: [Int32] = [], pendingTimes: [Int64] = [], pendingViews: [Bool] = []
        var path: [Int32] = [], ages: [Double] = []
        var unattributed = 0.0, unattributedValue = 0.0

        func close(unit: Int32, at end: Int64, conversions: Double, value: Double) {
            path.removeAll(keepingCapacity: true)
            ages.removeAll(keepingCapacity: true)
            for (k, id) in pending.enumerated() {
                let age = end - pendingTimes[k]
                let window = pendingViews[k] ? options.viewLookback ?? options.lookback : options.lookback
                if let window, !window.contains(elapsed: age) { continue }
                path.append(id)
                ages.append(Double(age) / 1_000_000)
            }
            pending.removeAll(keepingCapacity: true)
            pendingTimes.removeAll(keepingCapacity: true)
            pendingViews.removeAll(keepingCapacity: true)
            if path.isEmpty {
                unattributed += conversions
                unattributedValue += value
                return
            }
            set.append(path: path, conversions: conversions, value: value, nulls: conversions > 0 ? 0 : 1, ages: ages, unit: unit)
        }

        let n = units.count
        var k = 0
        while k < n {
            let row = order?[k] ?? k
            let unit = units[row]
            if touchChannel[row] >= 0 {
                pending.append(touchChannel[row])
                pendingTimes.append(times[row])
                pendingViews.append(views.isEmpty ? false : views[row])
            }
            if converts[row] > 0 {
                close(unit: unit, at: times[row], conversions: converts[row], value: values[row])
            }
            let nextUnit = k + 1 < n ? units[order?[k + 1] ?? (k + 1)] : -1
            if nextUnit != unit, !pending.isEmpty, let last = pendingTimes.last {
                close(unit: unit, at: last, conversions: 0, value: 0)
            }
            k += 1
        }
        set.unattributedConversions = unattributed
        set.unattributedValue = unattributedValue
        if let first = times.min(), let last = times.max() { set.period = first...last }
        if let problem = set.overflowProblem { throw DataError(file: reader.name, message: problem) }
        return set
    }
}
