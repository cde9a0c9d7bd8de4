import Foundation
import Testing
import TouchstoneAttribution
import TouchstoneData
import TouchstoneTestSupport
import TouchstoneTime

/// A touchpoint log held as rows, written both as CSV (for ``TouchpointReader``) and as a SQL
/// table (for ``PathsQuery``), so the two path builders read the same data.
struct TouchpointLog {
    struct Row {
        var unit: String
        /// Epoch seconds.
        var time: Int64
        /// The sub-second part, 0..<1,000,000 µs: only `TIMESTAMP`/`TIMESTAMPTZ` tables and the CSV
        /// carry it (an epoch table cannot, and `statements` stops on one).
        var microsecond: Int64 = 0
        /// `nil`: SQL NULL (an empty CSV cell); `""` and blanks are also "no channel".
        var channel: String?
        var conversion: Double
        /// `nil`: SQL NULL, only on touch-only rows (the CSV gets 0, which is unused there).
        var value: Double? = 0
        /// `nil`: SQL NULL (an empty CSV cell).
        var type: String? = nil
    }

    var rows: [Row]
    var hasType: Bool

    var csv: String { csv(iso: false) }

    /// The log as CSV, timestamps as epoch seconds (with a decimal fraction where a row has one)
    /// or, with `iso`, as ISO 8601 text in UTC — what an export of a `TIMESTAMP` column writes.
    func csv(iso: Bool) -> String {
        var text = "unit_id,timestamp,channel,conversion,value" + (hasType ? ",type" : "") + "\n"
        for row in rows {
            let instant = row.time * 1_000_000 + row.microsecond
            let time = iso ? Timestamp.iso8601(microseconds: instant) : Timestamp(microseconds: instant)?.epochText ?? "out-of-range"
            text += "\(row.unit),\(time),\(row.channel ?? ""),\(Self.number(row.conversion)),\(Self.number(row.value ?? 0))"
            text += hasType ? ",\(row.type ?? "")\n" : "\n"
        }
        return text
    }

    /// `CREATE TABLE` and batched `INSERT`s; valid in SQLite and PostgreSQL (`TIMESTAMP` and
    /// `TIMESTAMPTZ` columns: PostgreSQL). `channelCollation` gives the channel column a
    /// collation of its own (PostgreSQL), which the query must not follow.
    func statements(
        table: String, batch: Int = 2_000, channelCollation: String? = nil, timestamps: SQLTimestampKind = .epoch
    ) -> [String] {
        let collation = channelCollation.map { " COLLATE \"\($0)\"" } ?? ""
        let timeType = switch timestamps {
        case .epoch: "BIGINT"
        case .timestamp: "TIMESTAMP"
        case .timestamptz: "TIMESTAMPTZ"
        }
        var result = [
            "CREATE TABLE \(table) (unit_id TEXT, \"timestamp\" \(timeType), channel TEXT\(collation), conversion DOUBLE PRECISION, "
                + "value DOUBLE PRECISION" + (hasType ? ", type TEXT)" : ")"),
        ]
        func text(_ value: String?) -> String { value.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL" }
        var values: [String] = []
        for row in rows {
            let time = Self.literal(row, timestamps)
            var tuple = "(\(text(row.unit)),\(time),\(text(row.channel)),\(Self.number(row.conversion)),"
                + (row.value.map(Self.number) ?? "NULL")
            if hasType { tuple += ",\(text(row.type))" }
            values.append(tuple + ")")
            if values.count == batch {
                result.append("INSERT INTO \(table) VALUES " + values.joined(separator: ","))
                values.removeAll(keepingCapacity: true)
            }
        }
        if !values.isEmpty { result.append("INSERT INTO \(table) VALUES " + values.joined(separator: ",")) }
        return result
    }

    /// A row's time as a SQL literal of the column's kind: epoch seconds; the UTC wall clock
    /// (`TIMESTAMP`, read as UTC); for `TIMESTAMPTZ` the same instant written at +05:45, so the
    /// offset must be applied for the paths to agree.
    static func literal(_ row: Row, _ kind: SQLTimestampKind) -> String {
        let instant = row.time * 1_000_000 + row.microsecond
        func wallClock(_ micros: Int64) -> String { String(Timestamp.iso8601(microseconds: micros).dropLast()) }  // no "Z"
        switch kind {
        case .epoch:
            precondition(row.microsecond == 0, "an epoch table holds whole seconds")
            return String(row.time)
        case .timestamp: return "'\(wallClock(instant))'"
        case .timestamptz: return "'\(wallClock(instant + (5 * 3600 + 45 * 60) * 1_000_000))+05:45'"
        }
    }

    static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)" }

    /// The in-process builder's journeys, aggregated as the query aggregates them; `iso` reads
    /// the times as ISO 8601 text.
    func inProcess(lookback: TimeSpan?, viewLookback: TimeSpan?, iso: Bool = false) throws -> PathSet {
        let reader = try CSVReader(bytes: Array(csv(iso: iso).utf8), name: "log.csv")
        return try TouchpointReader.read(reader, options: .init(lookback: lookback, viewLookback: viewLookback)).aggregated()
    }

    var columns: PathsQuery.Columns {
        var columns = PathsQuery.Columns()
        columns.type = hasType ? "type" : nil
        return columns
    }

    /// The same rows in another order: the paths must not change (ties are resolved by content).
    func shuffled(seed: UInt64) -> TouchpointLog {
        var generator = SeededGenerator(seed: seed)
        var copy = self
        copy.rows.shuffle(using: &generator)
        return copy
    }
}

// MARK: - Logs

extension TouchpointLog {
    static let day: Int64 = 86_400
    static let t0: Int64 = 1_775_001_600  // 2026-04-01T00:00:00Z

    /// Hand-made units for every edge the builders must agree on (lookbacks of 7 days for clicks
    /// and 1 day for views are the interesting ones).
    static var edges: TouchpointLog {
        let t = t0, d = day
        var rows: [Row] = [
            // Exactly 7 days before the conversion (dropped at 7d), one second inside (kept).
            Row(unit: "edge", time: t, channel: "email", conversion: 0, type: "click"),
            Row(unit: "edge", time: t + 1, channel: "push", conversion: 0, type: "click"),
            Row(unit: "edge", time: t + 7 * d, channel: nil, conversion: 1, value: 10, type: nil),
            // A conversion written before two touches at its instant: both join it.
            Row(unit: "tie", time: t + 2 * d, channel: "search", conversion: 0, type: "click"),
            Row(unit: "tie", time: t + 3 * d, channel: nil, conversion: 1, value: 30, type: nil),
            Row(unit: "tie", time: t + 3 * d, channel: "social", conversion: 0, type: "click"),
            Row(unit: "tie", time: t + 3 * d, channel: "display", conversion: 0, type: "view"),
            Row(unit: "tie", time: t + 4 * d, channel: "email", conversion: 1, value: 12.5, type: "click"),
            // Two conversions at one instant with a touch there too: the touch and the earlier
            // touches go to the conversion without a channel (empty sorts first); the one on
            // `push` gets its own touch only.
            Row(unit: "twin", time: t, channel: "sms", conversion: 0, type: "click"),
            Row(unit: "twin", time: t + d, channel: "push", conversion: 1, value: 5, type: "click"),
            Row(unit: "twin", time: t + d, channel: "", conversion: 1, value: 7, type: ""),
            Row(unit: "twin", time: t + d, channel: "email", conversion: 0, type: "click"),
            // Two touches at one instant: bytewise order (`Zoo` < `apple` < `é-mail`).
            Row(unit: "pair", time: t, channel: "é-mail", conversion: 0, type: "click"),
            Row(unit: "pair", time: t, channel: "apple", conversion: 0, type: "click"),
            Row(unit: "pair", time: t, channel: "Zoo", conversion: 0, type: "click"),
            Row(unit: "pair", time: t + 3600, channel: nil, conversion: 1, value: 3, type: nil),
            // Several conversions (one counting 2.5 with its own channel), then a trailing null journey.
            Row(unit: "multi", time: t, channel: "email", conversion: 0, type: "click"),
            Row(unit: "multi", time: t + 8 * 3600, channel: "email", conversion: 2.5, value: 80, type: "click"),
            Row(unit: "multi", time: t + d, channel: "push", conversion: 0, value: nil, type: "click"),
            Row(unit: "multi", time: t + 4 * d, channel: nil, conversion: 1, value: 20, type: nil),
            Row(unit: "multi", time: t + 5 * d, channel: " social ", conversion: 0, type: "CLICK"),
            Row(unit: "multi", time: t + 15 * d, channel: "social", conversion: 0, type: " click"),
            // Never converts; the lookback trims its long null journey from its last touch.
            Row(unit: "none", time: t, channel: "display", conversion: 0, type: "view"),
            Row(unit: "none", time: t + 14 * d, channel: "search", conversion: 0, type: "click"),
            Row(unit: "none", time: t + 15 * d, channel: "search", conversion: 0, type: "click"),
            // Conversion-only units: unattributed.
            Row(unit: "bare", time: t, channel: nil, conversion: 1, value: 9, type: nil),
            Row(unit: "bare", time: t + d, channel: "  ", conversion: 2, value: 4, type: nil),
            // A conversion whose only touch is outside a 7-day window.
            Row(unit: "orphan", time: t, channel: "email", conversion: 0, type: "click"),
            Row(unit: "orphan", time: t + 30 * d, channel: nil, conversion: 1, value: 5, type: nil),
            // Views and clicks: a view exactly 1 day old (dropped at 1d), one a second younger
            // (kept), an old click (kept at 7d), a view at the conversion instant (kept).
            Row(unit: "views", time: t, channel: "search", conversion: 0, type: "click"),
            Row(unit: "views", time: t + 5 * d, channel: "display", conversion: 0, type: "View"),
            Row(unit: "views", time: t + 5 * d + 1, channel: "social", conversion: 0, type: "VIEW"),
            Row(unit: "views", time: t + 6 * d, channel: "video", conversion: 0, type: "view"),
            Row(unit: "views", time: t + 6 * d, channel: nil, conversion: 1, value: 50, type: nil),
            // A view and a click on one channel at one instant.
            Row(unit: "same", time: t, channel: "display", conversion: 0, type: "view"),
            Row(unit: "same", time: t, channel: "display", conversion: 0, type: "click"),
            Row(unit: "same", time: t + 2 * d, channel: "email", conversion: 1, value: 1, type: "click"),
        ]
        // A unit written out of time order and interleaved with another.
        rows.insert(Row(unit: "late", time: t + 11 * d, channel: "push", conversion: 0, type: "click"), at: 4)
        rows.insert(Row(unit: "late", time: t + 10 * d + 23 * 3600, channel: "email", conversion: 0, type: "click"), at: 9)
        rows.append(Row(unit: "late", time: t + 12 * d, channel: nil, conversion: 1, value: 7, type: nil))
        return TouchpointLog(rows: rows, hasType: true)
    }

    /// Random units on an hourly clock, so touches and conversions often share an instant;
    /// channels include non-ASCII names whose bytewise and locale orders differ.
    static func dense(units: Int, seed: UInt64) -> TouchpointLog {
        var generator = SeededGenerator(seed: seed)
        let channels = ["email", "push", "search", "display", "Zoo", "é-mail", "apple", "social"]
        var rows: [Row] = []
        for u in 0..<units {
            var time = t0 + Int64(generator.nextInt(below: 24 * 20)) * 3600
            for _ in 0..<(1 + generator.nextInt(below: 9)) {
                time += Int64(generator.nextInt(below: 40)) * 3600 * (generator.nextUniform() < 0.4 ? 0 : 1)
                let type = generator.nextUniform() < 0.5 ? "view" : "click"
                if generator.nextUniform() < 0.15 {
                    let value = Double(500 + generator.nextInt(below: 9000)) / 100
                    rows.append(Row(unit: "d\(u)", time: time, channel: nil, conversion: Double(1 + generator.nextInt(below: 2)), value: value))
                } else {
                    let channel = channels[generator.nextInt(below: channels.count)]
                    let converts = generator.nextUniform() < 0.08
                    rows.append(Row(
                        unit: "d\(u)", time: time, channel: channel, conversion: converts ? 1 : 0,
                        value: converts ? Double(generator.nextInt(below: 10_000)) / 100 : 0, type: type))
                }
            }
        }
        return TouchpointLog(rows: rows, hasType: true)
    }

    /// `touchstone simulate journeys`'s log (ISO timestamps turned into epoch seconds).
    static func simulated(units: Int, seed: UInt64) throws -> TouchpointLog {
        let (csv, _) = try JourneySimulator(units: units, seed: seed).generate()
        let reader = try CSVReader(bytes: csv, name: "simulated.csv")
        let (unit, time, channel, conversion, value) = (
            try reader.columnIndex("unit_id"), try reader.columnIndex("timestamp"), try reader.columnIndex("channel"),
            try reader.columnIndex("conversion"), try reader.columnIndex("value"))
        var rows: [Row] = []
        try reader.forEachRow { row in
            let micros = try #require(Timestamp.parse(row.string(time))?.microseconds)
            let name = row.string(channel)
            rows.append(Row(
                unit: row.string(unit), time: micros / 1_000_000, channel: name.isEmpty ? nil : name,
                conversion: try row.double(conversion), value: try row.double(value)))
        }
        return TouchpointLog(rows: rows, hasType: false)
    }
}

// MARK: - Comparison

/// Paths keyed by their channel names, for comparing sets built in different orders.
struct PathTable: Equatable, CustomStringConvertible {
    var rows: [[String]: (conversions: Double, value: Double, nulls: Double)]
    var unattributed: (conversions: Double, value: Double)

    init(_ set: PathSet) {
        rows = [:]
        for p in 0..<set.count {
            let key = set.path(p).map { set.channels.names[Int($0)] }
            let old = rows[key] ?? (0, 0, 0)
            rows[key] = (old.conversions + set.conversions[p], old.value + set.values[p], old.nulls + set.nulls[p])
        }
        unattributed = (set.unattributedConversions, set.unattributedValue)
    }

    static func == (a: PathTable, b: PathTable) -> Bool { a.differences(from: b).isEmpty }

    /// Counts exactly, values to 1e-9 relative.
    func differences(from other: PathTable) -> [String] {
        var out: [String] = []
        for key in Set(rows.keys).union(other.rows.keys) {
            guard let x = rows[key], let y = other.rows[key] else {
                out.append("\(key.joined(separator: " > ")): only in \(rows[key] == nil ? "the second" : "the first")")
                continue
            }
            if x.conversions != y.conversions || x.nulls != y.nulls || !isClose(x.value, y.value, relative: 1e-9, absoluteFloor: 1e-9) {
                out.append("\(key.joined(separator: " > ")): \(x) vs \(y)")
            }
        }
        if unattributed.conversions != other.unattributed.conversions
            || !isClose(unattributed.value, other.unattributed.value, relative: 1e-9, absoluteFloor: 1e-9) {
            out.append("unattributed: \(unattributed) vs \(other.unattributed)")
        }
        return out.sorted()
    }

    var description: String { "\(rows.count) paths, unattributed \(unattributed)" }
}

/// The lookback settings every agreement test runs: none, clicks only, clicks and views, views
/// only, and a window that is not a whole number of seconds (1 day + 0.5 s).
enum LookbackCases {
    /// 1 day + 0.5 s: the query's whole-second bound must be ⌈86,400.5⌉ = 86,401.
    static let fractional = TimeSpan(microseconds: 86_400_500_000)

    static let all: [(lookback: TimeSpan?, viewLookback: TimeSpan?)] = [
        (nil, nil), (TimeSpan(days: 7), nil), (TimeSpan(days: 7), TimeSpan(days: 1)), (nil, TimeSpan(days: 1)),
        (fractional, nil),
    ]
}

func expectSamePaths(_ sql: PathSet, _ local: PathSet, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let differences = PathTable(sql).differences(from: PathTable(local))
    let agree = differences.isEmpty  // not inside #expect, which would print every difference
    #expect(agree, "\(label): \(differences.count) differences, first \(differences.prefix(10))", sourceLocation: sourceLocation)
}
