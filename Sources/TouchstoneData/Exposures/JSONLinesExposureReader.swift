import TouchstoneExperiment

/// A byte-level reader for JSON Lines exposure logs: one flat object per line,
/// `{"unit_id": "u1", "experiment": "e", "variant": "control", "timestamp": "2026-03-01T12:00:00Z"}`.
///
/// Only the four keys are decoded (other keys are skipped, nested values included); `unit_id`
/// may be a number and `timestamp` a number of epoch seconds. Strings without escapes are handed
/// out in place; escaped ones (RFC 8259 §7, including `\u` surrogate pairs) are decoded into a
/// reused scratch buffer. Errors carry the 1-based line and byte column.
enum JSONLinesExposureReader {
    static func forEach(bytes: [UInt8], name: String, _ body: (ExposureFields) throws -> Void) throws -> Int {
        var rows = 0
        var scratch = [[UInt8]](repeating: [], count: 4)
        try bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            var line = 1
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { lineStart = 3 }
            while lineStart < buffer.count {
                var lineEnd = lineStart
                while lineEnd < buffer.count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
                var parser = Parser(buffer: buffer, index: lineStart, end: lineEnd, lineStart: lineStart, line: line, name: name)
                parser.skipSpaces()
                if parser.index < lineEnd {
                    try parser.object(scratch: &scratch, body)
                    rows += 1
                }
                lineStart = lineEnd + 1
                line += 1
            }
        }
        return rows
    }

    private struct Parser {
        let buffer: UnsafeBufferPointer<UInt8>
        var index: Int
        let end: Int
        let lineStart: Int
        let line: Int
        let name: String

        func error(_ message: String) -> DataError {
            DataError(file: name, line: line, column: index - lineStart + 1, message: message)
        }

        mutating func skipSpaces() {
            while index < end, buffer[index] == 0x20 || buffer[index] == 0x09 || buffer[index] == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipSpaces()
            guard index < end, buffer[index] == byte else {
                throw error("expected '\(Character(Unicode.Scalar(byte)))'")
            }
            index += 1
        }

        /// Key indices: 0 unit_id, 1 experiment, 2 variant, 3 timestamp.
        func keyIndex(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
            switch key.count {
            case 7 where key.elementsEqual("unit_id".utf8): return 0
            case 10 where key.elementsEqual("experiment".utf8): return 1
            case 7 where key.elementsEqual("variant".utf8): return 2
            case 9 where key.elementsEqual("timestamp".utf8): return 3
            default: return nil
            }
        }

        mutating func object(scratch: inout [[UInt8]], _ body: (ExposureFields) throws -> Void) throws {
            try expect(UInt8(ascii: "{"))
            var ranges = [Range<Int>?](repeating: nil, count: 4)
            var escaped = [Bool](repeating: false, count: 4)
            skipSpaces()
            if index < end, buffer[index] == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    skipSpaces()
                    var keyScratch: [UInt8] = []
                    let (keyRange, keyEscaped) = try string(into: &keyScratch)
                    let key = keyEscaped ? nil : keyIndex(UnsafeBufferPointer(rebasing: buffer[keyRange]))
                    try expect(UInt8(ascii: ":"))
                    skipSpaces()
                    guard index < end else { throw error("expected a value") }
                    if let key {
                        if buffer[index] == UInt8(ascii: "\"") {
                            scratch[key].removeAll(keepingCapacity: true)
                            let (range, wasEscaped) = try string(into: &scratch[key])
                            ranges[key] = range
                            escaped[key] = wasEscaped
                        } else if key == 0 || key == 3, let range = number() {
                            ranges[key] = range
                            escaped[key] = false
                        } else {
                            throw error("'\(Self.keyName(key))' must be a string\(key == 0 || key == 3 ? " or a number" : "")")
                        }
                    } else {
                        try skipValue()
                    }
                    skipSpaces()
                    guard index < end else { throw error("unterminated object: expected ',' or '}'") }
                    if buffer[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    if buffer[index] == UInt8(ascii: "}") {
                        index += 1
                        break
                    }
                    throw error("expected ',' or '}'")
                }
            }
            skipSpaces()
            guard index == end else { throw error("unexpected text after the object") }
            // Escaped strings live in `scratch`; pin all four while calling `body`.
            try scratch[0].withUnsafeBufferPointer { s0 in
                try scratch[1].withUnsafeBufferPointer { s1 in
                    try scratch[2].withUnsafeBufferPointer { s2 in
                        try scratch[3].withUnsafeBufferPointer { s3 in
                            let pinned = [s0, s1, s2, s3]
                            var values: [UnsafeBufferPointer<UInt8>] = []
                            for key in 0..<4 {
                                guard let range = ranges[key] else {
                                    index = lineStart
                                    throw error("missing key '\(Self.keyName(key))'")
                                }
                                let value = escaped[key] ? pinned[key] : UnsafeBufferPointer(rebasing: buffer[range])
                                if value.isEmpty, key < 3 {
                                    index = range.lowerBound
                                    throw error("empty \(Self.keyName(key))")
                                }
                                if key < 3, !ExposureLogReader.isValidText(value) {
                                    index = range.lowerBound
                                    throw error("\(Self.keyName(key)) is not valid UTF-8 text without NUL bytes")
                                }
                                values.append(value)
                            }
                            guard let timestamp = MicrosecondTimestamp.parse(values[3]) else {
                                index = ranges[3]?.lowerBound ?? lineStart
                                throw error("'\(String(decoding: values[3], as: UTF8.self))' is not a timestamp (ISO 8601 or epoch seconds)")
                            }
                            try body(ExposureFields(experiment: values[1], unitId: values[0], variant: values[2], timestamp: timestamp))
                        }
                    }
                }
            }
        }

        static func keyName(_ key: Int) -> String { ExposureLogReader.columns[key] }

        /// A JSON string at `index`: its raw content range, and whether it had escapes (then the
        /// decoded bytes are in `decoded`).
        mutating func string(into decoded: inout [UInt8]) throws -> (Range<Int>, Bool) {
            guard index < end, buffer[index] == UInt8(ascii: "\"") else { throw error("expected a string") }
            index += 1
            let start = index
            var hasEscape = false
            while index < end {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") {
                    let range = start..<index
                    index += 1
                    if hasEscape { try decode(range, into: &decoded) }
                    return (range, hasEscape)
                }
                if byte == UInt8(ascii: "\\") {
                    hasEscape = true
                    index += 2
                    continue
                }
                if byte < 0x20 { throw error("control character in a string") }
                index += 1
            }
            throw error("unterminated string")
        }

        mutating func decode(_ range: Range<Int>, into output: inout [UInt8]) throws {
            output.removeAll(keepingCapacity: true)
            var position = range.lowerBound
            func hex4(_ at: Int) -> UInt32? {
                guard at + 4 <= range.upperBound else { return nil }
                var value: UInt32 = 0
                for offset in 0..<4 {
                    let byte = buffer[at + offset]
                    let digit: UInt8
                    switch byte {
                    case 48...57: digit = byte - 48
                    case 65...70: digit = byte - 55
                    case 97...102: digit = byte - 87
                    default: return nil
                    }
                    value = value << 4 | UInt32(digit)
                }
                return value
            }
            while position < range.upperBound {
                let byte = buffer[position]
                guard byte == UInt8(ascii: "\\"), position + 1 < range.upperBound else {
                    output.append(byte)
                    position += 1
                    continue
                }
                let escape = buffer[position + 1]
                position += 2
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(position) else { index = position; throw error("invalid \\u escape") }
                    position += 4
                    if (0xD800..<0xDC00).contains(scalar), position + 6 <= range.upperBound,
                        buffer[position] == UInt8(ascii: "\\"), buffer[position + 1] == UInt8(ascii: "u"),
                        let low = hex4(position + 2), (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        position += 6
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    output.append(contentsOf: String(character).utf8)
                default:
                    index = position - 1
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
            }
        }

        /// A JSON number's range, or `nil` when none starts here.
        mutating func number() -> Range<Int>? {
            let start = index
            while index < end {
                let byte = buffer[index]
                guard (48...57).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                else { break }
                index += 1
            }
            return index > start ? start..<index : nil
        }

        /// Skips any JSON value (nested objects and arrays included).
        mutating func skipValue() throws {
            var depth = 0
            var scratch: [UInt8] = []
            repeat {
                skipSpaces()
                guard index < end else { throw error("unterminated value") }
                let byte = buffer[index]
                switch byte {
                case UInt8(ascii: "\""): _ = try string(into: &scratch)
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard depth > 0 else { throw error("unexpected '\(Character(Unicode.Scalar(byte)))'") }
                    depth -= 1
                    index += 1
                case UInt8(ascii: ","), UInt8(ascii: ":"):
                    guard depth > 0 else { throw error("expected a value") }
                    index += 1
                default:
                    let start = index
                    while index < end, buffer[index] != UInt8(ascii: ","), buffer[index] != UInt8(ascii: "}"),
                        buffer[index] != UInt8(ascii: "]"), buffer[index] != 0x20 { index += 1 }
                    if index == start { throw error("expected a value") }
                }
            } while depth > 0
        }
    }
}
