import TouchstoneData

/// Reads aggregated paths in ChannelAttribution's layout.
///
/// Columns `path;total_conversions;total_conversion_value;total_null` (the value and null
/// columns are optional), delimited by `,` `;` or tab (sniffed from the header). Channels in a
/// path are separated by `>` with optional blanks around it (`a > b > c`), as
/// ChannelAttribution's `sep='>'` parser reads them. Counts must be finite and non-negative.
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
            ids.removeAll(keepingCapacity: true)
            try row.withBytes(pathColumn) { bytes in
                var start = 0
                var index = 0
                while index <= bytes.count {
                    if index == bytes.count || bytes[index] == separator {
                        var lower = start, upper = index
                        while lower < upper, bytes[lower] == UInt8(ascii: " ") || bytes[lower] == UInt8(ascii: "\t") { lower += 1 }
                        while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") || bytes[upper - 1] == UInt8(ascii: "\t") { upper -= 1 }
                        if upper > lower {
                            ids.append(set.channels.intern(bytes: UnsafeBufferPointer(rebasing: bytes[lower..<upper])))
                        } else if index < bytes.count || start > 0 {
                            throw row.error(pathColumn, "empty channel name in path '\(row.string(pathColumn))'")
                        }
                        start = index + 1
                    }
                    index += 1
                }
            }
            guard !ids.isEmpty else { throw row.error(pathColumn, "empty path") }
            let conversions = try nonNegative(row, conversionColumn, columns.conversions)
            let value = try valueColumn.map { try nonNegative(row, $0, columns.value) } ?? 0
            let nulls = try nullColumn.map { try nonNegative(row, $0, columns.nulls) } ?? 0
            set.append(path: ids, conversions: conversions, value: value, nulls: nulls)
        }
        return set
    }

    private static func nonNegative(_ row: borrowing CSVRow, _ index: Int, _ name: String) throws -> Double {
        let value = try row.double(index, column: name)
        guard value >= 0 else { throw row.error(index, "'\(row.string(index))' in column '\(name)' is negative") }
        return value
    }
}
