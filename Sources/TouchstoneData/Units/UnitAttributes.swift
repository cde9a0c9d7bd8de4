import Foundation

/// Per-unit attributes for targeting, read from CSV (a `unit_id` column plus one column per
/// attribute; empty cells mean "no such attribute") or JSON Lines (one object per unit with a
/// `unit_id` key; numbers and booleans become text, nulls and nested values are missing).
public struct UnitAttributes: Sendable {
    /// Unit ids in file order (first occurrence).
    public var order: [String]
    /// Attributes per unit id, the ids compared as bytes (never merged by Unicode normalisation).
    public var byUnit: [ByteKey: [String: String]]
    /// The line of each unit's row, to name both lines of a repeated unit.
    private var lines: [ByteKey: Int] = [:]

    public init(order: [String], byUnit: [ByteKey: [String: String]]) {
        self.order = order
        self.byUnit = byUnit
    }

    public static func read(path: String) throws -> UnitAttributes {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, message: "cannot read the file (missing or unreadable)")
        }
        let bytes = [UInt8](data)
        var table = UnitAttributes(order: [], byUnit: [:])
        if ExposureLogReader.isJSONLines(path: path, bytes: bytes) {
            for (offset, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
                // JSONDecoder would keep one of two values of a repeated key, silently.
                if let repeated = JSONDuplicateKeys.first(in: Data(line)) {
                    throw DataError(file: path, line: offset + 1, column: repeated.column, message: "duplicate key '\(repeated.key)'")
                }
                let fields: [String: JSONScalar]
                do { fields = try JSONDecoder().decode([String: JSONScalar].self, from: Data(line)) } catch {
                    throw DataError(file: path, line: offset + 1, message: "not a JSON object of attribute values")
                }
                let attributes = fields.compactMapValues(\.text)
                guard let unit = attributes["unit_id"], !unit.isEmpty else {
                    throw DataError(file: path, line: offset + 1, message: "missing 'unit_id'")
                }
                try table.add(unit, attributes, line: offset + 1, path: path)
            }
            return table
        }
        let reader = try CSVReader(bytes: bytes, name: path)
        let unitColumn = try reader.columnIndex("unit_id")
        try reader.forEachRow { row in
            guard !row.isEmpty(unitColumn) else { throw row.error(unitColumn, "empty unit_id") }
            var attributes: [String: String] = [:]
            for (index, name) in reader.header.enumerated() where !row.isEmpty(index) {
                attributes[name] = row.string(index)
            }
            try table.add(row.string(unitColumn), attributes, line: row.line, path: path)
        }
        return table
    }

    /// Adds one unit's row; a unit with two rows is refused, since which row's attributes
    /// target it cannot be known (taking either enrols or excludes it by file order).
    mutating func add(_ unit: String, _ attributes: [String: String], line: Int, path: String) throws {
        if let first = lines.updateValue(line, forKey: ByteKey(unit)) {
            throw DataError(file: path, line: line, message: "unit '\(unit)' has a second row (the first is on line \(first)): give each unit's attributes once")
        }
        order.append(unit)
        byUnit[unit] = attributes
    }
}

/// One JSON attribute value as text: strings as they are, numbers without a needless `.0`,
/// booleans as `true`/`false`, `null` and nested values as missing.
private enum JSONScalar: Decodable {
    case text(String?)

    var text: String? {
        switch self { case .text(let value): return value }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .text(nil)
        } else if let flag = try? container.decode(Bool.self) {
            self = .text(flag ? "true" : "false")
        } else if let number = try? container.decode(Double.self) {
            let integral = number == number.rounded() && abs(number) < 9e15
            self = .text(integral ? String(Int64(number)) : String(number))
        } else if let string = try? container.decode(String.self) {
            self = .text(string)
        } else {
            self = .text(nil)
        }
    }
}
