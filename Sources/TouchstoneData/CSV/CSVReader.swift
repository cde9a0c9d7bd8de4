import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A reader of tables in delimited text (RFC 4180) or JSON Lines that parses bytes directly.
///
/// **Delimited text.** Quoted fields may contain delimiters, doubled quotes and line breaks; CRLF
/// and LF line ends, a UTF-8 byte-order mark and `,` `;` or tab delimiters are accepted. Every
/// error names the file, the 1-based line and the 1-based field (column) at fault.
///
/// **JSON Lines** (`.jsonl`, `.ndjson`, or any input whose first non-blank byte after an optional
/// byte-order mark is `{`): one flat JSON object per line, blank lines skipped, CRLF accepted.
/// The columns are the keys, in order of first appearance over the first 1,000 non-blank lines
/// (``header``); ``sparseColumnIndex(_:)`` also accepts a key those lines lack, since event logs often
/// carry a key only on some lines. A value that is a string, a number (its text as written) or
/// `true`/`false` is the field; `null`, `""` and a key missing from the line are empty fields;
/// an object or array under a requested key is an error, other keys are skipped. Errors name
/// the file, the 1-based line and the 1-based byte column of the value at fault.
///
/// In both formats fields are handed out as byte ranges of one buffer, so the hot loop allocates
/// nothing per field (only quoted CSV fields and escaped JSON strings are unescaped, when read);
/// numbers are parsed from the bytes (``CSVRow/double(_:column:)``) without building a `String`.
public struct CSVReader: Sendable {
    /// The two input formats.
    public enum Format: Sendable, Hashable {
        /// Delimited text with a header line (RFC 4180).
        case delimited
        /// One flat JSON object per line; the keys are the columns.
        case jsonLines
    }

    /// The name used in error messages (normally the path as the user typed it).
    public let name: String
    /// The delimiter of delimited text (`,` for JSON Lines, where it is unused).
    public let delimiter: UInt8

    /// The header fields of delimited text.
    let columns: [String]
    /// The columns of JSON Lines; `nil` for delimited text.
    let keys: JSONKeyTable?
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
        if Self.isJSONLines(name: name, bytes, from: start) {
            self.delimiter = UInt8(ascii: ",")
            columns = []
            keys = try Self.sampleKeys(bytes, from: start, name: name)
            bodyStart = start
            bodyLine = 1
            return
        }
        keys = nil
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
        // Bytes, not `String` equality: names differing only in Unicode normalisation are two columns.
        var seen: Set<[UInt8]> = []
        for (index, field) in header.enumerated() where !seen.insert(Array(field.utf8)).inserted {
            throw DataError(file: name, line: 1, column: index + 1, message: "duplicate column name '\(field)'")
        }
        columns = header
        self.bodyStart = outcome.next
        self.bodyLine = outcome.nextLine
    }

    /// Which of the two formats the input is in.
    public var format: Format { keys == nil ? .delimited : .jsonLines }

    /// The column names, in order: the header line of delimited text; for JSON Lines the keys of
    /// the first 1,000 non-blank lines in order of first appearance, followed by any key
    /// registered since by ``columnIndex(_:)``.
    public var header: [String] { keys?.allNames ?? columns }

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

    /// The index of the required column called `column`, or an error naming the file and the
    /// columns found.
    ///
    /// Delimited text: the column is in the header line. JSON Lines: the key is required as the
    /// column is in CSV: it must occur in the header sample (the first 1,000 non-blank lines;
    /// otherwise the error lists the keys found, so a log that says `"type"` for `"event"` is
    /// rejected), and every line must carry it (`null` is an empty field; a line without the key
    /// is a located error). Ask for all columns before scanning starts. Names are compared as
    /// bytes, never after Unicode normalisation.
    public func columnIndex(_ column: String) throws -> Int {
        if let keys {
            guard let index = keys.index(of: column, registering: false, required: true) else {
                let known = keys.allNames.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
                throw DataError(
                    file: name, line: 1,
                    message: "missing key '\(column)' (the first lines have \(known.isEmpty ? "no keys" : known))")
            }
            return index
        }
        guard let index = columns.firstIndex(where: { $0.utf8.elementsEqual(column.utf8) }) else {
            let known = header.map { "'\($0)'" }.joined(separator: ", ")
            throw DataError(file: name, line: 1, message: "missing column '\(column)' (the header has \(known))")
        }
        return index
    }

    /// The index of a column that must exist (in the header, or the JSON Lines header sample) but
    /// that a JSON Lines line may omit, reading as an empty field there (as `null` does): for
    /// cells that may be empty anyway, such as metric values read with `--skip-missing`.
    public func columnIndex(_ column: String, onEveryLine: Bool) throws -> Int {
        if !onEveryLine, keys != nil, let index = optionalColumnIndex(column) { return index }
        return try columnIndex(column)
    }

    /// The index of a column that JSON Lines may carry on some lines only (`value` on the
    /// purchases of an event log): a key absent from the header sample is registered as a new
    /// column (shared by all copies of this reader) whose field is empty on the lines that lack
    /// it. Delimited text: as ``columnIndex(_:)``.
    public func sparseColumnIndex(_ column: String) throws -> Int {
        if let keys, let index = keys.index(of: column, registering: true) { return index }
        return try columnIndex(column)
    }

    /// The index of an optional column, or `nil` when the input does not have it.
    ///
    /// Delimited text: the column is in the header line. JSON Lines: the key occurs in the
    /// header sample (the first 1,000 non-blank lines) or was registered by ``sparseColumnIndex(_:)``;
    /// a key that first appears later is taken as absent, so put optional keys on early lines.
    public func optionalColumnIndex(_ column: String) -> Int? {
        if let keys { return keys.index(of: column, registering: false) }
        return columns.firstIndex(where: { $0.utf8.elementsEqual(column.utf8) })
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
        if let keys { return try forEachJSONRow(in: range, firstLine: firstLine, keys: keys, body) }
        var scanner = CSVScanner(delimiter: delimiter)
        let buffer = storage.buffer
        let header = columns
        var offset = range.lowerBound
        var line = firstLine
        var pass = Pass(reader: self, start: range.lowerBound)
        defer { pass.finish(at: offset) }
        // Rows borrow the file name for the whole pass (no reference count per row).
        try withUnsafePointer(to: name) { namePointer in
            while offset < range.upperBound {
                pass.advance(to: offset)
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
                try scanner.fields.withUnsafeBufferPointer { fields in
                    try body(CSVRow(
                        buffer: buffer, fields: UnsafeBufferPointer(rebasing: fields[0..<header.count]), line: line, name: namePointer))
                }
            }
        }
    }

    /// The page release and progress bookkeeping of one pass over a range.
    struct Pass {
        let reader: CSVReader
        var released: Int
        var reported: Int

        init(reader: CSVReader, start: Int) {
            self.reader = reader
            released = start
            reported = start
        }

        /// Called with the offset of each row before it is parsed.
        mutating func advance(to offset: Int) {
            if offset - released >= CSVReader.releaseStride {
                reader.storage.release(released..<offset)
                released = offset
            }
            if let progress = reader.progress, offset - reported >= CSVReader.progressStride {
                progress(offset - reported)
                reported = offset
            }
        }

        /// Reports the bytes parsed since the last report.
        func finish(at offset: Int) {
            if let progress = reader.progress, offset > reported { progress(offset - reported) }
        }
    }

    /// How many parsed bytes to keep mapped before handing their pages back to the kernel.
    /// Each worker holds up to this much of the file resident: at 64 MiB two workers kept
    /// 128 MB of a log in memory, a third of a 1M-unit analysis's peak; `madvise` every 8 MiB
    /// costs nothing measurable.
    static let releaseStride = 8 << 20

    /// How many parsed bytes between two ``progress`` reports.
    static let progressStride = 1 << 20

    /// Hands back the pages of the whole file (for instance once a pass over it is finished).
    public func releaseMemory() {
        storage.release(0..<storage.count)
    }

    /// Hands back the pages of `chunk` once its rows have been read (and what they point to copied).
    public func releaseMemory(of chunk: Chunk) {
        storage.release(chunk.range)
    }

    // MARK: - Parallel parsing

    /// A slice of the body that one worker parses: it starts at a row boundary.
    public struct Chunk: Sendable {
        public var range: Range<Int>
    }

    /// Splits the body into at most `count` chunks at line breaks, for parallel parsing.
    ///
    /// In delimited text a quoted field may contain a line break, so a body with any quote
    /// character is split where the count of quotes before a line break is even
    /// (``quotedChunks(_:body:)``). A JSON string cannot hold a raw line break, so JSON Lines
    /// splits at any line break.
    public func chunks(_ count: Int) -> [Chunk] {
        let buffer = storage.buffer
        let body = bodyStart..<buffer.count
        guard count > 1, body.count > 1 << 20 else { return [Chunk(range: body)] }
        if format == .delimited, containsQuote(body) { return quotedChunks(count, body: body) }
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

