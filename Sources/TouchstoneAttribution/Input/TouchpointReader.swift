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
        let c = options.columns
        let unitColumn = try reader.columnIndex(c.unit)
        let timeColumn = try reader.columnIndex(c.timestamp)
        let channelColumn = try reader.columnIndex(c.channel)
        let conversionColumn = try reader.columnIndex(c.conversion)
        let valueColumn = reader.optionalColumnIndex(c.value)
        let typeColumn = reader.optionalColumnIndex(c.type)
        if options.viewLookback != nil, typeColumn == nil {
            throw AttributionError.invalidOption(
                "--view-lookback needs a '\(c.type)' column (click or view) in the touchpoint log")
        }

        var channels = ChannelTable()
        var unitIndex: [String: Int32] = [:]
        var previousUnit: [UInt8] = []
        var currentUnit: Int32 = -1
        var units: [Int32] = [], times: [Int64] = [], touchChannel: [Int32] = []
        var converts: [Double] = [], values: [Double] = []
        var views: [Bool] = []
        var ordered = true
        try reader.forEachRow { row in
            let same = row.withBytes(unitColumn) { bytes in
                bytes.count == previousUnit.count && bytes.elementsEqual(previousUnit)
            }
            if !same || currentUnit < 0 {
                let name = row.string(unitColumn)
                guard !name.isEmpty else { throw row.error(unitColumn, "empty unit id") }
                previousUnit = Array(name.utf8)
                if let known = unitIndex[name] {
                    currentUnit = known
                    ordered = false
                } else {
                    currentUnit = Int32(unitIndex.count)
                    unitIndex[name] = currentUnit
                }
            }
            guard let time = row.withBytes(timeColumn, { Timestamp.parse($0)?.microseconds }) else {
                throw row.error(timeColumn, Timestamp.rejection(of: row.string(timeColumn)))
            }
            if ordered, let last = times.last, units.last == currentUnit, time < last { ordered = false }
            let channel: Int32 = row.isEmpty(channelColumn)
                ? -1 : row.withBytes(channelColumn) { bytes in
                    var lower = 0, upper = bytes.count
                    while lower < upper, bytes[lower] == UInt8(ascii: " ") { lower += 1 }
                    while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
                    return upper > lower ? channels.intern(bytes: UnsafeBufferPointer(rebasing: bytes[lower..<upper])) : -1
                }
            let conversion = try row.double(conversionColumn, column: c.conversion)
            guard conversion >= 0 else { throw row.error(conversionColumn, "conversion must be 0 or a positive count") }
            let value = try valueColumn.map { try row.double($0, column: c.value) } ?? 0
            if channel < 0, conversion == 0 {
                throw row.error(channelColumn, "a row needs a channel, a conversion, or both")
            }
            if let typeColumn {
                views.append(try Self.isView(row, typeColumn, hasChannel: channel >= 0, name: c.type))
            }
            units.append(currentUnit)
            times.append(time)
            touchChannel.append(channel)
            converts.append(conversion)
            values.append(conversion > 0 ? value : 0)
        }

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
        set.unitCount = unitIndex.count
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
        return set
    }

    /// Whether a row's `type` cell says `view` (`click` otherwise); anything else is an error.
    private static func isView(_ row: borrowing CSVRow, _ column: Int, hasChannel: Bool, name: String) throws -> Bool {
        let kind = row.withBytes(column) { bytes -> Int in
            var lower = 0, upper = bytes.count
            while lower < upper, bytes[lower] == UInt8(ascii: " ") { lower += 1 }
            while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") { upper -= 1 }
            let word = bytes[lower..<upper].map { $0 | 0x20 }  // ASCII lower case
            if word.isEmpty { return 0 }
            if word.elementsEqual("click".utf8) { return 1 }
            if word.elementsEqual("view".utf8) { return 2 }
            return -1
        }
        switch kind {
        case 1: return false
        case 2: return true
        case 0 where !hasChannel: return false
        case 0: throw row.error(column, "empty \(name): a touch must be 'click' or 'view'")
        default: throw row.error(column, "unknown \(name) '\(row.string(column))': use 'click' or 'view'")
        }
    }
}
