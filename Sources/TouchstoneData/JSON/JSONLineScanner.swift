/// Byte-level JSON primitives (RFC 8259) over one line of a JSON Lines file.
///
/// Shared by the exposure reader (``JSONLinesExposureReader``) and the JSON Lines mode of
/// ``CSVReader`` (``JSONRecordScanner``), so both accept and reject strings, escapes and nested
/// values the same way. The scanner only moves `index` forward inside `index..<end`; errors are
/// located at `index` with a 1-based byte column counted from `lineStart`.
struct JSONLineScanner {
    let buffer: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int
    let lineStart: Int
    let line: Int
    private let fileName: FileName

    /// The file name, read only to build errors. A scanner is made per line, and a stored
    /// `String` (a path is longer than the 15 bytes kept inline) is retained and released with
    /// it: 20% of a JSON Lines scan's CPU in atomic reference counting. Hot loops therefore lend
    /// a pointer valid for their pass.
    private enum FileName {
        case owned(String)
        case borrowed(UnsafePointer<String>)
    }

    var name: String {
        switch fileName {
        case .owned(let name): name
        case .borrowed(let pointer): pointer.pointee
        }
    }

    init(buffer: UnsafeBufferPointer<UInt8>, index: Int, end: Int, lineStart: Int, line: Int, name: String) {
        self.buffer = buffer
        self.index = index
        self.end = end
        self.lineStart = lineStart
        self.line = line
        self.fileName = .owned(name)
    }

    /// A scanner that borrows the file name: `name` must stay valid while the scanner is used.
    init(buffer: UnsafeBufferPointer<UInt8>, index: Int, end: Int, lineStart: Int, line: Int, name: UnsafePointer<String>) {
        self.buffer = buffer
        self.index = index
        self.end = end
        self.lineStart = lineStart
        self.line = line
        self.fileName = .borrowed(name)
    }

    /// A ``DataError`` at the current byte.
    func error(_ message: String) -> DataError {
        error(message, at: index)
    }

    /// A ``DataError`` at byte `offset` of the buffer.
    func error(_ message: String, at offset: Int) -> DataError {
        DataError(file: name, line: line, column: offset - lineStart + 1, message: message)
    }

    /// Skips spaces and tabs, and carriage returns so that CRLF line ends need no special case.
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

    // MARK: - Strings

    /// The string at `index`: the range of its raw content (between the quotes) and whether it
    /// holds escapes. Escapes are not checked here (see ``decode(_:into:)``).
    mutating func scanString() throws -> (range: Range<Int>, escaped: Bool) {
        guard index < end, buffer[index] == UInt8(ascii: "\"") else { throw error("expected a string") }
        index += 1
        let start = index
        // The last offset a string's content may reach (content ≤ maximumFieldBytes bytes).
        let limit = start + InputLimits.maximumFieldBytes
        var hasEscape = false
        while true {
            guard index < end else { throw error("unterminated string") }
            guard index <= limit else {
                throw error("a string longer than \(InputLimits.maximumFieldBytes) bytes (the limit of a field)", at: start - 1)
            }
            index = Self.firstSpecialByte(buffer, from: index, before: min(end, limit + 1))
            guard index < end, index <= limit else { continue }
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") {
                let range = start..<index
                index += 1
                return (range, hasEscape)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscape = true
                index += 2
                continue
            }
            // A raw line break only shows up when the caller's `end` lies past the line.
            throw error(byte == 0x0A ? "unterminated string" : "control character in a string")
        }
    }

    /// The offset of the first byte in `offset..<stop` that ends a plain run of string content
    /// (a quote, a backslash or a control character below 0x20), or `stop`.
    ///
    /// Eight bytes at a time (SWAR): for a word `w`, `(w − 0x01…01·k) & ~w & 0x80…80` flags every
    /// byte below `k` (`k ≤ 0x80`), and `w ^ 0x22…22` turns quotes into zeros (likewise for
    /// backslashes). A flag can also be set spuriously above a true one (by the borrow), never
    /// below, so the lowest flagged byte of a little-endian word is exactly the first special
    /// byte (Mycroft's zero-byte test; Warren, *Hacker's Delight*, 2nd ed., §6-1). Strings are
    /// where a JSON Lines scan spends its time byte by byte, a scalar loop of three comparisons.
    @inline(__always)
    static func firstSpecialByte(_ buffer: UnsafeBufferPointer<UInt8>, from offset: Int, before stop: Int) -> Int {
        var index = offset
#if _endian(little)
        if let base = buffer.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= stop {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let flags = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word) & highs
                if flags != 0 { return index + flags.trailingZeroBitCount / 8 }
                index += 8
            }
        }
#endif
        while index < stop {
            let byte = buffer[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return stop
    }

    /// A string at `index`: its raw content range, and whether it had escapes (then the decoded
    /// bytes are in `decoded`).
    mutating func string(into decoded: inout [UInt8]) throws -> (Range<Int>, Bool) {
        let (range, hasEscape) = try scanString()
        if hasEscape { try decode(range, into: &decoded) }
        return (range, hasEscape)
    }

    /// Decodes the escaped string content `range` into `output`, with a located error for a
    /// malformed escape.
    mutating func decode(_ range: Range<Int>, into output: inout [UInt8]) throws {
        do {
            try Self.decode(buffer, range, into: &output)
        } catch .invalidUnicode(let offset) {
            index = offset
            throw error("invalid \\u escape")
        } catch .invalidEscape(let offset, let escape) {
            index = offset
            throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
        } catch .loneSurrogate(let offset) {
            index = offset
            throw error("a \\u escape of a lone surrogate (\\uD800-\\uDFFF without its pair) is not a character")
        }
    }

    /// A malformed escape and the offset it is reported at.
    enum EscapeProblem: Error {
        /// `\u` not followed by four hex digits; `offset` is the first digit's place.
        case invalidUnicode(offset: Int)
        /// A backslash followed by `escape`, which is not one of `"\/bfnrtu`.
        case invalidEscape(offset: Int, escape: UInt8)
        /// `\uD800`-`\uDFFF` not forming a high-low pair; `offset` is the backslash.
        case loneSurrogate(offset: Int)
    }

    /// Replaces `output` with the decoded string content `range` (RFC 8259 §7, `\u` surrogate
    /// pairs included). A lone surrogate is an error, never U+FFFD: repairing it would merge two
    /// distinct names (two unit ids differing only in their unpaired surrogate). The result is
    /// always `true` (kept for callers that test it).
    @discardableResult
    static func decode(
        _ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into output: inout [UInt8]
    ) throws(EscapeProblem) -> Bool {
        output.removeAll(keepingCapacity: true)
        let exact = true
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
                let escapeStart = position - 2
                guard var scalar = hex4(position) else { throw .invalidUnicode(offset: position) }
                position += 4
                if (0xD800..<0xDC00).contains(scalar), position + 6 <= range.upperBound,
                    buffer[position] == UInt8(ascii: "\\"), buffer[position + 1] == UInt8(ascii: "u"),
                    let low = hex4(position + 2), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                }
                guard let character = Unicode.Scalar(scalar) else { throw .loneSurrogate(offset: escapeStart) }
                output.append(contentsOf: String(character).utf8)
            default:
                throw .invalidEscape(offset: position - 1, escape: escape)
            }
        }
        return exact
    }

    // MARK: - Numbers and literals

    /// A number's range by its characters only (`0-9 + - . e E`), or `nil` when none starts here;
    /// the exposure reader's historical leniency (``number()`` leaves checking to the parser of
    /// the value).
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

    /// A number following the RFC 8259 §6 grammar, `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`,
    /// or a located error.
    mutating func strictNumber() throws -> Range<Int> {
        let start = index
        func isDigit(_ at: Int) -> Bool { at < end && buffer[at] >= 48 && buffer[at] <= 57 }
        func digits() throws {
            guard isDigit(index) else { throw error("invalid number", at: start) }
            while isDigit(index) { index += 1 }
        }
        if index < end, buffer[index] == UInt8(ascii: "-") { index += 1 }
        if index < end, buffer[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            try digits()
        }
        if index < end, buffer[index] == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if index < end, buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E") {
            index += 1
            if index < end, buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
        return start..<index
    }

    /// The literal `word` (`true`, `false`, `null`) at `index`, or a located error.
    mutating func literal(_ word: StaticString) throws -> Range<Int> {
        let start = index
        let count = word.utf8CodeUnitCount
        guard end - index >= count else { throw error("expected a value") }
        let matches = word.withUTF8Buffer { expected in
            expected.elementsEqual(UnsafeBufferPointer(rebasing: buffer[start..<start + count]))
        }
        guard matches else { throw error("expected a value") }
        index += count
        return start..<index
    }

    // MARK: - Skipping

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
