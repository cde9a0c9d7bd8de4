import TouchstoneExperiment
import TouchstoneTime

/// A byte-level reader for JSON Lines exposure logs: one flat object per line,
/// `{"unit_id": "u1", "experiment": "e", "variant": "control", "timestamp": "2026-03-01T12:00:00Z"}`.
///
/// Only the four keys are decoded (other keys are skipped, nested values included); `unit_id`
/// may be a number and `timestamp` a number of epoch seconds. Strings without escapes are handed
/// out in place; escaped ones (RFC 8259 §7, including `\u` surrogate pairs) are decoded into a
/// reused scratch buffer. The JSON itself is scanned by ``JSONLineScanner``, shared with
/// ``CSVReader``'s JSON Lines mode. Errors carry the 1-based line and byte column.
enum JSONLinesExposureReader {
    static func forEach(_ buffer: UnsafeBufferPointer<UInt8>, name: String, _ body: (ExposureFields) throws -> Void) throws -> Int {
        try forEach(buffer, in: 0..<buffer.count, firstLine: 1, name: name, body)
    }

    /// The exposures of the lines in `range`, which starts at a line start (`firstLine` is its
    /// 1-based number). Every line is parsed on its own, so a file split at line breaks is read
    /// exactly as it is whole.
    static func forEach(
        _ buffer: UnsafeBufferPointer<UInt8>, in range: Range<Int>, firstLine: Int, name: String,
        _ body: (ExposureFields) throws -> Void
    ) throws -> Int {
        var rows = 0
        var scratch = [[UInt8]](repeating: [], count: 4)
        var lineStart = range.lowerBound
        var line = firstLine
        if lineStart == 0, buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { lineStart = 3 }
        while lineStart < range.upperBound {
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
        return rows
    }

    /// The exposure object on top of the shared JSON primitives.
    private struct Parser {
        var scanner: JSONLineScanner
        var buffer: UnsafeBufferPointer<UInt8> { scanner.buffer }
        var end: Int { scanner.end }
        var lineStart: Int { scanner.lineStart }
        var index: Int {
            get { scanner.index }
            set { scanner.index = newValue }
        }

        init(buffer: UnsafeBufferPointer<UInt8>, index: Int, end: Int, lineStart: Int, line: Int, name: String) {
            scanner = JSONLineScanner(buffer: buffer, index: index, end: end, lineStart: lineStart, line: line, name: name)
        }

        func error(_ message: String) -> DataError { scanner.error(message) }
        mutating func skipSpaces() { scanner.skipSpaces() }
        mutating func expect(_ byte: UInt8) throws { try scanner.expect(byte) }
        mutating func string(into decoded: inout [UInt8]) throws -> (Range<Int>, Bool) { try scanner.string(into: &decoded) }
        mutating func number() -> Range<Int>? { scanner.number() }
        mutating func skipValue() throws { try scanner.skipValue() }

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
                    let keyStart = index
                    var keyScratch: [UInt8] = []
                    let (keyRange, keyEscaped) = try string(into: &keyScratch)
                    let key = keyEscaped ? nil : keyIndex(UnsafeBufferPointer(rebasing: buffer[keyRange]))
                    if let key, ranges[key] != nil {
                        // Which of two values is meant cannot be known: refused, as the event reader does.
                        throw scanner.error("duplicate key '\(Self.keyName(key))'", at: keyStart)
                    }
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
                            guard let timestamp = Timestamp.parse(values[3]) else {
                                index = ranges[3]?.lowerBound ?? lineStart
                                throw error(Timestamp.rejection(of: String(decoding: values[3], as: UTF8.self)))
                            }
                            try body(ExposureFields(
                                experiment: values[1], unitId: values[0], variant: values[2], timestamp: timestamp.microseconds))
                        }
                    }
                }
            }
        }

        static func keyName(_ key: Int) -> String { ExposureLogReader.columns[key] }
    }
}
