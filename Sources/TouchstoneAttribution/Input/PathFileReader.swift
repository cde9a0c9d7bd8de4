import TouchstoneData

/// Reads aggregated paths in ChannelAttribution's layout.
///
/// Columns `path;total_conversions;total_conversion_value;total_null` (the value and null
/// columns are optional), delimited by `,` `;` or tab (sniffed from the header). Channels in a
/// path are separated by `>` with optional blanks around it (`a > b > c`), as
/// ChannelAttribution's `sep='>'` parser reads them. Counts must be finite and non-negative.
///
/// Two rows that ``PathsQuery`` writes have a meaning of their own: an empty path holds
/// conversions whose lookback window had no touch (added to ``PathSet/unattributedConversions``
/// and ``PathSet/unattributedValue``; its `total_null` must be 0), and a path starting with
/// ``PathsQuery/errorPrefix`` reports a problem the query found in its input, which is thrown
/// with that text.
public enum PathFileReader {
    /// The column names; defaults follow ChannelAttribution's example data.
    public struct Columns: Sendable {
        public var path = "path"
        public var conversions = "total_conversions"
        public var value = "total_conversion_value"
        public var nulls = "total_null"
        public init() {}
    }

    /// Reads `path`; errors name the file, line and column.
    public static func read(path: String, columns: Columns = Columns(), separator: UInt8 = UInt8(ascii: ">")) throws -> PathSet {
        try read(CSVReader(path: path), columns: columns, separator: separator)
    }

    /// Reads from an open CSV reader (for in-memory data and tests).
    public static func read(_ reader: CSVReader, columns: Columns = Columns(), separator: UInt8 = UInt8(ascii: ">")) throws -> PathSet {
        let pathColumn = try reader.columnIndex(columns.path)
        let conversionColumn = try reader.columnIndex(columns.conversions)
        let valueColumn = reader.optionalColumnIndex(columns.value)
        let nullColumn = reader.optionalColumnIndex(columns.nulls)
        var set = PathSet()
        var ids: [Int32] = []
        ids.reserveCapacity(64)
        try reader.forEachRow { row in
            let problem = row.withBytes(pathColumn) { bytes in
                Self.split(bytes, separator: separator, channels: &set.channels, into: &ids)
            }
            if let problem { throw row.error(pathColumn, problem) }
            let conversions = try nonNegative(row, conversionColumn, columns.conversions)
            let value = try valueColumn.map { try nonNegative(row, $0, columns.value) } ?? 0
            let nulls = try nullColumn.map { try nonNegative(row, $0, columns.nulls) } ?? 0
            if let problem = Self.add(ids, conversions: conversions, value: value, nulls: nulls, to: &set) {
                throw row.error(nullColumn ?? pathColumn, problem)
            }
        }
        if let problem = set.overflowProblem { throw DataError(file: reader.name, message: problem) }
        return set
    }

    /// Reads the rows of a ``PathsQuery`` result (`path, total_conversions,
    /// total_conversion_value, total_null`, each cell as text, `nil` for NULL).
    public static func read(rows: [[String?]], separator: UInt8 = UInt8(ascii: ">")) throws(SQLError) -> PathSet {
        var set = PathSet()
        var ids: [Int32] = []
        for (index, row) in rows.enumerated() {
            let place = "result row \(index + 1)"
            guard row.count == 4 else { throw SQLError("\(place): expected 4 columns (path, total_conversions, total_conversion_value, total_null), got \(row.count)") }
            var path = row[0] ?? ""
            let problem = path.withUTF8 { Self.split($0, separator: separator, channels: &set.channels, into: &ids) }
            if let problem { throw SQLError("\(place): \(problem)") }
            func count(_ k: Int, _ name: String) throws(SQLError) -> Double {
                guard let text = row[k], let number = Double(text), number.isFinite, number >= 0 else {
                    throw SQLError("\(place): \(name) '\(row[k] ?? "NULL")' is not a finite non-negative number")
                }
                return number
            }
            let conversions = try count(1, "total_conversions"), value = try count(2, "total_conversion_value")
            let nulls = try count(3, "total_null")
            if let problem = Self.add(ids, conversions: conversions, value: value, nulls: nulls, to: &set) {
                throw SQLError("\(place): \(problem)")
            }
        }
        if let problem = set.overflowProblem { throw SQLError(problem) }
        return set
    }

    /// Splits a path cell into channel ids; returns the problem, if any, as a message.
    private static func split(
        _ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8, channels: inout ChannelTable, into ids: inout [Int32]
    ) -> String? {
        ids.removeAll(keepingCapacity: true)
        let prefix = PathsQuery.errorPrefix.utf8
        if bytes.count >= prefix.count, bytes.prefix(prefix.count).elementsEqual(prefix) {
            return String(decoding: bytes.dropFirst(prefix.count), as: UTF8.self)
                + " (the paths query found them in the touchpoint table)"
        }
        var start = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == separator {
                var lower = start, upper = index
                while lower < upper, bytes[lower] == UInt8(ascii: " ") || bytes[lower] == UInt8(ascii: "\t") { lower += 1 }
                while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") || bytes[upper - 1] == UInt8(ascii: "\t") { upper -= 1 }
                if upper > lower {
                    ids.append(channels.intern(bytes: UnsafeBufferPointer(rebasing: bytes[lower..<upper])))
                } else if index < bytes.count || start > 0 {
                    return "empty channel name in path '\(String(decoding: bytes, as: UTF8.self))'"
                }
                start = index + 1
            }
            index += 1
        }
        return nil
    }

    /// Adds one row: a path, or with no channel the unattributed conversions. Returns a problem.
    private static func add(_ ids: [Int32], conversions: Double, value: Double, nulls: Double, to set: inout PathSet) -> String? {
        guard ids.isEmpty else {
            set.append(path: ids, conversions: conversions, value: value, nulls: nulls)
            return nil
        }
        // An empty path: conversions no touch can be credited with (a journey that never
        // converts always has its last touch, so it cannot be empty).
        guard nulls == 0 else {
            return "an empty path holds unattributed conversions only: its total_null must be 0 (got \(nulls))"
        }
        set.unattributedConversions += conversions
        set.unattributedValue += value
        return nil
    }

    private static func nonNegative(_ row: borrowing CSVRow, _ index: Int, _ name: String) throws -> Double {
        let value = try row.double(index, column: name)
        guard value >= 0 else { throw row.error(index, "'\(row.string(index))' in column '\(name)' is negative") }
        return value
    }
}
