#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits one JSON Lines object into the fields of ``CSVReader``'s columns.
///
/// The value of each key that is a column becomes a ``CSVField`` pointing into the input
/// (escaped strings are checked here and unescaped only when read); other keys are skipped,
/// nested values included. One scanner is reused for every line of a scan, so the common line
/// allocates nothing.
struct JSONRecordScanner {
    /// The column keys as bytes.
    private(set) var keys: [[UInt8]]
    /// Columns someone asked for: a nested value there is an error rather than an empty field.
    private var requested: [Bool]
    /// `true` while reading the header sample: unknown keys become columns.
    private let learns: Bool
    /// The fields of the last line scanned, one per column.
    private(set) var fields: [CSVField]
    /// The column matched by the n-th key of the previous line: lines of a log mostly list their
    /// keys in the same order, so this makes the lookup one comparison.
    private var hints: [Int] = []
    /// Per column: the key needs no escaping in JSON (no quote, backslash or control byte), so
    /// its raw spelling between quotes is exactly its bytes.
    private var plainKeys: [Bool]
    /// Per column: the quoted spelling `"key"` of a plain key of at most 14 bytes, as two
    /// masked words, so the common line matches its keys without a call or a retain.
    private var quotedKeys: [QuotedKey?]

    /// `"key"` packed little-endian into two words, with masks for its length.
    private struct QuotedKey {
        var low: UInt64 = 0, high: UInt64 = 0, lowMask: UInt64 = 0, highMask: UInt64 = 0
        var length: Int

        init?(_ key: [UInt8]) {
            guard JSONRecordScanner.isPlain(key), key.count + 2 <= 16 else { return nil }
            let bytes = [UInt8(ascii: "\"")] + key + [UInt8(ascii: "\"")]
            length = bytes.count
            for (index, byte) in bytes.enumerated() {
                let shift = UInt64(8 * (index % 8))
                if index < 8 {
                    low |= UInt64(byte) << shift
                    lowMask |= 0xFF << shift
                } else {
                    high |= UInt64(byte) << shift
                    highMask |= 0xFF << shift
                }
            }
        }
    }
    /// Keys of this line that are not columns (bytes back to back, with their ends), to reject
    /// duplicates among them too.
    private var otherKeys: [UInt8] = []
    private var otherKeyEnds: [Int] = []
    /// Decoded keys, and escaped values decoded once to check their escapes.
    private var scratch: [UInt8] = []

    /// Columns every line must carry: a line without one is an error naming the key.
    private let required: [Int]

    init(keys: [[UInt8]], requested: [Bool], learns: Bool, required: [Bool] = []) {
        self.keys = keys
        self.plainKeys = keys.map(Self.isPlain)
        self.quotedKeys = keys.map(QuotedKey.init)
        self.requested = requested
        self.required = required.indices.filter { required[$0] }
        self.learns = learns
        fields = Array(repeating: CSVField(start: 0, end: 0, kind: .missing), count: keys.count)
    }

    /// Scans the line `start..<end` (without its line break); `false` when the line is blank.
    /// `name` (the file's, for errors) is borrowed: it must stay valid during the call.
    mutating func scan(
        _ buffer: UnsafeBufferPointer<UInt8>, start: Int, end: Int, line: Int, name: UnsafePointer<String>
    ) throws -> Bool {
        var scanner = JSONLineScanner(buffer: buffer, index: start, end: end, lineStart: start, line: line, name: name)
        scanner.skipSpaces()
        guard scanner.index < end else { return false }
        for column in fields.indices { fields[column] = CSVField(start: start, end: start, kind: .missing) }
        if !otherKeyEnds.isEmpty {
            otherKeys.removeAll(keepingCapacity: true)
            otherKeyEnds.removeAll(keepingCapacity: true)
        }
        try scanner.expect(UInt8(ascii: "{"))
        scanner.skipSpaces()
        if scanner.index < end, buffer[scanner.index] == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            var position = 0
            while true {
                guard position < InputLimits.maximumColumns else {
                    throw scanner.error("more than \(InputLimits.maximumColumns) keys on one line (the limit of columns)")
                }
                scanner.skipSpaces()
                try member(&scanner, position: position)
                position += 1
                scanner.skipSpaces()
                guard scanner.index < end else { throw scanner.error("unterminated object: expected ',' or '}'") }
                if buffer[scanner.index] == UInt8(ascii: ",") {
                    scanner.index += 1
                    continue
                }
                if buffer[scanner.index] == UInt8(ascii: "}") {
                    scanner.index += 1
                    break
                }
                throw scanner.error("expected ',' or '}'")
            }
        }
        scanner.skipSpaces()
        guard scanner.index == end else { throw scanner.error("unexpected text after the object") }
        for column in required where fields[column].kind == .missing {
            throw DataError(
                file: name.pointee, line: line, column: 1,
                message: "missing key '\(String(decoding: keys[column], as: UTF8.self))' (required on every line, as its column is in CSV)")
        }
        return true
    }

    /// One `"key": value` pair, the key at the n-th `position` of the object.
    private mutating func member(_ scanner: inout JSONLineScanner, position: Int) throws {
        let keyStart = scanner.index
        let buffer = scanner.buffer
        var column: Int?
        if let hinted = spelledAsHinted(buffer, at: keyStart, end: scanner.end, position: position) {
            // The common line: the key the previous line had here, written plainly. Matching its
            // quoted bytes in place is what scanning and looking it up would conclude.
            scanner.index = keyStart + keys[hinted].count + 2
            column = hinted
        } else {
            column = try lookUpKey(&scanner, keyStart: keyStart, position: position)
        }
        try scanner.expect(UInt8(ascii: ":"))
        scanner.skipSpaces()
        guard scanner.index < scanner.end else { throw scanner.error("expected a value") }
        guard let column else {
            try scanner.skipValue()
            return
        }
        guard fields[column].kind == .missing else {
            throw scanner.error("duplicate key '\(String(decoding: keys[column], as: UTF8.self))'", at: keyStart)
        }
        fields[column] = try value(&scanner, column: column)
    }

    /// The hinted column of this position when the bytes at `keyStart` are exactly its key
    /// between quotes, else `nil`.
    @inline(__always)
    private func spelledAsHinted(_ buffer: UnsafeBufferPointer<UInt8>, at keyStart: Int, end: Int, position: Int) -> Int? {
        guard position < hints.count else { return nil }
        let hint = hints[position]
        guard hint >= 0, plainKeys[hint] else { return nil }
#if _endian(little)
        if let quoted = quotedKeys[hint], let base = buffer.baseAddress, keyStart + 16 <= buffer.count {
            guard keyStart + quoted.length <= end else { return nil }
            let low = UnsafeRawPointer(base + keyStart).loadUnaligned(as: UInt64.self)
            let high = UnsafeRawPointer(base + keyStart + 8).loadUnaligned(as: UInt64.self)
            return low & quoted.lowMask == quoted.low && high & quoted.highMask == quoted.high ? hint : nil
        }
#endif
        let key = keys[hint]
        let closing = keyStart + 1 + key.count
        guard closing < end, buffer[keyStart] == UInt8(ascii: "\""), buffer[closing] == UInt8(ascii: "\"") else { return nil }
        return UnsafeBufferPointer(rebasing: buffer[(keyStart + 1)..<closing]).bytesEqual(key) ? hint : nil
    }

    /// Scans the key at `keyStart` and finds its column (learning it while sampling); `nil` for a
    /// key that is not a column.
    private mutating func lookUpKey(_ scanner: inout JSONLineScanner, keyStart: Int, position: Int) throws -> Int? {
        let (keyRange, keyEscaped) = try scanner.scanString()
        let buffer = scanner.buffer
        var column: Int?
        if keyEscaped {
            try scanner.decode(keyRange, into: &scratch)
            column = scratch.withUnsafeBufferPointer { lookUp($0, position: position) }
        } else {
            column = lookUp(UnsafeBufferPointer(rebasing: buffer[keyRange]), position: position)
        }
        if column == nil {
            let key = keyEscaped ? scratch : Array(buffer[keyRange])
            if learns {
                guard keys.count < InputLimits.maximumColumns else {
                    throw scanner.error("more than \(InputLimits.maximumColumns) distinct keys (the limit of columns)", at: keyStart)
                }
                guard String(validating: key, as: UTF8.self) != nil else {
                    throw scanner.error("the key is not valid UTF-8 text", at: keyStart)
                }
                keys.append(key)
                plainKeys.append(Self.isPlain(key))
                quotedKeys.append(QuotedKey(key))
                requested.append(false)
                fields.append(CSVField(start: scanner.lineStart, end: scanner.lineStart, kind: .missing))
                column = keys.count - 1
            } else {
                try noteOtherKey(key, scanner: scanner, at: keyStart)
            }
        }
        return column
    }

    fileprivate static func isPlain(_ key: [UInt8]) -> Bool {
        !key.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }
    }

    /// The scalar value at the scanner for `column`.
    private mutating func value(_ scanner: inout JSONLineScanner, column: Int) throws -> CSVField {
        let start = scanner.index
        switch scanner.buffer[start] {
        case UInt8(ascii: "\""):
            let (range, escaped) = try scanner.scanString()
            if escaped { try scanner.decode(range, into: &scratch) }
            return CSVField(start: range.lowerBound, end: range.upperBound, kind: escaped ? .escaped : .jsonString)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try scanner.strictNumber()
            return CSVField(start: range.lowerBound, end: range.upperBound, kind: .plain)
        case UInt8(ascii: "t"):
            let range = try scanner.literal("true")
            return CSVField(start: range.lowerBound, end: range.upperBound, kind: .plain)
        case UInt8(ascii: "f"):
            let range = try scanner.literal("false")
            return CSVField(start: range.lowerBound, end: range.upperBound, kind: .plain)
        case UInt8(ascii: "n"):
            _ = try scanner.literal("null")
            return CSVField(start: start, end: start, kind: .empty)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            if requested[column] {
                let key = String(decoding: keys[column], as: UTF8.self)
                throw scanner.error("'\(key)' must be a string, number, true/false or null")
            }
            try scanner.skipValue()
            return CSVField(start: start, end: start, kind: .empty)
        default:
            throw scanner.error("expected a value")
        }
    }

    /// The column of `key`: first the column the key at this position had on the previous line.
    private mutating func lookUp(_ key: UnsafeBufferPointer<UInt8>, position: Int) -> Int? {
        if position < hints.count {
            let hint = hints[position]
            if hint >= 0, Self.equal(keys[hint], key) { return hint }
        } else {
            hints.append(-1)
        }
        for column in keys.indices where Self.equal(keys[column], key) {
            hints[position] = column
            return column
        }
        return nil
    }

    /// Remembers a key that is not a column, rejecting a second occurrence on the same line.
    private mutating func noteOtherKey(_ key: [UInt8], scanner: JSONLineScanner, at keyStart: Int) throws {
        var start = 0
        for end in otherKeyEnds {
            if otherKeys[start..<end].elementsEqual(key) {
                throw scanner.error("duplicate key '\(String(decoding: key, as: UTF8.self))'", at: keyStart)
            }
            start = end
        }
        otherKeys.append(contentsOf: key)
        otherKeyEnds.append(otherKeys.count)
    }

    private static func equal(_ lhs: [UInt8], _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBufferPointer { lhs in
            guard let a = lhs.baseAddress, let b = rhs.baseAddress else { return true }
            return memcmp(a, b, rhs.count) == 0
        }
    }
}
