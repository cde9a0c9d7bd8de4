import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A delimited-text reader that parses bytes directly (RFC 4180).
///
/// Quoted fields may contain delimiters, doubled quotes and line breaks; CRLF and LF line ends,
/// a UTF-8 byte-order mark and `,` `;` or tab delimiters are accepted. Fields are handed out as
/// byte ranges of one buffer, so the hot loop allocates nothing per field; numbers are parsed
/// from the bytes (``CSVRow/double(_:)``) without building a `String`.
///
/// Every error names the file, the 1-based line and the 1-based field (column) at fault.
public struct CSVReader: Sendable {
    /// The name used in error messages (normally the path as the user typed it).
    public let name: String
    /// The header fields, in order.
    public let header: [String]
    public let delimiter: UInt8

    let storage: ByteBuffer
    /// Offset of the first byte after the header line.
    let bodyStart: Int
    /// The line number (1-based) on which the body starts.
    let bodyLine: Int

    /// Called from the parsing loops with the number of bytes parsed since the previous call
    /// (about every megabyte, and once at the end of each pass), for progress displays. It may be
    /// called from several worker threads at once. The library draws nothing itself: the caller
    /// (the command-line tool) decides whether and how to show progress.
    public var progress: (@Sendable (_ bytes: Int) -> Void)?

    /// Maps the file at `path` (`-` reads standard input).
    public init(path: String, delimiter: UInt8? = nil) throws {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            try self.init(storage: ByteBuffer(bytes: [UInt8](data)), name: "<stdin>", delimiter: delimiter)
        } else {
            try self.init(storage: ByteBuffer(contentsOf: path), name: path, delimiter: delimiter)
        }
    }

    /// Parses `bytes` already in memory; `name` is used in error messages.
    public init(bytes: [UInt8], name: String, delimiter: UInt8? = nil) throws {
        try self.init(storage: ByteBuffer(bytes: bytes), name: name, delimiter: delimiter)
    }

    init(storage: ByteBuffer, name: String, delimiter: UInt8?) throws {
        let bytes = storage.buffer
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        self.storage = storage
        self.name = name
        let chosen = delimiter ?? CSVReader.sniffDelimiter(bytes, from: start)
        self.delimiter = chosen
        var header: [String] = []
        var scanner = CSVScanner(delimiter: chosen)
        guard let outcome = try scanner.nextRecord(bytes, from: start, line: 1, name: name) else {
            throw DataError(file: name, line: 1, message: "the file is empty: expected a header line")
        }
        for index in 0..<scanner.fieldCount {
            guard let text = scanner.validatedString(index, in: bytes) else {
                throw DataError(file: name, line: 1, column: index + 1, message: "the column name is not valid UTF-8 text")
            }
            header.append(text.trimmingCharacters(in: .whitespaces))
        }
        if header.count == 1, header[0].isEmpty {
            throw DataError(file: name, line: 1, message: "the header line is empty")
        }
        var seen: Set<String> = []
        for (index, field) in header.enumerated() where !seen.insert(field).inserted {
            throw DataError(file: name, line: 1, column: index + 1, message: "duplicate column name '\(field)'")
        }
        self.header = header
        self.bodyStart = outcome.next
        self.bodyLine = outcome.nextLine
    }

    /// Size of the input in bytes.
    public var byteCount: Int { storage.count }

    /// A rough count of data rows, from the length of the first few lines (for pre-sizing tables).
    public func estimatedRowCount() -> Int {
        let buffer = storage.buffer
        var newlines = 0, index = bodyStart
        while index < buffer.count, newlines < 1_000 {
            if buffer[index] == UInt8(ascii: "\n") { newlines += 1 }
            index += 1
        }
        guard newlines > 0, index > bodyStart else { return 1 }
        return max(1, Int(Double(buffer.count - bodyStart) / (Double(index - bodyStart) / Double(newlines))))
    }

    /// The index of the column called `column`, or an error naming the file and the columns found.
    public func columnIndex(_ column: String) throws -> Int {
        guard let index = header.firstIndex(of: column) else {
            let known = header.map { "'\($0)'" }.joined(separator: ", ")
            throw DataError(file: name, line: 1, message: "missing column '\(column)' (the header has \(known))")
        }
        return index
    }

    /// Calls `body` once per data row, in file order. Blank lines are skipped.
    ///
    /// Rows must have as many fields as the header; the row handed to `body` is valid only
    /// during the call.
    public func forEachRow(_ body: (borrowing CSVRow) throws -> Void) throws {
        try forEachRow(in: bodyStart..<storage.count, firstLine: bodyLine, body)
    }

    /// Calls `body` for the rows that start in `range`, which must begin at a row boundary
    /// (see ``chunks(_:)``). Rows report lines relative to `firstLine`.
    func forEachRow(in range: Range<Int>, firstLine: Int, _ body: (borrowing CSVRow) throws -> Void) throws {
        var scanner = CSVScanner(delimiter: delimiter)
        let buffer = storage.buffer
        var offset = range.lowerBound
        var line = firstLine
        var released = range.lowerBound
        var reported = range.lowerBound
        defer { if let progress, offset > reported { progress(offset - reported) } }
        while offset < range.upperBound {
            if offset - released >= Self.releaseStride {
                storage.release(released..<offset)
                released = offset
            }
            if let progress, offset - reported >= Self.progressStride {
                progress(offset - reported)
                reported = offset
            }
            guard let outcome = try scanner.nextRecord(buffer, from: offset, line: line, name: name) else { break }
            defer {
                offset = outcome.next
                line = outcome.nextLine
            }
            if scanner.fieldCount == 1, scanner.isBlank(0) { continue }
            guard scanner.fieldCount == header.count else {
                throw DataError(
                    file: name, line: line, column: min(scanner.fieldCount, header.count + 1),
                    message: "expected \(header.count) fields, found \(scanner.fieldCount)")
            }
            let row = CSVRow(buffer: buffer, scanner: scanner, line: line, name: name)
            try body(row)
        }
    }

    /// How many parsed bytes to keep mapped before handing their pages back to the kernel.
    static let releaseStride = 64 << 20

    /// How many parsed bytes between two ``progress`` reports.
    static let progressStride = 1 << 20

    /// Hands back the pages of the whole file (for instance once a pass over it is finished).
    public func releaseMemory() {
        storage.release(0..<storage.count)
    }

    // MARK: - Parallel parsing

    /// A slice of the body that one worker parses: it starts at a row boundary.
    public struct Chunk: Sendable {
        public var range: Range<Int>
    }

    /// Splits the body into at most `count` chunks at line breaks, for parallel parsing.
    ///
    /// A quoted field may contain a line break, so a file with any quote character is returned
    /// as a single chunk: splitting it safely would need a sequential pass anyway.
    public func chunks(_ count: Int) -> [Chunk] {
        let buffer = storage.buffer
        let body = bodyStart..<buffer.count
        guard count > 1, body.count > 1 << 20, !containsQuote(body) else { return [Chunk(range: body)] }
        var chunks: [Chunk] = []
        var start = body.lowerBound
        for part in 1...count {
            var end = part == count ? body.upperBound : body.lowerBound + body.count / count * part
            while end < body.upperBound, end > 0, buffer[end - 1] != UInt8(ascii: "\n") { end += 1 }
            if end > start { chunks.append(Chunk(range: start..<end)) }
            start = end
        }
        return chunks
    }

    /// Whether any byte of `range` is a double quote, scanned block by block with the scanned
    /// pages handed back, so the check does not make the whole file resident at once.
    private func containsQuote(_ range: Range<Int>) -> Bool {
        guard let base = storage.buffer.baseAddress else { return false }
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(range.upperBound, start + Self.releaseStride)
            let found = memchr(base + start, Int32(UInt8(ascii: "\"")), end - start) != nil
            storage.release(start..<end)
            if found { return true }
            start = end
        }
        return false
    }

    /// Calls `body` for the rows of one chunk. Errors carry the true line number, counted only
    /// when an error occurs.
    public func forEachRow(in chunk: Chunk, _ body: (borrowing CSVRow) throws -> Void) throws {
        do {
            try forEachRow(in: chunk.range, firstLine: 1, body)
        } catch var error as DataError {
            if let line = error.line, chunk.range.lowerBound != bodyStart {
                let buffer = storage.buffer
                var newlines = 0
                for index in bodyStart..<chunk.range.lowerBound where buffer[index] == UInt8(ascii: "\n") { newlines += 1 }
                error.line = line - 1 + bodyLine + newlines
            } else if let line = error.line {
                error.line = line - 1 + bodyLine
            }
            throw error
        }
    }

    /// Picks the delimiter that occurs most often outside quotes on the first line.
    static func sniffDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, UInt8(ascii: "\t"): 0]
        var inQuotes = false
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes {
                if byte == UInt8(ascii: "\n") { break }
                if counts[byte] != nil { counts[byte, default: 0] += 1 }
            }
            index += 1
        }
        let best = counts.max { lhs, rhs in
            lhs.value != rhs.value ? lhs.value < rhs.value : lhs.key > rhs.key
        }
        guard let best, best.value > 0 else { return UInt8(ascii: ",") }
        return best.key
    }
}

/// One data row: fields by index, as text or numbers.
public struct CSVRow: ~Copyable {
    let buffer: UnsafeBufferPointer<UInt8>
    let scanner: CSVScanner
    /// The 1-based line on which the row starts.
    public let line: Int
    let name: String

    init(buffer: UnsafeBufferPointer<UInt8>, scanner: CSVScanner, line: Int, name: String) {
        self.buffer = buffer
        self.scanner = scanner
        self.line = line
        self.name = name
    }

    public var count: Int { scanner.fieldCount }

    /// The field's text with RFC 4180 quoting removed.
    public func string(_ index: Int) -> String {
        scanner.string(index, in: buffer)
    }

    /// The field's text, or a located error when its bytes are not valid UTF-8.
    ///
    /// Use it for names that identify something (variants, arms): ``string(_:)`` repairs bad
    /// bytes to U+FFFD, so two different malformed names would silently become one.
    public func text(_ index: Int, column: String? = nil) throws -> String {
        guard let text = scanner.validatedString(index, in: buffer) else {
            throw error(index, "the field is not valid UTF-8 text\(column.map { " in column '\($0)'" } ?? "")")
        }
        return text
    }

    /// `true` when the field is empty or only blanks.
    public func isEmpty(_ index: Int) -> Bool {
        scanner.isBlank(index)
    }

    /// The field as a finite number, or a located error.
    public func double(_ index: Int, column: String? = nil) throws -> Double {
        let field = scanner.fields[index]
        let value: Double? = field.quoted
            ? NumberParsing.double(Array(string(index).utf8)[...])
            : NumberParsing.double(buffer, field.start, field.end)
        guard let value else {
            throw error(index, "'\(string(index))' is not a finite number\(column.map { " in column '\($0)'" } ?? "")")
        }
        return value
    }

    /// The field as a whole number, or a located error.
    public func integer(_ index: Int, column: String? = nil) throws -> Int {
        let value = try double(index, column: column)
        guard value == value.rounded(), abs(value) <= 9.007_199_254_740_992e15 else {
            throw error(index, "'\(string(index))' is not a whole number\(column.map { " in column '\($0)'" } ?? "")")
        }
        return Int(value)
    }

    /// A ``DataError`` located at this row and the given field.
    public func error(_ index: Int, _ message: String) -> DataError {
        DataError(file: name, line: line, column: index + 1, message: message)
    }

    /// Calls `body` with the raw bytes of an unquoted field (for hashing or interning without a `String`).
    public func withBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let field = scanner.fields[index]
        if field.quoted {
            let text = Array(string(index).utf8)
            return try text.withUnsafeBufferPointer(body)
        }
        return try body(UnsafeBufferPointer(rebasing: buffer[field.start..<field.end]))
    }
}

/// The record splitter shared by the header and body passes.
struct CSVScanner: @unchecked Sendable {
    struct Field {
        var start: Int
        var end: Int
        /// The field was quoted: its text needs `""` → `"` unescaping.
        var quoted: Bool
    }

    let delimiter: UInt8
    private(set) var fields: [Field] = []
    private(set) var fieldCount = 0

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        fields.reserveCapacity(16)
    }

    private mutating func append(_ field: Field) {
        if fieldCount < fields.count {
            fields[fieldCount] = field
        } else {
            fields.append(field)
        }
        fieldCount += 1
    }

    /// Splits the record starting at `offset`; `nil` at end of input.
    mutating func nextRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, from offset: Int, line: Int, name: String
    ) throws -> (next: Int, nextLine: Int)? {
        guard offset < buffer.count else { return nil }
        fieldCount = 0
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var index = offset
        var currentLine = line
        while true {
            if index < buffer.count, buffer[index] == quote {
                let startLine = currentLine
                let start = index + 1
                index = start
                var closed = false
                while index < buffer.count {
                    let byte = buffer[index]
                    if byte == quote {
                        if index + 1 < buffer.count, buffer[index + 1] == quote {
                            index += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    if byte == newline { currentLine += 1 }
                    index += 1
                }
                guard closed else {
                    throw DataError(
                        file: name, line: startLine, column: fieldCount + 1,
                        message: "unterminated quoted field")
                }
                append(Field(start: start, end: index, quoted: true))
                index += 1
                guard index < buffer.count else { return (index, currentLine) }
                let byte = buffer[index]
                if byte == delimiter {
                    index += 1
                    continue
                }
                if byte == newline { return (index + 1, currentLine + 1) }
                if byte == cr, index + 1 < buffer.count, buffer[index + 1] == newline {
                    return (index + 2, currentLine + 1)
                }
                throw DataError(
                    file: name, line: currentLine, column: fieldCount,
                    message: "unexpected text after a closing quote")
            }
            let start = index
            while index < buffer.count {
                let byte = buffer[index]
                if byte == delimiter || byte == newline { break }
                if byte == quote {
                    throw DataError(
                        file: name, line: currentLine, column: fieldCount + 1,
                        message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
                index += 1
            }
            var end = index
            if index < buffer.count, buffer[index] == newline, end > start, buffer[end - 1] == cr { end -= 1 }
            if index == buffer.count, end > start, buffer[end - 1] == cr { end -= 1 }
            append(Field(start: start, end: end, quoted: false))
            if index == buffer.count { return (index, currentLine) }
            if buffer[index] == newline { return (index + 1, currentLine + 1) }
            index += 1
        }
    }

    func string(_ index: Int, in buffer: UnsafeBufferPointer<UInt8>) -> String {
        let field = fields[index]
        let slice = UnsafeBufferPointer(rebasing: buffer[field.start..<field.end])
        let text = String(decoding: slice, as: UTF8.self)
        return field.quoted ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }

    /// Like ``string(_:in:)``, but `nil` when the bytes are not valid UTF-8.
    func validatedString(_ index: Int, in buffer: UnsafeBufferPointer<UInt8>) -> String? {
        let field = fields[index]
        let slice = UnsafeBufferPointer(rebasing: buffer[field.start..<field.end])
        guard let text = String(validating: slice, as: UTF8.self) else { return nil }
        return field.quoted ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }

    func isBlank(_ index: Int) -> Bool {
        let field = fields[index]
        return field.end == field.start && !field.quoted
    }
}
