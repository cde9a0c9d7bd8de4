import TouchstoneAttribution
import TouchstoneData
import TouchstoneTime

/// The row-by-row touchpoint parser that ``TouchpointRows`` replaced (TouchpointReader before
/// the parallel parser, kept verbatim apart from its result type): one pass over the rows in
/// file order, units numbered through a `[String: Int32]` dictionary. The parallel parser must
/// give exactly its columns, flags and errors.
struct ReferenceTouchpointRows: Equatable {
    var units: [Int32] = [], times: [Int64] = [], touchChannel: [Int32] = []
    var conversions: [Double] = [], values: [Double] = [], views: [Bool] = []
    var ordered = true
    var unitCount = 0
    var channelNames: [String] = []

    init(_ reader: CSVReader, options: TouchpointReader.Options = .init()) throws {
        let c = options.columns
        let unitColumn = try reader.columnIndex(c.unit)
        let timeColumn = try reader.columnIndex(c.timestamp)
        let channelColumn = try reader.columnIndex(c.channel)
        let conversionColumn = try reader.columnIndex(c.conversion)
        let valueColumn = reader.optionalColumnIndex(c.value)
        let typeColumn = reader.optionalColumnIndex(c.type)

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
        self.units = units
        self.times = times
        self.touchChannel = touchChannel
        self.conversions = converts
        self.values = values
        self.views = views
        self.ordered = ordered
        self.unitCount = unitIndex.count
        self.channelNames = channels.names
    }

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
